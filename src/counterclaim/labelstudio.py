"""Label Studio round trip: export the ledger as pre-annotated tasks, import what annotators did.

Export gives one task per document; each figure, claim and attribution (its content span) is a
predicted region labelled with the figure's category, ``claim`` or ``attribution``. Items an
analyst rejected are left out; fixes are applied (a figure re-categorised in the ledger shows its
new category) and a reviewed region carries its verdict in ``meta.text``, which Label Studio
shows as the region's note.

Import reads Label Studio's JSON export. Per task, the latest annotation that was not cancelled
decides: a predicted region still there with the same label confirms its item, with another
figure category fixes the category, gone rejects it. A region the annotator drew (no predicted
id) whose span and label match an item of the document confirms that item (so a rejected item
can be brought back). Items are found by document and span, so an import still applies after
re-analysis changed item ids. Verdicts that already stand are not written again: importing the
same file twice changes nothing.

    from counterclaim import labelstudio
    labelstudio.write_tasks(ledger, open("tasks.json", "w"))
    report = labelstudio.import_file(ledger, open("export.json", "rb").read())

Offsets: Label Studio counts characters as JavaScript does (UTF-16 code units), the ledger in
code points; both directions convert (they only differ for characters outside the BMP).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from sqlalchemy import select

from counterclaim import __version__
from counterclaim import corrections as corr
from counterclaim.errors import CorrectionError
from counterclaim.ledger.models import AttributionRow, ClaimRow, DocumentRow, QuantityRow
from counterclaim.ledger.store import Ledger
from counterclaim.records import CATEGORIES

FROM_NAME, TO_NAME = "label", "text"
SOURCE = "labelstudio"
LABELS: tuple[str, ...] = (*CATEGORIES, "claim", "attribution")
_COLOURS = {"killed": "#b2182b", "injured": "#ef8a62", "casualties": "#d6604d", "missing": "#8073ac",
            "detained": "#542788", "hostage": "#2d004b", "displaced": "#35978f", "destroyed": "#8c510a",
            "population": "#878787", "other": "#bababa", "claim": "#2166ac", "attribution": "#1b7837"}
KIND_OF_LABEL = {**{c: "quantity" for c in CATEGORIES}, "claim": "claim", "attribution": "attribution"}


# -- pure functions ---------------------------------------------------------------------------
def label_config() -> str:
    """The labeling config matching the exported tasks (paste it into the project's settings)."""
    labels = "\n".join(f"    <Label value={quoteattr(v)} background={quoteattr(_COLOURS.get(v, '#999999'))}/>"
                       for v in LABELS)
    return (f'<View>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{labels}\n  </Labels>\n'
            f'  <Text name="{TO_NAME}" value="$text"/>\n</View>\n')


def region_id(item_id: str) -> str:
    """A short region id that stays the same for the same ledger item id."""
    return "cc" + hashlib.blake2b(item_id.encode("utf-8"), digest_size=5).hexdigest()


def task_id(doc_id: str) -> int:
    """A stable integer task id from a document id (52 bits: exact in JavaScript)."""
    try:
        return int(doc_id[:13], 16)
    except ValueError:
        return int(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=6).hexdigest(), 16) >> 4


class Offsets:
    """Convert between code-point offsets (Python, the ledger) and UTF-16 offsets (JavaScript)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.astral = any(ord(ch) > 0xFFFF for ch in text)
        if self.astral:
            self._to_js = [0]
            for ch in text:
                self._to_js.append(self._to_js[-1] + (2 if ord(ch) > 0xFFFF else 1))
            self._to_py = {js: py for py, js in enumerate(self._to_js)}

    def to_js(self, i: int) -> int:
        return self._to_js[i] if self.astral else i

    def to_py(self, i: int) -> int | None:
        """The code-point offset, or None when ``i`` falls inside a surrogate pair or outside the text."""
        if not self.astral:
            return i if 0 <= i <= len(self.text) else None
        return self._to_py.get(i)


def label_of(row: dict[str, Any]) -> str:
    """The Label Studio label of a contract row: a figure's category, ``claim`` or ``attribution``."""
    if row["kind"] == "quantity":
        return row["category"] if row["category"] in CATEGORIES else "other"
    return row["kind"]


