"""Documents per second of `counterclaim spark-ingest` in local[N] vs `counterclaim ingest --workers N`.

Each run is the whole command in a fresh process, as a user types it: interpreter start, the
Spark session (JVM) or the worker pool, model loads, analysis, the ledger writes and the
linking. Both write a fresh ledger (a temporary SQLite file, or a fresh schema of a
PostgreSQL database given with --pg), then the two ledgers' JSONL exports are compared.

    python bench/bench_spark.py --n 200 --workers 2          # corpus200 (made if missing)
    python bench/bench_spark.py --dir examples --workers 2
    python bench/bench_spark.py --n 200 --pg postgresql+psycopg://counterclaim:counterclaim@127.0.0.1:5432/db

CPU seconds are user + system of the command and every process it waited for (the JVM and
Spark's Python workers, or the analysis workers). Results: a table on stdout and
bench/out/bench_spark.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import _files, ensure_corpus  # noqa: E402


def _cli() -> list[str]:
    return [sys.executable, "-m", "counterclaim"]


def _fresh_pg(url: str, name: str) -> str:
    """``url`` with its search_path set to a new empty schema ``name`` (dropped first if it exists)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{name}"


def run(kind: str, folder: Path, db: str, workers: int) -> dict:
    """One timed command; CPU of the process tree from RUSAGE_CHILDREN before/after."""
    if kind == "spark":
        cmd = [*_cli(), "--db", db, "spark-ingest", str(folder), "--master", f"local[{workers}]"]
    else:
        cmd = [*_cli(), "--db", db, "ingest", str(folder), "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{kind} failed (exit {proc.returncode}): {' '.join(cmd)}")
    export = subprocess.run([*_cli(), "--db", db, "export", "--format", "jsonl"], capture_output=True, cwd=ROOT,
                            check=True).stdout
    lines = sorted(export.splitlines())
    return {"kind": kind, "wall_s": wall,
            "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "export_lines": len(lines), "export_sha256": hashlib.sha256(b"\n".join(lines)).hexdigest()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="documents in the generated corpus (default 200)")
    ap.add_argument("--dir", help="bench this folder instead of a generated corpus")
    ap.add_argument("--workers", type=int, default=2, help="N of local[N] and of --workers N (default 2)")
    ap.add_argument("--pg", help="a PostgreSQL URL: write there (fresh schemas) instead of temporary SQLite files")
    ap.add_argument("--only", choices=["spark", "ingest"], help="run one of the two")
    ap.add_argument("--out", default=str(OUT / "bench_spark.json"), help="JSON results file")
    args = ap.parse_args(argv)

    folder = Path(args.dir).resolve() if args.dir else ensure_corpus(args.n)
    docs = len(_files(folder))
    words = sum(len(p.read_text(encoding="utf-8", errors="replace").split()) for p in _files(folder))
    tmp = Path(tempfile.mkdtemp(prefix="cc-bench-spark-"))
    rows = []
    try:
        for kind in ("ingest", "spark"):
            if args.only and kind != args.only:
                continue
            db = _fresh_pg(args.pg, f"bench_{kind}") if args.pg else str(tmp / f"{kind}.db")
            print(f"[{kind}] {docs} docs from {folder} ...", flush=True)
            r = run(kind, folder, db, args.workers)
            r.update(docs=docs, words=words, docs_per_s=docs / r["wall_s"], words_per_s=words / r["wall_s"],
                     cpu_s_per_doc=r["cpu_s"] / docs)
            rows.append(r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'command':<28}{'wall s':>9}{'CPU s':>9}{'docs/s':>9}{'words/s':>9}{'lines':>8}")
    for r in rows:
        label = f"spark-ingest local[{args.workers}]" if r["kind"] == "spark" else f"ingest --workers {args.workers}"
        print(f"{label:<28}{r['wall_s']:>9.1f}{r['cpu_s']:>9.1f}{r['docs_per_s']:>9.2f}{r['words_per_s']:>9.0f}"
              f"{r['export_lines']:>8}")
    same = None
    if len(rows) == 2:
        same = rows[0]["export_sha256"] == rows[1]["export_sha256"]
        print("ledgers equal (sorted JSONL export):", "yes" if same else "NO")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "dir": str(folder),
                               "workers": args.workers, "db": "postgresql" if args.pg else "sqlite",
                               "cpus": os.cpu_count(), "results": rows, "same_ledger": same}, indent=2) + "\n",
                   encoding="utf-8")
    print(f"wrote {out}")
    return 0 if same in (None, True) else 1


if __name__ == "__main__":
    sys.exit(main())
