"""Figures: counts of people, objects and events, their category, approximation and part-of links."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from counterclaim.extract.figures import extract_quantities
from counterclaim.extract.figures.component import Figures
from counterclaim.extract.figures.lexicon import lexicon
from counterclaim.records import APPROX, CATEGORIES, QuantityRecord


def _figures(nlp, text: str) -> list[QuantityRecord]:
    return extract_quantities(nlp(text))


def _summary(records: list[QuantityRecord]) -> list[tuple]:
    """(text, value, category, approx, subgroup, parent's text) per record, in order."""
    by_id = {q.id: q for q in records}
    return [(q.text, q.value, q.category, q.approx, q.subgroup, by_id[q.parent].text if q.parent else None)
            for q in records]


def _check_invariants(text: str, records: list[QuantityRecord]) -> None:
    for n, q in enumerate(records):
        assert q.id == f"q{n}"
        assert text[q.start:q.end] == q.text
        assert q.category in CATEGORIES and q.approx in APPROX
        assert q.claim is None and q.event is None
        assert q.rule
        if q.parent is not None:
            assert q.parent != q.id and q.parent in {r.id for r in records}
        if q.low is not None:
            assert q.low == q.value <= q.high


# --------------------------------------------------------------------------- seeds against gold

def _match(records: list[QuantityRecord], gold_q: dict) -> QuantityRecord | None:
    same = [q for q in records if q.value == gold_q["value"]]
    right = [q for q in same if q.category == gold_q["category"]]
    return (right or same or [None])[0]


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    out, at = [], text.find(surface)
    while at >= 0:
        out.append((at, at + len(surface)))
        at = text.find(surface, at + 1)
    return out


def test_seeds_match_the_gold_reading(nlp, gold, seed_paths):
    docs = {key: nlp(path.read_text(encoding="utf-8")) for key, path in seed_paths.items()}
    found = {key: extract_quantities(doc) for key, doc in docs.items()}
    for key, records in found.items():
        _check_invariants(docs[key].text, records)

    matched: set[tuple[str, str]] = set()
    missing, wrong_category, wrong_parent, wrong_approx, wrong_subgroup = [], [], [], [], []
    for g in gold["quantities"]:
        records = found[g["doc"]]
        q = _match(records, g)
        if q is None:
            missing.append(g)
            continue
        matched.add((g["doc"], q.id))
        if q.category != g["category"]:
            wrong_category.append((g, q))
        if "parent" in g:
            parent = next((p for p in records if p.id == q.parent), None)
            if parent is None or parent.value != g["parent"]:
                wrong_parent.append((g, q))
        if "approx" in g:
            allowed = g["approx"] if isinstance(g["approx"], list) else [g["approx"]]
            if q.approx not in allowed:
                wrong_approx.append((g, q))
        if "subgroup" in g and q.subgroup != g["subgroup"]:
            wrong_subgroup.append((g, q))
        if "surface" in g:
            assert q.text == g["surface"], (g, q)

    assert not missing, f"gold figures not found: {missing}"
    assert len(wrong_category) <= 1, f"wrong categories: {wrong_category}"
    assert not wrong_parent, f"wrong parents: {wrong_parent}"
    assert not wrong_approx, f"wrong approximations: {wrong_approx}"
    assert not wrong_subgroup, f"wrong subgroups: {wrong_subgroup}"
    assert sum("parent" in g for g in gold["quantities"]) == 7

    for nc in gold["not_counts"]:
        text = docs[nc["doc"]].text
        spans = _occurrences(text, nc["surface"])
        assert spans, f"not-count surface {nc['surface']!r} missing from seed {nc['doc']}"
        emitted = [q for q in found[nc["doc"]] for s, e in spans if q.start < e and s < q.end]
        assert not emitted, f"{nc['surface']!r} was emitted as a figure: {emitted}"

    extras = [(key, q.text, q.category) for key, records in found.items() for q in records
              if (key, q.id) not in matched]
    # Real counts the gold leaves out: 8 families wiped out, 25 and 132 children who lost
    # parents (003), 'millions of people ... expelled from their homes' (004).
    assert len(extras) <= 4, f"too many figures outside the gold: {extras}"


# --------------------------------------------------------------------------- sentences

@pytest.mark.parametrize(
    "text, expected",
    [
        # seeds
        ("As a result, 613 people, including 106 women, 63 children and 70 older people were killed with special "
         "cruelty, 487 people were seriously injured, 1275 people were taken hostage, and the fate of 150 of them "
         "is unknown.",
         [("613", 613, "killed", "exact", None, None),
          ("106", 106, "killed", "exact", "women", "613"),
          ("63", 63, "killed", "exact", "children", "613"),
          ("70", 70, "killed", "exact", "older people", "613"),
          ("487", 487, "injured", "exact", None, None),
          ("1275", 1275, "hostage", "exact", None, None),
          ("150", 150, "missing", "exact", None, "1275")]),
        ("This city with a population of seven thousand people was razed to the ground.",
         [("seven thousand", 7000, "population", "exact", None, None)]),
        ("Aliyev has 55 people in prison, 16 of whom were captured after the September attack.",
         [("55", 55, "detained", "exact", None, None), ("16", 16, "detained", "exact", None, "55")]),
        ("As a result, 94 civilians were killed, including 12 children, 414 people were injured, including 50 "
         "children, more than 3,410 houses, 120 apartment buildings, a large number of schools, hospitals, "
         "kindergartens, a total of 512 civilian objects were destroyed.",
         [("94", 94, "killed", "exact", None, None), ("12", 12, "killed", "exact", "children", "94"),
          ("414", 414, "injured", "exact", None, None), ("50", 50, "injured", "exact", "children", "414"),
          ("3,410", 3410, "destroyed", "at_least", None, None), ("120", 120, "destroyed", "exact", None, None),
          ("512", 512, "destroyed", "exact", None, None)]),
        ("The letter mentioned the lack of any information regarding the fate of nearly 4,000 Azerbaijanis who "
         "went missing during the First Karabakh War.",
         [("4,000", 4000, "missing", "at_most", None, None)]),
        ("Attention would have been given to the return of more than 250,000 Azerbaijanis forcibly displaced from "
         "Armenia since 1987.",
         [("250,000", 250000, "displaced", "at_least", None, None)]),
        # other conflicts: wire copy, OCHA updates, ministry statements
        ("At least 45 civilians, including 12 children, were killed in shelling on Idlib, the Syrian Network for "
         "Human Rights said.",
         [("45", 45, "killed", "at_least", None, None), ("12", 12, "killed", "exact", "children", "45")]),
        ("Some 1.5 million people have been displaced in North Kivu since the start of the year, OCHA said.",
         [("1.5 million", 1_500_000, "displaced", "about", None, None)]),
        ("Between 30 and 40 houses were torched in the village of Kalehe.",
         [("30 and 40", 30, "destroyed", "at_least", None, None)]),
        ("Hundreds of families fled the fighting in Mopti.",
         [("Hundreds", 200, "displaced", "at_least", None, None)]),
        ("The ministry recorded 2,140 civilian casualties (610 killed and 1,530 injured) in the first half of 2023.",
         [("2,140", 2140, "casualties", "exact", None, None), ("610", 610, "killed", "exact", None, "2,140"),
          ("1,530", 1530, "injured", "exact", None, "2,140")]),
        ("The Syrian Observatory said the strike killed 9 people, among them 4 children.",
         [("9", 9, "killed", "exact", None, None), ("4", 4, "killed", "exact", "children", "9")]),
        ("Since January, 23 social leaders have been murdered in Cauca and 1,200 people were forcibly displaced "
         "from Catatumbo, the Ombudsman's Office said.",
         [("23", 23, "killed", "exact", None, None), ("1,200", 1200, "displaced", "exact", None, None)]),
        ("Police said two militants were killed in an encounter in Shopian, and 14 others were arrested.",
         [("two", 2, "killed", "exact", None, None), ("14", 14, "detained", "exact", None, None)]),
        ("In Burkina Faso, armed men killed about 170 villagers in Komsilga, the regional prosecutor said.",
         [("170", 170, "killed", "about", None, None)]),
        ("The M23 captured dozens of soldiers and burned at least 200 homes, according to local officials.",
         [("dozens", 24, "detained", "at_least", None, None), ("200", 200, "destroyed", "at_least", None, None)]),
        ("Tens of thousands of people have fled to Goma, the UN refugee agency said.",
         [("Tens of thousands", 20_000, "displaced", "at_least", None, None)]),
        ("At least 18 people died when a boat carrying displaced families capsized on Lake Kivu.",
         [("18", 18, "killed", "at_least", None, None)]),
        ("According to the report, 3,000 people remain missing and the whereabouts of 450 detainees are unknown.",
         [("3,000", 3000, "missing", "exact", None, None), ("450", 450, "missing", "exact", None, None)]),
        ("The attack left 12 people dead and 30 wounded, the governor of Borno said.",
         [("12", 12, "killed", "exact", None, None), ("30", 30, "injured", "exact", None, None)]),
        ("The death toll rose to 45, the ministry said.", [("45", 45, "killed", "exact", None, None)]),
        ("Gunmen abducted 30 students and killed 12 villagers near Kaduna.",
         [("30", 30, "hostage", "exact", None, None), ("12", 12, "killed", "exact", None, None)]),
        ("The army said 45 soldiers killed 3 civilians.",
         [("45", 45, "other", "exact", None, None), ("3", 3, "killed", "exact", None, None)]),
        ("More than 7,000 residents fled their homes in Catatumbo.",
         [("7,000", 7000, "displaced", "at_least", None, None)]),
        ("The town of Beni has 7,000 residents.", [("7,000", 7000, "population", "exact", None, None)]),
        ("Two dozen houses were destroyed and a dozen people were injured.",
         [("Two dozen", 24, "destroyed", "about", None, None), ("a dozen", 12, "injured", "about", None, None)]),
        ("The rebels hold 120 hostages, 30 of whom are foreigners.",
         [("120", 120, "hostage", "exact", None, None), ("30", 30, "hostage", "exact", None, "120")]),
        ("Fighting has killed 1,000 civilians and wounded 2,500, while 12 schools and 3 clinics were destroyed.",
         [("1,000", 1000, "killed", "exact", None, None), ("2,500", 2500, "injured", "exact", None, None),
          ("12", 12, "destroyed", "exact", None, None), ("3", 3, "destroyed", "exact", None, None)]),
        ("Over the weekend, nearly two hundred and fifty families were forcibly displaced from Tumaco.",
         [("two hundred and fifty", 250, "displaced", "at_most", None, None)]),
        ("Aid agencies say 120 schools were razed and twenty-five health centres damaged.",
         [("120", 120, "destroyed", "exact", None, None), ("twenty-five", 25, "other", "exact", None, None)]),
        ("Twelve servicemen were martyred in the attack on Tovuz.",
         [("Twelve", 12, "killed", "exact", None, None)]),
        ("At least 30 people lost their lives when the bridge collapsed.",
         [("30", 30, "killed", "at_least", None, None)]),
        ("Families of 150 people whose fate is unknown demand answers.",
         [("150", 150, "missing", "exact", None, None)]),
        ("Around 70 aid workers are held hostage by the group, and 12 remain in captivity in Gao.",
         [("70", 70, "hostage", "about", None, None), ("12", 12, "detained", "exact", None, None)]),
        ("About 2,000 families have been uprooted in Ituri, while 300 houses were looted and 45 burned down.",
         [("2,000", 2000, "displaced", "about", None, None), ("300", 300, "other", "exact", None, None),
          ("45", 45, "destroyed", "exact", None, None)]),
        ("The death toll has reached 1,275, including 312 children.",
         [("1,275", 1275, "killed", "exact", None, None), ("312", 312, "killed", "exact", "children", "1,275")]),
        # category from the whole clause: complements, raising verbs, coordination, governing nouns
        ("Three children were among the dead after the strike on Kramatorsk.",
         [("Three", 3, "killed", "exact", None, None)]),
        ("Rescuers recovered the bodies of 212 civilians from the rubble in Bucha.",
         [("212", 212, "killed", "exact", None, None)]),
        ("Hospital officials said 22 patients were killed when the ward was hit.",
         [("22", 22, "killed", "exact", None, None)]),
        ("Fighters from the group killed as many as 40 villagers in Djibo.",
         [("40", 40, "killed", "at_most", None, None)]),
        ("At least 7 dead including two women after the blast in Quetta.",
         [("7", 7, "killed", "at_least", None, None), ("two", 2, "killed", "exact", "women", "7")]),
        ("Fifteen fishermen are confirmed dead and four are reported missing off Hodeidah.",
         [("Fifteen", 15, "killed", "exact", None, None), ("four", 4, "missing", "exact", None, None)]),
        ("Three of his cousins are also said to have died in the raid on Jenin.",
         [("Three", 3, "killed", "exact", None, None)]),
        ("Officials said 17 people had been killed and 23 wounded in the attack on the market in Maiduguri.",
         [("17", 17, "killed", "exact", None, None), ("23", 23, "injured", "exact", None, None)]),
        ("Eight people were shot and wounded near the checkpoint in Nablus.",
         [("Eight", 8, "injured", "exact", None, None)]),
        ("The shelling of Donetsk left 30 people dead or wounded.",
         [("30", 30, "casualties", "exact", None, None)]),
        ("Gunmen stormed the church in Owo, killing and injuring 60 worshippers.",
         [("60", 60, "casualties", "exact", None, None)]),
        ("The air strike killed nine shepherds and injured two dozen more, local officials said.",
         [("nine", 9, "killed", "exact", None, None), ("two dozen", 24, "injured", "about", None, None)]),
        ("At least 12 survivors with severe burns were taken to hospitals in Aden.",
         [("12", 12, "injured", "at_least", None, None)]),
        ("The camp in Cox's Bazar hosts 900,000 refugees.",
         [("900,000", 900000, "population", "exact", None, None)]),
        # breakdowns, asides and tallies, nested
        ("Up to 30 villagers, 12 of them children, were killed in the raid near Tillaberi.",
         [("30", 30, "killed", "at_most", None, None), ("12", 12, "killed", "exact", "children", "30")]),
        ("Five soldiers — an officer and four conscripts — died when the convoy was ambushed near Kidal.",
         [("Five", 5, "killed", "exact", None, None), ("four", 4, "killed", "exact", None, "Five")]),
        ("The bodies of 64 people (36 men, 19 women, 6 boys and 3 girls) were exhumed near Izium.",
         [("64", 64, "killed", "exact", None, None), ("36", 36, "killed", "exact", "men", "64"),
          ("19", 19, "killed", "exact", "women", "64"), ("6", 6, "killed", "exact", "boys", "64"),
          ("3", 3, "killed", "exact", "girls", "64")]),
        ("The mission recorded 612 civilian casualties: 190 killed and 422 injured; of the killed, 60 were children.",
         [("612", 612, "casualties", "exact", None, None), ("190", 190, "killed", "exact", None, "612"),
          ("422", 422, "injured", "exact", None, "612"), ("60", 60, "killed", "exact", None, "190")]),
        ("The massacre in Solhan claimed many lives; twelve of the 40 victims were children.",
         [("twelve", 12, "killed", "exact", None, "40"), ("40", 40, "killed", "exact", None, None)]),
        ("Militiamen attacked the village of Tarsi at dawn, killing at least 30 civilians. The dead included "
         "11 children, residents said.",
         [("30", 30, "killed", "at_least", None, None), ("11", 11, "killed", "exact", "children", "30")]),
    ],
)
def test_figures_in_sentences(nlp, text, expected):
    records = _figures(nlp, text)
    _check_invariants(text, records)
    assert _summary(records) == expected, [q.rule for q in records]


@pytest.mark.parametrize(
    "text",
    [
        # seeds
        "November 15 2023, 10:12",
        "The State Department's 2022 report notes that Azerbaijan does not have independent judges.",
        "It was noted that the 29th session of the Conference of the Parties (COP29) was highly inclusive.",
        "On the occasion of the 31st anniversary of the Khojaly tragedy, supported by the 366th motorized rifle "
        "regiment, on the night of February 25-26, 1992.",
        "Despite the right of self-defense in accordance with paragraph 21 of the UN Charter, Armenia continued.",
        "Due to the 44-day counter-offensive operations conducted from September 27 through November 10, 2020.",
        "The legislative bodies of 17 countries, as well as 24 states of the United States, adopted resolutions.",
        "No steps have been taken to implement the four UN Security Council resolutions.",
        # other conflicts and formats
        "Resolution 2334 and Article 5 of Protocol II apply, as do resolutions 822, 853, 874 and 884.",
        "A 12-year-old boy was hurt; his brother, aged 9, was unharmed.",
        "The three-week siege ended 12 km from Goma after three years of fighting.",
        "The programme costs $5 million, and 45% of the budget goes to Kashmir.",
        "For information call +243 81 555 1234 or 0800 123 456.",
        "The vote passed 12-3 in 2019; the 1990s were harder.",
        "The 5,000-strong force reached Bunia at 10.30 am on 23 February 2023.",
        "Tens of thousands of mines were laid in the 1990s.",
        "He said 2 million.",
    ],
)
def test_not_counts_are_not_figures(nlp, text):
    assert _figures(nlp, text) == []


def test_range_and_vague_bounds(nlp):
    records = _figures(nlp, "Between 30 and 40 houses were torched, and hundreds of thousands of people fled.")
    assert [(q.low, q.high, q.value) for q in records] == [(30, 40, 30), (200_000, 999_999, 200_000)]
    dash = _figures(nlp, "Some 30-40 homes were burned in Ituri.")
    assert [(q.text, q.low, q.high, q.approx) for q in dash] == [("30-40", 30, 40, "about")]


def test_counted_noun_and_rule(nlp):
    (q,) = _figures(nlp, "At least 120 apartment buildings were destroyed in Kharkiv Street.")
    assert q.counted == "apartment buildings"
    assert "destroy" in q.rule and "at least" in q.rule.lower()


def test_anaphoric_repeat_is_not_counted_twice(nlp):
    text = "Aliyev has 55 people in prison. That is why these 55 hostages are being held in Baku prisons."
    assert [q.text for q in _figures(nlp, text)] == ["55"]


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=2, max_value=999_999), sep=st.booleans())
def test_digit_counts_read_back(nlp, n, sep):
    number = f"{n:,}" if sep else str(n)
    text = f"Officials said {number} civilians were killed in the attack."
    records = _figures(nlp, text)
    assert [(q.text, q.value, q.category) for q in records] == [(number, n, "killed")]


