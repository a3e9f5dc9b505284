"""The changes feed: a mirroring partner catches up on what it missed, in order, with a cursor.

Thin: parse `since` and `limit`, read `frontend_api.changes.read_feed`. Not cached server-side (each
partner's feed is its own and grows); the answer carries an ETag of its body like search answers."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from frontend_api.caching import hashed_answer
from frontend_api.changes import REASONS, Cursor, read_feed
from frontend_api.openapi import CONDITIONAL_HEADERS, KEYED_ERRORS, NOT_MODIFIED, error, limit_parameter
from frontend_api.params import QueryParser
from frontend_api.registry import type_names
from frontend_api.views.base import PartnerAPIView

PARAMETERS = ("since", "limit")
DEFAULT_LIMIT, MAX_LIMIT = 100, 500


class ChangeSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=list(REASONS))
    type = serializers.ChoiceField(choices=list(type_names()))
    id = serializers.IntegerField(help_text="Page id (one language version of a page)")
    locale = serializers.CharField()
    url = serializers.URLField(help_text="The page's URL when the event occurred")
    occurred_at = serializers.DateTimeField(help_text="When it happened (snapshot entries: last published)")
    reason = serializers.ChoiceField(
        choices=sorted({reason for reasons in REASONS.values() for reason in reasons}),
        help_text="page.published: published, shared, unrestricted, moved; page.unpublished: unpublished, "
        "expired, restricted, unshared; page.deleted: deleted",
    )


class ChangesSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    next = serializers.CharField(help_text="Cursor to pass as `since` next time (also when has_more is false)")
    has_more = serializers.BooleanField(help_text="true: ask again with `next` at once; false: you are up to date")


class ChangesView(PartnerAPIView):
    @extend_schema(
        operation_id="changes_list",
        summary="What changed for this key",
        tags=["changes"],
        description="This key's own changes, in order: the same events as its webhooks "
        "(`page.published`: add or update the page; `page.unpublished` and `page.deleted`: remove it). "
        "Without `since` the feed starts with one `page.published` per page the key may see now, then "
        "continues with every change after that. Keep `next` and ask with `since=<next>` until "
        "`has_more` is false: a mirror that applies every entry then holds exactly the pages the key may "
        "see. Cursors stay valid for the retention period (30 days by default); an older one is a 410 "
        "(`cursor_expired`): start again without `since`.",
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"},
                description="A cursor this feed returned as `next`; anything else is a 400 naming since.",
            ),
            limit_parameter(DEFAULT_LIMIT, MAX_LIMIT),
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: ChangesSerializer,
            304: NOT_MODIFIED,
            400: error("`since` is not a cursor of this feed, or `limit` is out of range; `field` names it."),
            410: error("`since` is older than the changes kept (`cursor_expired`): start again without it."),
            **KEYED_ERRORS,
        },
    )
    def get(self, request):
        parser = QueryParser(request.query_params, PARAMETERS)
        limit = parser.integer("limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
        since = parser.raw("since")
        cursor = Cursor.decode(since) if since is not None else None
        return hashed_answer(request._request, read_feed(self.partner, cursor, limit))
