"""JSONL export exactly per the ledger contract: one JSON object per line, meta first."""

from __future__ import annotations

import json
from typing import TextIO

from counterclaim.export.rows import iter_rows
from counterclaim.ledger.store import Ledger


def export_jsonl(ledger: Ledger, out: TextIO) -> int:
    """Write the ledger to ``out``; returns the number of lines written."""
    n = 0
    for row in iter_rows(ledger):
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n
