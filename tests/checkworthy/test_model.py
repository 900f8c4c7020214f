"""The shipped check-worthiness model: features as scikit-learn builds them, format checks, ranking."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from counterclaim.checkworthy.model import (FORMAT, char_ngrams, load_model, model_from, ngrams, pos_sequence,
                                            probabilities, tag_ngrams, tag_texts)
from counterclaim.checkworthy.train import MLP_SEEDS, Sentences, _mlp, _mlp_logit, fit, fit_blocks
from counterclaim.resources import DataError

SENTENCES = [
    "The ministry said 14 people were killed and 31 injured in the shelling of Kharkiv.",
    "Unemployment fell to 4.9 percent last year, the lowest in a decade.",
    "Thank you all for coming tonight.",
    "I'm not going to answer that.",
    "The army denies that any civilians were hit.",
    "Go  to   bed,\tnow.",
    "a I x",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_features_are_scikit_learns(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    assert ngrams(text, 1, 2) == words(text)
    assert char_ngrams(text, 2, 5) == chars(text)
    tags = TfidfVectorizer(lowercase=False, token_pattern=r"\S+", ngram_range=(1, 4)).build_analyzer()
    assert tag_ngrams(tag_texts([text])[0], 1, 4) == tags(tag_texts([text])[0])


@pytest.mark.parametrize("text, expected", [
    ("Israeli strikes killed 27 people in Rafah on Sunday.", "ADJ NOUN VERB NUM NOUN ADP PROPN ADP PROPN PUNCT"),
    ("We did not shell the village.", "PRON AUX PART VERB DET NOUN PUNCT"),
])
def test_the_tags_the_pipeline_gives_are_those_the_model_was_trained_on(text, expected):
    """A claim's tags come from the analysed Doc (no second parse); training and the benchmark tag the text
    alone with the tagger and parser only: the same tags."""
    from counterclaim.nlp import load_nlp

    assert pos_sequence(load_nlp()(text)) == tag_texts([text])[0] == expected


CS = {"word": 4.0, "char_wb": 2.0, "pos": 1.0, "embedding": 1.0}


def _separable(n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``n`` distinct sentences with unit embeddings whose first coordinate's sign is the label."""
    rng = np.random.default_rng(13)
    emb = rng.normal(size=(n, 384))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    labels = (emb[:, 0] > 0).astype(np.int64)
    texts = [f"{SENTENCES[k % len(SENTENCES)]} ({k})" for k in range(n)]
    return texts, labels, emb


def test_a_fitted_model_scores_as_its_blocks_combined(monkeypatch):
    """The file's blocks, weights and intercept give what the combining regression gives on the blocks' logits."""
    texts, labels, emb = _separable(40)
    setting = {"C": CS, "weights": [0.9, 0.6, 0.5, -0.3, 0.8], "bias": -0.2, "threshold": 0.5, "f1": 1.0}
    data = Sentences(texts, labels).tagged()
    model = model_from(fit(data, emb, setting))
    assert [b.kind for b in model.blocks] == ["word", "char_wb", "pos", "embedding"] + ["embedding_mlp"] * MLP_SEEDS
    monkeypatch.setattr("counterclaim.link.embed.encode", lambda t, memo=None: emb[:len(t)].astype(np.float32))
    logits = fit_blocks(data, emb, CS).logits(data, emb) @ np.array(setting["weights"]) + setting["bias"]
    assert np.allclose(probabilities(texts, model), 1 / (1 + np.exp(-logits)), atol=1e-3)


def test_the_network_block_adds_the_logit_scikit_learn_computes(monkeypatch):
    texts, labels, emb = _separable(40)
    setting = {"C": CS, "weights": [0.0, 0.0, 0.0, 0.0, 1.0], "bias": 0.0, "threshold": 0.5, "f1": 1.0}
    model = model_from(fit(Sentences(texts, labels), emb, setting))
    monkeypatch.setattr("counterclaim.link.embed.encode", lambda t, memo=None: emb[:len(t)].astype(np.float32))
    net = _mlp(13).fit(emb, labels)
    only_net = dataclasses.replace(model, blocks=(dataclasses.replace(model.blocks[4], weight=1.0),), intercept=0.0)
    expected = 1 / (1 + np.exp(-_mlp_logit(net, emb[:5])))
    assert np.allclose(probabilities(texts[:5], only_net), expected, atol=1e-3)
    assert np.allclose(expected, net.predict_proba(emb[:5])[:, 1], atol=1e-3)


@pytest.mark.parametrize("raw, message", [
    ({"format": 1, "blocks": [], "intercept": 0, "threshold": 0.5}, "format 1"),
    ({"format": 2, "blocks": [], "intercept": 0, "threshold": 0.5}, "format 2"),
    ({"format": FORMAT, "blocks": [{"kind": "lemma"}], "intercept": 0, "threshold": 0.5}, "unknown kind"),
    ({"format": FORMAT, "blocks": [{"kind": "word", "vocabulary": ["a"], "idf": [], "coef": [1]}],
      "intercept": 0, "threshold": 0.5}, "differ in length"),
    ({"format": FORMAT, "intercept": 0, "threshold": 0.5}, "'blocks'"),
    ({"format": FORMAT, "blocks": [{"kind": "embedding_mlp", "hidden": [[0.0] * 3] * 384, "hidden_bias": [0, 0],
                                    "coef": [1, 1, 1]}], "intercept": 0, "threshold": 0.5}, "does not fit"),
])
def test_a_model_file_of_another_format_is_refused(raw, message):
    with pytest.raises(DataError, match=message):
        model_from(raw)


def test_the_packaged_model_ranks_a_casualty_figure_above_small_talk():
    model = load_model()
    assert model.meta["cv"]["f1"] > 0.7
    figure, thanks = probabilities(["Russian shelling killed 14 civilians in Kharkiv on Tuesday, "
                                    "the regional governor said.", "Thank you all for coming tonight."], model)
    assert figure > model.threshold > thanks


def test_a_claim_is_scored_with_its_sentences_vector(monkeypatch):
    """The embedding blocks read the sentence given for each text; the n-gram blocks read the text itself."""
    seen: list[list[str]] = []

    def encode(texts, memo=None):
        seen.append(list(texts))
        return np.zeros((len(texts), 384), dtype=np.float32)

    monkeypatch.setattr("counterclaim.link.embed.encode", encode)
    claim = "14 people were killed and 31 injured in the shelling of Kharkiv"
    sentence = f"The ministry said {claim}."
    probabilities([claim], sentences=[sentence])
    assert seen == [[sentence]]
    with pytest.raises(ValueError):
        probabilities([claim, claim], sentences=[sentence])


def test_given_tags_are_read_and_nothing_is_parsed_again(monkeypatch):
    def parse(texts):
        raise AssertionError("parsed again")

    monkeypatch.setattr("counterclaim.checkworthy.model.tag_texts", parse)
    monkeypatch.setattr("counterclaim.link.embed.encode", lambda t, memo=None: np.zeros((len(t), 384), np.float32))
    claim = "The army denies that any civilians were hit."
    verb, noun = probabilities([claim, claim], tags=["DET NOUN VERB SCONJ DET NOUN AUX VERB PUNCT", "NOUN"])
    assert verb != noun
    with pytest.raises(ValueError):
        probabilities([claim], tags=[])
