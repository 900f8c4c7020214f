"""Persuasion techniques: rules, speakers, neighbours, and clean neutral wire copy."""

from __future__ import annotations

import pytest

from counterclaim.extract.techniques.component import merge_hits, speaker_of
from counterclaim.extract.techniques.lexicon import examples, lexicon
from counterclaim.extract.techniques.rules import Hit
from counterclaim.records import AttributionRecord, TextSpan

NEUTRAL_WIRE = (
    "KYIV, March 3 (Reuters) - The ministry said 14 people were killed and 31 injured in the strike on the "
    "market on Tuesday. Rescue workers were still searching the rubble for survivors, the regional governor "
    "said on Telegram. The United Nations called for an independent investigation into the incident. "
    "Russia's defence ministry said its forces had struck military targets in the area and did not comment "
    "on the casualties. Reuters could not independently verify the figures.\n\n"
    "Talks between the two sides are due to resume in Istanbul next week, according to two officials "
    "familiar with the matter. The International Committee of the Red Cross said it had delivered medical "
    "supplies to the city's main hospital."
)


def _techniques(nlp, text):
    return nlp(text)._.cc_techniques


@pytest.mark.parametrize(
    "text, near, labels",
    [
        # written in the style of ministry statements of several conflicts, both sides
        ("The Foreign Ministry rejected the report as a vile and cynical fabrication by Kyiv's propagandists.",
         "vile and cynical fabrication", {"Loaded_Language"}),
        ("Moscow's so-called referendums in the occupied regions are a farce.", "so-called", {"Doubt"}),
        ("The ministry said the attack was carried out by the terrorist Abu Mohammed al-Golani and his men.",
         "terrorist Abu", {"Name_Calling-Labeling"}),
        ("PKK terrorists attacked a gendarmerie post in Hakkari, the ministry said.", "PKK terrorists",
         {"Name_Calling-Labeling"}),
        ("Serbian chauvinists have never accepted the independence of Kosovo.", "Serbian chauvinists",
         {"Name_Calling-Labeling"}),
        ("The statement accused the rapporteur of close links with separatist groups in the region.",
         "close links with separatist", {"Guilt_by_Association"}),
        ("The army spokesman said the claim was made for domestic consumption ahead of the vote.",
         "for domestic consumption", {"Doubt"}),
        ("Instead of accusing us, the European Parliament should investigate the crimes committed against "
         "Azerbaijanis in the 1990s.", "should investigate", {"Whataboutism"}),
        ("The same states that talk of human rights apply double standards when their allies bomb civilians.",
         "double standards", {"Appeal_to_Hypocrisy"}),
        ("\"He is not a fool, he knows exactly what he is doing,\" the senator said.", "not a fool",
         {"Name_Calling-Labeling"}),
        ("It is smaller, but it is still a massacre, and it is not as big as the sieges of the last war.",
         "not as big as", {"Exaggeration-Minimisation"}),
        ("The ministry condemned the heinous attack on the convoy.", "heinous attack", {"Loaded_Language"}),
        # a weak word ('biased', 'fictitious') counts when it discredits what the other side says
        ("Baku dismissed the biased report of the commission as a political order.", "biased report",
         {"Loaded_Language"}),
        ("We call on Pristina not to act under the influence of foreign patrons.", "under the influence of",
         {"Guilt_by_Association"}),
        # a doubt marker on a common word of the text doubts it
        ("The opposition called the vote a sham and the so-called free elections a farce staged for the cameras.",
         "so-called free elections", {"Doubt"}),
        ("\"Their hypocrisy knows no bounds,\" the spokesman said of the sanctions.", "hypocrisy",
         {"Loaded_Language"}),
    ],
)
def test_rules_flag_techniques(nlp, text, near, labels):
    found = _techniques(nlp, text)
    start = text.index(near)
    hits = [t for t in found if t.start < start + len(near) and start < t.end and t.label in labels]
    assert hits, f"no {labels} over {near!r}: {[(t.label, t.text) for t in found]}"
    assert all(text[t.start:t.end] == t.text and t.why for t in found)


