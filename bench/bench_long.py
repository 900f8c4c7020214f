"""Long documents: peak memory and time of `counterclaim ingest` on one long text, per size.

Each size is one report-like text made by ``make_corpus.make_digest`` (seed paragraphs recombined
and moved to other conflicts), ingested into a fresh SQLite ledger by a fresh process; the peak
resident memory of that process (``wait4``'s ``ru_maxrss``) and its wall time are reported.
``--lines`` makes the text of many short lines instead (a table or a list turned into text).

    python bench/bench_long.py                      # 0.5, 2 and 5 MB
    python bench/bench_long.py --mb 0.5 2 --lines
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def long_text(mb: float, *, lines: bool, seed: int = 7) -> str:
    rng = random.Random(seed)
    seeds = make_corpus.load_seeds()
    pool = [(i, p) for i, s in enumerate(seeds) for p in s["body"]]
    text = make_corpus.make_digest(rng, seeds, pool, int(mb * 1024 * 1024))
    if lines:  # every sentence on its own short line
        text = text.replace(". ", ".\n")
    return text


def measure(path: Path, db: Path, max_mb: float) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit status) of one ingest in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "counterclaim", "--db", str(db), "ingest", "-q",
                             "--max-mb", str(max_mb), str(path)], cwd=ROOT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[0.5, 2, 5], help="text sizes in MB")
    ap.add_argument("--lines", action="store_true", help="short lines instead of paragraphs")
    args = ap.parse_args(argv)
    print("| size MB | characters | seconds | peak RSS MiB | exit |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="counterclaim-long-") as tmp:
        for mb in args.mb:
            text = long_text(mb, lines=args.lines)
            path = Path(tmp) / f"long-{mb}.txt"
            path.write_text(text, encoding="utf-8")
            seconds, peak, code = measure(path, Path(tmp) / f"long-{mb}.db", max_mb=max(10.0, mb * 2))
            print(f"| {mb:g} | {len(text):,} | {seconds:.1f} | {peak:,.0f} | {code} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
