"""Translating objects through wagtail-localize with known strings (demo content, site skeleton).

The result is what an editor would get by translating in the admin: a TranslationSource, a Translation
per target locale and StringTranslations per segment, so later source changes can be synced.
"""

from collections.abc import Iterable, Mapping

from django.db import transaction
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue, extract_strings


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
def translate_with_strings(instance, locale: Locale, strings: Mapping[str, str], publish: bool = True):
    """Creates or updates the `locale` translation of `instance`, taking each segment's text from
    `strings` (source string -> translated string, stored form); untranslated segments keep the source text.
    Returns the translated instance."""
    if isinstance(instance, Page):
        instance = instance.specific
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        translated = strings.get(segment.string.data)
        if translated is None:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string, locale=locale, context=segment.context,
            defaults={"data": translated, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
        )
    translation.save_target(publish=publish)
    return source.get_translated_instance(locale)


def untranslated_strings(instance, locale: Locale) -> list[str]:
    """Source strings of `instance` that have no translation into `locale` yet."""
    source = TranslationSource.objects.get_for_instance(instance)
    segments = StringSegment.objects.filter(source=source).select_related("string")
    done = set(
        StringTranslation.objects.filter(
            locale=locale, translation_of__in=[s.string for s in segments]
        ).values_list("translation_of_id", "context_id")
    )
    return [s.string.data for s in segments if (s.string_id, s.context_id) not in done]


def merge(pairs: Iterable[Mapping[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for pair in pairs:
        merged.update(pair)
    return merged
