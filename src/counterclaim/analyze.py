"""Documents → spaCy Docs → analysis records, in batches.

A text up to ``WINDOW_CHARS`` long is parsed whole, and the document-level stages (the
components listed in ``nlp.DOC_STAGES``) run once on its Doc. A longer one (a UN or NGO
report) is analysed in bounded windows (:mod:`counterclaim.long_texts`): memory stays bounded
per document and time grows linearly with its length; the records still index the whole
stored text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from counterclaim.errors import AnalysisError
from counterclaim.ingest.document import Document
from counterclaim.long_texts import WINDOW_CHARS, Merger, windows
from counterclaim.nlp import DOC_STAGES, load_nlp
from counterclaim.extract.noncontent import masked, without_noncontent
from counterclaim.records import Analysis


def parse_texts(texts: list[str], *, batch_size: int = 16,
                metas: list[dict[str, str | None]] | None = None) -> list[Doc]:
    """Parse texts (each up to ``WINDOW_CHARS``) with the shared pipeline and run the document-level stages on each.

    ``metas`` (one dict per text, e.g. ``{"doc_type": "article", "outlet": "Trend"}``)
    reaches the document-level stages as ``doc.user_data``.
    """
    nlp = load_nlp()
    docs = []
    # Markup and boilerplate read as blanks of the same length (extract/noncontent.py): offsets unchanged.
    for n, doc in enumerate(nlp.pipe([masked(t) for t in texts], batch_size=batch_size, disable=list(DOC_STAGES))):
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
    if doc.text != masked(document.text):
        raise AnalysisError("parsed text differs from the stored text", code="E302", path=document.path)
    return without_noncontent(_records(doc), document.text)  # nothing comes from markup, stamps or boilerplate


def analyze_long(document: Document, *, limit: int = WINDOW_CHARS) -> Analysis:
    """The analysis of a long document, window by window (at most two windows' Docs in memory)."""
    nlp = load_nlp()
    merger = Merger()
    pieces = list(windows(masked(document.text), limit))
    parsed = nlp.pipe((piece for _offset, piece in pieces), batch_size=2, disable=list(DOC_STAGES))
    for (offset, piece), doc in zip(pieces, parsed, strict=True):
        doc.user_data.update(_meta(document))
        for name in DOC_STAGES:
            doc = nlp.get_pipe(name)(doc)
        if doc.text != piece:
            raise AnalysisError("parsed text differs from the stored text", code="E302", path=document.path)
        merger.add(_records(doc), offset)
    return without_noncontent(merger.analysis(), document.text)


def _records(doc: Doc) -> Analysis:
    why = doc._.cc_asserter_why
    return Analysis(entities=doc._.cc_entities, mentions=doc._.cc_mentions, asserter=doc._.cc_asserter,
                    why={"asserter": why} if why else {}, quantities=doc._.cc_quantities or [],
                    attributions=doc._.cc_attributions or [], claims=doc._.cc_claims or [],
                    techniques=doc._.cc_techniques or [])


def analyze_documents(documents: Iterable[Document], *, batch_size: int = 16
                      ) -> Iterator[tuple[Document, Analysis | AnalysisError]]:
    """Yield each document with its analysis, or with the error that stopped it.

    Long documents (over ``WINDOW_CHARS``) are analysed on their own, window by window; the
    results come in the order of the documents.
    """
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
        if len(document.text) > WINDOW_CHARS:
            if batch:  # results stay in input order
                yield from flush()
            try:
                yield document, analyze_long(document)
            except AnalysisError as exc:
                yield document, exc
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the ingest
                yield document, AnalysisError(f"analysis failed: {exc.__class__.__name__}: {exc}", code="E303",
                                              path=document.path)
            continue
        batch.append(document)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()
