"""Documents → spaCy Docs → analysis records, in batches.

Long texts are parsed in paragraph-aligned chunks (each below
``MAX_CHUNK_CHARS``) that are merged back into one Doc, so memory stays bounded
and offsets still index the whole stored text. The document-level stages (the
components listed in ``nlp.DOC_STAGES``) then run once on the merged Doc.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from counterclaim.errors import AnalysisError
from counterclaim.ingest.document import Document
from counterclaim.nlp import DOC_STAGES, MAX_CHUNK_CHARS, load_nlp
from counterclaim.records import Analysis


def chunk_text(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters whose concatenation is ``text``.

    Cuts fall after a blank line when there is one, else after a line break,
    else after a space, else anywhere.
    """
    if len(text) <= limit:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind("\n\n") + 2, 0)
        for sep in ("\n", " "):
            if cut < limit // 2:
                cut = max(cut, window.rfind(sep) + 1)
        if cut < limit // 2:
            cut = limit
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def parse_texts(texts: list[str], *, batch_size: int = 16,
                metas: list[dict[str, str | None]] | None = None) -> list[Doc]:
    """Parse texts with the shared pipeline and run the document-level stages on each.

    ``metas`` (one dict per text, e.g. ``{"doc_type": "article", "outlet": "Trend"}``)
    reaches the document-level stages as ``doc.user_data``.
    """
    nlp = load_nlp()
    owners: list[int] = []
    chunks: list[str] = []
    for n, text in enumerate(texts):
        for piece in chunk_text(text):
            owners.append(n)
            chunks.append(piece)
    grouped: list[list[Doc]] = [[] for _ in texts]
    for owner, doc in zip(owners, nlp.pipe(chunks, batch_size=batch_size, disable=list(DOC_STAGES)), strict=True):
        grouped[owner].append(doc)
    docs = []
    for n, parts in enumerate(grouped):
        doc = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
        doc.user_data.update(metas[n] if metas else {})
        for name in DOC_STAGES:
            doc = nlp.get_pipe(name)(doc)
        docs.append(doc)
    return docs


def _meta(document: Document) -> dict[str, str | None]:
    """What the document-level stages may know of a document besides its text."""
    return {"doc_type": document.doc_type, "outlet": document.outlet}


def analysis_of(document: Document, doc: Doc) -> Analysis:
    """The records of one parsed document."""
    if doc.text != document.text:
        raise AnalysisError("parsed text differs from the stored text", code="E302", path=document.path)
    why = doc._.cc_asserter_why
    return Analysis(entities=doc._.cc_entities, mentions=doc._.cc_mentions, asserter=doc._.cc_asserter,
                    why={"asserter": why} if why else {}, quantities=doc._.cc_quantities or [],
                    attributions=doc._.cc_attributions or [], claims=doc._.cc_claims or [])


def analyze_documents(documents: Iterable[Document], *, batch_size: int = 16
                      ) -> Iterator[tuple[Document, Analysis | AnalysisError]]:
    """Yield each document with its analysis, or with the error that stopped it."""
    batch: list[Document] = []

    def flush() -> Iterator[tuple[Document, Analysis | AnalysisError]]:
        try:
            docs = parse_texts([d.text for d in batch], batch_size=batch_size, metas=[_meta(d) for d in batch])
        except Exception:  # noqa: BLE001 - fall back to one at a time to isolate the bad one
            docs = []
            for d in batch:
                try:
                    docs.extend(parse_texts([d.text], metas=[_meta(d)]))
                except Exception as exc:  # noqa: BLE001
                    docs.append(AnalysisError(f"analysis failed: {exc.__class__.__name__}: {exc}",
                                              code="E303", path=d.path))
        for d, parsed in zip(batch, docs, strict=True):
            if isinstance(parsed, AnalysisError):
                yield d, parsed
                continue
            try:
                yield d, analysis_of(d, parsed)
            except AnalysisError as exc:
                yield d, exc
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the ingest
                yield d, AnalysisError(f"analysis failed: {exc.__class__.__name__}: {exc}", code="E303", path=d.path)
        batch.clear()

    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()
