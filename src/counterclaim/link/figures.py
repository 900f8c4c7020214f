"""Figures compared within an incident: ``figure_consistent`` and ``figure_mismatch``.

Two figures are compared only when they belong to the same incident and count the same thing
in the same way: category, subgroup, counted group ('civilians' ~ 'people') and scope (an
incident toll, a cumulative toll of a war, a rate, a historical figure). Ranges that overlap
are consistent; the others are a mismatch with the gap in the evidence, unless the later one
comes from the same source (then it is that source's revision, a ``figure_revision``).
Categories that span a war rather than one event (missing persons, ``conflict_level_categories``)
are compared across incidents, only when close in value, sharing actors and similar in words.
Candidates come from blocks (incident, category, subgroup, group, scope), never from all pairs,
and copies of one figure (the same value in the same words) are compared once, through their
representative.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import cache
from itertools import combinations
from typing import Any

from counterclaim.link.corpus import Corpus, Qty, cosines, data, phrase_pattern, touches
from counterclaim.records import RelationRecord, describe_figure, format_number

CONFLICT_CLOSE = 0.75  # conflict-level figures: the smaller at least this share of the larger
CONFLICT_COS = 0.6  # and their sentences this similar
MAX_BLOCK = 60  # distinct figures per block compared pairwise; beyond this only neighbours in value order


def interval(q: dict[str, Any]) -> tuple[float, float]:
    """The range a figure stands for: exact is a point, 'about' +-10 %, at_least/at_most open on one side."""
    v = float(q["value"])
    lo, hi = q.get("low"), q.get("high")
    approx = q.get("approx") or "exact"
    if approx == "about":
        return float(lo if lo is not None else v * 0.9), float(hi if hi is not None else v * 1.1)
    if approx == "at_least":
        return v, float(hi if hi is not None else math.inf)
    if approx == "at_most":
        return float(lo if lo is not None else 0.0), v
    return float(lo if lo is not None else v), float(hi if hi is not None else v)


def show(q: dict[str, Any]) -> str:
    """The figure as its source wrote it ('at least 50', 'hundreds'), never an invented point value."""
    return f"'{describe_figure(q)}'"


@cache
def _cumulative() -> re.Pattern[str]:
    return phrase_pattern(data()["cumulative_cues"])


@cache
def _rate() -> re.Pattern[str]:
    return phrase_pattern(data()["rate_cues"])


def scope(q: Qty) -> str:
    """The figure's scope: incident, cumulative, rate or historical.

    The extractor's ``scope`` decides rate and historical; a cumulative toll needs the cue words of
    ``cumulative_cues`` in its clause too ('have died', 'since'), so that a toll merely set
    'during fighting' stays the incident's.
    """
    given = str(q.row.get("scope") or "")
    if given in ("rate", "historical"):
        return given
    if _rate().search(q.text):
        return "rate"
    return "cumulative" if _cumulative().search(q.text) else "incident"


def subgroup(q: Qty) -> str:
    """The subgroup, or the counted noun when it names one ('four children' counts children)."""
    if q.row.get("subgroup"):
        return str(q.row["subgroup"]).lower()
    if q.row.get("parent"):
        return "part"  # a part of a larger figure with no named subgroup: compared only with other such parts
    counted = (q.row.get("counted") or "").lower()
    for words in data().get("subgroup_nouns", {}).values():
        if counted in words:
            return counted
    return ""


def _group(q: Qty) -> str:
    """Counted groups that name no kind of person ('others', 'members', none) count people."""
    return "people" if q.group in data().get("people_like", ()) else q.group


def _dup_key(q: Qty) -> tuple[Any, ...]:
    return (re.sub(r"\W+", " ", q.text.lower()).strip(), float(q.row["value"]), q.row.get("approx"))


def figure_blocks(corpus: Corpus, assign: dict[str, str], reps: dict[str, str]) -> dict[tuple[str, ...], list[Qty]]:
    """Blocks of comparable figures: (incident or 'conflict', category, subgroup, group, scope)."""
    blocks: dict[tuple[str, ...], list[Qty]] = defaultdict(list)
    for q in corpus.qtys:
        if (key := block_key(q, assign)) is not None and q.row["id"] not in reps:  # a copy: its representative
            blocks[key].append(q)
    return blocks


def block_key(q: Qty, assign: dict[str, str]) -> tuple[str, ...] | None:
    """The figure's block, or None (a figure of no category, or of no incident)."""
    cat = q.row.get("category") or "other"
    if cat == "other":
        return None
    inc = assign.get(q.row["id"])
    if cat in data()["conflict_level_categories"]:
        inc = "conflict"  # missing-person tallies span a war, not one incident
    if inc is None:
        return None
    scp = "conflict" if inc == "conflict" else scope(q)  # a war's tally: 'since the war' or 'during it'
    return (inc, cat, subgroup(q), _group(q), scp)


