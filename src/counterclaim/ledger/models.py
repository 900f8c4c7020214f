"""SQLAlchemy 2 models of the ledger. Alembic migrations mirror these exactly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(32))
    dateline: Mapped[str | None] = mapped_column(String(200))
    outlet: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    doc_type: Mapped[str] = mapped_column(String(20), default="other")
    language: Mapped[str | None] = mapped_column(String(16))
    asserter_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id"))
    analyzed: Mapped[bool] = mapped_column(Boolean, default=False)
    # True once the document's cross-document links are stored (an interrupted link leaves it False).
    linked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    analyzer: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    why: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)

    mentions: Mapped[list[MentionRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class EntityRow(Base):
    __tablename__ = "entities"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(16))
    # Fields the linker derives: a WORK's ``author``; an incident EVENT's place, dates, parties, members.
    attrs: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    aliases: Mapped[list[AliasRow]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", passive_deletes=True
    )


class AliasRow(Base):
    """A surface form (``kind='name'``) or a title/role (``kind='role'``) of an entity."""

    __tablename__ = "entity_aliases"

    entity_id: Mapped[str] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True
    )
    alias: Mapped[str] = mapped_column(String(500), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True, default="name")

    entity: Mapped[EntityRow] = relationship(back_populates="aliases")


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_entity", "entity_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    kind: Mapped[str] = mapped_column(String(16), default="name")
    rule: Mapped[str] = mapped_column(String(32), default="ner")

    document: Mapped[DocumentRow] = relationship(back_populates="mentions")


class QuantityRow(Base):
    """A figure counting something; ``parent_id``/``claim_id`` are ids in this ledger."""

    __tablename__ = "quantities"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    approx: Mapped[str] = mapped_column(String(16))
    counted: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16), index=True)
    subgroup: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(String(64))
    claim_id: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(16), default="incident", server_default="incident")
    revision_of: Mapped[str | None] = mapped_column(String(64))
    stated: Mapped[str | None] = mapped_column(Text)
    vague: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class AttributionRow(Base):
    """Who said what: the content span, the speaker (entity and span), the cue, relays."""

    __tablename__ = "attributions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[str | None] = mapped_column(String(300), index=True)
    speaker_start: Mapped[int | None] = mapped_column(Integer)
    speaker_end: Mapped[int | None] = mapped_column(Integer)
    speaker_text: Mapped[str | None] = mapped_column(Text)
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    cue_text: Mapped[str | None] = mapped_column(Text)
    content_start: Mapped[int] = mapped_column(Integer)
    content_end: Mapped[int] = mapped_column(Integer)
    content_text: Mapped[str] = mapped_column(Text)
    direct: Mapped[bool] = mapped_column(Boolean, default=False)
    via: Mapped[list[str]] = mapped_column(JSON, default=list)
    rule: Mapped[str] = mapped_column(Text, default="")


class ClaimRow(Base):
    """A check-worthy proposition and who asserts it."""

    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    asserter_id: Mapped[str | None] = mapped_column(String(300), index=True)
    claim_type: Mapped[str] = mapped_column(String(20))
    polarity: Mapped[str] = mapped_column(String(8))
    checkworthy: Mapped[float] = mapped_column(Float)
    about: Mapped[list[str]] = mapped_column(JSON, default=list)
    attribution_id: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(Text, default="")


class TechniqueRow(Base):
    """A persuasion technique on a span: its label, score, reason and whose words they are."""

    __tablename__ = "techniques"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(48), index=True)
    score: Mapped[float] = mapped_column(Float)
    why: Mapped[str] = mapped_column(Text, default="")
    speaker_id: Mapped[str | None] = mapped_column(String(300), index=True)
    rule: Mapped[str] = mapped_column(Text, default="")


class EntityLinkRow(Base):
    """``entity_id`` is merged into ``canonical_id`` (cross-document resolution)."""

    __tablename__ = "entity_links"

    entity_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    canonical_id: Mapped[str] = mapped_column(String(300), index=True)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text, default="")


class RelationRow(Base):
    """A scored relation between two ledger items (claims, quantities, documents, entities)."""

    __tablename__ = "relations"
    __table_args__ = (Index("ix_relations_a", "a"), Index("ix_relations_b", "b"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[str] = mapped_column(String(24), index=True)
    a: Mapped[str] = mapped_column(String(300))
    b: Mapped[str] = mapped_column(String(300))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text, default="")


class CorrectionRow(Base):
    """An analyst's verdict on one ledger item: confirm, reject, fix a field, or reset.

    Per-document items are anchored by ``(kind, doc_id, start, end)`` (for an attribution, its
    content span), so a verdict still applies after the document is analysed again and its
    items get new ids; relations and entity links are anchored by ``item_id``. The latest
    verdict per anchor wins.
    """

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_anchor", "kind", "doc_id", "start", "end"),
                      Index("ix_corrections_item", "kind", "item_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(300))
    doc_id: Mapped[str | None] = mapped_column(String(32))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(32), default="web")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
