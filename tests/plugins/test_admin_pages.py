"""Editors create each content type through the Wagtail page editor and publish it."""

import datetime

import pytest
from django.apps import apps
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from plugins.shared.factories import OrganisationFactory, TopicFactory
from tests.content_types import FACTORIES, MODELS, TYPES
from tests.plugins.admin_forms import add_page, inline_formset, plain_values, rich_text, streamfield


def index_of(model):
    return apps.get_model(model.parent_page_types[0]).objects.get(locale=Locale.get_default())


def body():
    return streamfield([
        ("heading", "Worum es geht"),
        ("rich_text", rich_text("<p>Ein soziokulturelles Netzwerk für Meißen.</p>")),
        ("key_figures", streamfield([("item", {"number": "28.000", "label": "Einwohnerinnen und Einwohner"})])),
    ])


def values_for(type_name: str) -> dict:
    common = {"teaser": "Ein Teaser in einem Satz.", "body": body()}
    topic = TopicFactory(name="Soziokultur", slug="soziokultur")
    common["topics"] = [topic.pk]
    if type_name == "projects":
        return {**common, "title": "Strukturaufbau Soziokultur", "slug": "strukturaufbau-soziokultur", "status": "running", "start_date": "2021-09-01",
                "end_date": "2022-12-31",
                "goals": streamfield([("goal", "Bündelung von Ressourcen und Kompetenzen")]),
                "participants": inline_formset([{"organisation": OrganisationFactory().pk, "role": "lead"}])}
    if type_name == "reports":
        return {**common, "title": "100 Tage Kreatives Sachsen", "slug": "100-tage-kreatives-sachsen", "author_name": "Team Kreatives Sachsen",
                "publication_date": "2017-10-05"}
    if type_name == "events":
        return {**common, "title": "Lokale Vernetzung und Netzwerke", "slug": "lokale-vernetzung", "start": "2024-11-20 14:00",
                "end": "2024-11-20 16:00", "event_format": "online", "online_access": "per Zoom",
                "agenda": streamfield([("item", {"start_time": "14:00", "end_time": "14:05", "title": "Ankommen",
                                                 "description": "", "speakers": ""})])}
    if type_name == "funding":
        return {**common, "title": "Kultur in Westfalen", "slug": "kultur-in-westfalen", "kind": "grant", "amount_min": "1000", "amount_max": "5000",
                "deadlines": inline_formset([{"label": "Runde 1", "opens_on": "2026-09-01", "closes_on": "2027-03-31"}])}
    return {**common, "title": "Neue Seite", "slug": "neue-seite", **form_values_from_factory(type_name)}


def form_values_from_factory(type_name: str) -> dict:
    """The editor's values of a type's own plain fields, as its test factory would fill them."""
    return plain_values(FACTORIES[type_name].build())


@pytest.mark.parametrize("type_name", TYPES)
def test_editor_creates_and_publishes_each_type(editor_client, editor, type_name):
    model = MODELS[type_name]
    response = add_page(editor_client, editor, model, index_of(model), values_for(type_name))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = model.objects.get()
    assert page.live and page.locale.language_code == "de"
    assert [b.block_type for b in page.body] == ["heading", "rich_text", "key_figures"]
    assert [link.topic.slug for link in page.topic_links.all()] == ["soziokultur"]


def test_event_times_are_berlin_time(editor_client, editor):
    model = MODELS["events"]
    add_page(editor_client, editor, model, index_of(model), values_for("events"))
    page = model.objects.get()
    assert page.start == datetime.datetime(2024, 11, 20, 13, 0, tzinfo=datetime.UTC)


def test_save_draft_keeps_page_off_the_api(editor_client, editor):
    from plugins.projects.selectors import projects

    model = MODELS["projects"]
    response = add_page(editor_client, editor, model, index_of(model), values_for("projects"), action=None)
    assert response.status_code == 302
    assert not model.objects.get().live
    assert list(projects()) == []


def test_admin_listing_filters(editor_client, editor):
    from plugins.funding.factories import FundingPageFactory, a_round

    FundingPageFactory(title="Offene Förderung", rounds=[a_round(-5, 5)])
    FundingPageFactory(title="Geschlossene Förderung", rounds=[a_round(-50, -5)])
    response = editor_client.get("/admin/funding_pages/", {"funding_status": "open"})
    assert response.status_code == 200
    assert b"Offene F\xc3\xb6rderung" in response.content
    assert b"Geschlossene F\xc3\xb6rderung" not in response.content


def test_dashboard_shows_next_deadlines_and_events(editor_client):
    from plugins.events.factories import EventPageFactory
    from plugins.funding.factories import FundingPageFactory, a_round

    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    EventPageFactory(title="Netzwerktreffen in Meißen", start=soon)
    FundingPageFactory(title="Kultur in Westfalen", rounds=[a_round(-5, 20)])
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    assert "Netzwerktreffen in Meißen" in response.content.decode()
    assert "Kultur in Westfalen" in response.content.decode()


def test_admin_speaks_german_by_default(editor_client):
    response = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="de"' in response.content.decode()


def test_an_editor_may_choose_english_and_a_visitors_language_does_not_leak_into_the_admin(
    editor_client, editor
):
    assert editor_client.get("/en/").status_code == 200  # a visitor's English page on the same thread
    assert 'lang="de"' in editor_client.get("/admin/").content.decode()
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    assert 'lang="en"' in editor_client.get("/admin/").content.decode()
