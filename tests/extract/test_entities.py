"""Entities and mentions within one document, on real sentences from the seeds and elsewhere."""

from __future__ import annotations

import pytest

from counterclaim.extract.entities.gazetteer import load_gazetteer
from counterclaim.extract.entities.rules import _compatible


def _analyse(nlp, text):
    doc = nlp(text)
    ents = {e.id: e for e in doc._.cc_entities}
    return doc, ents, doc._.cc_mentions


def _entity_of(mentions, surface):
    hits = {m.entity for m in mentions if m.text == surface}
    assert hits, f"no mention {surface!r} in {[m.text for m in mentions]}"
    assert len(hits) == 1, hits
    return hits.pop()


@pytest.mark.parametrize(
    "text, same",
    [
        (
            "The thoughts contained in the \"expert opinion\" prepared by the former chief prosecutor of the "
            "International Criminal Court (ICC), Luis Moreno Ocampo, are groundless. Thus, L.M. Ocampo made "
            "mistakes, presented by Mr. Ocampo in a distorted form.",
            ["Luis Moreno Ocampo", "L.M. Ocampo", "Ocampo"],
        ),
        (
            "Before doing anything, Aliyev is testing the waters, the former prosecutor of the International "
            "Criminal Court, Luis Moreno Ocampo, said. \"He is not a fool,\" Ocampo said.",
            ["Luis Moreno Ocampo", "Ocampo"],
        ),
        ("Look what happened in Artsakh. People fled Nagorno-Karabakh and now Karabakh is empty.",
         ["Artsakh", "Nagorno-Karabakh", "Karabakh"]),
        ("More than a million people have fled Sudan, the United Nations refugee agency said on Tuesday. "
         "UNHCR urged neighbouring countries to keep their borders open.",
         ["United Nations refugee agency", "UNHCR"]),
    ],
)
def test_short_and_alternate_forms_resolve_to_one_entity(nlp, text, same):
    _, _, mentions = _analyse(nlp, text)
    assert len({_entity_of(mentions, s) for s in same}) == 1


@pytest.mark.parametrize(
    "text, a, b",
    [
        ("Aliyev is testing the waters, Luis Moreno Ocampo said. Sabina Aliyeva, the Ombudsman, disagreed.",
         "Aliyev", "Sabina Aliyeva"),
        ("At the initiative of National Leader Heydar Aliyev the Parliament acted. The campaign conducted by "
         "the Heydar Aliyev Foundation plays a role.", "Heydar Aliyev", "Heydar Aliyev Foundation"),
        ("Armenia fulfilling its obligations towards Azerbaijan matters.", "Armenia", "Azerbaijan"),
    ],
)
def test_namesakes_and_things_named_after_people_stay_apart(nlp, text, a, b):
    _, ents, mentions = _analyse(nlp, text)
    ea, eb = _entity_of(mentions, a), _entity_of(mentions, b)
    assert ea != eb


