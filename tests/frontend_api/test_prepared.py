"""Prepared items (frontend_api.prepared): a cold answer reads what was serialized before instead of
serializing again -- and answers exactly what it always answered: after every change, for every partner,
in every locale, when nothing is prepared yet."""

import pytest
from django.test import override_settings
from wagtail.rich_text import RichText

from frontend_api.models import PreparedItem
from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.shared.factories import TopicFactory
from plugins.shared.models import PagePartner
from tests.content_types import FACTORIES
from tests.frontend_api.content import body_with_everything, document, image, snippets, translate

# No server-side answer cache: every request is a cold answer, read from prepared items or built.
COLD = {"CACHE_TIMEOUT": 0}

pytestmark = pytest.mark.usefixtures("cold")


@pytest.fixture
def cold():
    with override_settings(KULTURHUB_API=COLD):
        yield


def content(client, path, params=None) -> bytes:
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return response.content


def full_page(type_name: str, **extra):
    """A page of `type_name` showing everything an item can: snippets, images, a document, links to a
    project page, translated to English."""
    linked = ProjectPageFactory(title="Verlinktes Projekt")
    translate(linked, {"Verlinktes Projekt": "Linked project"})
    found = snippets()
    body = body_with_everything(linked_page=linked, linked_document=document(), picture=image())
    page = FACTORIES[type_name](title="Seite", topics=[found["topic"]], regions=[found["city"]],
                                contacts=[found["contact"]], lead_image=image("Bild"), lead_image_alt="Alt", body=body, **extra)
    english = translate(page, {"Seite": "Page"})
    return page, english, linked


@pytest.mark.parametrize("type_name", sorted(FACTORIES))
def test_an_answer_read_from_prepared_items_is_the_answer_built(api, type_name):
    page, english, _linked = full_page(type_name)
    fallback_only = FACTORIES[type_name](title="Nur deutsch")
    requests = [
        (f"/api/v1/{type_name}/{page.pk}/", {}),
        (f"/api/v1/{type_name}/{page.pk}/", {"locale": "en"}),
        (f"/api/v1/{type_name}/{english.pk}/", {"locale": "de"}),
        (f"/api/v1/{type_name}/{fallback_only.pk}/", {"locale": "en"}),
        (f"/api/v1/{type_name}/{page.pk}/", {"fields": "title,body"}),
        (f"/api/v1/{type_name}/", {"locale": "de"}),
        (f"/api/v1/{type_name}/", {"locale": "en"}),
        (f"/api/v1/{type_name}/", {"locale": "en", "fields": "title,translations"}),
    ]
    built = [content(api, path, params) for path, params in requests]
    assert PreparedItem.objects.filter(kind="detail").exists()
    assert PreparedItem.objects.filter(kind="list", locale="en").exists()
    assert [content(api, path, params) for path, params in requests] == built
    PreparedItem.objects.all().delete()  # gone (a cleared table): built again on read, the same
    assert [content(api, path, params) for path, params in requests] == built
    assert PreparedItem.objects.exists()


def test_fallbacks_are_answered_from_prepared_items_too(api):
    german = EventPageFactory(title="Nur deutsch")
    for _ in range(2):
        detail = api.json(f"/api/v1/events/{german.pk}/", {"locale": "en"})
        assert (detail["locale"], detail["fallback"]) == ("de", True)
        assert api.json(f"/api/v1/events/{german.pk}/")["fallback"] is False
        [item] = api.json("/api/v1/events/", {"locale": "en"})["results"]
        assert (item["id"], item["locale"], item["fallback"]) == (german.pk, "de", True)
        [item] = api.json("/api/v1/events/", {"locale": "de"})["results"]
        assert item["fallback"] is False


def test_a_publish_rebuilds_the_prepared_item(api):
    event = EventPageFactory(title="Alt")
    api.json(f"/api/v1/events/{event.pk}/")
    api.json("/api/v1/events/")
    event.title = "Neu"
    event.save_revision().publish()
    assert api.json(f"/api/v1/events/{event.pk}/")["title"] == "Neu"
    assert api.json("/api/v1/events/")["results"][0]["title"] == "Neu"
    assert set(PreparedItem.objects.filter(page_id=event.pk).values_list("data", flat=True)) == {
        row for row in PreparedItem.objects.filter(page_id=event.pk).values_list("data", flat=True) if "Neu" in row
    }


