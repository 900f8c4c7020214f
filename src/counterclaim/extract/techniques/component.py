"""``counterclaim_techniques_v1``: persuasion techniques with their reasons and speakers.

Reads ``doc._.cc_attributions``, ``doc._.cc_asserter`` and ``doc._.cc_claims`` (missing
stages count as empty) and sets ``doc._.cc_techniques``. Rules (lexicons and Matcher
patterns) run first; a sentence no rule flagged falls back to the nearest labelled
example sentence (:mod:`.neighbours`) when it carries a claim. The claims stage has
encoded those sentences for the check-worthiness model already, so the neighbours add
no encoding (without the claims stage, every sentence is a candidate). Overlapping
flags of one label are merged. A technique inside an attribution's content belongs to
its speaker (the innermost one), any other to the document's asserter.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.extract.claims.rules import units
from counterclaim.extract.techniques.lexicon import lexicon
from counterclaim.extract.techniques.neighbours import nearest
from counterclaim.link.embed import doc_memo
from counterclaim.extract.techniques.rules import Hit, Matchers, rule_hits
from counterclaim.records import AttributionRecord, TechniqueRecord, span_fields

for _name in ("cc_techniques", "cc_attributions", "cc_asserter", "cc_claims"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def merge_hits(hits: list[Hit]) -> list[Hit]:
    """One hit per label and overlapping stretch: the union span, the best score, the reasons joined."""
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.label, h.start, -h.end)):
        last = out[-1] if out else None
        if last is not None and last.label == h.label and h.start < last.end:
            whys = last.why if h.why in last.why else f"{last.why}; {h.why}"
            out[-1] = Hit(last.start, max(last.end, h.end), h.label, max(last.score, h.score), whys,
                          last.rule if last.score >= h.score else h.rule, last.key)
        else:
            out.append(h)
    return sorted(out, key=lambda h: (h.start, h.end, h.label))


def speaker_of(start: int, end: int, attributions: list[AttributionRecord], asserter: str | None) -> str | None:
    """Whose words ``[start, end)`` are: the innermost attribution whose content holds it, else the asserter."""
    holding = [a for a in attributions if a.content.start <= start and end <= a.content.end and a.speaker]
    if not holding:
        return asserter
    return min(holding, key=lambda a: a.content.end - a.content.start).speaker


def extract_techniques(doc: Doc, matchers: Matchers, attributions: list[AttributionRecord],
                       asserter: str | None, *, neighbours: bool = True) -> list[TechniqueRecord]:
    """The document's techniques, ordered by offset (ids 't0', 't1', ...)."""
    hits = rule_hits(doc, matchers)
    if neighbours:
        flagged = {i for h in hits for i in range(h.start, h.end)}
        limit = lexicon().neighbours["max_sentence_chars"]
        claims = doc._.cc_claims
        todo = [u for u in units(doc) if len(u.text) <= limit and not flagged.intersection(range(u.start, u.end))
                and (claims is None or any(u.start_char <= c.start < u.end_char for c in claims))]
        for unit, near in zip(todo, nearest([u.text for u in todo], doc_memo(doc)), strict=True):
            if near is not None:
                score = round(min(1.0, 0.5 + near.margin + (near.similarity - 0.7)), 3)
                hits.append(Hit(unit.start, unit.end, near.label, score,
                                f"like the example '{near.example}' (similarity {near.similarity:.2f})",
                                "neighbour"))
    text = doc.text
    out = []
    for h in merge_hits(hits):
        if h.score < lexicon().min_score:
            continue
        start, end = doc[h.start].idx, doc[h.end - 1].idx + len(doc[h.end - 1].text)
        start, end, span = span_fields(text, start, end)
        out.append(TechniqueRecord(id=f"t{len(out)}", start=start, end=end, text=span, label=h.label,
                                   score=round(h.score, 3), why=h.why,
                                   speaker=speaker_of(start, end, attributions, asserter), rule=h.rule))
    return out


class Techniques:
    """Pipeline component wrapping :func:`extract_techniques`."""

    def __init__(self, make_doc: Callable[[str], Doc], neighbours: bool = True) -> None:
        self.matchers = Matchers(make_doc)
        self.neighbours = neighbours

    def __call__(self, doc: Doc) -> Doc:
        doc._.cc_techniques = extract_techniques(doc, self.matchers, doc._.cc_attributions or [],
                                                 doc._.cc_asserter, neighbours=self.neighbours)
        return doc


@Language.factory("counterclaim_techniques_v1", default_config={"neighbours": True})
def make_techniques(nlp: Language, name: str, neighbours: bool) -> Techniques:
    return Techniques(nlp.make_doc, neighbours)
