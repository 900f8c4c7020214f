"""The command line: a thin layer over :mod:`counterclaim.api`.

Exit status: 0 ok; 1 some inputs failed (the rest were ingested); 2 usage
error or unreachable database. Errors are mapped to exit codes here only.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

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
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


_WORKERS_HELP = ("Processes running the language analysis (default: the number of cores); one writer stores "
                 "the documents in input order, so the ledger is the same for any number.")


class State:
    db: str = "counterclaim.db"
    # What Ctrl-C leaves behind, said on stderr when it comes (each command keeps it true).
    on_interrupt: str = "interrupted; every write already made is whole"


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
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Options common to every command."""
    State.db = db


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
        err.print("stopping after the current documents… (Ctrl-C again to stop at once)", markup=False)

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


def _ledger():  # type: ignore[no-untyped-def]
    from counterclaim.api import open_ledger

    return open_ledger(State.db)


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

    ledger = _ledger()
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

        def step(shown: str) -> None:
            stop.check()
            bar.update(task, advance=1, description=shown[-50:])

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
        err.print(f"[red]error[/red] {failure}", markup=True, soft_wrap=True)
    if not quiet:
        counts = ledger.counts()
        table = Table(title=f"ingest into {State.db}", show_header=True)
        for col in ("added", "skipped (duplicate)", "failed", "documents in ledger", "entities", "mentions",
                    "figures", "attributions", "claims"):
            table.add_column(col, justify="right")
        table.add_row(str(len(report.added)), str(len(report.skipped)), str(len(report.failed)),
                      *(str(counts[k]) for k in ("documents", "entities", "mentions", "quantities", "attributions",
                                                 "claims")))
        err.print(table)
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
    report = api.analyze_pending(ledger, everything=all_, workers=workers or default_workers())
    for failure in report.failed:
        err.print(f"[red]error[/red] {failure}", markup=True, soft_wrap=True)
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
) -> None:
    """Ingest with Apache Spark: the analysis runs on the executors, the ledger is the same as `ingest` gives.

    Needs `pip install 'counterclaim[spark]'` and a Java runtime. The README says how to run it on a cluster
    with spark-submit.

    Examples:

      counterclaim --db postgresql+psycopg://cc@db/ledger spark-ingest wire/ --master local[4]

      counterclaim spark-ingest archive.parquet
    """
    from counterclaim.spark.job import spark_ingest as run_job
    from counterclaim.spark.job import spark_session

    ledger = _ledger()
    spark = spark_session(master)
    try:
        with err.status("analysing with Spark…"):
            report = run_job(spark, ledger, inputs, partitions=partitions, max_bytes=int(max_mb * 1024 * 1024))
    finally:
        spark.stop()
    for failure in report.failed:
        err.print(f"[red]error[/red] {failure}", markup=True, soft_wrap=True)
    err.print(f"added {len(report.added)}, skipped {len(report.skipped)} (duplicate), failed {len(report.failed)}",
              markup=False)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (to stdout or --out FILE) or csv "
                                     "(a folder of one CSV per kind, --out DIR).")] = "jsonl",
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="File (jsonl) or folder (csv).")] = None,
) -> None:
    """Write the whole ledger in the contract's format.

    Examples:

      counterclaim export --format jsonl > ledger.jsonl

      counterclaim export --format csv --out ledger_csv/
    """
    from counterclaim import api

    ledger = _ledger()
    if fmt == "csv":
        api.export(ledger, "csv", folder=str(out_path) if out_path else None)
    elif out_path is not None:
        with open(out_path, "w", encoding="utf-8") as fh:
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
    with err.status("linking…"):
        report = api.link(ledger)
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(report.relations.items())) or "no relations"
    err.print(f"relinked: {report.merges} entity merge(s); {kinds}")


