"""Denials of harm and affirmations of harm, on sentences from other conflicts (no model needed)."""

from __future__ import annotations

import pytest

from counterclaim.link.denials import contradicts_harm, denial_cue, harm_affirmed, harm_denial


@pytest.mark.parametrize("text, expected", [
    # a negator before a harm word, or before a group and then a harm word
    ("No civilian in Kafr Nabl lost their life in the raid, the ministry said.", ("negated", "civilians")),
    ("The air force said there were no casualties among the residents.", ("negated", "anyone")),
    ("Not a single civilian was hurt in the operation in Mariupol.", ("negated", "civilians")),
    ("Nobody was killed when the drone hit the depot near Marib.", ("negated", "anyone")),
    ("No soldiers were wounded in the ambush, the army spokesman added.", ("negated", "fighters")),
    # 'only' fighters among the dead: no civilian died
    ("Among the dead in Sittwe there were only Arakan Army militants, the junta said.", ("only", "civilians")),
    # a rejection of a report of harm (only when the claim is on the denying side)
    ("The ministry rejected the claim of heavy casualties in Rafah as fabricated.", ("rejected", "anyone")),
    ("The army denied that its troops had massacred villagers in Mapiripán.", ("rejected", "civilians")),
    ("The spokesman said their claim of 350 militants dead is also false.", ("rejected", "fighters")),
    ("Pakistan says no damage was done by the jets.", ("negated", "damage")),
    # harm admitted, or no harm named: not a denial of harm
    ("It was a regrettable accident in which four villagers died, the general said.", None),
    ("The government rejected the report as biased and one-sided.", None),
    ("There is no doubt that 300 people were killed in the market.", None),
    ("No one can deny that the rebels looted the town.", None),
    # a link denied, harm admitted: 'no connection' rejects no report of harm
    ("There was no connection between the driver and the militants; he was an innocent victim.", None),
])
def test_harm_denial(text, expected):
    got = harm_denial(text, denial_cue(text) is not None)
    assert (None if got is None else (got.kind, got.scope)) == expected, got


@pytest.mark.parametrize("text, figures, expected", [
    ("Paramilitaries killed at least 60 villagers in El Salado.", [("people", "killed")], {"civilians"}),
    ("The strike killed 40 people at the wedding in Sanaa.", [("people", "killed")], {"people"}),
    ("The army said it had neutralised 25 terrorists near Mopti.", [("terrorist", "killed")], {"fighters"}),
    ("A very large number of militants were eliminated in the camp.", [], {"fighters"}),
    ("The bodies of 212 civilians were recovered from the mass grave.", [], {"civilians"}),
    ("Shelling destroyed 40 houses and killed two farmers in Avdiivka.", [("houses", "destroyed")],
     {"people", "damage"}),
    ("The rebels took control of the border crossing.", [], set()),
])
def test_harm_affirmed(text, figures, expected):
    assert harm_affirmed(text, [g for g, _c in figures], [c for _g, c in figures]) == expected


@pytest.mark.parametrize("denial, affirmed, expected", [
    ("No civilian in the village was killed.", {"people"}, True),       # 'people killed' includes civilians
    ("No civilian in the village was killed.", {"civilians"}, True),
    ("No civilian in the village was killed.", {"fighters"}, False),    # fighters killed: the denial holds
    ("No casualties were reported after the strike.", {"fighters"}, True),
    ("No soldiers were wounded in the ambush.", {"civilians"}, False),
    ("No casualties were reported after the strike.", set(), False),
    ("There was no damage to the dam, the ministry said.", {"damage"}, True),
    ("There was no damage to the dam, the ministry said.", {"people"}, False),
])
def test_contradicts_harm(denial, affirmed, expected):
    got = harm_denial(denial, False)
    assert got is not None and contradicts_harm(got, frozenset(affirmed)) is expected
