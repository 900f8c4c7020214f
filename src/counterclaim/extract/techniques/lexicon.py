"""The language data of the techniques stage, loaded once and validated on load.

``data/techniques.json`` holds the label set, the lexicons and the Matcher patterns;
``data/techniques_examples.jsonl`` the labelled example sentences of the
nearest-neighbour fallback (one object a line: ``label``, ``text``, ``conflict``;
label ``none`` marks neutral sentences that must stay clean).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from counterclaim.resources import DataError, load_json, load_jsonl

NEUTRAL = "none"
MIN_EXAMPLES = 15


@dataclass(frozen=True)
class Lexicon:
    """Everything the rules read, as sets and tuples."""

    labels: tuple[str, ...]
    loaded: frozenset[str]
    weak: frozenset[str]
    loaded_score: float
    weak_score: float
    discredited: frozenset[str]
    labelling: frozenset[str]
    labelling_phrases: tuple[tuple[str, ...], ...]
    conditional: frozenset[str]
    naming_heads: frozenset[str]
    blockers: frozenset[str]
    insult_subjects: tuple[str, ...]
    insult_nouns: tuple[str, ...]
    patterns: tuple[dict[str, Any], ...]
    turn_verbs: frozenset[str]
    repetition_min: int
    neighbours: dict[str, float]
    min_score: float


@cache
def lexicon() -> Lexicon:
    """``data/techniques.json`` checked: every pattern names a known label and has a why and a score."""
    raw = load_json("techniques.json", required=("labels", "loaded_words", "labelling_nouns", "insult_predicates",
                                                 "patterns", "whataboutism_sentence", "repetition", "neighbours",
                                                 "output"))
    labels = tuple(raw["labels"])
    for n, p in enumerate(raw["patterns"]):
        if p.get("label") not in labels or not p.get("why") or not 0 < float(p.get("score", 0)) <= 1 \
                or not isinstance(p.get("pattern"), list):
            raise DataError(f"data file 'techniques.json' pattern {n}: needs a known label, a why, "
                            f"a score in (0, 1] and a token pattern; got {p!r}")
    nouns = raw["labelling_nouns"]
    always = [w.lower() for w in nouns["always"]]
    return Lexicon(
        labels=labels,
        loaded=frozenset(w.lower() for w in raw["loaded_words"]["words"]),
        weak=frozenset(w.lower() for w in raw["loaded_words"].get("weak", [])),
        loaded_score=float(raw["loaded_words"].get("score", 0.7)),
        weak_score=float(raw["loaded_words"].get("weak_score", 0.5)),
        discredited=frozenset(raw["loaded_words"].get("discredited", [])),
        labelling=frozenset(w for w in always if " " not in w),
        labelling_phrases=tuple(tuple(w.split()) for w in always if " " in w),
        conditional=frozenset(nouns["conditional"]),
        naming_heads=frozenset(nouns["naming_heads"]),
        blockers=frozenset(nouns["blockers"]),
        insult_subjects=tuple(raw["insult_predicates"]["subjects"]),
        insult_nouns=tuple(raw["insult_predicates"]["nouns"]),
        patterns=tuple(raw["patterns"]),
        turn_verbs=frozenset(raw["whataboutism_sentence"]["turn_verbs"]),
        repetition_min=int(raw["repetition"]["min_uses"]),
        neighbours={k: float(v) for k, v in raw["neighbours"].items() if k != "about"},
        min_score=float(raw["output"]["min_score"]),
    )


@cache
def examples() -> tuple[tuple[str, str], ...]:
    """``(label, text)`` of every example sentence; each technique label used has at least 15.

    Raises:
        DataError: an unknown label, an empty text, or a label with fewer than 15 examples.
    """
    labels = set(lexicon().labels) | {NEUTRAL}
    rows = load_jsonl("techniques_examples.jsonl")
    for n, r in enumerate(rows, 1):
        if r.get("label") not in labels or not str(r.get("text", "")).strip():
            raise DataError(f"data file 'techniques_examples.jsonl' line {n}: unknown label or empty text: {r!r}")
    counts = Counter(r["label"] for r in rows)
    thin = sorted(k for k, v in counts.items() if v < MIN_EXAMPLES)
    if thin:
        raise DataError(f"data file 'techniques_examples.jsonl': fewer than {MIN_EXAMPLES} examples for {thin}")
    return tuple((r["label"], r["text"]) for r in rows)
