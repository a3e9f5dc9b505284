"""Invalidation scoped to what changed: a page event makes cold its type's lists and the details that show
the page (its translation group, pages linking to it); other answers stay warm. Snippet, image, partner
and site changes still make everything cold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.shared.factories import TopicFactory
from plugins.shared.models import PagePartner
from tests.content_types import FACTORIES
from tests.frontend_api.content import translate

WARM_QUERIES = 3  # the key (when not memoised), the answer's scope versions, the key-use mark


def served_from_cache(client, path, params=None) -> dict:
    """The answer, asserting it was not rebuilt: no query beyond the key check and the version read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    assert len(queries) <= WARM_QUERIES, [q["sql"][:120] for q in queries]
    return response.json()


def rebuilt(client, path, params=None) -> dict:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    assert len(queries) > WARM_QUERIES, "the answer was expected to be rebuilt"
    return response.json()


@pytest.fixture
def pages(api):
    event, other_event = EventPageFactory(title="Erstes Fest"), EventPageFactory(title="Zweites Fest")
    project = ProjectPageFactory(title="Projekt")
    return event, other_event, project


def warm_up(api, paths):
    for path in paths:
        api.get(path)
        served_from_cache(api, path)


def test_publishing_an_event_spares_other_types_and_other_pages(api, pages):
    event, other_event, project = pages
    warm_up(api, ["/api/v1/events/", "/api/v1/projects/", f"/api/v1/events/{event.pk}/",
                  f"/api/v1/events/{other_event.pk}/", f"/api/v1/projects/{project.pk}/"])
    etag = api.get(f"/api/v1/events/{other_event.pk}/")["ETag"]

    event.title = "Erstes Fest, verlegt"
    event.save_revision().publish()

    titles = [item["title"] for item in rebuilt(api, "/api/v1/events/")["results"]]
    assert "Erstes Fest, verlegt" in titles
    assert rebuilt(api, f"/api/v1/events/{event.pk}/")["title"] == "Erstes Fest, verlegt"
    assert served_from_cache(api, "/api/v1/projects/")["count"] == 1
    assert served_from_cache(api, f"/api/v1/events/{other_event.pk}/")["title"] == "Zweites Fest"
    assert served_from_cache(api, f"/api/v1/projects/{project.pk}/")["title"] == "Projekt"
    assert api.get(f"/api/v1/events/{other_event.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_publishing_refreshes_the_details_of_every_translation(api, pages):
    event = pages[0]
    english = translate(event, {"Erstes Fest": "First party"})
    paths = [f"/api/v1/events/{event.pk}/", f"/api/v1/events/{english.pk}/",
             f"/api/v1/events/{event.pk}/?locale=en"]
    warm_up(api, paths)
    assert api.json(paths[0])["translations"]

    english.title = "The first party"
    english.save_revision().publish()

    assert api.json(paths[1])["title"] == "The first party"
    assert api.json(paths[2])["title"] == "The first party"
    rebuilt(api, paths[0])  # it lists its English translation


def test_publishing_a_linked_page_refreshes_the_details_linking_to_it(api):
    project = ProjectPageFactory(title="Altes Projekt")
    report = FACTORIES["reports"]()
    report.related_projects.create(project=project)
    report.save_revision().publish()
    path = f"/api/v1/reports/{report.pk}/"
    warm_up(api, [path])
    assert api.json(path)["related_projects"][0]["title"] == "Altes Projekt"

    project.title = "Neues Projekt"
    project.save_revision().publish()

    assert api.json(path)["related_projects"][0]["title"] == "Neues Projekt"


@pytest.mark.parametrize("change", ["unpublish", "delete", "restriction", "sharing", "move"])
def test_page_events_refresh_the_types_lists_and_the_pages_detail(api, other_api, pages, change):
    event, other_event, project = pages
    warm_up(api, ["/api/v1/events/", "/api/v1/projects/", f"/api/v1/events/{event.pk}/"])

    if change == "unpublish":
        event.unpublish()
    elif change == "delete":
        event.delete()
    elif change == "restriction":
        PageViewRestriction.objects.create(page=event, restriction_type=PageViewRestriction.LOGIN)
    elif change == "sharing":
        PagePartner.objects.create(page=event, partner=other_api.partner)  # shared with the other only
    elif change == "move":
        event.move(other_event, pos="last-child")

    if change == "move":
        # the page's URL changed: its detail and its type's list answer it
        moved = rebuilt(api, f"/api/v1/events/{event.pk}/")
        assert f"/{other_event.slug}/{event.slug}/" in moved["url"]
        listed = {item["id"]: item for item in rebuilt(api, "/api/v1/events/")["results"]}
        assert listed[event.pk]["url"] == moved["url"]
        served_from_cache(api, "/api/v1/projects/")
        return
    assert api.get(f"/api/v1/events/{event.pk}/").status_code == 404
    assert [item["id"] for item in api.json("/api/v1/events/")["results"]] == [other_event.pk]
    served_from_cache(api, "/api/v1/projects/")


def test_a_snippet_rename_refreshes_every_answer_showing_it(api):
    topic = TopicFactory(name="Alt")
    project = ProjectPageFactory(topics=[topic])
    event = EventPageFactory(topics=[topic])
    paths = ["/api/v1/projects/", "/api/v1/events/", f"/api/v1/projects/{project.pk}/",
             f"/api/v1/events/{event.pk}/"]
    warm_up(api, paths)

    topic.name = "Neu"
    topic.save()

    assert api.json(paths[0])["results"][0]["topics"][0]["name"] == "Neu"
    assert api.json(paths[1])["results"][0]["topics"][0]["name"] == "Neu"
    assert api.json(paths[2])["topics"][0]["name"] == "Neu"
    assert api.json(paths[3])["topics"][0]["name"] == "Neu"


def test_a_topic_count_follows_a_publish_of_any_type(api):
    topic = TopicFactory(name="Thema")
    ProjectPageFactory(topics=[topic])

    def count() -> int:
        return next(item for item in api.json("/api/v1/topics/")["results"] if item["slug"] == topic.slug)["count"]

    assert count() == 1
    EventPageFactory(topics=[topic])
    assert count() == 2


def test_a_304_after_a_publish_of_another_type_costs_one_version_read(api, pages, django_assert_max_num_queries):
    event, _other, project = pages
    etag = api.get(f"/api/v1/projects/{project.pk}/")["ETag"]
    event.save_revision().publish()
    with django_assert_max_num_queries(2):
        assert api.get(f"/api/v1/projects/{project.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304


# -- answers every partner shares ----------------------------------------------------------------------


def test_a_public_answer_is_built_once_for_every_partner(api, other_api, pages):
    event, _other, project = pages
    for path in ("/api/v1/events/", f"/api/v1/events/{event.pk}/", f"/api/v1/projects/{project.pk}/"):
        mine = api.get(path)
        other_api.get("/api/v1/events/?limit=1")  # the other key's check and use mark, not measured
        theirs = served_from_cache(other_api, path)
        assert theirs == mine.json()
        assert other_api.get(path)["ETag"] != mine["ETag"], "ETags stay per partner"


def test_an_answer_showing_a_page_shared_with_one_partner_is_not_shared(api, other_api):
    project = ProjectPageFactory(title="Nur für A")
    PagePartner.objects.create(page=project, partner=api.partner)
    report = FACTORIES["reports"]()
    report.related_projects.create(project=project)
    report.save_revision().publish()

    assert [ref["title"] for ref in api.json(f"/api/v1/reports/{report.pk}/")["related_projects"]] == ["Nur für A"]
    assert api.json("/api/v1/projects/")["count"] == 1
    assert api.get(f"/api/v1/projects/{project.pk}/").status_code == 200

    assert other_api.json(f"/api/v1/reports/{report.pk}/")["related_projects"] == []
    assert other_api.json("/api/v1/projects/")["count"] == 0
    assert other_api.get(f"/api/v1/projects/{project.pk}/").status_code == 404


def test_sharing_a_public_page_with_one_partner_retires_the_shared_answers(api, other_api, pages):
    event = pages[0]
    paths = ["/api/v1/events/", f"/api/v1/events/{event.pk}/"]
    for path in paths:
        api.get(path)
        other_api.get(path)

    PagePartner.objects.create(page=event, partner=api.partner)

    assert other_api.get(paths[1]).status_code == 404
    assert event.pk not in [item["id"] for item in other_api.json(paths[0])["results"]]
    assert api.json(paths[1])["id"] == event.pk


def test_sharing_a_linked_page_with_one_partner_retires_the_shared_detail_linking_to_it(api, other_api):
    project = ProjectPageFactory(title="Bald nur für A")
    report = FACTORIES["reports"]()
    report.related_projects.create(project=project)
    report.save_revision().publish()
    path = f"/api/v1/reports/{report.pk}/"
    assert [ref["title"] for ref in api.json(path)["related_projects"]] == ["Bald nur für A"]
    other_api.get("/api/v1/events/")  # the other key's check and use mark, not measured
    assert served_from_cache(other_api, path)["related_projects"], "built once, for both partners"

    PagePartner.objects.create(page=project, partner=api.partner)

    assert other_api.json(path)["related_projects"] == []
    assert [ref["title"] for ref in api.json(path)["related_projects"]] == ["Bald nur für A"]
