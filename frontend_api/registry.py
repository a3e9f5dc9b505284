"""The content types the partner API serves: the API definitions of the registered content-type
descriptors (`plugins.shared.content_types`), each from its type's `api.py`.

frontend_api never names a content type: the router, the OpenAPI schema and the cache invalidation
all iterate these definitions (the shape of Wagtail 8's api/v3 registry).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import QuerySet
from rest_framework import serializers

from plugins.shared import content_types as descriptors

if TYPE_CHECKING:
    from frontend_api.params import QueryParser
    from frontend_api.serializers.context import SerializationContext
    from plugins.shared.models import Partner


@dataclass(frozen=True)
class Field:
    """One field of an item: its documentation (a DRF serializer field, only used for the OpenAPI
    schema) and how to compute its value from a page and the request's serialization context."""

    schema: serializers.Field
    value: Callable[[Any, "SerializationContext"], Any]
    detail_only: bool = False


@dataclass(frozen=True)
class FilterParameter:
    """Documentation of a type-specific list parameter (parsing and applying are the type's methods)."""

    name: str
    description: str
    openapi_type: str = "string"  # string, boolean, integer
    openapi_format: str | None = None  # e.g. "date"
    enum: tuple[str, ...] | None = None


class ContentTypeAPI:
    """Base of each content type's API definition: subclass it in the type's `api.py` and give an
    instance to the type's descriptor (`api=`), which supplies its name and model."""

    descriptor: descriptors.ContentTypeDescriptor  # set when the descriptor is made
    schema_name: ClassVar[str]  # singular component name in the OpenAPI schema, e.g. "Event"
    title: ClassVar[str]
    description: ClassVar[str] = ""
    ordering_description: ClassVar[str] = ""
    #: what "dated on or after a day" means for the type in search's `from`, when not its publication day
    date_meaning: ClassVar[str] = ""
    fields: ClassVar[dict[str, Field]] = {}
    filter_parameters: ClassVar[tuple[FilterParameter, ...]] = ()
    list_prefetch: ClassVar[tuple[str, ...]] = ()

    @property
    def name(self) -> str:
        """URL segment and the items' "type"."""
        return self.descriptor.name

    @property
    def model(self) -> type:
        return self.descriptor.page_model

    def queryset(self, *, partner: "Partner", locale: str | None) -> QuerySet:
        """Visible pages in the type's default order, through the type's selector."""
        raise NotImplementedError

    def list_queryset(self, *, partner: "Partner", locale: str | None) -> QuerySet:
        """`queryset` made light for lists: without StreamFields and without the selector's prefetches
        (topics and regions are batch-loaded by the serialization context); `list_prefetch` adds back
        what a type's list fields need."""
        queryset = self.queryset(partner=partner, locale=locale).defer_streamfields().prefetch_related(None)
        return queryset.prefetch_related(*self.list_prefetch) if self.list_prefetch else queryset

    def parse_filters(self, parser: "QueryParser") -> dict[str, Any]:
        """The type's own list parameters, validated (InvalidParameter naming the parameter when bad);
        None for each one not given."""
        return {}

    def apply_filters(self, queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
        return queryset

    def clock(self, filters: dict[str, Any], now: datetime.datetime) -> tuple[str, datetime.datetime | None]:
        """For answers that change with time alone (deadlines passing): a token that changes when they
        may, and since when the current token holds. Answers without one depend on content only."""
        return "", None

    def annotate_draft(self, page):
        """An in-memory page from a revision (a preview), given the values `queryset` annotates: those are
        computed in SQL from the stored rows, not from the draft's."""
        return page

    def collect(self, page, context: "SerializationContext", *, detail: bool) -> None:
        """Announces the related snippets and pages the type's fields will show, so the context can
        load and localize them in one batch for all pages of an answer."""


# What the API needs prefetched of the shared relations: nothing -- topics, regions and contacts are
# batch-loaded by the serialization context (one light query each).
API_SHARED_PREFETCH: tuple[str, ...] = ()

def content_types() -> list[ContentTypeAPI]:
    return [d.api for d in descriptors.all() if d.api is not None]


def for_model(model: type) -> ContentTypeAPI | None:
    """The API definition of a page class (or of one of its bases), None for pages the API does not
    serve: the content types' one matching rule."""
    descriptor = descriptors.for_model(model)
    return descriptor.api if descriptor is not None else None


def type_names() -> list[str]:
    return [api.name for api in content_types()]
