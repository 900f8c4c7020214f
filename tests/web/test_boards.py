"""Entity pages, the claims board, contradiction pairs, the figures board and /docs, on the five seeds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.web.conftest import XSS

OCAMPO = "PERSON:luis-moreno-ocampo"
ALIYEVA = "PERSON:sabina-aliyeva"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _open(web_db):
    from counterclaim.api import open_ledger

    return open_ledger(web_db)


def _claim_count(web_db, *conds) -> int:
    from counterclaim.ledger.models import ClaimRow

    with _open(web_db).session() as s:
        return s.scalar(select(func.count()).select_from(ClaimRow).where(*conds))


# -- entity page ---------------------------------------------------------------------------------------------
def test_entity_json_ocampo(client):
    r = client.get(f"/api/entities/{OCAMPO}")
    assert r.status_code == 200
    v = r.json()
    assert v["entity"]["name"] == "Luis Moreno Ocampo" and v["entity"]["type"] == "PERSON"
    assert "L.M. Ocampo" in v["entity"]["aliases"]
    assert any("prosecutor" in role for role in v["entity"]["roles"])
    # He asserts the interview, and speaks in it.
    interviews = [d for d in v["asserted_documents"]["items"] if d["doc_type"] == "interview"]
    assert len(interviews) == 1
    interview = interviews[0]["id"]
    assert any(a["doc"] == interview and a["role"] == "speaker" and a["speaker"] == OCAMPO
               for a in v["attributions"]["items"])
    # Claims by him are his; claims about him name him in `about` (the Ombudsman's denials).
    assert v["claims_by"]["total"] >= 1
    assert all(c["asserter"] == OCAMPO for c in v["claims_by"]["items"])
    assert v["claims_about"]["total"] >= 1
    assert all(OCAMPO in c["about"] for c in v["claims_about"]["items"])
    assert {c["asserter"] for c in v["claims_about"]["items"]} == {ALIYEVA}
    # Documents mentioning him: the interview and the Ombudsman's reaction.
    assert v["documents"]["total"] == 2 and v["mentions"]["total"] >= 2
    # Figures he asserts: the 55 people in prison.
    assert {f["text"] for f in v["figures"]["items"]} >= {"55"}
    # The contradiction on his claim, and the rebuttal of his "expert opinion".
    types = {rel["type"] for rel in v["relations"]["items"]}
    assert {"contradicts", "rebuts"} <= types


def test_entity_html_ocampo(client):
    r = client.get(f"/entities/{OCAMPO}")
    assert r.status_code == 200
    html = r.text
    assert "<h1" in html and "Luis Moreno Ocampo" in html
    section = html.split('id="asserted"')[1].split("</section>")[0]
    assert "interview" in section and "The USA, Israel and the EU are guilty" in section
    claims_by = html.split('id="claims-by"')[1].split("</section>")[0]
    assert "The USA, Israel and the EU are guilty of everything that happened in Artsakh" in claims_by
    assert 'href="/static/boards.css"' in html
    assert "style=" not in html and "<script>" not in html


def test_merged_entity_redirects(client, web_db, tmp_path):
    from tests.conftest import add_trend_story

    add_trend_story(web_db, tmp_path)
    r = client.get("/entities/ORG:trend", follow_redirects=False)
    assert r.status_code in (307, 308)
    assert r.headers["location"].endswith("/entities/ORG:trend-news-agency")
    r = client.get("/api/entities/ORG:trend", follow_redirects=False)
    assert r.status_code in (307, 308) and r.headers["location"].endswith("/api/entities/ORG:trend-news-agency")
    v = client.get("/api/entities/ORG:trend").json()
    assert v["entity"]["id"] == "ORG:trend-news-agency"
    assert "Trend" in v["entity"]["aliases"]  # the merged entity's name joins the canonical one
    assert v["entity"]["members"] == ["ORG:trend", "ORG:trend-news-agency"]
    assert [m["id"] for m in v["entity"]["merged"]] == ["ORG:trend"]


@pytest.mark.parametrize("path", ["/entities/PERSON:nobody-at-all", "/api/entities/PERSON:nobody-at-all",
                                  "/entities/", "/api/entities/a%2Fb%25"])
def test_unknown_entity_is_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    if path.startswith("/api/"):
        assert r.json()["code"] == "E203"


@pytest.mark.parametrize("entity_id", ["ORG:a/b%c_d", "PERSON:agnès-çà", "GPE:東京", "WORK:50% report?x=1#y"])
def test_entity_ids_with_odd_characters(client, web_db, entity_id):
    from counterclaim.ledger.models import ClaimRow, EntityRow

    with _open(web_db).session() as s:
        s.add(EntityRow(id=entity_id, name=f"Odd {entity_id}", type=entity_id.split(":")[0]))
        claim = s.scalars(select(ClaimRow).order_by(ClaimRow.id)).first()
        claim.about = [*claim.about, entity_id]
        claim_id = claim.id
    url = quote(entity_id, safe=":")
    v = client.get(f"/api/entities/{url}").json()
    assert v["entity"]["id"] == entity_id
    assert [c["id"] for c in v["claims_about"]["items"]] == [claim_id]
    html = client.get(f"/entities/{url}")
    assert html.status_code == 200 and f"Odd {entity_id}" in html.text
    board = client.get("/api/claims", params={"about": entity_id}).json()
    assert [c["id"] for c in board["claims"]] == [claim_id]
    # The claims board links back to the entity page with a working URL.
    page = client.get("/claims", params={"about": entity_id}).text
    href = "/entities/" + quote(entity_id, safe="/").replace("%3A", ":")
    assert f'href="{href}"' in page
    assert f"Odd {entity_id}" in client.get(href).text


def test_about_filter_does_not_treat_ids_as_patterns(client):
    assert client.get("/api/claims", params={"about": "GPE:azerbaija_"}).json()["total"] == 0
    assert client.get("/api/claims", params={"about": "GPE:%"}).json()["total"] == 0
    assert client.get("/api/claims", params={"about": "GPE:azerbaijan"}).json()["total"] > 0


# -- claims board --------------------------------------------------------------------------------------------
def test_claims_board_ranked(client, web_db):
    from counterclaim.ledger.models import ClaimRow

    board = client.get("/api/claims").json()
    assert board["total"] == _claim_count(web_db) and board["page"] == 1
    scores = [c["checkworthy"] for c in board["claims"]]
    assert len(scores) == min(50, board["total"])
    assert scores == sorted(scores, reverse=True)
    with _open(web_db).session() as s:
        top = s.scalar(select(func.max(ClaimRow.checkworthy)))
    assert scores[0] == round(top, 3)
    first = board["claims"][0]
    assert first["doc_title"] and first["published"] and first["asserter_name"]
    html = client.get("/claims").text
    first_row = re.search(r'<tr class="claim[^"]*" data-id="([^"]+)"', html)
    assert first_row and first_row.group(1) == first["id"]
    assert f'href="/documents/{first["doc"]}"' in html
    # The asserter menu lists the asserters present.
    assert f'<option value="{OCAMPO}"' in html and f'<option value="{ALIYEVA}"' in html


def test_claims_pagination(client):
    one, two = client.get("/api/claims").json(), client.get("/api/claims?page=2").json()
    assert one["pages"] == two["pages"] == -(-one["total"] // 50)
    assert len(two["claims"]) == one["total"] - 50
    assert not {c["id"] for c in one["claims"]} & {c["id"] for c in two["claims"]}
    assert 'rel="next"' in client.get("/claims").text


@pytest.mark.parametrize("claim_type", ["accusation", "denial", "figure"])
def test_claims_filter_by_type(client, web_db, claim_type):
    from counterclaim.ledger.models import ClaimRow

    board = client.get("/api/claims", params={"claim_type": claim_type}).json()
    assert board["total"] == _claim_count(web_db, ClaimRow.claim_type == claim_type) > 0
    assert {c["claim_type"] for c in board["claims"]} == {claim_type}
    html = client.get("/claims", params={"claim_type": claim_type}).text
    table = html.split('<table class="claims">')[1].split("</table>")[0]
    assert set(re.findall(r'badge type-(\w+)', table)) == {claim_type}


def test_claims_filter_asserter_polarity_dates(client):
    by = client.get("/api/claims", params={"asserter": OCAMPO}).json()
    assert by["total"] >= 1 and {c["asserter"] for c in by["claims"]} == {OCAMPO}
    deny = client.get("/api/claims", params={"polarity": "deny"}).json()
    assert deny["total"] >= 1 and {c["polarity"] for c in deny["claims"]} == {"deny"}
    dated = client.get("/api/claims", params={"date_from": "2023-01-01", "date_to": "2023-12-31"}).json()
    everything = client.get("/api/claims").json()
    assert 0 < dated["total"] < everything["total"]
    assert all(c["published"].startswith("2023") for c in dated["claims"])
    # Empty form fields are no filter.
    empty = client.get("/api/claims?asserter=&about=&claim_type=&polarity=&date_from=&date_to=").json()
    assert empty["total"] == everything["total"]


@pytest.mark.parametrize("query", ["claim_type=rumour", "polarity=maybe", "date_from=yesterday", "page=0"])
def test_claims_bad_filters(client, query):
    assert client.get(f"/api/claims?{query}").status_code in (400, 422)
    assert client.get(f"/claims?{query}").status_code in (400, 422)


def test_contradictions(client):
    data = client.get("/api/contradictions").json()
    pairs = data["pairs"]
    contra = [p for p in pairs if p["type"] == "contradicts"]
    assert len(contra) == 1
    p = contra[0]
    ends = {p["a"]["asserter"]: p["a"], p["b"]["asserter"]: p["b"]}
    assert set(ends) == {ALIYEVA, OCAMPO}
    assert ends[ALIYEVA]["polarity"] == "deny" and ends[OCAMPO]["polarity"] == "affirm"
    assert "genocide" in p["evidence"] and 0 < p["score"] <= 1
    assert ends[ALIYEVA]["published"] == "2023-08-11" and ends[OCAMPO]["published"] == "2023-11-15"
    rebuts = [p for p in pairs if p["type"] == "rebuts"]
    assert len(rebuts) == 2
    assert all(p["a"]["kind"] == "document" and p["b"]["kind"] == "entity" and p["b"]["entity_type"] == "WORK"
               for p in rebuts)
    assert {p["work_author"]["id"] for p in rebuts} == {OCAMPO, "ORG:amnesty-international"}
    html = client.get("/claims").text
    section = html.split('id="contradictions"')[1]
    assert section.count('<article class="pair') == 3
    assert "We would advise the former chief prosecutor" in section
    assert "victims of" in section and "expert opinion" in section and "2024 report" in section


# -- figures ---------------------------------------------------------------------------------------------------
def _group(board, category, event="any"):
    """One (category, event) group; with no event given, the category's figures across its incidents."""
    if event != "any":
        return next(g for g in board["groups"] if g["category"] == category and g["event"] == event)
    groups = [g for g in board["groups"] if g["category"] == category]
    return {**groups[0], "figures": [f for g in groups for f in g["figures"]]}


