#!/usr/bin/env python
"""Score the techniques stage on the PTC train split (local evaluation only; never commit PTC data).

Fetch the data as ../shared/bench/ptc/README.md says (outside the repository), then:

    python bench/ptc_eval.py --articles DIR/train-articles --labels DIR/train-task-flc-tc.labels [--limit 100]

A predicted span is right when it overlaps a gold span whose PTC label maps to the
predicted SemEval-2023 label (precision; LABEL_MAP below documents the mapping); a gold
span is found when a prediction with a mapped label overlaps it (recall). Flags whose
label PTC has no counterpart for (UNSCORABLE) are counted apart, not in precision. Articles whose normalised text differs from the raw
file are skipped (offsets would not match). Prints a table per label.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

# PTC label -> the SemEval-2023 labels it allows (../shared/bench/ptc/README.md), with two additions
# read from the PTC annotation guidelines (Da San Martino et al. 2019):
# - PTC's Whataboutism is defined as "discredit an opponent's position by charging them with
#   hypocrisy", which SemEval-2023 calls Appeal_to_Hypocrisy (it split it out of Whataboutism);
# - PTC's Doubt is "questioning the credibility of someone or something", which covers
#   SemEval-2023's Questioning_the_Reputation (attacks on a person's credibility and character).
LABEL_MAP: dict[str, set[str]] = {
    "Loaded_Language": {"Loaded_Language"},
    "Name_Calling,Labeling": {"Name_Calling-Labeling"},
    "Repetition": {"Repetition"},
    "Doubt": {"Doubt", "Questioning_the_Reputation"},
    "Exaggeration,Minimisation": {"Exaggeration-Minimisation"},
    "Appeal_to_fear-prejudice": {"Appeal_to_Fear-Prejudice"},
    "Flag-Waving": {"Flag_Waving"},
    "Causal_Oversimplification": {"Causal_Oversimplification"},
    "Appeal_to_Authority": {"Appeal_to_Authority"},
    "Slogans": {"Slogans"},
    "Black-and-White_Fallacy": {"False_Dilemma-No_Choice"},
    "Thought-terminating_Cliches": {"Conversation_Killer"},
    "Whataboutism,Straw_Men,Red_Herring": {"Whataboutism", "Straw_Man", "Red_Herring", "Appeal_to_Hypocrisy"},
    "Bandwagon,Reductio_ad_hitlerum": {"Appeal_to_Popularity", "Guilt_by_Association"},
}
# SemEval-2023 labels with no ancestor among PTC's 14 (new in 2023, or dropped from PTC's shared
# task as too rare): PTC cannot say whether such a flag is right, so it is counted apart,
# never in precision.
UNSCORABLE = frozenset({"Appeal_to_Values", "Appeal_to_Time", "Consequential_Oversimplification",
                        "Obfuscation-Vagueness-Confusion"})


def cue_of(rule: str, why: str) -> str:
    """The cue a flag came from, for the per-cue table: the rule and, for lexicon rules, the word."""
    if rule in ("loaded_word", "labelling_noun", "insult") and "'" in why:
        word = why.split("'")[1].lower()
        return f"{rule}:{word}"
    return rule


def read_gold(path: Path) -> dict[str, list[tuple[int, int, set[str]]]]:
    gold: dict[str, list[tuple[int, int, set[str]]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            art, label, start, end = line.split("\t")
            gold[art].append((int(start), int(end), LABEL_MAP.get(label, set())))
    return gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=Path, required=True)
    ap.add_argument("--labels", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (by id)")
    ap.add_argument("--misses", type=int, default=0, help="print this many wrong predictions")
    ap.add_argument("--cues", action="store_true", help="print right and wrong flags per label and cue")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from counterclaim.analyze import parse_texts
    from counterclaim.ingest.document import normalize_text

    gold = read_gold(args.labels)
    files = sorted(args.articles.glob("article*.txt"))
    if args.limit:
        files = files[:args.limit]
    ids, texts, skipped = [], [], 0
    for f in files:
        raw = f.read_text(encoding="utf-8")
        if normalize_text(raw) != raw:
            skipped += 1
            continue
        ids.append(f.stem.removeprefix("article"))
        texts.append(raw)
    per_label: dict[str, Counter[str]] = defaultdict(Counter)
    per_cue: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    unscorable: Counter[str] = Counter()
    found: set[tuple[str, int]] = set()
    wrong = []
    for art, doc in zip(ids, parse_texts(texts, batch_size=8), strict=True):
        spans = gold.get(art, [])
        for t in doc._.cc_techniques:
            if t.label in UNSCORABLE:
                unscorable[t.label] += 1
                continue
            ok = False
            for n, (s, e, allowed) in enumerate(spans):
                if s < t.end and t.start < e and t.label in allowed:
                    ok = True
                    found.add((art, n))
            per_label[t.label]["right" if ok else "wrong"] += 1
            per_cue[(t.label, cue_of(t.rule, t.why))]["right" if ok else "wrong"] += 1
            if not ok:
                wrong.append(f"{art} {t.label} [{cue_of(t.rule, t.why)}]: {t.text[:70]!r}")
    total_gold = sum(len(gold.get(a, [])) for a in ids)
    right = sum(c["right"] for c in per_label.values())
    predicted = sum(sum(c.values()) for c in per_label.values())
    p, r = right / max(1, predicted), len(found) / max(1, total_gold)
    result = {"articles": len(ids), "skipped": skipped, "predicted": predicted, "right": right,
              "precision": round(p, 3), "gold_spans": total_gold, "gold_found": len(found), "recall": round(r, 3),
              "per_label": {k: dict(v) for k, v in sorted(per_label.items())},
              "per_cue": {f"{k[0]} {k[1]}": dict(v) for k, v in sorted(per_cue.items())},
              "unscorable": dict(unscorable)}
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{len(ids)} articles ({skipped} skipped: normalised text differs)")
    print(f"{'label':<34} {'right':>6} {'wrong':>6} {'prec':>6}")
    for label, c in sorted(per_label.items()):
        n = c["right"] + c["wrong"]
        print(f"{label:<34} {c['right']:>6} {c['wrong']:>6} {c['right'] / n:>6.2f}")
    print(f"{'all':<34} {right:>6} {predicted - right:>6} {p:>6.2f}   recall {len(found)}/{total_gold} = {r:.3f}")
    if unscorable:
        print("not scored (no PTC label):", ", ".join(f"{k} {v}" for k, v in sorted(unscorable.items())))
    if args.cues:
        print(f"{'label':<28} {'cue':<40} {'right':>6} {'wrong':>6}")
        for (label, cue), c in sorted(per_cue.items(), key=lambda kv: -sum(kv[1].values())):
            print(f"{label:<28} {cue:<40} {c['right']:>6} {c['wrong']:>6}")
    for line in wrong[:args.misses]:
        print("   wrong", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