def test_a_snippet_change_leaves_no_prepared_item_stale(api):
    topic = TopicFactory(name="Alt")
    event = EventPageFactory(topics=[topic])
    assert api.json(f"/api/v1/events/{event.pk}/")["topics"][0]["name"] == "Alt"
    assert api.json("/api/v1/events/")["results"][0]["topics"][0]["name"] == "Alt"
    topic.name = "Neu"
    topic.save()
    assert api.json(f"/api/v1/events/{event.pk}/")["topics"][0]["name"] == "Neu"
    assert api.json("/api/v1/events/")["results"][0]["topics"][0]["name"] == "Neu"


def test_a_published_translation_reaches_the_prepared_items_of_its_group(api):
    event = EventPageFactory(title="Fest")
    assert api.json(f"/api/v1/events/{event.pk}/")["translations"] == []
    assert api.json(f"/api/v1/events/{event.pk}/", {"locale": "en"})["fallback"] is True
    assert api.json("/api/v1/events/", {"locale": "en"})["results"][0]["fallback"] is True

    english = translate(event, {"Fest": "Party"})

    assert api.json(f"/api/v1/events/{event.pk}/")["translations"] == [{"locale": "en", "id": english.pk}]
    detail = api.json(f"/api/v1/events/{event.pk}/", {"locale": "en"})
    assert (detail["id"], detail["title"], detail["fallback"]) == (english.pk, "Party", False)
    [item] = api.json("/api/v1/events/", {"locale": "en"})["results"]
    assert (item["id"], item["fallback"]) == (english.pk, False)


def linking_event():
    """An event whose body links (rich text, link list) to a project that has an English translation."""
    project = ProjectPageFactory(title="Geteiltes Projekt")
    english_project = translate(project, {"Geteiltes Projekt": "Shared project"})
    body = [("rich_text", RichText(f'<p>Siehe <a linktype="page" id="{project.pk}">das Projekt</a>.</p>')),
            ("link_list", [{"title": "Im Hub", "url": "", "page": project}])]
    event = EventPageFactory(title="Fest", body=body)
    english_event = translate(event, {"Fest": "Party"})
    return event, english_event, project, english_project


def links_shown(client, event) -> tuple[str, dict | None]:
    body = client.json(f"/api/v1/events/{event.pk}/")["body"]
    return body[0]["value"], body[1]["value"][0]["page"]


def test_sharing_a_linked_page_with_another_partner_changes_the_links_each_partner_sees(api, other_api):
    event, english_event, project, english_project = linking_event()
    html, ref = links_shown(api, event)
    assert f'data-page-id="{project.pk}"' in html and ref["id"] == project.pk

    PagePartner.objects.create(page=project, partner=other_api.partner)
    PagePartner.objects.create(page=english_project, partner=other_api.partner)

    for _ in range(2):  # built for each signature, then read from the prepared row of each
        html, ref = links_shown(api, event)
        assert html == "<p>Siehe das Projekt.</p>" and ref is None
        html, ref = links_shown(other_api, event)
        assert f'data-page-id="{project.pk}"' in html and ref["id"] == project.pk
    english = other_api.json(f"/api/v1/events/{english_event.pk}/")["body"][1]["value"][0]["page"]
    assert english["id"] == english_project.pk  # the linked page's translation in the answer's locale
    assert api.json(f"/api/v1/events/{english_event.pk}/")["body"][1]["value"][0]["page"] is None
    signatures = set(PreparedItem.objects.filter(page_id=event.pk, kind="detail").values_list("signature", flat=True))
    assert len(signatures) == 2


