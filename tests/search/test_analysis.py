"""The Python half of the language analysis, word by word (the query tests prove the whole)."""

import pytest

from search import analysis


@pytest.mark.parametrize("word", ["Görlitz", "Goerlitz", "Gorlitz", "GÖRLITZ"])
def test_umlaut_spellings_fold_alike(word):
    assert analysis.analyze_word(word, "de").term == "gorlitz"


def test_sharp_s_folds_to_ss():
    assert analysis.analyze_word("Straße", "de").term == analysis.analyze_word("Strasse", "de").term


def test_ue_after_a_vowel_or_q_is_kept():
    assert analysis.fold_german("Quelle") == "quelle"
    assert analysis.fold_german("neue") == "neue"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Förderprogramm", "Förderprogramme"),
        ("Reise", "Reisen"),
        ("Stiftung", "Stiftungen"),
        ("Zentrum", "Zentrums"),
    ],
)
def test_german_inflections_share_a_stem(a, b):
    assert analysis.analyze_word(a, "de").term == analysis.analyze_word(b, "de").term


@pytest.mark.parametrize(
    ("compound", "part"),
    [
        ("Bürgerstiftung", "Stiftung"),
        ("Netzwerkreisen", "Reisen"),
        ("Zukunftsplattform", "Plattform"),
        ("Kreativwirtschaft", "Wirtschaft"),
        ("Freiwilligenagenturen", "Agentur"),
        ("Landesarbeitsgemeinschaft", "Gemeinschaft"),
        ("Kulturförderprogramme", "Förderprogramm"),
    ],
)
def test_compounds_carry_their_parts(compound, part):
    token = analysis.analyze_word(compound, "de")
    assert analysis.analyze_word(part, "de").term in token.parts


def test_words_that_are_no_compounds_stay_whole():
    assert analysis.analyze_word("Veranstaltung", "de").parts == ()
    assert analysis.analyze_word("Tagung", "de").parts == ()


def test_stopwords_are_not_terms():
    assert analysis.index_terms("Die Zukunft der Kultur", "de") == "zukunft kultur"


@pytest.mark.parametrize(("a", "b"), [("offices", "office"), ("cities", "city"), ("programmes", "programme")])
def test_english_plurals(a, b):
    assert analysis.analyze_word(a, "en").term == analysis.analyze_word(b, "en").term


def test_other_languages_only_fold():
    assert analysis.analyze_word("Café", "fr").term == "cafe"
    assert analysis.text_analyzer_definition("fr")["filter"] == ["lowercase", "asciifolding"]


def test_prefix_words_include_compound_parts():
    words = analysis.prefix_words("Zukunftsplattform Görlitz", "de").split()
    assert {"zukunftsplattform", "zukunft", "plattform", "gorlitz"} <= set(words)
    assert analysis.fold_prefix("Goer", "de") == ["gor"]


def test_no_typo_tolerance_on_short_words():
    assert analysis.fuzzy_edits("dorn") == 0
    assert analysis.fuzzy_edits("kunst") == 1
    assert analysis.fuzzy_edits("kreativwirtschft") == 2
