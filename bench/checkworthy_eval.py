#!/usr/bin/env python
"""Score the packaged check-worthiness model on ClaimBuster's groundtruth.csv (evaluation only).

    python bench/checkworthy_eval.py                       # the packaged model
    python bench/checkworthy_eval.py --model other.json    # a model written by `counterclaim train checkworthy --out`

Prints precision, recall and F1 of the check-worthy class (Verdict 1) at the model's own
threshold (chosen by cross-validation on crowdsourced.csv), and the time per 1,000
sentences (spaCy tagging and parsing for the POS block, TF-IDF and MiniLM embedding included,
after the models are loaded).
The file is read where it is and never used for training or tuning.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "bench" / "claimbuster" / "groundtruth.csv"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT, help="groundtruth.csv")
    ap.add_argument("--model", type=Path, help="a model JSON (default: the packaged one)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)

    from counterclaim.checkworthy import model as cw
    from counterclaim.checkworthy.train import read_claimbuster
    from counterclaim.link.embed import encode

    m = cw.model_from(json.loads(args.model.read_text(encoding="utf-8"))) if args.model else cw.load_model()
    data = read_claimbuster(args.data)
    encode(["warm up the sentence model"])
    cw.tag_texts(["Warm up the tagger."])
    t0 = time.perf_counter()
    probs = cw.probabilities(data.texts, m)
    seconds = time.perf_counter() - t0
    pred = probs >= m.threshold
    gold = data.labels == 1
    tp = int((pred & gold).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int(gold.sum()))
    f1 = 2 * p * r / max(1e-9, p + r)
    out = {"sentences": len(data.texts), "checkworthy": int(gold.sum()), "threshold": m.threshold,
           "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
           "seconds_per_1000": round(seconds * 1000 / len(data.texts), 2)}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"groundtruth.csv: {out['sentences']} sentences, {out['checkworthy']} check-worthy; "
              f"threshold {m.threshold}")
        print(f"precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  ({out['seconds_per_1000']} s per 1,000 sentences)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
