"""spaCy pipeline component for attributions, registered as ``counterclaim_attributions_v1``.

Reads what earlier stages left on the Doc (``doc._.cc_entities``,
``doc._.cc_mentions``, ``doc._.cc_asserter``) and stores the
:class:`~counterclaim.records.AttributionRecord` list in ``doc._.cc_attributions``
(:func:`counterclaim.extract.attributions.rules.extract_attributions`), then refines the
asserter with whom the document quotes (:func:`counterclaim.extract.asserter.refine_asserter`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.extract.asserter import refine_asserter
from counterclaim.extract.attributions.rules import extract_attributions

for _name in ("cc_attributions", "cc_entities", "cc_mentions", "cc_asserter", "cc_asserter_why"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Attributions:
    """Store the document's attribution records on the Doc."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.cc_attributions = extract_attributions(
            doc, doc._.cc_entities or [], doc._.cc_mentions or [], doc._.cc_asserter)
        doc._.cc_asserter, doc._.cc_asserter_why = refine_asserter(
            doc._.cc_asserter, doc._.cc_asserter_why or "", doc._.cc_attributions, doc._.cc_entities or [],
            doc.user_data.get("outlet"))
        return doc


@Language.factory("counterclaim_attributions_v1")
def make_attributions(nlp: Language, name: str) -> Attributions:
    return Attributions()
