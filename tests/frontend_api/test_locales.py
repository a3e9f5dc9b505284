"""Locale resolution, translation links both ways, detail fallback, snippets in the answer's language."""

import pytest

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from tests.frontend_api.conftest import assert_error
from tests.frontend_api.content import snippets, translate


@pytest.fixture
def translated(api):
    data = snippets()
    german = EventPageFactory(
        title="Sommerfest",
        teaser="Ein Fest im Sommer.",
        topics=[data["topic"]],
        regions=[data["city"]],
        contacts=[data["contact"]],
        organiser=data["organisation"],
    )
    english = translate(german, {"Sommerfest": "Summer party", "Ein Fest im Sommer.": "A party in summer."})
    only_german = EventPageFactory(title="Nur Deutsch")
    return {"de": german, "en": english, "only_de": only_german, **data}


def test_locale_parameter_selects_the_language(api, translated):
    english = {x["id"]: x for x in api.json("/api/v1/events/", {"locale": "en"})["results"]}
    assert set(english) == {translated["en"].pk, translated["only_de"].pk}  # one item per page
    summer = english[translated["en"].pk]
    assert summer["title"] == "Summer party" and summer["locale"] == "en" and summer["fallback"] is False
    only_german = english[translated["only_de"].pk]
    assert only_german["title"] == "Nur Deutsch" and only_german["locale"] == "de" and only_german["fallback"] is True
    german = api.json("/api/v1/events/", {"locale": "de"})
    assert {x["id"] for x in german["results"]} == {translated["de"].pk, translated["only_de"].pk}
    assert {x["fallback"] for x in german["results"]} == {False}


def test_default_locale_is_german(api, translated):
    response = api.get("/api/v1/events/")
    assert {x["locale"] for x in response.json()["results"]} == {"de"}
    assert response["Content-Language"] == "de"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("de-AT", "de"),
        ("fr", "de"),
        ("*", "de"),
        ("en;q=0.2,de;q=0.8", "de"),
        ("garbage;;;", "de"),
    ],
)
def test_accept_language_picks_the_best_match(api, translated, header, expected):
    response = api.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE=header)
    assert {x["locale"] for x in response.json()["results"] if not x["fallback"]} == {expected}
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


def test_locale_parameter_beats_accept_language(api, translated):
    body = api.json("/api/v1/events/", {"locale": "de"}, HTTP_ACCEPT_LANGUAGE="en")
    assert {x["locale"] for x in body["results"]} == {"de"}


@pytest.mark.parametrize("value", ["EN", "en-US", "en_GB"])
def test_regional_variants_of_the_parameter_map_to_the_language(api, translated, value):
    results = api.json("/api/v1/events/", {"locale": value})["results"]
    assert {x["locale"] for x in results if not x["fallback"]} == {"en"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/events/", {}),
        ("/api/v1/search/", {"q": "fest"}),
        ("/api/v1/search/suggest/", {"q": "fe"}),
    ],
)
def test_unknown_locale_is_400(api, path, params):
    error = assert_error(api.get(path, {"locale": "fr", **params}), 400, "invalid_parameter", "locale")
    assert "de, en" in error["detail"]


def test_translations_link_both_ways(api, translated):
    german = api.json("/api/v1/events/", {"locale": "de", "fields": "translations"})["results"]
    by_id = {x["id"]: x["translations"] for x in german}
    assert by_id[translated["de"].pk] == [{"locale": "en", "id": translated["en"].pk}]
    assert by_id[translated["only_de"].pk] == []
    english = api.json(f"/api/v1/events/{translated['en'].pk}/")
    assert english["locale"] == "en" and english["translations"] == [
        {"locale": "de", "id": translated["de"].pk}
    ]


def test_a_draft_translation_is_not_linked(api):
    german = ProjectPageFactory(title="Projekt")
    english = translate(german, {"Projekt": "Project"})
    english.unpublish()
    assert api.json(f"/api/v1/projects/{german.pk}/")["translations"] == []


def test_detail_follows_the_id_and_switches_with_locale(api, translated):
    assert api.json(f"/api/v1/events/{translated['de'].pk}/")["locale"] == "de"
    assert api.json(f"/api/v1/events/{translated['de'].pk}/", HTTP_ACCEPT_LANGUAGE="en")["locale"] == "de"
    switched = api.json(f"/api/v1/events/{translated['de'].pk}/", {"locale": "en"})
    assert switched["id"] == translated["en"].pk and switched["title"] == "Summer party"
    assert switched["fallback"] is False
    back = api.json(f"/api/v1/events/{translated['en'].pk}/", {"locale": "de"})
    assert back["id"] == translated["de"].pk and back["fallback"] is False


def test_detail_falls_back_to_the_source_when_there_is_no_translation(api, translated):
    body = api.json(f"/api/v1/events/{translated['only_de'].pk}/", {"locale": "en"})
    assert body["fallback"] is True and body["locale"] == "de" and body["id"] == translated["only_de"].pk
    assert body["title"] == "Nur Deutsch"


def test_snippets_answer_in_the_requested_language(api, translated):
    english = api.json(f"/api/v1/events/{translated['en'].pk}/")
    assert english["topics"][0]["name"] == "Volunteering" and english["topics"][0]["slug"] == "ehrenamt"
    assert english["regions"][0]["name"] == "Dresden (EN)" and english["regions"][0]["parent"] == "sachsen"
    assert english["contacts"][0]["role"] == "Coordination"
    assert english["contacts"][0]["organisation"]["name"] == "Culture club"
    organiser = english["organiser"]
    assert organiser["name"] == "Culture club" and organiser["description"] == "A club"
    assert organiser["region"]["name"] == "Dresden (EN)"
    german = api.json(f"/api/v1/events/{translated['de'].pk}/")
    assert german["topics"][0]["name"] == "Ehrenamt" and german["organiser"]["name"] == "Kulturverein"


def test_fallback_detail_keeps_snippets_in_the_pages_language(api, translated):
    body = api.json(f"/api/v1/events/{translated['only_de'].pk}/", {"locale": "en"})
    assert body["locale"] == "de"


def test_english_list_filters_by_the_shared_topic_slug(api, translated):
    body = api.json("/api/v1/events/", {"locale": "en", "topic": "ehrenamt", "region": "sachsen"})
    assert [x["id"] for x in body["results"]] == [translated["en"].pk]
    assert body["results"][0]["topics"][0]["name"] == "Volunteering"


def test_links_in_english_rich_text_point_to_the_english_page(api):
    from wagtail.rich_text import RichText

    target = ProjectPageFactory(title="Ziel")
    target_en = translate(target, {"Ziel": "Target"})
    page = ProjectPageFactory(
        title="Quelle",
        body=[("rich_text", RichText(f'<p>Siehe <a linktype="page" id="{target.pk}">Ziel</a></p>'))],
    )
    page_en = translate(page, {"Quelle": "Source", 'Siehe <a id="a1">Ziel</a>': 'See <a id="a1">target</a>'})
    html = api.json(f"/api/v1/projects/{page_en.pk}/")["body"][0]["value"]
    assert f'data-page-id="{target_en.pk}"' in html and 'data-page-type="projects"' in html
    html_de = api.json(f"/api/v1/projects/{page.pk}/")["body"][0]["value"]
    assert f'data-page-id="{target.pk}"' in html_de
