"""The shipped check-worthiness model: TF-IDF n-grams, POS n-grams and MiniLM embeddings, summed into one logit.

Trained by :mod:`counterclaim.checkworthy.train` on ClaimBuster's ``crowdsourced.csv``
(Verdict 1 = check-worthy) and stored as plain JSON in ``data/checkworthy_model.json``:
one entry per block, each adding its weighted score to the logit: the word n-grams,
character n-grams within word boundaries, n-grams of the coarse part-of-speech tags that
spaCy gives the text (``pos``: 'PROPN VERB NUM NOUN' is a sentence's shape, whatever its
words) and sentence embedding, each with its own
logistic regression's coefficients (and vocabulary and idf weights), and one-hidden-layer
networks on the same embedding (their weight matrices); the weights are those of the
regression that combined the blocks in training. Then the intercept and the decision
threshold chosen by cross-validation. No pickle: the features are recomputed here with
scikit-learn's recipes (lowercase; word tokens of two or more word characters; character
n-grams of each space-padded word; tags as they are; sublinear tf; l2 norm per block), so
nothing depends on the scikit-learn version at run time. The file carries a format number, checked on load.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from counterclaim.resources import DataError, load_json

if TYPE_CHECKING:
    from spacy.tokens import Token

FORMAT = 3
MODEL_FILE = "checkworthy_model.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")
KINDS = ("word", "char_wb", "pos", "embedding", "embedding_mlp")
EMBEDDED = ("embedding", "embedding_mlp")
EMBEDDING_DIM = 384
# What the tags are read from: the part of the pipeline that sets ``Token.pos_`` (the attribute ruler maps the
# tagger's tags to coarse ones with the parser's labels, so the parser is needed).
TAGGING = ("tok2vec", "tagger", "parser", "attribute_ruler")


@dataclass(frozen=True)
class Block:
    """One block: its kind, n-gram range, weight, vocabulary, idf and coefficients.

    An ``embedding_mlp`` block also has its hidden layer (``hidden``: embedding x units, ``hidden_bias``);
    ``coef`` and ``bias`` are then its output layer, whose logit the block adds.
    """

    kind: str
    ngram_min: int
    ngram_max: int
    weight: float
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    hidden: np.ndarray | None = None
    hidden_bias: np.ndarray | None = None
    bias: float = 0.0


@dataclass(frozen=True)
class Model:
    """The fitted model's parameters."""

    blocks: tuple[Block, ...]
    intercept: float
    threshold: float
    meta: dict[str, object]


def ngrams(text: str, ngram_min: int, ngram_max: int) -> list[str]:
    """The word n-grams of ``text`` as scikit-learn's word analyzer builds them."""
    return _grams(TOKEN.findall(text.lower()), ngram_min, ngram_max)


def tag_ngrams(tags: str, ngram_min: int, ngram_max: int) -> list[str]:
    """The n-grams of a space-separated tag sequence (scikit-learn's word analyzer, ``token_pattern=r"\\S+"``,
    no lowercasing)."""
    return _grams(tags.split(), ngram_min, ngram_max)


def pos_sequence(tokens: Iterable[Token]) -> str:
    """The coarse part-of-speech tags of ``tokens`` (a Doc or Span), space-separated, spaces left out."""
    return " ".join(t.pos_ for t in tokens if not t.is_space)


def tag_texts(texts: Sequence[str]) -> list[str]:
    """:func:`pos_sequence` of each text, parsed here (the pipeline's tagger and parser only)."""
    from counterclaim.nlp import load_nlp

    nlp = load_nlp()
    off = [n for n in nlp.pipe_names if n not in TAGGING]
    return [pos_sequence(doc) for doc in nlp.pipe(texts, disable=off, batch_size=256)]