def test_figures_json(client):
    board = client.get("/api/figures").json()
    killed = _group(board, "killed")
    f613 = next(f for f in killed["figures"] if f["value"] == 613)
    assert f613["source"] == ALIYEVA and f613["source_name"] == "Sabina Aliyeva"
    assert f613["published"] == "2023-02-23" and f613["approx"] == "exact"
    assert {f["category"] for g in board["groups"] for f in g["figures"]} == {g["category"] for g in board["groups"]}
    missing = _group(board, "missing")
    f3890 = next(f for f in missing["figures"] if f["value"] == 3890)
    assert [(link["type"], link["other"]["value"], link["other"]["approx"]) for link in f3890["links"]] == \
        [("figure_consistent", 4000, "at_most")]
    f4000 = next(f for f in missing["figures"] if f["value"] == 4000)
    assert f4000["links"][0]["other"]["id"] == f3890["id"]
    # Subgroup figures keep their subgroup and parent.
    women = next(f for f in killed["figures"] if f["subgroup"] == "women")
    assert women["value"] == 106 and women["parent"] == f613["id"]
    assert sum(g["total"] for g in board["groups"]) == board["total"]


def _category_html(html: str, category: str) -> str:
    return "".join(part.split("</section>")[0] for part in html.split(f'data-category="{category}"')[1:])