@pytest.mark.parametrize(
    "text",
    [
        "The ministry said 14 people were killed and 31 injured.",
        "Pakistan rejected India's claim of targeting an alleged terrorist camp near the town.",
        "Turkey considers the PKK a terrorist organisation, as do the United States and the European Union.",
        "The army said the truth lies in the findings of its own investigation.",
        "The government's troops took the northern road instead of the highway.",
        # a word that describes is no label: a government called a regime, a modifier, a nationality
        "The Iranian regime tested a ballistic missile on Sunday, two U.S. officials said.",
        "Washington says Tehran continues to arm its terrorist proxies in Yemen and Lebanon.",
        "Sunni extremists attacked a checkpoint near Ramadi overnight, police said.",
        "The court reopened the infamous 1994 case on Monday, the prosecutor's office said.",
        # a doubt marker introducing a term in quotation marks or a name is how reporters name a term
        "Negotiators disagreed over the so-called \"snapback\" mechanism in the draft, diplomats said.",
        "Troops withdrew from the so-called Grey Zone along the front line, the army said.",
        # a measure of time is no minimisation; a capitalised word inside a sentence belongs to a name
        "Shelling resumed in the east just a few hours after the truce began, residents said.",
        "The minister gave an interview to the Brutal Honesty podcast on Monday.",
        "The commander said the rebels were still under the orders of the general staff.",
        NEUTRAL_WIRE,
    ],
)
def test_neutral_copy_stays_clean(nlp, text):
    assert [(t.label, t.text) for t in _techniques(nlp, text)] == []


def test_technique_inside_a_quote_belongs_to_the_quoted_speaker(nlp):
    text = ("The Kremlin said on Monday that it would respond. \"These cowardly attacks on our cities will not go "
            "unanswered,\" Dmitry Peskov told reporters.")
    doc = nlp(text)
    loaded = [t for t in doc._.cc_techniques if t.label == "Loaded_Language"]
    assert loaded and loaded[0].text.startswith("cowardly")
    names = {e.id: e.name for e in doc._.cc_entities}
    assert names.get(loaded[0].speaker) == "Dmitry Peskov"


def test_speaker_falls_back_to_the_asserter():
    quote = AttributionRecord(id="a0", content=TextSpan(10, 40, "x" * 30), speaker="PERSON:a")
    inner = AttributionRecord(id="a1", content=TextSpan(20, 30, "x" * 10), speaker="PERSON:b")
    assert speaker_of(22, 28, [quote, inner], "ORG:doc") == "PERSON:b"
    assert speaker_of(12, 18, [quote, inner], "ORG:doc") == "PERSON:a"
    assert speaker_of(50, 60, [quote, inner], "ORG:doc") == "ORG:doc"


def test_overlapping_hits_of_one_label_merge():
    hits = [Hit(0, 3, "Loaded_Language", 0.7, "loaded word 'vile'", "loaded_word"),
            Hit(2, 5, "Loaded_Language", 0.8, "loaded word 'cynical'", "loaded_word"),
            Hit(2, 5, "Doubt", 0.8, "so-called", "pattern:Doubt")]
    merged = merge_hits(hits)
    assert [(h.start, h.end, h.label, h.score) for h in merged] == [(0, 5, "Loaded_Language", 0.8),
                                                                    (2, 5, "Doubt", 0.8)]
    assert "vile" in merged[0].why and "cynical" in merged[0].why


def test_examples_cover_every_label_with_fifteen():
    counts: dict[str, int] = {}
    for label, _ in examples():
        counts[label] = counts.get(label, 0) + 1
    assert all(counts.get(label, 0) >= 15 for label in lexicon().labels)


def test_shipped_example_vectors_match_the_examples(tmp_path):
    from counterclaim.extract.techniques.neighbours import shipped_vectors
    from counterclaim.link.embed import encode

    texts = tuple(t for _, t in examples())
    shipped = shipped_vectors(texts)
    assert shipped is not None, "data/techniques_examples.npz is stale: run `counterclaim train technique-vectors`"
    fresh = encode(list(texts[:8]))
    assert float((shipped[:8] * fresh).sum(axis=1).min()) > 0.9999
    # vectors made from other texts are not used
    assert shipped_vectors(texts[:-1]) is None
    assert shipped_vectors(texts, tmp_path / "missing.npz") is None


def test_neighbours_read_only_sentences_with_a_claim(nlp):
    from counterclaim.extract.techniques.component import extract_techniques
    from counterclaim.extract.techniques.rules import Matchers

    text = ("Our heroic soldiers will defend every inch of our sacred motherland against the invaders. "
            "The meeting ended at noon.")
    doc = nlp(text)
    matchers = Matchers(nlp.make_doc)
    doc._.cc_vectors = {}
    doc._.cc_claims = []  # the claims stage found none: no sentence is encoded for the neighbours
    assert [t for t in extract_techniques(doc, matchers, [], None) if t.rule == "neighbour"] == []
    assert doc._.cc_vectors == {}
    doc._.cc_claims = None  # without the claims stage every sentence no rule flagged is a candidate
    flagged = extract_techniques(doc, matchers, [], None)
    assert any(t.text.startswith("Our heroic") for t in flagged)
    assert set(doc._.cc_vectors) == {"The meeting ended at noon."}
