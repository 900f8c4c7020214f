"""Who speaks for a document: statements, sign-offs, source lines, transcripts and balanced wire stories."""

from __future__ import annotations

import pytest


def _asserter(nlp, text: str, outlet: str | None = None) -> tuple[str | None, str]:
    doc = nlp.make_doc(text)
    doc.user_data["outlet"] = outlet
    doc = nlp(doc)
    names = {e.id: e.name for e in doc._.cc_entities}
    return names.get(doc._.cc_asserter), doc._.cc_asserter_why or ""


@pytest.mark.parametrize(
    "text, expected",
    [
        # a heading 'Statement by X'
        ("For Immediate Release\n\nStatement by Secretary of State Antony J. Blinken on the Attack in Kramatorsk\n\n"
         "We condemn the strike on the railway station, which killed dozens of civilians waiting to leave.\n",
         "Antony J. Blinken"),
        # a sign-off line '- Rank Name, Unit, Role' at the end
        ("We are aware of reports of civilian casualties following our strike near Hodeidah today. We are "
         "investigating further and will release more information when we can.\n\n"
         "- Capt. Joe Buccino, U.S. Central Command Spokesman\n", "Joe Buccino"),
        # a source line naming the issuing organisation
        ("Aid workers reached the camp on Thursday and distributed food and water to 2,000 displaced families.\n\n"
         "Source: World Food Programme\n", "World Food Programme"),
    ],
)
def test_issuer_cues(nlp, text, expected):
    name, why = _asserter(nlp, text)
    assert name == expected, why


def test_a_transcript_is_asserted_by_the_briefer_the_moderator_introduces(nlp):
    text = ("Press briefing\n\nAnna Lopez: (00:00)\nGood morning. I am joined today by Karl Weber, who will brief "
            "you on the evacuation.\n\nKarl Weber: (00:20)\nThank you, Anna. Our teams reached the village on "
            "Monday.\n\nAnna Lopez: (01:10)\nFirst question, please.\n")
    name, why = _asserter(nlp, text)
    assert name == "Karl Weber", why


def test_a_story_balancing_several_parties_is_asserted_by_its_outlet(nlp):
    text = ("At least 30 people were killed when a shell hit a market in the town on Saturday, according to local "
            "officials.\n\nThe army blamed the rebels for the attack, a military source told Reuters.\n\n"
            "\"We never target civilians,\" said Abdul Rahman, a spokesman for the rebel alliance.\n\n"
            "A resident said that the shelling had lasted for hours.\n\n"
            "The UN envoy Maria Lopez said the attack could constitute a war crime.\n")
    name, why = _asserter(nlp, text, outlet="Reuters")
    assert name == "Reuters", why


def test_an_institution_leading_the_story_gives_way_to_its_spokesman_quoted_most(nlp):
    text = ("Niger's military government has rejected an Amnesty International report on the killing of "
            "civilians near Tillaberi.\n\n\"The report is based on rumours and was never checked with the "
            "authorities,\" government spokesman Amadou Abdramane said in a statement on Sunday.\n\n"
            "\"Our soldiers protect every citizen of Niger,\" Abdramane said.\n")
    name, why = _asserter(nlp, text)
    assert name == "Amadou Abdramane", why
