"""Items of every content type: the shared fields, the snippet shapes, and how an item is assembled."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from rest_framework import serializers
from wagtail.fields import StreamField

from frontend_api.registry import ContentTypeAPI, Field
from frontend_api.serializers import schema
from frontend_api.serializers.blocks import collect_stream, stream_data, stream_schema
from frontend_api.serializers.context import SerializationContext
from frontend_api.serializers.media import image_object
from plugins.shared import timeformat
from plugins.shared.blocks import BodyBlock
from plugins.shared.languages import content_languages
from plugins.shared.models import Organisation, Region

ALWAYS = ("id", "type", "locale", "fallback")
ALWAYS_IN_DETAIL = (*ALWAYS, "translation_outdated")


# -- value helpers for plugins' api.py ------------------------------------------------------------


iso = timeformat.iso  # for the types' api.py: dates as YYYY-MM-DD, times to the second with the Berlin offset


def number(value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def topic_data(topic) -> dict:
    return {"id": topic.pk, "slug": topic.slug, "name": topic.name}


def region_data(region) -> dict | None:
    if region is None:
        return None
    return {
        "id": region.pk,
        "slug": region.slug,
        "name": region.name,
        "kind": region.kind,
        "parent": region.parent.slug if region.parent_id else None,
    }


def organisation_summary(organisation) -> dict | None:
    if organisation is None:
        return None
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "website": organisation.website or None,
    }


def organisation_data(organisation, context: SerializationContext) -> dict | None:
    """An organisation expanded one level: its region and logo, nothing further."""
    organisation = context.snippet(organisation)
    if organisation is None:
        return None
    return {
        **organisation_summary(organisation),
        "description": organisation.description,
        "region": region_data(context.snippet_by_pk(Region, organisation.region_id)),
        "logo": image_object(organisation.logo, context, alt=organisation.name)
        if organisation.logo_id
        else None,
    }


def contact_data(contact, context: SerializationContext) -> dict:
    """A contact in the answer's language, with its organisation (also localized) in brief."""
    return {
        "id": contact.pk,
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
        "organisation": organisation_summary(context.snippet_by_pk(Organisation, contact.organisation_id)),
    }


# -- the fields every content type has --------------------------------------------------------------


def lead_image(page, context: SerializationContext) -> dict | None:
    return image_object(
        page.lead_image,
        context,
        alt=page.lead_image_alt,
        caption=page.lead_image_caption,
        credit=page.lead_image_credit,
    )


COMMON_FIELDS: dict[str, Field] = {
    "id": Field(
        serializers.IntegerField(help_text="Page id; also the id of the detail endpoint"),
        lambda page, ctx: page.pk,
    ),
    "type": Field(serializers.CharField(help_text="The content type, as in the URL"), lambda page, ctx: None),
    "locale": Field(
        serializers.ChoiceField(choices=content_languages(), help_text="Language of this item"),
        lambda page, ctx: page.locale.language_code,
    ),
    "fallback": Field(
        serializers.BooleanField(
            help_text="true when the requested locale has no published, fully translated version the key may "
            "see and the item answers in its source language instead (`locale` says which)"
        ),
        lambda page, ctx: ctx.is_fallback(page),
    ),
    "translation_outdated": Field(
        serializers.BooleanField(
            help_text="true when the source page was republished with changes after this translation was "
            "last published; always false for a page that is not a translation"
        ),
        lambda page, ctx: ctx.translation_outdated(page),
        detail_only=True,
    ),
    "title": Field(serializers.CharField(), lambda page, ctx: page.title),
    "slug": Field(
        serializers.CharField(help_text="URL slug (may contain non-ASCII letters)"),
        lambda page, ctx: page.slug,
    ),
    "teaser": Field(serializers.CharField(allow_blank=True), lambda page, ctx: page.teaser),
    "url": Field(
        serializers.URLField(allow_null=True, help_text="Public URL of the page at the hub"),
        lambda page, ctx: ctx.full_url(page),
    ),
    "last_published_at": Field(
        serializers.DateTimeField(allow_null=True, help_text="ISO 8601 with the Europe/Berlin offset"),
        lambda page, ctx: iso(page.last_published_at),
    ),
    "translations": Field(
        schema.TranslationSerializer(many=True, help_text="The other languages of this page the key may see"),
        lambda page, ctx: ctx.translations(page),
    ),
    "image": Field(schema.ImageSerializer(allow_null=True, help_text="Lead image"), lead_image),
    "topics": Field(
        schema.TopicSerializer(many=True),
        lambda page, ctx: [topic_data(topic) for topic in ctx.linked(page, "topics")],
    ),
    "regions": Field(
        schema.RegionSerializer(many=True),
        lambda page, ctx: [region_data(region) for region in ctx.linked(page, "regions")],
    ),
    "body": Field(
        stream_schema(BodyBlock(), "BodyBlock"),
        lambda page, ctx: stream_data(page.body, ctx),
        detail_only=True,
    ),
    "contacts": Field(
        schema.ContactSerializer(many=True),
        lambda page, ctx: [contact_data(contact, ctx) for contact in ctx.linked(page, "contacts")],
        detail_only=True,
    ),
}


def all_fields(api: ContentTypeAPI) -> dict[str, Field]:
    return {**COMMON_FIELDS, **api.fields}


def list_fields(api: ContentTypeAPI) -> dict[str, Field]:
    return {name: field for name, field in all_fields(api).items() if not field.detail_only}


def detail_fields(api: ContentTypeAPI) -> dict[str, Field]:
    return all_fields(api)


# -- assembling answers -------------------------------------------------------------------------------


def collect_shared(page, context: SerializationContext, *, detail: bool, wanted: set[str] | None) -> None:
    def shows(name: str) -> bool:
        return wanted is None or name in wanted

    if detail:
        for field in type(page)._meta.get_fields():
            if isinstance(field, StreamField) and shows(field.name):
                collect_stream(getattr(page, field.name), context)


def prepare(
    api: ContentTypeAPI,
    pages: Iterable[Model],
    context: SerializationContext,
    *,
    detail: bool,
    wanted: set[str] | None,
) -> None:
    pages = list(pages)
    links = ("topics", "regions", "contacts") if detail else ("topics", "regions")
    context.want_links(pages, [name for name in links if wanted is None or name in wanted])
    for page in pages:
        collect_shared(page, context, detail=detail, wanted=wanted)
        api.collect(page, context, detail=detail)
    if wanted is None or "translations" in wanted:
        context.want_translations(pages)
    if detail:
        context.want_translation_state(pages)
    context.resolve()


def item_data(
    api: ContentTypeAPI, page, context: SerializationContext, *, detail: bool, wanted: set[str] | None
) -> dict[str, Any]:
    fields = detail_fields(api) if detail else list_fields(api)
    always = ALWAYS_IN_DETAIL if detail else ALWAYS
    data: dict[str, Any] = {"id": page.pk, "type": api.name, "locale": page.locale.language_code}
    for name, field in fields.items():
        if name in always or wanted is None or name in wanted:
            data[name] = field.value(page, context)
    data["type"] = api.name
    return data
