"""The library API that the CLI and the web reader both call.

    from counterclaim.api import open_ledger, ingest, export_jsonl
    ledger = open_ledger("counterclaim.db")
    report = ingest(ledger, ["examples/"])
    export_jsonl(ledger, sys.stdout)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from counterclaim.errors import AnalysisError, CounterclaimError, IngestError, LedgerError
from counterclaim.export.csv import export_csv
from counterclaim.export.jsonl import export_jsonl
from counterclaim.export.rows import contract_counts
from counterclaim.ingest.document import Document
from counterclaim.ingest.metadata import infer_metadata
from counterclaim.ingest.readers import DEFAULT_MAX_BYTES, iter_input_files, read_file
from counterclaim.ledger.store import Ledger

__all__ = ["IngestReport", "Ledger", "analyze_pending", "contract_counts", "export_csv", "export_jsonl", "ingest",
           "open_ledger"]

Progress = Callable[[str], None]


@dataclass
class IngestReport:
    """What one ingest did: ids added, paths skipped as duplicates, failures with reasons."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[CounterclaimError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def open_ledger(db: str, *, create: bool = True) -> Ledger:
    """Open (and migrate) the ledger at a path or SQLAlchemy URL.

    With ``create=False`` a missing SQLite file is refused (LedgerError E205) instead of created.
    """
    return Ledger(db, create=create)


