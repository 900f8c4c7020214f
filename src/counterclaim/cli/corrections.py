"""Analysts' verdicts: `counterclaim corrections list|add|export|import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from counterclaim.cli.common import State, app, current_ledger, err, out, reader_may_leave

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

    rows = corr.history(current_ledger(), limit=limit)
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

    ledger = current_ledger()
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
    ledger = current_ledger()
    if config is not None:
        config.write_text(labelstudio.label_config(), encoding="utf-8")
    if out_path is None:
        with reader_may_leave():
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
    report = labelstudio.import_file(current_ledger(), data).as_dict()
    err.print(f"{report['tasks']} task(s): {report['confirmed']} confirmed, {report['rejected']} rejected, "
              f"{report['fixed']} fixed, {report['unchanged']} already standing, {report['skipped']} skipped")
    for reason, n in report["reasons"].items():
        err.print(f"  skipped {n}: {reason}")
    print(json.dumps({k: v for k, v in report.items() if k != "details"}, ensure_ascii=False))
