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

from counterclaim.records import AttributionRecord, EntityRecord, MentionRecord
from counterclaim.resources import load_json

SPEAKER_TYPES = ("PERSON", "ORG")


@cache
def reporting_verbs() -> frozenset[str]:
    return frozenset(load_json("reporting_verbs.json", required=("verbs",))["verbs"])


_SIGNOFF = re.compile(r"[\s*_]*[-—–][\s*_]*(?:[A-Z][a-z]{0,5}\.\s+)*")
_SOURCE_LINE = re.compile(r"[\s*_]*(?:Source|Issued by|From)[\s*_]*:[\s*_]*(?:the\s+)?")
_STRONG = ("signs the text", "headline", "gave the interview", "heading 'statement by", "source line")


@cache
def asserter_data() -> dict:
    """The asserter's cue words (``attributions.json``)."""
    return load_json("attributions.json", required=("issued_by_cues", "balanced_min_speakers",
                                                    "balanced_max_share", "spokesman_words"))


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
    data = asserter_data()
    for m in speakers:
        line = re.sub(r"[*_\s]+", " ", _line_of(text, m.start, m.end)).strip()
        if m.start >= tail_start and line == re.sub(r"\s+", " ", m.text) and types[m.entity] == "PERSON":
            add(m.entity, 4, f"signs the text ({m.text!r})")
        elif m.start >= tail_start and types[m.entity] == "PERSON" and _SIGNOFF.fullmatch(
                text, text.rfind("\n", 0, m.start) + 1, m.start) and text[m.end:m.end + 1] in (",", "\n", ""):
            add(m.entity, 4, f"signs the text ('- {m.text}, ...')")  # '- Capt. Bill Urban, USN, Spokesman'
        before = text[max(0, m.start - 40):m.start].lower()
        if m.start < 400 and any(before.endswith(c) for c in data["issued_by_cues"]):
            add(m.entity, 5, f"heading 'statement by {m.text}'")
        if m.start >= tail_start and _SOURCE_LINE.fullmatch(text, text.rfind("\n", 0, m.start) + 1, m.start):
            add(m.entity, 5, f"source line ({m.text!r})")
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


def refine_asserter(asserter: str | None, why: str, attributions: list[AttributionRecord],
                    entities: list[EntityRecord], outlet: str | None) -> tuple[str | None, str]:
    """The asserter again, knowing whom the document quotes (the conventions of the dev set's gold).

    - a transcript: the speaker its first speaker introduces (the briefer), else whoever speaks longest;
    - a wire story that balances several parties, none quoted in more than
      ``balanced_max_share`` of its attributions and none the subject of its
      lead: the outlet;
    - an organisation that is the subject of the lead gives way to its spokesman
      when he is the person the document quotes most ('government spokesman X');
    - otherwise, unless a strong cue (signature, heading, source line,
      interview) or the lead sentence named it: the party the document quotes
      most when it is quoted at least twice and more than the first guess.
    """
    data = asserter_data()
    types = {e.id: e.type for e in entities}
    turns: Counter[str] = Counter()
    first = None
    for a in attributions:
        if a.rule.startswith("transcript") and a.speaker:
            turns[a.speaker] += a.content.end - a.content.start
            first = first or a
    if turns and first is not None:
        names = {e.id: (e.name, *e.aliases) for e in entities}
        guest = next((k for k in turns if k != first.speaker and any(
            n in first.content.text for n in names.get(k, ()) if len(n) > 2)), None)
        if guest is not None:  # the moderator opens by introducing the briefer
            return guest, "introduced by the transcript's first speaker"
        best = max(turns, key=lambda k: turns[k])
        return best, f"speaks longest in the transcript ({turns[best]} characters)"
    strong = any(why.startswith(s) or f"; {s}" in why for s in _STRONG)
    lead = "subject of the lead sentence" in why
    top = [a for a in attributions if a.speaker_span is not None or a.speaker is not None]
    top = [a for a in top if "inside" not in a.rule and "continues" not in a.rule]
    counts: Counter[str] = Counter(a.speaker or f"?{a.speaker_span.text.lower() if a.speaker_span else ''}"
                                   for a in top)
    if outlet and not strong and not lead and counts:
        key = next((e.id for e in entities if outlet.casefold() in (n.casefold() for n in (e.name, *e.aliases))),
                   None)
        share = max(counts.values()) / sum(counts.values())
        if key is not None and len(counts) >= int(data["balanced_min_speakers"]) and share <= float(
                data["balanced_max_share"]):
            return key, f"the outlet: the story balances {len(counts)} sources (top share {share:.0%})"
    named = Counter({k: v for k, v in counts.items() if types.get(k) in SPEAKER_TYPES})
    if lead and not strong and types.get(asserter) == "ORG":
        voice = _spokesman(asserter, named, entities, top)
        if voice is not None:
            return voice, "quoted most, the spokesman of the lead's subject"
    if strong or lead:
        return asserter, why
    if named:
        best, n = max(named.items(), key=lambda kv: (kv[1], types.get(kv[0]) == "PERSON"))
        if n >= 2 and n > named.get(asserter or "", 0) and best != asserter:
            return best, f"quoted most ({n} attributions)"
    return asserter, why


def _spokesman(org: str | None, named: Counter[str], entities: list[EntityRecord],
               attributions: list[AttributionRecord]) -> str | None:
    """The person quoted most (twice at least) whose role, as the text gives it where he speaks, is the
    organisation's spokesman ('government spokesman X' for 'Niger's military government')."""
    by_id = {e.id: e for e in entities}
    e = by_id.get(org or "")
    if e is None:
        return None
    words = {_word(w) for n in (e.name, *e.aliases) for w in n.split() if len(w) > 3}
    voices = set(asserter_data()["spokesman_words"])
    for k, n in named.most_common():
        p = by_id.get(k)
        if n < 2 or p is None or p.type != "PERSON":
            continue
        said = [_word(w) for t in (*p.roles, *(a.speaker_span.text for a in attributions
                                              if a.speaker == k and a.speaker_span is not None)) for w in t.split()]
        return k if voices & set(said) and words & set(said) else None
    return None


def _word(w: str) -> str:
    w = w.lower()
    return w[:-2] if w.endswith(("'s", "’s")) else w


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
