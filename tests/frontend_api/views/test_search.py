"""/api/v1/search/ and /api/v1/search/suggest/: parameters, errors, and the contract's body."""

import pytest

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from tests.frontend_api.conftest import assert_error


@pytest.fixture
def pages(api, other_api):
    return {
        "event": EventPageFactory(title="Zirkus im Park"),
        "project": ProjectPageFactory(title="Zirkus für alle"),
        "theirs": ProjectPageFactory(title="Zirkus nur für B", partners=[other_api.partner]),
    }


def test_search_answers_the_contract_body(api, pages):
    body = api.json("/api/v1/search/", {"q": "zirkus"})
    assert set(body) >= {"count", "engine", "results", "facets"}
    assert body["engine"] in ("opensearch", "database")
    ids = {x["id"] for x in body["results"]}
    assert ids == {pages["event"].pk, pages["project"].pk}
    result = body["results"][0]
    assert {"id", "type", "locale", "title", "teaser", "url", "highlight", "score"} <= set(result)
    assert "<mark>" in "".join(x["highlight"] for x in body["results"])
    assert body["facets"]["type"] == {"events": 1, "projects": 1}


def test_search_type_filter_is_repeatable(api, pages):
    assert {x["type"] for x in api.json("/api/v1/search/?q=zirkus&type=events")["results"]} == {"events"}
    both = api.json("/api/v1/search/?q=zirkus&type=events&type=projects")
    assert both["count"] == 2
    assert api.json("/api/v1/search/?q=zirkus&type=events,projects")["count"] == 2


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({}, "q", "missing_parameter"),
        ({"q": "   "}, "q", "missing_parameter"),
        ({"q": "x" * 201}, "q", None),
        ({"q": "a", "limit": "0"}, "limit", None),
        ({"q": "a", "limit": "51"}, "limit", None),
        ({"q": "a", "offset": "-1"}, "offset", None),
        ({"q": "a", "offset": "990", "limit": "20"}, "offset", None),
        ({"q": "a", "type": "pages"}, "type", None),
        ({"q": "a", "from": "gestern"}, "from", None),
        ({"q": "a", "from": "2025-03-06", "to": "2025-03-01"}, "to", None),
        ({"q": "a", "topic": "a b"}, "topic", None),
        ({"q": "a", "sort": "date"}, "sort", "unknown_parameter"),
    ],
)
def test_bad_search_parameters_are_400(api, params, field, code):
    assert_error(api.get("/api/v1/search/", params), 400, code, field)


def test_q_is_trimmed_and_200_characters_are_allowed(api, pages):
    assert api.get("/api/v1/search/", {"q": "  zirkus  "}).json()["count"] == 2
    assert api.get("/api/v1/search/", {"q": "z" * 200}).status_code == 200
    assert api.get("/api/v1/search/", {"q": "a", "offset": "990", "limit": "10"}).status_code == 200


def test_suggest_answers_titles(api, pages):
    body = api.json("/api/v1/search/suggest/", {"q": "zirk"})
    assert set(body) == {"suggestions"}
    assert {x["id"] for x in body["suggestions"]} == {pages["event"].pk, pages["project"].pk}
    assert all(set(x) == {"id", "type", "title"} for x in body["suggestions"])
    assert len(api.json("/api/v1/search/suggest/", {"q": "zirk", "limit": 1})["suggestions"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a", "limit": "21"}, "limit"),
        ({"q": "a", "limit": "0"}, "limit"),
        ({"q": "a", "type": "events"}, "type"),
    ],
)
def test_bad_suggest_parameters_are_400(api, params, field):
    assert_error(api.get("/api/v1/search/suggest/", params), 400, field=field)
