"""Translations through wagtail-localize: made with known strings (demo content, site skeleton), and
the state of each published page translation that the honest-translation rule reads.

Made translations are what an editor would get by translating in the admin: a TranslationSource, a
Translation per target locale and StringTranslations per segment, so later source changes can be synced.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_localize.fields import get_translatable_fields
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue, extract_strings

from plugins.shared.models import PageTranslationState


def plain_pair(source: str, target: str) -> dict[str, str]:
    """A plain-text source string and its translation, in wagtail-localize's stored form."""
    if not source:
        return {}
    return {StringValue.from_plaintext(source).data: StringValue.from_plaintext(target).data}


def html_pairs(source_html: str, target_html: str) -> dict[str, str]:
    """Pairs the text segments of two rich-text values with the same block structure."""
    _template, source_strings = extract_strings(source_html)
    _template, target_strings = extract_strings(target_html)
    if len(source_strings) != len(target_strings):
        raise ValueError(
            f"rich text has {len(source_strings)} segments in the source but {len(target_strings)} in the "
            f"translation: {source_html[:80]!r}"
        )
    return {src.data: dst.data for (src, _a), (dst, _b) in zip(source_strings, target_strings, strict=True)}


@transaction.atomic
def translate_with_strings(instance, locale: Locale, strings: Mapping[str, str], publish: bool = True, *,
                           confirm_rest: bool = False):
    """Creates or updates the `locale` translation of `instance`, taking each segment's text from
    `strings` (source string -> translated string, stored form). Other segments stay untranslated (the
    translation shows their source text and counts as unfinished), or with `confirm_rest` are translated
    as they are, as a translator keeps a name or an address. Returns the translated instance."""
    if isinstance(instance, Page):
        instance = instance.specific
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        translated = strings.get(segment.string.data)
        if translated is None and confirm_rest:
            # kept as it is, unless a translator already translated it
            StringTranslation.objects.get_or_create(
                translation_of=segment.string, locale=locale, context=segment.context,
                defaults={"data": segment.string.data,
                          "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
        if translated is None:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string, locale=locale, context=segment.context,
            defaults={"data": translated, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
        )
    translation.save_target(publish=publish)
    return source.get_translated_instance(locale)


def merge(pairs: Iterable[Mapping[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for pair in pairs:
        merged.update(pair)
    return merged


# -- the state of published page translations ----------------------------------------------------------

# Who may see a page is not what it says: a sharing change does not make its translations outdated.
NOT_CONTENT = frozenset({"partner_links"})
CHILD_IDENTITY = frozenset({"pk", "id", "page"})


def content_fingerprint(model: type, data: dict) -> str:
    """A checksum of what a translation is made from: the translatable and synchronised fields of a page's
    serialised data (its `serializable_data()`, as wagtail-localize stores it in a TranslationSource)."""
    names = sorted({field.field_name for field in get_translatable_fields(model)} - NOT_CONTENT)
    content = {}
    for name in names:
        value = data.get(name)
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            value = [{k: v for k, v in item.items() if k not in CHILD_IDENTITY} for item in value]
        else:
            value = canonical(model, name, value)
        content[name] = value
    encoded = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def canonical(model: type, name: str, value):
    """One spelling per value: a decimal read from the database ("5000.00") equals the one assigned in
    Python ("5000")."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(field, models.DecimalField) and value not in (None, ""):
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places)))
    return value


def page_fingerprint(page: Page) -> str:
    data = json.loads(json.dumps(page.serializable_data(), cls=DjangoJSONEncoder))
    return content_fingerprint(type(page), data)


def source_fingerprint(source: TranslationSource) -> str:
    return content_fingerprint(source.specific_content_type.model_class(), json.loads(source.content_json))


def record_publication(page: Page) -> None:
    """Called whenever a page is published. As a wagtail-localize translation, the page's state is
    recorded (every segment translated? made from the source's current content?); as a source, its
    translations are marked outdated when the content they were made from differs from what is now live.
    A page that is neither has no state: it was written in its own language."""
    if type(page) is Page:
        page = page.specific  # the fingerprint reads the type's own translatable fields
    translation = (
        Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        ).select_related("source").first()
    )
    if translation is not None:
        total, translated = translation.get_progress()
        made_from = source_fingerprint(translation.source)
        live_source = (
            Page.objects.filter(translation_key=page.translation_key, locale_id=translation.source.locale_id)
            .first()
        )
        outdated = live_source is not None and page_fingerprint(live_source.specific) != made_from
        PageTranslationState.objects.update_or_create(
            page_id=page.pk,
            defaults={"complete": translated == total, "outdated": outdated, "source_fingerprint": made_from,
                      "published_at": page.last_published_at or timezone.now()},
        )
    elif page.alias_of_id and Page.objects.filter(pk=page.alias_of_id).exclude(locale_id=page.locale_id).exists():
        # An alias in another language shows its original's text unchanged.
        PageTranslationState.objects.update_or_create(
            page_id=page.pk,
            defaults={"complete": False, "outdated": False, "source_fingerprint": "",
                      "published_at": page.last_published_at or timezone.now()},
        )
    else:
        PageTranslationState.objects.filter(page_id=page.pk).delete()

    target_locales = Translation.objects.filter(
        source__object_id=page.translation_key, source__locale_id=page.locale_id
    ).values("target_locale_id")
    translations = PageTranslationState.objects.filter(
        page__translation_key=page.translation_key, page__locale_id__in=target_locales
    ).exclude(page_id=page.pk)
    if translations.exists():
        current = page_fingerprint(page)
        translations.filter(source_fingerprint=current).update(outdated=False)
        translations.exclude(source_fingerprint=current).update(outdated=True)
