"""What a number counts and what happened to it: the counted noun and its category.

The counted noun is read off the noun phrase right after the number ('613 people',
'120 apartment buildings', 'hundreds of families'); the category comes from, in
order of trust:

1. the noun's own modifiers: 'killed civilians', 'Azerbaijanis forcibly displaced',
   'Azerbaijanis who went missing', '55 people in prison', '610 killed';
2. the dependency path up from the noun: the governing verb ('were killed', 'taken
   hostage', 'lost their lives'; an active subject of 'kill' is the killer, not the
   killed), a governing noun ('a population of seven thousand', 'the fate of 150 of
   them is unknown'), a toll ('the death toll rose to 45');
3. the noun itself ('casualties', 'hostages', 'residents');
4. for list members the parse attaches badly ('..., 3,410 houses, 120 apartment
   buildings, ... were destroyed'), the first verb to their right.

A cue applies only to the kind of thing it fits: 'destroyed' counts objects,
'killed' counts people ('wiped out' fits both and picks by kind).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from counterclaim.extract.figures.lexicon import CategoryCues, Lexicon, Phrase
from counterclaim.extract.figures.numbers import NumberPhrase

_NP_MODIFIER_POS = ("ADJ", "NOUN", "PROPN")
_REL_PRONOUNS = ("who", "that", "which", "whom", "whose")
_SUBJ = ("nsubj", "csubj")
_PATIENT = ("nsubjpass", "dobj", "oprd", "npadvmod")
_MAX_PATH = 6
_STOP = "stop"  # the path met a verb that does not say what happened to the counted


@dataclass(frozen=True)
class Counted:
    """The noun phrase a number counts (``head`` is None when the number stands alone)."""

    head: int | None = None
    text: str | None = None
    kind: str | None = None  # person | object | event | unit | noncount | None (unknown noun or no noun)
    end: int = -1  # token after the noun phrase (or after the number when there is no noun)
    via_of: bool = False  # 'hundreds of families', '150 of the hostages'
    partitive: bool = False  # '150 of them', '16 of whom'
    phrase_tokens: tuple[str, ...] = ()  # lowercased modifiers + head, for subgroup matching


@dataclass(frozen=True)
class Cue:
    """A category and the words that gave it."""

    category: str
    why: str


def _kind(tok: Token, lex: Lexicon) -> str | None:
    low = tok.lower_
    if low in lex.units:
        return "unit"
    kind = lex.kind_of_noun.get(low)
    if kind is None and tok.tag_ not in ("NNS", "NNPS"):
        kind = lex.kind_of_noun.get(tok.lemma_.lower())
    if kind:
        return kind
    if tok.ent_type_ == "NORP" or (tok.text[:1].isupper() and tok.tag_ in ("NNPS", "NNS")
                                   and low.endswith(lex.norp_suffixes)):
        return "person"  # 'Azerbaijanis', 'Kurds', 'Congolese'
    return None


def find_counted(doc: Doc, ph: NumberPhrase, sent_end: int, lex: Lexicon) -> Counted:
    """The noun phrase right after ``ph`` ('people', 'older people', 'of them')."""
    j = ph.end
    via_of = False
    if j < sent_end and doc[j].lower_ == "of":
        nxt = doc[j + 1] if j + 1 < sent_end else None
        if nxt is not None and nxt.lower_ in lex.partitive_pronouns:
            after = doc[j + 2] if j + 2 < sent_end else None
            if after is not None and after.pos_ == "NOUN" and (after.lower_,) in lex.subgroups:
                # '22 civilians, 14 of them children': the part names its subgroup
                return Counted(end=j + 2, via_of=True, partitive=True, phrase_tokens=(after.lower_,))
            return Counted(end=j + 2, via_of=True, partitive=True)
        via_of = True
        j += 1
        while j < sent_end and doc[j].pos_ in ("DET", "PRON") and doc[j].dep_ in ("det", "poss"):
            j += 1
        if j < sent_end and doc[j].like_num and doc[j].pos_ == "NUM":
            return Counted(end=j, via_of=True, partitive=True)  # '12 of the 40 victims': part of the next figure
    k, head = j, None
    while k < sent_end and k - j < 6:
        tok = doc[k]
        if not (tok.is_alpha or tok.text == "-" or "-" in tok.text):
            break  # a stray symbol ('\ufffd' for a lost dash) ends the phrase
        if tok.pos_ in ("NOUN", "PROPN") and not tok.like_num:
            head = k
        elif tok.pos_ == "ADJ" or tok.tag_ in ("VBN", "VBG") or tok.text == "-" or (
                tok.pos_ == "ADV" and k + 1 < sent_end and doc[k + 1].tag_ in ("VBN", "JJ")):
            if head is not None:
                break  # a modifier after the noun: 'Azerbaijanis forcibly displaced'
        else:
            break
        k += 1
    if head is None:
        return Counted(end=ph.end)
    mods = [doc[i] for i in range(j, head) if doc[i].pos_ in _NP_MODIFIER_POS and (
        doc[i].lower_ in lex.counted_modifiers or doc[i].dep_ == "compound")]
    head_tok = doc[head]
    words = [t.text if t.pos_ == "PROPN" else t.lower_ for t in (*mods, head_tok)]
    return Counted(head=head, text=" ".join(words), kind=_kind(head_tok, lex), end=head + 1, via_of=via_of,
                   phrase_tokens=tuple(t.lower_ for t in doc[j:head + 1]))


def _lemmas_around(verb: Token) -> set[str]:
    """Lemmas and lowercased words of ``verb``'s dependents and their dependents."""
    out: set[str] = set()
    for child in verb.children:
        out.add(child.lemma_.lower())
        out.add(child.lower_)
        for grand in child.children:
            out.add(grand.lemma_.lower())
            out.add(grand.lower_)
    return out


