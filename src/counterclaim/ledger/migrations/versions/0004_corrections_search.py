"""Analysts' corrections, and full-text search over documents.

SQLite: an FTS5 index kept in step with ``documents`` by triggers.
PostgreSQL: a GIN index on the same ``to_tsvector`` expression the search query uses.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# counterclaim.ledger.search queries with this same expression (its _PG_TSVECTOR; a test keeps them equal),
# or PostgreSQL would not use the index.
PG_TSVECTOR = "to_tsvector('simple'::regconfig, left(coalesce(title, '') || ' ' || text, 400000))"


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(300), nullable=False),
        sa.Column("doc_id", sa.String(32), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("field", sa.String(32), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_corrections_anchor", "corrections", ["kind", "doc_id", "start", "end"])
    op.create_index("ix_corrections_item", "corrections", ["kind", "item_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
                   "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN "
                   "INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END")
        op.execute("CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN "
                   "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
                   "VALUES ('delete', old.rowid, old.title, old.text); END")
        op.execute("CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN "
                   "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
                   "VALUES ('delete', old.rowid, old.title, old.text); "
                   "INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END")
        op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_documents_fts ON documents USING gin ({PG_TSVECTOR})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("documents_fts_ai", "documents_fts_ad", "documents_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")
    op.drop_table("corrections")
