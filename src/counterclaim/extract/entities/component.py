"""spaCy pipeline components for entities, registered by versioned names.

- ``counterclaim_gazetteer_v1``: an EntityRuler before ``ner`` fed from the gazetteer.
- ``counterclaim_entity_fixes_v1``: after ``ner``, corrects the model's entities
  (:func:`counterclaim.extract.entities.fixes.fixed_entities`).
- ``counterclaim_entities_v1``: resolves entities and mentions
  (:func:`counterclaim.extract.entities.rules.extract_entities`) into
  ``doc._.cc_entities`` and ``doc._.cc_mentions``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from counterclaim.extract.entities.fixes import fixed_entities
from counterclaim.extract.entities.gazetteer import load_gazetteer
from counterclaim.extract.entities.rules import extract_entities

for _name in ("cc_entities", "cc_mentions"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("counterclaim_gazetteer_v1")
def make_gazetteer(nlp: Language, name: str) -> EntityRuler:
    ruler = EntityRuler(nlp, name=name, phrase_matcher_attr="ORTH", overwrite_ents=True)
    # ORTH patterns need only the tokenizer: without this EntityRuler runs the
    # whole pipeline over every one of the ~5,000 pattern strings (~2 s per load).
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(load_gazetteer().ruler_patterns())
    return ruler


class EntityFixes:
    """Replace ``doc.ents`` with the corrected spans."""

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = fixed_entities(doc)
        return doc


@Language.factory("counterclaim_entity_fixes_v1")
def make_entity_fixes(nlp: Language, name: str) -> EntityFixes:
    return EntityFixes()


class Entities:
    """Store the document's entity and mention records on the Doc."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.cc_entities, doc._.cc_mentions = extract_entities(doc)
        return doc


@Language.factory("counterclaim_entities_v1")
def make_entities(nlp: Language, name: str) -> Entities:
    return Entities()
