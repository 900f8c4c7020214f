"""Plain records that carry analysis out of spaCy and into the ledger.

Nothing downstream of this module imports spaCy. Every record that points
into a document is built through :func:`span_fields`, so the contract's span
invariant ``document.text[start:end] == text`` is enforced in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "EVENT", "LAW", "NORP", "WORK", "OTHER")
DOC_TYPES = ("statement", "letter", "appeal", "interview", "report", "article", "other")


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


@dataclass
class Analysis:
    """Everything the NLP pipeline found in one document."""

    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    asserter: str | None = None
    why: dict[str, str] = field(default_factory=dict)
