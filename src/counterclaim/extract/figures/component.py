"""spaCy pipeline component for figures, registered as ``counterclaim_figures_v1``.

It runs :func:`counterclaim.extract.figures.rules.extract_quantities` and stores the
records in ``doc._.cc_quantities`` (a later stage links each to its claim).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.extract.figures.rules import extract_quantities

if not Doc.has_extension("cc_quantities"):
    Doc.set_extension("cc_quantities", default=None)


class Figures:
    """Store the document's figures (:class:`~counterclaim.records.QuantityRecord`) on the Doc."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.cc_quantities = extract_quantities(doc)
        return doc


@Language.factory("counterclaim_figures_v1")
def make_figures(nlp: Language, name: str) -> Figures:
    return Figures()
