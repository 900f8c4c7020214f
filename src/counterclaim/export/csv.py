"""CSV export: a folder with one CSV file per kind (documents.csv, entities.csv, ...).

Lists and objects are written as JSON inside their cell.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from counterclaim.export.rows import FIELDS, KINDS, PLURALS, iter_rows
from counterclaim.ledger.store import Ledger


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def export_csv(ledger: Ledger, folder: Path) -> dict[str, int]:
    """Write one ``<kinds>.csv`` per kind into ``folder`` (created if missing); returns rows per kind.

    Every kind gets its file with a header, even when it has no rows, so a
    reader can rely on the file set.
    """
    folder.mkdir(parents=True, exist_ok=True)
    handles: dict[str, Any] = {}
    writers: dict[str, csv.DictWriter] = {}
    counts = dict.fromkeys(KINDS, 0)
    try:
        for kind in KINDS:
            handles[kind] = open(folder / f"{PLURALS[kind]}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
            writers[kind] = csv.DictWriter(handles[kind], fieldnames=list(FIELDS[kind]), extrasaction="ignore")
            writers[kind].writeheader()
        for row in iter_rows(ledger):
            kind = row.pop("kind")
            if kind == "meta":
                (folder / "meta.json").write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
                continue
            writers[kind].writerow({k: _cell(v) for k, v in row.items()})
            counts[kind] += 1
    finally:
        for h in handles.values():
            h.close()
    return counts
