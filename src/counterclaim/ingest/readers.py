"""Readers: expand input paths, read one file into Documents, yield (never raise) its problems."""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import logging
import os
import re
import stat
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from counterclaim.errors import IngestError, UsageError
from counterclaim.ingest.document import Document

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"}

_MB = 1024 * 1024
_SNIFF_BYTES = 8 * 1024
# Longest first where one BOM is a prefix of another (UTF-32-LE starts like UTF-16-LE).
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"), (b"\x1f\x8b", "gzip archive"), (b"BZh91AY&SY", "bzip2 archive"),
    (b"PK\x03\x04", "ZIP archive (docx/xlsx/odt/epub?)"), (b"PK\x05\x06", "ZIP archive"),
    (b"\xfd7zXZ\x00", "xz archive"), (b"7z\xbc\xaf\x27\x1c", "7-Zip"), (b"Rar!\x1a\x07", "RAR"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document (doc/xls)"),
    (b"\x7fELF", "ELF executable"), (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"), (b"\x00asm", "WebAssembly module"),
    (b"SQLite format 3\x00", "SQLite database"), (b"%PDF-", "PDF document"),
)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)
# Control bytes that plain text does not contain (tab, newlines, form feed, ESC are fine).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_WHATWG_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}
_HTML_START = re.compile(rb"<!doctype html|<html", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DATE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"],
                  "PARSERS": ["timestamp", "custom-formats", "absolute-time"]}  # no "yesterday"


def _err(message: str, code: str, path: str | None = None) -> IngestError:
    return IngestError(message, code=code, path=path)


def iter_input_files(paths: Sequence[str | os.PathLike[str]]) -> Iterator[tuple[Path, str]]:
    """Expand files and directories into ``(path, display_path)`` pairs.

    Directories are walked recursively in sorted order, skipping names that
    start with ``.`` and symbolic links that lead out of the directory given. ``display_path`` is the path as given, joined with the
    relative part for files found inside a directory.

    Args:
        paths: Files and directories as given on the command line.

    Returns:
        An iterator of ``(path, display_path)`` pairs.

    Raises:
        UsageError: ``E002`` when a path does not exist; all paths are checked
            when this is called, before anything is yielded.
    """
    given = [os.fspath(p) for p in paths]
    missing = [g for g in given if not os.path.lexists(g)]
    if missing:
        one = missing[0] if len(missing) == 1 else None
        raise UsageError(f"no such file or directory: {', '.join(missing)}", code="E002", path=one)
    return (pair for shown in given for pair in _walk(Path(shown), shown, set(), _root(shown)))


def _root(shown: str) -> Path | None:
    """The real location of a directory argument (symbolic links inside it must stay under it)."""
    try:
        return Path(shown).resolve(strict=True) if Path(shown).is_dir() else None
    except OSError:
        return None


def _inside(path: Path, root: Path | None) -> bool:
    """Whether a file or folder found while walking ``root`` really lies under it (links resolved)."""
    if root is None or not path.is_symlink():
        return True
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # a broken link or a loop: read_file names it
        return True


def _walk(path: Path, shown: str, seen: set[tuple[int, int]], root: Path | None) -> Iterator[tuple[Path, str]]:
    if not _inside(path, root):
        return  # a symbolic link out of the given folder (``up -> ..``) is not followed
    if not path.is_dir():
        yield path, shown
        return
    try:
        info = path.stat()
        if (info.st_dev, info.st_ino) in seen:  # a symlink loop
            return
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(path) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:  # unlistable: hand the directory on, read_file names the reason
        yield path, shown
        return
    for entry in entries:
        yield from _walk(Path(entry.path), os.path.join(shown, entry.name), seen, root)


def read_file(
    path: Path, display_path: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | IngestError]:
    """Yield the Documents read from one file, and its problems as IngestErrors (never raised).

    Each error has ``path=display_path`` (``f"{display_path}:{lineno}"`` for a JSONL line).

    Args:
        path: The file to read.
        display_path: How to name the file; defaults to ``str(path)``.
        max_bytes: Largest file (for JSONL: largest line) that is read.

    Yields:
        A Document per file (per good line for JSONL), an IngestError per failure.
    """
    shown = display_path if display_path is not None else str(path)
    try:
        yield from _read(Path(path), shown, max_bytes)
    except IngestError as err:
        yield err if err.path else _err(err.message, err.code, shown)
    except (FileNotFoundError, NotADirectoryError):
        yield _err("file not found (or a broken symbolic link)", "E101", shown)
    except PermissionError:
        yield _err("permission denied", "E109", shown)
    except Exception as exc:  # never let one input stop the others
        yield _err(f"unreadable file ({type(exc).__name__}: {exc})", "E104", shown)


