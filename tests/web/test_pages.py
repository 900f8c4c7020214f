"""Overview, search and document pages (and their JSON twins) on the five analysed seeds."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterclaim.query.document import Span, flatten, segments

from tests.web.conftest import LOCAL, XSS

KINDS = ("attribution", "claim", "mention", "quantity")


@pytest.fixture(scope="module")
def seed_ids(seeded_ledger) -> dict[str, str]:
    """Seed document ids by file prefix ('000' … '004')."""
    return {Path(str(d["path"])).name[:3]: str(d["id"]) for d in seeded_ledger.document_summaries()}


def doc_text_of(html: str):
    """The ``#doc-text`` element of a page."""
    tree = lxml.html.fromstring(html)
    (node,) = tree.xpath('//div[@id="doc-text"]')
    return node


def items_in(html: str, **attrs: str) -> list:
    """Highlighted items of the text whose attributes contain ``attrs`` (``cls`` matches one class)."""
    found = []
    for el in doc_text_of(html).xpath('.//*[contains(concat(" ", @class, " "), " item ")]'):
        classes = el.get("class", "").split()
        if "cls" in attrs and attrs["cls"] not in classes:
            continue
        if all(el.get(k) == v for k, v in attrs.items() if k != "cls"):
            found.append(el)
    return found


def own_text(el) -> str:
    """An element's text without its tooltip(s)."""
    copy = lxml.html.fromstring(lxml.html.tostring(el, encoding="unicode", with_tail=False))
    for tip in copy.xpath('.//span[@class="tip"]'):
        tip.drop_tree()
    return copy.text_content()


def tip_of(el) -> str:
    tips = el.xpath('./span[@class="tip"]')
    return tips[0].text_content() if tips else ""


# -- the pure segment function ------------------------------------------------------------------

def test_segments_nest_and_split_crossing_items():
    text = "Officials said 12 civilians were killed in Khojaly."
    spans = [Span(0, 51, "attribution", "a0"), Span(15, 40, "claim", "c0"), Span(15, 17, "quantity", "q0"),
             Span(35, 51, "mention", "m0")]  # the mention crosses the claim's end
    tree = segments(text, spans)
    assert flatten(tree) == text
    (attr,) = tree
    assert attr["id"] == "a0" and attr["part"] == 0
    claim, mention_rest = attr["children"][1], attr["children"][2]
    assert claim["id"] == "c0" and claim["children"][0]["id"] == "q0"
    assert claim["children"][0]["children"] == ["12"]
    assert claim["children"][-1]["id"] == "m0" and claim["children"][-1]["part"] == 0
    assert mention_rest["id"] == "m0" and mention_rest["part"] == 1
    assert flatten(claim["children"][-1]["children"]) + flatten(mention_rest["children"]) == text[35:51]


def test_segments_same_span_attribution_outside_claim_and_empty_or_out_of_range_spans():
    text = "abc def"
    tree = segments(text, [Span(0, 3, "claim", "c"), Span(0, 3, "attribution", "a"), Span(4, 4, "claim", "e"),
                           Span(5, 99, "quantity", "q")])
    assert tree[0]["kind"] == "attribution" and tree[0]["children"][0]["kind"] == "claim"
    assert tree[-1]["kind"] == "quantity" and tree[-1]["children"] == ["ef"]
    assert "e" not in {n["id"] for n in tree if isinstance(n, dict)}
    assert flatten(tree) == text


def _pieces(tree, out):
    for node in tree:
        if isinstance(node, dict):
            out.setdefault(node["id"], []).append(node)
            _pieces(node["children"], out)
    return out


def _offsets(tree, pos=0, out=None):
    """(id, start, end) of every node, from the lengths of the text it covers."""
    out = [] if out is None else out
    for node in tree:
        if isinstance(node, str):
            pos += len(node)
        else:
            start = pos
            pos = _offsets(node["children"], pos, out)[0]
            out.append((node["id"], start, pos))
    return pos, out


@given(st.text(min_size=0, max_size=60),
       st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70), st.sampled_from(KINDS)), max_size=12))
def test_segments_keep_every_character_and_cover_each_span_exactly(text, raw):
    spans = [Span(a, b, kind, f"i{n}") for n, (a, b, kind) in enumerate(raw)]
    tree = segments(text, spans)
    assert flatten(tree) == text
    _, offsets = _offsets(tree)
    covered: dict[str, set[int]] = {}
    for item_id, start, end in offsets:
        covered.setdefault(item_id, set()).update(range(start, end))
    for s in spans:
        lo, hi = max(0, min(s.start, len(text))), max(0, min(s.end, len(text)))
        assert covered.get(s.id, set()) == set(range(lo, hi))
    parts = _pieces(tree, {})
    for item_id, nodes in parts.items():
        assert sorted(n["part"] for n in nodes) == list(range(len(nodes)))


