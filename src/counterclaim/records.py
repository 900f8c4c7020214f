"""Plain records that carry analysis out of spaCy and into the ledger.

Nothing downstream of this module imports spaCy. Every record that points
into a document is built through :func:`span_fields`, so the contract's span
invariant ``document.text[start:end] == text`` is enforced in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "EVENT", "LAW", "NORP", "WORK", "OTHER")
DOC_TYPES = ("statement", "letter", "appeal", "interview", "report", "article", "other")
APPROX = ("exact", "about", "at_least", "at_most")
CATEGORIES = ("killed", "injured", "casualties", "missing", "detained", "hostage", "displaced", "destroyed",
              "population", "other")
CLAIM_TYPES = ("accusation", "figure", "characterization", "event", "denial", "demand", "other")
POLARITIES = ("affirm", "deny")
# What a figure's count covers: one incident's toll; a running total ('since the war began', 'so far this
# year'); a rate ('20 die each week'); an earlier event the text recalls ('the 1997 massacre killed hundreds').
SCOPES = ("incident", "cumulative", "rate", "historical")


def span_fields(text: str, start: int, end: int) -> tuple[int, int, str]:
    """Return ``(start, end, text[start:end])`` after checking the bounds.

    Raises:
        ValueError: if the offsets fall outside ``text`` or are reversed.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} outside a text of {len(text)} characters")
    return start, end, text[start:end]


@dataclass(frozen=True)
class EntityRecord:
    """One real-world actor or thing as known from one document.

    ``id`` is a stable key ``TYPE:slug`` (gazetteer entries keep their own key),
    so the same name in two documents lands on the same ledger entity.
    """

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class MentionRecord:
    """A span of the document that names (or describes, ``kind='role'``) an entity."""

    start: int
    end: int
    text: str
    entity: str
    kind: str = "name"  # name | short | role
    rule: str = "ner"  # which rule produced it: ner, gazetteer, role, short_form, signoff...


@dataclass(frozen=True)
class TextSpan:
    """A piece of the document: ``text == document.text[start:end]`` (build it with :func:`text_span`)."""

    start: int
    end: int
    text: str


def text_span(text: str, start: int, end: int) -> TextSpan:
    """A checked :class:`TextSpan` of ``text``."""
    return TextSpan(*span_fields(text, start, end))


@dataclass(frozen=True)
class QuantityRecord:
    """A figure that counts something: '613 people ... were killed'.

    ``id``, ``parent`` and ``claim`` are ids local to the document ('q3', 'c1');
    the ledger qualifies them with the document id.
    """

    id: str
    start: int
    end: int
    text: str
    value: float
    low: float | None = None
    high: float | None = None
    approx: str = "exact"  # one of APPROX
    counted: str | None = None  # head noun: 'people', 'civilians', 'houses'
    category: str = "other"  # one of CATEGORIES
    subgroup: str | None = None  # 'women', 'children', 'older people'
    parent: str | None = None  # local id of the quantity this one is part of
    claim: str | None = None  # local id of the claim stating it
    event: str | None = None  # entity id of the event counted in
    rule: str = ""  # why: the cues that set category/approx/parent
    scope: str = "incident"  # one of SCOPES
    revision_of: str | None = None  # local id of the earlier figure this one revises ('later raised to 40')
    stated: str = ""  # the figure as written, qualifier included: 'nearly 4,000', 'hundreds', 'between 30 and 40'
    vague: bool = False  # a vague amount ('dozens', 'hundreds'): low/high bound it, value is only the low bound


@dataclass(frozen=True)
class AttributionRecord:
    """Who said what: ``content`` attributed to ``speaker`` (an entity id), relayed ``via`` others."""

    id: str  # local: 'a0', 'a1', ...
    content: TextSpan
    speaker: str | None = None
    speaker_span: TextSpan | None = None
    cue: TextSpan | None = None
    direct: bool = False  # True only for quoted words
    via: tuple[str, ...] = ()  # entity ids that relayed it, outermost first
    rule: str = ""


