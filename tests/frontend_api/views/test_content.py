"""Lists and details of the four content types: envelope, fields, filters, order, body serialization."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.events.models import BERLIN
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import RegionFactory, TopicFactory
from tests.content_types import FACTORIES, TYPES
from tests.frontend_api.conftest import assert_error
from tests.frontend_api.content import body_with_everything, document, image, snippets

ITEM_FIELDS = {
    "id",
    "type",
    "locale",
    "title",
    "slug",
    "teaser",
    "url",
    "last_published_at",
    "translations",
    "image",
    "topics",
    "regions",
}


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2025, 3, day, hour, tzinfo=BERLIN)


@pytest.mark.parametrize("type_name", TYPES)
def test_list_envelope_and_item_fields(api, type_name):
    page = FACTORIES[type_name](title="Erste Seite")
    body = api.json(f"/api/v1/{type_name}/")
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    item = body["results"][0]
    assert ITEM_FIELDS <= set(item)
    assert "body" not in item, "lists stay light: the body is in the detail"
    assert item["id"] == page.pk and item["type"] == type_name and item["locale"] == "de"
    assert item["title"] == "Erste Seite" and item["slug"] == page.slug
    assert item["url"] == page.full_url
    published = datetime.datetime.fromisoformat(item["last_published_at"])
    assert published.utcoffset() == timezone.localtime(page.last_published_at).utcoffset()
    assert item["last_published_at"].endswith(("+01:00", "+02:00"))


@pytest.mark.parametrize("type_name", TYPES)
def test_detail_of_every_type(api, type_name):
    page = FACTORIES[type_name](title="Detailseite")
    body = api.json(f"/api/v1/{type_name}/{page.pk}/")
    assert ITEM_FIELDS | {"body", "contacts", "fallback"} <= set(body)
    assert body["fallback"] is False and body["body"] == [] and body["type"] == type_name


@pytest.mark.parametrize("type_name", TYPES)
def test_unknown_invisible_and_other_type_ids_are_404(api, other_api, type_name):
    mine = FACTORIES[type_name](partners=[api.partner])
    other_type = "events" if type_name != "events" else "projects"
    for path in (f"/api/v1/{type_name}/987654/", f"/api/v1/{other_type}/{mine.pk}/"):
        assert_error(api.get(path), 404, "not_found")
    assert_error(other_api.get(f"/api/v1/{type_name}/{mine.pk}/"), 404, "not_found")
    draft = FACTORIES[type_name](publish=False)
    assert_error(api.get(f"/api/v1/{type_name}/{draft.pk}/"), 404)


def test_non_numeric_id_and_unknown_paths_are_json_404(api):
    for path in ("/api/v1/events/abc/", "/api/v1/nothing/", "/api/v1/events"):
        assert_error(api.get(path), 404, "not_found")


def test_only_get_and_head(api):
    EventPageFactory()
    assert api.head("/api/v1/events/").status_code == 200
    for method in (api.post, api.put, api.delete, api.patch):
        assert_error(method("/api/v1/events/"), 405, "method_not_allowed")


# -- pagination ------------------------------------------------------------------------------------


def test_limit_offset_and_links(api):
    for day in range(1, 6):
        EventPageFactory(start=at(day))
    first = api.json("/api/v1/events/", {"limit": 2})
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert "offset=2" in first["next"] and "limit=2" in first["next"]
    second = api.json(first["next"].replace("http://testserver", ""))
    assert "offset" not in second["previous"]
    last = api.json("/api/v1/events/", {"limit": 2, "offset": 4})
    assert last["next"] is None and len(last["results"]) == 1
    beyond = api.json("/api/v1/events/", {"offset": 50})
    assert beyond["results"] == [] and beyond["count"] == 5
    walked = [
        x["id"]
        for off in (0, 2, 4)
        for x in api.json("/api/v1/events/", {"limit": 2, "offset": off})["results"]
    ]
    assert len(set(walked)) == 5


def test_default_limit_is_20(api):
    for _ in range(21):
        ProjectPageFactory()
    body = api.json("/api/v1/projects/")
    assert len(body["results"]) == 20 and body["count"] == 21


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "x"}, "offset"),
        ({"locale": "xx"}, "locale"),
        ({"fields": "title,nope"}, "fields"),
        ({"topic": "not a slug!"}, "topic"),
        ({"region": "ä" * 3}, "region"),
        ({"from": "06.03.2025"}, "from"),
        ({"to": "2025-02-30"}, "to"),
        ({"from": "2025-03-06", "to": "2025-03-01"}, "to"),
        ({"upcoming": "maybe"}, "upcoming"),
        ({"limt": "5"}, "limt"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_event_list_parameters_are_400_naming_the_field(api, params, field):
    assert_error(api.get("/api/v1/events/", params), 400, field=field)


def test_a_parameter_given_twice_is_400(api):
    assert_error(api.get("/api/v1/events/?limit=2&limit=3"), 400, "invalid_parameter", "limit")


def test_empty_values_count_as_absent_and_underscore_parameters_are_ignored(api):
    EventPageFactory()
    body = api.json("/api/v1/events/?topic=&limit=&_=1699999999")
    assert body["count"] == 1


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/funding/", {"status": "maybe"}, "status"),
        ("/api/v1/projects/", {"status": "done"}, "status"),
        ("/api/v1/projects/", {"from": "2025-01-01"}, "from"),
        ("/api/v1/reports/", {"upcoming": "true"}, "upcoming"),
    ],
)
def test_type_specific_parameters_belong_to_their_type(api, path, params, field):
    assert_error(api.get(path, params), 400, field=field)


# -- fields ------------------------------------------------------------------------------------------


def test_fields_selects_a_subset(api):
    page = EventPageFactory()
    item = api.json("/api/v1/events/", {"fields": "title,start"})["results"][0]
    assert set(item) == {"id", "type", "locale", "fallback", "title", "start"}
    detail = api.json(f"/api/v1/events/{page.pk}/", {"fields": "body,agenda"})
    assert set(detail) == {"id", "type", "locale", "fallback", "translation_outdated", "body", "agenda"}


def test_detail_only_fields_are_unknown_in_lists(api):
    assert_error(api.get("/api/v1/events/", {"fields": "body"}), 400, field="fields")


# -- filters -----------------------------------------------------------------------------------------


def test_topic_and_region_filters_include_sub_regions(api):
    data = snippets()
    other_topic = TopicFactory(slug="sport")
    in_city = ProjectPageFactory(topics=[data["topic"]], regions=[data["city"]])
    ProjectPageFactory(topics=[other_topic], regions=[RegionFactory(slug="bayern")])
    assert [x["id"] for x in api.json("/api/v1/projects/", {"topic": "ehrenamt"})["results"]] == [in_city.pk]
    assert [x["id"] for x in api.json("/api/v1/projects/", {"region": "sachsen"})["results"]] == [in_city.pk]
    assert api.json("/api/v1/projects/", {"region": "dresden", "topic": "sport"})["count"] == 0
    assert api.json("/api/v1/projects/", {"topic": "unbekannt"})["count"] == 0


def test_a_page_in_two_matching_regions_is_listed_once(api):
    data = snippets()
    page = EventPageFactory(regions=[data["land"], data["city"]])
    body = api.json("/api/v1/events/", {"region": "sachsen"})
    assert body["count"] == 1 and [x["id"] for x in body["results"]] == [page.pk]


def test_events_from_to_and_upcoming(api):
    march = EventPageFactory(start=at(6), end=at(6, 12))
    long_one = EventPageFactory(start=at(1), end=at(20))
    april = EventPageFactory(start=datetime.datetime(2025, 4, 2, 9, tzinfo=BERLIN), end=None)
    future = EventPageFactory(start=timezone.now() + datetime.timedelta(days=3), end=None)

    def ids(**params):
        return {x["id"] for x in api.json("/api/v1/events/", {"limit": 100, **params})["results"]}

    assert ids(**{"from": "2025-03-06", "to": "2025-03-06"}) == {march.pk, long_one.pk}
    assert ids(**{"from": "2025-03-21"}) == {april.pk, future.pk}
    assert ids(to="2025-03-05") == {long_one.pk}
    assert ids(upcoming="true") == {future.pk}
    assert ids(upcoming="false") == {march.pk, long_one.pk, april.pk, future.pk}


def test_events_are_ordered_by_start(api):
    later = EventPageFactory(start=at(9))
    earlier = EventPageFactory(start=at(2))
    assert [x["id"] for x in api.json("/api/v1/events/")["results"]] == [earlier.pk, later.pk]


def test_event_fields(api):
    page = EventPageFactory(
        start=at(6, 14),
        end=at(6, 16),
        event_format="hybrid",
        venue="Rathaus",
        address="Markt 1, Dresden",
        registration_url="https://example.org/anmelden",
        moderation="Kim Beispiel",
    )
    item = api.json("/api/v1/events/")["results"][0]
    assert item["start"] == "2025-03-06T14:00:00+01:00" and item["end"] == "2025-03-06T16:00:00+01:00"
    assert item["format"] == "hybrid" and item["venue"] == "Rathaus" and item["all_day"] is False
    assert item["registration_url"] == "https://example.org/anmelden" and item["series"] is None
    detail = api.json(f"/api/v1/events/{page.pk}/")
    assert detail["moderation"] == "Kim Beispiel" and detail["agenda"] == [] and detail["organiser"] is None


def test_funding_status_filter_and_order(api):
    closed = FundingPageFactory(rounds=[a_round(-30, -10)])
    later = FundingPageFactory(rounds=[a_round(-5, 40)])
    sooner = FundingPageFactory(rounds=[a_round(-5, 10)])
    upcoming = FundingPageFactory(rounds=[a_round(20, 50)])
    rolling = FundingPageFactory(rounds=[], rolling=True)

    def ids(**params):
        return [x["id"] for x in api.json("/api/v1/funding/", {"limit": 100, **params})["results"]]

    assert set(ids(status="open")) == {later.pk, sooner.pk, rolling.pk}
    assert ids(status="upcoming") == [upcoming.pk]
    assert ids(status="closed") == [closed.pk]
    order = ids()
    assert order.index(sooner.pk) < order.index(later.pk) < order.index(upcoming.pk) < order.index(closed.pk)
    item = next(x for x in api.json("/api/v1/funding/")["results"] if x["id"] == sooner.pk)
    assert item["status"] == "open" and item["next_deadline"] == a_round(-5, 10)[1].isoformat()


def test_funding_detail(api):
    page = FundingPageFactory(
        rounds=[a_round(-5, 10)],
        amount_min=1000,
        amount_max="2500.50",
        programme="Kultur",
        cofinancing_percent=10,
    )
    item = api.json(f"/api/v1/funding/{page.pk}/")
    assert item["amount"] == {"min": 1000, "max": 2500.5, "currency": "EUR"}
    assert (
        item["deadlines"][0]["open"] is True
        and item["deadlines"][0]["closes_on"] == a_round(-5, 10)[1].isoformat()
    )
    assert item["programme"] == "Kultur" and item["cofinancing_percent"] == 10 and item["funder"] is None


def test_projects_status_filter_and_reports_fields(api):
    running = ProjectPageFactory(status="running")
    ProjectPageFactory(status="completed", end_date=datetime.date(2024, 12, 31))
    assert [x["id"] for x in api.json("/api/v1/projects/", {"status": "running"})["results"]] == [running.pk]
    report = ExperienceReportPageFactory(quote_text="Es hat sich gelohnt.", quote_attribution="Anna")
    detail = api.json(f"/api/v1/reports/{report.pk}/")
    assert detail["quote"] == {"text": "Es hat sich gelohnt.", "attribution": "Anna"}
    assert detail["publication_date"] == "2024-06-01" and detail["author_name"] == "Team Beispiel"


def test_projects_and_reports_newest_first(api):
    old = ProjectPageFactory()
    new = ProjectPageFactory()
    assert [x["id"] for x in api.json("/api/v1/projects/")["results"]] == [new.pk, old.pk]


# -- detail body ---------------------------------------------------------------------------------------


@pytest.fixture
def rich_event(api):
    data = snippets()
    target = ProjectPageFactory(title="Verlinktes Projekt")
    hidden = ProjectPageFactory(title="Geheim", partners=[])
    PageViewRestriction.objects.create(page=hidden, restriction_type="password", password="x")
    picture, doc = image(), document()
    page = EventPageFactory(
        title="Reiches Fest",
        topics=[data["topic"]],
        regions=[data["city"]],
        contacts=[data["contact"]],
        lead_image=picture,
        lead_image_alt="Das Fest",
        lead_image_credit="Foto: Kim",
        body=body_with_everything(linked_page=target, linked_document=doc, picture=picture),
        organiser=data["organisation"],
        agenda=[
            (
                "item",
                {
                    "start_time": datetime.time(14),
                    "end_time": datetime.time(15),
                    "title": "Begrüßung",
                    "description": "",
                    "speakers": "Kim",
                },
            )
        ],
        attachments=[("attachment", {"document": doc, "title": "", "description": ""})],
    )
    return {"page": page, "target": target, "hidden": hidden, "image": picture, "document": doc, **data}


def test_detail_body_blocks_are_typed_json(api, rich_event):
    detail = api.json(f"/api/v1/events/{rich_event['page'].pk}/")
    blocks = {block["type"]: block for block in detail["body"]}
    assert list(blocks) == [
        "heading",
        "rich_text",
        "image",
        "quote",
        "key_figures",
        "link_list",
        "attachment",
        "video",
        "call_to_action",
    ]
    assert all(block["id"] for block in detail["body"])
    assert blocks["heading"]["value"] == "Worum es geht"
    assert blocks["quote"]["value"] == {"text": "Gemeinsam geht mehr.", "attribution": "Eine Teilnehmerin"}
    assert blocks["key_figures"]["value"][1] == {"number": "über 3.000", "label": "Menschen"}
    assert blocks["video"]["value"] == {"url": "https://www.youtube.com/watch?v=abcdefghijk"}
    assert blocks["call_to_action"]["value"]["button_label"] == "Anmelden"
    external, internal = blocks["link_list"]["value"]
    assert external == {"title": "Extern", "url": "https://example.org/", "page": None}
    assert internal["page"]["id"] == rich_event["target"].pk and internal["page"]["type"] == "projects"
    assert internal["url"] == rich_event["target"].full_url


def test_rich_text_is_clean_html_with_api_references(api, rich_event):
    raw = api.get(f"/api/v1/events/{rich_event['page'].pk}/").content.decode()
    assert "linktype=" not in raw and "<embed" not in raw and "data-block-key" not in raw
    html = next(
        b for b in api.json(f"/api/v1/events/{rich_event['page'].pk}/")["body"] if b["type"] == "rich_text"
    )["value"]
    target, doc = rich_event["target"], rich_event["document"]
    assert f'data-page-type="projects" data-page-id="{target.pk}"' in html
    assert f'href="{target.full_url}"' in html
    assert f'data-api-url="http://testserver/api/v1/projects/{target.pk}/"' in html
    assert f'data-document-id="{doc.pk}"' in html and "http://testserver/documents/" in html
    assert '<a href="https://example.org/x">extern</a>' in html


def test_links_to_pages_the_partner_may_not_see_are_unwrapped(api, other_api, rich_event):
    target = rich_event["target"]
    target.unpublish()
    html = next(
        b for b in api.json(f"/api/v1/events/{rich_event['page'].pk}/")["body"] if b["type"] == "rich_text"
    )["value"]
    assert "Zur Seite" in html and "data-page-id" not in html
    link_list = next(
        b for b in api.json(f"/api/v1/events/{rich_event['page'].pk}/")["body"] if b["type"] == "link_list"
    )["value"]
    assert link_list[1]["page"] is None


def test_images_are_objects_with_renditions(api, rich_event):
    detail = api.json(f"/api/v1/events/{rich_event['page'].pk}/")
    picture = rich_event["image"]
    lead = detail["image"]
    assert lead["id"] == picture.pk and lead["alt"] == "Das Fest" and lead["credit"] == "Foto: Kim"
    assert (lead["width"], lead["height"]) == (1200, 800)
    assert set(lead["renditions"]) == {"480", "960", "1600"}
    assert set(lead["renditions"]["480"]) == {"webp", "jpeg"}
    block = next(b for b in detail["body"] if b["type"] == "image")["value"]
    assert block["alt"] == "Blick auf das Rathaus" and block["caption"] == "Das Rathaus"
    assert block["credit"] == "Foto: Stadt"


def test_rendition_urls_serve_the_image_in_that_format(api, rich_event):
    lead = api.json(f"/api/v1/events/{rich_event['page'].pk}/")["image"]
    response = api.get(lead["renditions"]["480"]["webp"].replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    response = api.get(lead["renditions"]["960"]["jpeg"].replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_documents_and_event_extras(api, rich_event):
    detail = api.json(f"/api/v1/events/{rich_event['page'].pk}/")
    attachment = next(b for b in detail["body"] if b["type"] == "attachment")["value"]
    doc = rich_event["document"]
    assert attachment["id"] == doc.pk and attachment["title"] == "Programm"
    assert attachment["url"].startswith("http://testserver/documents/") and attachment["size"] == 10
    assert (
        attachment["content_type"] == "application/pdf"
        and attachment["description"] == "Das Programm als PDF"
    )
    assert detail["attachments"][0]["title"] == "Ablaufplan"
    assert detail["agenda"] == [
        {
            "start_time": "14:00:00",
            "end_time": "15:00:00",
            "title": "Begrüßung",
            "description": "",
            "speakers": "Kim",
        }
    ]
    assert (
        detail["organiser"]["name"] == "Kulturverein" and detail["organiser"]["region"]["slug"] == "dresden"
    )


def test_related_snippets_are_expanded_one_level(api, rich_event):
    detail = api.json(f"/api/v1/events/{rich_event['page'].pk}/")
    assert detail["topics"] == [{"id": rich_event["topic"].pk, "slug": "ehrenamt", "name": "Ehrenamt"}]
    assert detail["regions"][0]["slug"] == "dresden" and detail["regions"][0]["parent"] == "sachsen"
    contact = detail["contacts"][0]
    assert contact["name"] == "Erika Muster" and contact["role"] == "Koordination"
    assert contact["organisation"] == {
        "id": rich_event["organisation"].pk,
        "name": "Kulturverein",
        "kind": "association",
        "website": "https://example.org/",
    }


def test_related_pages_only_when_visible(api, other_api):
    shared_project = ProjectPageFactory(title="Geteilt")
    private_project = ProjectPageFactory(title="Nur B", partners=[other_api.partner])
    funding = FundingPageFactory(related_projects=[])
    from plugins.funding.models import FundingProject

    funding.related_projects = [
        FundingProject(project=shared_project),
        FundingProject(project=private_project),
    ]
    funding.save_revision().publish()
    mine = api.json(f"/api/v1/funding/{funding.pk}/")["related_projects"]
    theirs = other_api.json(f"/api/v1/funding/{funding.pk}/")["related_projects"]
    assert [ref["id"] for ref in mine] == [shared_project.pk]
    assert [ref["id"] for ref in theirs] == [shared_project.pk, private_project.pk]
    assert mine[0] == {
        "type": "projects",
        "id": shared_project.pk,
        "locale": "de",
        "title": "Geteilt",
        "url": shared_project.full_url,
        "api_url": f"http://testserver/api/v1/projects/{shared_project.pk}/",
    }