# -- overview -------------------------------------------------------------------------------------

def test_overview_counts_asserters_and_latest(client, seeded_ledger, seed_ids):
    data = client.get("/api/overview").json()
    counts = seeded_ledger.counts()
    assert data["counts"]["documents"] == 5
    assert data["counts"]["figures"] == counts["quantities"] and data["counts"]["claims"] == counts["claims"]
    assert data["counts"]["corrections"] == 0
    assert data["published"] == {"first": "2021-09-21", "last": "2025-05-01"}
    by_name = {a["name"]: a["documents"] for a in data["asserters"]}
    assert by_name == {"Sabina Aliyeva": 4, "Luis Moreno Ocampo": 1}
    assert [d["published"] for d in data["latest"]] == sorted((d["published"] for d in data["latest"]), reverse=True)
    assert {d["id"] for d in data["latest"]} == set(seed_ids.values())
    assert {t["doc_type"]: t["documents"] for t in data["doc_types"]} == {"article": 2, "statement": 2, "interview": 1}

    page = client.get("/")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    html = page.text
    assert '<a href="/entities/PERSON%3Asabina-aliyeva">Sabina Aliyeva</a>' in html
    for doc_id in seed_ids.values():
        assert f'href="/documents/{doc_id}"' in html
    assert "Trend" in html and 'action="/search"' in html


def test_documents_listing_is_paginated(client, seed_ids):
    pages = [client.get(f"/api/documents?page={n}&per_page=2").json() for n in (1, 2, 3)]
    assert [p["pages"] for p in pages] == [3, 3, 3] and pages[0]["total"] == 5
    ids = [d["id"] for p in pages for d in p["documents"]]
    assert len(ids) == 5 and set(ids) == set(seed_ids.values())
    assert client.get("/api/documents?page=99&per_page=2").json()["page"] == 3  # clamped
    assert client.get("/api/documents?page=0").status_code == 422


# -- search ---------------------------------------------------------------------------------------

def test_search_finds_the_seeds_that_name_khojaly(client, seed_ids):
    data = client.get("/api/search", params={"q": "Khojaly"}).json()
    assert {h["id"] for h in data["hits"]} == {seed_ids["000"], seed_ids["003"]}
    assert data["hits"][0]["id"] == seed_ids["003"]  # nine mentions rank first
    assert all("\x01" in h["snippet"] for h in data["hits"])
    html = client.get("/search", params={"q": "Khojaly"}).text
    assert "<mark>Khojaly</mark>" in html
    assert f'href="/documents/{seed_ids["003"]}"' in html and f'href="/documents/{seed_ids["000"]}"' in html
    assert f'href="/documents/{seed_ids["001"]}"' not in html


@pytest.mark.parametrize("q", ['"Khojaly', "Khoj*", "NEAR(Khojaly genocide)", "title:Khojaly", "Khojaly AND",
                               "-", "(", "'; DROP TABLE documents; --"])
def test_search_with_query_syntax_characters_does_not_fail(client, q):
    assert client.get("/api/search", params={"q": q}).status_code == 200
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200 and "Error" not in page.text


def test_empty_search_gives_a_hint(client):
    for url in ("/search", "/search?q=", "/search?q=%20%20"):
        page = client.get(url)
        assert page.status_code == 200 and 'class="hint"' in page.text
    assert client.get("/api/search?q=").json() == {"q": "", "hits": [], "terms": [], "note": None}


# -- document -------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_document_text_renders_every_character_once(client, seeded_ledger, seed_ids, prefix):
    doc_id = seed_ids[prefix]
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    from counterclaim.ledger.models import DocumentRow

    with seeded_ledger.session() as s:
        text = s.get(DocumentRow, doc_id).text
    assert own_text(doc_text_of(page.text)) == text
    # every item is there, with the markup the browser tests rely on
    data = client.get(f"/api/documents/{doc_id}").json()
    assert data["document"]["text"] == text
    for kind, key in (("quantity", "figures"), ("attribution", "attributions"), ("claim", "claims"),
                      ("mention", "mentions"), ("technique", "techniques")):
        for item in data[key]:
            els = items_in(page.text, **{"data-id": item["id"]})
            assert els and all(e.get("data-kind") == kind and e.get("tabindex") == "0" for e in els)
            assert f"item-{kind}" in els[0].get("class").split()
            assert "".join(own_text(e) for e in els) == (item["content"]["text"] if kind == "attribution"
                                                         else item["text"])


