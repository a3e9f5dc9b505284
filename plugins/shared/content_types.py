"""The content types of the hub: one descriptor per type, registered when the type's app is ready.

A content type is a folder under `plugins/` (or anywhere) whose AppConfig subclasses
`ContentTypeConfig` and whose `content_type.py` returns its `ContentTypeDescriptor` from `describe()`.
Adding it to `INSTALLED_APPS` is all it takes: the search index, the partner API, the site skeleton,
`HomePage`'s allowed children, the importers, the demo content, the dashboard, the demo partner site
and the tests read the registered descriptors; none of them lists the types.

This module is part of the shared layer: it names no type, and it knows the search and API
definitions only as objects the upper layers gave it (each gets the descriptor it belongs to as its
`descriptor` attribute, so its name and model are declared once, here).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from wagtail.models import Page


@dataclass(frozen=True)
class IndexPage:
    """The type's index page in one content language: its title and slug."""

    title: str
    slug: str


@dataclass(eq=False)
class ContentTypeDescriptor:
    """Everything the hub needs to know about one content type."""

    #: API name: URL segment, the items' "type", part of the search alias: e.g. "reports".
    name: str
    #: the page model, and the index page model its pages live under (one per locale, below the home page).
    page_model: type[Page]
    index_model: type[Page]
    #: the index page's title and slug per content language; the source language's is created, the
    #: others become its wagtail-localize translations.
    index_pages: dict[str, IndexPage]
    #: what a visitor calls one item and several, per language, e.g. {"de": ("Bericht", "Berichte")}.
    labels: dict[str, tuple[str, str]]
    #: the search index definition (a `search.registry.IndexDefinition`), None for types not searched.
    search_index: Any = None
    #: the partner API definition (a `frontend_api.registry.ContentTypeAPI`), None for types not served.
    api: Any = None
    #: dotted path of the type's factory_boy page factory (tests, benchmarks; a development dependency).
    factory: str = ""
    #: dotted path of the module with the type's demo data (see `cms.tooling.demo`), "" for none.
    demo: str = ""
    #: dotted path of the module with the type's importer hook (see `cms.tooling.importing`), "" for none.
    importer: str = ""
    #: dotted path of a Wagtail admin component for the dashboard, "" for none.
    dashboard_panel: str = ""
    #: order among the types (admin menu, API router, demo site): lower first.
    order: int = 100

    def __post_init__(self):
        for adapter in (self.search_index, self.api):
            if adapter is not None:
                adapter.descriptor = self

    def __repr__(self):
        return f"<ContentTypeDescriptor {self.name}: {self.page_model.__name__}>"

    def label(self, language: str, plural: bool = False) -> str:
        singular, several = self.labels.get(language) or next(iter(self.labels.values()))
        return several if plural else singular

    def load(self, attribute: str):
        """The object a dotted-path attribute names (factory, demo module, importer, dashboard panel)."""
        path = getattr(self, attribute)
        if not path:
            return None
        try:
            return import_module(path)  # a module (demo data, importer hook)
        except ModuleNotFoundError as exc:
            if exc.name != path:  # a module it imports is missing: say so, not "no such attribute"
                raise
        module_name, _, name = path.rpartition(".")
        return getattr(import_module(module_name), name)  # a class (factory, dashboard panel)

    def factory_class(self):
        return self.load("factory")


_registry: dict[str, ContentTypeDescriptor] = {}


def register(descriptor: ContentTypeDescriptor) -> ContentTypeDescriptor:
    existing = _registry.get(descriptor.name)
    if existing is not None and existing.page_model is not descriptor.page_model:
        raise ValueError(
            f"content type {descriptor.name!r} is registered twice ({existing.page_model.__name__} and "
            f"{descriptor.page_model.__name__})"
        )
    for other in _registry.values():
        if other.name != descriptor.name and other.page_model is descriptor.page_model:
            raise ValueError(f"{descriptor.page_model.__name__} belongs to two content types")
    _registry[descriptor.name] = descriptor
    return descriptor


def all() -> list[ContentTypeDescriptor]:  # noqa: A001 - read as content_types.all()
    """The registered types in their order."""
    return sorted(_registry.values(), key=lambda d: (d.order, d.name))


def names() -> list[str]:
    return [descriptor.name for descriptor in all()]


def get(name: str) -> ContentTypeDescriptor:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"unknown content type {name!r}; known: {', '.join(names())}") from None


def for_model(model: type | None) -> ContentTypeDescriptor | None:
    """The type a page class belongs to: the type whose page model it is or derives from (the closest
    one when types derive from each other), None for any other page (home, index pages)."""
    if model is None:
        return None
    best = None
    for descriptor in _registry.values():
        if issubclass(model, descriptor.page_model) and (
            best is None or issubclass(descriptor.page_model, best.page_model)
        ):
            best = descriptor
    return best


def index_models() -> list[type[Page]]:
    return [descriptor.index_model for descriptor in all()]


class ContentTypeConfig(AppConfig):
    """AppConfig of a content type: registers `<app>.content_type.describe()` when the app is ready.

    Subclass it as `content_types.ContentTypeConfig` (import the module, not the class): Django picks an
    app's config from the AppConfig subclasses named in its apps.py, and two would leave it with none."""

    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        module = import_module(f"{self.name}.content_type")
        register(module.describe())