@dataclass(frozen=True)
class ClaimRecord:
    """A check-worthy proposition and who asserts it."""

    id: str  # local: 'c0', 'c1', ...
    start: int
    end: int
    text: str
    asserter: str | None = None
    claim_type: str = "other"  # one of CLAIM_TYPES
    polarity: str = "affirm"  # one of POLARITIES
    checkworthy: float = 0.0
    about: tuple[str, ...] = ()  # entity ids, the accused first
    attribution: str | None = None  # local id of the attribution covering it
    rule: str = ""


@dataclass(frozen=True)
class TechniqueRecord:
    """A persuasion technique (SemEval-2023 Task 3 label) on a span, with whose words they are and why."""

    id: str  # local: 't0', 't1', ...
    start: int
    end: int
    text: str
    label: str
    score: float
    why: str  # the cue, pattern or example that fired, for the analyst
    speaker: str | None = None  # entity id: the quoted speaker inside a quote, else the document's asserter
    rule: str = ""


@dataclass
class Analysis:
    """Everything the NLP pipeline found in one document."""

    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    asserter: str | None = None
    why: dict[str, str] = field(default_factory=dict)
    quantities: list[QuantityRecord] = field(default_factory=list)
    attributions: list[AttributionRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    techniques: list[TechniqueRecord] = field(default_factory=list)


RELATION_TYPES = ("same_claim", "supports", "contradicts", "rebuts", "figure_consistent", "figure_mismatch",
                  "figure_revision",
                  "same_entity")


@dataclass(frozen=True)
class EntityLink:
    """Cross-document entity resolution: ``entity`` is the same actor as ``canonical``.

    The ledger keeps both ids; exports show ``canonical`` wherever ``entity`` was used.
    """

    entity: str
    canonical: str
    score: float
    evidence: str


@dataclass(frozen=True)
class RelationRecord:
    """A scored link between two ledger items (ids of any kind: claim, quantity, document, entity)."""

    type: str  # one of RELATION_TYPES
    a: str
    b: str
    score: float
    evidence: str

    @property
    def id(self) -> str:
        """Stable id from the content, so a rebuild gives the same ids."""
        import hashlib

        return "r" + hashlib.sha1(f"{self.type}|{self.a}|{self.b}".encode()).hexdigest()[:15]


def describe_figure(q: object) -> str:
    """A figure in words, as its source wrote it ('nearly 4,000', 'hundreds', 'between 30 and 40').

    ``q`` is a :class:`QuantityRecord`, a ledger row or an exported mapping (``stated``, ``text``,
    ``approx``, ``value``, ``low``, ``high``, ``vague``). Every display of a figure goes through this
    function, so a vague amount is never shown as an invented number or an absurd range.
    """
    def get(key: str) -> object:
        return q.get(key) if isinstance(q, dict) else getattr(q, key, None)

    stated = get("stated")
    if stated:
        return str(stated)
    text = get("text")
    if text and (get("vague") or not any(ch.isdigit() for ch in str(text))):
        return str(text)  # 'hundreds', 'seven thousand': the words themselves
    low, high, value = get("low"), get("high"), get("value")
    if low is not None and high is not None and low != high and not get("vague"):
        number = f"{format_number(low)}–{format_number(high)}"
    elif text:
        number = str(text)
    else:
        number = format_number(value)
    prefix = {"about": "about ", "at_least": "at least ", "at_most": "up to "}.get(str(get("approx") or ""), "")
    return prefix + number


def format_number(value: object, missing: str = "?") -> str:
    """The one way a computed number is written on every screen and in every message.

    13500 is '13,500'; a fraction keeps at most two decimals ('0.5', '12.35'); ``None`` is ``missing``.
    A figure as its source wrote it goes through :func:`describe_figure` instead.
    """
    if value is None:
        return missing
    f = float(value)  # type: ignore[arg-type]
    if f.is_integer():
        return f"{int(f):,}"
    return f"{f:,.2f}".rstrip("0").rstrip(".")
