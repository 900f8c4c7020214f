"""The figures extractor's language data (``data/figures.json``), loaded once and indexed.

Every word list the extractor uses lives in the data file; this module only turns
the lists into sets and lookup tables (multi-word entries become token tuples).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from counterclaim.records import APPROX, CATEGORIES
from counterclaim.resources import DataError, load_json

_REQUIRED = ("about", "number_words", "multipliers", "approximate_units", "vague_plurals", "vague_modifiers",
             "qualifiers", "post_qualifiers", "range_openers", "range_connectors", "subgroup_cues",
             "partitive_pronouns", "anaphoric_determiners", "not_count", "countable", "counted_modifiers",
             "subgroups", "transparent_nouns", "fate_nouns", "toll_verbs", "skip_verbs", "place_verbs",
             "categories", "raising_verbs", "status_verbs", "casualty_parts", "anaphoric_heads", "aside_openers", "victim_nouns", "harm_nouns", "scope")
_NOT_COUNT_KEYS = ("units", "id_nouns", "age_words", "currency_prefixes", "months", "year_prepositions",
                   "phone_prefixes", "date_entity_labels")
_CATEGORY_KEYS = ("kinds", "verbs", "subject_verbs", "adjectives", "nouns", "of_nouns")
KINDS = ("person", "object", "event")

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class CategoryCues:
    """What marks one category: verb phrases (lemmas), adjectives, nouns (lowercased text)."""

    name: str
    kinds: frozenset[str]
    verbs: tuple[Phrase, ...]  # patient is the object / passive subject: 'kill', 'take hostage'
    subject_verbs: tuple[Phrase, ...]  # patient is the subject: 'die', 'go missing', 'flee'
    adjectives: frozenset[str]
    nouns: frozenset[str]
    of_nouns: frozenset[str]  # 'the killing of 12 people', 'a population of 7,000'
    places: frozenset[str]  # 'in prison'
    fate_complements: frozenset[str]  # 'the fate of 150 of them is unknown'
    with_nouns: frozenset[str] = frozenset()  # '12 survivors with severe injuries'


@dataclass(frozen=True)
class ScopeCues:
    """Words that say what a figure's count covers (see :mod:`.scope`)."""

    rate_words: frozenset[str]  # 'daily', 'weekly'
    rate_determiners: frozenset[str]  # 'each', 'every', 'per', 'a' before a time unit
    rate_units: frozenset[str]  # 'day', 'week'
    cumulative_phrases: tuple[Phrase, ...]  # 'so far', 'to date', 'in total'
    since_heads: frozenset[str]  # 'since the start', 'since the outbreak'
    conflict_nouns: frozenset[str]  # 'war', 'conflict', 'unrest'
    period_prepositions: frozenset[str]  # 'in', 'during', 'throughout' + a conflict noun
    revision_verbs: frozenset[str]  # 'raise', 'rise', 'revise'


@dataclass(frozen=True)
class Lexicon:
    """Indexed language data for :mod:`counterclaim.extract.figures`."""

    number_words: dict[str, int]
    multipliers: dict[str, int]
    approximate_units: dict[str, int]
    vague_plurals: dict[str, tuple[int, int]]
    vague_modifiers: dict[Phrase, tuple[int, int]]
    qualifiers: dict[Phrase, str]  # token tuple before the number → approx
    qualifier_max: int
    post_qualifiers: dict[Phrase, str]
    range_openers: frozenset[str]
    range_connectors: frozenset[str]
    subgroup_cues: frozenset[Phrase]
    partitive_pronouns: frozenset[str]
    anaphoric_determiners: frozenset[str]
    units: frozenset[str]
    id_nouns: frozenset[str]
    age_words: frozenset[str]
    currency_prefixes: frozenset[str]
    months: frozenset[str]
    year_prepositions: frozenset[str]
    phone_prefixes: frozenset[str]
    date_labels: frozenset[str]
    kind_of_noun: dict[str, str]  # lowercased noun → person | object | event | noncount
    norp_suffixes: tuple[str, ...]
    counted_modifiers: frozenset[str]
    subgroups: tuple[Phrase, ...]  # longest first
    transparent_nouns: frozenset[str]
    fate_nouns: frozenset[str]
    toll_verbs: frozenset[str]
    skip_verbs: frozenset[str]
    place_verbs: frozenset[str]  # '12 remain in captivity', '55 people are held in prisons'
    raising_verbs: frozenset[str]  # 'are said to have died': the category is the complement's
    status_verbs: frozenset[str]  # 'are confirmed dead': the subject is the one the state is about
    casualty_parts: frozenset[str]  # categories that coordinated make 'casualties' (killed, injured)
    anaphoric_heads: frozenset[str]  # 'two dozen more', 'ten others': the number's head adds nothing
    aside_openers: frozenset[str]  # '(', '—', ':' opening a list of a figure's parts
    victim_nouns: frozenset[str]  # 'victims': harmed, the sentence says how
    harm_nouns: dict[str, frozenset[str]]  # category → nouns of the sentence that say how ('massacre')
    scope: ScopeCues
    categories: tuple[CategoryCues, ...]

    def category(self, name: str) -> CategoryCues:
        """The cues of category ``name``."""
        for cues in self.categories:
            if cues.name == name:
                return cues
        raise KeyError(name)


def _phrases(items: list[str]) -> tuple[Phrase, ...]:
    return tuple(tuple(item.lower().split()) for item in items)