@pytest.mark.parametrize(
    "text, surface, type_",
    [
        ("He then deploys security forces there, partially blocking the Lachin corridor.", "Lachin corridor", "LOC"),
        # a known place named with its kind of unit is that place, not a new one
        ("Fighting resumed in the Rutshuru territory on Monday.", "Rutshuru", "GPE"),
        ("Two drones struck a camp in the Marib governorate overnight.", "Marib", "GPE"),
        ("Clashes spread in the Tessit district on Sunday.", "Tessit", "GPE"),
        # ... but a unit written as part of the name stays one place
        ("The deaths occurred in Cameroon's Northwest Region.", "Northwest Region", "LOC"),
        # a people's name after a given name is a surname; the people stays a people
        ("Rahim Ahmadi was buried on Monday in Herat.", "Rahim Ahmadi", "PERSON"),
        ("The Ahmadis of Rabwah held prayers on Friday.", "Ahmadis", "NORP"),
        # an honorific in capitals, as statements print names
        ("The camp was run by MAULANA ABDUL RAUF, the brother of the group's leader.", "ABDUL RAUF", "PERSON"),
        # a country's own body is not the UN's
        ("Ministers met at the Afghan National Security Council on Sunday.", "Afghan National Security Council", "ORG"),
        ("Iraq asked the UN Security Council for an urgent session.", "UN Security Council", "ORG"),
        ("The aggressor Armenia on our lands committed war crimes.", "Armenia", "GPE"),
        ("The campaign conducted by the Heydar Aliyev Foundation plays a role.", "Heydar Aliyev Foundation", "ORG"),
        ("Fighting resumed in Idlib and the Syrian Democratic Forces withdrew from Raqqa.", "Idlib", "GPE"),
        ("The Geneva Conventions of 1949 were seriously violated.", "Geneva Conventions", "LAW"),
        # a name with a role in apposition, or an honorific, is a person whatever the model says
        ("\"The camp was shelled twice,\" said Laetitia Bader, HRW's Horn of Africa director.", "Laetitia Bader",
         "PERSON"),
        ("The army accused Mrs Agnes CALLAMARD of bias in the report.", "Mrs Agnes CALLAMARD", "PERSON"),
        # ... but a name the gazetteer knows as an organisation stays one, even before a role word
        ("The appeal was addressed to the UN Secretary-General, UN Security Council, UN Office of the High "
         "Commissioner for Human Rights and the ICRC.", "UN Security Council", "ORG"),
        # a given name before an initial belongs to the name
        ("The order was signed by Secretary of State Antony J. Blinken on Friday.", "Antony J. Blinken", "PERSON"),
        # a country's institution is an organisation named with its country, not the nationality
        ("The Turkish defence ministry said its jets struck PKK targets in northern Iraq.",
         "Turkish defence ministry", "ORG"),
        ("Iraqi security forces arrested three men near Kirkuk.", "Iraqi security forces", "ORG"),
        ("Ethiopia's army said it had retaken the town of Shewa Robit.", "Ethiopia's army", "ORG"),
    ],
)
def test_entity_types_fixed_where_the_small_model_errs(nlp, text, surface, type_):
    _, ents, mentions = _analyse(nlp, text)
    assert ents[_entity_of(mentions, surface)].type == type_


@pytest.mark.parametrize(
    "text, nationality",
    [
        ("Turkish army chief Yasar Guler visited the border posts in Hakkari.", "Turks"),
        ("The Sudanese government forces entered Wad Madani on Saturday.", None),
    ],
)
def test_an_institution_word_that_only_modifies_a_noun_is_no_institution(nlp, text, nationality):
    _, ents, _ = _analyse(nlp, text)
    assert not any(e.type == "ORG" and e.name.lower().endswith(("army", "government")) for e in ents.values())
    if nationality:
        assert any(e.type == "NORP" and e.name == nationality for e in ents.values())


@pytest.mark.parametrize(
    "text, expected",
    [
        # a title-case headline's capitalised words are no names unless the text or the gazetteer knows them
        ("Grim Accounts From Mariupol As Siege Tightens\n\nResidents said the theatre was hit on Wednesday.",
         {"Mariupol"}),
        ("Horror Stories from El Fasher: “Rapid Support Forces” Spreading Death\n\nArmed men gathered about 200 "
         "men near the city, a survivor said.", {"El Fasher", "Rapid Support Forces"}),
        # a name the body repeats stays, whatever the headline's case
        # a name a title introduces is a name, in any case
        ("Statement by Defence Minister Oleksii Reznikov After Kramatorsk Station Strike\n\nThe minister said the "
         "strike was deliberate.", {"Reznikov", "Kramatorsk"}),
        ("Kachin Independence Army Seizes Border Post\n\nThe Kachin Independence Army said it had taken the post.",
         {"Kachin Independence Army"}),
    ],
)
def test_a_title_case_headline_guesses_no_names(nlp, text, expected):
    _, ents, _ = _analyse(nlp, text)
    assert {e.name for e in ents.values()} == expected


