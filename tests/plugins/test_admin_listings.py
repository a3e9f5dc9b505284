"""Each type's listing in the admin: one content language at a time (the editor's, switchable with the
language filter), absolute local dates, a default order that suits the type, and no "None"."""

import datetime

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from plugins.events.factories import EventPageFactory
from plugins.events.models import BERLIN
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from tests.plugins.admin_text import visible_text


def prefer(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def text_of(response) -> str:
    assert response.status_code == 200
    return " | ".join(visible_text(response.content.decode()))


def order_of(text: str, *titles: str) -> list[str]:
    return sorted(titles, key=text.index)


@pytest.mark.parametrize(("language", "start", "end"), [
    ("de", "06.03.2025 14:00", "06.03.2025 16:00"),
    ("en", "03/06/2025 2 p.m.", "03/06/2025 4 p.m."),
])
def test_event_listing_shows_start_and_end_as_local_date_and_time(editor_client, editor, language, start, end):
    EventPageFactory(title="Ostrale", start=datetime.datetime(2025, 3, 6, 14, 0, tzinfo=BERLIN), locale=language)
    prefer(editor, language)
    text = text_of(editor_client.get(reverse("event_pages:index")))
    assert start in text and end in text
    for relative in ("Jahr", "year"):  # not "vor 1 Jahr" / "1 year ago" (the "updated" column is relative)
        assert relative not in text


def test_events_list_the_furthest_ahead_first(editor_client):
    for title, year in [("Ostrale 2019", 2019), ("Ostrale 2031", 2031), ("Ostrale 2027", 2027)]:
        EventPageFactory(title=title, start=datetime.datetime(year, 6, 1, 18, tzinfo=BERLIN))
    text = text_of(editor_client.get(reverse("event_pages:index")))
    assert order_of(text, "Ostrale 2019", "Ostrale 2031", "Ostrale 2027") == [
        "Ostrale 2031", "Ostrale 2027", "Ostrale 2019"]


def test_funding_listing_shows_the_next_deadline_as_a_date_soonest_first(editor_client):
    later = FundingPageFactory(title="Fonds später", rounds=[a_round(-5, 40)])
    FundingPageFactory(title="Fonds laufend")  # rolling: no deadline, listed last
    sooner = FundingPageFactory(title="Fonds bald", rounds=[a_round(-5, 10), a_round(50, 90)])
    text = text_of(editor_client.get(reverse("funding_pages:index")))
    assert order_of(text, "Fonds später", "Fonds laufend", "Fonds bald") == ["Fonds bald", "Fonds später", "Fonds laufend"]
    for page in (sooner, later):
        assert page.next_deadline.strftime("%d.%m.%Y") in text


def test_projects_list_the_latest_change_first(editor_client):
    ProjectPageFactory(title="Projekt alt")
    newer = ProjectPageFactory(title="Projekt neu")
    newer.save_revision()
    text = text_of(editor_client.get(reverse("project_pages:index")))
    assert order_of(text, "Projekt alt", "Projekt neu") == ["Projekt neu", "Projekt alt"]


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("de", "Ostrale Eröffnung", "Ostrale Opening"),
    ("en", "Ostrale Opening", "Ostrale Eröffnung"),
])
def test_listing_shows_the_editors_content_language_until_the_filter_says_otherwise(
    editor_client, editor, language, shown, hidden
):
    EventPageFactory(title="Ostrale Eröffnung")
    EventPageFactory(title="Ostrale Opening", locale="en")
    prefer(editor, language)
    url = reverse("event_pages:index")
    text = text_of(editor_client.get(url))
    assert shown in text and hidden not in text
    everything = text_of(editor_client.get(url, {"locale": ""}))  # the language filter's "All"
    assert shown in everything and hidden in everything
    other = "en" if language == "de" else "de"
    only_other = text_of(editor_client.get(url, {"locale": other}))
    assert hidden in only_other and shown not in only_other


@pytest.mark.parametrize("url_name", ["project_pages:index", "report_pages:index", "event_pages:index",
                                      "funding_pages:index", "wagtailadmin_pages:search"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_no_none_in_listings_and_search(editor_client, editor, url_name, language):
    ProjectPageFactory(title="Ostrale Projekt")
    EventPageFactory(title="Ostrale Eröffnung")
    prefer(editor, language)
    for query in ({}, {"q": "Ostrale"}):
        texts = visible_text(editor_client.get(reverse(url_name), query).content.decode())
        assert not [text for text in texts if "None" in text.split()], (url_name, query)


def test_page_search_counts_pages(editor_client):
    ProjectPageFactory(title="Ostrale Projekt")
    EventPageFactory(title="Ostrale Eröffnung")
    text = text_of(editor_client.get(reverse("wagtailadmin_pages:search"), {"q": "Ostrale"}))
    assert "1-2 von 2 Seiten" in text
