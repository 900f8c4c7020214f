"""``counterclaim_claims_v1``: claims from the earlier stages' records.

Reads ``doc._.cc_entities``, ``cc_mentions``, ``cc_asserter``,
``cc_attributions`` and ``cc_quantities`` (missing stages count as empty);
sets ``doc._.cc_claims`` and replaces ``doc._.cc_quantities`` with the same
figures linked to their claims.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from counterclaim.extract.claims.rules import extract_claims

for _name in ("cc_claims", "cc_quantities", "cc_attributions"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Claims:
    """Pipeline component wrapping :func:`extract_claims`."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.cc_claims, doc._.cc_quantities = extract_claims(
            doc, doc._.cc_entities or [], doc._.cc_mentions or [], doc._.cc_asserter,
            doc._.cc_attributions or [], doc._.cc_quantities or [])
        return doc


@Language.factory("counterclaim_claims_v1")
def make_claims(nlp: Language, name: str) -> Claims:
    return Claims()
