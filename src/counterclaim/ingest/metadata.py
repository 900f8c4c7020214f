"""Document metadata inferred from the text alone, when no metadata came with it.

``title``, ``published`` (an explicit "date 2025-05-01", a header line
"November 15 2023, 10:12", or a signature date "August 11, 2023" at the end of a
statement), ``dateline`` ("BAKU, Azerbaijan, May 1." → Baku), ``outlet``
("told Trend", "Trend reports citing"), ``doc_type`` and ``language``. Each
inferred value records in ``Document.why`` the words it came from. The
``asserter`` needs entities, so it is found after NLP
(:mod:`counterclaim.extract.asserter`). Cues live in ``data/metadata.json``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import dateparser

from counterclaim.extract.entities.gazetteer import load_gazetteer
from counterclaim.ingest.document import Document
from counterclaim.resources import load_json

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})")
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:GMT|UTC|[A-Z]{3,4}))?)?"
_DATE_LINE = re.compile(rf"^\W*(?:[A-Z][a-z]+day,?\s+)?(?P<date>{_DATE}){_TIME}\W*$")
_MARKUP = re.compile(r"[*_#>`]+")
_DATELINE_DATE = rf"(?:,?\s*{_MONTH}\s*\d{{1,2}}(?:,\s*\d{{4}})?)"


@dataclass(frozen=True)
class _Line:
    start: int
    text: str  # markup stripped, whitespace trimmed


_HEADLINE_MAX_WORDS = 20  # a longer first line is a lead sentence: its words say what it reports, not what it is


@cache
def _cues() -> dict:
    data = load_json(
        "metadata.json",
        required=("boilerplate_lines", "dateline_stopwords", "published_prefixes", "doc_type_title_cues",
                  "doc_type_title_object_verbs", "doc_type_body_cues", "doc_type_weak_body_cues", "outlet_patterns",
                  "outlet_stopwords"),
    )
    return {
        "boilerplate": [re.compile(p, re.I) for p in data["boilerplate_lines"]],
        "dateline_stop": set(data["dateline_stopwords"]),
        "published": re.compile(
            rf"\b(?:{'|'.join(data['published_prefixes'])})\s*:?\s+(?P<date>{_DATE})", re.I),
        "title_cues": data["doc_type_title_cues"],
        "title_object_verbs": re.compile(data["doc_type_title_object_verbs"], re.I),
        "weak_body_cues": {k: [re.compile(p, re.I | re.M) for p in v]
                           for k, v in data["doc_type_weak_body_cues"].items()},
        "body_cues": {k: [re.compile(p, re.I | re.M) for p in v] for k, v in data["doc_type_body_cues"].items()},
        "outlets": [re.compile(p) for p in data["outlet_patterns"]],
        "outlet_stop": set(data["outlet_stopwords"]),
    }


def _lines(text: str) -> list[_Line]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        cleaned = _MARKUP.sub("", m.group()).strip()
        if cleaned:
            out.append(_Line(m.start(), cleaned))
    return out


def parse_date(text: str) -> str | None:
    """An ISO date (yyyy-mm-dd) from a full date string, or None when day, month or year is missing."""
    parsed = dateparser.parse(
        text, languages=["en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first",
                  "DATE_ORDER": "DMY" if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text.strip()) else "MDY"},
    )
    return parsed.date().isoformat() if parsed else None


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _cues()["boilerplate"])


def infer_published(text: str, lines: list[_Line]) -> tuple[str | None, str]:
    """The publication date and the evidence for it."""
    head = text[:600]
    m = _cues()["published"].search(head)
    if m and (iso := parse_date(m.group("date"))):
        return iso, f"header {m.group(0).strip()!r}"
    for line in lines[:6]:
        dm = _DATE_LINE.match(line.text)
        if dm and (iso := parse_date(dm.group("date"))):
            return iso, f"date line at the top {line.text!r}"
    date_lines = [ln for ln in lines if _DATE_LINE.match(ln.text)]
    if date_lines:
        ln = date_lines[-1]
        if (iso := parse_date(_DATE_LINE.match(ln.text).group("date"))):  # type: ignore[union-attr]
            return iso, f"signature date {ln.text!r}"
    return None, ""


def _dateline_match(line: str) -> re.Match[str] | None:
    line = re.sub(r"^date\s+\S+\s+", "", line, flags=re.I)
    m = re.match(
        rf"^(?P<place>[^\W\d_][^\W\d_'’.-]{{2,}}(?:[ -][^\W\d_][^\W\d_'’.-]+){{0,3}})"
        rf"(?P<rest>(?:,\s*[A-Z][A-Za-z .'’-]{{1,40}}?)?{_DATELINE_DATE}?\s*(?:\([^)]{{1,40}}\))?)"
        rf"\s*(?:[.:—–-]|$)",
        line,
    )
    return m if m and m.group("place").isupper() else None


def infer_dateline(lines: list[_Line]) -> tuple[str | None, str]:
    """The dateline place ("BAKU, Azerbaijan, Sept. 21" → "Baku") and its evidence."""
    stop = _cues()["dateline_stop"]
    for line in lines[:6]:
        m = _dateline_match(line.text)
        if not m or m.group("place") in stop:
            continue
        if not m.group("rest").strip() and not re.match(r"^\S+\s*[—–-]\s", line.text[m.start("place"):]):
            continue  # a lone capitalised word ('STATEMENT') is no dateline
        place = m.group("place").title()
        hit = load_gazetteer().lookup(place)
        return (hit.name if hit and hit.type == "GPE" else place), f"dateline {m.group(0).strip()!r}"
    return None, ""


def infer_outlet(text: str) -> tuple[str | None, str]:
    """The news outlet that carried the text ("told Trend", "Trend reports citing")."""
    cues = _cues()
    gaz = load_gazetteer()
    votes: Counter[str] = Counter()
    evidence: dict[str, str] = {}
    for pat in cues["outlets"]:
        for m in pat.finditer(text):
            name = m.group("outlet").strip()
            first = name.split()[0]
            hit = gaz.lookup(name)
            if first in cues["outlet_stop"] or (hit and hit.type in ("GPE", "NORP", "LOC")):
                continue
            votes[name] += 1
            evidence.setdefault(name, m.group(0).strip())
    if not votes:
        return None, ""
    # 'Trend News Agency' and 'Trend' are one outlet: count under the shortest form.
    merged: Counter[str] = Counter()
    for name, n in votes.items():
        short = min((o for o in votes if name.startswith(o)), key=len)
        merged[short] += n
    best, n = max(merged.items(), key=lambda kv: (kv[1], -len(kv[0])))
    return best, f"{evidence.get(best) or next(iter(evidence.values()))!r} ({n} cue{'s' if n > 1 else ''})"


def _content_line(line: str) -> str:
    """A line without a 'date 2025-05-01' prefix or a dateline; '' when nothing else is left."""
    line = re.sub(r"^date\s+\S+\s*", "", line, flags=re.I)
    m = _dateline_match(line)
    if m and m.group("place") not in _cues()["dateline_stop"] and m.group("rest").strip():
        line = line[m.end():].strip()
    if _is_boilerplate(line) or _DATE_LINE.match(line) or re.fullmatch(r"[\w .&-]{1,30}:", line):
        return ""
    return line


def infer_title(lines: list[_Line]) -> tuple[str | None, str]:
    """A headline line, a 'STATEMENT / of the ...' pair, or the lead sentence, shortened."""
    content = [c for ln in lines if (c := _content_line(ln.text))]
    if not content:
        return None, ""
    first = content[0]
    if first.isupper() and len(first.split()) <= 4 and len(content) > 1 and content[1][:1].islower():
        return _shorten(f"{first} {content[1]}"), "heading line and its continuation"
    if (len(first) <= 200 and not re.search(r"[.!?]\W*$", first)) or first.isupper():
        return _shorten(first), "first line"
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", first, maxsplit=1)[0]
    return _shorten(sentence), "lead sentence"


def _shorten(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def infer_doc_type(text: str, title: str | None, lines: list[_Line], *, dateline: str | None,
                   outlet: str | None) -> tuple[str, str]:
    """statement, letter, appeal, interview, report, article or other, from weighed cues."""
    cues = _cues()
    score: Counter[str] = Counter()
    why: dict[str, list[str]] = {}

    def add(kind: str, points: int, reason: str) -> None:
        score[kind] += points
        why.setdefault(kind, []).append(reason)

    head = " ".join(ln.text for ln in lines[:2]).lower()
    for kind, words in cues["title_cues"].items():
        for w in words:
            m = re.search(rf"\b{re.escape(w)}\b", (title or "").lower())
            if m and (cues["title_object_verbs"].search((title or "")[:m.start()])
                      or len((title or "").split()) > _HEADLINE_MAX_WORDS):
                m = None  # 'Mali rejects UN report': a story about a report; a lead sentence is no headline
            if m or re.search(rf"^{re.escape(w)}\b", head):
                add(kind, 3, f"heading has {w!r}")
                break
    for weight, groups in ((None, cues["body_cues"]), (1, cues["weak_body_cues"])):
        for kind, pats in groups.items():
            hits = [m.group(0) for p in pats for m in [p.search(text)] if m]
            if hits:
                add(kind, weight or (2 if kind != "article" else 1), f"text has {hits[0]!r}")
    if dateline:
        add("article", 3, f"dateline {dateline!r}")
    if outlet:
        add("article", 2, f"outlet {outlet!r}")
    if _has_signoff(lines):
        add("statement", 2, "ends with a signature block")
    if title and re.match(r"^[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3}:\s", title):
        add("interview", 2, "headline 'Name: words'")
    quotes = len(re.findall(r"[“\"]", text))
    if quotes >= 6 and score["interview"]:
        add("interview", 1, f"{quotes // 2} quotations")
    if not score:
        return ("article" if len(text) > 400 else "other"), "no cue; default by length"
    kind, _ = max(score.items(), key=lambda kv: (kv[1], -list(score).index(kv[0])))
    if score["letter"] and score["letter"] == score[kind] and kind == "statement":
        kind = "letter"
    return kind, "; ".join(why[kind]) + f" (score {score[kind]})"


def _has_signoff(lines: list[_Line]) -> bool:
    """A short name-like line near the end, with a date or a title close below it."""
    tail = lines[-8:]
    for i, ln in enumerate(tail):
        if re.fullmatch(r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}", ln.text) and i + 1 < len(tail):
            below = " ".join(x.text for x in tail[i + 1:i + 4])
            if _DATE_LINE.search(below) or re.search(r"\b(?:Commissioner|Minister|Ombuds\w+|President|Director|"
                                                   r"Secretary|Chair\w*|Head|Spokes\w+|Ambassador)\b", below):
                return True
    return False


def infer_language(text: str) -> tuple[str | None, str]:
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text[:2000])[0]  # its cost grows with length; 2,000 characters suffice
    except LangDetectException:
        return None, ""
    return best.lang, f"langdetect p={best.prob:.2f}"


def infer_metadata(doc: Document) -> Document:
    """Fill the metadata a reader left empty, recording the evidence in ``doc.why``."""
    lines = _lines(doc.text)
    if doc.title is None:
        doc.title, doc.why["title"] = infer_title(lines)
    if doc.published is None:
        doc.published, doc.why["published"] = infer_published(doc.text, lines)
    if doc.dateline is None:
        doc.dateline, doc.why["dateline"] = infer_dateline(lines)
    if doc.outlet is None:
        doc.outlet, doc.why["outlet"] = infer_outlet(doc.text)
    if doc.doc_type is None:
        doc.doc_type, doc.why["doc_type"] = infer_doc_type(
            doc.text, doc.title, lines, dateline=doc.dateline, outlet=doc.outlet)
    if doc.language is None:
        doc.language, doc.why["language"] = infer_language(doc.text)
    doc.why = {k: v for k, v in doc.why.items() if v}
    return doc
