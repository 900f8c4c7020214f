"""The command line: a thin layer over :mod:`counterclaim.api`.

Exit status: 0 ok; 1 some inputs failed (the rest were ingested); 2 usage
error or unreachable database. Errors are mapped to exit codes here only.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from counterclaim import __version__
from counterclaim.errors import CounterclaimError
from counterclaim.records import describe_figure

app = typer.Typer(
    name="counterclaim",
    help="Turn statements, press releases and wire copy from every side of a conflict into a ledger of "
         "who claims what, with every item pointing at the characters it came from.\n\n"
         "Examples:\n\n"
         "  counterclaim ingest examples/\n\n"
         "  counterclaim --db ledger.db ingest statements/ wire/ --no-analyze\n\n"
         "  counterclaim export --format jsonl > ledger.jsonl",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
)
# No markup by default: ledger text, titles and paths are printed as they are (say_error marks up its own
# prefix and escapes the rest).
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


_WORKERS_HELP = ("Processes running the language analysis (default: the number of cores); one writer stores "
                 "the documents in input order, so the ledger is the same for any number.")


class State:
    db: str = "counterclaim.db"
    # What Ctrl-C leaves behind, said on stderr when it comes (each command keeps it true).
    on_interrupt: str = "interrupted; every write already made is whole"
    create: bool = False


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(value: object) -> str:
    """A user-controlled string made safe for a Rich message: markup escaped, control characters quoted.

    A file named ``Report [draft] v2.txt`` prints as itself, ``[/x]`` cannot break the markup, and
    a newline in a name prints as ``\\n`` so it cannot forge a line of its own.
    """
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(value))
    return escape(text)


def say_error(exc: object) -> None:
    """One coded error line on stderr (the message is user-controlled: escaped and quoted)."""
    err.print(f"[red]error[/red] {shown(exc)}", markup=True, soft_wrap=True)


INTERRUPTED_STORING = ("interrupted: the documents already stored are whole, the others are not in the ledger; "
                       "run the same ingest again to add the rest and link them")
INTERRUPTED_LINKING = ("interrupted while linking: every document is stored, but the links of {n} document(s) "
                       "are not; run the same ingest again (or `counterclaim ingest` of anything) to link them")


def _version(value: bool) -> None:
    if value:
        print(f"counterclaim {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[str, typer.Option("--db", help="Ledger: a file path (SQLite) or a SQLAlchemy URL, "
                                    "e.g. postgresql+psycopg://user@host/dbname.", envvar="COUNTERCLAIM_DB")
                  ] = "counterclaim.db",
    create: Annotated[bool, typer.Option("--create", help="Start an empty SQLite ledger at --db if no file is "
                                         "there (ingest always may); otherwise a missing file is an error.")
                      ] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Options common to every command."""
    State.db = db
    State.create = create


class _StopBetweenDocuments:
    """Ctrl-C while documents are stored stops the ingest between two of them (a second Ctrl-C at once).

    A KeyboardInterrupt raised at an arbitrary point can land inside the database driver's
    cleanup, where Python can only print and drop it; here it is raised by :meth:`check`.
    """

    def __init__(self) -> None:
        self.asked = False
        self.now = False
        self._previous: Any = None

    def __enter__(self) -> _StopBetweenDocuments:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, _signum: int, _frame: Any) -> None:
        if self.now or self.asked:
            raise KeyboardInterrupt
        self.asked = True
        err.print("stopping after the current documents… (Ctrl-C again to stop at once)")

    def check(self) -> None:
        if self.asked:
            raise KeyboardInterrupt