def test_figures_html(client):
    html = client.get("/figures").text
    killed = _category_html(html, "killed")  # one section per incident
    assert "<strong>613</strong>" in killed and "Sabina Aliyeva" in killed
    missing = _category_html(html, "missing")
    row = re.search(r'<tr class="figure linked[^"]*" data-id="[^"]+">(.*?)</tr>', missing, re.S).group(1)
    assert "3,890" in row and "consistent" in row and "4,000" in row
    assert "at most" in missing
    assert "style=" not in html and "<script>" not in html


def test_figure_charts_are_wellformed_svg(client):
    board = client.get("/api/figures").json()
    html = client.get("/figures").text
    sections = re.findall(
        r'<section class="fig-group[^"]*"[^>]*data-category="(\w+)" data-event="([^"]*)">(.*?)</section>', html, re.S)
    assert len(sections) == len(board["groups"])
    charts = 0
    for category, event, body in sections:
        group = _group(board, category, event or None)
        dated = [f for f in group["figures"] if f["published"]]
        svgs = re.findall(r"<svg.*?</svg>", body, re.S)
        if len(dated) < 2:
            assert not svgs
            continue
        assert len(svgs) == 1
        charts += 1
        root = ET.fromstring(svgs[0])
        assert root.tag == f"{SVG_NS}svg"
        points = [el for el in root.iter() if el.get("class") == "pt"]
        assert len(points) == len(dated)
        assert {p.get("data-id") for p in points} == {f["id"] for f in dated}
        sources = {f["source"] for f in dated}
        legend = root.find(f"{SVG_NS}g[@class='legend']")
        assert len(legend.findall(f"{SVG_NS}text")) == len(sources)
        assert all(el.get("style") is None for el in root.iter())
    assert charts >= 3  # killed, injured, missing at least
    # The "millions" range is labelled with the words the source used, never with the bounds the
    # extractor gave it (2,000,000–9,999,999); it is drawn as a bar when its incident's group is charted.
    displaced = "".join(b for c, _, b in sections if c == "displaced")
    assert "millions" in displaced
    assert "9,999,999" not in displaced and "2,000,000" not in displaced


