"""Metadata inferred from the text alone: the seeds against their gold reading, and wire copy from elsewhere."""

from __future__ import annotations

import pytest

from counterclaim.ingest.document import Document
from counterclaim.ingest.metadata import infer_metadata, parse_date

PREFIXES = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("field", ["published", "doc_type", "dateline", "outlet"])
def test_seed_metadata_matches_gold(prefix, field, seed_paths, gold):
    want = gold["documents"][prefix]
    if field not in want and field != "outlet":
        pytest.skip(f"gold has no {field} for {prefix}")
    doc = infer_metadata(Document(text=seed_paths[prefix].read_text(encoding="utf-8"), path=prefix))
    assert getattr(doc, field) == want.get(field), doc.why


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_inferred_value_says_why(prefix, seed_paths):
    doc = infer_metadata(Document(text=seed_paths[prefix].read_text(encoding="utf-8"), path=prefix))
    for field in ("title", "published", "dateline", "outlet", "doc_type", "language"):
        if getattr(doc, field) is not None:
            assert doc.why.get(field), field


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "BOGOTÁ, Colombia, March 3 (Reuters) - Colombia's Defense Ministry said on Monday that 14 soldiers "
            "were killed in an ambush by ELN rebels in Arauca province, the deadliest attack this year.",
            {"dateline": "Bogotá", "outlet": "Reuters", "doc_type": "article", "published": None},
        ),
        (
            "GOMA, Democratic Republic of Congo, Jan. 27. M23 rebels entered the city overnight, "
            "residents told Radio Okapi, as thousands fled towards the Rwandan border.\n\n"
            "According to the UN, at least 400,000 people have been displaced since the start of the year.",
            {"dateline": "Goma", "outlet": "Radio Okapi", "doc_type": "article"},
        ),
        (  # the agency tag after a mixed-case place and date, in a one-paragraph capture
            "Shelling hits market in Kherson Kherson, Nov 24, 2022 (AFP) - At least seven people were killed when "
            "shells hit a market, the regional governor said.",
            {"outlet": "AFP"},
        ),
        (  # a syndication tag opening the story
            "Drone strike on fuel depot\n(MENAFN) Several fuel tanks burned after a drone strike in the port, "
            "officials said.",
            {"outlet": "MENAFN"},
        ),
        (
            "KYIV (AP) — Russian drones struck the capital overnight, the city administration said.",
            {"dateline": "Kyiv", "outlet": "AP"},
        ),
        (  # the agency credited at the end, with its 'news agency'
            "The rebels said they had taken the town after two days of fighting, the Anadolu news agency reported.",
            {"outlet": "Anadolu"},
        ),
        (  # an acronym in brackets followed by a dash is no agency tag
            "The Rapid Support Forces (RSF) - who deny any abuses - took the town on Sunday, residents said.",
            {"outlet": None},
        ),
        (  # a headline about a report is no report
            "Army rejects rights group's report on village killings\n\nThe army on Monday rejected a report by a "
            "rights group that accused soldiers of killing 20 villagers in Borno state, calling it biased. The group "
            "said it had interviewed 14 witnesses and relatives of the dead, and that the soldiers had burned "
            "granaries before they left. The army said its troops had fought insurgents in the area that night and "
            "that no civilian had been harmed.",
            {"doc_type": "article"},
        ),
        (  # survivors interviewed by an agency make a story, not an interview
            "Survivors describe night of shelling\n\nSurvivors of the shelling, interviewed by the agency in a "
            "camp near the border, said the shells fell on the market before dawn. \"We ran with nothing,\" said "
            "one woman. \"My brother is still missing,\" another said. \"Nobody came,\" a third said. The regional "
            "governor said 31 people were killed and 80 wounded, and that the clinic had run out of blood for "
            "transfusions by midday.",
            {"doc_type": "article"},
        ),
        (  # a briefing transcript with time-stamped turns
            "Ministry of Defence Briefing: Press Conference Transcript\n\nAnna Kovalenko: (00:00)\nGood "
            "afternoon. The general will take your questions.\n\nOleh Marchenko: (01:12)\nThank you.",
            {"doc_type": "interview"},
        ),
        (  # an issuing body condemning in the present tense, with no 'we'
            "UNMISS condemns deadly attack on Malakal protection site\n\nThe United Nations Mission in South Sudan "
            "(UNMISS) strongly condemns the attack on the protection site in Malakal, which killed at least 18 "
            "civilians, and calls on the authorities to bring those responsible to justice.",
            {"doc_type": "statement"},
        ),
        (
            "PRESS RELEASE\n\nThe Ministry of Foreign Affairs strongly condemns the shelling of civilian areas.\n\n"
            "We call on the international community to respond.\n\nMinistry of Foreign Affairs\n\n12 March 2024\n",
            {"dateline": None, "doc_type": "statement", "published": "2024-03-12", "title": "PRESS RELEASE"},
        ),
        (
            "Open letter to the UN Human Rights Council\n\nDear Members of the Council,\n\nWe write to express "
            "our concern about detentions in Idlib.\n\nYours sincerely,\n\nSyrian Network for Human Rights\n",
            {"doc_type": "letter", "title": "Open letter to the UN Human Rights Council"},
        ),
        (
            "Published: 4 June 2022\n\nKashmir: interview with a displaced teacher\n\nQ: When did you leave?\n"
            "A: In 1990, with my parents.\nQ: Have you returned?\nA: Never.",
            {"published": "2022-06-04", "doc_type": "interview"},
        ),
    ],
)
def test_wire_copy_and_statements_from_other_conflicts(text, expected):
    doc = infer_metadata(Document(text=text, path="x.txt"))
    for field, value in expected.items():
        assert getattr(doc, field) == value, (field, doc.why)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("August 11, 2023", "2023-08-11"),
        ("23 February 2023", "2023-02-23"),
        ("November 15 2023, 10:12", "2023-11-15"),
        ("2025-05-01", "2025-05-01"),
        ("Sept. 21", None),
        ("1992", None),
    ],
)
def test_parse_date_needs_day_month_and_year(text, expected):
    assert parse_date(text) == expected
