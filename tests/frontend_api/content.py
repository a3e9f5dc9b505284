"""Content for API tests: pages with every block type, translated through wagtail-localize."""

import wagtail_factories
from django.test import TestCase
from wagtail.models import Locale
from wagtail.rich_text import RichText

from plugins.shared.factories import (
    ContactPersonFactory,
    OrganisationFactory,
    RegionFactory,
    TopicFactory,
)
from plugins.shared.translation import merge, plain_pair, translate_with_strings


def image(title="Rathaus", width=1200, height=800):
    return wagtail_factories.ImageFactory(title=title, file__width=width, file__height=height)


def document(title="Ablaufplan"):
    return wagtail_factories.DocumentFactory(
        title=title, file__filename="ablaufplan.pdf", file__data=b"%PDF-1.4 x"
    )


def body_with_everything(linked_page=None, linked_document=None, picture=None):
    """One block of every type of the shared body."""
    link = f'<a linktype="page" id="{linked_page.pk}">Zur Seite</a>' if linked_page else ""
    doc_link = f'<a linktype="document" id="{linked_document.pk}">Plan</a>' if linked_document else ""
    return [
        ("heading", "Worum es geht"),
        (
            "rich_text",
            RichText(
                f'<p data-block-key="a1b2c">Text mit {link} und {doc_link} und '
                f'<a href="https://example.org/x">extern</a>.</p>'
            ),
        ),
        (
            "image",
            {
                "image": picture,
                "alt_text": "Blick auf das Rathaus",
                "caption": "Das Rathaus",
                "credit": "Foto: Stadt",
            },
        ),
        ("quote", {"text": "Gemeinsam geht mehr.", "attribution": "Eine Teilnehmerin"}),
        ("key_figures", [{"number": "13", "label": "Orte"}, {"number": "über 3.000", "label": "Menschen"}]),
        (
            "link_list",
            [
                {"title": "Extern", "url": "https://example.org/", "page": None},
                {"title": "Im Hub", "url": "", "page": linked_page},
            ],
        ),
        (
            "attachment",
            {"document": linked_document, "title": "Programm", "description": "Das Programm als PDF"},
        ),
        ("video", "https://www.youtube.com/watch?v=abcdefghijk"),
        (
            "call_to_action",
            {"text": "Jetzt anmelden", "button_label": "Anmelden", "url": "https://example.org/a"},
        ),
    ]


def translate(obj, strings: dict[str, str], locale_code: str = "en", *, complete: bool = True,
              publish: bool = True):
    """The `locale_code` translation of `obj` through wagtail-localize, with `strings` (source -> target).
    `complete`: every other segment (slug, names) is confirmed as it is, so the translation is finished;
    otherwise those segments stay untranslated."""
    locale = Locale.objects.get(language_code=locale_code)
    # wagtail-localize publishes page translations on commit, which the test transaction never reaches.
    with TestCase.captureOnCommitCallbacks(execute=True):
        translated = translate_with_strings(
            obj, locale, merge(plain_pair(src, dst) for src, dst in strings.items()), publish=publish,
            confirm_rest=complete,
        )
    translated.refresh_from_db()
    return translated


def snippets():
    """A topic, a region inside another, a contact at an organisation; all translated to English."""
    topic = TopicFactory(name="Ehrenamt", slug="ehrenamt")
    translate(topic, {"Ehrenamt": "Volunteering"})
    land = RegionFactory(name="Sachsen", slug="sachsen", kind="land")
    city = RegionFactory(name="Dresden", slug="dresden", parent=land)
    translate(land, {"Sachsen": "Saxony"})
    translate(city, {"Dresden": "Dresden (EN)"})
    organisation = OrganisationFactory(name="Kulturverein", description="Ein Verein", region=city)
    translate(organisation, {"Kulturverein": "Culture club", "Ein Verein": "A club"})
    contact = ContactPersonFactory(name="Erika Muster", role="Koordination", organisation=organisation)
    translate(contact, {"Koordination": "Coordination"})
    return {"topic": topic, "land": land, "city": city, "organisation": organisation, "contact": contact}


# -- the editor's wagtail-localize steps, one by one ---------------------------------------------------


def submit_translation(page, locale_code: str = "en"):
    """"Diese Seite übersetzen": wagtail-localize's TranslationCreator, as its submit view runs it.
    Returns the Translation (its target page exists from now on)."""
    from wagtail_localize.models import Translation, TranslationSource
    from wagtail_localize.operations import TranslationCreator

    locale = Locale.objects.get(language_code=locale_code)
    with TestCase.captureOnCommitCallbacks(execute=True):
        TranslationCreator(user=None, target_locales=[locale]).create_translations(page)
    return Translation.objects.get(source=TranslationSource.objects.get_for_instance(page), target_locale=locale)


def translate_segments(translation, strings: dict[str, str], *, rest: bool = False) -> None:
    """What a translator types in the translation editor: a StringTranslation per segment whose source
    text is in `strings` (plain text); with `rest`, every other segment is kept as it is."""
    from wagtail_localize.models import StringSegment, StringTranslation

    wanted = merge(plain_pair(src, dst) for src, dst in strings.items())
    segments = StringSegment.objects.filter(source=translation.source).select_related("string", "context")
    for segment in segments:
        key = {"translation_of": segment.string, "locale": translation.target_locale, "context": segment.context}
        manual = {"translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL}
        if segment.string.data in wanted:
            StringTranslation.objects.update_or_create(
                **key, defaults={"data": wanted[segment.string.data], **manual}
            )
        elif rest:  # kept as it is, unless already translated
            StringTranslation.objects.get_or_create(**key, defaults={"data": segment.string.data, **manual})


def publish_translation(translation):
    """The translation editor's "Publish"; returns the published target page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        translation.save_target(publish=True)
    return translation.get_target_instance()
