"""Language data lives in ``counterclaim/data`` and is loaded once, validated on load."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from counterclaim.errors import CounterclaimError


class DataError(CounterclaimError):
    """A bundled data file is missing a required key or malformed (a packaging bug)."""

    code = "E900"


def _read(name: str) -> str:
    return files("counterclaim").joinpath("data", name).read_text(encoding="utf-8")


@cache
def load_json(name: str, *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Load ``data/<name>`` and check that ``required`` top-level keys are present."""
    try:
        data = json.loads(_read(name))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot load data file {name!r}: {exc}") from exc
    missing = [k for k in required if k not in data]
    if missing:
        raise DataError(f"data file {name!r} lacks keys {missing}; expected {list(required)}")
    return data


@cache
def load_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """Load ``data/<name>`` as JSON Lines (blank lines skipped)."""
    rows = []
    for n, line in enumerate(_read(name).splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(f"data file {name!r} line {n}: {exc}") from exc
    return tuple(rows)


SLUG_MAX = 100
# Latin letters Unicode does not decompose to ASCII.
_LATIN_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                              "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "ħ": "h", "þ": "th"})


@lru_cache(maxsize=1 << 16)  # names recur across thousands of documents
def slug(text: str) -> str:
    """Lowercase, hyphen-separated form of a name, for stable keys.

    Latin script is folded to ASCII ('Genève' → 'geneve'); letters with no
    ASCII form (Arabic, Cyrillic, ...) are kept as they are, so two different
    non-Latin names never collapse into the same key. Long names are cut and
    suffixed with a hash of the whole name, so keys stay short and distinct.
    """
    text = re.sub(r"['’]", "", unicodedata.normalize("NFKC", text)).translate(_LATIN_EXTRA)
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        out.append(folded if folded or not ch.isalnum() else ch)
    key = re.sub(r"[\W_]+", "-", "".join(out).casefold()).strip("-") or "x"
    if len(key) > SLUG_MAX:
        key = key[:SLUG_MAX - 9].rstrip("-") + "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return key
