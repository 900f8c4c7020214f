"""Honest displays and findable disputes: tooltips as sentences, dispute links and banners, filters by name,
a compact side panel, pages past the end, human titles on /docs."""

from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def ids(seeded_ledger) -> dict[str, str]:
    from pathlib import Path

    return {Path(str(r["path"])).name[:3]: str(r["id"]) for r in seeded_ledger.document_summaries()}


def _tips(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<span class="tip" role="tooltip">(.*?)</span>', html)]


# -- 16.7 say what the text says ------------------------------------------------------------------------------
def test_tooltips_read_as_sentences(client, ids):
    html = client.get(f"/documents/{ids['001']}").text  # the interview, relayed by Alpha News
    tips = _tips(html)
    assert tips and all(t.rstrip().endswith(".") and " · " not in t for t in tips)
    assert "Said by Luis Moreno Ocampo, via Alpha News, reported." in tips
    assert not any("“:”" in t for t in tips)
    assert any(re.fullmatch(r"A claim of type \w+, asserted by Luis Moreno Ocampo; check-worthiness [\d.]+\.", t)
               for t in tips)
    assert "Luis Moreno Ocampo, named here by a title or role." in tips


@pytest.mark.parametrize("doc", ["000", "001", "002", "003", "004"])
def test_no_double_colons_or_doubled_quote_marks(client, ids, doc):
    html = client.get(f"/documents/{ids[doc]}").text
    assert "::" not in re.sub(r"<[^>]+>", "", html)
    assert not re.search(r"<q>\s*[\"“”«]", html) and not re.search(r"[\"“”»]\s*</q>", html)


# -- 16.8 disputes are findable -----------------------------------------------------------------------------
def test_navigation_and_overview_lead_to_the_lists(client):
    html = client.get("/").text
    assert '<a href="/disputes">Disputes</a>' in html
    for kind, url in (("documents", "/documents"), ("entities", "/entities"), ("claims", "/claims"),
                      ("figures", "/figures"), ("disputes", "/disputes"), ("corrections", "/corrections")):
        assert re.search(rf'data-kind="{kind}"><dt><a href="{url}">{kind}</a>', html), kind
        assert client.get(url).status_code == 200, url
    counts = client.get("/api/overview").json()["counts"]
    assert counts["disputes"] == client.get("/api/contradictions").json()["total"] == 3


def test_disputes_read_as_sentences_with_the_evidence_one_click_away(client):
    html = client.get("/disputes").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Sabina Aliyeva (2023-08-11) and Luis Moreno Ocampo (2023-11-15) say opposite things about genocide." \
        in text
    assert re.search(r"Sabina Aliyeva \(2023-08-11\) rebuts the work “[^”]+” by Luis Moreno Ocampo\.", text)
    assert re.search(r"Sabina Aliyeva \(2025-05-01\) rebuts the work “[^”]+” by Amnesty International\.", text)
    assert html.count('<details class="technical"><summary>Technical evidence</summary>') == 3
    assert re.search(r"<details class=\"technical\">.*?score 0\.\d\d: .*?cos", html, re.S)


def test_claims_page_links_to_its_disputes_at_the_top(client):
    html = client.get("/claims").text
    assert html.index('href="#contradictions"') < html.index('<table class="claims">')
    assert 'id="contradictions"' in html


def test_a_disputed_document_says_so_at_the_top(client, ids):
    html = client.get(f"/documents/{ids['000']}").text  # the Ombudsman's answer to the "expert opinion"
    banner = re.search(r'<p class="dispute-banner" role="note">(.*?)</p>', html, re.S)
    assert banner and html.index("dispute-banner") < html.index('id="doc-text"')
    words = " ".join(re.sub(r"<[^>]+>", "", banner.group(1)).split())
    assert words.startswith("Disputed. 1 contradiction and 1 rebuttal link this document to others.")
    undisputed = client.get(f"/documents/{ids['003']}").text
    assert "dispute-banner" not in undisputed


# -- 16.9 the about filter takes a name -------------------------------------------------------------------------
def test_claims_about_filter_by_name(client):
    html = client.get("/claims").text
    menu = re.search(r'<select name="about">(.*?)</select>', html, re.S).group(1)
    assert re.search(r'<option value="GPE:armenia">Armenia \(\d+\)</option>', menu)
    by_name = client.get("/api/claims", params={"about": "Armenia"}).json()
    by_id = client.get("/api/claims", params={"about": "GPE:armenia"}).json()
    assert by_name["total"] == by_id["total"] > 0 and by_name["filters"]["about"] == "GPE:armenia"
    assert 'selected>Armenia (' in client.get("/claims", params={"about": "armenia"}).text


# -- 16.10 the document page breathes ----------------------------------------------------------------------------
def test_side_panel_folds_each_items_controls_and_skip_links(client, ids):
    html = client.get(f"/documents/{ids['003']}").text
    items = re.findall(r'<li id="panel-([^"]+)" data-id="\1" data-kind="(quantity|attribution|claim|technique)"', html)
    assert len(items) >= 20
    panel = html[html.index('<aside id="items"'):html.index("</aside>")]
    assert panel.count('<details class="controls"><summary>Review</summary><form class="correction"') == len(items)
    assert '<details class="controls" open' not in panel
    skip = re.search(r'<nav class="skip" aria-label="skip links">(.*?)</nav>', html, re.S).group(1)
    assert 'href="#items"' in skip and 'href="#h-related"' in skip
    assert 'id="items"' in html and 'id="h-related"' in html


# -- 16.11 pages past the end, /docs titles -----------------------------------------------------------------------
@pytest.mark.parametrize("path, last", [("/claims?page=99&claim_type=accusation", "/claims?page=1&claim_type=accusation"),
                                        ("/claims?page=99", "/claims?page=2"), ("/documents?page=9", "/documents?page=1"),
                                        ("/disputes?page=5", "/disputes?page=1"), ("/entities?page=7", "/entities?page=1")])
def test_a_page_past_the_end_redirects_to_the_last(client, path, last):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    got, want = r.headers["location"], last
    assert got.split("?")[0] == want.split("?")[0] and set(got.split("?")[1].split("&")) == set(want.split("?")[1].split("&"))


def test_docs_headings_are_human_titles(client):
    html = client.get("/docs").text
    titles = re.findall(r"<h2>(.*?)</h2>", html)
    assert len(titles) >= 15
    for t in titles:
        assert "/" not in t and "Json" not in t and t[:1].isupper(), t
    assert "<h2>Claims ranked by check-worthiness, filtered, 50 per page</h2>" in html
