"""Readers: every input is either read with the right text or named with a coded reason."""

from __future__ import annotations

import io
import json
import re
import os
import random
from pathlib import Path

import pytest

from counterclaim.errors import IngestError, UsageError
from counterclaim.ingest import readers
from counterclaim.ingest.document import Document
from counterclaim.ingest.readers import (
    DEFAULT_MAX_BYTES,
    decode_bytes,
    iter_input_files,
    read_file,
    sniff_binary,
)

MB = 1024 * 1024
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"

COLOMBIA = (
    "Según la Defensoría del Pueblo, 45 líderes sociales fueron asesinados en el Cauca; "
    "la población desplazada huyó hacia Popayán."
)
NARINO = "En España y en Nariño, los niños desplazados recibieron ayuda; la situación empeoró."
UKRAINE_FR = (
    "Le ministère ukrainien a déclaré que 14 civils avaient été tués à Kharkiv ; "
    "Moscou dément toute frappe sur des quartiers résidentiels."
)
PDF_SENTENCE = "The ministry said 14 soldiers were wounded near the border crossing on Tuesday."
PARA_1 = (
    "The regional governor said on Thursday that at least 12 civilians were killed when "
    "artillery struck a market in the eastern district, a figure the defence ministry "
    "disputed in a statement released hours later."
)
PARA_2 = (
    "Humanitarian agencies warned that more than 3,000 families had fled the area since "
    "Monday, and that the only road to the provincial capital remained closed to aid "
    "convoys because of continued fighting."
)
ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ceasefire talks stall as shelling resumes | Northern Ledger</title>
<meta property="og:site_name" content="Northern Ledger">
<meta property="article:published_time" content="2024-03-14T09:30:00Z">
<link rel="canonical" href="https://ledger.example.org/2024/03/ceasefire-talks">
<style>body {{ font-family: serif; }} .nav {{ color: red; }}</style>
<script>alert(1)</script></head>
<body><nav class="nav"><a href="/">Home</a> | <a href="/world">World</a> |
<a href="/about">About us</a></nav>
<article><h1>Ceasefire talks stall as shelling resumes</h1>
<p>{PARA_1}</p>
<p>{PARA_2}</p>
</article>
<footer>Copyright 2024 Northern Ledger. All rights reserved. <a href="/privacy">Privacy</a></footer>
<script>var tracker = "alert(2)";</script></body></html>
"""
MARKDOWN = (
    "# Statement by the Ministry\r\n\r\nWe **deny** the allegations.  \r\n\r\n- point one\r\n"
)
BIG_PARAGRAPH = (
    "Relief convoys reached the besieged town on the fourth day of the truce, carrying "
    "flour, medicine and fuel for the only working hospital, officials said.\n"
)
JSONL_LINES = [
    json.dumps({"text": "Statement one: the army denies shelling the village.",
                "title": "Army denial", "published": "March 14, 2024", "outlet": "Agency A"}),
    '{"text": "broken line without closing quote}',
    json.dumps({"text": "Statement two: 300 families were displaced.",
                "url": "https://example.org/two", "published": "2024-03-15T08:00:00Z"}),
    json.dumps({"title": "A headline but no text"}),
    json.dumps({"text": "Statement three: the governor calls it a provocation.",
                "published": "sometime last spring", "path": "wire/2024/03.txt"}),
]


def make_pdf(sentence: str, title: str | None = None) -> bytes:
    """A minimal valid PDF with one page whose text layer is ``sentence`` (xref by hand)."""
    escaped = sentence.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if title:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, info, xref)
    return bytes(out)


def png_bytes(seed: int) -> bytes:
    return PNG_HEADER + random.Random(seed).randbytes(4096)


def read_all(path: Path, display: str | None = None, **kwargs) -> list[Document | IngestError]:
    return list(read_file(path, display, **kwargs))


def only(results: list[Document | IngestError]) -> Document | IngestError:
    assert len(results) == 1, results
    return results[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with every kind of good and bad input, built once per module."""
    root = tmp_path_factory.mktemp("walk")
    d = root / "corpus"
    (d / "sub").mkdir(parents=True)
    (d / ".cache").mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text("   \n\t\n  \r\n", encoding="utf-8")
    (d / "image.txt").write_bytes(png_bytes(1))
    (d / "photo").write_bytes(png_bytes(2))
    (d / "colombia_latin1.txt").write_bytes(COLOMBIA.encode("latin-1"))
    (d / "statement_utf16.txt").write_bytes(UKRAINE_FR.encode("utf-16"))  # with BOM
    (d / "release.md").write_bytes(MARKDOWN.encode("utf-8"))
    whole = make_pdf(PDF_SENTENCE, title="Statement on the border incident")
    (d / "statement.pdf").write_bytes(whole)
    (d / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (d / "article.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (d / "wire.jsonl").write_text("\n".join(JSONL_LINES) + "\n\n", encoding="utf-8")
    (d / "sub" / "nested.txt").write_text("Nested note: the talks resume on Monday.\n", "utf-8")
    (d / ".hidden.txt").write_text("must be skipped", encoding="utf-8")
    (d / ".cache" / "skipped.txt").write_text("must be skipped too", encoding="utf-8")
    with (d / "big.txt").open("w", encoding="utf-8") as big:
        big.write(BIG_PARAGRAPH * (20 * MB // len(BIG_PARAGRAPH) + 1))
    return root


def test_walking_the_corpus_names_every_failure_and_reads_everything_else(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)
    results: dict[str, list[Document | IngestError]] = {}
    for path, shown in iter_input_files(["corpus"]):
        results[shown] = read_all(path, shown)

    assert "corpus/.hidden.txt" not in results and "corpus/.cache/skipped.txt" not in results
    assert list(results) == sorted(results)  # sorted walk
    failures = {
        item.path: item.code for items in results.values() for item in items
        if isinstance(item, IngestError)
    }
    docs = {
        item.path: item.text for items in results.values() for item in items
        if isinstance(item, Document)
    }
    truncated = failures.pop("corpus/truncated.pdf", None)
    if truncated is None:  # a newer pypdf may recover the half file: then the text must be right
        assert docs.pop("corpus/truncated.pdf") == PDF_SENTENCE
    else:
        assert truncated == "E104"
    assert failures == {
        "corpus/empty.txt": "E102",
        "corpus/blank.txt": "E102",
        "corpus/image.txt": "E103",
        "corpus/photo": "E103",
        "corpus/big.txt": "E105",
        "corpus/wire.jsonl:2": "E107",
        "corpus/wire.jsonl:4": "E107",
    }
    assert set(docs) == {
        "corpus/article.html",
        "corpus/colombia_latin1.txt",
        "corpus/release.md",
        "corpus/statement.pdf",
        "corpus/statement_utf16.txt",
        "corpus/sub/nested.txt",
        "corpus/wire.jsonl:1",
        "corpus/wire.jsonl:3",
        "corpus/wire.jsonl:5",
    }
    assert docs["corpus/colombia_latin1.txt"] == COLOMBIA
    assert docs["corpus/statement_utf16.txt"] == UKRAINE_FR
    assert docs["corpus/release.md"] == MARKDOWN.replace("\r\n", "\n").replace("  \n", "\n")
    assert docs["corpus/statement.pdf"] == PDF_SENTENCE
    assert docs["corpus/sub/nested.txt"] == "Nested note: the talks resume on Monday.\n"
    assert docs["corpus/wire.jsonl:3"] == "Statement two: 300 families were displaced."
    html = docs["corpus/article.html"]
    assert f"{PARA_1}\n\n{PARA_2}" in html
    for boilerplate in ("alert", "tracker", "font-family", "About us", "All rights reserved"):
        assert boilerplate not in html
    # Nothing lost: every file walked gave at least one result, every result is accounted for.
    assert all(results.values())
    assert sum(map(len, results.values())) == 7 + 9 + 1


def _outcome(item: Document | IngestError) -> tuple:
    if isinstance(item, IngestError):
        return ("error", item.code, item.path, item.message)
    return ("document", item.path, item.text, item.title, item.published, item.meta)


def test_read_bytes_gives_what_read_file_gives_for_every_input(corpus: Path) -> None:
    # What a Spark executor reads from a file's content must equal what ingest reads from the file.
    for path, shown in iter_input_files([corpus / "corpus"]):
        if path.is_file() and path.name != "big.txt":
            from_file = [_outcome(x) for x in read_file(path, shown)]
            from_bytes = [_outcome(x) for x in readers.read_bytes(path.read_bytes(), shown)]
            assert from_bytes == from_file, shown
    assert [_outcome(x)[1] for x in readers.read_bytes(b"x" * 2048, "wire/long.txt", max_bytes=1024)] == ["E105"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("image.txt", "binary file (looks like PNG image)"),
        ("photo", "binary file (looks like PNG image)"),
        ("big.txt", "file is 20 MB, over the 10 MB limit (raise it with --max-mb)"),
    ],
)
def test_failures_say_why_in_plain_words(corpus: Path, name: str, expected: str) -> None:
    error = only(read_all(corpus / "corpus" / name, f"in/{name}"))
    assert isinstance(error, IngestError)
    assert error.path == f"in/{name}" and expected in error.message
    assert str(error).startswith(f"[{error.code}] in/{name}: ")


def test_big_file_is_refused_before_it_is_opened_and_read_when_the_limit_is_raised(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = corpus / "corpus" / "big.txt"
    assert big.stat().st_size > 20 * MB > DEFAULT_MAX_BYTES
    with monkeypatch.context() as patch:
        patch.setattr(Path, "open", lambda *a, **k: pytest.fail("opened a too-large file"))
        assert only(read_all(big)).code == "E105"
    doc = only(read_all(big, max_bytes=25 * MB))
    assert isinstance(doc, Document)
    assert len(doc.text) == big.stat().st_size
    assert doc.text.startswith(BIG_PARAGRAPH) and doc.text.endswith(BIG_PARAGRAPH)
    assert doc.meta == {"reader": "text", "encoding": "utf-8", "bytes": big.stat().st_size}


def test_html_metadata(corpus: Path) -> None:
    doc = only(read_all(corpus / "corpus" / "article.html", "article.html"))
    assert isinstance(doc, Document)
    assert (doc.title, doc.published, doc.outlet, doc.url) == (
        "Ceasefire talks stall as shelling resumes",
        "2024-03-14",
        "Northern Ledger",
        "https://ledger.example.org/2024/03/ceasefire-talks",
    )
    assert doc.meta["reader"] == "html"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b'<html><head><title>App</title><script>var feed = "Casualty update";</script></head>'
         b'<body><div id="root"></div><script src="app.js"></script></body></html>', "E106"),
        (b"<html><body></body></html>", "E106"),
        ("Plain words, no markup at all \u00e9\u00e8".encode("cp1252"), "E104"),
        (b"  \n\t ", "E102"),
    ],
)
def test_html_without_main_text(tmp_path: Path, content: bytes, expected: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    assert only(read_all(page)).code == expected


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1252"])
def test_html_declared_latin1_is_read_as_cp1252_like_browsers(tmp_path: Path, declared: str) -> None:
    quote = "\u201cNous démentons toute frappe sur des civils\u201d, a déclaré le porte-parole à Goma."
    page = tmp_path / "communique.htm"
    page.write_bytes(
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}">'
        f"</head><body><article><p>{quote}</p><p>{UKRAINE_FR}</p></article></body></html>"
        .encode("cp1252")
    )
    doc = only(read_all(page))
    assert isinstance(doc, Document)
    assert doc.text == f"{quote}\n\n{UKRAINE_FR}" and doc.meta["encoding"] == "cp1252"


def test_whole_pdf_reads_back_its_sentence_and_title(tmp_path: Path) -> None:
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(make_pdf(PDF_SENTENCE, title="Statement on the border incident"))
    doc = only(read_all(pdf))
    assert isinstance(doc, Document)
    assert doc.text == PDF_SENTENCE
    assert doc.title == "Statement on the border incident"
    assert doc.meta["pages"] == 1 and doc.meta["reader"] == "pdf"


@pytest.mark.parametrize("cut", [0.5, 0.25, 0.9])
def test_truncated_pdf_is_unreadable_or_recovered_exactly(tmp_path: Path, cut: float) -> None:
    whole = make_pdf(PDF_SENTENCE)
    pdf = tmp_path / "cut.pdf"
    pdf.write_bytes(whole[: int(len(whole) * cut)])
    result = only(read_all(pdf))
    if isinstance(result, IngestError):
        assert result.code == "E104" and result.message.startswith("unreadable PDF (")
    else:
        assert result.text == PDF_SENTENCE


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(make_pdf(PDF_SENTENCE).replace(b"BT /F1 12 Tf", b"q 0 0 m Q %"))
    error = only(read_all(pdf))
    assert error.code == "E106" and "OCR" in error.message


@pytest.mark.parametrize(
    "password, expected",
    [("", PDF_SENTENCE), ("secret", "E104")],
)
def test_encrypted_pdf(tmp_path: Path, password: str, expected: str) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(PDF_SENTENCE))))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    pdf = tmp_path / "locked.pdf"
    with pdf.open("wb") as out:
        writer.write(out)
    result = only(read_all(pdf))
    assert (result.text if isinstance(result, Document) else result.code) == expected