@app.command()
def documents() -> None:
    """List the documents in the ledger: date, type, dateline, who speaks for each, title.

    Examples:

      counterclaim documents

      counterclaim --db wire.db documents
    """
    from counterclaim import api

    rows = api.document_summaries(_ledger())
    table = Table(title=f"{len(rows)} document(s) in {State.db}", show_lines=False)
    for col in ("id", "published", "type", "dateline", "asserter", "mentions", "title"):
        table.add_column(col, justify="right" if col == "mentions" else "left", overflow="ellipsis",
                         no_wrap=True, max_width=max(20, out.width - 92) if col == "title" else None)
    for r in rows:
        title = str(r["title"] or "")
        table.add_row(str(r["id"]), str(r["published"] or "—"), str(r["doc_type"]), str(r["dateline"] or "—"),
                      str(r["asserter"] or "—"), str(r["mentions"]), title if len(title) <= 90 else title[:89] + "…")
    out.print(table, markup=False)


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="A document id (or unique prefix) from `counterclaim documents`, "
                                       "or the path it was ingested from.")],
) -> None:
    """Show one document's ledger: who speaks, who is quoted, its claims and figures, with offsets.

    Examples:

      counterclaim show d225c575

      counterclaim show examples/001_d41af6eaf68728a8.txt
    """
    from counterclaim import api

    view = api.document_view(_ledger(), doc)
    d = view["document"]
    names = {e["id"]: e["name"] for e in view["entity"]}
    name = lambda key: names.get(key, key) if key else "—"  # noqa: E731
    out.print(f"[bold]{d['title'] or d['path']}[/bold]", markup=True, highlight=False)
    out.print(f"{d['id']} · {d['doc_type']} · {d['published'] or 'undated'} · {d['dateline'] or '—'} · "
              f"outlet {d['outlet'] or '—'} · asserter {name(d['asserter'])}", markup=False)

    def clip(text: str, n: int = 90) -> str:
        text = " ".join(text.split())
        return text if len(text) <= n else text[: n - 1] + "…"

    t = Table(title="attributions: who said what", title_justify="left")
    for col in ("at", "speaker", "via", "direct", "content"):
        t.add_column(col, overflow="fold")
    for a in view["attribution"]:
        t.add_row(str(a["content"]["start"]), name(a["speaker"]), ", ".join(name(v) for v in a["via"]) or "—",
                  "quote" if a["direct"] else "reported", clip(a["content"]["text"]))
    out.print(t, markup=False)
    t = Table(title="claims", title_justify="left")
    for col in ("at", "type", "polarity", "check", "asserter", "about", "text"):
        t.add_column(col, overflow="fold")
    for c in view["claim"]:
        t.add_row(str(c["start"]), c["claim_type"], c["polarity"], f"{c['checkworthy']:.2f}", name(c["asserter"]),
                  ", ".join(name(x) for x in c["about"][:3]) or "—", clip(c["text"]))
    out.print(t, markup=False)
    t = Table(title="figures", title_justify="left")
    by_id = {q["id"]: q for q in view["quantity"]}
    for col in ("at", "figure", "approx", "category", "scope", "counted", "subgroup", "part of"):
        t.add_column(col, overflow="fold")
    for q in view["quantity"]:
        parent = by_id.get(q["parent"] or "")
        revises = by_id.get(q.get("revision_of") or "")
        scope = (q.get("scope") or "incident") + (f" (revises {describe_figure(revises)})" if revises else "")
        t.add_row(str(q["start"]), clip(describe_figure(q), 30), q["approx"], q["category"], scope,
                  q["counted"] or "—", q["subgroup"] or "—", describe_figure(parent) if parent else "—")
    out.print(t, markup=False)
    t = Table(title="persuasion techniques", title_justify="left")
    for col in ("at", "label", "score", "speaker", "text", "why"):
        t.add_column(col, overflow="fold")
    for x in view.get("technique", []):
        t.add_row(str(x["start"]), x["label"], f"{x['score']:.2f}", name(x["speaker"]), clip(x["text"], 50),
                  clip(x["why"], 70))
    out.print(t, markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; the default is this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    read_only: Annotated[bool, typer.Option("--read-only", help="Turn off uploads and corrections.")] = False,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.001,
                                                 help="Largest file the ingest page accepts, in MB.")] = 20,
) -> None:
    """Start the web reader on the same ledger: read documents, claims, figures; confirm or correct them.

    Examples:

      counterclaim serve

      counterclaim --db ledger.db serve --port 8080 --read-only
    """
    import uvicorn

    from counterclaim.web import create_app

    web = create_app(State.db, read_only=read_only, max_upload_bytes=int(max_upload_mb * 1024 * 1024))
    err.print(f"counterclaim web reader on http://{host}:{port}/ (ledger {State.db}"
              f"{', read-only' if read_only else ''}); Ctrl-C stops it", markup=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")


corrections_app = typer.Typer(
    help="Analysts' verdicts on ledger items: list them, add one, and the Label Studio round trip.\n\n"
         "Examples:\n\n"
         "  counterclaim corrections add quantity d381164fab62f004:q1 reject --author ana\n\n"
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
    out.print(table, markup=False)


@corrections_app.command("add")
def corrections_add(
    kind: Annotated[str, typer.Argument(help="quantity, attribution, claim, technique, relation or entity_link.")],
    item_id: Annotated[str, typer.Argument(help="The item's id, as in the export (e.g. d381164fab62f004:q1).")],
    action: Annotated[str, typer.Argument(help="confirm, reject, fix or reset.")],
    field: Annotated[str | None, typer.Option("--field", help="With fix: the field (e.g. category).")] = None,
    value: Annotated[str | None, typer.Option("--value", help="With fix: the new value.")] = None,
    author: Annotated[str, typer.Option("--author", help="Who makes the correction.", envvar="USER")] = "cli",
    note: Annotated[str, typer.Option("--note", help="Why, for the record.")] = "",
) -> None:
    """Record one verdict: confirm, reject, fix a field, or reset an item.

    Examples:

      counterclaim corrections add quantity d381164fab62f004:q1 reject

      counterclaim corrections add quantity d381164fab62f004:q6 fix --field category --value injured
    """
    from counterclaim import corrections as corr

    ledger = _ledger()
    cid = corr.correct(ledger, kind, item_id, action, author=author, field=field, value=value, source="cli",
                       note=note)
    review = corr.review_of(ledger, kind, item_id)
    err.print(f"correction {cid}: {kind} {item_id} is now {review['status'] if review else 'unreviewed'}",
              markup=False)


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
    err.print(f"{n} Label Studio task(s) written", markup=False)


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
              f"{report['fixed']} fixed, {report['unchanged']} already standing, {report['skipped']} skipped",
              markup=False)
    for reason, n in report["reasons"].items():
        err.print(f"  skipped {n}: {reason}", markup=False)
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
        err.print(f"[red]error[/red] {exc}", markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print(State.on_interrupt, markup=False, soft_wrap=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # click usage errors (typer may vendor its own click)
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