def _matches(verb: Token, phrases: tuple[Phrase, ...], around: set[str]) -> Phrase | None:
    lemma = verb.lemma_.lower()
    for phrase in phrases:
        if phrase[0] == lemma and all(w in around for w in phrase[1:]):
            return phrase
    return None


def _places(verb: Token) -> set[str]:
    """Objects of the verb's 'in'/'behind' phrases: 'remain in captivity' → {'captivity'}."""
    return {p.lower_ for prep in verb.children if prep.lower_ in ("in", "behind", "into")
            for p in prep.children if p.dep_ == "pobj"}


def _fits(cues: CategoryCues, kind: str | None) -> bool:
    return kind is None or kind in cues.kinds


def _own_cue(verb: Token, role: str, kind: str | None, lex: Lexicon, adjacent: bool, fate: bool,
             depth: int) -> Cue | str | None:
    """The category ``verb`` alone gives to its argument in ``role`` (see :func:`predicate_cue`)."""
    around = _lemmas_around(verb)
    lemma = verb.lemma_.lower()
    passive = role == "pass" or any(c.dep_ == "auxpass" for c in verb.children) or (
        role == "acl" and verb.tag_ == "VBN")
    has_obj = any(c.dep_ == "dobj" for c in verb.children)
    patient = passive or role == "obj" or (role == "subj" and (adjacent or lemma in lex.status_verbs) and not has_obj)
    subject = role in ("subj", "pass") or (role == "acl" and verb.tag_ in ("VBG", "VBN"))
    if fate and lemma in ("be", "remain"):
        missing = lex.category("missing")
        if around & missing.fate_complements:
            return Cue("missing", f"'{verb.text}' {sorted(around & missing.fate_complements)[0]} of a fate")
    if role == "obj" and lemma in lex.toll_verbs:
        toll = _toll(verb, lex)
        if toll is not None:
            return toll
    best: tuple[int, Cue] | None = None
    for cues in lex.categories:
        if not _fits(cues, kind):
            continue
        for ok, phrases in ((patient, cues.verbs), (subject, cues.subject_verbs)):
            if ok and (ph := _matches(verb, phrases, around)) and (best is None or len(ph) > best[0]):
                best = (len(ph), Cue(cues.name, f"verb '{' '.join(ph)}' ({verb.text})"))
    if best is not None:
        return best[1]
    if patient or (subject and not has_obj):
        # 'were confirmed dead', 'reported missing', 'found dead', 'left wounded'
        for comp in verb.children:
            if comp.dep_ in ("acomp", "oprd", "xcomp", "advcl") and comp.pos_ == "ADJ":
                if cue := _adjective_cue(comp, kind, lex):
                    return Cue(cue.category, f"'{verb.text} {comp.text}'")
    if depth < 2 and lemma in lex.raising_verbs and (subject or patient):
        # 'are said to have died', 'are feared to have been killed', 'are believed killed'
        for comp in verb.children:
            if comp.dep_ in ("xcomp", "ccomp") and comp.pos_ in ("VERB", "AUX") and comp.i > verb.i \
                    and not any(c.dep_ in ("nsubj", "nsubjpass") for c in comp.children):
                cue = predicate_cue(comp, "subj", kind, lex, adjacent=True, depth=depth + 1)
                if isinstance(cue, Cue):
                    return Cue(cue.category, f"'{verb.text}' + {cue.why}")
    places = _places(verb) if subject and lemma in lex.place_verbs else set()
    for cues in lex.categories:
        if _fits(cues, kind) and places & cues.places:
            return Cue(cues.name, f"'{verb.text} in {sorted(places & cues.places)[0]}'")
    return _STOP


