"""StreamField content as typed JSON, and the OpenAPI schema of it, both derived from the block
definitions so they cannot drift apart.

A stream is a list of `{"type": <block name>, "id": <uuid>, "value": …}`. Values by block kind:
text blocks -> string; rich text -> clean HTML (see richtext.py); image -> image object (with the
block's alt text, caption and credit); document/attachment -> document object; page chooser -> page
reference or null (not visible to the partner); embed -> {"url"}; struct -> object; list -> array.
"""

import datetime
import decimal
from collections.abc import Callable, Iterator
from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from frontend_api.serializers import schema
from frontend_api.serializers.media import document_object, image_object
from frontend_api.serializers.richtext import clean_rich_text, document_link_ids, page_link_ids
from plugins.shared.blocks import AttachmentBlock, ImageBlock, LinkBlock

# -- values ---------------------------------------------------------------------------------------


def image_block(block, value, context) -> dict | None:
    return image_object(
        value.get("image"),
        context,
        alt=value.get("alt_text"),
        caption=value.get("caption"),
        credit=value.get("credit"),
    )


def attachment_block(block, value, context) -> dict | None:
    return document_object(
        value.get("document"),
        context,
        title=value.get("title") or "",
        description=value.get("description") or "",
    )


def link_block(block, value, context) -> dict:
    page = context.page_ref(value.get("page"))
    return {
        "title": value.get("title") or "",
        "url": (page or {}).get("url") or value.get("url") or None,
        "page": page,
    }


SPECIAL_BLOCKS: dict[type, Callable[[Any, Any, Any], Any]] = {
    ImageBlock: image_block,
    AttachmentBlock: attachment_block,
    LinkBlock: link_block,
}


def special_for(block) -> Callable | None:
    for cls in type(block).__mro__:
        if cls in SPECIAL_BLOCKS:
            return SPECIAL_BLOCKS[cls]
    return None


def stream_data(stream_value, context) -> list[dict]:
    if not stream_value:
        return []
    return [
        {"type": child.block_type, "id": child.id, "value": block_data(child.block, child.value, context)}
        for child in stream_value
    ]


def block_data(block, value, context) -> Any:
    special = special_for(block)
    if special is not None:
        return special(block, value, context)
    if isinstance(block, blocks.StreamBlock):
        return stream_data(value, context)
    if isinstance(block, blocks.ListBlock):
        return [block_data(block.child_block, item, context) for item in value]
    if isinstance(block, blocks.StructBlock):
        return {
            name: block_data(child, value.get(name), context) for name, child in block.child_blocks.items()
        }
    if value is None:
        return None
    if isinstance(block, blocks.RichTextBlock):
        return clean_rich_text(value.source if isinstance(value, RichText) else str(value), context)
    if isinstance(block, ImageChooserBlock):
        return image_object(value, context)
    if isinstance(block, DocumentChooserBlock):
        return document_object(value, context)
    if isinstance(block, blocks.PageChooserBlock):
        return context.page_ref(value)
    if isinstance(block, EmbedBlock):
        return {"url": value.url} if getattr(value, "url", None) else None
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def walk(block, value) -> Iterator[tuple[Any, Any]]:
    """Every (block, value) inside a value, depth first."""
    yield block, value
    if value is None:
        return
    if isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from walk(child.block, child.value)
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from walk(block.child_block, item)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from walk(child, value.get(name))


def collect_stream(stream_value, context) -> None:
    """Announces the pages and documents a stream links to (see SerializationContext)."""
    if not stream_value:
        return
    for block, value in walk(stream_value.stream_block, stream_value):
        if value is None:
            continue
        if isinstance(block, blocks.RichTextBlock):
            source = value.source if isinstance(value, RichText) else str(value)
            for pk in page_link_ids(source):
                context.want_page(pk)
            for pk in document_link_ids(source):
                context.want_document(pk)
        elif isinstance(block, blocks.PageChooserBlock):
            context.want_page(value)


# -- schema ---------------------------------------------------------------------------------------

SCHEMA_CACHE: dict[str, Any] = {}


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def block_schema(block, component: str) -> serializers.Field:
    """A serializer field documenting the JSON `block_data` produces for `block`."""
    special = special_for(block)
    if special is image_block:
        return schema.ImageSerializer()
    if special is attachment_block:
        return schema.AttachmentSerializer()
    if special is link_block:
        return schema.LinkSerializer()
    if isinstance(block, blocks.StreamBlock):
        return stream_schema(block, component, many=True)
    if isinstance(block, blocks.ListBlock):
        return serializers.ListField(child=block_schema(block.child_block, component + "Item"))
    if isinstance(block, blocks.StructBlock):
        name = component if component.endswith("Value") else component + "Value"
        if name not in SCHEMA_CACHE:
            fields = {
                child_name: block_schema(child, name + camel(child_name))
                for child_name, child in block.child_blocks.items()
            }
            SCHEMA_CACHE[name] = type(name, (serializers.Serializer,), fields)
        return SCHEMA_CACHE[name]()
    required = getattr(block, "required", True)
    nullable = {"allow_null": not required}
    if isinstance(block, blocks.RichTextBlock):
        return serializers.CharField(
            help_text="Clean HTML; page links carry data-page-type, data-page-id and data-api-url", **nullable
        )
    if isinstance(block, ImageChooserBlock):
        return schema.ImageSerializer(**nullable)
    if isinstance(block, DocumentChooserBlock):
        return schema.DocumentSerializer(**nullable)
    if isinstance(block, blocks.PageChooserBlock):
        return schema.PageReferenceSerializer(allow_null=True)
    if isinstance(block, EmbedBlock):
        return schema.EmbedSerializer(**nullable)
    if isinstance(block, blocks.DateTimeBlock):
        return serializers.DateTimeField(**nullable)
    if isinstance(block, blocks.DateBlock):
        return serializers.DateField(**nullable)
    if isinstance(block, blocks.TimeBlock):
        return serializers.TimeField(**nullable)
    if isinstance(block, blocks.BooleanBlock):
        return serializers.BooleanField()
    if isinstance(block, blocks.IntegerBlock):
        return serializers.IntegerField(**nullable)
    if isinstance(block, blocks.FloatBlock | blocks.DecimalBlock):
        return serializers.FloatField(**nullable)
    if isinstance(block, blocks.URLBlock):
        return serializers.URLField(**nullable)
    return serializers.CharField(**nullable)


def stream_schema(stream_block, component: str, *, many: bool = True) -> serializers.Field:
    """A polymorphic list of `{"type", "id", "value"}`, one component per block type."""
    if component not in SCHEMA_CACHE:
        variants = {}
        for name, child in stream_block.child_blocks.items():
            variant = f"{component}{camel(name)}"
            fields = {
                "type": schema.constant_field(name)(),
                "id": serializers.CharField(help_text="Stable id of the block (UUID)"),
                "value": block_schema(child, variant + "Value"),
            }
            variants[name] = type(variant, (serializers.Serializer,), fields)
        SCHEMA_CACHE[component] = variants
    return PolymorphicProxySerializer(
        component_name=component,
        serializers=SCHEMA_CACHE[component],
        resource_type_field_name="type",
        many=many,
    )
