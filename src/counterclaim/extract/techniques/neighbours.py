"""Nearest-neighbour fallback: a sentence like one of the labelled example sentences gets its label.

The examples (``data/techniques_examples.jsonl``, written for this project: several
conflicts, both sides, at least 15 per label, plus neutral wire-copy sentences under
label ``none``) are embedded once with the packaged all-MiniLM-L6-v2 model. A
sentence takes the label of its nearest example only when the cosine similarity
clears ``min_similarity`` and beats the nearest neutral example by ``min_margin``.

Encoding the ~400 examples costs each process about 2 s of CPU, so their vectors ship
in ``data/techniques_examples.npz`` with a digest of the example texts and the model;
when the digest differs (the examples were edited) they are encoded at run time.
``counterclaim train technique-vectors`` rewrites the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from counterclaim.extract.techniques.lexicon import NEUTRAL, examples, lexicon


@dataclass(frozen=True)
class Neighbour:
    """The nearest labelled example of a sentence."""

    label: str
    similarity: float
    margin: float  # over the nearest neutral example
    example: str


VECTORS_FILE = "techniques_examples.npz"


def digest(texts: tuple[str, ...]) -> str:
    """What the shipped vectors were encoded from: the sentence model and every example text."""
    from counterclaim.link.embed import MODEL_NAME

    return hashlib.sha256("\n".join((MODEL_NAME, *texts)).encode("utf-8")).hexdigest()


def vectors_path() -> Path:
    return Path(str(files("counterclaim").joinpath("data", VECTORS_FILE)))


def shipped_vectors(texts: tuple[str, ...], path: Path | None = None) -> np.ndarray | None:
    """The shipped vectors of ``texts``, or None when the file is missing or was made from other texts."""
    try:
        with np.load(path or vectors_path(), allow_pickle=False) as z:
            if str(z["digest"]) != digest(texts) or z["vectors"].shape[0] != len(texts):
                return None
            return np.asarray(z["vectors"], dtype=np.float32)
    except (OSError, KeyError, ValueError):
        return None


def write_vectors(path: Path | None = None) -> int:
    """Encode every example and write the vectors file; returns the number of examples."""
    from counterclaim.link.embed import encode

    texts = tuple(t for _, t in examples())
    np.savez_compressed(path or vectors_path(), vectors=encode(list(texts)), digest=np.str_(digest(texts)))
    return len(texts)


@cache
def _example_matrix() -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    from counterclaim.link.embed import encode

    rows = examples()
    texts = tuple(t for _, t in rows)
    matrix = shipped_vectors(texts)
    return (encode(list(texts)) if matrix is None else matrix), tuple(lab for lab, _ in rows), texts


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
