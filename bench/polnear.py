#!/usr/bin/env python
"""Score counterclaim's attributions on PolNeAR (an outside benchmark; never committed, see its README).

    python bench/polnear.py /path/to/PolNeAR/data/dev [--scorer ../shared/bench/polnear/score_polnear.py]

Reads the split from the path given (text/, attributions/, optionally corenlp/), lets the
scorer sample the articles into a temporary folder, ingests them into a temporary ledger,
exports it and prints the scorer's table. Nothing is written inside the repository. Work on
data/dev (or data/train); data/test is kept for the project's final evaluation.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCORERS = [base / "shared" / "bench" / "polnear" / "score_polnear.py" for base in (ROOT.parent, ROOT.parent.parent)]
DEFAULT_SCORER = next((p for p in _SCORERS if p.exists()), _SCORERS[0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", type=Path, help="a PolNeAR split folder (data/dev)")
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER, help="score_polnear.py")
    ap.add_argument("--examples", type=int, default=0, help="misses to print per kind")
    ap.add_argument("--keep", type=Path, help="also write the export here (outside the repository)")
    args = ap.parse_args()
    if not (args.split / "text").is_dir():
        raise SystemExit(f"{args.split}: no text/ folder; fetch PolNeAR as its README says")
    if not args.scorer.exists():
        raise SystemExit(f"{args.scorer}: scorer not found (--scorer)")
    from counterclaim.api import export_jsonl, ingest, open_ledger

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "input"
        subprocess.run([sys.executable, str(args.scorer), "prepare", str(args.split), str(inputs)], check=True)
        ledger = open_ledger(str(Path(tmp) / "polnear.db"))
        report = ingest(ledger, [inputs])
        for failure in report.failed:
            print(f"ingest failure: {failure}", file=sys.stderr)
        export = args.keep or Path(tmp) / "polnear.jsonl"
        with open(export, "w", encoding="utf-8") as out:
            export_jsonl(ledger, out)
        ledger.close()
        cmd = [sys.executable, str(args.scorer), "score", str(args.split), str(export)]
        if args.examples:
            cmd += ["--examples", str(args.examples)]
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
