#!/usr/bin/env python
"""Score a counterclaim export against a gold file in the format of seeds.gold.json.

    python bench/eval.py                                  # ingest the seeds into a temporary ledger, score it
    python bench/eval.py --export ledger.jsonl --gold ../shared/corpus/seeds.gold.json
    python bench/eval.py --corpus ../shared/corpus/dev/texts --gold ../shared/corpus/dev/gold.json

The texts are read where they are (never copied into the repository).

Gold documents are named by file-name prefix ("000", "01"); an exported document
matches when the base name of its path starts with that prefix and no further digit. Sections the
ledger does not produce yet are reported as "n/a", not as zero.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = [ROOT.parent / "shared" / "corpus" / "seeds.gold.json", ROOT / "tests" / "data" / "seeds.gold.json"]
DEFAULT_SEEDS = [ROOT.parent / "shared" / "corpus" / "seeds", ROOT / "examples"]


def _first_existing(paths: list[Path]) -> Path:
    for p in paths:
        if p.exists():
            return p
    raise SystemExit(f"none of these exist: {', '.join(map(str, paths))}")


def export_rows_for(seeds: Path) -> list[dict[str, Any]]:
    """Ingest ``seeds`` into a temporary ledger and return its export rows."""
    from counterclaim.api import export_jsonl, ingest, open_ledger

    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(str(Path(tmp) / "eval.db"))
        report = ingest(ledger, [seeds])
        for failure in report.failed:
            print(f"ingest failure: {failure}", file=sys.stderr)
        buf = StringIO()
        export_jsonl(ledger, buf)
        ledger.close()
    return [json.loads(line) for line in buf.getvalue().splitlines()]


class Ledger:
    """The export rows indexed for scoring."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            self.by_kind[r["kind"]].append(r)
        self.entities = {e["id"]: e for e in self.by_kind["entity"]}
        self.doc_of_name: dict[str, dict[str, Any]] = {}
        for d in self.by_kind["document"]:
            self.doc_of_name.setdefault(Path(d["path"].split(":")[0]).name, d)

    def doc(self, prefix: str) -> dict[str, Any] | None:
        """The document whose file name starts with ``prefix`` ("000", "01") and no further digit."""
        for name, d in self.doc_of_name.items():
            if name.startswith(prefix) and not name[len(prefix):len(prefix) + 1].isdigit():
                return d
        return None

    def entity_name(self, eid: str | None) -> str | None:
        return self.entities[eid]["name"] if eid in self.entities else None

    def names_of(self, eid: str | None) -> set[str]:
        e = self.entities.get(eid or "")
        return {e["name"], *e.get("aliases", [])} if e else set()

    def entities_at(self, prefix: str, surface: str) -> set[str]:
        """Entity ids of the mentions in a document whose text is ``surface`` (or contains it)."""
        d = self.doc(prefix)
        if d is None:
            return set()
        ms = [m for m in self.by_kind["mention"] if m["doc"] == d["id"]]
        exact = {m["entity"] for m in ms if m["text"] == surface}
        if exact:
            return exact
        wider = {m["entity"] for m in ms if surface in m["text"] and len(m["text"]) <= 3 * len(surface)}
        if wider:
            return wider
        # A mention inside an occurrence of the surface ('Ocampo' within 'Mr. Ocampo').
        spots = [(i, i + len(surface)) for i in _find_all(d["text"], surface)]
        return {m["entity"] for m in ms for a, b in spots
                if a <= m["start"] and m["end"] <= b and 2 * (m["end"] - m["start"]) >= len(surface)}