def test_figure_chart_function():
    from counterclaim.web.svg import figure_chart

    one = [{"id": "q1", "published": "2023-01-01", "value": 5, "source": "A"}]
    assert figure_chart(one) is None
    assert figure_chart([*one, {"id": "q2", "published": None, "value": 9, "source": "A"}]) is None
    chart = figure_chart([*one, {"id": "q2", "published": "2023-06-01", "value": 9, "low": 8, "high": 12,
                                 "source": "B", "source_name": XSS}])
    assert len(chart["points"]) == 2 and len(chart["bars"]) == 1 and len(chart["legend"]) == 2
    assert chart["points"][0]["shape"] == "circle" and chart["points"][1]["shape"] == "polygon"
    assert chart["yticks"][-1]["label"] in ("12", "15", "20")
    xs = [p["cx"] if "cx" in p else None for p in chart["points"]]
    assert xs[0] is not None and xs[0] < chart["width"] / 2


def test_figures_filters_and_paging(client, web_db):
    from counterclaim.query.figures import figures_board

    board = client.get("/api/figures", params={"category": "missing"}).json()
    assert {g["category"] for g in board["groups"]} == {"missing"} and board["total"] == 3
    none = client.get("/api/figures", params={"event": "none"}).json()
    assert all(g["event"] is None for g in none["groups"])  # once linked, every figure has its incident
    assert client.get("/api/figures", params={"category": "vanished"}).status_code == 400
    html = client.get("/figures", params={"category": "killed"}).text
    assert 'data-category="missing"' not in html and 'data-category="killed"' in html
    ledger = _open(web_db)
    first = figures_board(ledger, category="killed", cap=2)
    g = max(first["groups"], key=lambda g: g["total"])  # the incident with most killed figures
    assert g["total"] >= 3 and len(g["figures"]) == 2 and g["more"]
    second = next(x for x in figures_board(ledger, category="killed", cap=2, page=2)["groups"]
                  if x["event"] == g["event"])
    assert len(second["figures"]) == min(2, g["total"] - 2)
    assert not {f["id"] for f in g["figures"]} & {f["id"] for f in second["figures"]}


# -- escaping ----------------------------------------------------------------------------------------------------
def test_hostile_text_is_escaped(client, web_db):
    from counterclaim.ledger.models import ClaimRow, EntityRow, QuantityRow

    with _open(web_db).session() as s:
        s.get(EntityRow, ALIYEVA).name = XSS
        claim = s.scalars(select(ClaimRow).order_by(ClaimRow.checkworthy.desc(), ClaimRow.id)).first()
        claim.text = XSS
        s.scalars(select(QuantityRow).where(QuantityRow.value == 613)).one().counted = XSS
    for url in ("/claims", "/figures", f"/entities/{ALIYEVA}", f"/entities/{OCAMPO}"):
        html = client.get(url).text
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


# -- /docs ---------------------------------------------------------------------------------------------------------
def test_api_docs_page(client):
    r = client.get("/docs")
    assert r.status_code == 200
    html = r.text
    for path in ("/api/claims", "/api/contradictions", "/api/figures", "/api/entities/{entity_id}"):
        assert f'<code class="path">{path}</code>' in html
    assert 'href="/openapi.json"' in html
    claims = html.split('<code class="path">/api/claims</code>')[0].rsplit("<section", 1)[1] + \
        html.split('<code class="path">/api/claims</code>')[1].split("</section>")[0]
    assert "ranked by check-worthiness" in claims
    for param in ("asserter", "about", "claim_type", "polarity", "date_from", "date_to", "page"):
        assert f"<code>{param}</code>" in claims
    assert "<script" not in html
