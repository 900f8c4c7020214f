"""Page load times of the web reader on a large ledger: p50/p95 per page, from a script.

Builds (once, cached in bench/out/) a ledger of N generated documents (make_corpus.py from the
seeds, ingested and linked by counterclaim itself), then requests every page of the reader and
its JSON twins through the real ASGI app (FastAPI's TestClient: the whole app, templates and
queries included; no network hop) and reports per-page p50/p95 and the overall figures.

    python bench/bench_web.py                  # 1,000 documents, 20 requests per page kind
    python bench/bench_web.py --n 200 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def build_ledger(n: int) -> Path:
    """bench/out/web<N>.db: N generated documents, analysed and linked (reused when present)."""
    db = OUT / f"web{n}.db"
    if db.exists():
        return db
    corpus = OUT / f"corpus{n}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--n", str(n), "--out", str(corpus)],
                       check=True)
    tmp = db.with_suffix(".building.db")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "counterclaim"), "--db", str(tmp), "ingest", str(corpus)],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"built {db.name}: ingest + link of {n} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    tmp.rename(db)
    return db


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def page_urls(client, rounds: int, rng: random.Random) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """URLs per page kind: a sample of documents, entities, searches, filters."""
    from sqlalchemy import func, select

    from counterclaim.ledger.models import ClaimRow, DocumentRow, EntityRow, MentionRow

    ledger = client.app.state.ledger
    with ledger.session() as s:
        docs = list(s.scalars(select(DocumentRow.id)))
        busy = list(s.scalars(select(MentionRow.entity_id).group_by(MentionRow.entity_id)
                              .order_by(func.count().desc()).limit(200)))
        asserters = [a for a in s.scalars(select(ClaimRow.asserter_id).distinct()) if a]
        ents = list(s.scalars(select(EntityRow.id).limit(2000)))
    words = ["killed", "genocide", "Ombudsman", "missing persons", "children", "displaced", "letter", "hostages"]
    pick = lambda xs: [rng.choice(xs) for _ in range(rounds)] if xs else []  # noqa: E731
    return {
        "overview": ["/"] * rounds,
        "search": [f"/search?q={w}" for w in pick(words)],
        "document": [f"/documents/{d}" for d in pick(docs)],
        "entity (busiest 200)": [f"/entities/{e}" for e in pick(busy)],
        "entity (any)": [f"/entities/{e}" for e in pick(ents)],
        "claims board": [f"/claims?page={rng.randint(1, 5)}" for _ in range(rounds)],
        "claims filtered": [f"/claims?asserter={a}&claim_type=accusation" for a in pick(asserters)],
        "figures": ["/figures"] * rounds,
        "corrections": ["/corrections"] * rounds,
        "ingest": ["/ingest"] * rounds,
        "api: document": [f"/api/documents/{d}" for d in pick(docs)],
        "api: claims": ["/api/claims"] * rounds,
        "api: figures": ["/api/figures"] * rounds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="documents in the ledger (default 1000)")
    ap.add_argument("--db", help="use this ledger instead of building one")
    ap.add_argument("--rounds", type=int, default=20, help="requests per page kind (default 20)")
    ap.add_argument("--out", default=str(OUT / "bench_web.json"), help="JSON results file")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    db = Path(args.db) if args.db else build_ledger(args.n)

    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    rng = random.Random(7)
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1") as client:
        counts = client.app.state.ledger.counts()
        urls = page_urls(client, args.rounds, rng)
        for kind_urls in urls.values():  # warm-up: first request of each kind (imports, template compile)
            if kind_urls:
                client.get(kind_urls[0])
        results: dict[str, dict[str, float]] = {}
        every: list[float] = []
        failures: list[str] = []
        for kind, kind_urls in urls.items():
            times = []
            for url in kind_urls:
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {url}")
            if times:
                results[kind] = {"n": len(times), "p50_ms": round(statistics.median(times), 1),
                                 "p95_ms": round(pct(times, 95), 1), "max_ms": round(max(times), 1)}
                every += times
    print(f"ledger {db.name}: {counts['documents']} documents, {counts['claims']} claims, "
          f"{counts['quantities']} figures, {counts['relations']} relations")
    print(f"{'page':24} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, r in results.items():
        print(f"{kind:24} {r['n']:>4} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}")
    overall = {"n": len(every), "p50_ms": round(statistics.median(every), 1), "p95_ms": round(pct(every, 95), 1)}
    print(f"{'all pages':24} {overall['n']:>4} {overall['p50_ms']:>8} {overall['p95_ms']:>8}")
    for f in failures:
        print(f"FAILED {f}", file=sys.stderr)
    Path(args.out).write_text(json.dumps({"ledger": counts, "pages": results, "overall": overall,
                                          "failures": failures}, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
