"""Commands that read the ledger: export, documents, show, and the web reader (serve)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from counterclaim.cli.common import State, app, current_ledger, err, out, reader_may_leave
from counterclaim.records import describe_figure


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
    ledger = current_ledger()
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
        with reader_may_leave():
            api.export(ledger, fmt, sys.stdout)


@app.command()
def documents() -> None:
    """List the documents in the ledger: id, date, type, who speaks for each, title and path.

    Examples:

      counterclaim documents

      counterclaim --db wire.db documents
    """
    from counterclaim import api

    rows = api.document_summaries(current_ledger())
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

    view = api.document_view(current_ledger(), doc)
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
