"""What a claim denies, and whether it denies or affirms that people were harmed.

Cues are data (``relations.json``): ``denial_cues`` put a claim on the denying side ("rejected",
"fabricated", "no civilian", "accident"); the ``harm`` block says when a claim denies harm
("No civilian from the village lost their life", "No casualties", "among the dead there were only
terrorists"), rejects a report of harm ("rejected the claim of heavy casualties"), or affirms harm
("killed at least 40 civilians", a killed/injured figure) and whose harm it is (civilians, fighters,
people); the ``intent`` block says when a claim calls the harm an accident ("an unfortunate accident",
"stray bullets") and when one calls it deliberate ("carried out the slaughter", "arbitrarily executed").
Two claims of one incident, one denying the harm (or the intent) the other affirms, contradict each
other whatever entities each names; :mod:`counterclaim.link.contradictions` does the matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from counterclaim.link.corpus import TEXT_CACHE, data, phrase_pattern

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
NEGATED, ONLY, REJECTED = "negated", "only", "rejected"
DAMAGE = "damage"
AROUND = 5  # words either side of a harm word that say whose harm it is


@dataclass(frozen=True)
class HarmDenial:
    """A claim's denial of harm: how it denies (negated, only, rejected), whose harm, and the words."""

    kind: str
    scope: str  # 'civilians', 'fighters', 'anyone' or 'damage'
    cue: str


@cache
def _cues() -> re.Pattern[str]:
    return phrase_pattern(data()["denial_cues"])


@cache
def _refusal_objects() -> frozenset[str]:
    return frozenset(data()["refusal_objects"])


def refusal(text: str) -> bool:
    """The claim's only denial cues are deny or reject verbs refusing something ('denied requests by the team to
    access the village', 'rejected the appeal'): it refuses, it denies nothing another party says."""
    cues = list(_cues().finditer(text))
    if not cues:
        return False
    for m in cues:
        if not m.group(0).lower().startswith(("den", "reject")):
            return False
        if not _refusal_objects() & set(words(text[m.end():])[:3]):
            return False
    return True


@cache
def _agency() -> re.Pattern[str]:
    return phrase_pattern(data()["agency_words"])


def agency_denial(text: str) -> str | None:
    """The agency word of a denial of one's own part in the act ('deny their responsibility', 'denied any
    involvement'), or None."""
    if _cues().search(text) is None:
        return None
    m = _agency().search(text)
    return m.group(0).lower() if m else None


def denial_cue(text: str) -> str | None:
    """The denial or negation cues in ``text`` (lowercased, quoted, comma-joined), or None."""
    found = sorted({m.group(0).lower() for m in _cues().finditer(text)})
    return ", ".join(repr(c) for c in found[:3]) if found else None


@cache
def _harm() -> dict[str, Any]:
    h = data()["harm"]
    phrases = lambda key: tuple(sorted((tuple(w.split()) for w in h[key]), key=len, reverse=True))  # noqa: E731
    return {"words": phrases("words"), "negators": phrases("negators"), "persons": phrases("person_negators"),
            "groups": frozenset(h["group_words"]), "window": int(h["window"]), "only": frozenset(h["only_words"]),
            "civilian": frozenset(h["civilian_words"]), "fighter": frozenset(h["fighter_words"]),
            "damage": phrases("damage_words"), "rejecting": phrase_pattern(h["rejection_cues"]),
            "categories": frozenset(h["harm_categories"]), "damage_categories": frozenset(h["damage_categories"])}


def words(text: str) -> list[str]:
    """Lowercased words of ``text`` (apostrophes and hyphens kept inside a word)."""
    return _WORD.findall(text.lower())


