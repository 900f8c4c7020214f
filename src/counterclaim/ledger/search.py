"""Full-text search over documents: SQLite FTS5 or PostgreSQL ``tsvector``, same results shape.

A query is read once (:func:`parse_query`): words are de-duplicated, stop-words left out, at
most ``max_terms`` words kept and ``max_chars`` characters read (cut at a word boundary; the
caller says so). Each word is searched by its stem as a prefix ("genocides" → ``genocid*``,
which finds "genocide"), each number with or without its thousands separators ("3890" finds
"3,890", which both indexes split into "3" and "890").

The user's words are never passed as query syntax: only ``\\w`` characters reach the FTS5
phrase or the ``to_tsquery`` string, so ``"``, ``*``, ``NEAR``, ``:`` or ``&`` in a search box
cannot break or widen the query. Snippets mark matches with U+0001 … U+0002; those two
characters are removed from the document's own text first, so a text cannot forge a mark.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, text

from counterclaim.resources import load_json

MARK_OPEN, MARK_CLOSE = "\x01", "\x02"
# Same expression as the GIN index of migration 0004, so PostgreSQL can use it.
_PG_TSVECTOR = "to_tsvector('simple'::regconfig, left(coalesce(title, '') || ' ' || text, 400000))"
# A number with thousands separators ("3,890", "3.890", "3 890") is one term; otherwise words.
_TOKEN = re.compile(r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?!\d)|\w+", re.UNICODE)
_SEPARATORS = re.compile(r"[,.\u00a0\u202f ]")


@cache
def _data() -> dict[str, Any]:
    return load_json("search.json", required=("max_terms", "max_chars", "min_stem", "suffixes", "stop_words"))


@dataclass(frozen=True)
class Term:
    """One searched word: ``word`` as typed (lower-cased), ``stem`` searched as a prefix when ``prefix``;
    a number keeps its digits in ``stem`` and is matched with and without thousands separators."""

    word: str
    stem: str
    prefix: bool = False
    number: bool = False

    def groups(self) -> list[str]:
        """A number's digits in groups of three from the right: 3890 → ['3', '890']."""
        head = len(self.stem) % 3 or 3
        return [self.stem[:head]] + [self.stem[i:i + 3] for i in range(head, len(self.stem), 3)]


@dataclass
class ParsedQuery:
    """What was searched: the terms, and what was left out (stop-words, words past the cap, a cut)."""

    terms: list[Term] = field(default_factory=list)
    stop_words: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    cut: bool = False

    def note(self) -> str | None:
        """A sentence saying how the query was shortened, or None when it was searched whole."""
        parts = []
        if self.cut:
            parts.append(f"only the first {_data()['max_chars']} characters of the query were read")
        if self.left_out:
            parts.append(f"only the first {_data()['max_terms']} words were searched; left out: "
                         + ", ".join(self.left_out[:10]) + (" …" if len(self.left_out) > 10 else ""))
        if self.stop_words:
            parts.append("common words ignored: " + ", ".join(self.stop_words[:10]))
        return " ".join(p[0].upper() + p[1:] + "." for p in parts) or None

    def as_dict(self) -> dict[str, Any]:
        return {"terms": [t.word for t in self.terms], "note": self.note()}


def stem(word: str) -> tuple[str, bool]:
    """(the form to search, whether as a prefix): the word less its longest listed suffix."""
    data = _data()
    for suffix in sorted(data["suffixes"], key=len, reverse=True):
        if word.endswith(suffix) and len(word) - len(suffix) >= data["min_stem"]:
            return word[: -len(suffix)], True
    return word, len(word) >= data["min_stem"]


