"""Index definitions, one per content type, filled from each type's `search_index.py`.

`search/` names no content type: a type registers an `IndexDefinition` subclass, and indexing,
queries and commands iterate the registry. The definition says how to load the type's pages (its
selector, so index and API read the same queryset) and what a document adds for that type.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

Period = tuple[datetime.date | None, datetime.date | None]


class IndexDefinition:
    """What the search index needs to know about one content type. Subclass it in the type's
    `search_index.py` and call `register()` with an instance."""

    #: API/alias name of the type: "events".
    type: str = ""
    #: the page model.
    model: type | None = None
    #: selector returning live, public pages of the type with their relations prefetched; called with
    #: `locale=` and `restrict_to_partner=False` (visibility is a document field, not a query filter).
    selector: Callable[..., QuerySet] | None = None
    #: OpenSearch mapping of the fields `extra_fields` adds (strict: every field must be declared).
    extra_mapping: dict = {}

    def queryset(self, locale: str | None = None) -> QuerySet:
        assert self.selector is not None, f"{type(self).__name__} has no selector"
        return self.selector(locale=locale, restrict_to_partner=False)

    def extra_text(self, page) -> list[str]:
        """Further searchable text of the page (ranked like the body): e.g. venue, programme."""
        return []

    def related_names(self, page) -> list:
        """Related things a visitor may search for by name (organisations, people, series): snippets,
        which the document names in the page's language, or plain text."""
        return []

    def period(self, page) -> Period:
        """The days the page is about, for the date filter and the year facet; defaults to the day of
        first publication."""
        published = page.first_published_at or page.last_published_at
        day = timezone.localtime(published).date() if published else None
        return day, day

    def current_periods(self, page) -> list[Period]:
        """Days on which the page is current (an event not yet over, funding open): it then ranks
        above pages that are not. Open ends are None."""
        return []

    def coming_periods(self, page) -> list[Period]:
        """Days on which the page is about to become current (funding opening later): ranks between."""
        return []

    def extra_fields(self, page) -> dict:
        """Values of the fields declared in `extra_mapping`."""
        return {}


_registry: dict[str, IndexDefinition] = {}


def register(definition: IndexDefinition) -> IndexDefinition:
    if not definition.type or definition.model is None:
        raise ValueError(f"{type(definition).__name__} needs a type and a model")
    existing = _registry.get(definition.type)
    if existing is not None and type(existing) is not type(definition):
        raise ValueError(f"search type {definition.type!r} is registered twice")
    _registry[definition.type] = definition
    return definition


def definitions() -> list[IndexDefinition]:
    return list(_registry.values())


def types() -> list[str]:
    return list(_registry)


def get(type_name: str) -> IndexDefinition:
    try:
        return _registry[type_name]
    except KeyError:
        raise ValueError(
            f"unknown search type {type_name!r}; expected one of {', '.join(_registry)}"
        ) from None


def for_model(model) -> IndexDefinition | None:
    """The definition of a page class (or of one of its bases), None for pages that are not indexed."""
    for definition in _registry.values():
        if issubclass(model, definition.model):
            return definition
    return None


def iter_models() -> Iterator[type]:
    for definition in _registry.values():
        yield definition.model


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("search_index")
