"""What every command shares: the Typer app, the consoles, ``--db``, coded error lines, progress bars, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from counterclaim import __version__

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


WORKERS_HELP = ("Processes running the language analysis (default: the number of cores); one writer stores "
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


class StopBetweenDocuments:
    """Ctrl-C while documents are stored stops the ingest between two of them (a second Ctrl-C at once).

    A KeyboardInterrupt raised at an arbitrary point can land inside the database driver's
    cleanup, where Python can only print and drop it; here it is raised by :meth:`check`.
    """

    def __init__(self) -> None:
        self.asked = False
        self.now = False
        self._previous: Any = None

    def __enter__(self) -> StopBetweenDocuments:
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
def reader_may_leave() -> Iterator[None]:
    """``counterclaim export | head -1``: a reader that closes the pipe early ends the command quietly (exit 0)."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would fail again flushing stdout at exit: point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def current_ledger(*, create: bool = False):  # type: ignore[no-untyped-def]
    """The ledger at --db; a missing SQLite file is E205 unless this command creates ledgers or --create."""
    from counterclaim.api import open_ledger

    return open_ledger(State.db, create=create or State.create)


@contextmanager
def progress_bar(verb: str, total: int, unit: str) -> Iterator[tuple[Progress, TaskID]]:
    """A progress bar on stderr (only on a terminal): ``verb``, a bar, done/total ``unit``, elapsed, a note."""
    with Progress(TextColumn(f"[bold]{verb}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err, disable=not err.is_terminal,
                  transient=True) as bar:
        yield bar, bar.add_task("", total=total)
