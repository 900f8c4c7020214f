"""The ledger store: one small repository API over SQLAlchemy 2.

SQLite is the default (a file path, opened in WAL mode); any SQLAlchemy URL
works the same way, e.g. ``postgresql+psycopg://user@host/dbname``. Opening a
ledger applies the Alembic migrations. Each document is written in one
transaction with all its analysis: a crash leaves it wholly in or wholly out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from counterclaim.errors import LedgerError
from counterclaim.ingest.document import Document
from counterclaim.ledger.bulk import insert_ignoring_conflicts, put_rows
from counterclaim.ledger.models import (
    AliasRow,
    AttributionRow,
    ClaimRow,
    CorrectionRow,
    DocumentRow,
    EntityLinkRow,
    EntityRow,
    MentionRow,
    QuantityRow,
    RelationRow,
    TechniqueRow,
)
from counterclaim.records import Analysis, EntityLink, EntityRecord, RelationRecord

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 120_000  # how long a SQLite writer waits for another one
WRITE_OPTION = "counterclaim_write"  # execution option marking a writing transaction
# PostgreSQL advisory lock keys (any two bigints unlikely to clash with another application's).
PG_MIGRATE_LOCK, PG_LINK_LOCK = 0x63636D6967, 0x63636C6E6B
# Per-document analysis rows, replaced together when a document is analysed again.
ANALYSIS_TABLES = (MentionRow, QuantityRow, AttributionRow, ClaimRow, TechniqueRow)


def database_url(db: str) -> str:
    """Turn the ``--db`` value (a path or a URL) into a SQLAlchemy URL."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def sqlite_path(url: str) -> Path | None:
    """The file a ``sqlite:///`` URL names (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite:///"):
        return None
    name = url.removeprefix("sqlite:///").split("?", 1)[0]
    return None if name in ("", ":memory:") else Path(name)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own transaction handling is turned off: _sqlite_begin says BEGIN itself, so
    # DDL is transactional too and a writer can take the write lock first (BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    """Writers take SQLite's write lock when their transaction starts (another writer waits for
    it, up to the busy timeout), so what they read before writing cannot change under them."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


INCIDENT_PREFIX = "EVENT:incident-"  # ids of the incidents the linker derives (counterclaim.link.incidents)


