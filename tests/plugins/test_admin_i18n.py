"""The admin speaks one language at a time: German by default, English for an editor who picks English.

The main screens (dashboard, explorer, each type's listing, the editor, wagtail-localize's translation
editor, snippets, the Partner-API admin) are walked in both languages; none shows a word that only the
other language uses (words from the hub's, Wagtail's and wagtail-localize's catalogues; content and
proper names are allowed)."""

import datetime
import json
import re
from html import unescape
from urllib.parse import urlencode

import polib
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import Locale
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from frontend_api.models import PartnerAPIKey, Webhook
from plugins.events.factories import EventPageFactory
from plugins.events.models import BERLIN, EventIndexPage, EventSeries
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import OrganisationFactory, PartnerFactory, RegionFactory, TopicFactory
from tests.plugins.admin_text import CATALOGUE, foreign_phrases, giveaway_words, visible_text, words

# Names that are the same in both languages (the product, Wagtail itself).
ALLOWED = {"Kulturhub", "Wagtail"}


@pytest.fixture
def content(db, editor_client, editor):
    de, en = Locale.objects.get(language_code="de"), Locale.objects.get(language_code="en")
    topic = TopicFactory(name="Ostrale", slug="ostrale")
    region = RegionFactory(name="Dresden", slug="dresden")
    organisation = OrganisationFactory(name="Ostrale Zentrum")
    EventSeries.objects.create(title="Ostrale Reihe", slug="ostrale-reihe", locale=de)
    partner = PartnerFactory(name="Ostrale Partner", slug="ostrale-partner", preview_url="https://ostrale.example.org/p/")
    PartnerAPIKey.objects.assign_key(PartnerAPIKey(partner=partner, name="Ostrale"))
    Webhook.objects.create(partner=partner, url="https://ostrale.example.org/hook")
    pages = {
        "projects": ProjectPageFactory(title="Ostrale 2027", topics=[topic], regions=[region]),
        "reports": ExperienceReportPageFactory(title="Ostrale 2026", author_organisation=organisation,
                                               publication_date=datetime.date(2026, 5, 1)),
        "events": EventPageFactory(title="Ostrale Eröffnung", start=datetime.datetime(2027, 6, 1, 18, tzinfo=BERLIN),
                                   topics=[topic]),
        "funding": FundingPageFactory(title="Ostrale Fonds", rounds=[a_round(-5, 30)]),
    }
    response = editor_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[pages["events"].pk]), {"locales": [en.pk]}
    )
    assert response.status_code == 302
    editor_client.get(reverse("wagtailadmin_home"))  # shows (and so clears) the German "submitted" message
    source = TranslationSource.objects.get_for_instance(pages["events"])
    translation_ = Translation.objects.get(source=source, target_locale=en)
    segment = StringSegment.objects.get(source=source, string__data="Ostrale Eröffnung")
    response = editor_client.put(
        reverse("wagtail_localize:edit_string_translation", args=[translation_.pk, segment.pk]),
        urlencode({"value": "Ostrale Opening"}), content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201
    return {"pages": pages, "translation": pages["events"].get_translation(en), "partner": partner, "topic": topic}


def screens(content) -> dict[str, str]:
    pages = content["pages"]
    return {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore", args=[EventIndexPage.objects.get(locale__language_code="de").pk]),
        "explorer (root)": reverse("wagtailadmin_explore_root"),
        **{f"{name} listing": reverse(f"{prefix}:index") for name, prefix in [
            ("projects", "project_pages"), ("reports", "report_pages"), ("events", "event_pages"),
            ("funding", "funding_pages")]},
        **{f"{name} listing search": reverse(f"{prefix}:index") + "?q=Ostrale" for name, prefix in [
            ("projects", "project_pages"), ("events", "event_pages")]},
        "explorer search": reverse("wagtailadmin_explore", args=[EventIndexPage.objects.get(
            locale__language_code="de").pk]) + "?q=Ostrale",
        "page search": reverse("wagtailadmin_pages:search") + "?q=Ostrale",
        **{f"{name} edit": reverse("wagtailadmin_pages:edit", args=[page.pk]) for name, page in pages.items()},
        "event add": reverse("wagtailadmin_pages:add", args=[
            "events", "eventpage", EventIndexPage.objects.get(locale__language_code="de").pk]),
        "translate": reverse("wagtailadmin_pages:edit", args=[content["translation"].pk]),
        "topics": reverse("wagtailsnippets_shared_topic:list"),
        "topic edit": reverse("wagtailsnippets_shared_topic:edit", args=[content["topic"].pk]),
        "regions": reverse("wagtailsnippets_shared_region:list"),
        "organisations": reverse("wagtailsnippets_shared_organisation:list"),
        "organisation add": reverse("wagtailsnippets_shared_organisation:add"),
        "event series": reverse("wagtailsnippets_events_eventseries:list"),
        "partners": reverse("partner:index"),
        "partner edit": reverse("partner:edit", args=[content["partner"].pk]),
        "api keys": reverse("partnerapikey:index"),
        "api key add": reverse("partnerapikey:add"),
        "webhook add": reverse("webhook:add"),
        "webhooks": reverse("webhook:index"),
        "promotions": reverse("search_promotions:index"),
        "promotion add": reverse("search_promotions:add") + "?query=ostrale",
        "search insights": reverse("search_insights:index"),
        "synonyms": reverse("wagtailsnippets_kulturhub_search_searchsynonym:list"),
        "synonym add": reverse("wagtailsnippets_kulturhub_search_searchsynonym:add") + "?terms=ostrale",
        "deliveries": reverse("webhookdelivery:index"),
    }


def content_words() -> set[str]:
    """Titles and names editors wrote: content, allowed in either admin."""
    from wagtail.models import Page

    from plugins.shared.models import Organisation, Partner, Region, Topic
    from search.models import SearchSynonym

    texts = [*Page.objects.values_list("title", flat=True), *EventSeries.objects.values_list("title", flat=True)]
    for model in (Topic, Region, Organisation, Partner):
        texts += model.objects.values_list("name", flat=True)
    texts += SearchSynonym.objects.values_list("terms", flat=True)  # every language's entries in one list
    return set().union(*(words(text) for text in texts))


def prefer(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.mark.parametrize("language", ["de", "en"])
def test_admin_screens_speak_one_language(editor_client, editor, content, language):
    prefer(editor, language)
    german, english = giveaway_words()
    foreign = english if language == "de" else german
    allowed = ALLOWED | content_words()
    found = {}
    for name, url in screens(content).items():
        response = editor_client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        hits = foreign_phrases(visible_text(response.content.decode()), foreign, allowed)
        if hits:
            found[name] = hits
    assert not found, "\n".join(f"{name}: {hits}" for name, hits in found.items())


@pytest.mark.parametrize(("language", "target", "comment"), [
    ("de", "Englisch", r"Manuell übersetzt am \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}"),  # 30. November 2026
    ("en", "English", r"Translated manually on [A-Z][a-z]+\.? \d{1,2}, \d{4}"),  # Nov. 30, 2026
])
def test_translation_editor_names_languages_and_dates_in_the_admin_language(
    editor_client, editor, content, language, target, comment
):
    prefer(editor, language)
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[content["translation"].pk])).content.decode()
    props = json.loads(unescape(re.search(r'class="js-translation-editor" data-props="([^"]*)"', html).group(1)))
    assert props["locale"]["displayName"] == target
    assert props["sourceLocale"]["displayName"] == {"de": "Deutsch", "en": "German"}[language]
    [translated] = [t for t in props["initialStringTranslations"] if t["comment"]]
    updated = timezone.localtime(StringTranslation.objects.get(data="Ostrale Opening").updated_at)
    with translation.override(language):
        assert translated["comment"].endswith(date_format(updated, "DATE_FORMAT"))
    assert re.fullmatch(comment, translated["comment"]), translated["comment"]


def test_catalogue_is_complete_and_its_compiled_form_current():
    """Every string of the hub's catalogue is translated, and the committed .mo (what Django reads; `./hub
    setup` compiles it again with polib) says the same as the .po."""
    po = polib.pofile(str(CATALOGUE))
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    mo = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in mo} == {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