def _grams(toks: list[str], ngram_min: int, ngram_max: int) -> list[str]:
    out = list(toks) if ngram_min <= 1 else []
    for n in range(max(2, ngram_min), ngram_max + 1):
        out += [" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)]
    return out


def char_ngrams(text: str, ngram_min: int, ngram_max: int) -> list[str]:
    """The character n-grams of each space-padded word, as scikit-learn's ``char_wb`` analyzer builds them."""
    out = []
    for word in text.lower().split():
        w = f" {word} "
        for n in range(ngram_min, ngram_max + 1):
            if n >= len(w):
                out.append(w)  # a word no longer than n counts once, whole
                break
            out += [w[i:i + n] for i in range(len(w) - n + 1)]
    return out


ANALYSERS = {"word": ngrams, "char_wb": char_ngrams, "pos": tag_ngrams}


def _tfidf_scores(texts: Sequence[str], block: Block) -> np.ndarray:
    """Each text's TF-IDF row (sublinear tf, l2-normalised) over the block's vocabulary, dotted with its coefficients."""
    analyse = ANALYSERS[block.kind]
    out = np.zeros(len(texts), dtype=np.float64)
    for r, text in enumerate(texts):
        counts = Counter(g for g in analyse(text, block.ngram_min, block.ngram_max) if g in block.vocabulary)
        if not counts:
            continue
        idx = np.fromiter((block.vocabulary[g] for g in counts), dtype=np.int64)
        vals = np.fromiter(((1.0 + math.log(c)) for c in counts.values()), dtype=np.float64) * block.idf[idx]
        norm = float(np.sqrt((vals ** 2).sum())) or 1.0
        out[r] = float((vals / norm) @ block.coef[idx])
    return out


def _block(raw: dict[str, object], n: int) -> Block:
    kind = raw.get("kind")
    if kind not in KINDS:
        raise DataError(f"{MODEL_FILE}: block {n} has unknown kind {kind!r}; expected one of {KINDS}")
    coef = np.asarray(raw.get("coef", []), dtype=np.float64)
    if kind == "embedding_mlp":
        hidden = np.asarray(raw.get("hidden", []), dtype=np.float64)
        hidden_bias = np.asarray(raw.get("hidden_bias", []), dtype=np.float64)
        if hidden.shape != (EMBEDDING_DIM, coef.size) or hidden_bias.shape != (coef.size,):
            raise DataError(f"{MODEL_FILE}: block {n} (embedding_mlp): hidden layer of shape {hidden.shape} "
                            f"does not fit {EMBEDDING_DIM} inputs and {coef.size} units")
        return Block(kind, 0, 0, float(raw.get("weight", 1.0)), {}, np.zeros(0), coef,  # type: ignore[arg-type]
                     hidden, hidden_bias, float(raw.get("bias", 0.0)))  # type: ignore[arg-type]
    if kind == "embedding":
        if coef.shape != (EMBEDDING_DIM,):
            raise DataError(f"{MODEL_FILE}: the embedding block needs {EMBEDDING_DIM} coefficients, has {coef.size}")
        return Block(kind, 0, 0, float(raw.get("weight", 1.0)), {}, np.zeros(0), coef)  # type: ignore[arg-type]
    vocab = {t: i for i, t in enumerate(raw.get("vocabulary", []))}  # type: ignore[arg-type]
    idf = np.asarray(raw.get("idf", []), dtype=np.float64)
    if not len(vocab) == len(idf) == len(coef):
        raise DataError(f"{MODEL_FILE}: block {n} ({kind}): vocabulary, idf and coefficients differ in length")
    return Block(str(kind), int(raw.get("ngram_min", 1)), int(raw.get("ngram_max", 1)),  # type: ignore[call-overload]
                 float(raw.get("weight", 1.0)), vocab, idf, coef)  # type: ignore[arg-type]


def model_from(raw: dict[str, object]) -> Model:
    """A :class:`Model` from the JSON document ``train`` writes, checked for its format and shapes.

    Raises:
        DataError: E900 when the document is of another format or inconsistent.
    """
    for key in ("format", "blocks", "intercept", "threshold"):
        if key not in raw:
            raise DataError(f"{MODEL_FILE}: no {key!r}; run `counterclaim train checkworthy`")
    if raw["format"] != FORMAT:
        raise DataError(f"{MODEL_FILE}: format {raw['format']!r}, this counterclaim reads format {FORMAT}; "
                        "run `counterclaim train checkworthy`")
    blocks = tuple(_block(b, n) for n, b in enumerate(raw["blocks"]))  # type: ignore[arg-type]
    return Model(blocks, float(raw["intercept"]), float(raw["threshold"]),  # type: ignore[arg-type]
                 dict(raw.get("meta", {})))  # type: ignore[call-overload]


@cache
def load_model() -> Model:
    """The packaged model (see :func:`model_from`)."""
    return model_from(load_json(MODEL_FILE))


def probabilities(texts: Sequence[str], model: Model | None = None, memo: dict[str, np.ndarray] | None = None,
                  sentences: Sequence[str] | None = None, tags: Sequence[str] | None = None) -> np.ndarray:
    """P(check-worthy) of each text under the model.

    ``memo``: vectors already encoded (see :func:`counterclaim.link.embed.doc_memo`). ``sentences``: for each
    text, the sentence whose embedding scores it (a claim cut from its sentence takes the sentence's vector,
    which the other stages of the document share); by default the text itself. ``tags``: each text's
    :func:`pos_sequence`, which the ``pos`` block reads (the pipeline's Doc has them); by default parsed here.
    """
    for name, given in (("sentences", sentences), ("tags", tags)):
        if given is not None and len(given) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(given)} {name}")
    model = model or load_model()
    if not texts:
        return np.zeros(0)
    z = np.full(len(texts), model.intercept, dtype=np.float64)
    emb: np.ndarray | None = None
    for block in model.blocks:
        if not block.weight:
            continue
        if block.kind in EMBEDDED:
            if emb is None:
                from counterclaim.link.embed import encode

                emb = encode(list(sentences if sentences is not None else texts), memo).astype(np.float64)
            z += block.weight * _embedding_scores(emb, block)
        elif block.kind == "pos":
            tags = tag_texts(texts) if tags is None else tags
            z += block.weight * _tfidf_scores(tags, block)
        else:
            z += block.weight * _tfidf_scores(texts, block)
    return 1.0 / (1.0 + np.exp(-z))


def _embedding_scores(emb: np.ndarray, block: Block) -> np.ndarray:
    """A linear block's dot product, or a network block's output logit (ReLU hidden layer)."""
    if block.hidden is None or block.hidden_bias is None:
        return emb @ block.coef
    return np.maximum(emb @ block.hidden + block.hidden_bias, 0.0) @ block.coef + block.bias


def uses_embeddings(model: Model | None = None) -> bool:
    """Whether scoring needs the sentence embeddings (the costly part)."""
    return any(b.kind in EMBEDDED and b.weight for b in (model or load_model()).blocks)


def is_checkworthy(texts: Sequence[str]) -> list[bool]:
    """The model's verdict at the threshold chosen by cross-validation on the training file."""
    model = load_model()
    return [bool(p >= model.threshold) for p in probabilities(texts, model)]
