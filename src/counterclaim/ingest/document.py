"""The Document a reader hands to the rest of the pipeline (no NLP here)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)


def normalize_text(text: str) -> str:
    """Normalise text exactly as the ledger contract says, so offsets never move.

    Unicode NFC, ``\\r\\n`` to ``\\n``, spaces and tabs at the end of every line
    stripped; nothing else (leading blank lines, inner spacing and a lone ``\\r``
    are kept). Idempotent: stripping can make a new ``\r\n`` (``"\r \n"``),
    so the two steps repeat until nothing changes.
    """
    text = unicodedata.normalize("NFC", text)
    while True:
        done = _TRAILING_SPACES.sub("", text.replace("\r\n", "\n"))
        if done == text:
            return done
        text = done


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

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @property
    def id(self) -> str:
        """Stable document id derived from the content hash."""
        return "d" + self.sha256[:15]
