"""Search documents built from pages: the one shape both engines store.

Built from the page as its type's selector loads it, so search and API read the same data. Every
engine-specific representation (OpenSearch `_source`, `SearchDocument` rows) derives from this dict.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import strip_tags
from wagtail.models import TranslatableMixin

from plugins.shared import timeformat
from plugins.shared.visibility import partner_keys
from search import analysis
from search.registry import IndexDefinition, Period

URL_PREFIXES = ("http://", "https://", "mailto:", "tel:")


def stream_text(page, field_name: str) -> list[str]:
    """Searchable strings of a StreamField: rich text stripped, links and URLs left out."""
    value = getattr(page, field_name, None)
    if not value:
        return []
    field = page._meta.get_field(field_name)
    texts = []
    for text in field.get_searchable_content(value):
        text = str(text)
        text = (strip_tags(text) if "<" in text else text).strip()
        if text and not text.startswith(URL_PREFIXES):
            texts.append(text)
    return texts


def period_bounds(periods: list[Period]) -> list[dict]:
    """Periods as OpenSearch date ranges (open ends left out). A period whose end lies before its start
    (rows written around the model's validation, e.g. by bulk loads) is read the other way round: an
    inverted range is a mapping error in OpenSearch, and one such row would keep a whole rebuild from
    finishing."""
    ranges = []
    for start, end in periods:
        if start and end and end < start:
            start, end = end, start
        entry = {}
        if start:
            entry["gte"] = start.isoformat()
        if end:
            entry["lte"] = end.isoformat()
        ranges.append(entry)
    return ranges


def iso(value) -> str | None:
    """Full precision: documents are compared with the database when the index is reconciled."""
    return timeformat.iso(value, timespec="auto")


class Localizer:
    """Snippets in a page's language. Pages link one language version of a snippet (the links are
    synchronised across translations), so an English page links the German topic; its document must
    name the English topic. Remembers what it looked up: one per indexing run, never longer, so a
    renamed snippet is read afresh by the next run."""

    def __init__(self):
        self._found: dict[tuple, Any] = {}

    def __call__(self, obj, locale_id: int):
        if not isinstance(obj, TranslatableMixin) or obj.locale_id == locale_id:
            return obj
        key = (obj._meta.concrete_model, obj.translation_key, locale_id)
        if key not in self._found:
            self._found[key] = obj.get_translation_or_none(locale_id)
        return self._found[key] or obj


def links(page, relation: str) -> list:
    """The page's links of a shared relation (`registry.INDEX_LINKS`): the list the index's own
    prefetch left on the page, else the relation as Django loads it."""
    prefetched = getattr(page, f"index_{relation}", None)
    return list(getattr(page, relation).all()) if prefetched is None else prefetched


def label(obj) -> str:
    """What a visitor would type for a related thing: a name, a title, or the text itself."""
    if obj is None or isinstance(obj, str):
        return obj or ""
    return getattr(obj, "name", None) or getattr(obj, "title", None) or str(obj)


def build_document(
    page, definition: IndexDefinition, *, url: str | None = None, localize: Localizer | None = None
) -> dict:
    """The search document of a live page, as a dict of JSON values; `url` saves computing
    `page.full_url` when the caller knows it (rebuilds); `localize` is shared by the documents of one
    indexing run."""
    language = page.locale.language_code
    localize = localize or Localizer()

    def here(obj):
        return localize(obj, page.locale_id)

    title = page.title or ""
    teaser = page.teaser or ""
    body = "\n".join([*stream_text(page, "body"), *definition.extra_text(page)])
    topics = [here(link.topic) for link in links(page, "topic_links")]
    regions = [here(link.region) for link in links(page, "region_links")]
    names = [t.name for t in topics] + [r.name for r in regions]
    for link in links(page, "contact_links"):
        names.append(here(link.contact).name)
        if link.contact.organisation_id:
            names.append(here(link.contact.organisation).name)
    names += [label(here(item)) for item in definition.related_names(page)]
    related = "\n".join(dict.fromkeys(n for n in names if n))
    start, end = definition.period(page)
    end = end or start
    return {
        "id": page.pk,
        "type": definition.type,
        "locale": language,
        "title": title,
        "teaser": teaser,
        "body": body,
        "related": related,
        "title_terms": analysis.index_terms(title, language),
        "teaser_terms": analysis.index_terms(teaser, language),
        "body_terms": analysis.index_terms(f"{body}\n{related}", language),
        "title_written": analysis.written_words(title, language),
        "teaser_written": analysis.written_words(teaser, language),
        "body_written": analysis.written_words(f"{body}\n{related}", language),
        "suggest": analysis.prefix_words(title, language),
        "title_folded": " ".join(analysis.fold_prefix(title, language)),
        "url": (page.full_url if url is None else url) or "",
        "last_published_at": iso(page.last_published_at),
        "partners": partner_keys(page, links(page, "partner_links")),
        "topics": sorted({t.slug for t in topics}),
        "regions": sorted({r.slug for r in regions}),
        "date_start": iso(start),
        "date_end": iso(end),
        "year": start.year if start else None,
        "current": period_bounds(definition.current_periods(page)),
        "coming": period_bounds(definition.coming_periods(page)),
        "details": definition.extra_fields(page),
    }


def mapping(definitions: list[IndexDefinition]) -> dict:
    """Strict mapping of every document field; `details` holds the union of the types' extra fields
    (one mapping per alias would do, but one shape keeps cross-type queries simple)."""
    details: dict = {}
    for definition in definitions:
        details.update(definition.extra_mapping)
    text = {"type": "text", "analyzer": "kulturhub_text"}
    terms = {"type": "text", "analyzer": "whitespace"}
    return {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "keyword"},
            "locale": {"type": "keyword"},
            "title": {**text, "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
            "teaser": text,
            "body": text,
            "related": text,
            "title_terms": terms,
            "teaser_terms": terms,
            "body_terms": terms,
            "title_written": terms,
            "teaser_written": terms,
            "body_written": terms,
            "suggest": {
                "type": "text",
                "analyzer": "kulturhub_prefix_index",
                "search_analyzer": "kulturhub_prefix_search",
            },
            "title_folded": {"type": "keyword", "ignore_above": 512},
            "url": {"type": "keyword", "index": False},
            "last_published_at": {"type": "date"},
            "partners": {"type": "keyword"},
            "topics": {"type": "keyword"},
            "regions": {"type": "keyword"},
            "date_start": {"type": "date", "format": "strict_date"},
            "date_end": {"type": "date", "format": "strict_date"},
            "year": {"type": "integer"},
            "current": {"type": "date_range", "format": "strict_date"},
            "coming": {"type": "date_range", "format": "strict_date"},
            "details": {"type": "object", "dynamic": "strict", "properties": details},
        },
    }
