"""Initial ledger: documents, entities with aliases, mentions.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("published", sa.String(32)),
        sa.Column("dateline", sa.String(200)),
        sa.Column("outlet", sa.String(200)),
        sa.Column("url", sa.Text()),
        sa.Column("doc_type", sa.String(20), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("asserter_id", sa.String(300), sa.ForeignKey("entities.id")),
        sa.Column("analyzed", sa.Boolean(), nullable=False),
        sa.Column("analyzer", sa.String(200)),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("why", sa.JSON(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "entity_aliases",
        sa.Column("entity_id", sa.String(300), sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("alias", sa.String(500), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(300), sa.ForeignKey("entities.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
    )
    op.create_index("ix_mentions_doc_id", "mentions", ["doc_id"])
    op.create_index("ix_mentions_entity", "mentions", ["entity_id"])


def downgrade() -> None:
    op.drop_index("ix_mentions_entity", table_name="mentions")
    op.drop_index("ix_mentions_doc_id", table_name="mentions")
    op.drop_table("mentions")
    op.drop_table("entity_aliases")
    op.drop_table("documents")
    op.drop_table("entities")
