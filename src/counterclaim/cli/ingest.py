"""Commands that add and analyse documents and link them: ingest, analyze, spark-ingest, relink."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from counterclaim.cli.common import (
    INTERRUPTED_LINKING,
    INTERRUPTED_STORING,
    WORKERS_HELP,
    State,
    StopBetweenDocuments,
    app,
    current_ledger,
    err,
    progress_bar,
    say_error,
    shown,
)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (walked recursively): "
                                                ".txt .md .html .htm .pdf .jsonl; others are sniffed.")],
    no_analyze: Annotated[bool, typer.Option("--no-analyze", help="Store text and metadata only; "
                                             "run `counterclaim analyze` later.")] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", min=0.001, help="Refuse single files larger than this.")
                      ] = 10.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help=WORKERS_HELP)] = None,
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

    ledger = current_ledger(create=True)
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

        stop = StopBetweenDocuments()

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
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help=WORKERS_HELP)] = None,
) -> None:
    """Analyse documents stored with --no-analyze (or, with --all, everything again).

    Example:

      counterclaim analyze --all
    """
    from counterclaim import api
    from counterclaim.parallel import default_workers

    ledger = current_ledger()
    todo = api.pending_count(ledger, everything=all_)
    with progress_bar("analyze", todo, "documents") as (bar, task):
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

    ledger = current_ledger(create=True)  # an ingest: it starts the ledger, as `ingest` does
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
def relink() -> None:
    """Rebuild every cross-document link from scratch: entity merges, claim and figure relations.

    Ingest links each new document incrementally; relink gives the same result from zero
    (after changing the linking rules, or to check).

    Examples:

      counterclaim relink

      counterclaim --db wire.db relink
    """
    from counterclaim import api

    ledger = current_ledger()
    with progress_bar("relink", 1, "run") as (bar, task):
        bar.update(task, description="reading the ledger…")

        def started(n: int) -> None:
            bar.update(task, description=f"linking {n} documents: entities, claims, figures…")

        report = api.link(ledger, on_start=started)
        bar.update(task, advance=1)
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(report.relations.items())) or "no relations"
    err.print(f"relinked: {report.merges} entity merge(s); {kinds}")
