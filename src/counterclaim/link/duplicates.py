"""Duplicates and paraphrases of claims.

Near-identical claims across documents (wire copies, reposts: the same words once case,
punctuation and spacing are set aside) form one cluster linked to a representative (the
earliest published, then the smallest id) by ``same_claim``; every other stage compares the
representative only, so relations grow linearly with the number of copies. Distinct claims of
one incident that say the same thing (sentence-embedding cosine) are ``same_claim`` or
``supports``, at most ``TOP`` per claim.
"""

from __future__ import annotations

import re
from collections import defaultdict

from counterclaim.link.corpus import Claim, Corpus, cosines, touches
from counterclaim.records import RelationRecord

SAME_CLAIM_COS = 0.88
SUPPORTS_COS = 0.75
TOP = 3
MAX_BLOCK = 200  # claims of one incident and polarity compared pairwise; larger blocks are left out


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def duplicate_key(cl: Claim) -> str | None:
    """Claims with the same key in several documents are copies of one claim (None: too short to be a copy)."""
    return _key(cl.text) if len(cl.text) >= 40 else None  # a short phrase ('he said') is not a copy of a story


def duplicate_record(rep: str, copy: str) -> RelationRecord:
    return RelationRecord("same_claim", rep, copy, 1.0,
                          f"same_claim: duplicate of {rep} (the same words); representative of its cluster")


def duplicate_claims(corpus: Corpus) -> dict[str, str]:
    """Copy claim id -> representative claim id (claims in at least two documents with the same words)."""
    groups: dict[str, list[Claim]] = defaultdict(list)
    for cl in corpus.claims.values():
        if (key := duplicate_key(cl)) is not None:
            groups[key].append(cl)
    reps: dict[str, str] = {}
    for items in groups.values():
        items.sort(key=lambda c: (corpus.published(c.doc), c.id))
        for c in items[1:]:
            if c.doc != items[0].doc:
                reps[c.id] = items[0].id
    return reps


def duplicate_relations(corpus: Corpus, reps: dict[str, str], new_docs: set[str] | None) -> list[RelationRecord]:
    out = []
    for copy, rep in sorted(reps.items()):
        if touches(new_docs, corpus.claims[copy].doc, corpus.claims[rep].doc):
            out.append(duplicate_record(rep, copy))
    return out


def paraphrase_relations(corpus: Corpus, assign: dict[str, str], reps: dict[str, str],
                         new_docs: set[str] | None) -> list[RelationRecord]:
    """``same_claim`` / ``supports`` between representatives of one incident and polarity."""
    blocks: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for cl in corpus.claims.values():
        if cl.id not in reps and cl.id in assign:
            blocks[(assign[cl.id], cl.polarity)].append(cl)
    pairs = []
    for _key_, items in sorted(blocks.items()):
        if len(items) > MAX_BLOCK:
            continue
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if a.doc != b.doc and touches(new_docs, a.doc, b.doc):
                    pairs.append((a, b))
    cos = cosines([(a.id, b.id) for a, b in pairs], {c.id: c.text for p in pairs for c in p}, corpus.vectors)
    best: dict[str, list[tuple[float, str, str, str]]] = defaultdict(list)
    for a, b in pairs:
        c = cos[(a.id, b.id)]
        shared = (a.terms & b.terms) | corpus.specific(a.context & b.context) | (a.context & b.context)
        if c < SUPPORTS_COS or not shared:
            continue
        rtype = "same_claim" if c >= SAME_CLAIM_COS else "supports"
        x, y = corpus.order(a.id, b.id, a.doc, b.doc)
        why = (f"{rtype}: cosine {c:.2f} (>= {SAME_CLAIM_COS if rtype == 'same_claim' else SUPPORTS_COS}), both "
               f"{a.polarity}; incident {assign[a.id]}; shared " + ", ".join(sorted(shared)[:4]))
        best[a.id].append((c, rtype, x, y + "\t" + why))
    out: dict[tuple[str, str, str], RelationRecord] = {}
    for found in best.values():
        for c, rtype, x, rest in sorted(found, key=lambda f: (-f[0], f[2], f[3]))[:TOP]:
            y, why = rest.split("\t", 1)
            out[(rtype, x, y)] = RelationRecord(rtype, x, y, round(c, 3), why)
    return [out[k] for k in sorted(out)]
