"""List and detail endpoints of every registered content type: parse, select, serialize, cache."""

from django.db.models import Count, Q, Subquery, Window
from django.utils import timezone

from frontend_api import prepared
from frontend_api.caching import cached_answer, global_scope, page_scope, type_scope
from frontend_api.errors import InvalidParameter, NotFound
from frontend_api.locales import from_parameter, resolve_locale
from frontend_api.pagination import Paging
from frontend_api.params import QueryParser
from frontend_api.registry import ContentTypeAPI, Field
from frontend_api.serializers.context import SerializationContext
from frontend_api.serializers.items import ALWAYS, ALWAYS_IN_DETAIL, detail_fields, item_data, list_fields, prepare
from frontend_api.views.base import PartnerAPIView
from plugins.shared.models import PagePartner
from plugins.shared.selectors import in_locale_or_fallback, with_region, with_topic
from plugins.shared.visibility import visible_to

LIST_PARAMETERS = ("locale", "limit", "offset", "topic", "region", "fields")
DETAIL_PARAMETERS = ("locale", "fields")


def parse_fields(parser: QueryParser, available: dict[str, Field]) -> frozenset[str] | None:
    names = parser.many("fields")
    if not names:
        return None
    unknown = [name for name in names if name not in available]
    if unknown:
        raise InvalidParameter(
            "fields",
            f"Unknown field(s) {', '.join(unknown)}; available: {', '.join(available)}.",
        )
    return frozenset(names) - set(ALWAYS_IN_DETAIL)


def ids_of(queryset, page: Paging) -> tuple[list[int], int]:
    """The page's ids and the total count in one query: the ordered ids with the total as a window count
    (the database sorts narrow rows, not whole pages, and scans once for both)."""
    counted = queryset.annotate(total_count=Window(Count("pk"))).values_list("pk", "total_count")
    rows = list(page.slice(counted))
    if not rows:
        return [], queryset.count()
    return [pk for pk, _total in rows], rows[0][1]


def only(item: dict, wanted: frozenset[str] | None, always: tuple[str, ...]) -> dict:
    """A prepared item (every field) with the fields asked for, in the same order as ever."""
    if wanted is None:
        return item
    return {name: value for name, value in item.items() if name in always or name in wanted}


class ContentListView(PartnerAPIView):
    api: ContentTypeAPI

    def get(self, request):
        api = self.api
        parser = QueryParser(
            request.query_params, (*LIST_PARAMETERS, *(f.name for f in api.filter_parameters))
        )
        locale = resolve_locale(parser.raw("locale"), request.headers.get("Accept-Language"))
        page = Paging.parse(parser)
        topic, region = parser.slug("topic"), parser.slug("region")
        wanted = parse_fields(parser, list_fields(api))
        filters = api.parse_filters(parser)
        variant = (
            "list",
            locale,
            page,
            topic,
            region,
            sorted(wanted) if wanted is not None else None,
            sorted((name, repr(value)) for name, value in filters.items()),
        )

        def build() -> dict:
            queryset = in_locale_or_fallback(
                api.list_queryset(partner=self.partner, locale=None), locale, self.partner
            )
            if topic:
                queryset = with_topic(queryset, topic)
            if region:
                queryset = with_region(queryset, region)
            queryset = api.apply_filters(queryset, filters)
            ids, count = ids_of(queryset, page)
            items = prepared.list_items(api, request._request, self.partner, locale, ids)
            results = [only(item, wanted, ALWAYS) for item in items]
            return page.envelope(request, count, results)

        def same_for_every_partner() -> bool:
            """No page of the type is shared with particular partners: every key selects the same."""
            return not PagePartner.objects.filter(page_id__in=api.model.objects.values("pk")).exists()

        response = cached_answer(
            request._request,
            partner_id=self.partner.pk,
            scope=api.name,
            variant=variant,
            clock=api.clock(filters, timezone.now()),
            build=build,
            depends_on=(global_scope(), type_scope(api.name)),
            same_for_every_partner=same_for_every_partner,
        )
        response["Content-Language"] = locale
        return response


class ContentDetailView(PartnerAPIView):
    api: ContentTypeAPI

    def get(self, request, id: int):  # noqa: A002 - the path parameter is "id"
        pk = id
        api = self.api
        parser = QueryParser(request.query_params, DETAIL_PARAMETERS)
        requested = parser.raw("locale")
        requested = from_parameter(requested) if requested else None
        wanted = parse_fields(parser, detail_fields(api))
        variant = ("detail", pk, requested, sorted(wanted) if wanted is not None else None)
        answer: list[prepared.Detail] = []

        def full_build():
            queryset = api.queryset(partner=self.partner, locale=None)
            page, fallback = (queryset.filter(pk=pk).first() if requested is None else None), False
            if page is None:
                target, fallback = self.target(queryset, pk, requested)
                page = queryset.filter(pk=target).first()
            if page is None:
                raise NotFound(f"No {api.name} item with id {pk} is visible to this key.")
            context = SerializationContext(request._request, self.partner, page.locale.language_code)
            context.fallback = fallback
            prepare(api, [page], context, detail=True, wanted=None)
            return page, fallback, context, item_data(api, page, context, detail=True, wanted=None)

        def build() -> dict:
            answer.append(prepared.detail(api, request._request, self.partner, pk, requested, full_build))
            return only(answer[0].data, wanted, ALWAYS_IN_DETAIL)

        def same_for_every_partner() -> bool:
            """Neither the page nor a page it links to (in any language) is shared with particular partners."""
            return not answer[0].shared_with_some

        return cached_answer(
            request._request,
            partner_id=self.partner.pk,
            scope=api.name,
            variant=variant,
            clock=api.clock({}, timezone.now()),
            build=build,
            depends_on=(global_scope(), page_scope(pk)),
            same_for_every_partner=same_for_every_partner,
        )

    def target(self, queryset, pk: int, requested: str | None) -> tuple[int, bool]:
        """The page to answer: `pk` itself, or with `locale` its honest translation in that locale when the
        key may see one. Otherwise the answer is a fallback: `pk` itself, or, when `pk` is an unfinished
        translation, its source (the group's earliest version) when the key may see that."""
        model = queryset.model
        rows = dict(
            queryset.prefetch_related(None)
            .filter(Q(translation_key=Subquery(model.objects.filter(pk=pk).values("translation_key"))))
            .order_by("-pk")
            .values_list("locale__language_code", "pk")
        )  # newest first, so for a locale with several versions (never in practice) the earliest wins
        honest_pk = pk in rows.values()
        if requested is None and honest_pk:
            return pk, False
        if requested in rows:
            return rows[requested], False
        if honest_pk:
            return pk, True
        if rows and visible_to(model.objects.filter(pk=pk), self.partner).exists():
            source = model.objects.filter(translation_key__in=model.objects.filter(pk=pk).values("translation_key"))
            source_pk = source.order_by("pk").values_list("pk", flat=True).first()
            if source_pk in rows.values():
                return source_pk, True
        raise NotFound(f"No {self.api.name} item with id {pk} is visible to this key.")


def views_for(api: ContentTypeAPI) -> tuple[type[ContentListView], type[ContentDetailView]]:
    from frontend_api.openapi import document_views

    name = "".join(part.capitalize() for part in api.name.split("_"))
    list_view = type(f"{name}ListView", (ContentListView,), {"api": api})
    detail_view = type(f"{name}DetailView", (ContentDetailView,), {"api": api})
    return document_views(api, list_view, detail_view)
