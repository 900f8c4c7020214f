"""Nearest-neighbour fallback: a sentence like one of the labelled example sentences gets its label.

The examples (``data/techniques_examples.jsonl``, written for this project: several
conflicts, both sides, at least 15 per label, plus neutral wire-copy sentences under
label ``none``) are embedded once with the packaged all-MiniLM-L6-v2 model. A
sentence takes the label of its nearest example only when the cosine similarity
clears ``min_similarity`` and beats the nearest neutral example by ``min_margin``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from counterclaim.extract.techniques.lexicon import NEUTRAL, examples, lexicon


@dataclass(frozen=True)
class Neighbour:
    """The nearest labelled example of a sentence."""

    label: str
    similarity: float
    margin: float  # over the nearest neutral example
    example: str


@cache
def _example_matrix() -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    from counterclaim.link.embed import encode

    rows = examples()
    return encode([t for _, t in rows]), tuple(lab for lab, _ in rows), tuple(t for _, t in rows)


def nearest(sentences: list[str], memo: dict[str, np.ndarray] | None = None) -> list[Neighbour | None]:
    """For each sentence, its nearest technique example when it clears the thresholds, else None.

    ``memo``: the document's sentence vectors already encoded (see :func:`counterclaim.link.embed.doc_memo`).
    """
    if not sentences:
        return []
    from counterclaim.link.embed import encode

    conf = lexicon().neighbours
    matrix, labels, texts = _example_matrix()
    neutral = np.array([lab == NEUTRAL for lab in labels])
    sims = encode(sentences, memo) @ matrix.T
    out: list[Neighbour | None] = []
    for row in sims:
        tech = np.where(neutral, -1.0, row)
        best = int(np.argmax(tech))
        margin = float(row[best] - (row[neutral].max() if neutral.any() else 0.0))
        ok = row[best] >= conf["min_similarity"] and margin >= conf["min_margin"]
        out.append(Neighbour(labels[best], float(row[best]), margin, texts[best]) if ok else None)
    return out
