"""Python-side highlight (search.highlight): what the OpenSearch engine's answers fall back to for titles."""

from search import analysis
from search.highlight import Matcher, best_fragment


def matcher(q: str, *, fuzzy: bool) -> Matcher:
    tokens = analysis.analyze(q, "de")
    terms = {token.term for token in tokens} | {part for token in tokens for part in token.parts}
    return Matcher(language="de", terms=terms, fuzzy=fuzzy)


def test_a_typo_marks_the_word_in_a_title_as_the_engine_finds_it():
    title = "Lesenacht in der Bibliothek Görlitz"
    assert "<mark>Bibliothek</mark>" in best_fragment([title], matcher("Biblothek", fuzzy=True))
    assert "<mark>" not in best_fragment([title], matcher("Biblothek", fuzzy=False))


def test_umlauts_and_compound_parts_are_marked_in_a_title():
    title = "Bürgerstiftung Görlitz fördert die Mühle"
    assert "<mark>Görlitz</mark>" in best_fragment([title], matcher("Goerlitz", fuzzy=True))
    assert "<mark>Bürgerstiftung</mark>" in best_fragment([title], matcher("Stiftung", fuzzy=True))
    assert "<mark>Mühle</mark>" in best_fragment([title], matcher("Muehle", fuzzy=True))


def test_short_words_and_other_first_letters_are_no_typos():
    title = "Gunst der Stunde"
    assert "<mark>" not in best_fragment([title], matcher("Kunst", fuzzy=True))
