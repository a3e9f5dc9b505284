"""Topics and regions for partner sites' filter menus and facet labels.

The search facets and the `topic` / `region` filters speak slugs (the same in every language); these
two lists give each slug its name in the answer's language and the number of items the key may see
with it in that language -- for regions counted the way the `region` filter selects, the region and
every region inside it, each item once.
"""

from collections import defaultdict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from frontend_api import registry
from frontend_api.caching import cached_answer
from frontend_api.locales import resolve_locale
from frontend_api.openapi import (
    ACCEPT_LANGUAGE,
    CONDITIONAL_HEADERS,
    KEYED_ERRORS,
    NOT_MODIFIED,
    OFFSET,
    error,
    limit_parameter,
    locale_parameter,
)
from frontend_api.pagination import MAX_LIMIT, Paging
from frontend_api.params import QueryParser
from frontend_api.views.base import PartnerAPIView
from plugins.shared.models import PageRegion, PageTopic, Region, Topic
from plugins.shared.selectors import in_locale_or_fallback, presentable

PARAMETERS = ("locale", "limit", "offset")
DEFAULT_LIMIT = MAX_LIMIT  # taxonomies are short: one request is usually all of it


def visible_page_ids(partner, locale: str):
    """Ids of the content pages a list in `locale` shows the partner (fallbacks included), as a subquery."""
    models = [api.model for api in registry.content_types()]
    return in_locale_or_fallback(presentable(partner).type(*models), locale, partner).values("pk")


def localized(rows, locale: str) -> list:
    """One row per snippet (translation key): its version in `locale`, else its source version."""
    chosen: dict = {}
    for row in rows:
        current = chosen.get(row.translation_key)
        if current is None or (row.locale.language_code == locale and current.locale.language_code != locale):
            chosen[row.translation_key] = row
    return sorted(chosen.values(), key=lambda row: (row.name.casefold(), row.slug))


def topic_counts(partner, locale: str) -> dict[str, int]:
    """slug -> items the key may see with that topic in `locale`."""
    links = PageTopic.objects.filter(page_id__in=visible_page_ids(partner, locale))
    pages_by_slug: dict[str, set[int]] = defaultdict(set)
    for page_id, slug in links.values_list("page_id", "topic__slug"):
        pages_by_slug[slug].add(page_id)
    return {slug: len(pages) for slug, pages in pages_by_slug.items()}


def region_counts(partner, locale: str, regions: list) -> dict[str, int]:
    """slug -> items the key may see in that region or any region inside it, each item once
    (`regions`: every Region row, in any language)."""
    links = PageRegion.objects.filter(page_id__in=visible_page_ids(partner, locale))
    direct: dict[int, set[int]] = defaultdict(set)
    for page_id, region_id in links.values_list("page_id", "region_id"):
        direct[region_id].add(page_id)
    parent_of = {region.pk: region.parent_id for region in regions}
    slug_of = {region.pk: region.slug for region in regions}
    below: dict[str, set[int]] = defaultdict(set)
    for region_id, pages in direct.items():
        seen: set[int] = set()
        current = region_id
        while current is not None and current not in seen:  # a cycle in the data must not hang us
            seen.add(current)
            below[slug_of[current]] |= pages
            current = parent_of.get(current)
    return {slug: len(pages) for slug, pages in below.items()}


def topic_item(topic, counts: dict[str, int]) -> dict:
    return {
        "id": topic.pk,
        "slug": topic.slug,
        "name": topic.name,
        "locale": topic.locale.language_code,
        "count": counts.get(topic.slug, 0),
    }


def region_item(region, counts: dict[str, int], slugs: dict[int, str]) -> dict:
    return {
        "id": region.pk,
        "slug": region.slug,
        "name": region.name,
        "kind": region.kind,
        "parent": slugs.get(region.parent_id),
        "locale": region.locale.language_code,
        "count": counts.get(region.slug, 0),
    }


class TaxonomyItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField(help_text="The same in every language; the value of the filter parameter")
    name = serializers.CharField(help_text="In the answer's language when translated, else in German")
    locale = serializers.CharField(help_text="Language of `name`")
    count = serializers.IntegerField(help_text="Items this key may see with it in the answer's language")


class TopicListItemSerializer(TaxonomyItemSerializer):
    pass


class RegionListItemSerializer(TaxonomyItemSerializer):
    kind = serializers.ChoiceField(choices=Region.Kind.values)
    parent = serializers.SlugField(allow_null=True, help_text="Slug of the region it lies in, or null")
    count = serializers.IntegerField(
        help_text="Items this key may see in this region or a region inside it, in the answer's language"
    )


def envelope_serializer(name: str, item) -> type[serializers.Serializer]:
    attrs = {
        "count": serializers.IntegerField(help_text="Entries, over all pages"),
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null"),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null"),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), attrs)


def documentation(kind: str, item, description: str):
    return extend_schema(
        operation_id=f"{kind}_list",
        summary=f"List {kind}",
        tags=["taxonomy"],
        description=description,
        parameters=[
            locale_parameter("Language of the names and of the counted items."),
            ACCEPT_LANGUAGE,
            limit_parameter(DEFAULT_LIMIT, MAX_LIMIT),
            OFFSET,
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: envelope_serializer(f"{kind.title()}ListSerializer", item),
            304: NOT_MODIFIED,
            400: error("A parameter is invalid or unknown; `field` names it."),
            **KEYED_ERRORS,
        },
    )


class TaxonomyView(PartnerAPIView):
    scope = ""

    def items(self, locale: str) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        parser = QueryParser(request.query_params, PARAMETERS)
        locale = resolve_locale(parser.raw("locale"), request.headers.get("Accept-Language"))
        window = Paging.parse(parser, default=DEFAULT_LIMIT, maximum=MAX_LIMIT)

        def build() -> dict:
            items = self.items(locale)
            return window.envelope(request, len(items), items[window.offset : window.offset + window.limit])

        response = cached_answer(
            request._request,
            partner_id=self.partner.pk,
            scope=self.scope,
            variant=(locale, window),
            clock=("", None),
            build=build,
        )
        response["Content-Language"] = locale
        return response


class TopicListView(TaxonomyView):
    scope = "topics"

    def items(self, locale: str) -> list[dict]:
        counts = topic_counts(self.partner, locale)
        topics = Topic.objects.select_related("locale").order_by("pk")
        return [topic_item(topic, counts) for topic in localized(topics, locale)]

    @documentation(
        "topics",
        TopicListItemSerializer,
        "Every topic by name, with the number of items the key may see with it. Use `slug` as the "
        "`topic` parameter of lists and search, and to label the search's topic facet.",
    )
    def get(self, request):
        return super().get(request)


class RegionListView(TaxonomyView):
    scope = "regions"

    def items(self, locale: str) -> list[dict]:
        regions = list(Region.objects.select_related("locale").order_by("pk"))
        counts = region_counts(self.partner, locale, regions)
        slugs = {region.pk: region.slug for region in regions}
        return [region_item(region, counts, slugs) for region in localized(regions, locale)]

    @documentation(
        "regions",
        RegionListItemSerializer,
        "Every region by name (states, districts, cities, abroad), with the region it lies in and the "
        "number of items the key may see in it or in a region inside it -- what the `region` parameter "
        "of lists and search selects. Use `slug` as that parameter and to label the search's region facet.",
    )
    def get(self, request):
        return super().get(request)

