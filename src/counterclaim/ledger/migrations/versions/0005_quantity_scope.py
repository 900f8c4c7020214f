"""Quantities: what a figure's count covers (scope), the figure it revises, the words as stated, vagueness.

Revision ID: 0005_quantity_scope
Revises: 0005_entity_attrs
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_quantity_scope"
down_revision = "0005_entity_attrs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quantities") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="incident"))
        batch.add_column(sa.Column("revision_of", sa.String(64), nullable=True))
        batch.add_column(sa.Column("stated", sa.Text(), nullable=True))
        batch.add_column(sa.Column("vague", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("quantities") as batch:
        batch.drop_column("vague")
        batch.drop_column("stated")
        batch.drop_column("revision_of")
        batch.drop_column("scope")