def region(row: dict[str, Any], offsets: Offsets, names: dict[str, str] | None = None) -> dict[str, Any]:
    """One predicted region for a figure, claim or attribution row."""
    start, end = corr.row_span(row)
    meta: dict[str, Any] = {"counterclaim_id": row["id"], "kind": row["kind"]}
    notes = []
    if row["kind"] == "attribution" and row.get("speaker"):
        meta["speaker"] = row["speaker"]
        notes.append(f"speaker: {(names or {}).get(row['speaker'], row['speaker'])}")
    if row.get("review"):
        r = row["review"]
        notes.append(f"{r['status']} by {r['by']}" + (f" at {r['at']}" if r.get("at") else ""))
        meta["review"] = r["status"]
    if notes:
        meta["text"] = notes
    return {"id": region_id(row["id"]), "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
            "value": {"start": offsets.to_js(start), "end": offsets.to_js(end), "text": offsets.text[start:end],
                      "labels": [label_of(row)]},
            "meta": meta}


def task(document: dict[str, Any], items: Iterable[dict[str, Any]], *,
         names: dict[str, str] | None = None) -> dict[str, Any]:
    """A Label Studio task for one document row and its (non-rejected) item rows."""
    offsets = Offsets(document["text"])
    items = [r for r in items if (r.get("review") or {}).get("status") != "rejected"]
    items.sort(key=lambda r: (corr.row_span(r), r["kind"]))
    worthy = [r["checkworthy"] for r in items if r["kind"] == "claim"]
    return {"id": task_id(document["id"]),
            "data": {"text": document["text"], "doc_id": document["id"], "title": document["title"],
                     "published": document["published"]},
            "predictions": [{"model_version": f"counterclaim {__version__}",
                             "score": round(sum(worthy) / len(worthy), 3) if worthy else 0.0,
                             "result": [region(r, offsets, names) for r in items]}]}


