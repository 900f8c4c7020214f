"""Long documents analysed in bounded windows: the cuts, the merged records, their offsets."""

from __future__ import annotations

import pytest

from counterclaim.analyze import analyze_documents, analyze_long
from counterclaim.ingest.document import Document
from counterclaim.long_texts import windows

PARAGRAPHS = [
    "GOMA, 12 March 2024 - The United Nations said on Tuesday that fighting around Sake had displaced "
    "135,000 people in North Kivu since early February.",
    "OCHA spokesperson Jens Laerke said that 7.2 million people are now displaced across the Democratic "
    "Republic of the Congo.",
    "UNICEF said on Wednesday that 48 schools in Ituri had closed because of attacks by armed groups, "
    "and that 21,000 children were out of school.",
    "Local officials said at least 17 civilians were killed and 30 injured in an attack on a camp near Bunia.",
]


@pytest.mark.parametrize("text, limit, expected", [
    ("one\n\ntwo\n\nthree", 9, ["one\n\n", "two\n\n", "three"]),  # after blank lines
    ("alpha beta\ngamma delta", 14, ["alpha beta\n", "gamma delta"]),  # else after a line break
    ("It rained. Then it stopped.", 16, ["It rained. ", "Then it stopped."]),  # else after a sentence
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # else anywhere
    ("short", 100, ["short"]),
])
def test_windows_cut_at_boundaries_and_lose_nothing(text, limit, expected):
    pieces = list(windows(text, limit))
    assert [p for _o, p in pieces] == expected
    assert all(text[o:o + len(p)] == p and len(p) <= limit for o, p in pieces)


def test_a_long_document_gives_the_records_of_its_windows_at_their_place():
    text = "\n\n".join(PARAGRAPHS * 3) + "\n"
    doc = Document(text=text, path="report.txt", doc_type="report")
    whole = next(analyze_documents([doc]))[1]
    windowed = analyze_long(doc, limit=400)
    assert len(list(windows(doc.text, 400))) > 3
    for q in windowed.quantities:
        assert doc.text[q.start:q.end] == q.text
    for m in windowed.mentions:
        assert doc.text[m.start:m.end] == m.text
    for c in windowed.claims:
        assert doc.text[c.start:c.end] == c.text
    for a in windowed.attributions:
        assert doc.text[a.content.start:a.content.end] == a.content.text
    # every figure of the whole reading is found, at the same place, with the same value
    assert {(q.start, q.value) for q in windowed.quantities} == {(q.start, q.value) for q in whole.quantities}
    # local ids renumbered across windows: unique, and every reference resolves
    for records in (windowed.quantities, windowed.attributions, windowed.claims):
        assert len({r.id for r in records}) == len(records)
    qids, cids, aids = ({r.id for r in rs} for rs in (windowed.quantities, windowed.claims, windowed.attributions))
    assert all(q.parent in qids for q in windowed.quantities if q.parent)
    assert all(q.claim in cids for q in windowed.quantities if q.claim)
    assert all(c.attribution in aids for c in windowed.claims if c.attribution)
    # entities merged by id across windows
    assert len({e.id for e in windowed.entities}) == len(windowed.entities)
    assert {m.entity for m in windowed.mentions} <= {e.id for e in windowed.entities}
