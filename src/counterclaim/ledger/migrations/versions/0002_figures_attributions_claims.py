"""Per-document analysis: quantities, attributions, claims.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _doc_fk() -> sa.Column:
    return sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "quantities",
        sa.Column("id", sa.String(64), primary_key=True),
        _doc_fk(),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("approx", sa.String(16), nullable=False),
        sa.Column("counted", sa.Text(), nullable=True),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("subgroup", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("claim_id", sa.String(64), nullable=True),
        sa.Column("event_id", sa.String(300), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
    )
    op.create_index("ix_quantities_doc_id", "quantities", ["doc_id"])
    op.create_index("ix_quantities_category", "quantities", ["category"])
    op.create_table(
        "attributions",
        sa.Column("id", sa.String(64), primary_key=True),
        _doc_fk(),
        sa.Column("speaker_id", sa.String(300), nullable=True),
        sa.Column("speaker_start", sa.Integer(), nullable=True),
        sa.Column("speaker_end", sa.Integer(), nullable=True),
        sa.Column("speaker_text", sa.Text(), nullable=True),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("cue_text", sa.Text(), nullable=True),
        sa.Column("content_start", sa.Integer(), nullable=False),
        sa.Column("content_end", sa.Integer(), nullable=False),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("via", sa.JSON(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
    )
    op.create_index("ix_attributions_doc_id", "attributions", ["doc_id"])
    op.create_index("ix_attributions_speaker_id", "attributions", ["speaker_id"])
    op.create_table(
        "claims",
        sa.Column("id", sa.String(64), primary_key=True),
        _doc_fk(),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asserter_id", sa.String(300), nullable=True),
        sa.Column("claim_type", sa.String(20), nullable=False),
        sa.Column("polarity", sa.String(8), nullable=False),
        sa.Column("checkworthy", sa.Float(), nullable=False),
        sa.Column("about", sa.JSON(), nullable=False),
        sa.Column("attribution_id", sa.String(64), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
    )
    op.create_index("ix_claims_doc_id", "claims", ["doc_id"])
    op.create_index("ix_claims_asserter_id", "claims", ["asserter_id"])


def downgrade() -> None:
    for table in ("claims", "attributions", "quantities"):
        op.drop_table(table)
