"""The gazetteer: countries, regions, organisations and events with every known name.

Data: ``data/gazetteer.jsonl`` (one entity a line: key, name, type, aliases,
optional contested/ambiguous/of), ``data/gazetteer_ambiguous.json`` (short forms
shared by several entities, which are never resolved by the gazetteer alone),
and the ``events`` list of ``data/entities.json``.

A name opened by another entry's name holds with that entry's other names too: 'UN human
rights office' is also 'United Nations human rights office' and 'U.N. human rights office'
(:func:`parent_variants`), without the list spelling every combination.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from counterclaim.resources import load_json, load_jsonl, slug


PARENT_TYPES = ("ORG", "GPE")  # bodies and countries whose names open the names of their parts
MAX_PARENT_WORDS = 4
MIN_CHILDREN = 3  # a name opening this many other entries' names is a parent's


@dataclass(frozen=True)
class GazEntry:
    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    ambiguous: bool = False
    contested: bool = False
    of: str | None = None  # a people's country ('NORP:turks' → 'GPE:turkey')


class Gazetteer:
    """Surface form → entry lookups, case-sensitive with a case-insensitive fallback."""

    def __init__(self, entries: list[GazEntry], ambiguous_forms: set[str]) -> None:
        self.entries = {e.key: e for e in entries}
        self.ambiguous_forms = ambiguous_forms
        self._exact: dict[str, GazEntry] = {}
        self._folded: dict[str, GazEntry | None] = {}
        for e in entries:
            for form in (e.name, *e.aliases):
                if form not in ambiguous_forms:
                    self._add(form, e)
        # Derived spellings come after every listed form and never displace one.
        self.variants: dict[str, tuple[str, ...]] = {}
        for key, forms in parent_variants(entries, ambiguous_forms).items():
            new = tuple(f for f in forms if f not in self._exact and f.casefold() not in self._folded)
            for form in new:
                self._add(form, self.entries[key])
            if new:
                self.variants[key] = new

    def _add(self, form: str, e: GazEntry) -> None:
        self._exact.setdefault(form, e)
        folded = form.casefold()
        if folded in self._folded and self._folded[folded] is not e:
            self._folded[folded] = None  # two entries fold together: refuse
        else:
            self._folded[folded] = e

    def lookup(self, surface: str) -> GazEntry | None:
        """The entry a surface form names, or None (unknown or ambiguous)."""
        surface = surface.strip()
        for candidate in (surface, _strip_the(surface)):
            if candidate in self._exact:
                return self._exact[candidate]
        for candidate in (surface, _strip_the(surface)):
            hit = self._folded.get(candidate.casefold())
            if hit is not None:
                return hit
        return None

    def ruler_patterns(self) -> list[dict[str, str]]:
        """EntityRuler phrase patterns for every unambiguous form of every entry."""
        labels = {"WORK": "WORK_OF_ART"}
        out = []
        for e in self.entries.values():
            if e.ambiguous:
                continue
            for form in sorted({e.name, *e.aliases, *self.variants.get(e.key, ())}):
                if form not in self.ambiguous_forms and len(form) > 1:
                    out.append({"label": labels.get(e.type, e.type), "pattern": form, "id": e.key})
        return out


def parent_variants(entries: Iterable[GazEntry], ambiguous_forms: set[str]) -> dict[str, tuple[str, ...]]:
    """Spellings of each organisation's names with an opening parent name swapped for the parent's other names.

    'UN human rights office' opens with 'UN', a name of the United Nations, so 'United Nations human
    rights office' and 'U.N. human rights office' name the same office; 'US Central Command' gives
    'United States Central Command'. A parent is an ORG or GPE entry one of whose names opens the
    names of at least ``MIN_CHILDREN`` other entries (an umbrella body or a country, not 'Security
    Council' in 'Security Council of Russia'); only whole words are swapped, names of at least two
    letters, and the rest must start a name of its own (not 'of', 'for', 'and').
    """
    entries = list(entries)
    joiners = set(load_json("entities.json", required=("name_joiners",))["name_joiners"])
    owners: dict[str, GazEntry] = {}
    for p in entries:
        if p.type in PARENT_TYPES and not p.ambiguous:
            for form in (p.name, *p.aliases):
                if len(form) >= 2 and form not in ambiguous_forms and len(form.split()) <= MAX_PARENT_WORDS:
                    owners.setdefault(form, p)

    def openings(e: GazEntry) -> Iterable[tuple[GazEntry, str]]:
        for form in sorted({e.name, *e.aliases}):
            words = form.split()
            for n in range(1, min(MAX_PARENT_WORDS, len(words) - 1) + 1):
                parent = owners.get(" ".join(words[:n]))
                if parent is not None and parent.key != e.key and words[n].casefold() not in joiners:
                    yield parent, " ".join(words[:n])

    children: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.type == "ORG" and not e.ambiguous:
            for _parent, prefix in openings(e):
                children[prefix].add(e.key)
    out: dict[str, tuple[str, ...]] = {}
    for e in entries:
        if e.type != "ORG" or e.ambiguous:
            continue
        own = {e.name, *e.aliases}
        found: list[str] = []
        for parent, prefix in openings(e):
            if len(children[prefix]) < MIN_CHILDREN:
                continue
            for form in sorted(f for f in own if f.startswith(prefix + " ")):
                rest = form[len(prefix) + 1:]
                found += [f"{alt} {rest}" for alt in (parent.name, *parent.aliases)
                          if len(alt) >= 2 and alt not in ambiguous_forms and f"{alt} {rest}" not in own]
        if found:
            out[e.key] = tuple(dict.fromkeys(found))
    return out


def _strip_the(text: str) -> str:
    return text[4:] if text[:4] in ("the ", "The ") else text


@cache
def load_gazetteer() -> Gazetteer:
    """The bundled gazetteer plus the known events, loaded once per process."""
    entries = [
        GazEntry(
            key=row["key"],
            name=row["name"],
            type=row["type"],
            aliases=tuple(row.get("aliases", ())),
            ambiguous=bool(row.get("ambiguous", False)),
            contested=bool(row.get("contested", False)),
            of=row.get("of"),
        )
        for row in load_jsonl("gazetteer.jsonl")
    ]
    for ev in load_json("entities.json", required=("events",))["events"]:
        entries.append(GazEntry(key=f"EVENT:{slug(ev['name'])}", name=ev["name"], type="EVENT",
                                aliases=tuple(ev["aliases"])))
    ambiguous = {k for k in load_json("gazetteer_ambiguous.json") if k != "about"}
    return Gazetteer(entries, ambiguous)
