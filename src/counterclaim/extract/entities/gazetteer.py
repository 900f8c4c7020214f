"""The gazetteer: countries, regions, organisations and events with every known name.

Data: ``data/gazetteer.jsonl`` (one entity a line: key, name, type, aliases,
optional contested/ambiguous/of), ``data/gazetteer_ambiguous.json`` (short forms
shared by several entities, which are never resolved by the gazetteer alone),
and the ``events`` list of ``data/entities.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from counterclaim.resources import load_json, load_jsonl, slug


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
                if form in ambiguous_forms:
                    continue
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
            for form in sorted({e.name, *e.aliases}):
                if form not in self.ambiguous_forms and len(form) > 1:
                    out.append({"label": labels.get(e.type, e.type), "pattern": form, "id": e.key})
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