def test_component_sets_the_doc_extension(nlp):
    assert Language.has_factory("counterclaim_figures_v1")
    doc = Figures()(nlp("Some 45 villagers were abducted in Ituri."))
    assert [(q.value, q.category, q.approx) for q in doc._.cc_quantities] == [(45, "hostage", "about")]


def test_language_data_is_loaded_and_indexed():
    lex = lexicon()
    assert lex.qualifiers[("more", "than")] == "at_least"
    assert lex.qualifiers[("nearly",)] == "at_most"
    assert lex.vague_plurals["hundreds"] == (200, 999)
    assert {c.name for c in lex.categories} <= set(CATEGORIES)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("About 20 migrants die each week crossing the Darien Gap, the IOM said.", [("About 20", "rate", None)]),
        ("Since the war began, 10,000 civilians have been killed in Tigray.", [("10,000", "cumulative", None)]),
        ("More than 3,000 people have died in the 29-month-old unrest.", [("More than 3,000", "cumulative", None)]),
        ("In 2024 survivors returned to Srebrenica, where the 1995 massacre killed 8,000 men and boys.",
         [("8,000", "historical", None)]),
        ("Gunmen killed 12 villagers in Kaduna on Monday.", [("12", "incident", None)]),
        ("The death toll, initially put at 25 people, was later raised to about 40.",
         [("25", "incident", None), ("about 40", "incident", "25")]),
        ("The toll in Derna rose from 25 to 40 on Monday.", [("25", "incident", None), ("40", "incident", "25")]),
        ("Between 150 and 250 people were killed, including dozens of children.",
         [("Between 150 and 250", "incident", None), ("dozens", "incident", None)]),
    ],
)
def test_scope_revision_and_stated_words(nlp, text, expected):
    records = _figures(nlp, text)
    by_id = {q.id: q for q in records}
    got = [(q.stated, q.scope, by_id[q.revision_of].text if q.revision_of else None) for q in records]
    assert got == expected, [q.rule for q in records]


