"""Events in the partner API: by start, earliest first; filters from/to/upcoming."""

import datetime

from rest_framework import serializers

from frontend_api.params import QueryParser, date_range
from frontend_api.registry import API_SHARED_PREFETCH, ContentTypeAPI, Field, FilterParameter
from frontend_api.serializers import schema
from frontend_api.serializers.blocks import block_data, block_schema, stream_data, stream_schema
from frontend_api.serializers.items import iso, organisation_data
from plugins.events import selectors
from plugins.events.blocks import AgendaItemBlock, DocumentationBlock
from plugins.events.models import EventPage
from plugins.shared.blocks import AttachmentBlock

UPCOMING_PRECISION = 300  # seconds: `upcoming=true` answers may be this far behind the clock


class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


def series(page, context) -> dict | None:
    item = context.snippet(page.series) if page.series_id else None
    if item is None:
        return None
    return {"id": item.pk, "slug": item.slug, "title": item.title, "description": item.description}


AGENDA_ITEM = AgendaItemBlock()
ATTACHMENT = AttachmentBlock()


def agenda(page, context) -> list[dict]:
    return [block_data(AGENDA_ITEM, child.value, context) for child in page.agenda]


def attachments(page, context) -> list[dict]:
    return [data for child in page.attachments if (data := block_data(ATTACHMENT, child.value, context))]


class EventsAPI(ContentTypeAPI):
    schema_name = "Event"
    title = "events"
    description = "Events of the network: workshops, conferences, online meetings."
    ordering_description = "by start, earliest first."
    date_meaning = "taking place on or after"
    fields = {
        "start": Field(
            serializers.DateTimeField(help_text="ISO 8601, Europe/Berlin offset"),
            lambda page, ctx: iso(page.start),
        ),
        "end": Field(serializers.DateTimeField(allow_null=True), lambda page, ctx: iso(page.end)),
        "all_day": Field(serializers.BooleanField(), lambda page, ctx: page.all_day),
        "format": Field(
            serializers.ChoiceField(choices=EventPage.Format.values), lambda page, ctx: page.event_format
        ),
        "venue": Field(serializers.CharField(allow_blank=True), lambda page, ctx: page.venue),
        "address": Field(serializers.CharField(allow_blank=True), lambda page, ctx: page.address),
        "series": Field(SeriesSerializer(allow_null=True), series),
        "registration_url": Field(
            serializers.URLField(allow_null=True), lambda page, ctx: page.registration_url or None
        ),
        "registration_deadline": Field(
            serializers.DateTimeField(allow_null=True), lambda page, ctx: iso(page.registration_deadline)
        ),
        "online_access": Field(
            serializers.CharField(allow_blank=True), lambda page, ctx: page.online_access, detail_only=True
        ),
        "moderation": Field(
            serializers.CharField(allow_blank=True), lambda page, ctx: page.moderation, detail_only=True
        ),
        "organiser": Field(
            schema.OrganisationSerializer(allow_null=True),
            lambda page, ctx: organisation_data(page.organiser, ctx),
            detail_only=True,
        ),
        "agenda": Field(
            serializers.ListField(child=block_schema(AGENDA_ITEM, "AgendaItem")), agenda, detail_only=True
        ),
        "documentation": Field(
            stream_schema(DocumentationBlock(), "DocumentationBlock"),
            lambda page, ctx: stream_data(page.documentation, ctx),
            detail_only=True,
        ),
        "attachments": Field(schema.AttachmentSerializer(many=True), attachments, detail_only=True),
    }
    filter_parameters = (
        FilterParameter(
            "from",
            "Only events taking place (at least partly) on or after this day, Berlin time.",
            openapi_format="date",
        ),
        FilterParameter(
            "to", "Only events starting on or before this day, Berlin time.", openapi_format="date"
        ),
        FilterParameter(
            "upcoming",
            "true: only events that have not ended yet (all-day events last until the end "
            "of their day). false or absent: all events.",
            openapi_type="boolean",
        ),
    )

    def queryset(self, *, partner, locale):
        return selectors.events(partner=partner, locale=locale, shared_prefetch=API_SHARED_PREFETCH)

    def parse_filters(self, parser: QueryParser) -> dict:
        date_from, date_to = date_range(parser)
        return {"from": date_from, "to": date_to, "upcoming": parser.boolean("upcoming")}

    def apply_filters(self, queryset, filters):
        if filters["from"] or filters["to"]:
            queryset = selectors.between(queryset, filters["from"], filters["to"])
        if filters["upcoming"]:
            queryset = selectors.upcoming(queryset)
        return queryset

    def clock(self, filters, now):
        if not filters.get("upcoming"):
            return "", None
        bucket = int(now.timestamp() // UPCOMING_PRECISION)
        return f"upcoming-{bucket}", datetime.datetime.fromtimestamp(
            bucket * UPCOMING_PRECISION, tz=datetime.UTC
        )

    def collect(self, page, context, *, detail):
        context.want_snippet(page.series)
        if detail:
            context.want_snippet(page.organiser)