@contextmanager
def _reader_may_leave() -> Iterator[None]:
    """``counterclaim export | head -1``: a reader that closes the pipe early ends the command quietly (exit 0)."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would fail again flushing stdout at exit: point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def _ledger(*, create: bool = False):  # type: ignore[no-untyped-def]
    """The ledger at --db; a missing SQLite file is E205 unless this command creates ledgers or --create."""
    from counterclaim.api import open_ledger

    return open_ledger(State.db, create=create or State.create)


@contextmanager
def _bar(verb: str, total: int, unit: str) -> Iterator[tuple[Progress, TaskID]]:
    """A progress bar on stderr (only on a terminal): ``verb``, a bar, done/total ``unit``, elapsed, a note."""
    with Progress(TextColumn(f"[bold]{verb}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err, disable=not err.is_terminal,
                  transient=True) as bar:
        yield bar, bar.add_task("", total=total)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (walked recursively): "
                                                ".txt .md .html .htm .pdf .jsonl; others are sniffed.")],
    no_analyze: Annotated[bool, typer.Option("--no-analyze", help="Store text and metadata only; "
                                             "run `counterclaim analyze` later.")] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", min=0.001, help="Refuse single files larger than this.")
                      ] = 10.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help=_WORKERS_HELP)] = None,
) -> None:
    """Add documents to the ledger and analyse them.

    Re-ingesting a text already in the ledger changes nothing. Each failure is
    named on stderr with its reason; the other inputs are still ingested.

    Examples:

      counterclaim ingest examples/

      counterclaim --db wire.db ingest feed.jsonl --no-analyze

      counterclaim ingest wire/ --workers 4
    """
    from counterclaim import api
    from counterclaim.parallel import default_workers

    ledger = _ledger(create=True)
    files = api.list_inputs(paths)
    workers = workers or default_workers()
    show = not quiet and err.is_terminal
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, disable=not show, transient=True) as bar:
        task = bar.add_task("", total=len(files))
        if not no_analyze:
            bar.update(task, description="loading the language model…")
            if workers == 1:
                from counterclaim.nlp import load_nlp

                load_nlp()

        stop = _StopBetweenDocuments()

        def step(name: str) -> None:
            stop.check()
            bar.update(task, advance=1, description=shown(name[-50:]))

        def linking(n: int) -> None:
            State.on_interrupt = INTERRUPTED_LINKING.format(n=n)  # every document is stored by now
            stop.now = True  # linking writes once, at its end: stop at once
            stop.check()
            bar.update(task, description=f"linking {n} document(s) to the ledger…")

        State.on_interrupt = INTERRUPTED_STORING
        with stop:
            report = api.ingest(ledger, paths, analyze=not no_analyze, max_bytes=int(max_mb * 1024 * 1024),
                                on_file=step, files=files, workers=workers,
                                on_link=linking, on_document=lambda _path: stop.check())
        State.on_interrupt = "interrupted after the ingest; the ledger is complete"
    for failure in report.failed:
        say_error(failure)
    if not quiet:
        counts = api.contract_counts(ledger)  # as the overview and the export's meta line count
        table = Table(title=f"ingest into {State.db}", show_header=True)
        for col in ("added", "skipped (duplicate)", "failed", "documents in ledger", "entities", "mentions",
                    "figures", "attributions", "claims"):
            table.add_column(col, justify="right")
        table.add_row(str(len(report.added)), str(len(report.skipped)), str(len(report.failed)),
                      *(str(counts[k]) for k in ("document", "entity", "mention", "quantity", "attribution",
                                                 "claim")))
        err.print(table)
        err.print("entities count once however many names were merged into them; rejected items are not counted "
                  "(as in the overview and the export)", style="dim")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def analyze(
    all_: Annotated[bool, typer.Option("--all", help="Re-analyse every document, not only unanalysed ones.")
                    ] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help=_WORKERS_HELP)] = None,
) -> None:
    """Analyse documents stored with --no-analyze (or, with --all, everything again).

    Example:

      counterclaim analyze --all
    """
    from counterclaim import api

    from counterclaim.parallel import default_workers

    ledger = _ledger()
    todo = api.pending_count(ledger, everything=all_)
    with _bar("analyze", todo, "documents") as (bar, task):
        if todo:
            bar.update(task, description="loading the language model…")

        def step(name: str) -> None:
            bar.update(task, advance=1, description=shown(name[-50:]))

        report = api.analyze_pending(ledger, everything=all_, workers=workers or default_workers(), on_doc=step)
    for failure in report.failed:
        say_error(failure)
    err.print(f"analysed {len(report.added)} document(s), {len(report.failed)} failed")
    if report.failed:
        raise typer.Exit(1)


@app.command("spark-ingest")
def spark_ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders or URIs Spark reads (hdfs://, s3a://...): "
                                                "the inputs of `ingest`, and *.parquet datasets with a text "
                                                "column.")],
    master: Annotated[str, typer.Option("--master", help="Spark master: local[N], spark://host:7077, yarn...")
                      ] = "local[*]",
    partitions: Annotated[int | None, typer.Option("--partitions", min=1, help="Analysis tasks "
                                                   "(default: 4 per core).")] = None,
    max_mb: Annotated[float, typer.Option("--max-mb", min=0.001, help="Refuse single files larger than this.")
                      ] = 10.0,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Also write the ledger as Parquet here (the "
                                            "contract's lines by kind, as `export --format parquet`), from the "
                                            "executors; the folder must not exist yet.")] = None,
) -> None:
    """Ingest with Apache Spark: the analysis runs on the executors, the ledger is the same as `ingest` gives.

    Needs `pip install 'counterclaim[spark]'` and a Java runtime. The README says how to run it on a cluster
    with spark-submit.

    Examples:

      counterclaim --db postgresql+psycopg://cc@db/ledger spark-ingest wire/ --master local[4]

      counterclaim spark-ingest archive.parquet --out ledger.parquet
    """
    from counterclaim.spark.job import spark_ingest as run_job
    from counterclaim.spark.job import spark_session

    ledger = _ledger()
    spark = spark_session(master)
    try:
        with err.status("analysing with Spark…"):
            report = run_job(spark, ledger, inputs, partitions=partitions, max_bytes=int(max_mb * 1024 * 1024))
        if out is not None:
            from counterclaim.spark.export import export_on_spark

            with err.status("writing the Parquet ledger…"):
                err.print(f"{export_on_spark(spark, ledger, out)} line(s) written to {out}")
    finally:
        spark.stop()
    for failure in report.failed:
        say_error(failure)
    err.print(f"added {len(report.added)}, skipped {len(report.skipped)} (duplicate), failed {len(report.failed)}")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (to stdout or --out FILE), csv "
                                     "(a folder of one CSV per kind, --out DIR) or parquet (a dataset of the "
                                     "JSONL lines partitioned by kind, --out DIR; needs pyarrow).")] = "jsonl",
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="File (jsonl) or folder (csv, parquet).")
                        ] = None,
) -> None:
    """Write the whole ledger in the contract's format.

    Examples:

      counterclaim export --format jsonl > ledger.jsonl

      counterclaim export --format csv --out ledger_csv/

      counterclaim export --format parquet --out ledger.parquet
    """
    from counterclaim import api

    from counterclaim.errors import ExportError

    if fmt not in ("jsonl", "csv", "parquet"):
        raise ExportError(f"unknown export format {fmt!r}; choose one of: jsonl, csv, parquet", code="E401")
    ledger = _ledger()
    if fmt in ("csv", "parquet"):
        api.export(ledger, fmt, folder=str(out_path) if out_path else None)
    elif out_path is not None:
        try:
            fh = open(out_path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ExportError(f"cannot write the export there: {exc.strerror or exc}", code="E403",
                              path=str(out_path)) from None
        with fh:
            api.export(ledger, fmt, fh)
    else:
        with _reader_may_leave():
            api.export(ledger, fmt, sys.stdout)


@app.command()
def relink() -> None:
    """Rebuild every cross-document link from scratch: entity merges, claim and figure relations.

    Ingest links each new document incrementally; relink gives the same result from zero
    (after changing the linking rules, or to check).

    Examples:

      counterclaim relink

      counterclaim --db wire.db relink
    """
    from counterclaim import api

    ledger = _ledger()
    with _bar("relink", 1, "run") as (bar, task):
        bar.update(task, description="reading the ledger…")

        def started(n: int) -> None:
            bar.update(task, description=f"linking {n} documents: entities, claims, figures…")

        report = api.link(ledger, on_start=started)
        bar.update(task, advance=1)
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(report.relations.items())) or "no relations"
    err.print(f"relinked: {report.merges} entity merge(s); {kinds}")


@app.command()
def documents() -> None:
    """List the documents in the ledger: id, date, type, who speaks for each, title and path.

    Examples:

      counterclaim documents

      counterclaim --db wire.db documents
    """
    from counterclaim import api

    rows = api.document_summaries(_ledger())
    wide = out.width >= 170  # dateline, asserter, mentions and path in columns of their own
    table = Table(title=f"{len(rows)} document(s) in {State.db}", box=box.SIMPLE_HEAD, pad_edge=False)
    # Ids and dates are never cut; the title is shortened to one line instead.
    table.add_column("id", no_wrap=True, min_width=16)
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("type", no_wrap=True, min_width=9)  # 'statement', 'interview'
    if wide:  # min widths: a long path folds and the title shrinks before these are cut
        table.add_column("dateline", no_wrap=True, overflow="ellipsis", min_width=8, max_width=20)
        table.add_column("asserter", no_wrap=True, overflow="ellipsis", min_width=20, max_width=20)
        table.add_column("mentions", justify="right", no_wrap=True, min_width=8)
        table.add_column("path", overflow="fold")
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=max(20, out.width - 125))
    else:
        table.add_column("title · asserter · path", overflow="fold")
    for r in rows:
        title = " ".join(str(r["title"] or "—").split())
        cells = [str(r["id"]), str(r["published"] or "—"), str(r["doc_type"])]
        if wide:
            cells += [str(r["dateline"] or "—"), str(r["asserter"] or "—"), str(r["mentions"]), str(r["path"]), title]
        else:
            room = max(20, out.width - 46)
            cell = Text(title if len(title) <= room else title[: room - 1] + "…", style="bold")
            cell.append(f"\n{r['asserter'] or 'no asserter found'}")
            cell.append(f"\n{r['path']}", style="dim")
            cells.append(cell)  # type: ignore[arg-type]
        table.add_row(*cells)
    out.print(table)


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="A document id (or unique prefix) from `counterclaim documents`, "
                                       "or the path it was ingested from.")],
) -> None:
    """Show one document's ledger: who speaks, who is quoted, its claims and figures, with their ids.

    Examples:

      counterclaim show d225c575

      counterclaim show examples/001_d41af6eaf68728a8.txt
    """
    from counterclaim import api

    view = api.document_view(_ledger(), doc)
    d = view["document"]
    names = {e["id"]: e["name"] for e in view["entity"]}
    name = lambda key: names.get(key, key) if key else "—"  # noqa: E731
    local = lambda key: key.rsplit(":", 1)[-1]  # noqa: E731 - 'a3' of 'd225c57583620430:a3'
    out.print(Text(d["title"] or d["path"], style="bold"))
    out.print(f"{d['id']} · {d['doc_type']} · {d['published'] or 'undated'} · {d['dateline'] or '—'} · "
              f"outlet {d['outlet'] or '—'} · asserter {name(d['asserter'])}")
    out.print(f"path {d['path']}")

    def clip(text: str, n: int = 90) -> str:
        text = " ".join(text.split())
        return text if len(text) <= n else text[: n - 1] + "…"

    def table(title: str, *cols: str) -> Table:
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for col in cols:  # ids, offsets, types and numbers are never cut; the text wraps
            t.add_column(col, no_wrap=col != cols[-1], overflow="fold")
        return t

    t = table("attributions: who said what", "id", "at", "speaker", "content")
    for a in view["attribution"]:
        content = Text(clip(a["content"]["text"]))
        via = ", ".join(name(v) for v in a["via"])
        content.append(f"\n{'quoted' if a['direct'] else 'reported'}{f', via {via}' if via else ''}", style="dim")
        t.add_row(local(a["id"]), str(a["content"]["start"]), clip(name(a["speaker"]), 24), content)
    out.print(t if t.row_count else "attributions: none found")
    t = table("claims", "id", "at", "type", "check", "claim")
    for c in view["claim"]:
        text = Text(clip(c["text"]))
        about = ", ".join(name(x) for x in c["about"][:3]) or "—"
        text.append(f"\n{c['polarity']}; by {name(c['asserter'])}; about {about}", style="dim")
        t.add_row(local(c["id"]), str(c["start"]), c["claim_type"], f"{c['checkworthy']:.2f}", text)
    out.print(t if t.row_count else "claims: none found")
    t = table("figures", "id", "at", "figure", "category", "counted")
    by_id = {q["id"]: q for q in view["quantity"]}
    for q in view["quantity"]:
        parent = by_id.get(q["parent"] or "")
        revises = by_id.get(q.get("revision_of") or "")
        counted = q["counted"] or "—"
        counted += f" ({q['subgroup']})" if q["subgroup"] and q["subgroup"] != q["counted"] else ""
        counted += f", part of {describe_figure(parent)}" if parent else ""
        counted += f"; {q['scope']}" if q.get("scope") and q["scope"] != "incident" else ""
        counted += f"; revises {describe_figure(revises)}" if revises else ""
        t.add_row(local(q["id"]), str(q["start"]), clip(describe_figure(q), 30), q["category"], counted)
    out.print(t if t.row_count else "figures: none found")
    out.print(f"correct an item by its id: counterclaim corrections add figure|attribution|claim {d['id'][:8]}:ID "
              "confirm|reject|fix")
    t = Table(title="persuasion techniques", title_justify="left")
    for col in ("at", "label", "score", "speaker", "text", "why"):
        t.add_column(col, overflow="fold")
    for x in view.get("technique", []):
        t.add_row(str(x["start"]), x["label"], f"{x['score']:.2f}", name(x["speaker"]), clip(x["text"], 50),
                  clip(x["why"], 70))
    out.print(t)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; the default is this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    read_only: Annotated[bool, typer.Option("--read-only", help="Turn off uploads and corrections.")] = False,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.001,
                                                 help="Largest file the ingest page accepts, in MB.")] = 20,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Also answer requests for this host name (repeatable; '*' for any). Only the bound "
                             "host, 127.0.0.1 and localhost are answered otherwise, so a foreign web page cannot "
                             "reach the ledger by pointing its own name at this machine (DNS rebinding).")] = None,
) -> None:
    """Start the web reader on the same ledger: read documents, claims, figures; confirm or correct them.

    Examples:

      counterclaim serve

      counterclaim --db ledger.db serve --port 8080 --read-only

      counterclaim serve --host 0.0.0.0 --allow-host reader.example.org
    """
    import uvicorn

    from counterclaim.web import create_app
    from counterclaim.web.app import LOCAL_HOSTS

    hosts = [host, *LOCAL_HOSTS, *(allow_host or [])]
    web = create_app(State.db, read_only=read_only, max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                     allowed_hosts=hosts, create=State.create)
    err.print(f"counterclaim web reader on http://{host}:{port}/ (ledger {State.db}"
              f"{', read-only' if read_only else ''}); Ctrl-C stops it")
    uvicorn.run(web, host=host, port=port, log_level="warning")


corrections_app = typer.Typer(
    help="Analysts' verdicts on ledger items: list them, add one, and the Label Studio round trip.\n\n"
         "Examples:\n\n"
         "  counterclaim corrections add figure d381164fab62f004:q1 reject --author ana\n\n"
         "  counterclaim corrections export --format labelstudio --out tasks.json --config config.xml",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("list")
def corrections_list(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")] = False,
) -> None:
    """List the latest corrections, newest first.

    Example:

      counterclaim corrections list -n 20
    """
    import json

    from counterclaim import corrections as corr

    rows = corr.history(_ledger(), limit=limit)
    if as_json:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} latest correction(s) in {State.db}")
    for col in ("id", "at", "author", "source", "kind", "item", "action", "change"):
        table.add_column(col, overflow="fold")
    for r in rows:
        change = f"{r['field']} → {r['value']}" if r["field"] else "—"
        table.add_row(str(r["id"]), r["at"], r["author"], r["source"], r["kind"], r["item"], r["action"], change)
    out.print(table)


@corrections_app.command("add")
def corrections_add(
    kind: Annotated[str, typer.Argument(help="One of: figure (quantity), attribution, claim, technique, relation, "
                                        "entity_link.")],
    item_id: Annotated[str, typer.Argument(help="The item's id, as in the export (e.g. d381164fab62f004:q1); "
                                           "a document id prefix will do (d381164f:q1, the id `show` prints).")],
    action: Annotated[str, typer.Argument(help="confirm, reject, fix or reset.")],
    field: Annotated[str | None, typer.Option("--field", help="With fix: the field (e.g. category).")] = None,
    value: Annotated[str | None, typer.Option("--value", help="With fix: the new value.")] = None,
    author: Annotated[str, typer.Option("--author", help="Who makes the correction.", envvar="USER")] = "cli",
    note: Annotated[str, typer.Option("--note", help="Why, for the record.")] = "",
) -> None:
    """Record one verdict: confirm, reject, fix a field, or reset an item.

    Examples:

      counterclaim corrections add figure d381164fab62f004:q1 reject

      counterclaim corrections add figure d381164f:q6 fix --field category --value injured
    """
    from counterclaim import corrections as corr

    ledger = _ledger()
    kind = corr.kind_of(kind)
    if kind in ("quantity", "attribution", "claim", "technique") and ":" in item_id:
        prefix, local = item_id.rsplit(":", 1)
        hits = ledger.match_documents(prefix)
        item_id = f"{hits[0]}:{local}" if len(hits) == 1 else item_id
    cid = corr.correct(ledger, kind, item_id, action, author=author, field=field, value=value, source="cli",
                       note=note)
    review = corr.review_of(ledger, kind, item_id)
    err.print(f"correction {cid}: {kind} {item_id} is now {review['status'] if review else 'unreviewed'}")


@corrections_app.command("export")
def corrections_export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="labelstudio (tasks JSON).")] = "labelstudio",
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="Tasks file (default: stdout).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Also write the labeling config (XML) here.")
                      ] = None,
) -> None:
    """Export every document as a Label Studio task, pre-annotated with its figures, claims, attributions.

    Example:

      counterclaim corrections export --format labelstudio --out tasks.json --config config.xml
    """
    from counterclaim import labelstudio
    from counterclaim.errors import ExportError

    if fmt != "labelstudio":
        raise ExportError(f"unknown corrections export format {fmt!r}; choose: labelstudio", code="E401")
    ledger = _ledger()
    if config is not None:
        config.write_text(labelstudio.label_config(), encoding="utf-8")
    if out_path is None:
        with _reader_may_leave():
            n = labelstudio.write_tasks(ledger, sys.stdout)
    else:
        with open(out_path, "w", encoding="utf-8") as fh:
            n = labelstudio.write_tasks(ledger, fh)
    err.print(f"{n} Label Studio task(s) written")


@corrections_app.command("import")
def corrections_import(
    path: Annotated[Path, typer.Argument(help="Label Studio's JSON export of the annotated tasks.")],
) -> None:
    """Import annotators' verdicts from a Label Studio JSON export (the same file twice changes nothing).

    Example:

      counterclaim corrections import project-1-at-2026-01-01.json
    """
    import json

    from counterclaim import labelstudio
    from counterclaim.errors import CorrectionError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorrectionError(f"cannot read {path}: {exc.strerror or exc}", code="E506") from None
    report = labelstudio.import_file(_ledger(), data).as_dict()
    err.print(f"{report['tasks']} task(s): {report['confirmed']} confirmed, {report['rejected']} rejected, "
              f"{report['fixed']} fixed, {report['unchanged']} already standing, {report['skipped']} skipped")
    for reason, n in report["reasons"].items():
        err.print(f"  skipped {n}: {reason}")
    print(json.dumps({k: v for k, v in report.items() if k != "details"}, ensure_ascii=False))


train_app = typer.Typer(help="Re-fit the models shipped in the package from their training data.",
                        no_args_is_help=True, rich_markup_mode="markdown")
app.add_typer(train_app, name="train")


@train_app.command("checkworthy")
def train_checkworthy(
    data: Annotated[Path, typer.Option("--data", help="ClaimBuster crowdsourced.csv (the training file).")
                    ] = Path("../shared/bench/claimbuster/crowdsourced.csv"),
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="Model file to write (default: the "
                                                  "packaged data/checkworthy_model.json).")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Keep the sentence embeddings here (.npy).")
                     ] = None,
) -> None:
    """Fit the check-worthiness model (TF-IDF + MiniLM, logistic regression; settings by cross-validation).

    Example:

      counterclaim train checkworthy --data ../shared/bench/claimbuster/crowdsourced.csv
    """
    from importlib.resources import files

    from counterclaim.checkworthy.model import MODEL_FILE
    from counterclaim.checkworthy.train import train
    from counterclaim.errors import UsageError

    if not data.is_file():
        raise UsageError(f"no training file at {data}", code="E002")
    target = out_path or Path(str(files("counterclaim").joinpath("data", MODEL_FILE)))
    train(data, target, cache=cache, log=lambda line: err.print(line, markup=False))


def main() -> None:
    """Console entry point: run the app, mapping counterclaim errors to exit codes."""
    try:
        code = app(standalone_mode=False)
        if code == 130:  # Typer turns Ctrl-C into a silent exit status 130
            err.print(State.on_interrupt, markup=False, soft_wrap=True)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CounterclaimError as exc:
        say_error(exc)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print(State.on_interrupt, markup=False, soft_wrap=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:  # a file or folder named on the command line that cannot be read or written
        say_error(f"[E003] {exc.filename or ''}: {exc.strerror or exc}")
        sys.exit(2)
    except Exception as exc:  # click usage errors (typer may vendor its own click)
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
