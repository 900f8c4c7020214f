"""Claims: which sentences assert something check-worthy, their type, polarity, asserter and target."""

from __future__ import annotations

import pytest

from counterclaim.extract.claims.rules import extract_claims


def _claims(nlp, text, use_doc_asserter=False):
    doc = nlp(text)
    names = {e.id: e.name for e in doc._.cc_entities}
    asserter = doc._.cc_asserter if use_doc_asserter else None
    claims, quantities = extract_claims(doc, doc._.cc_entities, doc._.cc_mentions, asserter,
                                        doc._.cc_attributions or [], doc._.cc_quantities or [])
    return claims, names, quantities


def _one(claims, contains):
    found = [c for c in claims if contains in c.text]
    assert found, f"no claim contains {contains!r}: {[c.text for c in claims]}"
    return found[0]


@pytest.mark.parametrize(
    "text, contains, claim_type, polarity, about",
    [
        # seeds
        ("The thoughts contained in the \"expert opinion\" prepared by the former chief prosecutor of the "
         "International Criminal Court (ICC), Luis Moreno Ocampo, are completely groundless and biased.",
         "completely groundless", "denial", "deny", "Luis Moreno Ocampo"),
        ("In legal terms, this is genocide committed by Azerbaijan, and the state has a legal obligation to "
         "prevent genocide.", "this is genocide", "characterization", "affirm", "Azerbaijan"),
        ("Armenia does not provide accurate maps of minefields, poses a threat to people's lives and health.",
         "accurate maps", None, "affirm", "Armenia"),
        # other conflicts, written in the style of ministry statements and wire copy
        ("The Ministry of Foreign Affairs of Rwanda rejected the allegations as baseless and fabricated.",
         "allegations", "denial", "deny", None),
        ("The M23 rebels shelled the outskirts of Goma on Tuesday, the army said.", "shelled", "accusation",
         "affirm", "M23"),
        ("The Colombian government urged the ELN to release all hostages held in Arauca.", "urged",
         "demand", "affirm", "National Liberation Army"),
        # denials of a toll, blame, characterizations through 'constitute' / 'amount to', hedged
        ("\"Not a single civilian was killed in the operation in Bakhmut,\" the Russian defence ministry said.",
         "Not a single civilian", "denial", "deny", None),
        ("The army said there were no casualties among residents of Goma.", "no casualties", "denial", "deny", None),
        ("The foreign ministry said Israel is responsible for the strike on the hospital in Gaza.",
         "responsible for the strike", "accusation", "affirm", "Israel"),
        ("Russia is accountable for the destruction of the Kakhovka dam, the Ukrainian president said.",
         "accountable", "accusation", "affirm", "Russia"),
        ("\"The shelling of Mariupol could constitute a war crime,\" Amnesty International said.",
         "could constitute a war crime", "characterization", "affirm", None),
        ("Human Rights Watch said the executions in Bucha amounted to war crimes.", "amounted to war crimes",
         "characterization", "affirm", None),
        ("The ministry called the video staged and said the footage from Bucha was fabricated.", "fabricated",
         "denial", "deny", None),
    ],
)
def test_claim_type_polarity_and_target(nlp, text, contains, claim_type, polarity, about):
    claims, names, _ = _claims(nlp, text)
    c = _one(claims, contains)
    if claim_type:
        assert c.claim_type == claim_type, c
    assert c.polarity == polarity, c
    if about:
        assert about in [names.get(a, "") for a in c.about][:2] or any(
            about in names.get(a, "") for a in c.about[:2]), (c.about, names)


@pytest.mark.parametrize(
    "text",
    [
        "Good morning.",
        "The meeting will take place in the main hall of the building on the second floor.",
        "Could you tell me more about your childhood and your studies?",
    ],
)
def test_small_talk_and_logistics_are_not_claims(nlp, text):
    claims, _, _ = _claims(nlp, text)
    assert claims == []


def test_negated_fact_about_an_actor_is_an_affirmed_claim(nlp):
    claims, names, _ = _claims(nlp, "None of them will be released, since Azerbaijan does not have an independent "
                                    "judicial system.")
    c = _one(claims, "independent judicial system")
    assert c.polarity == "affirm" and names[c.about[0]] == "Azerbaijan"