class Ledger:
    """A ledger database, migrated to the current schema on open.

    Args:
        db: a file path (SQLite) or a SQLAlchemy URL.
        create: make a new SQLite file when none exists at ``db`` (False refuses a missing file,
            so a mistyped path is an error instead of a new, empty ledger).

    Raises:
        LedgerError: E201 when the database cannot be reached or opened,
            E202 when it was written by a newer counterclaim, E205 when the SQLite file does
            not exist and ``create`` is False.
    """

    def __init__(self, db: str, *, create: bool = True) -> None:
        self.url = database_url(db)
        path = sqlite_path(self.url)
        if path is not None and not create and not path.exists():
            raise LedgerError(f"no ledger at {db!r} (no such file); check the path, or give --create to start "
                              "an empty ledger there (ingest creates one)", code="E205")
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise LedgerError(f"cannot use database {db!r}: {exc}", code="E201") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)
        try:
            self._migrate()
        except LedgerError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise LedgerError(f"cannot open database {db!r}: {_short(exc)}", code="E201") from exc

    # -- schema -----------------------------------------------------------------
    def _migrate(self) -> None:
        cfg = _alembic_config()
        head = ScriptDirectory.from_config(cfg).get_current_head()
        # One process migrates at a time: on SQLite the write lock (BEGIN IMMEDIATE), on PostgreSQL
        # a transaction-scoped advisory lock; DDL is transactional on both, so the other waits and
        # then finds the schema at head.
        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATE_LOCK})
            current = MigrationContext.configure(conn).get_current_revision()
            known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
            if current is not None and current not in known:
                raise LedgerError(
                    f"the ledger is at schema revision {current!r}, newer than this "
                    f"counterclaim knows (head {head!r}); upgrade counterclaim",
                    code="E202",
                )
            if current != head:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back."""
        with self._sessions.begin() as s:
            yield s

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session for a write that reads first: on SQLite it holds the write lock from its start."""
        with self._write_sessions.begin() as s:
            yield s

    @contextmanager
    def link_lock(self) -> Iterator[None]:
        """Held while linking: one linker per ledger at a time, across processes; the others wait.

        PostgreSQL: a session-level advisory lock on a connection of its own. SQLite: an exclusive
        ``flock`` on ``<ledger file>-link.lock`` (released by the kernel if the process dies).
        """
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LINK_LOCK})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LINK_LOCK})
                    conn.commit()
            return
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            with _LOCAL_LINK_LOCK:
                yield
            return
        import fcntl

        with open(f"{database}-link.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- documents --------------------------------------------------------------
    def has_sha256(self, sha256: str) -> bool:
        with self._sessions() as s:
            return s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha256)) is not None

    def add_document(self, doc: Document, analysis: Analysis | None, *, analyzer: str | None = None) -> bool:
        """Store a document and its analysis in one transaction.

        Another process may write the same document or entities at the same time: a document
        it stored first is a duplicate here (False), and entity rows are written conflict-safe.

        Returns:
            False when a document with the same text was already in the ledger
            (nothing is written), True when it was added.

        Raises:
            LedgerError: E204 when the database refuses the write (the document is not stored).
        """
        for attempt in range(3):
            try:
                return self._add_document(doc, analysis, analyzer)
            except IntegrityError as exc:  # a concurrent writer got there first
                if self.has_sha256(doc.sha256):
                    return False
                if attempt == 2:
                    raise LedgerError(f"the ledger refused the document: {_short(exc)}", code="E204") from None
            except OperationalError as exc:  # a deadlock or a lock wait that timed out: try again
                if attempt == 2:
                    raise LedgerError(f"the ledger refused the document: {_short(exc)}", code="E204") from None
            except SQLAlchemyError as exc:
                raise LedgerError(f"the ledger refused the document: {_short(exc)}", code="E204") from None
        raise AssertionError("unreachable")

    def _add_document(self, doc: Document, analysis: Analysis | None, analyzer: str | None) -> bool:
        with self.write_session() as s:
            if s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == doc.sha256)):
                return False
            row = _document_row(doc)
            s.add(row)
            s.flush()
            if analysis is not None:
                self._write_analysis(s, row, analysis, analyzer)
        return True

    def add_documents(self, batch: Sequence[tuple[Document, Analysis | None, str | None]]
                      ) -> list[bool | LedgerError]:
        """Store a batch of documents (with their analyses and analyzer names) in one transaction.

        What :meth:`add_document` returns for each: False for a text the ledger (or the batch)
        already holds. The batch's entities are upserted first, all together in sorted order, so
        concurrent batches never wait on each other in a cycle. A batch the database keeps refusing
        is stored one document per transaction instead, so a refused document fails alone (its
        LedgerError, E204, in the list) and the others are stored.
        """
        for _attempt in range(3):
            try:
                return list(self._add_documents(batch))
            except (IntegrityError, OperationalError):  # a concurrent writer or a deadlock: again
                continue
            except SQLAlchemyError:
                break
        out: list[bool | LedgerError] = []
        for doc, analysis, analyzer in batch:
            try:
                out.append(self.add_document(doc, analysis, analyzer=analyzer))
            except LedgerError as exc:
                out.append(exc)
        return out

    def _add_documents(self, batch: Sequence[tuple[Document, Analysis | None, str | None]]) -> list[bool]:
        with self.write_session() as s:
            shas = sorted({doc.sha256 for doc, _a, _n in batch})
            seen = {sha for i in range(0, len(shas), 500)
                    for sha in s.scalars(select(DocumentRow.sha256).where(DocumentRow.sha256.in_(shas[i:i + 500])))}
            added = []
            for doc, _a, _n in batch:
                added.append(doc.sha256 not in seen)
                seen.add(doc.sha256)
            new = [item for item, fresh in zip(batch, added, strict=True) if fresh]
            self._upsert_entities(s, [e for _d, analysis, _n in new if analysis for e in analysis.entities])
            s.flush()
            for doc, analysis, analyzer in new:
                row = _document_row(doc)
                s.add(row)
                s.flush()
                if analysis is not None:
                    self._write_analysis(s, row, analysis, analyzer, entities=False)
        return added

    def replace_analysis(self, doc_id: str, analysis: Analysis, *, analyzer: str | None = None) -> None:
        """Replace one document's analysis (mentions, asserter) in one transaction; it is then unlinked."""
        with self.write_session() as s:
            row = s.get(DocumentRow, doc_id)
            if row is None:
                raise LedgerError(f"no document {doc_id!r} in the ledger", code="E203")
            for table in ANALYSIS_TABLES:
                s.execute(table.__table__.delete().where(table.doc_id == doc_id))
            self._write_analysis(s, row, analysis, analyzer)

    def _write_analysis(self, s: Session, row: DocumentRow, analysis: Analysis, analyzer: str | None, *,
                        entities: bool = True) -> None:
        if entities:  # (a batch upserts its documents' entities together first)
            self._upsert_entities(s, analysis.entities)
            s.flush()
        for n, m in enumerate(sorted(analysis.mentions, key=lambda m: (m.start, m.end, m.entity))):
            s.add(
                MentionRow(
                    id=f"{row.id}:m{n:04d}", doc_id=row.id, start=m.start, end=m.end,
                    text=m.text, entity_id=m.entity, kind=m.kind, rule=m.rule,
                )
            )
        self._write_records(s, row.id, analysis)
        row.asserter_id = analysis.asserter
        row.why = {**(row.why or {}), **analysis.why}
        row.analyzed = True
        row.linked = False
        row.analyzer = _fit(analyzer, 200)

    @staticmethod
    def _write_records(s: Session, doc_id: str, analysis: Analysis) -> None:
        """Quantities, attributions and claims, their local ids ('q0') qualified by the document id."""
        known = {e.id for e in analysis.entities}

        def gid(local: str | None) -> str | None:
            return f"{doc_id}:{local}" if local else None

        def ent(key: str | None) -> str | None:
            return key if key in known else None

        for q in analysis.quantities:
            s.add(QuantityRow(id=gid(q.id), doc_id=doc_id, start=q.start, end=q.end, text=q.text, value=q.value,
                              low=q.low, high=q.high, approx=q.approx, counted=q.counted, category=q.category,
                              subgroup=q.subgroup, parent_id=gid(q.parent), claim_id=gid(q.claim),
                              event_id=ent(q.event), rule=q.rule, scope=q.scope,
                              revision_of=gid(q.revision_of), stated=q.stated or None, vague=q.vague))
        for a in analysis.attributions:
            sp, cue = a.speaker_span, a.cue
            s.add(AttributionRow(
                id=gid(a.id), doc_id=doc_id, speaker_id=ent(a.speaker),
                speaker_start=sp.start if sp else None, speaker_end=sp.end if sp else None,
                speaker_text=sp.text if sp else None, cue_start=cue.start if cue else None,
                cue_end=cue.end if cue else None, cue_text=cue.text if cue else None,
                content_start=a.content.start, content_end=a.content.end, content_text=a.content.text,
                direct=a.direct, via=[v for v in a.via if v in known], rule=a.rule))
        for c in analysis.claims:
            s.add(ClaimRow(id=gid(c.id), doc_id=doc_id, start=c.start, end=c.end, text=c.text,
                           asserter_id=ent(c.asserter), claim_type=c.claim_type, polarity=c.polarity,
                           checkworthy=c.checkworthy, about=[a for a in c.about if a in known],
                           attribution_id=gid(c.attribution), rule=c.rule))
        for t in analysis.techniques:
            s.add(TechniqueRow(id=gid(t.id), doc_id=doc_id, start=t.start, end=t.end, text=t.text, label=t.label,
                               score=t.score, why=t.why, speaker_id=ent(t.speaker), rule=t.rule))

    @staticmethod
    def _upsert_entities(s: Session, entities: Sequence[EntityRecord]) -> None:
        """Add the documents' entities and any aliases/roles the ledger lacks.

        Conflict-safe (``INSERT … ON CONFLICT DO NOTHING``, rows in sorted order so two writers
        never wait on each other in a cycle): another transaction may add the same entity at once.
        """
        wanted: dict[str, EntityRecord] = {}
        for ent in entities:
            best = wanted.get(ent.id)
            if best is None or _name_order(ent.name) < _name_order(best.name):
                wanted[ent.id] = ent
        if not wanted:
            return
        keys = sorted(wanted)
        insert = insert_ignoring_conflicts(s)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            s.execute(insert(EntityRow.__table__), [
                {"id": k, "name": wanted[k].name, "type": wanted[k].type} for k in chunk])
            # the same canonical name whatever order documents came in: the fullest form wins
            for key, name in sorted(s.execute(select(EntityRow.id, EntityRow.name).where(EntityRow.id.in_(chunk)))):
                if _name_order(wanted[key].name) < _name_order(name):
                    s.execute(EntityRow.__table__.update().where(EntityRow.id == key).values(name=wanted[key].name))
        aliases = sorted({(ent.id, a[:500], "name") for ent in entities for a in (ent.name, *ent.aliases)}
                         | {(ent.id, r[:500], "role") for ent in entities for r in ent.roles})
        for i in range(0, len(aliases), 500):
            s.execute(insert(AliasRow.__table__), [
                {"entity_id": k, "alias": a, "kind": kind} for k, a, kind in aliases[i:i + 500]])

    def link_state(self) -> tuple[set[str], set[str]]:
        """Ids of every document, and of the analysed ones whose links are not stored yet."""
        with self._sessions() as s:
            rows = s.execute(select(DocumentRow.id, DocumentRow.analyzed, DocumentRow.linked)).all()
        return {r.id for r in rows}, {r.id for r in rows if r.analyzed and not r.linked}

    def documents(self, *, analyzed: bool | None = None) -> list[DocumentRow]:
        with self._sessions() as s:
            q = select(DocumentRow).order_by(DocumentRow.id)
            if analyzed is not None:
                q = q.where(DocumentRow.analyzed == analyzed)
            return list(s.scalars(q))

    def write_links(self, links: list[EntityLink], relations: list[RelationRecord], *, replace: bool,
                    new_entities: list[EntityRecord] = (),  # type: ignore[assignment]
                    derived: dict[str, dict[str, Any]] | None = None, stale_docs: set[str] = frozenset(),
                    linked: set[str] | frozenset[str] = frozenset()) -> None:
        """Store entity merges and relations in one transaction (``replace`` drops all earlier ones first).

        ``new_entities`` are entities the links refer to that no document names (a WORK answered
        by a document but not in the ledger, an incident); ``derived`` holds their fields
        (``attrs``) by id. Entities derived by an earlier run (incidents, and on ``replace`` works
        too) are dropped first, and so are the relations touching ``stale_docs``' items (the
        documents whose incidents an incremental run recomputed). The documents in ``linked`` are
        marked linked in the same transaction.

        Raises:
            LedgerError: E204 when the database refuses the write (nothing is written).
        """
        try:
            self._write_links(links, relations, replace=replace, new_entities=new_entities, derived=derived,
                              stale_docs=stale_docs, linked=linked)
        except SQLAlchemyError as exc:
            raise LedgerError(f"the ledger refused the links: {_short(exc)}", code="E204") from None

    def _write_links(self, links: list[EntityLink], relations: list[RelationRecord], *, replace: bool,
                     new_entities: list[EntityRecord], derived: dict[str, dict[str, Any]] | None,
                     stale_docs: set[str] | frozenset[str], linked: set[str] | frozenset[str]) -> None:
        with self.write_session() as s:
            done = sorted(linked)
            for i in range(0, len(done), 500):
                s.execute(DocumentRow.__table__.update().where(DocumentRow.id.in_(done[i:i + 500]))
                          .values(linked=True))
            if replace:
                s.execute(EntityLinkRow.__table__.delete())
                s.execute(RelationRow.__table__.delete())
            else:
                if links:
                    # The linker returns whole groups: drop what was stored for their members first.
                    members = sorted({x for link in links for x in (link.entity, link.canonical)})
                    for i in range(0, len(members), 500):
                        chunk = members[i:i + 500]
                        s.execute(EntityLinkRow.__table__.delete().where(
                            EntityLinkRow.entity_id.in_(chunk) | EntityLinkRow.canonical_id.in_(chunk)))
                for doc in sorted(stale_docs):
                    s.execute(RelationRow.__table__.delete().where(
                        (RelationRow.a == doc) | (RelationRow.b == doc)
                        | RelationRow.a.startswith(doc + ":") | RelationRow.b.startswith(doc + ":")))
            if derived is not None:
                old = select(EntityRow.id).where(EntityRow.attrs.is_not(None))
                if not replace:
                    old = old.where(EntityRow.type == "EVENT")
                stale = [i for i in s.scalars(old) if i not in derived or (derived[i] or {}).get("incident_type")]
                for i in range(0, len(stale), 500):
                    s.execute(EntityRow.__table__.delete().where(EntityRow.id.in_(stale[i:i + 500])))
                s.flush()
            if new_entities:
                self._upsert_entities(s, list(new_entities))
                s.flush()
            for key, attrs in sorted((derived or {}).items()):
                row = s.get(EntityRow, key)
                if row is not None:
                    row.attrs = attrs
            if derived is not None:
                self._point_figures_at_incidents(s, derived)
            put_rows(s, EntityLinkRow, "entity_id", [  # every member's stored link was deleted above
                {"entity_id": link.entity, "canonical_id": link.canonical, "score": link.score,
                 "evidence": link.evidence} for link in links], keep=False)
            put_rows(s, RelationRow, "id", [
                {"id": r.id, "type": r.type, "a": r.a, "b": r.b, "score": r.score, "evidence": r.evidence}
                for r in relations], keep=not replace)

    @staticmethod
    def _point_figures_at_incidents(s: Session, derived: dict[str, dict[str, Any]]) -> None:
        """A figure the text tied to no event gets the incident the linker put it in (``quantity.event``)."""
        s.execute(QuantityRow.__table__.update().where(QuantityRow.event_id.startswith(INCIDENT_PREFIX))
                  .values(event_id=None))
        for key, attrs in sorted(derived.items()):
            ids = sorted(attrs.get("quantities") or ()) if attrs.get("incident_type") else []
            for i in range(0, len(ids), 500):
                s.execute(QuantityRow.__table__.update().where(QuantityRow.id.in_(ids[i:i + 500]))
                          .where(QuantityRow.event_id.is_(None)).values(event_id=key))

    def canonical_map(self) -> dict[str, str]:
        """Merged entity id → the canonical id it is shown as (merges an analyst rejected are left out)."""
        with self._sessions() as s:
            rejected = self._rejected_links(s)
            return {r.entity_id: r.canonical_id for r in s.scalars(select(EntityLinkRow))
                    if r.entity_id not in rejected}

    @staticmethod
    def _rejected_links(s: Session) -> set[str]:
        latest: dict[str, str] = {}
        for c in s.scalars(select(CorrectionRow).where(CorrectionRow.kind == "entity_link")
                           .where(CorrectionRow.action.in_(("confirm", "reject", "reset")))
                           .order_by(CorrectionRow.id)):
            latest[c.item_id] = c.action
        return {k for k, v in latest.items() if v == "reject"}

    # -- corrections --------------------------------------------------------------
    def add_correction(self, **fields: Any) -> int:
        """Store one correction (fields of :class:`CorrectionRow`); returns its id."""
        with self.write_session() as s:
            row = CorrectionRow(created_at=datetime.now(UTC).replace(tzinfo=None), **fields)
            s.add(row)
            s.flush()
            return row.id

    def add_corrections(self, many: list[dict[str, Any]]) -> int:
        """Store several corrections in one transaction (all or none); returns how many."""
        with self.write_session() as s:
            now = datetime.now(UTC).replace(tzinfo=None)
            s.add_all([CorrectionRow(created_at=now, **fields) for fields in many])
        return len(many)

    def corrections(self, *, doc_id: str | None = None, kinds: tuple[str, ...] | None = None,
                    item_ids: set[str] | None = None) -> list[CorrectionRow]:
        """Corrections in the order they were made, for one document, some kinds, or some item ids."""
        q = select(CorrectionRow).order_by(CorrectionRow.id)
        if doc_id is not None:
            q = q.where(CorrectionRow.doc_id == doc_id)
        if kinds is not None:
            q = q.where(CorrectionRow.kind.in_(kinds))
        with self._sessions() as s:
            if item_ids is None:
                return list(s.scalars(q))
            out: list[CorrectionRow] = []
            ids = sorted(item_ids)
            for i in range(0, len(ids), 500):
                out.extend(s.scalars(q.where(CorrectionRow.item_id.in_(ids[i:i + 500]))))
            return sorted(out, key=lambda c: c.id)

    # -- search -------------------------------------------------------------------
    def search(self, query: Any, *, limit: int = 50) -> list[dict[str, Any]]:
        """Full-text search over titles and texts (SQLite FTS5 / PostgreSQL ``tsvector``).

        ``query`` is the search box's text or a :class:`~counterclaim.ledger.search.ParsedQuery`.
        Returns ``{"id", "title", "published", "snippet"}`` per hit, best first; in ``snippet``
        the matched words are wrapped in U+0001 … U+0002 (the caller escapes, then marks them).
        """
        from counterclaim.ledger.search import search_documents

        with self.engine.connect() as conn:
            return search_documents(conn, query, limit=limit)

    def match_documents(self, key: str) -> list[str]:
        """Ids of the documents ``key`` names: its id, else the path it was ingested from, else an id prefix."""
        with self._sessions() as s:
            for cond in (DocumentRow.id == key, DocumentRow.path == key,
                         DocumentRow.id.startswith(key, autoescape=True)):
                ids = list(s.scalars(select(DocumentRow.id).where(cond).order_by(DocumentRow.id)))
                if ids:
                    return ids
        return []

    def document_summaries(self) -> list[dict[str, object]]:
        """One row per document (ordered by published date, then id) for listings."""
        mention_count = (select(MentionRow.doc_id, func.count().label("n")).group_by(MentionRow.doc_id)
                         .subquery())
        q = (select(DocumentRow.id, DocumentRow.path, DocumentRow.title, DocumentRow.published,
                    DocumentRow.doc_type, DocumentRow.dateline, DocumentRow.outlet, DocumentRow.language,
                    EntityRow.name.label("asserter"), func.coalesce(mention_count.c.n, 0).label("mentions"))
             .outerjoin(EntityRow, EntityRow.id == DocumentRow.asserter_id)
             .outerjoin(mention_count, mention_count.c.doc_id == DocumentRow.id)
             .order_by(DocumentRow.published, DocumentRow.id))
        with self._sessions() as s:
            return [dict(r._mapping) for r in s.execute(q)]

    def counts(self) -> dict[str, int]:
        """Row counts per table, for summaries."""
        with self._sessions() as s:
            return {
                "documents": s.scalar(select(func.count()).select_from(DocumentRow)) or 0,
                "entities": s.scalar(select(func.count()).select_from(EntityRow)) or 0,
                "mentions": s.scalar(select(func.count()).select_from(MentionRow)) or 0,
                "quantities": s.scalar(select(func.count()).select_from(QuantityRow)) or 0,
                "attributions": s.scalar(select(func.count()).select_from(AttributionRow)) or 0,
                "claims": s.scalar(select(func.count()).select_from(ClaimRow)) or 0,
                "techniques": s.scalar(select(func.count()).select_from(TechniqueRow)) or 0,
                "relations": s.scalar(select(func.count()).select_from(RelationRow)) or 0,
            }

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))


_LOCAL_LINK_LOCK = threading.Lock()


def _document_row(doc: Document) -> DocumentRow:
    return DocumentRow(
        id=doc.id, sha256=doc.sha256, path=doc.path, text=doc.text, title=doc.title,
        published=_fit(doc.published, 32), dateline=_fit(doc.dateline, 200), outlet=_fit(doc.outlet, 200),
        url=doc.url, doc_type=doc.doc_type or "other", language=_fit(doc.language, 16), analyzed=False,
        linked=False, meta=doc.meta, why=dict(doc.why), ingested_at=datetime.now(UTC).replace(tzinfo=None),
    )


def _fit(value: str | None, size: int) -> str | None:
    """Cut a metadata value to its column size (PostgreSQL refuses longer ones; SQLite would not)."""
    return value if value is None or len(value) <= size else value[: size - 1] + "…"


def _name_order(name: str) -> tuple[int, str]:
    """Sort key for an entity's canonical name: the fullest form, then plain ASCII before typographic."""
    return (-len(name), name)


def _short(exc: BaseException) -> str:
    msg = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return msg[0] if msg else exc.__class__.__name__