@pytest.mark.parametrize(
    "name, content, expected_reader, expected_text",
    [
        ("NOTES", b"Field notes from Mariupol, 3 March.\n", "text",
         "Field notes from Mariupol, 3 March.\n"),
        ("page.php", f"<!DOCTYPE html><html><body><p>{PARA_1}</p></body></html>".encode(),
         "html", PARA_1),
        ("scan.bin", make_pdf(PDF_SENTENCE), "pdf", PDF_SENTENCE),
        ("wrongly_named.txt", make_pdf(PDF_SENTENCE), "pdf", PDF_SENTENCE),
    ],
)
def test_unknown_extension_is_sniffed(
    tmp_path: Path, name: str, content: bytes, expected_reader: str, expected_text: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    doc = only(read_all(path))
    assert isinstance(doc, Document)
    assert doc.meta["reader"] == expected_reader and doc.text == expected_text


@pytest.mark.parametrize(
    "data, expected",
    [
        (COLOMBIA.encode("latin-1"), (COLOMBIA, "cp1252")),
        (NARINO.encode("latin-1"), (NARINO, "cp1252")),
        (UKRAINE_FR.encode("cp1252"), (UKRAINE_FR, "cp1252")),
        (COLOMBIA.encode("utf-8"), (COLOMBIA, "utf-8")),
        (b"\xef\xbb\xbf" + COLOMBIA.encode("utf-8"), (COLOMBIA, "utf-8-sig")),
        (UKRAINE_FR.encode("utf-16"), (UKRAINE_FR, "utf-16")),
        (UKRAINE_FR.encode("utf-32"), (UKRAINE_FR, "utf-32")),
        ("Міністерство оборони заявило про обстріл Харкова.".encode("cp1251"),
         ("Міністерство оборони заявило про обстріл Харкова.", "cp1251")),
    ],
)
def test_decode_bytes(data: bytes, expected: tuple[str, str]) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    "head, expected",
    [
        (png_bytes(3), "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP archive (docx/xlsx/odt/epub?)"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF executable"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip archive"),
        (b"report\x00\x00\x00 v2", "data with NUL bytes"),
        (bytes(range(1, 32)) * 20 + b"some text", "data, 79% control characters"),
        (COLOMBIA.encode("latin-1"), None),
        (UKRAINE_FR.encode("utf-16"), None),
        (b"Tab\tseparated\fpage\x1b[0m", None),
    ],
)
def test_sniff_binary(head: bytes, expected: str | None) -> None:
    assert sniff_binary(head) == expected


