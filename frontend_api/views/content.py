"""List and detail endpoints of every registered content type: parse, select, serialize, cache."""

from django.db.models import Count, Window
from django.utils import timezone

from frontend_api import prepared
from frontend_api.caching import cached_answer, global_scope, page_scope, render_json, type_scope
from frontend_api.errors import InvalidParameter, NotFound
from frontend_api.locales import from_parameter, resolve_locale
from frontend_api.pagination import Paging
from frontend_api.params import QueryParser
from frontend_api.registry import ContentTypeAPI, Field
from frontend_api.serializers.context import SerializationContext
from frontend_api.serializers.items import ALWAYS_IN_DETAIL, detail_fields, item_data, list_fields, prepare
from frontend_api.views.base import PartnerAPIView
from plugins.shared import statements
from plugins.shared.models import PagePartner, Partner
from plugins.shared.selectors import in_locale_or_fallback, with_region, with_topic

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


def page_of_ids(api: ContentTypeAPI, partner, locale: str, page: Paging, *, topic: str | None, region: str | None,
                filters: dict, clock_token: str) -> tuple[list[int], int]:
    """The ids of the list's page for the partner and the total, in one query (see `ids_of`), compiled once per
    process and shape (plugins.shared.statements): the partner, locale and topic are stand-ins; the type's
    filters and clock token (what the type's queryset reads of the clock) are part of the shape. A region
    filter reads the regions' tree while building: such lists are built every time."""

    def build(stand_ins=None):
        who = Partner(pk=stand_ins.number("partner")) if stand_ins and partner is not None else partner
        queryset = in_locale_or_fallback(api.list_queryset(partner=who, locale=None),
                                         stand_ins.text("locale") if stand_ins else locale, who)
        if topic:
            queryset = with_topic(queryset, stand_ins.text("topic") if stand_ins else topic)
        if region:
            queryset = with_region(queryset, region)
        return api.apply_filters(queryset, filters)

    if region:
        return ids_of(build(), page)

    def counted(stand_ins):
        return build(stand_ins).annotate(total_count=Window(Count("pk"))).values_list("pk", "total_count")

    key = ("page_of_ids", api.name, partner is None, bool(topic), clock_token,
           repr(sorted((name, repr(value)) for name, value in filters.items())))
    values = {"partner": partner.pk if partner is not None else None, "locale": locale, "topic": topic}
    rows = statements.run(key, counted, values, limit=(page.limit, page.offset))
    if not rows:
        return [], (build().count() if page.offset else 0)
    return [pk for pk, _total in rows], rows[0][1]


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

        clock = api.clock(filters, timezone.now())

        def build() -> bytes:
            ids, count = page_of_ids(api, self.partner, locale, page, topic=topic, region=region, filters=filters,
                                     clock_token=clock[0])
            items = prepared.list_items(api, request._request, self.partner, locale, ids, wanted)
            head = render_json(page.envelope(request, count, []))[: -len(b"[]}")]
            return head + b"[" + ",".join(items).encode() + b"]}"

        def same_for_every_partner() -> bool:
            """No page of the type is shared with particular partners: every key selects the same."""
            return not PagePartner.objects.filter(page_id__in=api.model.objects.values("pk")).exists()

        response = cached_answer(
            request._request,
            partner_id=self.partner.pk,
            scope=api.name,
            variant=variant,
            clock=clock,
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
                chosen = prepared.answering(pk, requested, self.partner)
                if chosen is not None:
                    target, fallback = chosen
                    page = queryset.filter(pk=target).first()
            if page is None:
                raise NotFound(f"No {api.name} item with id {pk} is visible to this key.")
            context = SerializationContext(request._request, self.partner, page.locale.language_code)
            context.fallback = fallback
            prepare(api, [page], context, detail=True, wanted=None)
            return page, fallback, context, item_data(api, page, context, detail=True, wanted=None)

        def build() -> bytes:
            answer.append(prepared.detail(api, request._request, self.partner, pk, requested, wanted, full_build))
            return answer[0].text.encode()

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


def views_for(api: ContentTypeAPI) -> tuple[type[ContentListView], type[ContentDetailView]]:
    from frontend_api.openapi import document_views

    name = "".join(part.capitalize() for part in api.name.split("_"))
    list_view = type(f"{name}ListView", (ContentListView,), {"api": api})
    detail_view = type(f"{name}DetailView", (ContentDetailView,), {"api": api})
    return document_views(api, list_view, detail_view)
