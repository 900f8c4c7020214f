"""How the Spark job names and orders the files it reads: as `ingest` walks them (no Spark needed)."""

from __future__ import annotations

import os

import pytest

from counterclaim.spark.job import _order, _shown


@pytest.mark.parametrize("given, uri, expected", [
    ("examples", "file:{cwd}/examples/000_a.txt", ("examples/000_a.txt", ("000_a.txt",))),
    ("examples/", "file:{cwd}/examples/sub/b.md", ("examples/sub/b.md", ("sub", "b.md"))),
    ("wire.jsonl", "file:{cwd}/wire.jsonl", ("wire.jsonl", ())),
    ("/data/in box", "file:/data/in%20box/a%20b.txt", ("/data/in box/a b.txt", ("a b.txt",))),
    ("hdfs://nn/corpora/wire", "hdfs://nn/corpora/wire/2024/x.txt", ("hdfs://nn/corpora/wire/2024/x.txt",
                                                                       ("2024", "x.txt"))),
])
def test_files_are_named_as_ingest_names_them(given, uri, expected):
    assert _shown(given, uri.format(cwd=os.getcwd())) == expected


def test_keys_sort_component_by_component_then_line_as_the_walk_does():
    walk = [(0, ("a", "x.txt"), 0), (0, ("a", "y.jsonl"), 0), (0, ("a", "y.jsonl"), 1), (0, ("a", "y.jsonl"), 10),
            (0, ("a-b", "x.txt"), 0), (0, ("ab.txt",), 0), (1, ("0.txt",), 0)]
    keys = [_order(*item) for item in walk]
    assert sorted(keys) == keys
