"""Who said what: direct quotes, reported speech and the chains that relayed them.

- :mod:`.quotes`: quote-mark scanning (balanced, multi-paragraph, unbalanced);
- :mod:`.speakers`: the document context and speaker/outlet resolution;
- :mod:`.rules`: the cue rules and :func:`extract_attributions`, the pure entry point;
- :mod:`.assemble`: nesting, continuations, relays and ids;
- :mod:`.component`: the spaCy component ``counterclaim_attributions_v1``.
"""

from counterclaim.extract.attributions.rules import extract_attributions

__all__ = ["extract_attributions"]
