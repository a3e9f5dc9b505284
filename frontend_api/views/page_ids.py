"""Detail ids: the path matches any run of digits, but only ids the database's page key can hold reach
the detail view; any other id (negative, or beyond the integer range, e.g. 2^63) names no page and is
answered 404 here, keyed and throttled like every endpoint, instead of overflowing a query into a 500."""

from django.db import connections, router
from wagtail.models import Page

from frontend_api.errors import NotFound
from frontend_api.registry import ContentTypeAPI
from frontend_api.views.base import PartnerAPIView

ID_PATTERN = r"-?[0-9]+"


def page_id_range() -> tuple[int, int]:
    """The ids a page's primary key can hold on the database pages are read from (32 bits on PostgreSQL,
    64 on SQLite)."""
    connection = connections[router.db_for_read(Page)]
    low, high = connection.ops.integer_field_range(Page._meta.pk.get_internal_type())
    return max(low, 0), high


class PageIdConverter:
    """`<page_id:id>`: an id within the page key's range; others do not match this route."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        low, high = page_id_range()
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"{value} is outside the page id range")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class UnknownIdView(PartnerAPIView):
    """The route after the detail route: an id no page can have."""

    schema = None  # not an endpoint of its own: the detail endpoint documents its 404
    api: ContentTypeAPI | None = None

    def get(self, request, id: str):  # noqa: A002 - the path parameter is "id"
        shown = id if len(id) <= 30 else f"{id[:30]}…"
        raise NotFound(f"No {self.api.name} item with id {shown} is visible to this key.")
