"""Who speaks for a document: the signatory of a statement, the person
interviewed, the office or official an article reports on.

A pure function over the parsed Doc and the document's mentions: each
candidate (a person or organisation) gains points from weighed cues, and the
best one wins with its reasons kept for the ledger's ``why``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.records import EntityRecord, MentionRecord
from counterclaim.resources import load_json

SPEAKER_TYPES = ("PERSON", "ORG")


@cache
def reporting_verbs() -> frozenset[str]:
    return frozenset(load_json("reporting_verbs.json", required=("verbs",))["verbs"])


def _line_of(text: str, start: int, end: int) -> str:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return text[ls: le if le >= 0 else len(text)]


def find_asserter(doc: Doc, entities: list[EntityRecord], mentions: list[MentionRecord],
                  doc_type: str | None, outlet: str | None = None) -> tuple[str | None, str]:
    """The entity id that speaks for the document, and why (or ``(None, '')``).

    The outlet that carries a story ('Trend reports ...') relays it and is never its asserter.
    """
    types = {e.id: e.type for e in entities}
    if outlet:
        folded = outlet.casefold()
        for e in entities:
            if any(folded == n.casefold() for n in (e.name, *e.aliases)):
                types.pop(e.id, None)
    speakers = [m for m in mentions if types.get(m.entity) in SPEAKER_TYPES]
    if not speakers:
        return None, ""
    text = doc.text
    score: Counter[str] = Counter()
    why: dict[str, list[str]] = defaultdict(list)

    def add(key: str, points: int, reason: str) -> None:
        score[key] += points
        if reason not in why[key]:
            why[key].append(reason)

    tail_start = max(0, len(text) - 1500)
    for m in speakers:
        line = re.sub(r"[*_\s]+", " ", _line_of(text, m.start, m.end)).strip()
        if m.start >= tail_start and line == re.sub(r"\s+", " ", m.text) and types[m.entity] == "PERSON":
            add(m.entity, 4, f"signs the text ({m.text!r})")
        if m.start < 300 and re.match(r":\s", text[m.end:m.end + 2]):
            add(m.entity, 4, f"headline '{m.text}: ...'")
        if re.match(r"[^.\n]{0,40}\bin an interview\b", text[m.end:m.end + 80]):
            add(m.entity, 3, "gave the interview")

    by_token: dict[int, str] = {}
    for m in speakers:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                by_token[t.i] = m.entity
    verbs = reporting_verbs()
    counted: Counter[str] = Counter()
    for tok in doc:
        if tok.lemma_ in verbs and tok.pos_ in ("VERB", "AUX"):
            for child in tok.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i in by_token:
                    key = by_token[child.i]
                    if counted[key] < 4:
                        counted[key] += 1
                        add(key, 1, f"subject of '{tok.text}'")
    lead = next((s for s in doc.sents if len(s.text.strip()) > 40), None)
    if lead is not None:
        subj = next((t for t in lead.root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            key = next((by_token[t.i] for t in subj.subtree if t.i in by_token), None)
            if key is not None:
                add(key, 2, "subject of the lead sentence")
    if not score:
        return None, ""
    first_seen = {}
    for m in speakers:
        first_seen.setdefault(m.entity, m.start)
    best = max(score, key=lambda k: (score[k], -first_seen.get(k, 0)))
    return best, f"{'; '.join(why[best])} (score {score[best]})"


class Asserter:
    """Pipeline component: ``doc._.cc_asserter`` (entity id or None) and ``doc._.cc_asserter_why``.

    Reads the entities stage's records and the document type and outlet from
    ``doc.user_data`` (set by the caller; absent means unknown).
    """

    def __call__(self, doc: Doc) -> Doc:
        doc._.cc_asserter, doc._.cc_asserter_why = find_asserter(
            doc, doc._.cc_entities or [], doc._.cc_mentions or [], doc.user_data.get("doc_type"),
            doc.user_data.get("outlet"))
        return doc


for _name in ("cc_asserter", "cc_asserter_why"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("counterclaim_asserter_v1")
def make_asserter(nlp: Language, name: str) -> Asserter:
    return Asserter()