def test_a_mentioned_organization_points_back_to_the_last_one_named(nlp):
    text = ("The Ombudsman addressed a letter to Amnesty International on Monday.\n\n"
            "The letter said the mentioned organization published untruthful and biased information.")
    claims, names, _ = _claims(nlp, text)
    c = _one(claims, "untruthful")
    assert c.polarity == "deny" and names[c.about[0]] == "Amnesty International"


def test_spans_are_exact_and_checkworthy_is_a_probability(nlp, seed_paths):
    text = seed_paths["004"].read_text(encoding="utf-8")
    from counterclaim.ingest.document import normalize_text

    text = normalize_text(text)
    claims, _, _ = _claims(nlp, text, use_doc_asserter=True)
    assert len(claims) >= 5
    for c in claims:
        assert text[c.start:c.end] == c.text
        assert 0.0 <= c.checkworthy <= 1.0
    assert [c.id for c in claims] == [f"c{i}" for i in range(len(claims))]


def test_a_report_cited_inside_a_quote_asserts_its_own_claim(nlp):
    text = ("“Not a single judge in Azerbaijan will go against Aliyev. The State Department’s 2022 report notes "
            "that Azerbaijan does not have independent judges,” Luis Moreno Ocampo said.")
    claims, names, _ = _claims(nlp, text, use_doc_asserter=True)
    c = _one(claims, "independent judges")
    assert c.text == "Azerbaijan does not have independent judges"
    assert "State Department" in names[c.asserter] and c.attribution is not None


def test_a_description_does_not_turn_an_accusation_into_a_denial(nlp):
    claims, _, _ = _claims(nlp, "The government holds evidence of links between Mr Smith, author of the biased "
                                "report on Idlib, and the terrorists of Hayat Tahrir al-Sham.")
    c = _one(claims, "evidence of links")
    assert c.polarity == "affirm" and c.claim_type in ("accusation", "characterization"), c


def test_a_statement_ending_in_a_question_still_asserts(nlp):
    claims, _, _ = _claims(nlp, "\"I lost 12 relatives in the strike on Khan Younis, what shall we do now?\" "
                                "Ahmed Saleh told Reuters.")
    assert _one(claims, "I lost 12 relatives").claim_type == "figure"
    asked, _, _ = _claims(nlp, "Why did the army shell the market in Kharkiv where 20 people died?")
    told, _, _ = _claims(nlp, "The army shelled the market in Kharkiv where 20 people died.")
    assert _one(asked, "shell the market").checkworthy < _one(told, "shelled the market").checkworthy


def test_the_actor_that_denies_or_blames_asserts_the_clause(nlp):
    claims, names, _ = _claims(nlp, "The Houthis have rejected the accusations of the United Nations, and say "
                                    "no ships were hit in the Red Sea.")
    c = _one(claims, "rejected the accusations")
    assert c.polarity == "deny" and c.claim_type == "denial" and names.get(c.asserter or "") == "Ansar Allah", c
    claims, names, _ = _claims(nlp, "The Sudanese Armed Forces blamed the attack on the Rapid Support Forces.")
    c = _one(claims, "blamed the attack")
    assert "Sudanese Armed Forces" in names.get(c.asserter or "", "") and c.claim_type == "accusation", c


def test_an_operation_against_militants_is_an_event(nlp):
    claims, _, _ = _claims(nlp, "A large number of terrorists were eliminated in the operation in North Waziristan, "
                                "the Pakistani army said.", use_doc_asserter=True)
    assert _one(claims, "terrorists").claim_type == "event"


@pytest.mark.parametrize("first, later", [
    # a charge stated outright ranks above a retrospective sentence that gathers more cues
    ("In legal terms, what happened in Srebrenica is genocide.",
     "For decades, the Serbian authorities have obstructed the search for the missing of Srebrenica."),
    # a toll above a counterfactual with a number in it
    ("Russian shelling killed 14 civilians in Kharkiv on Tuesday.",
     "Had the Russian army respected the ceasefire, the 3,000 residents of Kharkiv would have been evacuated."),
    # a denial above a dated period of history
    ("The Sudanese army rejected the fabricated report of the Rapid Support Forces about the shelling of El Fasher.",
     "From April 2023 through March 2024, the Rapid Support Forces besieged El Fasher."),
])
def test_what_an_analyst_checks_first_ranks_above_background(nlp, first, later):
    a, _, _ = _claims(nlp, first)
    b, _, _ = _claims(nlp, later)
    assert a and b, (a, b)
    assert max(c.checkworthy for c in a) > max(c.checkworthy for c in b)
