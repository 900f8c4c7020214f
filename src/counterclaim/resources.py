"""Language data lives in ``counterclaim/data`` and is loaded once, validated on load."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
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


def slug(text: str) -> str:
    """ASCII, lowercase, hyphen-separated form of a name, for stable keys."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['’]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
