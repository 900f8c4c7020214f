"""Label Studio round trip on the real seeds: export tasks, annotate in Python, import, check the ledger."""

from __future__ import annotations

import copy
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from counterclaim import api
from counterclaim import corrections as corr
from counterclaim import labelstudio as ls
from counterclaim.errors import CorrectionError
from tests.conftest import copy_ledger


@pytest.fixture
def ledger(seeded_ledger, tmp_path):
    return api.open_ledger(copy_ledger(seeded_ledger, tmp_path / "ls.db"))


def export(ledger) -> list[dict]:
    buf = io.StringIO()
    api.export_jsonl(ledger, buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def khojaly_task(tasks: list[dict]) -> dict:
    (t,) = [t for t in tasks if any(r["value"]["text"] == "613" for r in t["predictions"][0]["result"])]
    return t


def annotate(task: dict, *, drop: str = "613", relabel: tuple[str, str] = ("25", "injured"),
             who=None, when: str = "2026-01-02T10:00:00.000000Z") -> dict:
    """An annotator keeps every predicted region but drops the figure ``drop`` and relabels one figure."""
    t = copy.deepcopy(task)
    result = [r for r in copy.deepcopy(t["predictions"][0]["result"])
              if not (r["value"]["text"] == drop and r["meta"]["kind"] == "quantity")]
    for r in result:
        if r["value"]["text"] == relabel[0] and r["meta"]["kind"] == "quantity":
            r["value"]["labels"] = [relabel[1]]
        r.pop("meta")  # Label Studio may not keep region meta: ids alone must do
    t["id"] = 17  # Label Studio numbers imported tasks itself
    t["annotations"] = [{"id": 5, "completed_by": who if who is not None else {"id": 3, "email": "ana@example.org"},
                         "result": result, "was_cancelled": False, "created_at": when, "updated_at": when}]
    return t


def test_export_tasks_shape(ledger):
    tasks = list(ls.iter_tasks(ledger))
    assert len(tasks) == 5 and len({t["id"] for t in tasks}) == 5
    t = khojaly_task(tasks)
    text = t["data"]["text"]
    assert set(t["data"]) == {"text", "doc_id", "title", "published"}
    (pred,) = t["predictions"]
    assert pred["model_version"].startswith("counterclaim ") and 0 <= pred["score"] <= 1
    regions = pred["result"]
    for r in regions:
        v = r["value"]
        assert text[v["start"]:v["end"]] == v["text"]
        assert (r["from_name"], r["to_name"], r["type"]) == ("label", "text", "labels")
        assert r["id"] == ls.region_id(r["meta"]["counterclaim_id"])
        assert v["labels"][0] in ls.LABELS
    by_text = {r["value"]["text"]: r for r in regions if r["meta"]["kind"] == "quantity"}
    assert by_text["613"]["value"]["labels"] == ["killed"] and by_text["487"]["value"]["labels"] == ["injured"]
    assert {r["meta"]["kind"] for r in regions} == {"quantity", "claim"}
    everywhere = [r for x in tasks for r in x["predictions"][0]["result"]]
    atts = [r for r in everywhere if r["meta"]["kind"] == "attribution"]
    assert atts and all(r["value"]["labels"] == ["attribution"] for r in atts)
    assert any(r["meta"].get("speaker") and r["meta"]["text"][0].startswith("speaker: ") for r in atts)
    # The same export twice is the same bytes; the file is one JSON array.
    assert "".join(ls.iter_json(ledger)) == "".join(ls.iter_json(ledger))
    assert json.loads("".join(ls.iter_json(ledger))) == tasks


def test_export_applies_existing_corrections(ledger):
    t = khojaly_task(list(ls.iter_tasks(ledger)))
    by_text = {r["value"]["text"]: r for r in t["predictions"][0]["result"] if r["meta"]["kind"] == "quantity"}
    corr.correct(ledger, "quantity", by_text["106"]["meta"]["counterclaim_id"], "reject", author="ana")
    corr.correct(ledger, "quantity", by_text["25"]["meta"]["counterclaim_id"], "fix", field="category",
                 value="injured", author="ana")
    t2 = next(x for x in ls.iter_tasks(ledger) if x["id"] == t["id"])
    again = {r["value"]["text"]: r for r in t2["predictions"][0]["result"] if r["meta"]["kind"] == "quantity"}
    assert "106" not in again and "613" in again
    assert again["25"]["value"]["labels"] == ["injured"]
    assert again["25"]["meta"]["review"] == "corrected" and again["25"]["meta"]["text"][0].startswith("corrected by ana")


def test_label_config_matches_tasks():
    root = ET.fromstring(ls.label_config())
    labels = root.find("Labels")
    assert labels is not None and labels.get("name") == "label" and labels.get("toName") == "text"
    assert tuple(x.get("value") for x in labels.findall("Label")) == ls.LABELS
    text = root.find("Text")
    assert text is not None and text.get("name") == "text" and text.get("value") == "$text"


def test_round_trip(ledger):
    base = export(ledger)
    tasks = list(ls.iter_tasks(ledger))
    task = khojaly_task(tasks)
    n = len(task["predictions"][0]["result"])
    annotated = [annotate(task)] + [t for t in tasks if t is not task]  # the other tasks: not annotated
    report = ls.import_file(ledger, json.dumps(annotated))
    assert (report.tasks, report.confirmed, report.rejected, report.fixed) == (5, n - 2, 1, 1)
    assert report.as_dict()["reasons"] == {"no annotation (or only cancelled ones)": 4}

    rmap = corr.review_map(ledger)
    doc = task["data"]["doc_id"]
    rows = export(ledger)
    figs = {r["text"]: r for r in rows if r["kind"] == "quantity" and r["doc"] == doc}
    assert "613" not in figs
    assert figs["25"]["category"] == "injured" and figs["25"]["review"]["fixes"] == {"category": "injured"}
    assert figs["487"]["review"] == {"status": "confirmed", "by": "ana@example.org", "at": figs["487"]["review"]["at"]}
    assert rows[0]["counts"]["quantity"] == base[0]["counts"]["quantity"] - 1
    assert sum(r.status == "confirmed" for r in rmap.values()) == n - 2
    assert {c.source for c in ledger.corrections()} == {"labelstudio"}
    assert all(c.note == "labelstudio task 17 annotation 5" for c in ledger.corrections())
    others = [r for r in rows if r["kind"] in ("quantity", "claim") and r["doc"] != doc]
    assert others and not any("review" in r for r in others)

    # The same file again changes nothing.
    count = len(ledger.corrections())
    again = ls.import_file(ledger, json.dumps(annotated).encode())
    assert (again.confirmed, again.rejected, again.fixed, again.unchanged) == (0, 0, 0, n)
    assert len(ledger.corrections()) == count
    assert {k: v.as_dict() for k, v in corr.review_map(ledger).items()} == {k: v.as_dict() for k, v in rmap.items()}


def test_import_matches_by_span_after_ids_changed(ledger):
    task = khojaly_task(list(ls.iter_tasks(ledger)))
    # Re-analysis with another analyser numbering gives the items new ids: simulate it.
    with sqlite3.connect(ledger.url.removeprefix("sqlite:///")) as con:
        con.execute("UPDATE quantities SET id = replace(id, ':q', ':x')")
        con.execute("UPDATE claims SET id = replace(id, ':c', ':y')")
    report = ls.import_tasks(ledger, [annotate(task)])
    assert (report.rejected, report.fixed, report.skipped) == (1, 1, [])
    figs = {r["text"]: r for r in export(ledger) if r["kind"] == "quantity" and r["doc"] == task["data"]["doc_id"]}
    assert "613" not in figs and figs["25"]["category"] == "injured" and ":x" in figs["25"]["id"]


def test_reanalysis_then_import(ledger):
    task = khojaly_task(list(ls.iter_tasks(ledger)))
    api.analyze_pending(ledger, everything=True)
    report = ls.import_tasks(ledger, [annotate(task)])
    assert (report.rejected, report.fixed) == (1, 1) and not report.skipped


def test_annotator_choice_and_authors(ledger):
    task = khojaly_task(list(ls.iter_tasks(ledger)))
    t = annotate(task, who=7)
    cancelled = copy.deepcopy(t["annotations"][0])
    cancelled.update(id=6, was_cancelled=True, result=[], updated_at="2026-03-01T00:00:00Z")
    older = copy.deepcopy(t["annotations"][0])
    older.update(id=4, result=[], updated_at="2025-01-01T00:00:00Z")
    t["annotations"] += [cancelled, older]
    assert ls.latest_annotation(t)["id"] == 5
    report = ls.import_tasks(ledger, [t])
    assert report.rejected == 1
    assert {c.author for c in ledger.corrections()} == {"labelstudio:7"}


def test_drawn_region_brings_back_a_rejected_item(ledger):
    task = khojaly_task(list(ls.iter_tasks(ledger)))
    r613 = next(r for r in task["predictions"][0]["result"] if r["value"]["text"] == "613")
    item = r613["meta"]["counterclaim_id"]
    corr.correct(ledger, "quantity", item, "reject", author="ben")
    t = next(x for x in ls.iter_tasks(ledger) if x["id"] == task["id"])  # exported without 613
    t = annotate(t, drop="none", relabel=("none", "none"), when="2099-01-01T00:00:00Z")
    drawn = {"id": "Xy12", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {**r613["value"], "labels": ["killed"]}}
    t["annotations"][0]["result"].append(drawn)
    report = ls.import_tasks(ledger, [t])
    assert report.rejected == 0 and corr.review_of(ledger, "quantity", item)["status"] == "confirmed"


def test_later_ledger_verdict_stands(ledger):
    task = khojaly_task(list(ls.iter_tasks(ledger)))
    r613 = next(r for r in task["predictions"][0]["result"] if r["value"]["text"] == "613")
    corr.correct(ledger, "quantity", r613["meta"]["counterclaim_id"], "confirm", author="ben")
    corr.correct(ledger, "quantity", r613["meta"]["counterclaim_id"], "fix", field="category", value="casualties",
                 author="ben")
    report = ls.import_tasks(ledger, [annotate(task, when="2020-01-01T00:00:00Z")])  # annotated long before
    assert report.rejected == 0
    assert report.as_dict()["reasons"] == {"a later correction in the ledger stands": 1}
    assert corr.review_of(ledger, "quantity", r613["meta"]["counterclaim_id"])["fixes"] == {"category": "casualties"}


def test_unknown_documents_and_spans_are_reported(ledger):
    task = khojaly_task(list(ls.iter_tasks(ledger)))
    stray = annotate(task)
    stray["data"] = {**stray["data"], "doc_id": "0000000000000000"}
    t = annotate(task)
    t["annotations"][0]["result"].append({"id": "new1", "from_name": "label", "to_name": "text", "type": "labels",
                                          "value": {"start": 0, "end": 9, "text": "x", "labels": ["claim"]}})
    t["annotations"][0]["result"].append({"id": "new2", "from_name": "label", "to_name": "text", "type": "labels",
                                          "value": {"start": 0, "end": 9, "text": "x", "labels": ["opinion"]}})
    report = ls.import_tasks(ledger, [stray, t, {"nonsense": True}])
    assert report.tasks == 3 and report.rejected == 1
    assert report.as_dict()["reasons"] == {"unknown document": 2, "no ledger item at this span": 1,
                                           "unknown label": 1}


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe\x00", b'"a string"', b"[1, 2]", b'{"no": "data"}',
                                  b"[" * 100000])