def test_two_partners_read_their_own_translations_from_prepared_items(api, other_api):
    event = EventPageFactory(title="Fest")
    english = translate(event, {"Fest": "Party"})
    PagePartner.objects.create(page=english, partner=other_api.partner)  # the English version: B only
    for _ in range(2):
        assert api.json(f"/api/v1/events/{event.pk}/")["translations"] == []
        assert other_api.json(f"/api/v1/events/{event.pk}/")["translations"] == [{"locale": "en", "id": english.pk}]
        mine = api.json(f"/api/v1/events/{event.pk}/", {"locale": "en"})
        assert (mine["id"], mine["fallback"]) == (event.pk, True)
        theirs = other_api.json(f"/api/v1/events/{event.pk}/", {"locale": "en"})
        assert (theirs["id"], theirs["fallback"]) == (english.pk, False)
        assert api.get(f"/api/v1/events/{english.pk}/").status_code == 404
        [item] = api.json("/api/v1/events/", {"locale": "en"})["results"]
        assert (item["id"], item["fallback"], item["translations"]) == (event.pk, True, [])
        [item] = other_api.json("/api/v1/events/", {"locale": "en"})["results"]
        assert (item["id"], item["fallback"]) == (english.pk, False)


def test_unsharing_shows_the_link_again(api, other_api):
    event, _english_event, project, english_project = linking_event()
    PagePartner.objects.create(page=project, partner=other_api.partner)
    # the German project is the other's now: the link leads to the version this key may see
    assert links_shown(api, event)[1]["id"] == english_project.pk
    PagePartner.objects.create(page=english_project, partner=other_api.partner)
    assert links_shown(api, event)[1] is None
    PagePartner.objects.filter(page__in=[project, english_project]).delete()
    assert links_shown(api, event)[1]["id"] == project.pk


def test_a_request_on_another_host_gets_its_own_absolute_urls(api):
    event = EventPageFactory(lead_image=image(), lead_image_alt="Alt")
    here = api.json(f"/api/v1/events/{event.pk}/")["image"]["renditions"]["480"]["webp"]
    with override_settings(ALLOWED_HOSTS=["*"]):
        there = api.json(f"/api/v1/events/{event.pk}/", HTTP_HOST="api.example.org")
    assert here.startswith("http://testserver/")
    assert there["image"]["renditions"]["480"]["webp"].startswith("http://api.example.org/")


def test_publishing_prepares_the_items_of_the_page_and_its_translations(api, run_on_commit):
    first = EventPageFactory(title="Erstes")
    api.json(f"/api/v1/events/{first.pk}/")  # the API has answered at this base URL
    event = EventPageFactory(title="Fest")
    english = translate(event, {"Fest": "Party"})
    PreparedItem.objects.filter(page__in=[event, english]).delete()

    event.title = "Neues Fest"
    run_on_commit(lambda: event.save_revision().publish())

    rows = PreparedItem.objects.filter(page__in=[event, english], base_url="http://testserver")
    assert {(row.page_id, row.kind, row.locale) for row in rows} == {
        (event.pk, "detail", "de"), (event.pk, "list", "de"), (english.pk, "detail", "en"), (english.pk, "list", "en")}
    prepared_bytes = api.get(f"/api/v1/events/{event.pk}/").content
    assert rows.filter(kind="detail").count() == 2, "the request read the prepared row, built none"
    PreparedItem.objects.all().delete()
    assert api.get(f"/api/v1/events/{event.pk}/").content == prepared_bytes


def test_an_item_sliced_from_its_spans_is_the_item_serialized():
    from frontend_api.caching import render_json
    from frontend_api.prepared import item_text, render_item
    from frontend_api.serializers.items import ALWAYS

    data = {"id": 7, "type": "events", "locale": "de", "fallback": False, "title": 'Straße "am" Fluss </script>',
            "score": 1.5, "nested": {"a": [1, None, True], "ü": "\u2028"}, "empty": [], "teaser": ""}
    text, spans = render_item(data)
    assert text == render_json(data).decode()
    for wanted in (None, frozenset(), frozenset({"title", "empty"}), frozenset({"nested", "unknown"})):
        for fallback in (None, True, False):
            expected = {name: value for name, value in data.items()
                        if wanted is None or name in ALWAYS or name in wanted}
            if fallback is not None:
                expected["fallback"] = fallback
            assert item_text(text, spans, wanted, ALWAYS, fallback) == render_json(expected).decode()
            assert item_text(text, None, wanted, ALWAYS, fallback) == render_json(expected).decode()
