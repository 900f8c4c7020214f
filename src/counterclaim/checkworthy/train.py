"""Fit the check-worthiness model on ClaimBuster's ``crowdsourced.csv`` and write it as JSON.

    counterclaim train checkworthy --data ../shared/bench/claimbuster/crowdsourced.csv

Blocks, each with its own logistic regression: TF-IDF word uni/bigrams, TF-IDF character
2-5-grams within word boundaries (they catch numbers, inflections and spellings the word
block splits: '14,000', 'percent'/'per cent'), TF-IDF 1-4-grams of the coarse part-of-speech
tags spaCy gives each sentence (its shape: 'PROPN VERB NUM NOUN ADP PROPN' whatever the words,
ClaimBuster's own POS feature) and the all-MiniLM-L6-v2 sentence embedding;
and small networks on the same embedding (one hidden layer, several seeds averaged). A
second logistic regression combines the blocks' logits (stacking): its weights become the
blocks' weights in the model file. The per-block C in ``GRID`` and the decision threshold
that maximises F1 are chosen by stratified k-fold cross-validation on the training file
alone: every block is re-fitted (vectorizers included) inside every fold, and the combining
regression is cross-fitted on the out-of-fold logits over the same folds. The evaluation
file (``groundtruth.csv``) is never read here. scikit-learn is needed only to train.
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

from counterclaim.checkworthy.model import FORMAT, TAGGING, tag_texts
from counterclaim.link.embed import MODEL_NAME
from counterclaim.nlp import MODEL as SPACY_MODEL

# Earlier searches (same folds): one logistic regression over all blocks side by side (C 2/4/8/16, embedding weight
# 0.5/1/2, balanced classes) peaked at CV F1 0.708, and at 0.715 with the networks' mean logit added at a fixed
# weight; networks of alpha 1e-3/3e-2/1e-1 or 256 units did no better than 128 units at 1e-2, and adding them to
# the stack changed its F1 by under 0.001. Stacking, one regression per block combined by a second one, gained
# 0.008; a nested check (the combiner fitted on inner out-of-fold logits of each training part) gave the same F1.
# Blocks over spaCy's analysis, each added to the stack (CV F1 gain over fold seeds 13 / 7 / 42): coarse POS
# 1-4-grams (C 2) +0.0025 / +0.0024 / +0.0014, with average precision +0.0017..0.0020 and log loss -0.0012..-0.0014 on
# every seed (kept: the ``pos`` block); fine Penn tags 1-4-grams +0.0009 / +0.0040 / +0.0047 (AP +0.0028); the words
# with entities and numbers replaced by their type ('GPE does n't have CARDINAL ...', 1-3-grams) +0.0000 / +0.0028 /
# +0.0017; fine tags with entities as their type +0.0005 (seed 13). Training on the three classes (Verdict -1/0/1,
# multinomial regression, block score P(1)) made each block better alone (word 0.671 -> 0.676, embedding 0.672 ->
# 0.678) but the stack no better (0.7247 -> 0.7249, seed 13).
GRID: dict[str, tuple[float, ...]] = {"word": (2.0, 4.0, 8.0), "char_wb": (1.0, 2.0, 4.0), "pos": (1.0, 2.0, 4.0),
                                      "embedding": (2.0, 4.0, 16.0)}  # each block's regression's C
STACK_C = 1.0  # the combining regression's C
MLP_UNITS = 128  # one hidden layer (ReLU) on the 384-dimensional embedding
MLP_ALPHA = 1e-2  # its L2 penalty
MLP_SEEDS = 5  # networks averaged (each its own block, one weight shared)
FOLDS = 5
MIN_DF = 2
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
POS_NGRAMS = (1, 4)
CHAR_FEATURES = 40_000  # the most frequent character n-grams kept: the file stays small
TEXT_KINDS = ("word", "char_wb")  # n-grams of the text
TFIDF_KINDS = (*TEXT_KINDS, "pos")  # ... and of its tags
INPUTS = (*TFIDF_KINDS, "embedding", "embedding_mlp")  # the combining regression's inputs, in this order


@dataclass(frozen=True)
class Sentences:
    """Texts and binary labels (Verdict 1 = check-worthy); ``tags``: each text's coarse POS tags
    (:func:`counterclaim.checkworthy.model.pos_sequence`), parsed when first read."""

    texts: list[str]
    labels: np.ndarray
    tags: list[str] | None = None

    def tagged(self) -> Sentences:
        """These sentences with their tags."""
        return self if self.tags is not None else Sentences(self.texts, self.labels, tag_texts(self.texts))

    def inputs(self, kind: str) -> list[str]:
        """What a TF-IDF block of ``kind`` reads: the texts, or their tags."""
        if kind != "pos":
            return self.texts
        if self.tags is None:
            raise ValueError("the sentences are not tagged; call tagged()")
        return self.tags


def read_claimbuster(path: Path) -> Sentences:
    """Read a ClaimBuster CSV (columns ``Text`` and ``Verdict``)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(r["Text"], int(r["Verdict"])) for r in csv.DictReader(f)]
    return Sentences([t for t, _ in rows], np.array([v == 1 for _, v in rows], dtype=np.int64))


