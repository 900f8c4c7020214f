"""Fit the check-worthiness model on ClaimBuster's ``crowdsourced.csv`` and write it as JSON.

    counterclaim train checkworthy --data ../shared/bench/claimbuster/crowdsourced.csv

Features, side by side in one logistic regression: TF-IDF word uni/bigrams, TF-IDF
character 2-5-grams within word boundaries (they catch numbers, inflections and
spellings the word block splits: '14,000', 'percent'/'per cent') and the
all-MiniLM-L6-v2 sentence embedding, each block l2-normalised and weighted; a small
network on the same embedding (one hidden layer) adds its logit with a weight. The
settings in ``GRID`` (regularisation C, the embedding block's weight, whether to use
character n-grams, the network's weight) and the decision threshold that maximises F1 are chosen by
stratified k-fold cross-validation on the training file alone, the vectorizers
re-fitted inside every fold; the evaluation file (``groundtruth.csv``) is never read
here. scikit-learn is needed only to train.
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
from counterclaim.link.embed import MODEL_NAME

# Earlier, wider searches (same folds) found C=4 and embedding weight 1 best among C 1/4/16 and weights 0/1/2
# (word n-grams: CV F1 0.706) and the character block a small gain (0.707); a network of 128 units (alpha 0.01)
# alone reaches 0.691. This grid weighs the network's logit against the logistic regression's.
GRID: dict[str, tuple[Any, ...]] = {"C": (4.0,), "embedding_weight": (1.0,), "chars": (True,),
                                    "mlp_weight": (0.0, 0.5, 1.0)}
MLP_UNITS = 128  # one hidden layer (ReLU) on the 384-dimensional embedding
MLP_ALPHA = 1e-2  # its L2 penalty
MLP_SEEDS = 1  # networks averaged (each its own block)
FOLDS = 5
MIN_DF = 2
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
CHAR_FEATURES = 40_000  # the most frequent character n-grams kept: the file stays small


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


def _vectorizers(chars: bool) -> list[Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = [TfidfVectorizer(lowercase=True, ngram_range=WORD_NGRAMS, min_df=MIN_DF, sublinear_tf=True)]
    if chars:
        out.append(TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=MIN_DF,
                                   sublinear_tf=True, max_features=CHAR_FEATURES))
    return out


def _features(train: list[str], test: list[str], emb_train: np.ndarray, emb_test: np.ndarray,
              setting: dict[str, Any]) -> tuple[list[Any], Any, Any]:
    from scipy.sparse import csr_matrix, hstack

    vecs = _vectorizers(bool(setting["chars"]))
    w = float(setting["embedding_weight"])
    xtr = [v.fit_transform(train) for v in vecs] + [csr_matrix(emb_train * w)]
    xte = [v.transform(test) for v in vecs] + [csr_matrix(emb_test * w)]
    return vecs, hstack(xtr).tocsr(), hstack(xte).tocsr()


def _classifier(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", max_iter=1000)


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


def _mlp(seed: int) -> Any:
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier((MLP_UNITS,), alpha=MLP_ALPHA, early_stopping=True, random_state=seed, max_iter=200)


def _mlp_logit(clf: Any, emb: np.ndarray) -> np.ndarray:
    """The network's output logit (what the ``embedding_mlp`` block adds), as the model file recomputes it."""
    hidden = np.maximum(emb @ clf.coefs_[0] + clf.intercepts_[0], 0.0)
    return (hidden @ clf.coefs_[1])[:, 0] + clf.intercepts_[1][0]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def cross_validate(data: Sentences, emb: np.ndarray, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Grid search by stratified k-fold CV on the training data; returns the best setting and its threshold.

    The network on the embedding is fitted once per fold (it does not depend on the other settings); its
    logit joins the logistic regression's with each weight in ``GRID["mlp_weight"]``.
    """
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=13).split(data.texts, data.labels))
    texts = np.array(data.texts, dtype=object)
    mlp = np.zeros(len(texts))
    if any(GRID["mlp_weight"]):
        for tr, te in folds:
            for seed in range(MLP_SEEDS):
                mlp[te] += _mlp_logit(_mlp(13 + seed).fit(emb[tr], data.labels[tr]), emb[te]) / MLP_SEEDS
    best: dict[str, Any] = {"f1": -1.0}
    linear = {k: v for k, v in GRID.items() if k != "mlp_weight"}
    for values in itertools.product(*linear.values()):
        setting = dict(zip(linear, values, strict=True))
        oof = np.zeros(len(texts))
        for tr, te in folds:
            _, xtr, xte = _features(list(texts[tr]), list(texts[te]), emb[tr], emb[te], setting)
            oof[te] = _classifier(float(setting["C"])).fit(xtr, data.labels[tr]).decision_function(xte)
        for w in GRID["mlp_weight"]:
            threshold, f1 = _best_threshold(data.labels, 1.0 / (1.0 + np.exp(-(oof + w * mlp))))
            log(f"{setting} mlp_weight={w}  CV F1={f1:.4f} at threshold {threshold}")
            if f1 > best["f1"]:
                best = {**setting, "mlp_weight": w, "threshold": threshold, "f1": f1}
    return best


def _tfidf_block(vec: Any, coef: np.ndarray) -> dict[str, Any]:
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    low, high = vec.ngram_range
    return {"kind": "char_wb" if vec.analyzer == "char_wb" else "word", "ngram_min": low, "ngram_max": high,
            "weight": 1.0, "vocabulary": vocab, "idf": [round(float(v), 4) for v in vec.idf_],
            "coef": [round(float(v), 4) for v in coef]}


def fit(data: Sentences, emb: np.ndarray, setting: dict[str, Any]) -> dict[str, Any]:
    """Fit on all training data with ``setting``; the JSON document the model file holds."""
    import sklearn

    vecs, x, _ = _features(data.texts, data.texts[:1], emb, emb[:1], setting)
    clf = _classifier(float(setting["C"])).fit(x, data.labels)
    coef = clf.coef_[0]
    blocks, at = [], 0
    for vec in vecs:
        n = len(vec.vocabulary_)
        blocks.append(_tfidf_block(vec, coef[at:at + n]))
        at += n
    blocks.append({"kind": "embedding", "weight": float(setting["embedding_weight"]),
                   "coef": [round(float(v), 6) for v in coef[at:]]})
    weight = float(setting.get("mlp_weight", 0.0))
    for seed in range(MLP_SEEDS if weight else 0):
        net = _mlp(13 + seed).fit(emb, data.labels)
        blocks.append({"kind": "embedding_mlp", "weight": weight / MLP_SEEDS,
                       "hidden": [[round(float(v), 5) for v in row] for row in net.coefs_[0]],
                       "hidden_bias": [round(float(v), 5) for v in net.intercepts_[0]],
                       "coef": [round(float(v), 5) for v in net.coefs_[1][:, 0]],
                       "bias": round(float(net.intercepts_[1][0]), 5)})
    return {
        "format": FORMAT,
        "meta": {"trained_on": "ClaimBuster crowdsourced.csv (Verdict 1 = check-worthy)",
                 "sentences": len(data.texts), "positives": int(data.labels.sum()),
                 "cv": {k: setting.get(k) for k in (*GRID, "f1")}, "folds": FOLDS, "grid": GRID,
                 "mlp": {"units": MLP_UNITS, "alpha": MLP_ALPHA, "seeds": MLP_SEEDS},
                 "min_df": MIN_DF, "sklearn": sklearn.__version__,
                 "embedding_model": MODEL_NAME,
                 "cite": ["Arslan, Hassan, Li, Tremayne. A Benchmark Dataset of Check-worthy Factual Claims. ICWSM 2020",
                          "doi:10.5281/zenodo.3609356"]},
        "blocks": blocks,
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
    out.write_text(json.dumps(model, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"best {setting}; wrote {out} ({out.stat().st_size // 1024} KiB) in {time.perf_counter() - t0:.0f}s")
    return setting
