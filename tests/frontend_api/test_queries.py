"""The number of queries of every endpoint is bounded and does not grow with the page size."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from plugins.funding.factories import a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.shared.factories import ContactPersonFactory, OrganisationFactory, RegionFactory, TopicFactory
from tests.content_types import FACTORIES
from tests.frontend_api.content import body_with_everything, document, image, translate

# Answers built every time. The content version is re-read every VERSION_CHECK_SECONDS, the key's row
# every KEY_CHECK_SECONDS and its use recorded every KEY_USE_RECORD_INTERVAL (clock time): on a slow, busy
# machine one of two measured requests could fall after such a boundary and count a query more, so all
# three are held for the whole test (a change still refreshes the version at once: it is forgotten).
UNCACHED = {"CACHE_TIMEOUT": 0, "VERSION_CHECK_SECONDS": 86400, "KEY_CHECK_SECONDS": 86400,
            "KEY_USE_RECORD_INTERVAL": 86400}
# A cold answer whose items are prepared (frontend_api.prepared): a list reads the page of ids, their
# prepared items and one visibility query; a detail the prepared items of its translation group and one
# visibility query. (Plus the key and the scopes' versions when their per-process memo runs out.)
COLD_LIST_QUERIES = 3
COLD_DETAIL_QUERIES = 2
MAX_DETAIL_QUERIES = 34  # a detail built on the spot (nothing prepared yet) and stored


def make(type_name: str, n: int, **extra):
    """A page with its own topic, region (in a parent region), contact, organisation and image, translated."""
    parent = RegionFactory()
    organisation = OrganisationFactory(region=RegionFactory(parent=parent), logo=image(f"Logo {n}"))
    kwargs = {
        "title": f"Seite {n}",
        "topics": [TopicFactory()],
        "regions": [RegionFactory(parent=parent)],
        "contacts": [ContactPersonFactory(organisation=organisation)],
        "lead_image": image(f"Bild {n}"),
        "lead_image_alt": "Alt",
        **extra,
    }
    if type_name == "funding":
        kwargs.update(rounds=[a_round(-1, n + 5)], funder=organisation)
    if type_name == "reports":
        kwargs["author_organisation"] = organisation
    if type_name == "events":
        kwargs["organiser"] = organisation
    page = FACTORIES[type_name](**kwargs)
    translate(page, {f"Seite {n}": f"Page {n}"})
    return page


class Queries(list):
    """The statements of one request; compared by number, shown in full when two differ."""

    def __eq__(self, other):
        return len(self) == len(other)

    def __repr__(self):
        return f"{len(self)} queries:\n" + "\n".join(q["sql"][:200] for q in self)


def count_queries(client, path, params=None) -> Queries:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return Queries(queries.captured_queries)


def prepared_queries(client, path, params=None) -> Queries:
    """The queries of a cold answer whose items are prepared: the first request builds what is missing."""
    client.get(path, params)
    return count_queries(client, path, params)


@pytest.mark.parametrize("type_name", sorted(FACTORIES))
@override_settings(KULTURHUB_API=UNCACHED)
def test_cold_list_reads_ids_prepared_items_and_visibility_whatever_the_page_size(api, type_name):
    for n in range(4):
        make(type_name, n)
    api.get(f"/api/v1/{type_name}/")  # Wagtail caches the site root paths, the key's use is recorded
    for locale in ("de", "en"):  # en: translated items, de: also fallbacks under en
        one = prepared_queries(api, f"/api/v1/{type_name}/", {"limit": 1, "locale": locale})
        many = prepared_queries(api, f"/api/v1/{type_name}/", {"limit": 4, "locale": locale})
        assert len(one) == len(many) == COLD_LIST_QUERIES, (locale, one, many)
        tables = [query_table(query) for query in many]
        assert tables == ["page of ids", "prepared items", "visibility"], many
        assert len(prepared_queries(api, f"/api/v1/{type_name}/", {"limit": 4, "locale": locale,
                                                                    "fields": "title"})) == COLD_LIST_QUERIES


def query_table(query) -> str:
    """What a query of a cold answer reads, told by its SQL."""
    sql = query["sql"].replace("`", '"')
    if "OVER ()" in sql:
        return "page of ids"
    if sql.startswith('SELECT "frontend_api_prepareditem"'):
        return "prepared items"
    if sql.startswith('SELECT "wagtailcore_page"."id"') and "shared_pagepartner" in sql:
        return "visibility"
    return sql[:80]


@pytest.mark.parametrize("type_name", sorted(FACTORIES))
@override_settings(KULTURHUB_API=UNCACHED)
def test_cold_detail_reads_prepared_item_and_visibility(api, type_name, django_assert_max_num_queries):
    linked = [ProjectPageFactory(title=f"Ziel {n}") for n in range(3)]
    picture, doc = image(), document()
    body = body_with_everything(linked_page=linked[0], linked_document=doc, picture=picture)
    body += [
        ("rich_text", RichText("".join(f'<a linktype="page" id="{p.pk}">{p.title}</a>' for p in linked)))
    ]
    page = make(type_name, 1, body=body)
    api.get(f"/api/v1/{type_name}/")  # Wagtail caches the site root paths, the key's use is recorded
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):  # nothing prepared yet: built on the spot
        response = api.get(f"/api/v1/{type_name}/{page.pk}/")
    assert response.status_code == 200
    for params in ({}, {"locale": "en"}, {"locale": "de"}, {"fields": "title,body"}):
        queries = prepared_queries(api, f"/api/v1/{type_name}/{page.pk}/", params)
        assert [query_table(query) for query in queries] == ["prepared items", "visibility"], (
            params, queries)
    assert api.get(f"/api/v1/{type_name}/{page.pk}/", {"locale": "en"}).json()["locale"] == "en"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/search/", {"q": "seite"}),
        ("/api/v1/search/suggest/", {"q": "sei"}),
        ("/api/v1/health/", {}),
    ],
)
def test_search_suggest_and_health_queries_are_bounded(api, path, params, django_assert_max_num_queries):
    for n in range(2):
        make("events", n)
    few = count_queries(api, path, params)
    for n in range(2, 6):
        make("events", n)
    with django_assert_max_num_queries(len(few) + 2):
        assert api.get(path, {**params, "_": "x"}).status_code == 200


def test_schema_and_docs_need_no_queries_beyond_a_few(anon, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert anon.get("/api/v1/docs/").status_code == 200