def test_jsonl_lines(tmp_path: Path) -> None:
    wire = tmp_path / "wire.jsonl"
    wire.write_text("\n".join(JSONL_LINES) + "\n", encoding="utf-8")
    results = read_all(wire, "feeds/wire.jsonl")
    assert [r.path for r in results] == [f"feeds/wire.jsonl:{n}" for n in range(1, 6)]
    first, bad_json, second, no_text, third = results
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.title, first.published, first.outlet) == ("Army denial", "2024-03-14", "Agency A")
    assert (second.url, second.published) == ("https://example.org/two", "2024-03-15")
    assert bad_json.code == "E107" and "invalid JSON" in bad_json.message
    assert no_text.code == "E107" and '"text"' in no_text.message
    assert isinstance(third, Document) and third.published is None
    assert third.meta["published_raw"] == "sometime last spring"
    assert third.meta["source_path"] == "wire/2024/03.txt"


@pytest.mark.parametrize(
    "published, expected",
    [
        ("2024-03-14", "2024-03-14"),
        ("2024-03-14T10:00:00+02:00", "2024-03-14"),
        ("March 14, 2024", "2024-03-14"),
        ("14 de marzo de 2024", "2024-03-14"),
        ("March 2024", "2024-03-01"),
        ("14 March", None),  # no year: not a date we can store
        ("yesterday", None),  # relative to when? not stored
        ("2024-13-45", None),
        (20240314, None),
    ],
)
def test_jsonl_published_is_normalised(
    tmp_path: Path, published: object, expected: str | None
) -> None:
    wire = tmp_path / "one.jsonl"
    wire.write_text(json.dumps({"text": "The ceasefire held overnight.", "published": published}))
    doc = only(read_all(wire))
    assert isinstance(doc, Document) and doc.published == expected
    if expected is None:
        assert "published_raw" in doc.meta or "published" in doc.meta.get("ignored", [])