def list_inputs(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """Every input file under ``paths``; raises UsageError (E002) for a missing path."""
    return list(iter_input_files(paths))


def ingest(
    ledger: Ledger,
    paths: Sequence[str | os.PathLike[str]],
    *,
    analyze: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 16,
    on_file: Progress | None = None,
    files: list[tuple[Path, str]] | None = None,
    link_after: bool = True,
    workers: int = 1,
    on_link: Callable[[int], None] | None = None,
    on_document: Progress | None = None,
) -> IngestReport:
    """Read, analyse and store every document under ``paths``.

    Each document is written in its own transaction with all its analysis; a
    document whose text is already in the ledger is skipped; a file or line
    that cannot be read or analysed is reported and the rest go on.

    Args:
        ledger: the open ledger.
        paths: files and directories (walked recursively).
        analyze: run the NLP analysis (False stores the text and metadata only).
        max_bytes: refuse single files larger than this (E105).
        batch_size: documents parsed together by spaCy.
        on_file: called with each file's display path once it has been read.
        files: the expanded inputs, if the caller already listed them.
        link_after: link the new documents, and any earlier ones not linked yet, once they are stored
            (analysed ingests only).
        workers: processes running the analysis (1: this process); the documents are still stored
            by this process alone, one transaction each, in input order, so the ledger is the same.
        on_link: called with the number of documents to link, just before linking starts.
        on_document: called with each analysed document's path once it is stored (or refused).
    """
    report = IngestReport()
    seen: set[str] = set()

    def documents() -> Iterator[Document]:
        for path, shown in files if files is not None else list_inputs(paths):
            for item in read_file(path, shown, max_bytes=max_bytes):
                if isinstance(item, IngestError):
                    report.failed.append(item)
                    continue
                if item.sha256 in seen or ledger.has_sha256(item.sha256):
                    report.skipped.append(item.path)
                    continue
                seen.add(item.sha256)
                try:
                    yield infer_metadata(item)
                except Exception as exc:  # noqa: BLE001 - one odd text must not stop the ingest
                    report.failed.append(IngestError(f"metadata inference failed: {exc!r}", code="E110",
                                                     path=item.path))
            if on_file:
                on_file(shown)

    if not analyze:
        for doc in documents():
            store_document(ledger, doc, None, None, report)
        return report

    from counterclaim.parallel import analysis_stream

    with analysis_stream(documents(), workers=workers, batch_size=batch_size) as (name, results):
        for doc, result in results:
            if isinstance(result, AnalysisError):
                report.failed.append(result)
            else:
                store_document(ledger, doc, result, name, report)
            if on_document:
                on_document(doc.path)
    if link_after:  # the new documents, and any an interrupted run left unlinked
        try:
            link(ledger, new_docs=report.added, on_start=on_link)
        except AnalysisError as exc:  # E305: the documents are in; say so and exit 1, as for a failed input
            report.failed.append(exc)
    return report


def store_document(ledger: Ledger, doc: Document, analysis, analyzer: str | None,  # type: ignore[no-untyped-def]
                   report: IngestReport) -> None:
    """Write one document into ``report``'s tally; a database refusal fails this document (E204), never the
    ones after it. ``ingest`` and ``spark-ingest`` both store through here."""
    try:
        added = ledger.add_document(doc, analysis, analyzer=analyzer)
    except LedgerError as exc:
        report.failed.append(LedgerError(exc.message, code=exc.code, path=doc.path))
        return
    if added:
        report.added.append(doc.id)
    else:
        report.skipped.append(doc.path)


def pending_count(ledger: Ledger, *, everything: bool = False) -> int:
    """How many documents :func:`analyze_pending` would analyse."""
    return ledger.counts()["documents"] if everything else len(ledger.documents(analyzed=False))


def analyze_pending(ledger: Ledger, *, everything: bool = False, batch_size: int = 16,
                    on_doc: Progress | None = None, link_after: bool = True, workers: int = 1) -> IngestReport:
    """Analyse documents stored with ``--no-analyze`` (or all of them, again), in ``workers`` processes."""
    from counterclaim.parallel import analysis_stream

    report = IngestReport()
    rows = ledger.documents(analyzed=None if everything else False)
    docs = [
        Document(text=r.text, path=r.path, title=r.title, published=r.published, dateline=r.dateline,
                 outlet=r.outlet, url=r.url, doc_type=r.doc_type, language=r.language, meta=r.meta or {},
                 why=r.why or {})
        for r in rows
    ]
    with analysis_stream(docs, workers=workers, batch_size=batch_size) as (name, results):
        for doc, result in results:
            if isinstance(result, AnalysisError):
                report.failed.append(result)
            else:
                ledger.replace_analysis(doc.id, result, analyzer=name)
                report.added.append(doc.id)
            if on_doc:
                on_doc(doc.path)
    if link_after and (report.added or not everything):
        link(ledger, new_docs=None if everything else report.added)
    return report


@dataclass
class LinkReport:
    """What a linking run wrote (``documents``: how many documents it linked)."""

    merges: int = 0
    relations: dict[str, int] = field(default_factory=dict)
    documents: int = 0


def link(ledger: Ledger, *, new_docs: Sequence[str] | None = None,
         on_start: Callable[[int], None] | None = None) -> LinkReport:
    """Link documents across the ledger: entity merges and relations between claims, figures, documents.

    One linker runs at a time per ledger (:meth:`Ledger.link_lock`; another process or thread
    waits its turn), and each document records whether its links are stored, so an
    interrupted run is finished by the next one.

    Args:
        ledger: the open ledger.
        new_docs: ids of newly added documents: links touching them, and any other analysed
            document not linked yet, are computed and added (incremental, as after an ingest;
            nothing to do when all are linked). None rebuilds every link from scratch
            (``relink``); both give the same ledger.
        on_start: called with the number of documents about to be linked, once there is work.
    """
    from counterclaim.export.rows import iter_rows
    from counterclaim.link import link_all

    with ledger.link_lock():
        everything, pending = ledger.link_state()
        if new_docs is not None:
            pending |= set(new_docs) & everything
            if not pending:
                return LinkReport()
        if on_start:
            on_start(len(everything if new_docs is None else pending))
        # Documents stored after link_state() are left for their own ingest's link run.
        rows = [r for r in iter_rows(ledger, resolve=False) if _doc_of(r) in everything or _doc_of(r) is None]
        if new_docs is not None:
            rows += [{"kind": "entity_link", "entity": k, "canonical": v}
                     for k, v in ledger.canonical_map().items()]
        try:
            found = link_all(rows, new_docs=pending if new_docs is not None else None)
        except Exception as exc:  # a linker bug must not lose the ingest: nothing is written, all stays pending
            raise AnalysisError(f"linking {len(pending if new_docs is not None else everything)} document(s) "
                                f"failed ({exc.__class__.__name__}: {exc}); every document is stored and stays "
                                "marked unlinked: `counterclaim relink` or the next ingest links it",
                                code="E305") from exc
        entities, derived = _derived_entities(found)
        done = everything if new_docs is None else pending
        ledger.write_links(found.links, found.relations, replace=new_docs is None, new_entities=entities,
                           derived=derived, stale_docs=found.stale_docs, linked=done)
    report = LinkReport(merges=len(found.links), documents=len(done))
    for r in found.relations:
        report.relations[r.type] = report.relations.get(r.type, 0) + 1
    return report


def link_pending(ledger: Ledger) -> LinkReport:
    """Link every analysed document whose links are not stored yet (after an interrupted ingest)."""
    return link(ledger, new_docs=[])


def _doc_of(row: dict[str, Any]) -> str | None:
    """The document a contract row belongs to (None for entities, relations, links)."""
    if row["kind"] == "document":
        return str(row["id"])
    return row.get("doc")


def _derived_entities(found: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """Entities the linker made (incidents, answered works outside the ledger) and their fields."""
    from counterclaim.records import EntityRecord

    entities, derived = [], {}
    for inc in found.incidents:
        entities.append(EntityRecord(id=inc.id, name=inc.name, type="EVENT"))
        derived[inc.id] = inc.attrs()
    for w in found.works:
        entities.append(EntityRecord(id=w.id, name=w.name, type="WORK"))
        derived[w.id] = {"author": w.author}
    return entities, derived


def document_summaries(ledger: Ledger) -> list[dict[str, object]]:
    """Each document's id, path, title, date, type, dateline, outlet, language, asserter name, mention count."""
    return ledger.document_summaries()


def document_view(ledger: Ledger, doc: str) -> dict[str, Any]:
    """One document with its entities, mentions, attributions, claims and figures (contract rows).

    ``doc`` is a document id, a unique prefix of one, or the path it was ingested from.

    Raises:
        LedgerError: E203 when no document (or more than one) matches.
    """
    from counterclaim.errors import LedgerError
    from counterclaim.export.rows import document_view as view_of

    hits = ledger.match_documents(doc)
    if len(hits) != 1:
        raise LedgerError(f"{'no' if not hits else str(len(hits))} document(s) match {doc!r}; "
                          "give an id from `counterclaim documents`", code="E203")
    view = view_of(ledger, hits[0])
    assert view is not None
    return view


def export(ledger: Ledger, fmt: str, out: TextIO | None = None, folder: str | None = None) -> None:
    """Export in ``fmt`` ('jsonl' to a text stream, 'csv' or 'parquet' to a folder)."""
    from counterclaim.errors import ExportError

    if fmt == "jsonl":
        export_jsonl(ledger, out)  # type: ignore[arg-type]
    elif fmt in ("csv", "parquet"):
        if not folder:
            raise ExportError(f"{fmt} export writes a folder: give --out DIR", code="E402")
        if fmt == "parquet":
            from counterclaim.export.parquet import export_parquet

            export_parquet(ledger, folder)
            return
        try:
            export_csv(ledger, Path(folder))
        except OSError as exc:
            raise ExportError(f"cannot write the export there: {exc.strerror or exc}", code="E403",
                              path=folder) from None
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose one of: jsonl, csv, parquet", code="E401")
