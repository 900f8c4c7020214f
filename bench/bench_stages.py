"""Where an ingest's CPU goes, stage by stage, in one process.

    python bench/bench_stages.py [--n 200] [--threads 1]

Over the generated corpus (bench/out/corpusN, made by make_corpus.py as bench_ingest.py does)
this times, in CPU seconds of this process (all its threads):

* bare spaCy:    the model's own pipeline (``spacy.load``), the baseline of bench_ingest.py;
* reading:       reading the files and inferring their metadata (``ingest.read``);
* spaCy + ours:  the analysis pipeline's token-level part (the model, the gazetteer ruler, the
                 entity fixes);
* each document-level stage (entities, asserter, figures, attributions, claims, techniques),
  with the sentence encoding (all-MiniLM-L6-v2) they ask for counted apart, as ``encoding``;
* storing:       writing every document and its analysis into a fresh SQLite ledger;
* linking:       ``api.link`` over the whole ledger (its own sentence encoding counted apart too).

PyTorch runs with ``--threads`` threads (1, as in each ``--workers N`` worker, by default), so
the CPU seconds add up to what N workers share. Results go to stdout and bench/out/bench_stages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import MODEL, _files, ensure_corpus


class Clock:
    """CPU seconds by stage; the sentence model's share is taken out of the stage that asked for it."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.sentences: dict[str, int] = defaultdict(int)
        self._stage: list[str] = []

    def timed(self, stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self._stage.append(stage)
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self.cpu[stage] += time.process_time() - t
            self._stage.pop()

    def wrap_encoder(self, model: Any) -> None:
        inner = model.encode

        def encode(texts: Any, *args: Any, **kwargs: Any) -> Any:
            where = self._stage[-1] if self._stage else "other"
            t = time.process_time()
            try:
                return inner(texts, *args, **kwargs)
            finally:
                spent = time.process_time() - t
                self.cpu[where] -= spent
                self.cpu[f"encoding ({where})"] += spent
                self.sentences[where] += len(texts)

        model.encode = encode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="documents in the generated corpus (default 200)")
    ap.add_argument("--threads", type=int, default=1, help="PyTorch threads (default 1, as in a worker)")
    ap.add_argument("--out", default=str(OUT / "bench_stages.json"), help="JSON results file")
    args = ap.parse_args(argv)

    import spacy
    import torch

    from counterclaim import api
    from counterclaim.analyze import analysis_of
    from counterclaim.extract.noncontent import masked
    from counterclaim.ingest.metadata import infer_metadata
    from counterclaim.ingest.readers import read_file
    from counterclaim.link.embed import _model
    from counterclaim.nlp import DOC_STAGES, analyzer_name, load_nlp

    torch.set_num_threads(args.threads)
    folder = ensure_corpus(args.n)
    files = _files(folder)
    clock = Clock()
    nlp, bare = load_nlp(), spacy.load(MODEL)
    clock.wrap_encoder(_model())
    from counterclaim.extract.techniques.neighbours import _example_matrix

    clock.timed("loading the example vectors", _example_matrix)
    documents = clock.timed("reading", lambda: [infer_metadata(d) for p in files for d in read_file(p, str(p))
                                                if not isinstance(d, Exception)])
    texts = [masked(d.text) for d in documents]
    list(bare.pipe(texts[:8])), list(nlp.pipe(texts[:8], disable=list(DOC_STAGES)))  # warm both up
    clock.timed("bare spaCy", lambda: list(bare.pipe(texts, batch_size=16)))
    analyses = []
    for n in range(0, len(documents), 16):
        batch = documents[n:n + 16]
        docs = clock.timed("spaCy + ruler + fixes", lambda b=batch: list(
            nlp.pipe([masked(d.text) for d in b], batch_size=16, disable=list(DOC_STAGES))))
        for document, doc in zip(batch, docs, strict=True):
            doc.user_data.update({"doc_type": document.doc_type, "outlet": document.outlet})
            for name in DOC_STAGES:
                doc = clock.timed(name.removeprefix("counterclaim_").removesuffix("_v1"), nlp.get_pipe(name), doc)
            analyses.append(clock.timed("records", analysis_of, document, doc))
    with tempfile.TemporaryDirectory(prefix="cc-stages-") as tmp:
        ledger = api.open_ledger(os.path.join(tmp, "ledger.db"))
        name = analyzer_name()
        for document, analysis in zip(documents, analyses, strict=True):
            clock.timed("storing", ledger.add_document, document, analysis, analyzer=name)
        report = clock.timed("linking", api.link, ledger)
        ledger.engine.dispose()
    words = sum(len(t.split()) for t in texts)
    bare_cpu = clock.cpu["bare spaCy"]
    ours = {k: round(v, 2) for k, v in clock.cpu.items() if k != "bare spaCy"}
    total = sum(ours.values())
    enc = sum(v for k, v in ours.items() if k.startswith("encoding"))
    result = {"docs": len(documents), "words": words, "threads": args.threads, "bare_spacy_cpu_s": round(bare_cpu, 2),
              "counterclaim_cpu_s": round(total, 2), "stages_cpu_s": ours, "sentences_encoded": dict(clock.sentences),
              "relations": sum(report.relations.values()), "ratio_bound": round(bare_cpu / total, 3),
              "ratio_bound_without_encoding": round(bare_cpu / (total - enc), 3)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{len(documents)} documents, {words} words, PyTorch threads {args.threads}; CPU seconds:")
    print(f"  {'bare spaCy (the baseline)':<40} {bare_cpu:8.2f}")
    for k, v in sorted(ours.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<40} {v:8.2f}  {v / bare_cpu:5.2f}x bare")
    print(f"  {'counterclaim, all stages':<40} {total:8.2f}  {total / bare_cpu:5.2f}x bare")
    print(f"  of which sentence encoding {enc:.2f} s ({enc / total:.0%}; {sum(clock.sentences.values())} texts)")
    print(f"bare / counterclaim CPU = {bare_cpu / total:.2f}: the most `ingest --workers N` can reach against bare "
          f"nlp.pipe(n_process=N), every core busy; {bare_cpu / (total - enc):.2f} without the sentence encoding")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
