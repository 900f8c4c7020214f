"""JSONL export exactly per the ledger contract: one JSON object per line, meta first."""

from __future__ import annotations

import json
import re
from typing import TextIO

from counterclaim.export.rows import iter_rows
from counterclaim.ledger.store import Ledger


# Characters Python's str.splitlines() (and some JSONL readers) treat as line breaks.
# They can only occur inside JSON strings, where a \uXXXX escape is equivalent.
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def dumps_line(row: dict) -> str:
    """One JSON line: UTF-8 kept readable, but no character any reader could split a line on."""
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(row, ensure_ascii=False)) + "\n"


def export_jsonl(ledger: Ledger, out: TextIO) -> int:
    """Write the ledger to ``out``; returns the number of lines written."""
    n = 0
    for row in iter_rows(ledger):
        out.write(dumps_line(row))
        n += 1
    return n
