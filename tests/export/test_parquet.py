"""The Parquet export: the JSONL export's lines, partitioned by kind, read back in the same order."""

from __future__ import annotations

from io import StringIO

import pytest

from counterclaim.api import export, export_jsonl

pytest.importorskip("pyarrow")


def test_the_parquet_dataset_reads_back_as_the_jsonl_export(seeded_ledger, tmp_path):
    import pyarrow.dataset as ds

    from counterclaim.export.parquet import read_lines

    buf = StringIO()
    export_jsonl(seeded_ledger, buf)
    folder = str(tmp_path / "ledger.parquet")
    export(seeded_ledger, "parquet", folder=folder)
    assert read_lines(folder) == buf.getvalue().splitlines()
    kinds = {p.name for p in (tmp_path / "ledger.parquet").iterdir()}
    assert {"kind=meta", "kind=document", "kind=claim", "kind=quantity", "kind=relation"} <= kinds
    claims = ds.dataset(folder, format="parquet", partitioning="hive").to_table(filter=ds.field("kind") == "claim")
    assert claims.num_rows == sum('"kind": "claim"' in line for line in buf.getvalue().splitlines())
    assert all(doc and cid.startswith(doc + ":") for doc, cid in zip(claims.column("doc").to_pylist(),
                                                                   claims.column("id").to_pylist(), strict=True))


def test_a_folder_is_required(seeded_ledger):
    from counterclaim.errors import ExportError

    with pytest.raises(ExportError) as exc:
        export(seeded_ledger, "parquet")
    assert exc.value.code == "E402"
