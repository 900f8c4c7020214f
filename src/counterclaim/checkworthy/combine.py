"""The ``checkworthy`` score of a claim: the learned model blended with the conflict cues.

The model (:mod:`.model`, trained on U.S. debate sentences) knows what a checkable
factual statement looks like; the claims stage's cue score knows what matters in a
conflict (casualty figures, accusations, denials, named actors as subjects). Their
weighted sum (weights in ``data/checkworthy.json``) ranks claims; equal scores inside
a document are pulled apart by a thousandth in reading order, so no block of claims
shares one score.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np

from counterclaim.checkworthy.model import probabilities
from counterclaim.records import ClaimRecord
from counterclaim.resources import load_json


@cache
def _weights() -> dict[str, float]:
    raw = load_json("checkworthy.json", required=("model_weight", "cue_weight"))
    return {"model": float(raw["model_weight"]), "cues": float(raw["cue_weight"])}


def blend(model_probability: float, cue_score: float) -> float:
    """The weighted sum of the model's probability and the cue score, in [0, 1]."""
    w = _weights()
    return max(0.0, min(1.0, (w["model"] * model_probability + w["cues"] * cue_score) / (w["model"] + w["cues"])))


def rescore(claims: list[ClaimRecord], memo: dict[str, np.ndarray] | None = None,
            sentences: list[str] | None = None, tags: list[str] | None = None) -> list[ClaimRecord]:
    """The claims with ``checkworthy`` = blend(model, cue score already in ``checkworthy``), ties broken.

    ``memo``: the document's sentence vectors already encoded (see :func:`counterclaim.link.embed.doc_memo`).
    ``sentences``: each claim's sentence, whose vector the model's embedding blocks read (one encoding per
    sentence, shared with the technique neighbours); the n-gram blocks read the claim's own text.
    ``tags``: each claim's POS tags (:func:`counterclaim.checkworthy.model.pos_sequence` of its tokens in the
    Doc), which the tag block reads; by default the claims are parsed again.
    """
    if not claims:
        return claims
    probs = probabilities([c.text for c in claims], memo=memo, sentences=sentences, tags=tags)
    seen: set[float] = set()
    out = []
    for c, p in zip(claims, probs, strict=True):
        score = round(blend(float(p), c.checkworthy), 3)
        while score in seen and score > 0.001:
            score = round(score - 0.001, 3)
        seen.add(score)
        out.append(dataclasses.replace(c, checkworthy=score, rule=f"{c.rule}; model={p:.2f}"))
    return out
