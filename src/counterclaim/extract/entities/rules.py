"""Entities and mentions of one document, as a pure function over a parsed Doc.

Within one document:
- persons: short forms resolve to the full name they abbreviate
  ("Ocampo", "L.M. Ocampo", "Mr. Ocampo" → Luis Moreno Ocampo), never across
  a different surname ("Aliyev" is not "Sabina Aliyeva");
- titles and roles attach to the person they name (before the name, in
  apposition after it, or on the line under a signature), and a bare role later
  in the text ("the Ombudsman said") resolves to the holder of that role;
- organisations and places take their gazetteer key, so alternate and contested
  names share one entity; "Long Name (ACR)" makes ACR an alias in the document.

Cross-document merging of different names belongs to :mod:`counterclaim.link`;
here every entity gets a stable key ``TYPE:slug``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from counterclaim.extract.entities.gazetteer import load_gazetteer
from counterclaim.extract.entities.roles import (
    RoleSpan,
    clean_role,
    find_roles,
    head_key,
    role_complement,
    role_data,
)
from counterclaim.names import given_names_fit
from counterclaim.records import EntityRecord, MentionRecord, span_fields
from counterclaim.resources import load_json, slug

_SIGNOFF_GAP = re.compile(r"^[\s*_,]*$")
_APPOSITION_GAP = re.compile(r"^\s*,\s*$")
_RELATIVE = re.compile(r",\s+who\s+(?:is|was|has\s+been|had\s+been|became|served\s+as)\s+(?:the\s+|a\s+|an\s+)?$")


@dataclass
class _Cluster:
    key: str
    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    role_heads: set[str] = field(default_factory=set)


def _person_parts(name: str) -> tuple[list[str], str]:
    """Given-name parts (initials split: 'L.M.' → ['L', 'M']) and the surname."""
    parts = name.split()
    given: list[str] = []
    for p in parts[:-1]:
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?", p) or re.fullmatch(r"[A-Z]", p):
            given.extend(x for x in p.split(".") if x)
        else:
            given.append(p)
    return given, parts[-1] if parts else ""


def _is_initial(part: str) -> bool:
    return len(part) == 1


def _compatible(short: str, full: str) -> bool:
    """Whether ``short`` can abbreviate ``full`` (same surname, given names in order)."""
    g_short, s_short = _person_parts(short)
    g_full, s_full = _person_parts(full)
    return s_short.casefold() == s_full.casefold() and given_names_fit(g_short, g_full)


def _strip_honorifics(span: Span) -> tuple[Span, list[str]]:
    """Drop 'Mr.', 'Dr.', 'President' from the front of a PERSON span; return them as roles."""
    data = role_data()
    start = span.start
    removed = []
    while start < span.end - 1:
        tok = span.doc[start]
        if tok.text in data["honorifics"] or tok.text.rstrip(".") in data["honorifics"]:
            start += 1
        elif tuple([tok.lower_]) in data["heads"] and tok.text[:1].isupper():
            removed.append(tok.text)
            start += 1
        else:
            break
    return span.doc[start:span.end], removed


def _person_name(span: Span) -> str:
    return re.sub(r"\s+", " ", span.text).strip()


def _resolve_persons(spans: list[Span]) -> dict[int, str]:
    """Map each PERSON span (by start char) to the canonical full name it refers to."""
    names = [(s.start_char, _person_name(s)) for s in spans]
    distinct = sorted({n for _, n in names}, key=lambda n: (-len(_person_parts(n)[0]),
                                                           sum(_is_initial(p) for p in _person_parts(n)[0]), n))
    canon: dict[str, list[str]] = {}  # canonical -> names it covers
    for n in distinct:
        homes = [c for c in canon if _compatible(n, c)]
        if not homes and len(n.split()) == 1:  # 'Atonfack' of 'Cyrille Atonfack Guemo', 'Moreno' of 'Luis Moreno Ocampo'
            inner = [c for c in canon if n.casefold() in (p.casefold() for p in c.split()[1:-1])]
            homes = inner if len(inner) == 1 else []
        if len(homes) == 1 or (homes and len(_person_parts(n)[0]) > 0):
            canon[homes[0]].append(n)
        elif not homes:
            canon[n] = [n]
        else:
            canon.setdefault("\0ambiguous", []).append(n)
    ambiguous = set(canon.pop("\0ambiguous", []))
    by_name = {n: c for c, ns in canon.items() for n in ns}
    out: dict[int, str] = {}
    last_full: dict[str, str] = {}
    for start, n in names:
        if n in ambiguous:
            surname = _person_parts(n)[1].casefold()
            choices = [c for c in canon if _compatible(n, c)]
            out[start] = last_full.get(surname, choices[0]) if last_full.get(surname) in choices else choices[0]
        else:
            out[start] = by_name[n]
            last_full[_person_parts(n)[1].casefold()] = by_name[n]
    return out


def extract_entities(doc: Doc) -> tuple[list[EntityRecord], list[MentionRecord]]:
    """Entities (with aliases and roles) and their mentions in one document."""
    gaz = load_gazetteer()
    keep = load_json("entities.json", required=("keep_labels",))["keep_labels"]
    clusters: dict[str, _Cluster] = {}
    mentions: list[MentionRecord] = []
    doc_text = doc.text  # Doc.text joins every token: build it once, not per mention

    def cluster(key: str, name: str, type_: str) -> _Cluster:
        if key not in clusters:
            clusters[key] = _Cluster(key=key, name=name, type=type_)
        return clusters[key]

    def mention(start: int, end: int, key: str, kind: str, rule: str) -> None:
        s, e, t = span_fields(doc_text, start, end)
        mentions.append(MentionRecord(start=s, end=e, text=t, entity=key, kind=kind, rule=rule))

    acronyms = _acronyms(doc, keep)
    person_forms = {f for e in doc.ents if e.label_ == "PERSON" for f in (e.text, e.text.split()[-1])}
    persons: list[tuple[Span, Span, list[str]]] = []
    for ent in doc.ents:
        type_ = keep.get(ent.label_)
        if type_ is None:
            continue
        if ent.text in acronyms and acronyms[ent.text] is not ent:
            long = acronyms[ent.text]
            c = cluster(_key_of(long, keep, gaz), _name_of(long, gaz), keep[long.label_])
            c.aliases.add(ent.text)
            mention(ent.start_char, ent.end_char, c.key, "name", "acronym")
            continue
        if type_ == "PERSON" or (not ent.id_ and ent.text in person_forms):
            name_span, titles = _strip_honorifics(ent)
            persons.append((ent, name_span, titles))
            continue
        entry = _entry_of(ent, gaz)
        c = cluster(_key_of(ent, keep, gaz), _name_of(ent, gaz), entry.type if entry else type_)
        if entry is not None:
            c.aliases.update(entry.aliases)  # names known for it, seen or not
        c.aliases.add(re.sub(r"\s+", " ", ent.text))
        mention(ent.start_char, ent.end_char, c.key, "name", "gazetteer" if entry else "ner")
        if type_ == "ORG" and entry is None:
            country = _country_of(ent, gaz)
            if country is not None:  # 'the Turkish defence ministry' is Turkey's: its country is named too
                (cs, ce), home = country
                cluster(home.key, home.name, home.type)
                mention(cs, ce, home.key, "name", "institution_country")

    canon = _resolve_persons([n for _, n, _ in persons])
    person_at: dict[int, str] = {}  # token index of a PERSON ent start/end -> key
    person_starts: set[int] = set()
    for ent, name_span, titles in persons:
        full = canon[name_span.start_char]
        c = cluster(f"PERSON:{slug(full)}", full, "PERSON")
        c.aliases.add(_person_name(name_span))
        c.roles.update(titles)
        c.role_heads.update(head_key(t.lower()) for t in titles)
        kind = "name" if _person_name(name_span) == full else "short"
        mention(ent.start_char, ent.end_char, c.key, kind, "ner" if kind == "name" else "short_form")
        person_at[ent.start] = person_at[ent.end - 1] = c.key
        person_starts.add(ent.start)

    pending: list[RoleSpan] = []
    found = list(find_roles(doc, person_starts))
    holders = [_adjacent_person(doc, role, person_at, doc_text) for role in found]
    for n in range(len(found) - 2, -1, -1):  # 'The Special Representative ..., Head of UNSMIL, Ghassan Salamé'
        nxt = found[n + 1]
        if holders[n] is None and holders[n + 1] is not None and nxt.start == found[n].end + 1 \
                and doc[found[n].end].text == ",":
            holders[n] = holders[n + 1]
    for role, holder in zip(found, holders):
        if holder is None:
            pending.append(role)
            continue
        c = clusters[holder]
        c.roles.add(clean_role(role.text(doc)))
        c.role_heads.add(head_key(role.head))
        mention(doc[role.start].idx, doc[role.end - 1].idx + len(doc[role.end - 1]), holder, "role", "role")

    for role in pending:
        hk = head_key(role.head)
        text = clean_role(role.text(doc))
        holders = [c for c in clusters.values() if c.type == "PERSON" and hk in c.role_heads
                   and (not role.complement or any(_same_office(text, r) for r in c.roles))]
        start_char, end_char = doc[role.start].idx, doc[role.end - 1].idx + len(doc[role.end - 1])
        if holders:
            c = holders[0] if len(holders) == 1 else _nearest_holder(holders, mentions, start_char)
            mention(start_char, end_char, c.key, "role", "role_holder")
        elif role.specific and doc[role.start].lower_ not in ("a", "an"):  # 'a spokesman for X' names no one
            c = cluster(f"PERSON:{slug(text)}", text, "PERSON")
            c.roles.add(text)
            c.role_heads.add(hk)
            mention(start_char, end_char, c.key, "role", "role_unnamed")

    outlet = doc.user_data.get("outlet") if isinstance(doc.user_data, dict) else None
    if outlet:
        # The outlet a wire story comes from ('Trend reports', 'told Trend'): the small model
        # often misses a one-word agency name, and relay chains need it as an entity.
        entry = gaz.lookup(outlet)
        covered = [(m.start, m.end) for m in mentions]
        for hit in re.finditer(rf"(?<![\w-]){re.escape(outlet)}(?![\w-])", doc_text):
            if any(s < hit.end() and hit.start() < e for s, e in covered):
                continue
            c = cluster(entry.key if entry else f"ORG:{slug(outlet)}", entry.name if entry else outlet,
                        entry.type if entry else "ORG")
            c.aliases.add(outlet)
            mention(hit.start(), hit.end(), c.key, "name", "outlet")

    entities = [
        EntityRecord(id=c.key, name=c.name, type=c.type, aliases=tuple(sorted(c.aliases - {c.name})),
                     roles=tuple(sorted(c.roles)))
        for c in sorted(clusters.values(), key=lambda c: c.key)
    ]
    return entities, sorted(set(mentions), key=lambda m: (m.start, m.end, m.entity))


def _country_of(ent: Span, gaz):  # type: ignore[no-untyped-def]
    """'Turkish defence ministry', "Ethiopia's army": the country word an institution opens with, and its
    country's gazetteer entry (a people's word stands for its country), or None."""
    first = ent[0]
    if first.pos_ not in ("PROPN", "ADJ") or len(ent) < 2:
        return None
    entry = gaz.lookup(first.text)
    if entry is not None and entry.type == "NORP" and entry.of:
        entry = gaz.entries.get(entry.of)
    if entry is None or entry.type != "GPE":
        return None
    return (first.idx, first.idx + len(first)), entry


def _acronyms(doc: Doc, keep: dict[str, str]) -> dict[str, Span]:
    """'Conference of the Parties (COP29)': the acronym in brackets names the entity before it."""
    out: dict[str, Span] = {}
    for ent in doc.ents:
        if keep.get(ent.label_) in (None, "PERSON") or ent.end + 2 >= len(doc):
            continue
        if doc[ent.end].text != "(" or doc[ent.end + 2].text != ")":
            continue
        acr = doc[ent.end + 1].text
        letters = "".join(ch for ch in acr if ch.isalpha()).lower()
        initials = "".join(w[0] for w in ent.text.split()).lower()
        if len(letters) >= 2 and acr[:1].isupper() and letters[0] == initials[0] and _subsequence(letters, initials):
            out[acr] = ent
    return out


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _entry_of(ent: Span, gaz):  # type: ignore[no-untyped-def]
    """The gazetteer entry a span names: its own id if it still covers that entry's name, else a lookup.

    spaCy keeps a token's entity id when a fix widens the span ('Geneva' →
    'Geneva Conventions'), so the id alone is not trusted.
    """
    hit = gaz.lookup(ent.text)
    if hit is not None:
        return hit
    entry = gaz.entries.get(ent.id_) if ent.id_ else None
    if entry is not None and len(ent) == 1:
        return entry
    return None


def _key_of(ent: Span, keep: dict[str, str], gaz) -> str:  # type: ignore[no-untyped-def]
    entry = _entry_of(ent, gaz)
    if entry is not None:
        return entry.key
    return f"{keep[ent.label_]}:{slug(ent.text)}"


def _name_of(ent: Span, gaz) -> str:  # type: ignore[no-untyped-def]
    entry = _entry_of(ent, gaz)
    return entry.name if entry is not None else re.sub(r"\s+", " ", ent.text)


def _same_office(a: str, b: str) -> bool:
    """Whether two role phrases name the same office ('...of the ICC' ~ '...of the International Criminal Court')."""
    ca, cb = role_complement(a), role_complement(b)
    if not ca or not cb:
        return True
    gaz = load_gazetteer()
    ka, kb = gaz.lookup(ca), gaz.lookup(cb)
    if ka is not None and kb is not None:
        return ka.key == kb.key
    wa, wb = set(ca.casefold().split()), set(cb.casefold().split())
    return wa <= wb or wb <= wa


def _adjacent_person(doc: Doc, role: RoleSpan, person_at: dict[int, str], text: str) -> str | None:
    """The person a role phrase stands next to: 'Role Name', 'Name, Role', or a sign-off.

    ``text`` is ``doc.text``, passed in because spaCy rebuilds it on every access.
    """
    role_start = doc[role.start].idx
    # Name, then the role in apposition or on the next line of a signature; a
    # relative clause ('Paluku, who was governor of North Kivu'). An apposition
    # opened by an article wins over a name after the role ('Stephane Dujarric,
    # the Chief Spokesman for UN Secretary-General Antonio Guterres').
    k = role.start - 1
    relative = _RELATIVE.search(text, max(0, role_start - 24), role_start)
    if relative is not None:
        k = doc[ctx_tok(doc, relative.start())].i - 1
    while k >= 0 and (doc[k].is_space or doc[k].text in ("*", "**", ",", "_")):
        k -= 1
    after = None
    if k >= 0 and k in person_at:
        gap = text[doc[k].idx + len(doc[k]):role_start if relative is None else relative.start()]
        if relative is not None or _APPOSITION_GAP.match(gap) or (_SIGNOFF_GAP.match(gap) and gap.count("\n") <= 3 and "\n" in gap):
            after = person_at[k]
    if after is not None and (relative is not None or doc[role.start].lower_ in ("the", "a", "an")):
        return after
    before = _person_after(doc, role, person_at, text)
    return before if before is not None else after


def ctx_tok(doc: Doc, char: int) -> int:
    """Index of the token starting at or containing ``char``."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _person_after(doc: Doc, role: RoleSpan, person_at: dict[int, str], text: str) -> str | None:
    """Role directly before the name: '... Ombudsperson) of Azerbaijan Sabina Aliyeva'.

    Not when the role ends on its complement's preposition or possessive ('a
    spokesman for Haftar's army': Haftar is not the spokesman).
    """
    if doc[role.end - 1].lower_ in ("for", "of", "to", "at") or (
            role.end < len(doc) and doc[role.end].lower_ in ("'s", "’s")):
        return None
    role_end = doc[role.end - 1].idx + len(doc[role.end - 1])
    j = role.end
    while j < len(doc) and j not in person_at and (
            doc[j].text in (",", "*", "**") or doc[j].text in role_data()["honorifics"]):
        j += 1  # 'Army spokesman Maj. Gen. Asif Ghafoor' (the name may start at its rank)
    if j in person_at and doc[j].idx - role_end <= 4 and "\n" not in text[role_end:doc[j].idx]:
        if j < len(doc) - 1 and doc[j + 1].lower_ in ("'s", "’s"):
            return None
        return person_at[j]
    return None


def _nearest_holder(holders: list[_Cluster], mentions: list[MentionRecord], at: int) -> _Cluster:
    """Of several holders of a role, the one named last before ``at`` (else first after)."""
    keys = {c.key: c for c in holders}
    before = [m for m in mentions if m.entity in keys and m.start < at]
    if before:
        return keys[max(before, key=lambda m: m.start).entity]
    after = [m for m in mentions if m.entity in keys]
    return keys[min(after, key=lambda m: m.start).entity] if after else holders[0]
