"""A wagtail-localize round trip for every type, through the admin views editors use: translate,
edit a string, publish, change the source, sync -- the English page follows the German one."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from plugins.events.factories import EventPageFactory
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.shared.factories import TopicFactory
from tests.content_types import FACTORIES as DEFAULT_FACTORIES
from tests.plugins.admin_forms import edit_page

FACTORIES = {
    **DEFAULT_FACTORIES,
    "projects": lambda **kw: ProjectPageFactory(end_date=datetime.date(2025, 12, 31), **kw),
    "funding": lambda **kw: FundingPageFactory(rounds=[a_round(-5, 30)], **kw),
}


def segment_for(source: TranslationSource, text: str) -> StringSegment:
    return StringSegment.objects.select_related("string").get(source=source, string__data=text)


@pytest.mark.parametrize("type_name", list(FACTORIES))
def test_translation_round_trip(editor_client, editor, en, type_name, django_capture_on_commit_callbacks):
    topic = TopicFactory(name="Soziokultur", slug="soziokultur")
    source_page = FACTORIES[type_name](title="Netzwerk für Meißen", teaser="Ein Netzwerk wächst.", topics=[topic])

    # 1. translate through wagtail-localize's submit view
    response = editor_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[source_page.pk]), {"locales": [en.pk]}
    )
    assert response.status_code == 302
    english = source_page.get_translation(en).specific
    source = TranslationSource.objects.get_for_instance(source_page)
    translation = Translation.objects.get(source=source, target_locale=en)

    # 2. translate strings in the translation editor
    for german, english_text in [("Netzwerk für Meißen", "A network for Meissen"),
                                 ("Ein Netzwerk wächst.", "A network grows.")]:
        response = editor_client.put(
            reverse("wagtail_localize:edit_string_translation",
                    args=[translation.pk, segment_for(source, german).pk]),
            urlencode({"value": english_text}), content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 201, response.content

    # 3. publish the translation
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        translation.save_target(user=editor, publish=True)
    english.refresh_from_db()
    assert english.live and english.title == "A network for Meissen" and english.teaser == "A network grows."
    # choices, dates and links are synchronised, not translated
    assert [link.topic_id for link in english.topic_links.all()] == [topic.pk]
    for name in ("start", "start_date", "publication_date", "status", "kind"):
        if hasattr(source_page, name):
            assert getattr(english, name) == getattr(source_page, name)

    # 4. the editor changes the German source, then syncs the translation
    response = edit_page(editor_client, editor, source_page, {
        "title": "Netzwerk für Meißen", "slug": source_page.slug, "teaser": "Ein Netzwerk wächst weiter.",
        **synchronised_fields(source_page),
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"}
        )
    assert response.status_code == 302
    english.refresh_from_db()
    assert english.title == "A network for Meissen"  # kept: its source string did not change
    assert english.teaser == "Ein Netzwerk wächst weiter."  # new source text until someone translates it
    assert Locale.objects.get(pk=english.locale_id).language_code == "en"


def test_submitting_a_translation_in_the_admin_leaves_the_new_page_a_draft(
    editor_client, en, django_capture_on_commit_callbacks
):
    german = EventPageFactory(title="Sommerfest")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("wagtail_localize:submit_page_translation", args=[german.pk]), {"locales": [en.pk]}
        )
    assert response.status_code == 302
    english = german.get_translation(en)
    assert german.live and not english.live  # the editor publishes it once it is translated


def synchronised_fields(page) -> dict:
    """The rest of the editor form as the page holds it now."""
    from tests.plugins.admin_forms import inline_formset, plain_values, streamfield

    values = {"body": streamfield([])}
    values.update(plain_values(page))  # every type's own fields; the known ones below as the form shows them
    for name in ("status", "kind", "event_format", "online_access", "author_name"):
        if hasattr(page, name):
            values[name] = getattr(page, name)
    for name in ("start", "end"):
        if getattr(page, name, None):
            values[name] = page.__dict__[name].astimezone(datetime.timezone(datetime.timedelta(hours=1))).strftime(
                "%Y-%m-%d %H:%M")
    for name in ("start_date", "end_date", "publication_date"):
        if getattr(page, name, None):
            values[name] = getattr(page, name).isoformat()
    values["topics"] = [link.topic_id for link in page.topic_links.all()]
    if hasattr(page, "deadlines"):
        values["deadlines"] = inline_formset(
            [{"label": d.label, "opens_on": d.opens_on.isoformat(), "closes_on": d.closes_on.isoformat(), "id": d.pk}
             for d in page.deadlines.all()], initial=page.deadlines.count())
    return values


def test_snippet_translation_links_back(en):
    from plugins.shared.translation import plain_pair, translate_with_strings

    topic = TopicFactory(name="Soziokultur", slug="soziokultur")
    english = translate_with_strings(topic, en, plain_pair("Soziokultur", "Sociocultural work"))
    assert english.name == "Sociocultural work"
    assert english.slug == "soziokultur"  # slugs stay the same in every language, so API filters work
    assert english.get_translation(topic.locale) == topic