_COORD_GLUE = ("cc", "aux", "auxpass", "advmod", "punct", "neg")


def _shares_argument(verb: Token, other: Token) -> bool:
    """``other``, coordinated with ``verb``, has no argument of its own and nothing but 'and', 'or',
    auxiliaries or adverbs stands between them ('were shot and wounded', 'killing and injuring')."""
    lo, hi = sorted((verb.i, other.i))
    doc = verb.doc
    return other.pos_ == "VERB" and all(doc[k].dep_ in _COORD_GLUE for k in range(lo + 1, hi)) and not any(
        c.dep_ in ("nsubj", "nsubjpass", "dobj", "nummod") or c.like_num for c in other.children)


def combine(cues: list[Cue], lex: Lexicon) -> Cue:
    """One category for coordinated cues: 'killed or injured', 'dead and wounded' → casualties."""
    names = {c.category for c in cues}
    if len(names) > 1 and names <= lex.casualty_parts:
        return Cue("casualties", " + ".join(c.why for c in cues))
    return cues[0]


def predicate_cue(verb: Token, role: str, kind: str | None, lex: Lexicon, *, adjacent: bool = False,
                  fate: bool = False, depth: int = 0) -> Cue | str | None:
    """The category a verb gives to its argument in ``role``, or ``_STOP`` / None.

    ``role`` is 'subj', 'pass' (passive subject), 'obj' or 'acl' (the verb modifies the noun).
    Verbs coordinated with it that share the argument count too ('were shot and wounded' →
    injured; 'killing and injuring 30 people', 'killed or injured' → casualties).
    """
    own = _own_cue(verb, role, kind, lex, adjacent, fate, depth)
    cues = [own] if isinstance(own, Cue) else []
    partners = [c for c in verb.children if c.dep_ == "conj" and _shares_argument(verb, c)]
    if verb.dep_ == "conj" and _shares_argument(verb, verb.head):
        partners.append(verb.head)  # 'killing and injuring 30 people': the object is the last verb's
    for other in partners:
        cue = _own_cue(other, role, kind, lex, adjacent, False, depth + 1)
        if isinstance(cue, Cue):
            cues.append(cue)
    return combine(cues, lex) if cues else own


def _toll(verb: Token, lex: Lexicon) -> Cue | None:
    """'the death toll rose to 45', 'the number of displaced people reached 1.5 million'."""
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and verb.dep_ in ("advcl", "xcomp", "conj") \
            and verb.head.lemma_.lower() in lex.toll_verbs:
        verb = verb.head  # 'first put at 25, the toll was later raised to 40': the toll is the main verb's
    for subj in verb.children:
        if subj.dep_ in ("nsubj", "nsubjpass"):
            cue = noun_category(subj, lex, None)
            if cue is None and subj.lower_ in lex.transparent_nouns:
                for prep in subj.children:
                    if prep.lower_ == "of":
                        for pobj in prep.children:
                            cue = modifier_cue(pobj, None, lex) or noun_category(pobj, lex, None)
            if cue is not None:
                return Cue(cue.category, f"{cue.why} '{verb.text}' to it")
    return None


def noun_category(noun: Token, lex: Lexicon, kind: str | None) -> Cue | None:
    """The category a noun names itself: 'casualties', 'hostages', 'death toll', 'residents'."""
    compounds = [c.lower_ for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i]
    full = " ".join([*compounds[-1:], noun.lower_])
    for cues in lex.categories:
        if _fits(cues, kind) and (full in cues.nouns or noun.lower_ in cues.nouns):
            return Cue(cues.name, f"noun '{full if full in cues.nouns else noun.lower_}'")
    return None