@pytest.mark.parametrize(
    "line, expected",
    [
        ("[1, 2, 3]", "not a JSON object (got list)"),
        ('{"text": "   "}', 'missing or empty "text"'),
        ('{"text": 42}', 'missing or empty "text"'),
        ("{'text': 'single quotes'}", "invalid JSON"),
        ('{"text": "Shelling \\ud800 resumed."}', "invalid Unicode (a lone surrogate"),
    ],
)
def test_jsonl_bad_lines_do_not_lose_good_ones(tmp_path: Path, line: str, expected: str) -> None:
    wire = tmp_path / "mixed.jsonl"
    wire.write_text(f'{line}\n{{"text": "The good line survives."}}\n', encoding="utf-8")
    bad, good = read_all(wire)
    assert isinstance(bad, IngestError) and bad.code == "E107" and expected in bad.message
    assert bad.path == f"{wire}:1"
    assert isinstance(good, Document) and good.text == "The good line survives."


def test_jsonl_limit_applies_per_line(tmp_path: Path) -> None:
    wire = tmp_path / "long.jsonl"
    long_line = json.dumps({"text": "x" * 5000})
    wire.write_text(f'{long_line}\n{{"text": "short"}}\n', encoding="utf-8")
    too_long, short = read_all(wire, "long.jsonl", max_bytes=1000)
    assert (too_long.code, too_long.path) == ("E105", "long.jsonl:1")
    size_mb = f"{(len(long_line) + 1) / MB:.3g}"  # the line and its newline
    assert too_long.message == (
        f"line is {size_mb} MB, over the 0.000954 MB limit (raise it with --max-mb)"
    )
    assert isinstance(short, Document) and short.path == "long.jsonl:2"


