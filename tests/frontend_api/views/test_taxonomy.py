"""Topics and regions for partner sites' filter menus: names per language, counts that agree with the
lists' own filters, and nothing the key may not see counted."""

import pytest
from wagtail.models import PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import RegionFactory, TopicFactory
from plugins.shared.models import Region
from tests.content_types import TYPES
from tests.frontend_api.conftest import assert_error
from tests.frontend_api.content import translate


def by_slug(body) -> dict[str, dict]:
    return {item["slug"]: item for item in body["results"]}


def filtered_total(api, **params) -> int:
    """What a partner gets by using the slug as a filter on every list."""
    return sum(api.json(f"/api/v1/{name}/", params)["count"] for name in TYPES)


@pytest.fixture
def regions(db):
    sachsen = RegionFactory(name="Sachsen", slug="sachsen", kind=Region.Kind.LAND)
    kreis = RegionFactory(name="Landkreis Görlitz", slug="landkreis-goerlitz", kind=Region.Kind.LANDKREIS,
                          parent=sachsen)
    stadt = RegionFactory(name="Görlitz", slug="goerlitz", parent=kreis)
    bayern = RegionFactory(name="Bayern", slug="bayern", kind=Region.Kind.LAND)
    return {"sachsen": sachsen, "kreis": kreis, "stadt": stadt, "bayern": bayern}


def test_topics_by_name_with_the_counts_the_topic_filter_gives(api, other_api):
    engagement = TopicFactory(name="Bürgerschaftliches Engagement", slug="engagement")
    austausch = TopicFactory(name="Austausch", slug="austausch")
    unused = TopicFactory(name="Zukunft", slug="zukunft")
    ProjectPageFactory(topics=[engagement, austausch])
    EventPageFactory(topics=[engagement])
    ExperienceReportPageFactory(topics=[engagement], publish=False)  # a draft
    ProjectPageFactory(topics=[engagement], partners=[other_api.partner])  # another partner's
    private = EventPageFactory(topics=[engagement])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    body = api.json("/api/v1/topics/")
    assert [item["name"] for item in body["results"]] == ["Austausch", "Bürgerschaftliches Engagement", "Zukunft"]
    assert body["count"] == 3 and body["next"] is None
    topics = by_slug(body)
    assert topics["engagement"] == {
        "id": engagement.pk, "slug": "engagement", "name": "Bürgerschaftliches Engagement", "locale": "de",
        "count": 2,
    }
    assert topics["zukunft"]["count"] == 0 and topics["zukunft"]["id"] == unused.pk
    for slug, item in topics.items():
        assert item["count"] == filtered_total(api, topic=slug), slug
    assert by_slug(other_api.json("/api/v1/topics/"))["engagement"]["count"] == 3


def test_region_counts_include_the_regions_inside_each_item_once(api, regions):
    ProjectPageFactory(regions=[regions["stadt"]])
    EventPageFactory(regions=[regions["sachsen"], regions["stadt"]])  # linked twice along one branch
    ProjectPageFactory(regions=[regions["bayern"]])

    body = api.json("/api/v1/regions/")
    found = by_slug(body)
    assert {slug: item["count"] for slug, item in found.items()} == {
        "sachsen": 2, "landkreis-goerlitz": 2, "goerlitz": 2, "bayern": 1,
    }
    assert found["goerlitz"]["parent"] == "landkreis-goerlitz" and found["goerlitz"]["kind"] == "stadt"
    assert found["sachsen"]["parent"] is None and found["sachsen"]["kind"] == "land"
    for slug, item in found.items():
        assert item["count"] == filtered_total(api, region=slug), slug


def test_names_and_counts_in_the_requested_language(api, en, regions):
    topic = TopicFactory(name="Kulturverwaltung", slug="kulturverwaltung")
    translate(topic, {"Kulturverwaltung": "Cultural administration"})
    translate(regions["sachsen"], {"Sachsen": "Saxony"})
    german = ProjectPageFactory(title="Ämterlotse", topics=[topic], regions=[regions["stadt"]])
    ProjectPageFactory(title="Nur Deutsch", topics=[topic])
    translate(german, {"Ämterlotse": "Guide to the offices"})

    english = api.json("/api/v1/topics/?locale=en")
    item = by_slug(english)["kulturverwaltung"]
    # the English list shows both: "Guide to the offices", and "Nur Deutsch" as a fallback
    assert item["name"] == "Cultural administration" and item["locale"] == "en" and item["count"] == 2
    assert item["count"] == api.json("/api/v1/projects/", {"locale": "en", "topic": "kulturverwaltung"})["count"]
    assert item["id"] != topic.pk  # the English snippet
    assert by_slug(api.json("/api/v1/topics/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"))[
        "kulturverwaltung"]["name"] == "Cultural administration"
    german_body = api.json("/api/v1/topics/?locale=de")
    assert by_slug(german_body)["kulturverwaltung"]["count"] == 2

    regions_en = by_slug(api.json("/api/v1/regions/?locale=en"))
    assert regions_en["sachsen"]["name"] == "Saxony" and regions_en["sachsen"]["count"] == 1
    # not translated: the German name, said so by its locale
    assert regions_en["bayern"]["name"] == "Bayern" and regions_en["bayern"]["locale"] == "de"


def test_pages_of_a_long_list(api):
    for n in range(5):
        TopicFactory(name=f"Thema {n}", slug=f"thema-{n}")
    body = api.json("/api/v1/topics/?limit=2&offset=2")
    assert body["count"] == 5 and [item["slug"] for item in body["results"]] == ["thema-2", "thema-3"]
    assert body["next"].endswith("offset=4") and "offset" not in body["previous"]


def test_a_change_reaches_the_answer_and_an_unchanged_answer_is_a_304(api):
    topic = TopicFactory(name="Soziokultur", slug="soziokultur")
    first = api.get("/api/v1/topics/")
    assert first.status_code == 200 and first["ETag"]
    assert api.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    topic.name = "Soziokultur und Teilhabe"
    topic.save()
    assert by_slug(api.json("/api/v1/topics/"))["soziokultur"]["name"] == "Soziokultur und Teilhabe"
    ProjectPageFactory(topics=[topic])
    assert by_slug(api.json("/api/v1/topics/"))["soziokultur"]["count"] == 1


@pytest.mark.parametrize("path", ["/api/v1/topics/", "/api/v1/regions/"])
def test_keys_and_parameters_are_checked(api, anon, path):
    assert_error(anon.get(path), 401)
    assert_error(api.get(path + "?topic=x"), 400, "unknown_parameter", "topic")
    assert_error(api.get(path + "?limit=101"), 400, field="limit")
    assert_error(api.get(path + "?locale=fr"), 400, field="locale")


def test_documented_in_the_schema(anon):
    response = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    for path in ("/api/v1/topics/", "/api/v1/regions/"):
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"locale", "limit", "offset"}
        assert {"200", "304", "400", "401", "429"} <= set(operation["responses"])