def _size_message(what: str, size: int, max_bytes: int) -> str:
    size_mb, limit_mb = f"{size / _MB:.3g}", f"{max_bytes / _MB:.3g}"
    return f"{what} is {size_mb} MB, over the {limit_mb} MB limit (raise it with --max-mb)"


def _read(path: Path, shown: str, max_bytes: int) -> Iterator[Document | IngestError]:
    info = path.stat()  # not found and permission denied are named by read_file
    if stat.S_ISDIR(info.st_mode) and not os.access(path, os.R_OK | os.X_OK):
        raise _err("permission denied (cannot list directory)", "E109")
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise _err(f"not a regular file ({kind})", "E101")
    _check_size(info.st_size, path.suffix.lower(), max_bytes)  # before the file is even opened
    with path.open("rb") as handle:
        yield from _read_handle(handle, info.st_size, path.suffix.lower(), shown, max_bytes)


def read_bytes(data: bytes, display_path: str, *, max_bytes: int = DEFAULT_MAX_BYTES
               ) -> Iterator[Document | IngestError]:
    """:func:`read_file` for a file's content already in memory (as a Spark executor gets it).

    The suffix of ``display_path`` chooses the reader, as for a file on disk; the
    Documents and errors are the same as :func:`read_file` gives for that file.
    """
    try:
        yield from _read_handle(io.BytesIO(data), len(data), Path(display_path).suffix.lower(), display_path,
                                max_bytes)
    except IngestError as err:
        yield err if err.path else _err(err.message, err.code, display_path)
    except Exception as exc:  # never let one input stop the others
        yield _err(f"unreadable file ({type(exc).__name__}: {exc})", "E104", display_path)


def _check_size(size: int, suffix: str, max_bytes: int) -> None:
    if size == 0:
        raise _err("empty file", "E102")
    if suffix != ".jsonl" and size > max_bytes:
        raise _err(_size_message("file", size, max_bytes), "E105")


def _read_handle(handle: IO[bytes], size: int, suffix: str, shown: str, max_bytes: int
                 ) -> Iterator[Document | IngestError]:
    _check_size(size, suffix, max_bytes)
    head = handle.read(_SNIFF_BYTES)
    unknown = suffix not in SUPPORTED_SUFFIXES
    if suffix == ".pdf" or (suffix != ".jsonl" and b"%PDF-" in head[: 1024 if unknown else 5]):
        kind, binary = ".pdf", sniff_binary(head, magic_only=True)  # PDF is binary itself
    else:
        kind = (".html" if _HTML_START.search(head[:1024]) else ".txt") if unknown else suffix
        binary = sniff_binary(head)
    if binary and not (kind == ".pdf" and binary == "PDF document"):
        raise _err(f"binary file (looks like {binary}); not text", "E103")
    if kind == ".jsonl":
        handle.seek(0)
        yield from _read_jsonl(handle, head, shown, max_bytes)
        return
    data = head + handle.read(max_bytes + 1 - len(head))
    if len(data) > max_bytes:  # grew since stat
        raise _err(_size_message("file", len(data), max_bytes), "E105")
    if kind == ".pdf":
        yield _read_pdf(data, shown)
    elif kind in (".html", ".htm"):
        yield _read_html(data, shown)
    else:
        text, encoding = decode_bytes(data)
        if not text.strip():
            raise _err("empty file (only whitespace)", "E102")
        meta = {"reader": "text", "encoding": encoding, "bytes": len(data)}
        if kind in (".md", ".markdown"):
            meta["format"] = "markdown"
        yield Document(text=text, path=shown, meta=meta)