def test_vague_amounts_keep_their_words(nlp):
    from counterclaim.records import describe_figure

    records = _figures(nlp, "Hundreds of homes were destroyed and millions fled, while nearly 4,000 people are missing.")
    assert [(q.text, q.vague, describe_figure(q)) for q in records] == [
        ("Hundreds", True, "Hundreds"), ("millions", True, "millions"), ("4,000", False, "nearly 4,000")]
    assert describe_figure({"text": "hundreds", "vague": True, "low": 200, "high": 999, "value": 200}) == "hundreds"
    assert describe_figure({"text": "30 and 40", "low": 30, "high": 40, "value": 30, "approx": "at_least"}) \
        == "at least 30–40"


@pytest.mark.parametrize("value, missing, expected", [
    (13500, "?", "13,500"), (13500.0, "?", "13,500"), (0.5, "?", "0.5"), (12.345, "?", "12.35"),
    (1234567.891, "?", "1,234,567.89"), (None, "—", "—"), (None, "?", "?"), (2.0, "?", "2"),
])
def test_every_screen_writes_a_computed_number_one_way(value, missing, expected):
    """The web pages, the charts and the linker's messages share one formatter."""
    from counterclaim.records import format_number
    from counterclaim.web.app import _num
    from counterclaim.web.svg import _tick_label

    assert format_number(value, missing) == expected
    if missing == "—":
        assert _num(value) == expected
    elif value is not None and value < 10_000:
        assert _tick_label(value) == expected
