"""Source artefacts stay in the text but yield nothing: markdown emphasis, archive stamps, outlet boilerplate."""

from __future__ import annotations

import pytest

from counterclaim.extract.noncontent import BOILERPLATE, MARKUP, STAMP, noncontent_ranges


@pytest.mark.parametrize(
    "text, expected",
    [
        ("**Volodymyr Zelensky** spoke in Kyiv.", [("**", MARKUP), ("**", MARKUP)]),
        (" date 2022-03-09 Details added, first version posted 14:22\n\nMARIUPOL, March 9.",
         [("date 2022-03-09", STAMP), ("Details added, first version posted 14:22", STAMP)]),
        ("Updated 09:15 AM\nKHARTOUM, April 16 (Reuters) - Fighting spread.", [("Updated 09:15 AM", STAMP)]),
        ("Fighting spread in Khartoum.\n\nStay up-to-date with more news on Sudan Tribune's Telegram channel\n",
         [("Stay up-to-date with more news on Sudan Tribune's Telegram channel", BOILERPLATE)]),
        ("Shelling hit Kherson.\nFollow us on Twitter for the latest updates.\nRead more: Kherson under fire again",
         [("Follow us on Twitter for the latest updates.", BOILERPLATE),
          ("Read more: Kherson under fire again", BOILERPLATE)]),
        ("## Casualties\nThe ministry said 40 people died.", [("##", MARKUP)]),
        # Not artefacts: a date inside a sentence, a heading word, a copyright dispute, snake_case.
        ("On 2022-03-09 the maternity hospital was hit; the date was confirmed.", []),
        ("Copyright claims were filed against the broadcaster in Gaza.", []),
        ("The casualty_count field and a_b are code.", []),
    ],
)
def test_artefacts_are_marked(text, expected):
    assert [(text[r.start:r.end], r.reason) for r in noncontent_ranges(text)] == expected


def _analyse(text: str):
    from counterclaim.analyze import analysis_of, parse_texts
    from counterclaim.ingest.document import Document

    (doc,) = parse_texts([text])
    return analysis_of(Document(text=text, path="t.md"), doc)


def test_markdown_emphasis_never_enters_a_name(nlp):
    text = ("**Volodymyr Zelensky**\n\n**President of Ukraine**\n\nRussian shelling killed 12 civilians in "
            "**Kharkiv** on Tuesday, **Oleh Syniehubov** said.")
    analysis = _analyse(text)
    names = {e.name for e in analysis.entities} | {m.text for m in analysis.mentions}
    assert "Kharkiv" in names and any("Syniehubov" in n for n in names)
    assert not any("*" in n for n in names)
    assert all(text[m.start:m.end] == m.text for m in analysis.mentions)
    assert [q.text for q in analysis.quantities] == ["12"]


def test_boilerplate_lines_and_stamps_yield_no_entities_claims_or_figures(nlp):
    text = (" date 2022-03-09 Details added, first version posted 14:22\n\n"
            "MARIUPOL, Ukraine, March 9. Russian forces struck a maternity hospital in Mariupol, killing three "
            "people, the city council said.\n\n"
            "Stay up-to-date with more news on Ukrinform's Telegram channel\n\n"
            "Follow us on Facebook and WhatsApp: 2 million readers\n")
    analysis = _analyse(text)
    cut = text.index("Stay up-to-date")
    assert all(m.end <= cut for m in analysis.mentions), [m.text for m in analysis.mentions if m.end > cut]
    assert not any(e.name in ("Ukrinform", "Telegram", "WhatsApp", "Facebook") for e in analysis.entities)
    assert all(q.end <= cut for q in analysis.quantities)
    for record in (*analysis.claims, *analysis.quantities, *analysis.mentions):
        assert not record.text.startswith("date") and "posted 14:22" not in record.text
        assert text[record.start:record.end] == record.text
    assert [c.text for c in analysis.claims] == ["Russian forces struck a maternity hospital in Mariupol, killing three people"]
    assert [q.text for q in analysis.quantities] == ["three"]