def parse_export(data: bytes | str) -> list[dict[str, Any]]:
    """Label Studio's JSON export (a list of tasks), or a single task.

    Raises:
        CorrectionError: E506 when it is not JSON or not a list of task objects.
    """
    try:
        if isinstance(data, bytes):  # UTF-8, UTF-16 or UTF-32, with or without a byte order mark
            data = data.decode(_json_encoding(data))
        tasks = json.loads(data.removeprefix("\ufeff"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorrectionError(f"not a Label Studio JSON export: {exc}", code="E506") from None
    except RecursionError:
        raise CorrectionError("not a Label Studio JSON export: nested too deeply", code="E506") from None
    if isinstance(tasks, dict) and "data" in tasks:
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise CorrectionError("not a Label Studio JSON export: expected a list of tasks "
                              "(Export → JSON in Label Studio)", code="E506")
    return tasks


def _json_encoding(data: bytes) -> str:
    """The Unicode encoding of a JSON file, from its byte order mark or its first NUL bytes (RFC 4627)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                      (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return name
    head = data[:4]
    if len(head) == 4 and head[:3] == b"\x00\x00\x00":
        return "utf-32-be"
    if len(head) == 4 and head[1:] == b"\x00\x00\x00":
        return "utf-32-le"
    if head[:1] == b"\x00":
        return "utf-16-be"
    if head[1:2] == b"\x00":
        return "utf-16-le"
    return "utf-8"


def task_problem(task_: dict[str, Any]) -> str | None:
    """What is malformed in one task of a Label Studio export (None when its shape is right).

    Checked before anything is written, so a bad task names itself and the import changes nothing.
    """
    if not isinstance(task_.get("data", {}), dict):
        return '"data" must be an object'
    for key in ("annotations", "predictions"):
        entries = task_.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return f'"{key}" must be a list of objects'
        for e in entries:
            result = e.get("result")
            if result is None:
                continue
            if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
                return f'"{key}[].result" must be a list of objects'
            for r in result:
                value = r.get("value")
                if value is None:
                    continue
                if not isinstance(value, dict):
                    return f'a region\'s "value" must be an object (region {r.get("id")!r})'
                labels = value.get("labels")
                if labels is not None and (not isinstance(labels, list)
                                           or not all(isinstance(x, str) for x in labels)):
                    return f'a region\'s "labels" must be a list of strings (region {r.get("id")!r})'
                for end in ("start", "end"):
                    if end in value and (not isinstance(value[end], int) or isinstance(value[end], bool)):
                        return f'a region\'s "{end}" must be an integer (region {r.get("id")!r})'
    return None


def _when(value: Any) -> datetime | None:
    """A Label Studio timestamp as naive UTC (as the ledger stores times)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def author_of(annotation: dict[str, Any]) -> str:
    """The annotator's email, else ``labelstudio:<id>``."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        if who.get("email"):
            return str(who["email"])
        who = who.get("id")
    if isinstance(who, str) and who:
        return who
    return f"labelstudio:{who if who is not None else 'unknown'}"


def latest_annotation(task: dict[str, Any]) -> dict[str, Any] | None:
    """The most recently updated annotation that was not cancelled."""
    done = [(i, a) for i, a in enumerate(task.get("annotations") or [])
            if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        return None
    return max(done, key=lambda p: (_when(p[1].get("updated_at")) or _when(p[1].get("created_at"))
                                    or datetime.min, p[0]))[1]


def _regions(result: Any) -> list[dict[str, Any]]:
    """Label regions of a result list: ``{"id", "start", "end", "label"}`` with JavaScript offsets."""
    out = []
    for r in result if isinstance(result, list) else []:
        if not isinstance(r, dict) or r.get("from_name", FROM_NAME) != FROM_NAME:
            continue
        v = r.get("value")
        if not isinstance(v, dict) or not isinstance(v.get("start"), int) or not isinstance(v.get("end"), int):
            continue
        labels = v.get("labels") or []
        out.append({"id": str(r.get("id") or ""), "start": v["start"], "end": v["end"],
                    "label": labels[0] if isinstance(labels, list) and labels else None,
                    "meta": r.get("meta") if isinstance(r.get("meta"), dict) else {}})
    return out


@dataclass
class Verdict:
    """One correction an import wants to make."""

    kind: str
    item_id: str
    action: str
    field: str | None = None
    value: str | None = None


@dataclass
class ImportReport:
    """What an import did: verdicts written per action, and everything left alone with its reason."""

    tasks: int = 0
    confirmed: int = 0
    rejected: int = 0
    fixed: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, task: Any, reason: str, **where: Any) -> None:
        self.skipped.append({"task": task, "reason": reason, **where})

    def as_dict(self) -> dict[str, Any]:
        reasons: dict[str, int] = {}
        for s in self.skipped:
            reasons[s["reason"]] = reasons.get(s["reason"], 0) + 1
        return {"tasks": self.tasks, "confirmed": self.confirmed, "rejected": self.rejected, "fixed": self.fixed,
                "unchanged": self.unchanged, "skipped": len(self.skipped), "reasons": reasons,
                "details": self.skipped[:200]}


def verdicts(task_: dict[str, Any], items: list[dict[str, Any]], report: ImportReport) -> list[Verdict]:
    """What the latest annotation of ``task_`` says about ``items`` (the document's rows, reviews annotated).

    Pure: the ledger is not touched. Items already standing as the annotator wants give no verdict.
    """
    tid = task_.get("id")
    offsets = Offsets(task_["data"]["text"] if isinstance(task_.get("data", {}).get("text"), str) else "")
    ann = latest_annotation(task_)
    if ann is None:
        report.skip(tid, "no annotation (or only cancelled ones)")
        return []
    by_id = {r["id"]: r for r in items}
    by_span = {(r["kind"], *corr.row_span(r)): r for r in items}

    def py_span(reg: dict[str, Any]) -> tuple[int, int] | None:
        a, b = offsets.to_py(reg["start"]), offsets.to_py(reg["end"])
        return (a, b) if a is not None and b is not None and a < b else None

    def item_for(reg: dict[str, Any], kind: str | None) -> dict[str, Any] | None:
        span = py_span(reg)
        cid = reg["meta"].get("counterclaim_id")
        if isinstance(cid, str) and cid in by_id and span == corr.row_span(by_id[cid]):
            return by_id[cid]
        return by_span.get((kind, *span)) if kind and span else None

    predicted: list[dict[str, Any]] = []
    for p in task_.get("predictions") or []:
        if isinstance(p, dict) and str(p.get("model_version", "")).startswith("counterclaim"):
            predicted = _regions(p.get("result"))  # the last counterclaim prediction
    annotated = _regions(ann.get("result"))
    when = _when(ann.get("updated_at")) or _when(ann.get("created_at"))
    out: list[Verdict] = []
    done: set[str] = set()

    def want(item: dict[str, Any], action: str, label: str | None = None) -> None:
        if item["id"] in done:
            return
        done.add(item["id"])
        review = item.get("review") or {}
        status = review.get("status")
        v = Verdict(item["kind"], item["id"], action)
        if action == "confirm" and item["kind"] == "quantity" and label and label != item["category"]:
            v = Verdict("quantity", item["id"], "fix", "category", label)
        if (v.action == "confirm" and status in ("confirmed", "corrected")) or \
                (v.action == "reject" and status == "rejected"):
            report.unchanged += 1
            return
        at = _when(review.get("at"))
        if at and when and at > when:
            report.skip(tid, "a later correction in the ledger stands", item=item["id"])
            return
        out.append(v)

    ann_by_id = {r["id"]: r for r in annotated if r["id"]}
    used: set[int] = set()
    for pred in predicted:
        kind = KIND_OF_LABEL.get(pred["label"] or "") or pred["meta"].get("kind")
        item = item_for(pred, kind)
        if item is None:
            report.skip(tid, "predicted item no longer in the ledger", region=pred["id"],
                        start=pred["start"], end=pred["end"])
            continue
        match = ann_by_id.get(pred["id"]) if pred["id"] else None
        if match is None:
            match = next((r for r in annotated if (r["start"], r["end"]) == (pred["start"], pred["end"])
                          and KIND_OF_LABEL.get(r["label"] or "") == item["kind"]), None)
        if match is None or KIND_OF_LABEL.get(match["label"] or "") != item["kind"]:
            want(item, "reject")
            continue
        used.add(id(match))
        if (match["start"], match["end"]) != (pred["start"], pred["end"]):
            report.skip(tid, "region moved or resized (spans are not corrected)", item=item["id"],
                        region=match["id"])
            done.add(item["id"])
            continue
        want(item, "confirm", match["label"])
    for reg in annotated:
        if id(reg) in used:
            continue
        kind = KIND_OF_LABEL.get(reg["label"] or "")
        if kind is None:
            report.skip(tid, "unknown label", region=reg["id"], label=reg["label"])
            continue
        item = item_for(reg, kind)
        if item is None:
            report.skip(tid, "no ledger item at this span", region=reg["id"], label=reg["label"],
                        start=reg["start"], end=reg["end"])
            continue
        want(item, "confirm", reg["label"])
    return out


# -- ledger glue -------------------------------------------------------------------------------
def _document_items(s: Any, doc_id: str, rmap: dict[corr.Anchor, corr.Review]) -> list[dict[str, Any]]:
    """A document's figures, claims and attributions as contract rows, reviews annotated, fixes applied."""
    from counterclaim.export.rows import attribution_row, claim_row, quantity_row

    rows: list[dict[str, Any]] = []
    for model, build in ((QuantityRow, quantity_row), (ClaimRow, claim_row), (AttributionRow, attribution_row)):
        rows.extend(build(r) for r in s.scalars(select(model).where(model.doc_id == doc_id).order_by(model.id)))
    return list(corr.apply(rows, rmap, drop_rejected=False))


def iter_tasks(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """One Label Studio task per document of the ledger, in document id order (one short session each)."""
    from counterclaim.export.rows import document_row
    from counterclaim.ledger.models import EntityRow

    rmap = corr.review_map(ledger)
    canon = ledger.canonical_map()
    with ledger.session() as s:
        names = {e.id: e.name for e in s.scalars(select(EntityRow))}
        ids = list(s.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))
    names.update({k: names.get(v, v) for k, v in canon.items()})
    for doc_id in ids:
        with ledger.session() as s:
            d = s.get(DocumentRow, doc_id)
            if d is None:  # deleted meanwhile
                continue
            out = task(document_row(d), _document_items(s, doc_id, rmap), names=names)
        yield out


def iter_json(ledger: Ledger) -> Iterator[str]:
    """The tasks file as text chunks (one JSON array, a task per line), for streaming."""
    first = True
    for t in iter_tasks(ledger):
        yield ("[\n" if first else ",\n") + json.dumps(t, ensure_ascii=False)
        first = False
    yield "[]\n" if first else "\n]\n"


def write_tasks(ledger: Ledger, out: TextIO) -> int:
    """Write every task as one JSON array (streamed); returns how many tasks."""
    n = 0
    for chunk in iter_json(ledger):
        out.write(chunk)
        n += chunk.endswith("}")
    return n


def import_tasks(ledger: Ledger, tasks: list[dict[str, Any]]) -> ImportReport:
    """Apply annotated tasks to the ledger as corrections (source ``labelstudio``), all in one transaction.

    Every task is checked and every verdict prepared before anything is written: a malformed
    task (E506, naming it) or a verdict the ledger refuses leaves the ledger unchanged.
    """
    for n, t in enumerate(tasks, 1):
        if problem := task_problem(t):
            raise CorrectionError(f"task {n} (id {t.get('id')!r}): {problem}; nothing was imported", code="E506")
    report = ImportReport()
    pending: list[dict[str, Any]] = []
    for n, t in enumerate(tasks, 1):
        report.tasks += 1
        data = t.get("data") if isinstance(t.get("data"), dict) else {}
        doc_id = data.get("doc_id")
        with ledger.session() as s:
            doc = s.get(DocumentRow, doc_id) if isinstance(doc_id, str) else None
            if doc is None:
                report.skip(t.get("id"), "unknown document", doc=doc_id)
                continue
            if isinstance(data.get("text"), str) and data["text"] != doc.text:
                report.skip(t.get("id"), "task text differs from the ledger's document", doc=doc_id)
                continue
            t = {**t, "data": {**data, "text": doc.text}}
            items = _document_items(s, doc_id, corr.review_map(ledger, doc_id=doc_id))
        ann = latest_annotation(t) or {}
        author = author_of(ann)
        note = f"labelstudio task {t.get('id')} annotation {ann.get('id')}"
        for v in verdicts(t, items, report):
            try:
                pending.append(corr.prepare(ledger, v.kind, v.item_id, v.action, field=v.field, value=v.value,
                                            author=author, source=SOURCE, note=note))
            except CorrectionError as exc:
                raise CorrectionError(f"task {n} (id {t.get('id')!r}): {exc.message}; nothing was imported",
                                      code="E506") from None
            if v.action == "fix":
                report.fixed += 1
            elif v.action == "reject":
                report.rejected += 1
            else:
                report.confirmed += 1
    ledger.add_corrections(pending)
    return report


def import_file(ledger: Ledger, data: bytes | str) -> ImportReport:
    """Parse a Label Studio JSON export and import it (E506 when unreadable)."""
    return import_tasks(ledger, parse_export(data))