def parse_query(query: str) -> ParsedQuery:
    """Read a search box: cut, tokenise, de-duplicate, drop stop-words, cap the number of terms."""
    data = _data()
    query = query or ""
    parsed = ParsedQuery()
    if len(query) > data["max_chars"]:
        parsed.cut = True
        head = query[: data["max_chars"]]
        if re.match(r"\w", query[data["max_chars"]]):
            head = re.sub(r"\w+$", "", head)  # never a word cut in two
        query = head
    words: list[str] = []
    for token in _TOKEN.findall(query):
        word = token.casefold()
        if word not in words:
            words.append(word)
    stop = set(data["stop_words"])
    kept = [w for w in words if w not in stop] or words
    parsed.stop_words = [w for w in words if w not in kept]
    parsed.left_out = kept[data["max_terms"]:]
    for word in kept[: data["max_terms"]]:
        digits = _SEPARATORS.sub("", word)
        if digits.isdigit():
            parsed.terms.append(Term(word, digits.lstrip("0") or "0", number=True))
        else:
            form, prefix = stem(word)
            parsed.terms.append(Term(word, form, prefix=prefix))
    return parsed


def fts5_query(parsed: ParsedQuery) -> str:
    """FTS5 syntax, every term required: ``"genocid"* ("3890" OR "3 890")``."""
    out = []
    for t in parsed.terms:
        if t.number and len(t.stem) > 3:
            out.append(f'("{t.stem}" OR "{" ".join(t.groups())}")')
        else:
            out.append(f'"{t.stem}"' + ("*" if t.prefix else ""))
    return " ".join(out)


def pg_tsquery(parsed: ParsedQuery) -> str:
    """``to_tsquery`` syntax, every term required: ``genocid:* & (3890 | 3 <-> 890 | 3.890)``."""
    out = []
    for t in parsed.terms:
        if t.number and len(t.stem) > 3:
            out.append(f"({t.stem} | {' <-> '.join(t.groups())} | {'.'.join(t.groups())})")  # '3.890': one token
        else:
            out.append(t.stem + (":*" if t.prefix else ""))
    return " & ".join(out)


def _marked(snippet: str | None, start: str, stop: str) -> str:
    """A snippet with the document's own U+0001/U+0002 removed and our one-off markers turned into them."""
    clean = (snippet or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
    return clean.replace(start, MARK_OPEN).replace(stop, MARK_CLOSE)


def search_documents(conn: Connection, query: str | ParsedQuery, *, limit: int = 50) -> list[dict[str, Any]]:
    """Documents matching every term of ``query``, best first, with a marked snippet."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if not parsed.terms:
        return []
    limit = max(1, min(int(limit), 500))
    nonce = secrets.token_hex(8)  # markers no document text can contain
    start, stop = f"ccmarkopen{nonce}", f"ccmarkclose{nonce}"
    if conn.dialect.name == "sqlite":
        sql = text(
            "SELECT d.id, d.title, d.published, "
            "snippet(documents_fts, 1, :start, :stop, '…', 24) AS snippet "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH :q ORDER BY rank LIMIT :n")
        rows = conn.execute(sql, {"q": fts5_query(parsed), "n": limit, "start": start, "stop": stop})
    elif conn.dialect.name == "postgresql":
        sql = text(
            "SELECT id, title, published, ts_headline('simple', left(text, 400000), to_tsquery('simple', :q), "
            "'StartSel=' || :start || ', StopSel=' || :stop || ', MaxWords=30, MinWords=12') AS snippet "
            f"FROM documents WHERE {_PG_TSVECTOR} @@ to_tsquery('simple', :q) "
            f"ORDER BY ts_rank({_PG_TSVECTOR}, to_tsquery('simple', :q)) DESC, id LIMIT :n")
        rows = conn.execute(sql, {"q": pg_tsquery(parsed), "n": limit, "start": start, "stop": stop})
    else:  # any other backend: a plain substring scan, slow but correct
        sql = text("SELECT id, title, published, substr(text, 1, 200) AS snippet FROM documents "
                   "WHERE lower(text) LIKE :q ORDER BY id LIMIT :n")
        rows = conn.execute(sql, {"q": f"%{parsed.terms[0].stem}%", "n": limit})
    return [{**r._mapping, "snippet": _marked(r._mapping["snippet"], start, stop)} for r in rows]
