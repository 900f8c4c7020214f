"""Titles and roles that name a person by office.

"The Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan",
"the former chief prosecutor of the ICC", "Human Rights Commissioner
(Ombudsperson) of Azerbaijan": :func:`find_roles` yields each as a token range
over the Doc; :func:`head_key` gives the comparable head ("ombudsman",
"prosecutor") so a bare "the Ombudsman" later in a text finds its holder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from counterclaim.resources import load_json

_CONNECTORS = {"of", "for", "and", "&", "the", "on", "in", "to"}
_MARKUP = {"*", "**", "_", "__"}


@dataclass(frozen=True)
class RoleSpan:
    """A role phrase: token range ``[start, end)`` and its head word (lowercase)."""

    start: int
    end: int
    head: str
    specific: bool  # capitalised or with an 'of/for X' complement: names one office
    complement: bool = False  # has an 'of/for X' complement

    def text(self, doc: Doc) -> str:
        return doc[self.start:self.end].text


@cache
def role_data() -> dict:
    data = load_json("roles.json", required=("heads", "modifiers", "org_followers", "synonyms", "honorifics"))
    heads = {tuple(h.split()) for h in data["heads"]}
    syn = {}
    for group in data["synonyms"]:
        for word in group:
            syn[word] = group[0]
    return {
        "heads": heads,
        "max_head": max(len(h) for h in heads),
        # Every prefix of a head's first word: a token that is none of them starts no head (hot-loop filter).
        "head_prefixes": {h[0][:k] for h in heads for k in range(1, len(h[0]) + 1)},
        "modifiers": set(data["modifiers"]),
        "org_followers": set(data["org_followers"]),
        "synonyms": syn,
        "honorifics": set(data["honorifics"]) | {h.upper() for h in data["honorifics"]},  # 'MAULANA YOUSUF AZHAR'
    }


@cache
def role_head_words() -> frozenset[str]:
    """The role heads as space-joined words ('spokesman', 'foreign minister'), for lemma look-ups."""
    return frozenset(" ".join(h) for h in role_data()["heads"])


def head_key(head: str) -> str:
    """Canonical head for comparing roles: 'ombudsperson' → 'ombudsman'."""
    return role_data()["synonyms"].get(head, head)


def clean_role(text: str) -> str:
    """A role phrase as an alias: markup and line breaks gone, no leading article."""
    text = re.sub(r"[*_]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    return re.sub(r"^(?:the|The)\s+", "", text)


def role_complement(role: str) -> str:
    """What an office is of: 'former chief prosecutor of the ICC' → 'ICC' ('' if none)."""
    m = re.search(r"\b(?:of|for|at)\s+(?:the\s+)?(.+)$", re.sub(r"\([^)]*\)", " ", role))
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def _match_head(doc: Doc, i: int, data: dict) -> int:
    """Length in tokens of the role head starting at token i (0 if none)."""
    first = doc[i].lower_
    if first not in data["head_prefixes"] and first.split()[:1] == [first]:
        return 0  # the words (or, hyphens joined, the one word) would start with it: no head does
    for n in range(data["max_head"], 0, -1):
        if i + n > len(doc):
            continue
        words = tuple(t.lower_ for t in doc[i:i + n])
        joined = tuple("".join(words).split()) if "-" in words else words
        if words in data["heads"] or joined in data["heads"]:
            return n
    return 0


def _skip_markup(doc: Doc, i: int) -> int:
    while i < len(doc) and (doc[i].is_space or doc[i].text in _MARKUP):
        i += 1
    return i


def _extend_right(doc: Doc, end: int, person_starts: set[int]) -> tuple[int, bool]:
    """Take '(Ombudsman)' and 'of the Republic of Azerbaijan' after a head."""
    complement = False
    while end < len(doc):
        if doc[end].text == "(":
            close = next((j for j in range(end + 1, min(end + 8, len(doc))) if doc[j].text == ")"), None)
            if close is None:
                break
            end = close + 1
            continue
        nxt = _skip_markup(doc, end)
        if nxt < len(doc) and doc[nxt].lower_ in ("of", "for", "at") and doc[nxt].text.islower():
            j = nxt + 1
            if j < len(doc) and doc[j].lower_ == "the":
                j += 1
            if j >= len(doc) or not doc[j].text[:1].isupper() or j in person_starts:
                break
            k = j
            while k < len(doc) and k not in person_starts and (
                doc[k].text[:1].isupper() or doc[k].like_num
                or (doc[k].lower_ in _CONNECTORS and k + 1 < len(doc) and
                    (doc[k + 1].text[:1].isupper() or doc[k + 1].lower_ == "the"))
                or (doc[k].text in ("-", "'s", "’s") and k + 1 < len(doc) and doc[k + 1].text[:1].isupper())
            ):
                k += 1
            while k > j and doc[k - 1].lower_ in _CONNECTORS:
                k -= 1  # never end on 'of', 'the', 'on'
            end, complement = k, True
            continue
        break
    return end, complement


def find_roles(doc: Doc, person_starts: set[int] | None = None) -> Iterator[RoleSpan]:
    """Yield role phrases in ``doc``, longest first at each position, never overlapping.

    Args:
        doc: a parsed Doc.
        person_starts: token indices where a PERSON entity begins; a role never
            swallows a name ("...Ombudsperson) of Azerbaijan Sabina Aliyeva").
    """
    data = role_data()
    person_starts = person_starts or set()
    i = last_end = 0
    while i < len(doc):
        n = _match_head(doc, i, data)
        tok = doc[i]
        if n == 0 or tok.pos_ not in ("NOUN", "PROPN", "ADJ", "VERB") or tok.ent_type_ in ("GPE", "NORP"):
            i += 1
            continue
        head_end = i + n
        if head_end < len(doc) and _match_head(doc, head_end, data):
            i += 1  # 'chief prosecutor': let the last head take the whole phrase
            continue
        if tok.text[:1].isupper() and head_end < len(doc) and doc[head_end].text[:1].isupper() \
                and doc[head_end].pos_ == "PROPN" and head_end not in person_starts:
            i = head_end  # 'General Assembly', 'Secretary Office': a name, not a role
            continue
        # 'Ombudsman's Office', 'Ombudsman institution', 'Office of High Commissioner': organisations.
        follower = doc[head_end].lower_ if head_end < len(doc) else ""
        before = doc[max(0, i - 2):i].text.lower()
        if follower in data["org_followers"] or before.endswith("office of") or \
                doc[i].ent_type_ in ("ORG", "FAC", "LAW", "EVENT", "WORK_OF_ART"):
            i = head_end
            continue
        start = i
        while start > 0:
            prev = doc[start - 1]
            if prev.lower_ in data["modifiers"] or (prev.text[:1].isupper() and prev.pos_ in ("PROPN", "ADJ")
                                                     and prev.ent_type_ in ("", "NORP", "GPE", "ORG")
                                                     and not prev.is_sent_start and prev.dep_ in ("compound", "amod", "poss")):
                start -= 1
            elif prev.text in ("-",) and start > 1:
                start -= 1
            else:
                break
        if start > 0 and doc[start - 1].lower_ in ("the", "a", "an"):
            start -= 1
        start = max(start, last_end)
        end, complement = _extend_right(doc, head_end, person_starts)
        head = " ".join(t.lower_ for t in doc[i:head_end]).replace(" - ", "-")
        capital = any(t.text[:1].isupper() for t in doc[i:head_end]) and not doc[i].is_sent_start
        yield RoleSpan(start=start, end=end, head=head, specific=complement or capital, complement=complement)
        i = last_end = end