def _adjective_cue(tok: Token, kind: str | None, lex: Lexicon) -> Cue | None:
    for cues in lex.categories:
        if _fits(cues, kind) and tok.lower_ in cues.adjectives:
            return Cue(cues.name, f"'{tok.text}'")
    return None


def modifier_cue(noun: Token, kind: str | None, lex: Lexicon) -> Cue | None:
    """Cues on the noun itself: 'killed civilians', 'who went missing', 'in prison'."""
    for child in noun.children:
        dep = child.dep_
        if dep == "amod" and child.i < noun.i and (cue := _adjective_cue(child, kind, lex)):
            return Cue(cue.category, f"modifier {cue.why}")
        if dep in ("acl", "relcl") and child.pos_ in ("VERB", "AUX"):
            role, fate = "acl", False
            if dep == "relcl":
                rel = next((c for c in child.children if c.lower_ in _REL_PRONOUNS), None)
                if rel is not None:
                    role = {"nsubj": "subj", "nsubjpass": "pass", "dobj": "obj"}.get(rel.dep_, "acl")
                # 'people whose fate is unknown'
                fate = any(c.dep_ in _SUBJ and c.lower_ in lex.fate_nouns for c in child.children)
            cue = predicate_cue(child, role, kind, lex, fate=fate)
            if isinstance(cue, Cue):
                return Cue(cue.category, f"clause {cue.why}")
        if dep == "prep" and child.lower_ == "with":
            for pobj in child.children:
                for cues in lex.categories:
                    if _fits(cues, kind) and pobj.lower_ in cues.with_nouns:
                        return Cue(cues.name, f"'with {pobj.text}'")  # '12 survivors with severe injuries'
        if dep == "prep" and child.lower_ in ("in", "behind", "into"):
            for pobj in child.children:
                for cues in lex.categories:
                    if _fits(cues, kind) and pobj.lower_ in cues.places:
                        return Cue(cues.name, f"'{child.text} {pobj.text}'")
    return None


def _adjacent_cue(doc: Doc, end: int, sent_end: int, kind: str | None, lex: Lexicon) -> Cue | None:
    """A participle or adjective right after the phrase: '610 killed', 'Azerbaijanis forcibly displaced'."""
    k = end
    while k < sent_end and doc[k].pos_ == "ADV":
        k += 1
    if k >= sent_end:
        return None
    tok = doc[k]
    if tok.pos_ == "VERB" and any(c.dep_ == "dobj" for c in tok.children):
        return None  # '45 soldiers killed 3 civilians': the soldiers are the killers
    if cue := _adjective_cue(tok, kind, lex):
        found = [cue]
        if k + 2 < sent_end and doc[k + 1].lower_ in ("and", "or", "/") and (
                more := _adjective_cue(doc[k + 2], kind, lex)):
            found.append(more)  # '40 dead or wounded'
        cue = combine(found, lex)
        return Cue(cue.category, f"followed by {cue.why}")
    if tok.tag_ == "VBN":
        cue = predicate_cue(tok, "acl", kind, lex)
        if isinstance(cue, Cue):
            return Cue(cue.category, f"followed by {cue.why}")
    return None


def _phrase_root(doc: Doc, ph: NumberPhrase) -> Token:
    for i in range(ph.start, ph.end):
        head = doc[i].head
        if not ph.start <= head.i < ph.end or head.i == i:
            return doc[i]
    return doc[ph.end - 1]