def test_document_003_highlights_613_killed_with_category_and_legend(client, seed_ids):
    html = client.get(f"/documents/{seed_ids['003']}").text
    killed = items_in(html, cls="cat-killed")
    assert "613" in [own_text(e) for e in killed]
    el = next(e for e in killed if own_text(e) == "613")
    assert el.get("data-kind") == "quantity" and "item-quantity" in el.get("class")
    assert "killed" in tip_of(el) and "613" in tip_of(el)
    # nested: the figure sits inside its claim
    assert el.getparent().get("data-kind") == "claim" or any(
        a.get("data-kind") == "claim" for a in el.iterancestors())
    assert 'class="swatch cat-killed"' in html  # the legend
    claims = items_in(html, **{"data-kind": "claim"})
    assert {c.get("class").split()[2] for c in claims} <= {"cw-low", "cw-mid", "cw-high"}


def test_document_technique_shows_label_and_why_on_hover_and_focus(client, seed_ids):
    html = client.get(f"/documents/{seed_ids['003']}").text
    techs = [e for e in items_in(html, **{"data-kind": "technique"}) if "cont" not in e.get("class")]
    chauvinists = next(e for e in techs if "chauvinists" in own_text(e))
    assert chauvinists.get("tabindex") == "0"
    tip = tip_of(chauvinists)
    assert "Name Calling-Labeling" in tip and "labels someone" in tip
    assert 'class="swatch swatch-technique"' in html


def test_document_attribution_tooltip_names_speaker_and_relays(client, seed_ids):
    html = client.get(f"/documents/{seed_ids['004']}").text
    attrs = [e for e in items_in(html, **{"data-kind": "attribution"}) if "cont" not in e.get("class")]
    tips = [tip_of(e) for e in attrs]
    assert any("Sabina Aliyeva" in t and "via Trend" in t for t in tips), tips
    # mentions link to their entity page
    assert items_in(html, **{"data-kind": "mention", "href": "/entities/PERSON%3Asabina-aliyeva"})


def test_document_000_shows_the_contradiction_with_001(client, seed_ids):
    data = client.get(f"/api/documents/{seed_ids['000']}").json()
    (rel,) = [r for r in data["relations"] if r["type"] == "contradicts"]
    assert rel["other"]["doc"] == seed_ids["001"] and rel["other"]["asserter_name"] == "Luis Moreno Ocampo"
    assert rel["this"]["id"].startswith(seed_ids["000"])
    rebuts = [r for r in data["relations"] if r["type"] == "rebuts"]
    assert rebuts and rebuts[0]["other"]["kind"] == "entity"
    html = client.get(f"/documents/{seed_ids['000']}").text
    tree = lxml.html.fromstring(html)
    (li,) = tree.xpath('//li[@data-type="contradicts"]')
    assert li.xpath(f'.//a[@href="/documents/{seed_ids["001"]}"]')
    assert "genocide" in li.text_content() and rel["evidence"][:40] in li.text_content()
    assert "same_entity" not in {r["type"] for r in data["relations"]}


def test_document_side_panel_has_correction_forms(client, seed_ids):
    client.cookies.set("cc_author", "ana")
    html = client.get(f"/documents/{seed_ids['003']}").text
    tree = lxml.html.fromstring(html)
    (aside,) = tree.xpath('//aside[@id="items"]')
    li = aside.xpath('.//li[@data-id=$i]', i=f"{seed_ids['003']}:q1")[0]
    assert li.get("data-kind") == "quantity"
    (form,) = li.xpath(".//form")
    assert form.get("action") == "/corrections" and form.get("method") == "post"
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert fields == {"kind": "quantity", "item_id": f"{seed_ids['003']}:q1", "next": f"/documents/{seed_ids['003']}#item-{seed_ids['003']}:q1",
                      "author": "ana", "field": "category"}
    assert {b.get("value") for b in form.xpath(".//button[@name='action']")} >= {"confirm", "reject", "fix"}
    options = form.xpath(".//select[@name='value']/option")
    assert len(options) == 10 and [o.get("value") for o in options if o.get("selected") is not None] == ["killed"]
    # an attribution's speaker is chosen among the document's entities
    doc4 = lxml.html.fromstring(client.get(f"/documents/{seed_ids['004']}").text)
    (sel,) = doc4.xpath('//li[@data-kind="attribution"][1]//select[@name="value"]')
    assert "PERSON:sabina-aliyeva" in [o.get("value") for o in sel.xpath("./option")]
    # a technique's label is corrected among the SemEval-2023 labels
    (li,) = tree.xpath('//aside[@id="items"]//li[@data-kind="technique"][1]')
    fields = {i.get("name"): i.get("value") for i in li.xpath(".//form//input")}
    assert fields["kind"] == "technique" and fields["field"] == "label"
    assert len(li.xpath(".//select[@name='value']/option")) == 23


