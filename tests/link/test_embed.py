"""The packaged sentence model and the per-document memo the analysis stages share."""

from __future__ import annotations

import numpy as np

from counterclaim.link.embed import doc_memo, encode

# Wire copy from the war in Yemen (2015–): two sentences and a repeat.
SENTENCES = [
    "The coalition said its jets struck a Houthi missile depot near Sanaa airport.",
    "Residents said at least 12 civilians were killed when the strike hit a wedding hall.",
]


def test_encode_gives_unit_rows_in_order() -> None:
    vecs = encode([SENTENCES[0], SENTENCES[1], SENTENCES[0]])
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vecs[0], vecs[2])
    assert float(vecs[0] @ vecs[1]) < 0.9


def test_memo_encodes_each_text_once_and_returns_the_same_vector(nlp) -> None:
    doc = nlp.make_doc(" ".join(SENTENCES))
    memo = doc_memo(doc)
    assert memo == {} and doc_memo(doc) is memo
    first = encode([SENTENCES[0]], memo)
    assert list(memo) == [SENTENCES[0]]
    both = encode(SENTENCES, memo)
    assert list(memo) == SENTENCES  # only the new text was added
    assert np.array_equal(both[0], first[0])  # the stored vector, not a second encoding
    assert np.allclose(both, encode(SENTENCES), atol=1e-5)  # the same vectors as without a memo


def test_an_analysed_document_encodes_each_sentence_once_and_nothing_else() -> None:
    """Claims are scored with their sentence's vector, the one the technique neighbours read: no claim span is
    encoded beside its sentence (wire copy from the war in Ukraine, 2022–)."""
    from counterclaim.analyze import parse_texts
    from counterclaim.extract.claims.rules import units

    text = ("Ukraine's defence ministry said 14 civilians were killed in the shelling of Kharkiv on Tuesday. "
            "Russia's defence ministry denied that its forces had struck residential areas. "
            "Kyiv accused Moscow of war crimes, the foreign minister told reporters.")
    doc = parse_texts([text])[0]
    assert doc._.cc_claims, "the stages under test saw no claim"
    sentences = {u.text for u in units(doc)}
    assert set(doc_memo(doc)) <= sentences
