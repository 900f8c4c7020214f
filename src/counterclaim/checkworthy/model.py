"""The shipped check-worthiness model: logistic regression over TF-IDF and MiniLM embeddings.

Trained by :mod:`counterclaim.checkworthy.train` on ClaimBuster's ``crowdsourced.csv``
(Verdict 1 = check-worthy) and stored as plain JSON in ``data/checkworthy_model.json``:
the TF-IDF vocabulary and idf weights, the coefficients of both feature blocks, the
intercept and the decision threshold chosen by cross-validation. No pickle: the
features are recomputed here with the same recipe (lowercase, tokens of two or more
word characters, uni- and bigrams, sublinear tf, l2 norm), so nothing depends on the
scikit-learn version at run time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from counterclaim.resources import DataError, load_json

FORMAT = 1
MODEL_FILE = "checkworthy_model.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Model:
    """The fitted model's parameters."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    tfidf_coef: np.ndarray
    embedding_coef: np.ndarray
    embedding_weight: float
    intercept: float
    threshold: float
    ngram_max: int
    meta: dict[str, object]


def ngrams(text: str, ngram_max: int) -> list[str]:
    """The word n-grams of ``text`` as scikit-learn's default analyzer builds them."""
    toks = TOKEN.findall(text.lower())
    out = list(toks)
    for n in range(2, ngram_max + 1):
        out += [" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)]
    return out


def tfidf(texts: Sequence[str], model: Model) -> np.ndarray:
    """Dense TF-IDF rows (sublinear tf, l2-normalised) over the model's vocabulary, dotted with its coefficients."""
    out = np.zeros(len(texts), dtype=np.float64)
    for r, text in enumerate(texts):
        counts = Counter(g for g in ngrams(text, model.ngram_max) if g in model.vocabulary)
        if not counts:
            continue
        idx = np.fromiter((model.vocabulary[g] for g in counts), dtype=np.int64)
        vals = np.fromiter(((1.0 + math.log(c)) for c in counts.values()), dtype=np.float64) * model.idf[idx]
        norm = float(np.sqrt((vals ** 2).sum())) or 1.0
        out[r] = float((vals / norm) @ model.tfidf_coef[idx])
    return out


@cache
def load_model() -> Model:
    """The packaged model, checked for its format and shapes.

    Raises:
        DataError: E900 when the file is missing, of another format or inconsistent.
    """
    raw = load_json(MODEL_FILE, required=("format", "vocabulary", "idf", "tfidf_coef", "embedding_coef",
                                          "embedding_weight", "intercept", "threshold", "ngram_max"))
    if raw["format"] != FORMAT:
        raise DataError(f"{MODEL_FILE}: format {raw['format']!r}, this counterclaim reads format {FORMAT}; "
                        "run `counterclaim train checkworthy`")
    vocab = {t: i for i, t in enumerate(raw["vocabulary"])}
    idf, coef = np.asarray(raw["idf"], dtype=np.float64), np.asarray(raw["tfidf_coef"], dtype=np.float64)
    emb = np.asarray(raw["embedding_coef"], dtype=np.float64)
    if not len(vocab) == len(idf) == len(coef) or emb.shape not in ((0,), (384,)):
        raise DataError(f"{MODEL_FILE}: vocabulary, idf and coefficients differ in length")
    return Model(vocab, idf, coef, emb, float(raw["embedding_weight"]), float(raw["intercept"]),
                 float(raw["threshold"]), int(raw["ngram_max"]), dict(raw.get("meta", {})))


def probabilities(texts: Sequence[str], model: Model | None = None,
                  memo: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """P(check-worthy) of each text under the model (``memo``: vectors already encoded, see link.embed)."""
    model = model or load_model()
    if not texts:
        return np.zeros(0)
    z = tfidf(texts, model) + model.intercept
    if model.embedding_coef.size:
        from counterclaim.link.embed import encode

        z += model.embedding_weight * (encode(list(texts), memo).astype(np.float64) @ model.embedding_coef)
    return 1.0 / (1.0 + np.exp(-z))


def is_checkworthy(texts: Sequence[str]) -> list[bool]:
    """The model's verdict at the threshold chosen by cross-validation on the training file."""
    model = load_model()
    return [bool(p >= model.threshold) for p in probabilities(texts, model)]