def test_malformed_files_are_e506(ledger, data):
    with pytest.raises(CorrectionError) as e:
        ls.import_file(ledger, data)
    assert e.value.code == "E506"
    assert ledger.corrections() == []


def test_offsets_count_utf16_like_javascript():
    text = "a😀b 613 killed"
    o = ls.Offsets(text)
    start = text.index("613")
    assert o.to_js(start) == start + 1 and o.to_py(o.to_js(start)) == start
    assert o.to_py(2) is None  # inside the surrogate pair
    plain = ls.Offsets("613 killed")
    assert plain.to_js(3) == 3 and plain.to_py(3) == 3 and plain.to_py(99) is None


def test_stable_ids():
    assert ls.region_id("d381164fab62f004:q1") == ls.region_id("d381164fab62f004:q1")
    assert ls.region_id("d381164fab62f004:q1") != ls.region_id("d381164fab62f004:q2")
    assert ls.task_id("d381164fab62f004") == int("d381164fab62f", 16) < 2**53


@pytest.mark.parametrize("bad, named", [
    ({"annotations": 5}, '"annotations" must be a list'),
    ({"predictions": 5}, '"predictions" must be a list'),
    ({"annotations": [{"result": [{"value": {"start": 0, "end": 3, "labels": [{"x": 1}]}}]}]}, '"labels"'),
    ({"annotations": [{"result": [{"value": {"start": 0, "end": 3, "labels": [["killed"]]}}]}]}, '"labels"'),
    ({"annotations": [{"result": [{"value": {"start": "0", "end": 3, "labels": ["killed"]}}]}]}, '"start"'),
])
def test_a_malformed_task_is_named_and_nothing_is_written(ledger, bad, named):
    """The good task before the bad one is not written either: the file is checked whole first."""
    tasks = list(ls.iter_tasks(ledger))
    good = annotate(khojaly_task(tasks))
    broken = {**copy.deepcopy(tasks[0]), "id": 99, **bad}
    with pytest.raises(CorrectionError) as e:
        ls.import_file(ledger, json.dumps([good, broken]))
    assert e.value.code == "E506" and "task 2 (id 99)" in e.value.message and named in e.value.message
    assert ledger.corrections() == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_exports_are_read(ledger, encoding):
    task = annotate(khojaly_task(list(ls.iter_tasks(ledger))))
    report = ls.import_file(ledger, json.dumps([task], ensure_ascii=False).encode(encoding))
    assert report.rejected == 1 and report.fixed == 1
