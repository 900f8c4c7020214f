"""One exception hierarchy with coded, explanatory messages.

Every error carries a stable code (``E101``...) and a message that names the
input and the reason, so a user can grep the code in the README and fix the
input. The CLI maps the classes to exit codes in one place
(:func:`counterclaim.cli.main`).

Codes:
    E0xx usage, E1xx ingest (reading one input), E2xx ledger (database),
    E3xx analysis, E4xx export, E5xx corrections.
"""

from __future__ import annotations


class CounterclaimError(Exception):
    """Base class: ``code`` is stable, ``message`` is for humans."""

    code = "E000"
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None, path: str | None = None) -> None:
        if code:
            self.code = code
        self.path = path
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword arguments survive pickling (an analysis worker sends its errors to the writer).
        return _rebuild, (type(self), self.message, self.code, self.path)


def _rebuild(cls: type[CounterclaimError], message: str, code: str, path: str | None) -> CounterclaimError:
    return cls(message, code=code, path=path)


class UsageError(CounterclaimError):
    """The command line asked for something impossible (exit status 2)."""

    code = "E001"
    exit_code = 2


class IngestError(CounterclaimError):
    """One input could not be read; the others are still ingested (exit status 1).

    Codes: E101 not found / not a regular file, E102 empty, E103 binary,
    E104 corrupt or unreadable (PDF, HTML), E105 too large, E106 no text layer /
    no main text, E107 bad JSONL line, E108 undecodable text, E109 permission denied.
    """

    code = "E100"


class LedgerError(CounterclaimError):
    """The ledger database cannot be opened or written (exit status 2 when unreachable).

    Codes: E201 cannot open or reach, E202 written by a newer counterclaim, E203 no such document,
    E204 the database refused one write (that document fails; the ingest goes on).
    E205 no ledger at the --db path (commands other than ingest never create one without --create).
    """

    code = "E200"
    exit_code = 2


class AnalysisError(CounterclaimError):
    """The NLP analysis of one document failed; the document is not stored.

    Codes: E301 model not installed, E302 parsed text differs, E303 analysis failed,
    E304 an analysis worker process died, E305 linking across documents failed (every document
    stays stored and marked unlinked; the next ingest or ``relink`` links it).
    """

    code = "E300"


class ExportError(CounterclaimError):
    """An export was asked for in a form that does not exist."""

    code = "E400"
    exit_code = 2


class CorrectionError(CounterclaimError):
    """A correction names an item, action, field or value that does not exist (exit status 2).

    Codes: E501 unknown kind, E502 unknown action, E503 no such item, E504 field not
    correctable, E505 bad value, E506 unreadable Label Studio file, E507 ledger is read-only,
    E508 a write from another site refused (the web reader's cross-site check).
    """

    code = "E500"
    exit_code = 2