@pytest.mark.parametrize(
    "content, expected",
    [(b"", "E102"), (b"\n\n  \n", "E102"), (png_bytes(4), "E103")],
)
def test_jsonl_empty_or_binary(tmp_path: Path, content: bytes, expected: str) -> None:
    wire = tmp_path / "feed.jsonl"
    wire.write_bytes(content)
    assert only(read_all(wire)).code == expected


def test_jsonl_utf16_with_bom(tmp_path: Path) -> None:
    wire = tmp_path / "feed.jsonl"
    wire.write_bytes((json.dumps({"text": UKRAINE_FR}, ensure_ascii=False) + "\n").encode("utf-16"))
    doc = only(read_all(wire))
    assert isinstance(doc, Document) and doc.text == UKRAINE_FR


def test_not_a_regular_file_and_missing_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert only(read_all(tmp_path)).code == "E101"
    assert only(read_all(fifo)).code == "E101"  # and it did not block on the pipe
    assert only(read_all(tmp_path / "gone.txt")).code == "E101"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("classified", encoding="utf-8")

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(secret))

    monkeypatch.setattr(Path, "open", deny)  # chmod alone does not stop root
    error = only(read_all(secret))
    assert (error.code, error.path, error.message) == ("E109", str(secret), "permission denied")


