"""What a visitor typing into the search box notices, on both engines (same corpus, same assertions)."""

import datetime

import pytest

from search import queries

pytestmark = pytest.mark.django_db


def search(q, corpus, partner="a", **kwargs):
    partner_obj = {"a": corpus["partner_a"], "b": corpus["partner_b"], None: None}[partner]
    kwargs.setdefault("locale", "de")
    return queries.search(q, partner=partner_obj, **kwargs)


def titles(answer):
    return [result["title"] for result in answer["results"]]


def ids(answer):
    return [result["id"] for result in answer["results"]]


def test_answers_with_the_engine_in_use(engine, corpus):
    answer = search("Soziokultur", corpus)
    assert answer["engine"] == engine
    assert set(answer) == {"count", "engine", "results", "facets", "suggestion"}
    assert set(answer["facets"]) == {"type", "topic", "region", "year"}
    assert set(answer["results"][0]) == {
        "id",
        "type",
        "locale",
        "title",
        "teaser",
        "url",
        "highlight",
        "score",
        "promoted",
    }
    assert answer["results"][0]["promoted"] is False  # nothing promoted for this query
    first = answer["results"][0]
    assert first["url"].startswith("http") and first["locale"] == "de"


def test_singular_finds_plural(engine, corpus):
    assert corpus["foerderprogramme"].pk in ids(search("Förderprogramm", corpus))


@pytest.mark.parametrize("q", ["Görlitz", "Gorlitz", "Goerlitz", "goerlitz"])
def test_umlaut_spellings_find_the_same_page(engine, corpus, q):
    assert ids(search(q, corpus)) == [corpus["kreativ_goerlitz"].pk]


def test_ss_finds_sharp_s(engine, corpus):
    found = set(ids(search("Strasse", corpus)))
    assert {corpus["kreativ_goerlitz"].pk, corpus["meissen"].pk} <= found  # Straße, Hafenstraße


@pytest.mark.parametrize(
    ("q", "page"), [("Stiftung", "meissen"), ("Reisen", "netzwerkreisen"), ("Plattform", "zukunft")]
)
def test_part_of_a_compound_finds_the_compound(engine, corpus, q, page):
    answer = search(q, corpus)
    assert corpus[page].pk in ids(answer)


def test_compound_part_is_highlighted_inside_the_compound(engine, corpus):
    answer = search("Stiftung", corpus)
    result = next(r for r in answer["results"] if r["id"] == corpus["meissen"].pk)
    assert "<mark>Bürgerstiftung</mark>" in result["highlight"]


def test_typo_finds_the_word(engine, corpus):
    assert ids(search("Kreativwirtschft", corpus))[0] == corpus["kreativ_goerlitz"].pk


def test_no_typo_tolerance_on_short_words(engine, corpus):
    assert corpus["dorf"].pk in ids(search("Dorf", corpus))
    assert corpus["dorf"].pk not in ids(search("Dorn", corpus))


def test_first_letters_find_the_word_being_typed(engine, corpus):
    assert corpus["zukunft"].pk in ids(search("Zuk", corpus))


def test_english_plural_finds_singular(engine, corpus):
    assert ids(search("offices", corpus, locale="en")) == [corpus["en_office"].pk]
    assert corpus["en_funding"].pk in ids(search("programme", corpus, locale="en"))


def test_locales_do_not_mix(engine, corpus):
    assert corpus["en_office"].pk not in ids(search("office", corpus, locale="de"))
    assert all(r["locale"] == "en" for r in search("community", corpus, locale="en")["results"])


def test_title_above_teaser_above_body(engine, corpus):
    order = ids(search("Lichtspielhaus", corpus))
    assert order == [
        corpus["lichtspiel_title"].pk,
        corpus["lichtspiel_teaser"].pk,
        corpus["lichtspiel_body"].pk,
    ]


def test_phrase_above_scattered_words(engine, corpus):
    order = ids(search("offene Werkstatt", corpus))
    assert order.index(corpus["phrase_exact"].pk) < order.index(corpus["phrase_scattered"].pk)


def test_upcoming_event_above_past_one(engine, corpus):
    order = ids(search("Netzwerktreffen", corpus))
    assert order[:2] == [corpus["treffen_upcoming"].pk, corpus["treffen_past"].pk]


def test_open_funding_above_upcoming_above_closed(engine, corpus):
    order = ids(search("Mikroförderung", corpus))
    assert order == [corpus["mikro_open"].pk, corpus["mikro_upcoming"].pk, corpus["mikro_closed"].pk]


def test_partner_sees_its_own_and_shared_pages_only(engine, corpus):
    assert ids(search("Theaterwerkstatt", corpus, partner="a")) == [corpus["only_a"].pk]
    assert ids(search("Theaterwerkstatt", corpus, partner="b")) == [corpus["only_b"].pk]
    assert ids(search("Theaterwerkstatt", corpus, partner=None)) == []


def test_other_partners_pages_do_not_leak_into_facets(engine, corpus):
    facets = search("Theaterwerkstatt", corpus, partner="a")["facets"]
    assert facets["topic"] == {"soziokultur": 1}
    assert facets["region"] == {"sachsen": 1}
    assert facets["type"] == {"projects": 1}
    assert search("Theaterwerkstatt", corpus, partner=None)["facets"] == queries.empty_facets()