def test_read_only_document_has_no_forms(read_only_client, seed_ids):
    html = read_only_client.get(f"/documents/{seed_ids['003']}").text
    assert "<form class=\"correction\"" not in html and 'action="/corrections"' not in html
    assert items_in(html, cls="cat-killed")


def test_reviewed_items_show_their_status_and_fixed_value(web_db, seed_ids):
    from fastapi.testclient import TestClient

    from counterclaim.api import open_ledger
    from counterclaim.corrections import correct
    from counterclaim.web import create_app

    ledger = open_ledger(web_db)
    doc = seed_ids["003"]
    correct(ledger, "quantity", f"{doc}:q1", "reject", author="ana")
    correct(ledger, "quantity", f"{doc}:q6", "fix", field="category", value="missing", author="ana")
    ledger.close()
    with TestClient(create_app(web_db), base_url=LOCAL) as c:
        html = c.get(f"/documents/{doc}").text
        data = c.get(f"/api/documents/{doc}").json()
        overview = c.get("/api/overview").json()
    (rejected,) = items_in(html, **{"data-id": f"{doc}:q1"})
    assert rejected.get("data-status") == "rejected" and own_text(rejected) == "613"
    (fixed,) = items_in(html, **{"data-id": f"{doc}:q6"})
    assert fixed.get("data-status") == "corrected" and "cat-missing" in fixed.get("class").split()
    assert "corrected by ana" in tip_of(fixed)
    assert {q["id"]: q["status"] for q in data["figures"]}[f"{doc}:q1"] == "rejected"
    assert overview["counts"]["corrections"] == 2


@pytest.mark.parametrize("url", ["/documents/0000000000000000", "/documents/zz", "/api/documents/nope"])
def test_unknown_document_is_404(client, url):
    r = client.get(url)
    assert r.status_code == 404
    if url.startswith("/api/"):
        assert r.json()["code"] == "E203"
    else:
        assert "E203" in r.text and "Content-Security-Policy" in r.headers


def test_document_by_unique_prefix(client, seed_ids):
    doc = seed_ids["001"]
    assert client.get(f"/api/documents/{doc[:8]}").json()["document"]["id"] == doc
    assert client.get("/api/documents/d").status_code == 404  # ambiguous: every seed id starts with d


# -- hostile text ---------------------------------------------------------------------------------

def test_hostile_text_is_escaped_everywhere(web_db, tmp_path):
    from fastapi.testclient import TestClient

    from counterclaim.api import ingest, open_ledger
    from counterclaim.web import create_app

    src = tmp_path / "xss.txt"
    src.write_text(f"{XSS} Officials said 12 civilians were killed.\n", encoding="utf-8")
    ledger = open_ledger(web_db)
    report = ingest(ledger, [src])
    assert report.ok and len(report.added) == 1
    doc_id = report.added[0]
    ledger.close()
    with TestClient(create_app(web_db), base_url=LOCAL) as c:
        pages = {"document": c.get(f"/documents/{doc_id}"), "search": c.get("/search", params={"q": "alert"}),
                 "overview": c.get("/")}
        data = c.get(f"/api/documents/{doc_id}").json()
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert "Content-Security-Policy" in page.headers and "script-src 'self'" in page.headers[
            "Content-Security-Policy"]
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, name
        # the overview shows the inferred title, which drops the '>' (escaped all the same)
        assert ("&lt;script" if name == "overview" else "&lt;script&gt;") in page.text, name
    assert "no asserter" in pages["overview"].text  # the hostile document has none
    # the only script on any page is our own file
    tree = lxml.html.fromstring(pages["document"].text)
    assert [s.get("src") for s in tree.xpath("//script")] == ["/static/document.js"]
    assert not tree.xpath("//img") and not [e for e in tree.iter() if any(k.startswith("on") for k in e.attrib)]
    assert own_text(doc_text_of(pages["document"].text)) == data["document"]["text"]
    assert any(q["text"] == "12" for q in data["figures"])
    assert items_in(pages["document"].text, cls="item-quantity")


@pytest.mark.parametrize("path", ["/", "/claims", "/api/documents", "/static/app.css"])
def test_head_answers_like_get_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert "content-security-policy" in head.headers
