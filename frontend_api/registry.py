"""The content types the partner API serves, registered by each plugin's `api.py` at start-up.

frontend_api never names a content type: the router, the OpenAPI schema and the cache invalidation
all iterate this registry (the shape of Wagtail 8's api/v3 registry).
"""

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import module_has_submodule
from rest_framework import serializers

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
    """Base of each plugin's API definition; subclass in `plugins/<type>/api.py` and `register()` it."""

    name: ClassVar[str]  # URL segment and the items' "type", e.g. "events"
    model: ClassVar[type]
    schema_name: ClassVar[str]  # singular component name in the OpenAPI schema, e.g. "Event"
    title: ClassVar[str]
    description: ClassVar[str] = ""
    ordering_description: ClassVar[str] = ""
    fields: ClassVar[dict[str, Field]] = {}
    filter_parameters: ClassVar[tuple[FilterParameter, ...]] = ()
    list_prefetch: ClassVar[tuple[str, ...]] = ()

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

REGISTRY: dict[str, ContentTypeAPI] = {}


def register(api: ContentTypeAPI) -> ContentTypeAPI:
    existing = REGISTRY.get(api.name)
    if existing is not None and type(existing) is not type(api):
        raise ValueError(f"API type {api.name!r} is registered twice ({type(existing)} and {type(api)})")
    REGISTRY[api.name] = api
    return api


def content_types() -> list[ContentTypeAPI]:
    return list(REGISTRY.values())


def for_name(name: str) -> ContentTypeAPI | None:
    return REGISTRY.get(name)


def for_model(model: type) -> ContentTypeAPI | None:
    for api in REGISTRY.values():
        if api.model is model:
            return api
    return None


def discover(module_name: str = "api") -> None:
    """Imports `<app>.api` of the project's own apps (third-party packages such as `wagtail.api` are
    left alone), which register their types."""
    base = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        if base not in Path(app_config.path).resolve().parents:
            continue
        if module_has_submodule(app_config.module, module_name):
            importlib.import_module(f"{app_config.name}.{module_name}")


def type_names() -> Iterable[str]:
    return REGISTRY.keys()
