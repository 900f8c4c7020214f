"""Cross-document links: entity merges and relations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity_links",
        sa.Column("entity_id", sa.String(300), primary_key=True),
        sa.Column("canonical_id", sa.String(300), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
    )
    op.create_index("ix_entity_links_canonical_id", "entity_links", ["canonical_id"])
    op.create_table(
        "relations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("a", sa.String(300), nullable=False),
        sa.Column("b", sa.String(300), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
    )
    op.create_index("ix_relations_type", "relations", ["type"])
    op.create_index("ix_relations_a", "relations", ["a"])
    op.create_index("ix_relations_b", "relations", ["b"])


def downgrade() -> None:
    op.drop_table("relations")
    op.drop_table("entity_links")
