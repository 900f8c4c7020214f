"""The Document a reader hands to the rest of the pipeline (no NLP here)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)
# NUL and the other C0 control characters except tab and newline (a lone carriage return included).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f]")


def strip_controls(value: str) -> str:
    """``value`` without NUL and the other C0 control characters except tab and newline."""
    return _CONTROLS.sub("", value)


def normalize_text(text: str) -> str:
    """Normalise text exactly as the ledger contract says, so offsets never move.

    ``\\r\\n`` to ``\\n``, NUL and the other C0 control characters except tab and
    newline removed (a lone ``\\r`` too), Unicode NFC, spaces and tabs at the end of
    every line stripped; nothing else (leading blank lines and inner spacing are kept).
    Idempotent: the steps repeat until nothing changes.
    """
    while True:
        done = strip_controls(text.replace("\r\n", "\n"))
        done = _TRAILING_SPACES.sub("", unicodedata.normalize("NFC", done))
        if done == text:
            return done
        text = done


def _strip_json(value: Any) -> Any:
    """A JSON-like value with control characters removed from every string in it (keys included)."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {_strip_json(k): _strip_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strip_json(v) for v in value]
    return value


def sha256_text(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 bytes of already-normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Document:
    """A document as read from one input, before analysis.

    ``text`` is always normalised; every span in the ledger indexes into it.
    Metadata fields left ``None`` by the reader are inferred from the text by
    :mod:`counterclaim.ingest.metadata`; ``why`` records how each was found.
    """

    text: str
    path: str
    title: str | None = None
    published: str | None = None  # ISO 8601 date
    dateline: str | None = None
    outlet: str | None = None
    url: str | None = None
    doc_type: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = normalize_text(self.text)
        # Metadata obeys the same rule as the text (PostgreSQL refuses NUL in any text column).
        for name in ("title", "published", "dateline", "outlet", "url", "doc_type", "language"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, strip_controls(value))
        self.meta = _strip_json(self.meta)


    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @property
    def id(self) -> str:
        """Stable document id derived from the content hash."""
        return "d" + self.sha256[:15]
