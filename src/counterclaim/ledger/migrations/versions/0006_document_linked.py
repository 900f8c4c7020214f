"""Per-document link state: ``documents.linked`` is True once its cross-document links are stored.

An ingest interrupted while linking leaves its documents unlinked; the next ingest (or a plain
re-run) links them. Documents analysed before this revision are taken as linked.

Revision ID: 0006_document_linked
Revises: 0005_quantity_scope
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_document_linked"
down_revision = "0005_quantity_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE (no batch copy: that would drop SQLite's full-text triggers and rowids).
    op.add_column("documents", sa.Column("linked", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE documents SET linked = analyzed"))


def downgrade() -> None:
    op.drop_column("documents", "linked")