def _path_cue(doc: Doc, anchor: Token, kind: str | None, lex: Lexicon, adjacent_subject: bool) -> Cue | str | None:
    """Walk up from ``anchor`` to the verb or noun that says what happened to it."""
    node, fate = anchor, False
    for _ in range(_MAX_PATH):
        dep, head = node.dep_, node.head
        if head.i == node.i:
            return None
        if dep in _SUBJ + _PATIENT + ("attr",) and head.pos_ in ("VERB", "AUX"):
            role = {"nsubj": "subj", "csubj": "subj", "nsubjpass": "pass"}.get(dep, "obj")
            return predicate_cue(head, role, kind, lex, adjacent=adjacent_subject and node.i == anchor.i, fate=fate)
        if dep == "pobj":
            prep = head
            governor = prep.head
            if prep.lower_ == "of" and governor.pos_ in ("NOUN", "PROPN"):
                low = governor.lower_
                if low in lex.fate_nouns:
                    fate, node = True, governor
                    continue
                for cues in lex.categories:
                    if _fits(cues, kind) and (low in cues.of_nouns or governor.lemma_.lower() in cues.of_nouns):
                        return Cue(cues.name, f"'{governor.text} of'")
                if low in lex.transparent_nouns:
                    node = governor
                    continue
                return None
            while governor.pos_ == "ADP" and governor.head.i != governor.i:
                governor = governor.head  # 'rose from 25 to 40': 'to' hangs on 'from'
            if prep.lower_ in ("to", "at", "from") and governor.lemma_.lower() in lex.toll_verbs:
                return _toll(governor, lex) or _STOP
            return None
        if dep in ("conj", "appos"):
            head_kind = _kind(head, lex) if head.pos_ in ("NOUN", "PROPN") else None
            if kind and head_kind and head_kind != kind:
                return None  # '50 children, more than 3,410 houses': a list the parse merged
            node = head
            continue
        if dep in ("nummod", "compound", "quantmod", "amod") and (
                head.pos_ in ("NOUN", "PROPN", "NUM") or head.lower_ in lex.anaphoric_heads):
            node = head
            continue
        return None
    return None


def _linear_cue(doc: Doc, start: int, sent_end: int, kind: str | None, lex: Lexicon) -> Cue | None:
    """The first verb to the right, when it is a passive or intransitive cue ('... were destroyed')."""
    for k in range(start, sent_end):
        tok = doc[k]
        if tok.text in (";", "(", ")", ":"):
            return None
        if tok.pos_ != "VERB" or tok.lemma_.lower() in lex.skip_verbs or tok.dep_ == "amod":
            continue
        role = "pass" if any(c.dep_ == "auxpass" for c in tok.children) else "subj"
        cue = predicate_cue(tok, role, kind, lex)
        if isinstance(cue, Cue):
            return Cue(cue.category, f"list ended by {cue.why}")
        return None
    return None


def find_category(doc: Doc, ph: NumberPhrase, counted: Counted, sent_end: int, lex: Lexicon) -> Cue | None:
    """The category of the figure ``ph`` counting ``counted`` (None: nothing says; category 'other')."""
    kind = counted.kind if counted.kind in ("person", "object") else None
    noun = doc[counted.head] if counted.head is not None else None
    if noun is not None and (cue := modifier_cue(noun, kind, lex)):
        return cue
    adjacent = _adjacent_cue(doc, counted.end if noun is not None else ph.end, sent_end, kind, lex)
    if adjacent is not None:
        return adjacent
    anchor = noun if noun is not None and not counted.via_of else _phrase_root(doc, ph)
    path = _path_cue(doc, anchor, kind, lex, adjacent_subject=noun is None)
    if isinstance(path, Cue):
        return path
    if noun is not None and (cue := noun_category(noun, lex, kind)):
        return cue
    before = doc[ph.q_start - 1] if ph.q_start > 0 else None
    if noun is None and before is not None and before.pos_ == "VERB" and before.tag_ in ("VBD", "VBN", "VBG", "VB"):
        cue = predicate_cue(before, "obj", kind, lex)  # 'injured two dozen more', whatever the parse made of it
        if isinstance(cue, Cue):
            return Cue(cue.category, f"object of {cue.why}")
    if path is None and noun is not None and noun.dep_ in ("conj", "appos", "pobj"):
        return _linear_cue(doc, counted.end, sent_end, kind, lex)
    return None


def sentence_cue(doc: Doc, start: int, end: int, lex: Lexicon) -> Cue | None:
    """The one harm category the words of ``doc[start:end]`` speak of ('the 54 victims of the massacre',
    'whose victims included 13 children' after 'the slaughter'), for nouns that only say someone was harmed."""
    found: dict[str, str] = {}
    for tok in doc[start:end]:
        lemma, low = tok.lemma_.lower(), tok.lower_
        for cues in lex.categories:
            if cues.name in lex.casualty_parts and cues.name not in found and (
                    low in cues.of_nouns or low in cues.adjectives or any(v == (lemma,) for v in cues.verbs)
                    or lemma in lex.harm_nouns.get(cues.name, ())):
                found[cues.name] = tok.text
    if len(found) == 1:
        (name, word), = found.items()
        return Cue(name, f"the sentence speaks of '{word}'")
    return None
