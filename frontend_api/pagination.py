"""limit/offset pagination with the contract's envelope {"count", "next", "previous", "results"}."""

from dataclasses import dataclass

from rest_framework.utils.urls import remove_query_param, replace_query_param

from frontend_api.params import QueryParser

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Search serves results up to this depth (offset + limit); deeper pages mean the query is too broad.
MAX_SEARCH_WINDOW = 1000


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    @classmethod
    def parse(cls, parser: QueryParser, *, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> "Paging":
        return cls(
            limit=parser.integer("limit", default=default, minimum=1, maximum=maximum),
            offset=parser.integer("offset", default=0, minimum=0),
        )

    def slice(self, queryset):
        return queryset[self.offset : self.offset + self.limit]

    def envelope(self, request, count: int, results: list) -> dict:
        url = request.build_absolute_uri()
        next_url = previous_url = None
        if self.offset + self.limit < count:
            next_url = replace_query_param(
                replace_query_param(url, "limit", self.limit), "offset", self.offset + self.limit
            )
        if self.offset > 0:
            previous_url = replace_query_param(url, "limit", self.limit)
            previous_offset = max(0, min(self.offset - self.limit, count - self.limit))
            previous_url = (
                replace_query_param(previous_url, "offset", previous_offset)
                if previous_offset
                else remove_query_param(previous_url, "offset")
            )
        return {"count": count, "next": next_url, "previous": previous_url, "results": results}