def _at(toks: list[str], i: int, phrases: Iterable[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The longest of ``phrases`` starting at word ``i``."""
    for p in phrases:
        if tuple(toks[i:i + len(p)]) == p:
            return p
    return None


def _within(toks: list[str], lo: int, hi: int, key: str = "words") -> tuple[str, ...] | None:
    for j in range(max(lo, 0), min(hi, len(toks))):
        if (h := _at(toks, j, _harm()[key])) is not None:
            return h
    return None


def harm_words(text: str) -> bool:
    """Whether ``text`` speaks of people killed or hurt."""
    toks = words(text)
    return _within(toks, 0, len(toks)) is not None


def _scope(toks: list[str]) -> str:
    h = _harm()
    if h["civilian"].intersection(toks):
        return "civilians"
    return "fighters" if h["fighter"].intersection(toks) else "anyone"


@lru_cache(maxsize=TEXT_CACHE)  # copies of a claim repeat its text
def harm_denial(text: str, denying: bool) -> HarmDenial | None:
    """How ``text`` denies harm (or damage), if it does.

    Args:
        text: the claim.
        denying: whether the claim is on the denying side already (polarity ``deny`` or a denial cue);
            only then can it reject a report of harm ('rejected the claim of heavy casualties').
    """
    h = _harm()
    toks = words(text)
    win = h["window"]
    for i in range(len(toks)):
        if (neg := _at(toks, i, h["persons"])) is not None:
            if (hw := _within(toks, i + len(neg), i + len(neg) + win)) is not None:
                return HarmDenial(NEGATED, "anyone", f"{' '.join(neg)} ... {' '.join(hw)}")
        if (neg := _at(toks, i, h["negators"])) is not None:
            j = i + len(neg)
            if (hw := _at(toks, j, h["words"])) is not None:  # 'no casualties'
                return HarmDenial(NEGATED, "anyone", " ".join(neg + hw))
            k = j
            while k < len(toks) and k < j + 2 and toks[k] in h["groups"]:  # 'no civilian', 'not a single civilian'
                k += 1
            if k > j and (hw := _within(toks, k, k + win)) is not None:
                return HarmDenial(NEGATED, _scope(toks[j:k]), f"{' '.join(toks[i:k])} ... {' '.join(hw)}")
            if (dw := _at(toks, j, h["damage"])) is not None:  # 'no damage'
                return HarmDenial(NEGATED, DAMAGE, " ".join(neg + dw))
        if toks[i] in h["only"] and h["fighter"].intersection(toks[i + 1:i + 5]) and harm_words(text):
            end = next(k for k in range(i + 1, i + 5) if toks[k] in h["fighter"]) + 1
            return HarmDenial(ONLY, "civilians", " ".join(toks[i:end]))  # 'there were only terrorist fighters'
    if denying and (cue := h["rejecting"].search(text)) is not None:
        rest = words(text[cue.end():])  # what is rejected, not who rejects ('The rebel group has rejected ...')
        for j in range(len(rest)):
            if (hw := _at(rest, j, h["words"])) is not None:  # 'rejected the claim of heavy casualties'
                return HarmDenial(REJECTED, _victims(rest, j, len(hw)), f"{cue.group(0).lower()} ... {' '.join(hw)}")
        if (hw := _within(toks, 0, len(toks))) is not None:  # 'their claim of 350 dead is also false'
            return HarmDenial(REJECTED, _victims(toks, toks.index(hw[0]), len(hw)), f"{' '.join(hw)} ... {cue.group(0).lower()}")
    return None


def _victims(toks: list[str], at: int, n: int) -> str:
    """Whose harm the words around a harm word speak of, short of an agent ('500 people by foreign fighters')."""
    around = toks[max(0, at - AROUND):at + n + AROUND]
    if "by" in around[AROUND:]:
        around = around[:AROUND + around[AROUND:].index("by")]
    return _scope(around)


def counted_after(text: str) -> str:
    """Whose a number counts from the words right after it ('203 "terrorists"'), when the figure does not say."""
    scope = _scope(words(text)[:3])
    return "people" if scope == "anyone" else scope


def harm_affirmed(text: str, groups: Iterable[str] = (), categories: Iterable[str] = ()) -> frozenset[str]:
    """The harm ``text`` affirms: whose ('civilians', 'fighters' or 'people') and 'damage'; empty for none.

    ``groups`` and ``categories`` are the counted groups and categories of the claim's figures
    ('people' killed, 'houses' destroyed), which say it when given.
    """
    h = _harm()
    toks = words(text)
    scope = _scope(toks)
    groups, categories = list(groups), list(categories)
    harmed: set[str] = set()
    victims = [g for g, c in zip(groups, categories, strict=True) if c in h["categories"]]
    if victims:
        fighters = all(g in h["fighter"] or g == "fighters" for g in victims)
        harmed.add("fighters" if fighters else "civilians" if scope == "civilians" else "people")
    elif _within(toks, 0, len(toks)) is not None:
        harmed.add("people" if scope == "anyone" else scope)
    if h["damage_categories"].intersection(categories) or _within(toks, 0, len(toks), "damage") is not None:
        harmed.add(DAMAGE)
    return frozenset(harmed)


@cache
def _intent() -> tuple[re.Pattern[str], re.Pattern[str]]:
    i = data()["intent"]
    return phrase_pattern(i["denials"]), phrase_pattern(i["affirmations"])


def intent_denial(text: str) -> str | None:
    """The words calling the harm an accident ('an unfortunate accident', 'stray bullets'), or None."""
    m = _intent()[0].search(text)
    return m.group(0).lower() if m else None


def intent_affirmed(text: str) -> str | None:
    """The words calling the harm deliberate ('deliberately killing', 'the slaughter', 'executed'), or None."""
    m = _intent()[1].search(text)
    return m.group(0).lower() if m else None


def harm_categories() -> frozenset[str]:
    """Figure categories that count harmed people or damage (killed, injured, casualties, destroyed)."""
    return _harm()["categories"] | _harm()["damage_categories"]


def contradicts_harm(denial: HarmDenial, affirmed: frozenset[str]) -> bool:
    """Whether a denial of harm and an affirmation of harm (:func:`harm_affirmed`) contradict."""
    if denial.scope == DAMAGE:
        return DAMAGE in affirmed
    people = affirmed - {DAMAGE}
    if denial.scope == "anyone":
        return bool(people)
    if denial.scope == "civilians":
        return bool(people & {"civilians", "people"})
    return denial.scope in people


def same_group(denial: HarmDenial, affirmed: frozenset[str]) -> bool:
    """The denial names whose harm it denies (civilians, fighters) and the affirmation names the same."""
    return denial.scope in ("civilians", "fighters") and denial.scope in affirmed