def sniff_binary(head: bytes, *, magic_only: bool = False) -> str | None:
    """Say what a file looks like if its first bytes are not text.

    Args:
        head: The first bytes of the file (8 KiB are enough).
        magic_only: Only recognise known signatures (for PDF, binary itself).

    Returns:
        A short description such as ``"PNG image"``, or ``None`` for text.
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if magic_only or not head or head.startswith(_BOM_PREFIXES):
        return None
    if b"\x00" in head:
        return "data with NUL bytes"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls * 10 > len(head):
        return f"data, {100 * controls // len(head)}% control characters"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text: BOM, then strict UTF-8, then charset_normalizer's best guess.

    Among equally good guesses the Western cp1252/Latin-1 family wins (Spanish
    Latin-1 text otherwise tends to come back as cp1250, "ñ" turned into "ń").

    Args:
        data: The raw bytes.

    Returns:
        The text and the name of the encoding used.

    Raises:
        IngestError: ``E108`` when no encoding fits.
    """
    by_bom = [enc for bom, enc in _BOMS if data.startswith(bom)][:1]
    for encoding in [*by_bom, "utf-8"]:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding), encoding
    from charset_normalizer import from_bytes
    matches = list(from_bytes(data))
    guesses = [
        western
        for match in matches
        if match.chaos <= matches[0].chaos and match.coherence >= matches[0].coherence
        for western in _WESTERN
        if western in {match.encoding, *match.could_be_from_charset}
    ] + [match.encoding for match in matches[:1]]
    for encoding in guesses:
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            return data.decode(encoding), encoding
    raise _err("cannot decode text: not UTF-8 and no likely encoding found", "E108")


def _decode_html(data: bytes) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith(_BOM_PREFIXES):
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            name = declared.group(1).decode("ascii", "ignore").lower()
            name = "cp1252" if name in _WHATWG_CP1252 else name  # as browsers read them
            return data.decode(name), codecs.lookup(name).name
    try:
        return decode_bytes(data)
    except IngestError:
        raise _err("unreadable HTML (bytes are not text in any known encoding)", "E104") from None


def _read_html(data: bytes, shown: str) -> Document:
    import trafilatura
    from trafilatura.xml import xmltotxt
    html, encoding = _decode_html(data)
    if not html.strip():
        raise _err("empty file (only whitespace)", "E102")
    try:
        tree = trafilatura.load_html(html)
        if tree is None:
            raise _err("unreadable HTML (no markup could be parsed)", "E104")
        found = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
        body = getattr(found, "body", None)
        if body is not None and len(body):  # one blank line between blocks
            text = "\n\n".join(b for b in (xmltotxt(c, False).strip() for c in body) if b)
        else:
            text = str(getattr(found, "text", None) or "")
    except IngestError:
        raise
    except Exception as exc:
        raise _err(f"unreadable HTML ({type(exc).__name__}: {exc})", "E104") from None
    if not text.strip():
        raise _err("no main text found in HTML", "E106")
    meta: dict[str, Any] = {"reader": "html", "encoding": encoding, "bytes": len(data)}
    extra = {key: _clean(getattr(found, key, None)) for key in ("author", "hostname")}
    meta.update({key: value for key, value in extra.items() if value})
    published = _clean(getattr(found, "date", None))
    published = published[:10] if published and _ISO_DATE.match(published) else None
    return Document(text=text, path=shown, title=_clean(getattr(found, "title", None)),
                    published=published, outlet=_clean(getattr(found, "sitename", None)),
                    url=_clean(getattr(found, "url", None)), meta=meta)


def _clean(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


class _PdfNotes(logging.Handler):
    """pypdf's warnings about a damaged file ("incorrect startxref pointer"), kept for the document's meta
    (per thread) instead of reaching a terminal."""

    local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        notes = getattr(self.local, "notes", None)
        with contextlib.suppress(Exception):
            if notes is not None and len(notes) < 20 and (msg := record.getMessage().strip()) not in notes:
                notes.append(msg)


_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.addHandler(_PdfNotes(logging.WARNING))
_PYPDF_LOG.propagate = False


@contextlib.contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    _PdfNotes.local.notes = notes = []
    try:
        yield notes
    finally:
        _PdfNotes.local.notes = None


def _read_pdf(data: bytes, shown: str) -> Document:
    with _pypdf_warnings() as notes:
        doc = _read_pdf_quietly(data, shown)
    if notes:
        doc.meta["pdf_warnings"] = list(notes)
    return doc


def _read_pdf_quietly(data: bytes, shown: str) -> Document:
    from pypdf import PasswordType, PdfReader
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise _err("encrypted PDF (needs a password; decrypt it first)", "E104")
        pages = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:
        raise _err(f"unreadable PDF ({type(exc).__name__}: {exc})", "E104") from None
    texts: list[str] = []
    failed: list[str] = []
    for number, page in enumerate(pages, 1):
        try:
            if page_text := (page.extract_text() or "").strip():
                texts.append(page_text)
        except Exception as exc:
            failed.append(f"page {number}: {type(exc).__name__}: {exc}")
    if not texts:
        no_text = _err("no text layer (scanned PDF? run OCR first)", "E106")
        raise _err(f"unreadable PDF ({failed[-1]})", "E104") if failed else no_text
    meta = {"reader": "pdf", "pages": len(pages), "bytes": len(data), "pages_failed": failed}
    try:
        title = _clean(reader.metadata.title) if reader.metadata else None
    except Exception:  # a broken /Info dictionary loses the title, not the text
        title = None
    return Document(text="\n\n".join(texts), path=shown, title=title, meta=meta)


def _jsonl_lines(
    handle: IO[bytes], head: bytes, max_bytes: int
) -> Iterator[tuple[int, str | IngestError]]:
    """Yield ``(lineno, line)``, or ``(lineno, error)`` for a line that is refused."""
    encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), "utf-8")
    if encoding in ("utf-16", "utf-32"):
        yield from enumerate(io.TextIOWrapper(handle, encoding=encoding, errors="replace"), 1)
        return
    lineno = 0
    while raw := handle.readline(max_bytes + 1):
        lineno += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                raw = handle.readline(_MB)
                size += len(raw)
            yield lineno, _err(_size_message("line", size, max_bytes), "E105")
            continue
        try:
            yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError:
            try:
                yield lineno, decode_bytes(raw)[0]
            except IngestError:
                yield lineno, _err("line is not valid UTF-8 text", "E107")


