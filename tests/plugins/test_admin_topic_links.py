"""Topics and regions are chosen several at once in one widget of the page editor; the choice is stored as
the page's PageTopic / PageRegion rows, which translations keep. Long titles are shown in full."""

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from plugins.events.factories import EventPageFactory
from plugins.shared.factories import RegionFactory, TopicFactory
from tests.plugins.admin_forms import edit_page
from tests.plugins.test_translation import synchronised_fields


def topic_ids(page):
    return [link.topic_id for link in page.topic_links.order_by("sort_order")]


@pytest.fixture
def topics(db):
    return [TopicFactory(name=name, slug=name.lower()) for name in ("Bildung", "Soziokultur", "Theater")]


def save(client, user, page, **values):
    response = edit_page(client, user, page, {"title": page.title, "slug": page.slug, "teaser": page.teaser,
                                              **synchronised_fields(page), **values})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page.refresh_from_db()
    return page


def test_editor_shows_topics_and_regions_as_one_multiple_choice_each(editor_client, topics):
    region = RegionFactory(name="Dresden")
    page = EventPageFactory(topics=[topics[1]])
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert html.count('type="checkbox" name="topics"') == 3
    assert f'type="checkbox" name="topics" value="{topics[1].pk}"' in html  # checked: it is linked
    assert 'checked' in html.split(f'value="{topics[1].pk}"')[1].split(">")[0]
    assert f'type="checkbox" name="regions" value="{region.pk}"' in html
    assert "topic_links-TOTAL_FORMS" not in html  # no more one inline form per topic ("Themen 1", "Themen 2")


def test_choosing_several_topics_writes_the_rows_and_keeps_unchanged_ones(editor_client, editor, topics):
    bildung, soziokultur, theater = topics
    page = save(editor_client, editor, EventPageFactory(), topics=[bildung.pk, soziokultur.pk])
    assert topic_ids(page) == [bildung.pk, soziokultur.pk]
    kept = page.topic_links.get(topic=soziokultur).pk

    page = save(editor_client, editor, page, topics=[soziokultur.pk, theater.pk])
    assert topic_ids(page) == [soziokultur.pk, theater.pk]
    assert page.topic_links.get(topic=soziokultur).pk == kept

    page = save(editor_client, editor, page, topics=[], regions=[RegionFactory().pk])
    assert topic_ids(page) == [] and page.region_links.count() == 1


def test_translation_keeps_the_chosen_topics_and_follows_changes(
    editor_client, editor, topics, django_capture_on_commit_callbacks
):
    en = Locale.objects.get(language_code="en")
    bildung, soziokultur, theater = topics
    page = save(editor_client, editor, EventPageFactory(), topics=[bildung.pk, soziokultur.pk])
    response = editor_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]), {"locales": [en.pk]})
    assert response.status_code == 302
    source = TranslationSource.objects.get_for_instance(page)
    with django_capture_on_commit_callbacks(execute=True):
        Translation.objects.get(source=source, target_locale=en).save_target(user=editor, publish=True)
    english = page.get_translation(en).specific
    assert topic_ids(english) == [bildung.pk, soziokultur.pk]
    # the translation editor opens on it
    assert editor_client.get(reverse("wagtailadmin_pages:edit", args=[english.pk])).status_code == 200

    save(editor_client, editor, page, topics=[theater.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"})
    assert response.status_code == 302
    english.refresh_from_db()
    assert topic_ids(english) == [theater.pk]


def test_long_titles_are_shown_in_full_and_saved_on_one_line(editor_client, editor):
    title = "Kulturelle Teilhabe im ländlichen Raum: Erfahrungen aus zehn Jahren soziokultureller Arbeit " \
            "in Sachsen, Thüringen und Sachsen-Anhalt"
    page = EventPageFactory(title=title)
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    field = html.split('name="title"')[0].rsplit("<", 1)[1] + html.split('name="title"')[1].split(">")[0]
    assert field.startswith("textarea") and "w-autosize" in field  # grows with the title, not cut off
    assert f">{title}</textarea>" in html.replace("\n", "")
    page = save(editor_client, editor, page, title="Ostrale\r\n  Eröffnung ")
    assert page.title == "Ostrale Eröffnung"