def _category(name: str, raw: dict[str, Any]) -> CategoryCues:
    missing = [k for k in _CATEGORY_KEYS if k not in raw]
    if missing or name not in CATEGORIES:
        raise DataError(f"figures.json: category {name!r} must be one of {CATEGORIES} with keys {_CATEGORY_KEYS}; "
                        f"lacks {missing}")
    kinds = frozenset(raw["kinds"])
    if not kinds <= set(KINDS):
        raise DataError(f"figures.json: category {name!r} has kinds {sorted(kinds)}; allowed {KINDS}")
    return CategoryCues(
        name=name, kinds=kinds, verbs=_phrases(raw["verbs"]), subject_verbs=_phrases(raw["subject_verbs"]),
        adjectives=frozenset(raw["adjectives"]), nouns=frozenset(raw["nouns"]), of_nouns=frozenset(raw["of_nouns"]),
        places=frozenset(raw.get("places", ())), fate_complements=frozenset(raw.get("fate_complements", ())),
        with_nouns=frozenset(raw.get("with_nouns", ())),
    )


def _scope(raw: dict[str, Any]) -> ScopeCues:
    keys = ("rate_words", "rate_determiners", "rate_units", "cumulative_phrases", "since_heads", "conflict_nouns",
            "period_prepositions", "revision_verbs")
    if missing := [k for k in keys if k not in raw]:
        raise DataError(f"figures.json: 'scope' lacks keys {missing}; expected {list(keys)}")
    return ScopeCues(
        rate_words=frozenset(raw["rate_words"]), rate_determiners=frozenset(raw["rate_determiners"]),
        rate_units=frozenset(raw["rate_units"]), cumulative_phrases=_phrases(raw["cumulative_phrases"]),
        since_heads=frozenset(raw["since_heads"]), conflict_nouns=frozenset(raw["conflict_nouns"]),
        period_prepositions=frozenset(raw["period_prepositions"]), revision_verbs=frozenset(raw["revision_verbs"]),
    )


@cache
def lexicon() -> Lexicon:
    """The figures language data, validated and indexed (loaded once per process).

    Raises:
        DataError: when ``figures.json`` lacks a key or names an unknown approximation, category or kind.
    """
    data = load_json("figures.json", required=_REQUIRED)
    nc = data["not_count"]
    missing = [k for k in _NOT_COUNT_KEYS if k not in nc]
    if missing:
        raise DataError(f"figures.json: 'not_count' lacks keys {missing}; expected {list(_NOT_COUNT_KEYS)}")
    qualifiers: dict[Phrase, str] = {}
    for approx, items in data["qualifiers"].items():
        if approx not in APPROX:
            raise DataError(f"figures.json: qualifier group {approx!r} is not one of {APPROX}")
        qualifiers.update(dict.fromkeys(_phrases(items), approx))
    post = {tuple(k.split()): v for k, v in data["post_qualifiers"].items()}
    if bad := [v for v in post.values() if v not in APPROX]:
        raise DataError(f"figures.json: post_qualifiers use {bad}; allowed {APPROX}")
    kind_of_noun: dict[str, str] = {}
    for kind in KINDS:
        for noun in data["countable"][kind]:
            kind_of_noun.setdefault(noun.lower(), kind)
    for noun in data["countable"].get("never", ()):
        kind_of_noun[noun.lower()] = "noncount"  # 'countries', 'resolutions': counted, but not a figure
    return Lexicon(
        number_words={k: int(v) for k, v in data["number_words"].items()},
        multipliers={k: int(v) for k, v in data["multipliers"].items()},
        approximate_units={k: int(v) for k, v in data["approximate_units"].items()},
        vague_plurals={k: (int(v[0]), int(v[1])) for k, v in data["vague_plurals"].items()},
        vague_modifiers={tuple(k.split()): (int(v[0]), int(v[1])) for k, v in data["vague_modifiers"].items()},
        qualifiers=qualifiers,
        qualifier_max=max(len(k) for k in qualifiers),
        post_qualifiers=post,
        range_openers=frozenset(data["range_openers"]),
        range_connectors=frozenset(data["range_connectors"]),
        subgroup_cues=frozenset(_phrases(data["subgroup_cues"])),
        partitive_pronouns=frozenset(data["partitive_pronouns"]),
        anaphoric_determiners=frozenset(data["anaphoric_determiners"]),
        units=frozenset(nc["units"]),
        id_nouns=frozenset(nc["id_nouns"]),
        age_words=frozenset(nc["age_words"]),
        currency_prefixes=frozenset(nc["currency_prefixes"]),
        months=frozenset(nc["months"]),
        year_prepositions=frozenset(nc["year_prepositions"]),
        phone_prefixes=frozenset(nc["phone_prefixes"]),
        date_labels=frozenset(nc["date_entity_labels"]),
        kind_of_noun=kind_of_noun,
        norp_suffixes=tuple(data["countable"]["norp_suffixes"]),
        counted_modifiers=frozenset(data["counted_modifiers"]),
        subgroups=tuple(sorted(_phrases(data["subgroups"]), key=len, reverse=True)),
        transparent_nouns=frozenset(data["transparent_nouns"]),
        fate_nouns=frozenset(data["fate_nouns"]),
        toll_verbs=frozenset(data["toll_verbs"]),
        skip_verbs=frozenset(data["skip_verbs"]),
        place_verbs=frozenset(data["place_verbs"]),
        raising_verbs=frozenset(data["raising_verbs"]),
        status_verbs=frozenset(data["status_verbs"]),
        casualty_parts=frozenset(data["casualty_parts"]),
        anaphoric_heads=frozenset(data["anaphoric_heads"]),
        aside_openers=frozenset(data["aside_openers"]),
        victim_nouns=frozenset(data["victim_nouns"]),
        harm_nouns={k: frozenset(v) for k, v in data["harm_nouns"].items()},
        scope=_scope(data["scope"]),
        categories=tuple(_category(name, raw) for name, raw in data["categories"].items()),
    )
