"""Full-text search and suggestions for partner sites, on `search.queries` (which applies the same
visibility rule as the lists). This module validates parameters and speaks HTTP; ranking, facets and
highlighting are the search app's."""

from drf_spectacular.utils import extend_schema

from frontend_api.caching import hashed_answer
from frontend_api.errors import InvalidParameter
from frontend_api.locales import resolve_locale
from frontend_api.openapi import KEYED_ERRORS, NOT_MODIFIED, error, search_parameters, suggest_parameters
from frontend_api.pagination import MAX_SEARCH_WINDOW as MAX_WINDOW
from frontend_api.params import QueryParser, date_range
from frontend_api.registry import type_names
from frontend_api.serializers import schema
from frontend_api.views.base import PartnerAPIView
from search.queries import InvalidQuery

SEARCH_PARAMETERS = ("q", "locale", "type", "topic", "region", "from", "to", "limit", "offset")
SUGGEST_PARAMETERS = ("q", "locale", "limit")


def parse_types(parser: QueryParser) -> tuple[str, ...]:
    known = list(type_names())
    types = []
    for name in parser.many("type"):
        if name not in known:
            raise InvalidParameter("type", f"type must be one of {', '.join(known)}, got {name[:40]!r}.")
        if name not in types:
            types.append(name)
    return tuple(types)


def from_search_error(exc: InvalidQuery, parameters: tuple[str, ...]) -> InvalidParameter:
    """search.queries re-validates and names the input it refused: still a 400 naming that parameter."""
    return InvalidParameter(exc.field if exc.field in parameters else "q", str(exc))


class SearchView(PartnerAPIView):
    @extend_schema(
        operation_id="search",
        summary="Full-text search",
        tags=["search"],
        description="Ranked by relevance, with highlighted snippets and facet counts (per type, topic and "
        "region) "
        "over everything the key may see that matches. `suggestion` is a corrected query when this one "
        "found fewer than 3 results (null otherwise).",
        parameters=search_parameters(),
        responses={
            200: schema.SearchSerializer,
            304: NOT_MODIFIED,
            400: error("A parameter is invalid or unknown; `field` names it."),
            **KEYED_ERRORS,
        },
    )
    def get(self, request):
        from search.queries import search

        parser = QueryParser(request.query_params, SEARCH_PARAMETERS, repeatable=("type",))
        q = parser.text("q", minimum=1, maximum=200, required=True)
        locale = resolve_locale(parser.raw("locale"), request.headers.get("Accept-Language"))
        types = parse_types(parser)
        topic, region = parser.slug("topic"), parser.slug("region")
        date_from, date_to = date_range(parser)
        limit = parser.integer("limit", default=10, minimum=1, maximum=50)
        offset = parser.integer("offset", default=0, minimum=0, maximum=MAX_WINDOW)
        if offset + limit > MAX_WINDOW:
            raise InvalidParameter(
                "offset",
                f"offset + limit must be at most {MAX_WINDOW} (got {offset} + {limit}); narrow the search.",
            )
        try:
            result = search(
                q,
                partner=self.partner,
                locale=locale,
                types=types,
                topic=topic,
                region=region,
                date_from=date_from,
                date_to=date_to,
                limit=limit,
                offset=offset,
                record=True,
            )
        except InvalidQuery as exc:
            raise from_search_error(exc, SEARCH_PARAMETERS) from None
        response = hashed_answer(request._request, result)
        response["Content-Language"] = locale
        return response


class SuggestView(PartnerAPIView):
    @extend_schema(
        operation_id="search_suggest",
        summary="Suggestions while typing",
        tags=["search"],
        description="Titles completing what the visitor typed, best first; fast enough for every keystroke.",
        parameters=suggest_parameters(),
        responses={
            200: schema.SuggestSerializer,
            304: NOT_MODIFIED,
            400: error("A parameter is invalid or unknown; `field` names it."),
            **KEYED_ERRORS,
        },
    )
    def get(self, request):
        from search.queries import suggest

        parser = QueryParser(request.query_params, SUGGEST_PARAMETERS)
        q = parser.text("q", minimum=1, maximum=100, required=True)
        locale = resolve_locale(parser.raw("locale"), request.headers.get("Accept-Language"))
        limit = parser.integer("limit", default=8, minimum=1, maximum=20)
        try:
            suggestions = suggest(q, partner=self.partner, locale=locale, limit=limit)
        except InvalidQuery as exc:
            raise from_search_error(exc, SUGGEST_PARAMETERS) from None
        response = hashed_answer(request._request, {"suggestions": suggestions})
        response["Content-Language"] = locale
        return response
