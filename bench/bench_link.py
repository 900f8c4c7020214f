"""How does cross-document linking time grow with the ledger: 100 → 1,000 → 10,000 documents?

The corpus is made by make_corpus.py from the seeds (paragraphs recombined, names, places and
figures swapped to other conflicts) and ingested once without linking. The linker then runs
on the contract rows of the first 100 documents, and on the n documents' rows replicated to
reach 1,000 and 10,000 documents, with fresh document, claim, figure and attribution ids (the
same actors recur, as they do in a real conflict corpus: the hard case for blocking). Copies
share their texts, so sentence embeddings (deduplicated by text) are computed once per
distinct sentence: the growth measured is that of blocking, pairing and scoring; encoding
itself is linear in distinct sentences (its rate is printed). The ingested size also runs the
full ``api.link`` rebuild with its reads and writes.

    python bench/bench_link.py [--n 500] [--sizes 100,1000,10000,50000]

Results: a table on stdout and bench/out/bench_link.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def _corpus(n: int) -> Path:
    folder = OUT / f"corpus{n}"
    if not folder.exists() or len(list(folder.glob("*.txt"))) < n:
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--n", str(n), "--out", str(folder),
                        "--seed", "1"], check=True)
    return folder


def _subset(rows: list[dict[str, Any]], docs: set[str]) -> list[dict[str, Any]]:
    keep_entities = {r["entity"] for r in rows if r["kind"] == "mention" and r["doc"] in docs}
    out = []
    for r in rows:
        if r["kind"] == "document":
            if r["id"] in docs:
                out.append(r)
        elif r["kind"] == "entity":
            if r["id"] in keep_entities:
                out.append(r)
        elif r.get("doc") in docs:
            out.append(r)
    return out


def _replicate(rows: list[dict[str, Any]], times: int) -> list[dict[str, Any]]:
    """``times`` copies of the per-document rows with fresh ids; entities are shared."""
    out = [r for r in rows if r["kind"] == "entity"]
    for k in range(times):
        def fresh(x: str | None) -> str | None:
            return None if x is None else f"{x}~{k}"

        for r in rows:
            if r["kind"] == "entity" or r["kind"] == "meta":
                continue
            c = dict(r)
            if r["kind"] == "document":
                c["id"] = fresh(r["id"])
            else:
                c["doc"] = fresh(r["doc"])
                c["id"] = fresh(r.get("id"))
                for key in ("parent", "claim", "attribution"):
                    if c.get(key):
                        c[key] = fresh(c[key])
            out.append(c)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500, help="documents to ingest (default 500)")
    ap.add_argument("--sizes", default="100,1000,10000", help="ledger sizes to link (documents)")
    ap.add_argument("--workers", type=int, default=1, help="analysis processes for the (untimed) ingest")
    args = ap.parse_args(argv)

    from counterclaim.api import ingest, link, open_ledger
    from counterclaim.export.rows import iter_rows
    from counterclaim.link import link_rows

    folder = _corpus(args.n)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        report = ingest(ledger, [folder], link_after=False, workers=args.workers)
        print(f"ingested {len(report.added)} documents in {time.perf_counter() - t0:.1f} s (not timed below)",
              file=sys.stderr)
        rows = [r for r in iter_rows(ledger, resolve=False) if r["kind"] != "meta"]
        doc_ids = sorted(r["id"] for r in rows if r["kind"] == "document")
        from counterclaim.link.embed import encode

        texts = [r["text"] for r in rows if r["kind"] == "claim"]
        t0 = time.perf_counter()
        encode(texts)
        print(f"encoding: {len(set(texts))} distinct claims in {time.perf_counter() - t0:.1f} s", file=sys.stderr,
              flush=True)
        def ledger_of(size: int) -> list[dict[str, Any]]:
            """The rows of ``size`` documents: a subset of the ingested ones, or copies of them."""
            if size <= len(doc_ids):
                return _subset(rows, set(doc_ids[:size]))
            rep = _replicate(rows, -(-size // len(doc_ids)))
            keep = set(sorted(r["id"] for r in rep if r["kind"] == "document")[:size])
            return _subset(rep, keep)

        sizes = [int(x) for x in args.sizes.split(",")]
        for n_docs in sizes:
            subset = ledger_of(n_docs)  # one size in memory at a time: 50,000 copies are millions of rows
            t0 = time.perf_counter()
            links, relations = link_rows(subset)
            secs = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            entry = {"docs": n_docs, "rows": len(subset), "link_rows_s": round(secs, 2), "merges": len(links),
                     "peak_rss_mib_so_far": peak,
                     "relations": len(relations), "relations_per_doc": round(len(relations) / n_docs, 2),
                     "per_type": dict(sorted(Counter(r.type for r in relations).items()))}
            results.append(entry)
            print(f"{n_docs:>6} docs  {len(subset):>8} rows  link_rows {secs:7.2f} s  merges {len(links):>5}  "
                  f"relations {len(relations):>6} ({len(relations) / n_docs:.2f}/doc)  peak RSS {peak:,} MiB", flush=True)
            del subset, links, relations
        t0 = time.perf_counter()
        link(ledger)
        api_s = time.perf_counter() - t0
        print(f"api.link (read ledger, link, write) on the {len(doc_ids)} ingested documents: {api_s:.2f} s",
              flush=True)
        ledger.close()
    base = results[0]["link_rows_s"] or 1e-9
    for r in results[:len(sizes)]:
        r["ratio_to_100"] = round(r["link_rows_s"] / base, 1)
    print("time ratio to 100 documents: " + ", ".join(f"{r['docs']}: {r['ratio_to_100']}x" for r in results[:len(sizes)]))
    if len(results) >= 2:  # linear growth is a ratio equal to the size ratio
        for a, b in zip(results, results[1:len(sizes)]):
            lin = b["docs"] / a["docs"]
            print(f"{a['docs']} -> {b['docs']}: time x{b['link_rows_s'] / max(a['link_rows_s'], 1e-9):.1f} "
                  f"(linear x{lin:.0f}), relations/doc {a['relations_per_doc']} -> {b['relations_per_doc']}")
    OUT.mkdir(parents=True, exist_ok=True)
    results.append({"api_link_docs": len(doc_ids), "api_link_s": round(api_s, 2)})
    (OUT / "bench_link.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