def _vectorizer(kind: str) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "word":
        return TfidfVectorizer(lowercase=True, ngram_range=WORD_NGRAMS, min_df=MIN_DF, sublinear_tf=True)
    if kind == "pos":
        return TfidfVectorizer(lowercase=False, token_pattern=r"\S+", ngram_range=POS_NGRAMS, min_df=MIN_DF,
                               sublinear_tf=True)
    return TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=MIN_DF,
                           sublinear_tf=True, max_features=CHAR_FEATURES)


def _classifier(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", max_iter=1000)


def _mlp(seed: int) -> Any:
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier((MLP_UNITS,), alpha=MLP_ALPHA, early_stopping=True, random_state=seed, max_iter=200)


def _mlp_logit(clf: Any, emb: np.ndarray) -> np.ndarray:
    """The network's output logit (what the ``embedding_mlp`` block adds), as the model file recomputes it."""
    hidden = np.maximum(emb @ clf.coefs_[0] + clf.intercepts_[0], 0.0)
    return (hidden @ clf.coefs_[1])[:, 0] + clf.intercepts_[1][0]


@dataclass(frozen=True)
class Fitted:
    """The per-block models fitted on some sentences: vectorizers and regressions by kind, and the networks."""

    vectorizers: dict[str, Any]
    regressions: dict[str, Any]
    networks: list[Any]

    def logits(self, data: Sentences, emb: np.ndarray) -> np.ndarray:
        """One column per input of the combining regression (``INPUTS``): each block's own logit."""
        cols = [self.regressions[k].decision_function(self.vectorizers[k].transform(data.inputs(k)))
                for k in TFIDF_KINDS]
        cols.append(self.regressions["embedding"].decision_function(emb))
        cols.append(np.mean([_mlp_logit(net, emb) for net in self.networks], axis=0) if self.networks
                    else np.zeros(len(data.texts)))
        return np.stack(cols, axis=1)


def fit_blocks(data: Sentences, emb: np.ndarray, cs: dict[str, float], seeds: int = MLP_SEEDS) -> Fitted:
    """Each block's own model on tagged ``data``: a regression per n-gram kind and on the embedding (C by kind
    in ``cs``), and ``seeds`` networks."""
    vecs = {k: _vectorizer(k) for k in TFIDF_KINDS}
    regs = {k: _classifier(cs[k]).fit(v.fit_transform(data.inputs(k)), data.labels) for k, v in vecs.items()}
    regs["embedding"] = _classifier(cs["embedding"]).fit(emb, data.labels)
    return Fitted(vecs, regs, [_mlp(13 + s).fit(emb, data.labels) for s in range(seeds)])


def _stacker() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=STACK_C)


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