def test_unexpected_exception_becomes_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Talks resume on Monday.", encoding="utf-8")

    def boom(data: bytes) -> tuple[str, str]:
        raise RuntimeError("decoder exploded")

    monkeypatch.setattr(readers, "decode_bytes", boom)
    error = only(read_all(note))
    assert error.code == "E104" and "RuntimeError: decoder exploded" in error.message


def test_undecodable_text_is_e108(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: [])
    note = tmp_path / "note.txt"
    note.write_bytes(COLOMBIA.encode("latin-1"))
    error = only(read_all(note))
    assert error.code == "E108" and error.path == str(note)


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("Statement text.\n", encoding="utf-8")


def test_iter_input_files_order_hidden_and_display_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["in/b.txt", "in/a/z.md", "in/a/b/c.html", "in/B.txt", "in/.hidden.txt",
                     "in/.git/config", "in/a/.draft/x.txt", "solo.jsonl", ".explicit.txt"])
    monkeypatch.chdir(tmp_path)
    pairs = list(iter_input_files(["in/", "solo.jsonl", Path(".explicit.txt")]))
    assert [shown for _, shown in pairs] == [
        "in/B.txt", "in/a/b/c.html", "in/a/z.md", "in/b.txt", "solo.jsonl", ".explicit.txt",
    ]
    assert all(path.is_file() for path, _ in pairs)
    absolute = [shown for _, shown in iter_input_files([tmp_path / "in"])]
    assert absolute == [os.path.join(tmp_path, shown) for _, shown in pairs[:4]]


def test_iter_input_files_missing_path_raises_before_yielding(tmp_path: Path) -> None:
    _tree(tmp_path, ["present.txt"])
    with pytest.raises(UsageError) as caught:
        iter_input_files([tmp_path / "present.txt", tmp_path / "missing.txt"])
    assert caught.value.code == "E002" and caught.value.exit_code == 2
    assert "missing.txt" in str(caught.value) and "present.txt" not in str(caught.value)


def test_iter_input_files_symlink_loop_terminates(tmp_path: Path) -> None:
    _tree(tmp_path, ["in/a.txt"])
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in")
    assert [shown for _, shown in iter_input_files([tmp_path / "in"])] == [
        os.path.join(tmp_path, "in", "a.txt")
    ]


@pytest.mark.parametrize("line, expected", [
    ('{"text": "Shelling resumed', "invalid JSON: Invalid control character at column 27"),
    ("{'text': 'single quotes'}", "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
])
def test_jsonl_messages_name_the_column_once(tmp_path, line, expected):
    path = tmp_path / "feed.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (err,) = list(readers.read_file(path))
    assert err.code == "E107" and err.message == expected


def test_symbolic_links_out_of_the_folder_are_not_followed(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("Not for the ledger.\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "sub" / "a.txt").write_text("Shelling resumed in Kharkiv.\n", encoding="utf-8")
    (inbox / "up").symlink_to("..")  # the parent: would walk the whole tree again, private/ included
    (inbox / "secret.txt").symlink_to(outside / "secret.txt")
    (inbox / "alias").symlink_to("sub")  # a link inside the folder is followed (each folder walked once)
    found = sorted(shown for _path, shown in readers.iter_input_files([inbox]))
    assert found == [str(inbox / "alias" / "a.txt")]
    # a link given by name is what the user asked for
    assert [shown for _p, shown in readers.iter_input_files([inbox / "secret.txt"])] == [str(inbox / "secret.txt")]


def test_pypdf_warnings_go_to_the_documents_meta_not_the_terminal(tmp_path, capsys):
    whole = make_pdf(PDF_SENTENCE)
    pdf = tmp_path / "bad-xref.pdf"
    pdf.write_bytes(re.sub(rb"startxref\s+\d+", b"startxref\n9", whole))
    doc = only(read_all(pdf))
    assert doc.text == PDF_SENTENCE
    assert any("startxref" in note for note in doc.meta["pdf_warnings"])
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
