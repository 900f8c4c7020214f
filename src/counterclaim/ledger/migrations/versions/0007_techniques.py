"""Persuasion techniques: one row per flagged span, with label, score, reason and speaker.

Revision ID: 0007_techniques
Revises: 0006_document_linked
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_techniques"
down_revision = "0006_document_linked"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "techniques",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(48), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("speaker_id", sa.String(300), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
    )
    op.create_index("ix_techniques_doc_id", "techniques", ["doc_id"])
    op.create_index("ix_techniques_label", "techniques", ["label"])
    op.create_index("ix_techniques_speaker_id", "techniques", ["speaker_id"])


def downgrade() -> None:
    op.drop_table("techniques")
