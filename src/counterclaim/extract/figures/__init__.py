"""Figures: counts of people, objects and events a document states ('613 people ... were killed').

:func:`extract_quantities` is the pure function over a parsed Doc; importing
:mod:`counterclaim.extract.figures.component` registers the spaCy component
``counterclaim_figures_v1``, which stores the result in ``doc._.cc_quantities``.
"""

from counterclaim.extract.figures.rules import extract_quantities

__all__ = ["extract_quantities"]
