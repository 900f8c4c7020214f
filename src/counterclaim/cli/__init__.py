"""The command line: a thin layer over :mod:`counterclaim.api`.

Exit status: 0 ok; 1 some inputs failed (the rest were ingested); 2 usage
error or unreachable database. Errors are mapped to exit codes here only (:func:`main`).

One module per family of commands: :mod:`.ingest` (ingest, analyze, spark-ingest, relink),
:mod:`.read` (export, documents, show, serve), :mod:`.corrections`, :mod:`.train`; what they
share (the app, the consoles, ``--db``, error lines, progress) is in :mod:`.common`.
"""

from __future__ import annotations

import sys

import typer

from counterclaim.cli import corrections, ingest, read, train  # noqa: F401 - each registers its commands
from counterclaim.cli.common import State, app, err, say_error
from counterclaim.errors import CounterclaimError

__all__ = ["app", "main"]


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
