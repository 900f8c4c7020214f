"""Full-text search over documents: SQLite FTS5 or PostgreSQL ``tsvector``, same results shape.

The user's words are never passed as query syntax: each word becomes a quoted FTS5 phrase
(SQLite) or goes through ``plainto_tsquery`` (PostgreSQL), so ``"``, ``*``, ``NEAR`` or ``:``
in a search box cannot break or widen the query.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, text

MARK_OPEN, MARK_CLOSE = "\x01", "\x02"
# Same expression as the GIN index of migration 0004, so PostgreSQL can use it.
_PG_TSVECTOR = "to_tsvector('simple'::regconfig, left(coalesce(title, '') || ' ' || text, 400000))"
_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_query(query: str) -> str:
    """Each word as a quoted phrase, all required: ``genocide Khojaly`` → ``"genocide" "Khojaly"``."""
    return " ".join(f'"{w}"' for w in _WORD.findall(query))


def search_documents(conn: Connection, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Documents matching every word of ``query``, best first, with a marked snippet."""
    words = _WORD.findall(query)
    if not words:
        return []
    limit = max(1, min(int(limit), 500))
    if conn.dialect.name == "sqlite":
        sql = text(
            "SELECT d.id, d.title, d.published, "
            "snippet(documents_fts, 1, char(1), char(2), '…', 16) AS snippet "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH :q ORDER BY rank LIMIT :n")
        rows = conn.execute(sql, {"q": _fts5_query(query), "n": limit})
    elif conn.dialect.name == "postgresql":
        sql = text(
            "SELECT id, title, published, ts_headline('simple', left(text, 400000), plainto_tsquery('simple', :q), "
            "'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12') AS snippet "
            f"FROM documents WHERE {_PG_TSVECTOR} @@ plainto_tsquery('simple', :q) "
            f"ORDER BY ts_rank({_PG_TSVECTOR}, plainto_tsquery('simple', :q)) DESC, id LIMIT :n")
        rows = conn.execute(sql, {"q": " ".join(words), "n": limit})
    else:  # any other backend: a plain substring scan, slow but correct
        sql = text("SELECT id, title, published, substr(text, 1, 200) AS snippet FROM documents "
                   "WHERE lower(text) LIKE :q ORDER BY id LIMIT :n")
        rows = conn.execute(sql, {"q": f"%{words[0].lower()}%", "n": limit})
    return [dict(r._mapping) for r in rows]
