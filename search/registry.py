"""Index definitions, one per content type, read from the registered content-type descriptors.

`search/` names no content type: a type's descriptor (`plugins.shared.content_types`) carries an
instance of an `IndexDefinition` subclass from the type's `search_index.py`, and indexing, queries and
commands iterate them. The definition says how to load the type's pages (its selector, so index and
API read the same queryset) and what a document adds for that type.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from wagtail.models import Page

from plugins.shared import content_types

Period = tuple[datetime.date | None, datetime.date | None]


class IndexDefinition:
    """What the search index needs to know about one content type. Subclass it in the type's
    `search_index.py` and give an instance to the type's descriptor (`search_index=`)."""

    #: the descriptor this definition belongs to; set when the descriptor is made.
    descriptor: content_types.ContentTypeDescriptor
    #: selector returning live, public pages of the type with their relations prefetched; called with
    #: `locale=`, `restrict_to_partner=False` (visibility is a document field, not a query filter) and
    #: `shared_prefetch=` (`index_prefetch()`), as `plugins.shared.selectors.content_pages` takes them.
    selector: Callable[..., QuerySet] | None = None
    #: OpenSearch mapping of the fields `extra_fields` adds (strict: every field must be declared).
    extra_mapping: dict = {}

    @property
    def type(self) -> str:
        """The type's name, also part of its aliases."""
        return self.descriptor.name

    @property
    def model(self) -> type:
        return self.descriptor.page_model

    def queryset(self, locale: str | None = None) -> QuerySet:
        assert self.selector is not None, f"{type(self).__name__} has no selector"
        return self.selector(locale=locale, restrict_to_partner=False, shared_prefetch=index_prefetch())

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
        """Days on which the page is current (e.g. while it is still ahead or open): it then ranks
        above pages that are not. Open ends are None."""
        return []

    def coming_periods(self, page) -> list[Period]:
        """Days on which the page is about to become current (e.g. opening later): ranks between."""
        return []

    def extra_fields(self, page) -> dict:
        """Values of the fields declared in `extra_mapping`."""
        return {}


#: the shared relations (`plugins.shared.selectors.SHARED_PREFETCH`) as documents read them, through
#: `search.documents.links`
INDEX_LINKS = {
    "topic_links": "topic",
    "region_links": "region",
    "contact_links": "contact__organisation",
    "partner_links": None,
}


def index_prefetch() -> tuple[Prefetch, ...]:
    """The shared relations as plain lists on each page (`index_<relation>`, one query per relation
    with its targets joined) instead of Django's prefetch cache, which builds a queryset per page and
    relation (16.5k at 1.5k pages, a quarter of a rebuild's time: bench/results/search.md)."""
    prefetches = []
    for relation, targets in INDEX_LINKS.items():
        related = Page._meta.get_field(relation).related_model
        queryset = related.objects.select_related(targets) if targets else related.objects.all()
        prefetches.append(Prefetch(relation, queryset=queryset, to_attr=f"index_{relation}"))
    return tuple(prefetches)


def definitions() -> list[IndexDefinition]:
    return [d.search_index for d in content_types.all() if d.search_index is not None]


def types() -> list[str]:
    return [definition.type for definition in definitions()]


def for_model(model) -> IndexDefinition | None:
    """The definition of a page class (or of one of its bases), None for pages that are not indexed:
    the content types' one matching rule."""
    descriptor = content_types.for_model(model)
    return descriptor.search_index if descriptor is not None else None


def iter_models() -> Iterator[type]:
    for definition in definitions():
        yield definition.model
