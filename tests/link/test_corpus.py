"""The linker's indexed view of the ledger rows."""

from __future__ import annotations

import random

import pytest

from counterclaim.link.corpus import Corpus


def _corpus(seed: int) -> tuple[Corpus, list[tuple[int, int, str]]]:
    rng = random.Random(seed)
    spans = []
    for _ in range(300):
        start = rng.randrange(0, 5000)
        spans.append((start, start + rng.randrange(1, 40), f"GPE:place-{rng.randrange(20)}"))
    rows = [{"kind": "document", "id": "d1", "text": "x" * 6000}]
    rows += [{"kind": "mention", "doc": "d1", "start": s, "end": e, "entity": ent} for s, e, ent in spans]
    return Corpus(rows, {}), spans


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mentions_from_and_entities_in_agree_with_a_scan_of_every_mention(seed: int) -> None:
    corpus, spans = _corpus(seed)
    for start, end in [(0, 6000), (100, 101), (2500, 2600), (4990, 5100), (5500, 5600), (300, 300)]:
        assert corpus.mentions_from("d1", start, end) == sorted(m for m in spans if start <= m[0] < end)
        assert corpus.entities_in("d1", start, end) == {e for s, t, e in spans if s >= start and t <= end}
    assert corpus.mentions_from("unknown", 0, 10) == []