def test_other_partners_pages_do_not_leak_into_suggestions(engine, corpus):
    suggest = queries.suggest
    assert [s["id"] for s in suggest("Theater", partner=corpus["partner_a"], locale="de")] == [
        corpus["only_a"].pk
    ]
    assert [s["id"] for s in suggest("Theater", partner=corpus["partner_b"], locale="de")] == [
        corpus["only_b"].pk
    ]
    assert suggest("Theater", partner=None, locale="de") == []


def test_drafts_private_and_withdrawn_pages_never_appear(engine, corpus):
    hidden = {corpus[name].pk for name in ("draft", "private", "withdrawn")}
    for partner in ("a", "b", None):
        assert not hidden & set(ids(search("Theaterwerkstatt", corpus, partner=partner)))
        found = queries.suggest("Theaterwerk", partner=partner and corpus[f"partner_{partner}"], locale="de")
        assert not hidden & {s["id"] for s in found}


def test_suggestions_while_typing(engine, corpus):
    def suggest(q):
        return [s["id"] for s in queries.suggest(q, partner=None, locale="de")]

    assert suggest("Zuk")[0] == corpus["zukunft"].pk
    assert suggest("Goer") == [corpus["kreativ_goerlitz"].pk]
    assert suggest("Görl") == [corpus["kreativ_goerlitz"].pk]
    assert suggest("Mikrof")[:3] and set(suggest("Mikrof")) == {
        corpus["mikro_open"].pk,
        corpus["mikro_upcoming"].pk,
        corpus["mikro_closed"].pk,
    }
    first = queries.suggest("Zuk", partner=None, locale="de")[0]
    assert first == {"id": corpus["zukunft"].pk, "type": "events", "title": corpus["zukunft"].title}


def test_suggestions_respect_limit(engine, corpus):
    assert len(queries.suggest("M", partner=None, locale="de", limit=2)) == 2


def test_type_filter_and_facets_counted_under_it(engine, corpus):
    answer = search("Soziokultur", corpus, types=["events"])
    assert answer["count"] > 0 and {r["type"] for r in answer["results"]} == {"events"}
    assert answer["facets"]["type"] == {"events": answer["count"]}


def test_topic_filter(engine, corpus):
    answer = search("Soziokultur", corpus, topic="soziokultur")
    assert set(ids(answer)) == {corpus[n].pk for n in ("foerderprogramme", "meissen", "only_a")}
    assert answer["facets"]["topic"] == {"soziokultur": 3}


def test_region_filter_includes_regions_within(engine, corpus):
    answer = search("Görlitz Meißen Sachsen", corpus, region="sachsen")
    assert {corpus["kreativ_goerlitz"].pk, corpus["meissen"].pk, corpus["zukunft"].pk} <= set(ids(answer))
    assert ids(search("Görlitz", corpus, region="meissen")) == []


def test_date_range_filter(engine, corpus):
    answer = search(
        "Netzwerkreisen Netzwerktreffen",
        corpus,
        types=["events"],
        date_from=datetime.date(2024, 9, 1),
        date_to=datetime.date(2024, 9, 30),
    )
    assert ids(answer) == [corpus["netzwerkreisen"].pk]
    assert answer["facets"]["year"] == {"2024": 1}


def test_facets_count_all_matches_not_just_the_page(engine, corpus):
    answer = search("Mikroförderung", corpus, limit=1)
    assert len(answer["results"]) == 1
    assert answer["count"] == 3 and answer["facets"]["type"] == {"funding": 3}


def test_a_caller_that_asks_no_facets_gets_the_same_results_without_them(engine, corpus):
    with_facets = search("Mikroförderung", corpus)
    without = search("Mikroförderung", corpus, facets=False)
    assert "facets" not in without and without["engine"] == engine
    assert without["count"] == with_facets["count"] == 3
    assert without["results"] == with_facets["results"]


def test_limit_and_offset_page_through_the_same_order(engine, corpus):
    everything = ids(search("Mikroförderung", corpus, limit=10))
    pages = [ids(search("Mikroförderung", corpus, limit=1, offset=i)) for i in range(3)]
    assert [p[0] for p in pages] == everything


def test_highlight_marks_hits_and_escapes_other_html(engine, corpus):
    result = search("Sommerakademie", corpus)["results"][0]
    assert "<mark>Sommerakademie</mark>" in result["highlight"]
    assert "<b>" not in result["highlight"]
    assert "&amp;" in result["highlight"] or "&lt;b&gt;" in result["highlight"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"q": "   "}, "q must be"),
        ({"q": "x" * 201}, "q must be"),
        ({"locale": "fr"}, "locale must be"),
        ({"types": ["blog"]}, "type must be"),
        ({"limit": 0}, "limit must be"),
        ({"limit": 51}, "limit must be"),
        ({"offset": 990, "limit": 20}, "offset"),
        ({"date_from": datetime.date(2025, 2, 1), "date_to": datetime.date(2025, 1, 1)}, "before from"),
    ],
)
def test_impossible_input_raises_value_error(db, kwargs, message):
    kwargs = {"q": "Kultur", "partner": None, "locale": "de", **kwargs}
    with pytest.raises(ValueError, match=message):
        queries.search(**kwargs)


def test_suggest_validates_input(db):
    with pytest.raises(ValueError, match="q must be"):
        queries.suggest("", partner=None, locale="de")
    with pytest.raises(ValueError, match="limit must be"):
        queries.suggest("Ku", partner=None, locale="de", limit=21)