def test_a_number_before_people_is_not_a_date(nlp):
    doc = nlp("487 people were seriously injured, 1275 people were taken hostage.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("1275") == "CARDINAL"


@pytest.mark.parametrize(
    "text, person, role",
    [
        ("The Commissioner for Human Rights (Ombudsperson) of Azerbaijan Sabina Aliyeva has addressed an open "
         "letter.", "Sabina Aliyeva", "Commissioner for Human Rights (Ombudsperson) of Azerbaijan"),
        ("Ocampo's opinion, by the former chief prosecutor of the International Criminal Court, Luis Moreno "
         "Ocampo, is biased.", "Luis Moreno Ocampo", "former chief prosecutor of the International Criminal Court"),
        ("Luis Moreno Ocampo, the former prosecutor of the ICC, said in an interview.", "Luis Moreno Ocampo",
         "former prosecutor of the ICC"),
        ("With respect,\n\n**Sabina Aliyeva**\n\n**The Commissioner for Human Rights (Ombudsman)**\n\n"
         "**of the Republic of Azerbaijan**\n", "Sabina Aliyeva",
         "Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan"),
        # a relative clause, an apposition opened by an article, a chain of roles
        ("\"We counted the dead,\" said Ahmed Haroun, who was governor of South Kordofan until 2013.",
         "Ahmed Haroun", "governor of South Kordofan"),
        ("\"The strike hit a school,\" said Farhan Haq, the deputy spokesman for Secretary-General Antonio "
         "Guterres, on Monday.", "Farhan Haq", "deputy spokesman for Secretary-General"),
        ("The Special Envoy of the Secretary-General, Head of UNMHA, Hans Grundberg, briefed the Council.",
         "Hans Grundberg", "Special Envoy of the Secretary-General"),
    ],
)
def test_titles_and_roles_attach_to_the_person_they_name(nlp, text, person, role):
    _, ents, mentions = _analyse(nlp, text)
    ent = ents[_entity_of(mentions, person)]
    assert role in ent.roles


def test_a_spokesman_for_an_organisation_is_no_person_of_its_own(nlp):
    _, ents, _ = _analyse(nlp, "A spokesman for the Arakan Army said the village was not attacked.")
    assert not any(e.type == "PERSON" for e in ents.values())


def test_a_bare_role_later_resolves_to_its_holder(nlp):
    text = ("Human Rights Commissioner (Ombudsperson) of Azerbaijan Sabina Aliyeva appealed to international "
            "organizations. Azerbaijan puts forward concrete proposals, the Ombudsman said.")
    _, _, mentions = _analyse(nlp, text)
    holder = _entity_of(mentions, "Sabina Aliyeva")
    assert _entity_of(mentions, "the Ombudsman") == holder


def test_an_office_is_not_confused_with_another_of_the_same_rank(nlp):
    text = ("The appeal was sent to the High Commissioner for Human Rights and to the UN High Commissioner for "
            "Refugees.")
    _, _, mentions = _analyse(nlp, text)
    assert _entity_of(mentions, "the High Commissioner for Human Rights") != \
        _entity_of(mentions, "the UN High Commissioner for Refugees")


def test_acronym_in_brackets_names_the_entity_before_it(nlp):
    text = ("The 29th session of the Conference of the Parties (COP29) was inclusive. Delegates at COP29 "
            "agreed.")
    _, _, mentions = _analyse(nlp, text)
    keys = {m.entity for m in mentions if "COP29" in m.text or "Conference of the Parties" in m.text}
    assert len(keys) == 1 and next(iter(keys)).startswith("ORG:")


@pytest.mark.parametrize(
    "short, full, expected",
    [
        ("L.M. Ocampo", "Luis Moreno Ocampo", True),
        ("Ocampo", "Luis Moreno Ocampo", True),
        ("Luis Ocampo", "Luis Moreno Ocampo", True),
        ("Aliyev", "Sabina Aliyeva", False),
        ("Ilham Aliyev", "Heydar Aliyev", False),
        ("H. Aliyev", "Heydar Aliyev", True),
    ],
)
def test_person_name_compatibility(short, full, expected):
    assert _compatible(short, full) is expected


def test_every_mention_span_is_exact(nlp, seed_paths):
    for path in seed_paths.values():
        text = path.read_text(encoding="utf-8")
        doc = nlp(text)
        for m in doc._.cc_mentions:
            assert text[m.start:m.end] == m.text


@pytest.mark.parametrize("surface, key", [
    ("United Nations human rights office", "ORG:office-of-the-un-high-commissioner-for-human-rights"),
    ("U.N. Mission in South Sudan", "ORG:unmiss"),
    ("United States Department of Defense", "ORG:pentagon"),
    ("E.U. Monitoring Mission in Georgia", "ORG:eu-monitoring-mission-in-georgia"),
    ("Security Council of Russia", "ORG:security-council-of-russia"),  # 'Security Council' opens no part's name
    ("UN Human Rights Council", "ORG:un-human-rights-council"),
])
def test_a_name_opened_by_a_parent_body_holds_with_the_parents_other_names(surface, key):
    entry = load_gazetteer().lookup(surface)
    assert entry is not None and entry.key == key