def figure_relations(corpus: Corpus, assign: dict[str, str], new_docs: set[str] | None,
                     reps: dict[str, str]) -> list[RelationRecord]:
    """Figure links between representatives of different documents within each incident."""
    out: list[RelationRecord] = []
    for key, items in sorted(figure_blocks(corpus, assign, reps).items()):
        out.extend(block_relations(corpus, key, items, new_docs))
    return out


def block_relations(corpus: Corpus, key: tuple[str, ...], items: list[Qty], new_docs: set[str] | None
                    ) -> list[RelationRecord]:
    """The relations within one block (every pair when small, else neighbours in value order)."""
    out: list[RelationRecord] = []
    items = sorted(items, key=lambda q: (float(q.row["value"]), q.row["id"]))
    pairs = combinations(items, 2) if len(items) <= MAX_BLOCK else zip(items, items[1:])
    for qa, qb in pairs:
        if qa.doc == qb.doc or not touches(new_docs, qa.doc, qb.doc):
            continue
        if key[0] == "conflict" and not _same_context(corpus, qa, qb):
            continue
        rel = _compare(corpus, qa, qb, key)
        if rel is not None:
            out.append(rel)
    return out


def _compare(corpus: Corpus, qa: Qty, qb: Qty, key: tuple[str, ...]) -> RelationRecord | None:
    ra, rb = qa.row, qb.row
    x, _y = corpus.order(ra["id"], rb["id"], qa.doc, qb.doc)
    if x != ra["id"]:
        qa, qb, ra, rb = qb, qa, rb, ra
    (la, ha), (lb, hb) = interval(ra), interval(rb)
    overlap = la <= hb and lb <= ha
    va, vb = float(ra["value"]), float(rb["value"])
    close = min(va, vb) / max(va, vb) if max(va, vb) > 0 else 1.0
    inc, cat, sub, group, scp = key
    counted = f"{ra.get('counted')}~{rb.get('counted')}" if ra.get("counted") != rb.get("counted") \
        else str(ra.get("counted"))
    base = (f"{cat} {counted}" + (f" ({sub})" if sub else "") + f", {scp} scope: {show(ra)} vs {show(rb)}"
            f"; incident {inc}")
    src_a, src_b = _source(corpus, qa), _source(corpus, qb)
    if overlap:
        score = 0.85 * (0.8 + 0.2 * close)
        return RelationRecord("figure_consistent", ra["id"], rb["id"], round(min(score, 1.0), 3),
                              f"figure_consistent: {base}: ranges overlap")
    gap = max(lb - ha, la - hb)
    if src_a and src_a == src_b and corpus.published(qa.doc) != corpus.published(qb.doc):
        return RelationRecord("figure_revision", ra["id"], rb["id"], 0.8,
                              f"figure_revision: {base}: the same source ({src_a}) revised its figure by "
                              f"{format_number(gap)}")
    return RelationRecord("figure_mismatch", ra["id"], rb["id"], 0.85,
                          f"figure_mismatch: {base}: no overlap, gap {format_number(gap)}")


def _same_context(corpus: Corpus, qa: Qty, qb: Qty) -> bool:
    """Conflict-level figures (no incident) count the same thing: close values, shared actors, similar words."""
    (la, ha), (lb, hb) = interval(qa.row), interval(qb.row)
    va, vb = float(qa.row["value"]), float(qb.row["value"])
    if not (la <= hb and lb <= ha) or min(va, vb) < CONFLICT_CLOSE * max(va, vb) or not qa.context & qb.context:
        return False
    return cosines([("a", "b")], {"a": qa.text, "b": qb.text}, corpus.vectors)[("a", "b")] >= CONFLICT_COS


def _source(corpus: Corpus, q: Qty) -> str | None:
    cl = corpus.claims.get(q.claim or "")
    return (cl.asserter if cl else None) or corpus.doc_asserter(q.doc)


def duplicate_key(q: Qty) -> tuple[Any, ...] | None:
    """Figures with the same key in several documents are copies of one figure (None: never a copy)."""
    return _dup_key(q) if (q.row.get("category") or "other") != "other" else None


def duplicate_record(rep: str, copy: str) -> RelationRecord:
    return RelationRecord("figure_consistent", rep, copy, 1.0,
                          f"figure_consistent: duplicate of {rep} (the same value in the same words)")


def duplicate_figures(corpus: Corpus) -> dict[str, str]:
    """Copy -> representative for figures stated in the same words with the same value in several documents."""
    groups: dict[tuple[Any, ...], list[Qty]] = defaultdict(list)
    for q in corpus.qtys:
        if (key := duplicate_key(q)) is not None:
            groups[key].append(q)
    reps: dict[str, str] = {}
    for items in groups.values():
        if len({q.doc for q in items}) < 2:
            continue
        items.sort(key=lambda q: (corpus.published(q.doc), q.row["id"]))
        for q in items[1:]:
            if q.doc != items[0].doc:
                reps[q.row["id"]] = items[0].row["id"]
    return reps