def _folds(labels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold

    return list(StratifiedKFold(FOLDS, shuffle=True, random_state=13).split(np.zeros(len(labels)), labels))


def _out_of_fold(data: Sentences, emb: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
                 ) -> tuple[dict[tuple[str, float], np.ndarray], np.ndarray]:
    """Each regression block's out-of-fold logit for every C in ``GRID`` (key ``(kind, C)``), and the networks'
    mean out-of-fold logit; every model and vectorizer fitted inside the fold."""
    y = data.labels
    out: dict[tuple[str, float], np.ndarray] = {}
    networks = np.zeros(len(y))
    for tr, te in folds:
        feats = {"embedding": (emb[tr], emb[te])}
        for kind in TFIDF_KINDS:
            vec, texts = _vectorizer(kind), np.array(data.inputs(kind), dtype=object)
            feats[kind] = (vec.fit_transform(list(texts[tr])), vec.transform(list(texts[te])))
        for kind, (xtr, xte) in feats.items():
            for c in GRID[kind]:
                out.setdefault((kind, c), np.zeros(len(y)))[te] = _classifier(c).fit(xtr, y[tr]).decision_function(xte)
        nets = [_mlp(13 + s).fit(emb[tr], y[tr]) for s in range(MLP_SEEDS)]
        networks[te] = np.mean([_mlp_logit(net, emb[te]) for net in nets], axis=0)
    return out, networks


def cross_validate(data: Sentences, emb: np.ndarray, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Grid search by stratified k-fold CV on the training data; returns the best setting and its threshold.

    Every block's model is fitted inside each fold and scores the held-out part (its out-of-fold logit; the
    vectorizers re-fitted per fold). For each combination of the blocks' C, the combining regression is
    cross-fitted on those logits over the same folds, so each sentence's combined score comes from a
    combination fitted without it; the threshold with the best F1 on these scores is the setting's. The
    setting carries the combining weights then fitted on all out-of-fold logits.
    """
    folds = _folds(data.labels)
    y = data.labels
    logits, networks = _out_of_fold(data, emb, folds)
    best: dict[str, Any] = {"f1": -1.0}
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(GRID, values, strict=True))
        x = np.stack([logits[(k, setting[k])] for k in INPUTS[:-1]] + [networks], axis=1)
        stacked = np.zeros(len(y))
        for tr, te in folds:
            stacked[te] = _stacker().fit(x[tr], y[tr]).decision_function(x[te])
        threshold, f1 = _best_threshold(y, 1.0 / (1.0 + np.exp(-stacked)))
        combiner = _stacker().fit(x, y)
        weights = [round(float(w), 4) for w in combiner.coef_[0]]
        log(f"C {setting}  weights {weights}  CV F1={f1:.4f} at threshold {threshold}")
        if f1 > best["f1"]:
            best = {"C": setting, "weights": weights, "bias": float(combiner.intercept_[0]), "threshold": threshold,
                    "f1": round(f1, 4)}
    return best


def _tfidf_block(kind: str, vec: Any, coef: np.ndarray, weight: float) -> dict[str, Any]:
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    low, high = vec.ngram_range
    return {"kind": kind, "ngram_min": low, "ngram_max": high,
            "weight": weight, "vocabulary": vocab, "idf": [round(float(v), 4) for v in vec.idf_],
            "coef": [round(float(v), 4) for v in coef]}


def _network_block(net: Any, weight: float) -> dict[str, Any]:
    return {"kind": "embedding_mlp", "weight": weight,
            "hidden": [[round(float(v), 5) for v in row] for row in net.coefs_[0]],
            "hidden_bias": [round(float(v), 5) for v in net.intercepts_[0]],
            "coef": [round(float(v), 5) for v in net.coefs_[1][:, 0]], "bias": round(float(net.intercepts_[1][0]), 5)}


def fit(data: Sentences, emb: np.ndarray, setting: dict[str, Any]) -> dict[str, Any]:
    """Fit every block on all training data with ``setting``; the JSON document the model file holds.

    Each block's weight is its combining weight (the networks share theirs); the intercept is the combining
    regression's plus each weighted regression's own intercept.
    """
    import sklearn

    data = data.tagged()
    blocks = fit_blocks(data, emb, {k: float(v) for k, v in setting["C"].items()})
    weight = dict(zip(INPUTS, (float(w) for w in setting["weights"]), strict=True))
    out = [_tfidf_block(k, blocks.vectorizers[k], blocks.regressions[k].coef_[0], weight[k]) for k in TFIDF_KINDS]
    out.append({"kind": "embedding", "weight": weight["embedding"],
                "coef": [round(float(v), 6) for v in blocks.regressions["embedding"].coef_[0]]})
    out += [_network_block(net, round(weight["embedding_mlp"] / len(blocks.networks), 6)) for net in blocks.networks]
    intercept = float(setting["bias"]) + sum(weight[k] * float(blocks.regressions[k].intercept_[0])
                                             for k in (*TFIDF_KINDS, "embedding"))
    return {
        "format": FORMAT,
        "meta": {"trained_on": "ClaimBuster crowdsourced.csv (Verdict 1 = check-worthy)",
                 "sentences": len(data.texts), "positives": int(data.labels.sum()),
                 "cv": {k: setting.get(k) for k in ("C", "weights", "threshold", "f1")}, "folds": FOLDS, "grid": GRID,
                 "stack": {"inputs": INPUTS, "C": STACK_C},
                 "mlp": {"units": MLP_UNITS, "alpha": MLP_ALPHA, "seeds": len(blocks.networks)},
                 "min_df": MIN_DF, "sklearn": sklearn.__version__, "tags": {"model": SPACY_MODEL, "pipes": TAGGING},
                 "embedding_model": MODEL_NAME,
                 "cite": ["Arslan, Hassan, Li, Tremayne. A Benchmark Dataset of Check-worthy Factual Claims. ICWSM 2020",
                          "doi:10.5281/zenodo.3609356"]},
        "blocks": out,
        "intercept": round(intercept, 6),
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
    data = read_claimbuster(data_path).tagged()
    emb = embed_all(data.texts, cache)
    log(f"{len(data.texts)} sentences, {int(data.labels.sum())} check-worthy; tagged and embedded in "
        f"{time.perf_counter() - t0:.0f}s")
    setting = cross_validate(data, emb, log)
    model = fit(data, emb, setting)
    out.write_text(json.dumps(model, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"best {setting}; wrote {out} ({out.stat().st_size // 1024} KiB) in {time.perf_counter() - t0:.0f}s")
    return setting