def _find_all(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def score_documents(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    fields = ("published", "asserter", "doc_type", "dateline", "outlet")
    right = dict.fromkeys(fields, 0)
    total = dict.fromkeys(fields, 0)
    misses: dict[str, list[str]] = defaultdict(list)
    for prefix, want in gold.get("documents", {}).items():
        d = led.doc(prefix)
        for f in fields:
            if f not in want:
                continue
            total[f] += 1
            got = None if d is None else d.get(f)
            if f == "asserter":
                ok = want[f] in led.names_of(got) if got else want[f] is None
                got = led.entity_name(got)
            elif f == "dateline" and got is not None and want[f] is not None:
                ok = got.casefold() == want[f].casefold()
            else:
                ok = got == want[f]
            right[f] += ok
            if not ok:
                misses[f].append(f"{prefix}: got {got!r}, want {want[f]!r}")
    return [(f"document.{f}", right[f], total[f], misses[f]) for f in fields if total[f]]


def score_entities(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    same_ids = {(r["a"], r["b"]) for r in led.by_kind["relation"]
                if r.get("type") == "same_entity" and r.get("score", 0) >= 0.5}  # below 0.5: "maybe", not linked
    out = []
    for section, want_same in (("same_entity", True), ("different_entity", False)):
        pairs = gold.get(section, [])
        right, misses = 0, []
        for p in pairs:
            ea, eb = led.entities_at(*p["a"]), led.entities_at(*p["b"])
            if not ea or not eb:
                misses.append(f"{p['a']} / {p['b']}: mention not found ({'a' if not ea else 'b'})")
                continue
            linked = bool(ea & eb) or any((x, y) in same_ids or (y, x) in same_ids for x in ea for y in eb)
            if linked == want_same:
                right += 1
            else:
                misses.append(f"{p['a']} / {p['b']}: {sorted(ea)} vs {sorted(eb)}")
        out.append((section, right, len(pairs), misses))
    return out


def _names_match(led: Ledger, eid: str | None, want: str) -> bool:
    w = want.casefold()
    return any(w in n.casefold() or n.casefold() in w for n in led.names_of(eid) if len(n) > 2)


def _overlaps(text: str, surface: str, start: int, end: int) -> bool:
    return any(a < end and start < a + len(surface) for a in _find_all(text, surface))


def score_quantities(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in led.by_kind["quantity"]:
        by_doc[q["doc"]].append(q)
    by_id = {q["id"]: q for q in led.by_kind["quantity"]}
    found = category = parent = approx = subgroup = 0
    n_parent = n_approx = n_sub = 0
    misses: dict[str, list[str]] = defaultdict(list)
    matched: set[str] = set()
    for g in gold.get("quantities", []):
        d = led.doc(g["doc"])
        cands = [q for q in by_doc.get(d["id"], []) if d and float(q["value"]) == float(g["value"])] if d else []
        label = f"{g['doc']} {g['value']} {g['category']}"
        if g.get("parent") is not None:
            n_parent += 1
        if g.get("approx") is not None:
            n_approx += 1
        if g.get("subgroup") is not None:
            n_sub += 1
        if not cands:
            misses["found"].append(f"{label}: not found")
            continue
        found += 1
        cats = g["category"] if isinstance(g["category"], list) else [g["category"]]
        q = max(cands, key=lambda c: (c["category"] in cats, c.get("subgroup") == g.get("subgroup")))
        matched.add(q["id"])
        if q["category"] in cats:
            category += 1
        else:
            misses["category"].append(f"{label}: got {q['category']} ({q['text']!r})")
        if g.get("parent") is not None:
            got = by_id.get(q.get("parent") or "", {}).get("value")
            if got is not None and float(got) == float(g["parent"]):
                parent += 1
            else:
                misses["parent"].append(f"{label}: parent {got}, want {g['parent']}")
        if g.get("approx") is not None:
            want = g["approx"] if isinstance(g["approx"], list) else [g["approx"]]
            if q["approx"] in want:
                approx += 1
            else:
                misses["approx"].append(f"{label}: approx {q['approx']}, want {want}")
        if g.get("subgroup") is not None:
            if (q.get("subgroup") or "").casefold() == g["subgroup"].casefold():
                subgroup += 1
            else:
                misses["subgroup"].append(f"{label}: subgroup {q.get('subgroup')!r}, want {g['subgroup']!r}")
    total = len(gold.get("quantities", []))
    clean, taken = 0, []
    for nc in gold.get("not_counts", []):
        d = led.doc(nc["doc"])
        hits = [q for q in by_doc.get(d["id"], [])
                if _overlaps(d["text"], nc["surface"], q["start"], q["end"])] if d else []
        if hits:
            taken.append(f"{nc['doc']} {nc['surface']!r} taken as {hits[0]['text']!r}")
        else:
            clean += 1
    golddocs = {led.doc(g["doc"])["id"] for g in gold.get("quantities", []) if led.doc(g["doc"])}
    predicted = [q for q in led.by_kind["quantity"] if q["doc"] in golddocs]
    extra = [f"{q['doc'][:8]} {q['text']!r} {q['category']}" for q in predicted if q["id"] not in matched]
    return [("quantities.found", found, total, misses["found"]),
            ("quantities.category", category, total, misses["category"]),
            ("quantities.parent", parent, n_parent, misses["parent"]),
            ("quantities.approx", approx, n_approx, misses["approx"]),
            ("quantities.subgroup", subgroup, n_sub, misses["subgroup"]),
            ("not_counts.left_out", clean, len(gold.get("not_counts", [])), taken),
            ("quantities.precision", len(predicted) - len(extra), len(predicted), extra)]


def _content_matches(content: str, begins: str) -> bool:
    c, b = " ".join(content.split()).casefold(), " ".join(begins.split()).casefold()
    i = c.find(b)
    return 0 <= i <= 40


def score_attributions(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    right = via_right = n_via = found = 0
    misses: list[str] = []
    via_misses: list[str] = []
    matched: set[str] = set()
    for g in gold.get("attributions", []):
        d = led.doc(g["doc"])
        cands = [a for a in led.by_kind["attribution"] if d and a["doc"] == d["id"]
                 and _content_matches(a["content"]["text"], g["content_begins"])]
        label = f"{g['doc']} {g['speaker']}: {g['content_begins'][:40]!r}"
        if g.get("via"):
            n_via += 1
        if not cands:
            misses.append(f"{label}: not found")
            continue
        found += 1
        good = [a for a in cands if _names_match(led, a["speaker"], g["speaker"]) and a["direct"] == g["direct"]]
        a = (good or cands)[0]
        matched.add(a["id"])
        if good:
            right += 1
        else:
            misses.append(f"{label}: got speaker {led.entity_name(a['speaker'])!r} direct={a['direct']}")
        if g.get("via"):
            if all(any(_names_match(led, v, w) for v in a["via"]) for w in g["via"]):
                via_right += 1
            else:
                via_misses.append(f"{label}: via {[led.entity_name(v) for v in a['via']]}, want {g['via']}")
    total = len(gold.get("attributions", []))
    golddocs = {led.doc(g["doc"])["id"] for g in gold.get("attributions", []) if led.doc(g["doc"])}
    predicted = [a for a in led.by_kind["attribution"] if a["doc"] in golddocs]
    return [("attributions", right, total, misses),
            ("attributions.content", found, total, [m for m in misses if m.endswith(": not found")]),
            ("attributions.via", via_right, n_via, via_misses),
            ("attributions.in_gold", len(matched), len(predicted),
             [f"{a['doc'][:8]} {led.entity_name(a['speaker'])!r}: {a['content']['text'][:50]!r}"
              for a in predicted if a["id"] not in matched])]


def score_claims(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    found = right = 0
    misses: list[str] = []
    for g in gold.get("claims", []):
        d = led.doc(g["doc"])
        cands = [c for c in led.by_kind["claim"] if d and c["doc"] == d["id"] and g["contains"] in c["text"]]
        label = f"{g['doc']} {g['contains'][:40]!r}"
        if not cands:
            misses.append(f"{label}: not found")
            continue
        found += 1

        def problems(c: dict[str, Any]) -> list[str]:
            out = []
            if not _names_match(led, c["asserter"], g["asserter"]):
                out.append(f"asserter {led.entity_name(c['asserter'])!r}")
            if c["polarity"] != g["polarity"]:
                out.append(f"polarity {c['polarity']}")
            if g.get("about") and not any(_names_match(led, e, g["about"]) for e in c["about"]):
                out.append(f"about {[led.entity_name(e) for e in c['about']]}")
            types = g.get("claim_type")
            if types and c["claim_type"] not in (types if isinstance(types, list) else [types]):
                out.append(f"type {c['claim_type']}")
            return out

        best = min(cands, key=lambda c: len(problems(c)))
        if not problems(best):
            right += 1
        else:
            misses.append(f"{label}: {', '.join(problems(best))}")
    total = len(gold.get("claims", []))
    return [("claims.found", found, total, []), ("claims", right, total, misses)]


def score_relations(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    rels = led.by_kind["relation"]
    by_id: dict[str, dict[str, Any]] = {}
    for kind in ("claim", "quantity", "document"):
        by_id.update({r["id"]: r for r in led.by_kind[kind]})

    def doc_of(item_id: str) -> str | None:
        item = by_id.get(item_id)
        return None if item is None else (item["id"] if item["kind"] == "document" else item["doc"])

    def text_of(item_id: str) -> str:
        item = by_id.get(item_id) or {}
        return item.get("text", "") if item.get("kind") != "document" else ""

    out = []
    right, misses = 0, []
    for g in gold.get("contradictions", []):
        da, db = led.doc(g["a"]["doc"]), led.doc(g["b"]["doc"])
        ok = da and db and any(
            r["type"] == "contradicts" and {doc_of(r["a"]), doc_of(r["b"])} == {da["id"], db["id"]}
            and any(g["a"]["contains"] in text_of(x) for x in (r["a"], r["b"]))
            and any(g["b"]["contains"] in text_of(x) for x in (r["a"], r["b"])) for r in rels)
        right += bool(ok)
        if not ok:
            misses.append(f"{g['a']['doc']} ~ {g['b']['doc']} {g['a']['contains']!r}: no contradicts relation")
    out.append(("contradictions", right, len(gold.get("contradictions", [])), misses))
    right, misses = 0, []
    for g in gold.get("rebuttals", []):
        d = led.doc(g["doc"])
        want = g["target_contains"].casefold()
        ok = d and any(
            r["type"] == "rebuts" and doc_of(r["a"]) == d["id"]
            and (want in r.get("evidence", "").casefold() or any(want in n.casefold() for n in led.names_of(r["b"]))
                 or want in ((by_id.get(r["b"]) or {}).get("title") or "").casefold())
            for r in rels)
        right += bool(ok)
        if not ok:
            misses.append(f"{g['doc']} rebuts {g['target_contains']!r}: not found")
    out.append(("rebuttals", right, len(gold.get("rebuttals", [])), misses))
    for section, rtype in (("consistent_figures", "figure_consistent"), ("figure_mismatches", "figure_mismatch")):
        right, misses = 0, []
        for g in gold.get(section, []):
            pair = []
            for prefix, value in (g["a"], g["b"]):
                d = led.doc(prefix)
                pair.append({q["id"] for q in led.by_kind["quantity"] if d and q["doc"] == d["id"]
                             and float(q["value"]) == float(value)})
            ok = any(r["type"] == rtype and ((r["a"] in pair[0] and r["b"] in pair[1])
                                             or (r["a"] in pair[1] and r["b"] in pair[0])) for r in rels)
            right += ok
            if not ok:
                misses.append(f"{g['a']} ~ {g['b']}: no {rtype} relation")
        out.append((section, right, len(gold.get(section, [])), misses))
    return out


def score_techniques(gold: dict[str, Any], led: Ledger) -> list[tuple[str, int, int, list[str]]]:
    """A gold technique is hit when an emitted technique with one of its allowed labels overlaps ``near``."""
    right, misses = 0, []
    for g in gold.get("techniques", []):
        d = led.doc(g["doc"])
        ok = bool(d) and any(t["doc"] == d["id"] and t["label"] in g["labels"]
                             and _overlaps(d["text"], g["near"], t["start"], t["end"])
                             for t in led.by_kind["technique"])
        right += ok
        if not ok:
            misses.append(f"{g['doc']} {g['near']!r}: none of {g['labels']}")
    golddocs = {led.doc(g)["id"] for g in gold.get("documents", {}) if led.doc(g)}
    predicted = [t for t in led.by_kind["technique"] if t["doc"] in golddocs]
    hit = [t for t in predicted if any(
        led.doc(g["doc"]) and t["doc"] == led.doc(g["doc"])["id"] and t["label"] in g["labels"]
        and _overlaps(led.doc(g["doc"])["text"], g["near"], t["start"], t["end"]) for g in gold.get("techniques", []))]
    return [("techniques", right, len(gold.get("techniques", [])), misses),
            ("techniques.in_gold", len(hit), len(predicted),
             [f"{t['doc'][:8]} {t['label']}: {t['text'][:50]!r}" for t in predicted if t not in hit])]


def score(gold: dict[str, Any], rows: list[dict[str, Any]]) -> list[tuple[str, int, int, list[str]]]:
    led = Ledger(rows)
    results = score_documents(gold, led) + score_entities(gold, led)
    for section, kind, scorer in (("quantities", "quantity", score_quantities),
                                  ("attributions", "attribution", score_attributions),
                                  ("claims", "claim", score_claims)):
        if gold.get(section) and led.by_kind.get(kind):
            results += scorer(gold, led)
        elif gold.get(section):
            results.append((section, -1, len(gold[section]), []))
    if led.by_kind.get("relation"):
        results += score_relations(gold, led)
    if gold.get("techniques") and led.by_kind.get("technique"):
        results += score_techniques(gold, led)
    for section, kind in (("contradictions", "relation"), ("rebuttals", "relation"),
                          ("consistent_figures", "relation"), ("figure_mismatches", "relation"),
                          ("techniques", "technique")):
        if gold.get(section) and not led.by_kind.get(kind):
            results.append((section, -1, len(gold[section]), []))
    return results


def print_table(results: list[tuple[str, int, int, list[str]]], *, verbose: bool) -> None:
    print(f"{'section':<22} {'right':>6} {'total':>6} {'score':>7}")
    print("-" * 44)
    for name, right, total, misses in results:
        if right < 0:
            print(f"{name:<22} {'n/a':>6} {total:>6} {'n/a':>7}   (not extracted yet)")
            continue
        print(f"{name:<22} {right:>6} {total:>6} {right / total:>7.0%}" if total else f"{name:<22} -")
        if verbose:
            label = "extra" if name.endswith((".precision", ".in_gold")) else "miss "
            for m in misses:
                print(f"    {label} {m}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", type=Path, help="a JSONL export; default: ingest --seeds into a temporary ledger")
    ap.add_argument("--gold", type=Path, help="gold file (default: ../shared/corpus/seeds.gold.json)")
    ap.add_argument("--seeds", "--corpus", dest="seeds", type=Path,
                    help="folder of the gold documents (default: ../shared/corpus/seeds; "
                         "the dev set: --corpus ../shared/corpus/dev/texts --gold ../shared/corpus/dev/gold.json)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("-q", "--quiet", action="store_true", help="no list of misses")
    ap.add_argument("--pins", type=Path, help="JSON {section: minimum right}; exit 1 if any section falls below")
    args = ap.parse_args(argv)
    gold = json.loads((args.gold or _first_existing(DEFAULT_GOLD)).read_text(encoding="utf-8"))
    if args.export:
        rows = [json.loads(line) for line in args.export.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        rows = export_rows_for(args.seeds or _first_existing(DEFAULT_SEEDS))
    results = score(gold, rows)
    if args.json:
        print(json.dumps([{"section": n, "right": r, "total": t, "misses": m} for n, r, t, m in results], indent=2))
    else:
        print_table(results, verbose=not args.quiet)
    if args.pins:
        pins = json.loads(args.pins.read_text(encoding="utf-8"))
        got = {name: right for name, right, _, _ in results}
        fallen = [f"{k}: {got.get(k)} < {v}" for k, v in pins.items() if k != "about" and (got.get(k) or 0) < v]
        for line in fallen:
            print(f"REGRESSION {line}", file=sys.stderr)
        return 1 if fallen else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