def _read_jsonl(
    handle: IO[bytes], head: bytes, shown: str, max_bytes: int
) -> Iterator[Document | IngestError]:
    seen_any = False
    for lineno, line in _jsonl_lines(handle, head, max_bytes):
        if isinstance(line, str) and not line.strip():
            continue  # blank lines are allowed
        seen_any = True
        try:
            yield _jsonl_document(line, shown, lineno)
        except IngestError as err:
            yield _err(err.message, err.code, f"{shown}:{lineno}")
    if not seen_any:
        yield _err("empty file (no JSON lines)", "E102", shown)


def _jsonl_document(line: str | IngestError, shown: str, lineno: int) -> Document:
    if isinstance(line, IngestError):
        raise line
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        # json's own messages may end in "at" ("Unterminated string starting at"): say it once
        raise _err(f"invalid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}", "E107") from None
    if not isinstance(record, dict):
        raise _err(f"not a JSON object (got {type(record).__name__})", "E107")
    return document_from_record(record, f"{shown}:{lineno}", {"reader": "jsonl", "line": lineno})


def document_from_record(record: dict[str, Any], path: str, meta: dict[str, Any]) -> Document:
    """A Document from one record with ``text`` and optional ``title``, ``url``, ``outlet``, ``path``,
    ``published`` (a JSONL line, a Parquet row).

    Raises:
        IngestError: E107 when ``text`` is missing or empty, or a field is not valid Unicode.
    """
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _err('missing or empty "text" (a non-empty string is required)', "E107")
    meta = dict(meta)
    keys = ("title", "url", "outlet", "path", "published")
    fields = {key: _clean(record.get(key)) for key in keys}
    if ignored := [k for k in keys if record.get(k) is not None and not isinstance(record[k], str)]:
        meta["ignored"] = ignored  # present but not a string
    try:
        "".join([text, *filter(None, fields.values())]).encode("utf-8")
    except UnicodeEncodeError:
        raise _err("invalid Unicode (a lone surrogate escape such as \\ud800)", "E107") from None
    if fields["path"]:
        meta["source_path"] = fields["path"]
    published = _iso_date(fields["published"]) if fields["published"] else None
    if fields["published"] and published is None:
        meta["published_raw"] = fields["published"]
        meta["published_note"] = "not a recognisable date; left empty"
    return Document(text=text, path=path, title=fields["title"], published=published,
                    outlet=fields["outlet"], url=fields["url"], meta=meta)


def _iso_date(value: str) -> str | None:
    """An ISO ``yyyy-mm-dd`` date for a date string, or None if it names no full date."""
    if _ISO_DATE.match(value):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value[:10]).isoformat()
        return None
    if not re.search(r"\d{4}", value):  # dateparser reads the "14" of "14 March" as 2014
        return None
    import dateparser
    parsed = None
    with contextlib.suppress(Exception):
        parsed = dateparser.parse(value, settings=_DATE_SETTINGS)  # type: ignore[arg-type]
    return parsed.date().isoformat() if parsed else None
