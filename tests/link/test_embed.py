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
