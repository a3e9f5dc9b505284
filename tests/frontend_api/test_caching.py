"""ETag / Last-Modified / 304, Cache-Control and Vary, and the server-side cache's invalidation."""

import pytest
from django.test import override_settings
from django.utils.http import http_date
from wagtail.models import PageViewRestriction

from frontend_api.models import ContentScope
from plugins.events.factories import EventPageFactory
from plugins.funding.factories import FundingPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.shared.factories import TopicFactory

ENDPOINTS = ["/api/v1/projects/", "/api/v1/reports/", "/api/v1/events/", "/api/v1/funding/"]


@pytest.fixture
def event(api):
    return EventPageFactory(title="Vorher")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_lists_carry_validators_and_answer_304(api, path):
    first = api.get(path)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "private, no-cache"
    assert {"Authorization", "Accept-Language", "Origin"} <= {v.strip() for v in first["Vary"].split(",")}
    second = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 304 and second.content == b""
    assert second["ETag"] == first["ETag"] and second["Cache-Control"] == "private, no-cache"
    assert api.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert api.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_detail_carries_validators_and_answers_304(api, event):
    first = api.get(f"/api/v1/events/{event.pk}/")
    assert first["ETag"] and first["Last-Modified"]
    assert api.get(f"/api/v1/events/{event.pk}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert (
        api.get(f"/api/v1/events/{event.pk}/", HTTP_IF_NONE_MATCH=f'W/{first["ETag"]}, "x"').status_code
        == 304
    )


def test_etag_differs_per_variant_and_partner(api, other_api, event):
    tags = {
        api.get("/api/v1/events/")["ETag"],
        api.get("/api/v1/events/", {"locale": "en"})["ETag"],
        api.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="en")["ETag"],
        api.get("/api/v1/events/", {"limit": 5})["ETag"],
        api.get("/api/v1/events/", {"fields": "title"})["ETag"],
        other_api.get("/api/v1/events/")["ETag"],
    }
    assert len(tags) == 5, "Accept-Language: en and locale=en are the same answer; all others differ"


def test_publishing_changes_the_answer_and_its_etag(api, event):
    first = api.get("/api/v1/events/")
    event.title = "Nachher"
    event.save_revision().publish()
    second = api.get("/api/v1/events/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second.json()["results"][0]["title"] == "Nachher"
    assert second["ETag"] != first["ETag"]
    detail = api.json(f"/api/v1/events/{event.pk}/")
    assert detail["title"] == "Nachher"


def test_a_new_page_unpublish_and_delete_invalidate(api, event):
    assert api.json("/api/v1/events/")["count"] == 1
    new = EventPageFactory()
    assert api.json("/api/v1/events/")["count"] == 2
    api.json(f"/api/v1/events/{new.pk}/")
    new.unpublish()
    assert api.json("/api/v1/events/")["count"] == 1
    assert api.get(f"/api/v1/events/{new.pk}/").status_code == 404
    event.delete()
    assert api.json("/api/v1/events/")["count"] == 0


def test_a_view_restriction_invalidates(api, event):
    assert api.json("/api/v1/events/")["count"] == 1
    restriction = PageViewRestriction.objects.create(page=event, restriction_type="login")
    assert api.json("/api/v1/events/")["count"] == 0
    restriction.delete()
    assert api.json("/api/v1/events/")["count"] == 1


def test_a_snippet_change_invalidates(api):
    topic = TopicFactory(name="Alt")
    page = ProjectPageFactory(topics=[topic])
    assert api.json(f"/api/v1/projects/{page.pk}/")["topics"][0]["name"] == "Alt"
    topic.name = "Neu"
    topic.save()
    assert api.json(f"/api/v1/projects/{page.pk}/")["topics"][0]["name"] == "Neu"


def test_answers_come_from_the_server_side_cache(api, event, django_assert_max_num_queries):
    api.get("/api/v1/events/")
    with django_assert_max_num_queries(3):  # key, content version, (key-use mark is cached)
        response = api.get("/api/v1/events/")
    assert response.json()["count"] == 1


def test_304_costs_the_key_check_and_one_version_read(api, event, django_assert_max_num_queries):
    first = api.get("/api/v1/events/")
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/events/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@override_settings(KULTURHUB_API={"CACHE_TIMEOUT": 0})
def test_the_server_side_cache_can_be_switched_off(api, event, django_assert_max_num_queries):
    api.get("/api/v1/events/")
    with django_assert_max_num_queries(30) as queries:
        api.get("/api/v1/events/")
    # not from the answer cache: selected and read from the prepared items again
    assert any("frontend_api_prepareditem" in query["sql"] for query in queries.captured_queries)


def test_funding_answers_change_at_midnight(api, monkeypatch):
    import datetime

    from django.utils import timezone

    FundingPageFactory(rounds=[])
    first = api.get("/api/v1/funding/")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert api.get("/api/v1/funding/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_bump_changes_the_versions_of_its_scopes_only(db):
    before = ContentScope.current(["global", "type:events", "type:projects"])
    assert "global" in before, "the global scope always has a row"
    ContentScope.bump(["type:events", "page:1", "page:1"])
    after = ContentScope.current(["global", "type:events", "type:projects", "page:1"])
    assert after["global"] == before["global"] and "type:projects" not in after
    assert after["type:events"] != before.get("type:events") and "page:1" in after


def test_if_modified_since_in_the_past_gets_the_answer(api, event):
    assert api.get("/api/v1/events/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_search_answers_carry_an_etag_and_answer_304(api, event):
    first = api.get("/api/v1/search/", {"q": "vorher"})
    assert first.status_code == 200 and first["ETag"]
    assert api.get("/api/v1/search/", {"q": "vorher"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_errors_are_not_cached(api):
    response = api.get("/api/v1/events/", {"limit": 0})
    assert response.status_code == 400 and response["Cache-Control"] == "no-store"
    assert api.get("/api/v1/events/987654/")["Cache-Control"] == "no-store"
