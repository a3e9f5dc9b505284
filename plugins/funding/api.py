"""Funding information in the partner API: open first, then upcoming, then closed, each by next deadline."""

import datetime

from django.utils import timezone
from rest_framework import serializers

from frontend_api.registry import API_SHARED_PREFETCH, ContentTypeAPI, Field, FilterParameter
from frontend_api.serializers import schema
from frontend_api.serializers.items import iso, number, organisation_data
from plugins.funding import selectors
from plugins.funding.models import FundingPage, FundingStatus


class AmountSerializer(serializers.Serializer):
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    currency = serializers.CharField()


class DeadlineSerializer(serializers.Serializer):
    label = serializers.CharField(allow_blank=True)
    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField()
    open = serializers.BooleanField(help_text="Applications possible today")


def amount(page, context) -> dict | None:
    if page.amount_min is None and page.amount_max is None:
        return None
    return {"min": number(page.amount_min), "max": number(page.amount_max), "currency": "EUR"}


def deadlines(page, context) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "label": round_.label,
            "opens_on": iso(round_.opens_on),
            "closes_on": iso(round_.closes_on),
            "open": round_.is_open_on(today),
        }
        for round_ in page.deadlines.all()
    ]


class FundingAPI(ContentTypeAPI):
    schema_name = "Funding"
    title = "funding information"
    description = "Funding programmes, prizes and grants, with their application rounds."
    ordering_description = "open first, then upcoming, then closed; within each by next deadline."
    fields = {
        "status": Field(
            serializers.ChoiceField(
                choices=FundingStatus.values,
                help_text="open: applications possible today (or rolling); upcoming: "
                "a round opens later; closed: neither",
            ),
            lambda page, ctx: page.funding_status,
        ),
        "next_deadline": Field(
            serializers.DateField(allow_null=True, help_text="Next closing day from today"),
            lambda page, ctx: iso(page.next_deadline_on),
        ),
        "rolling": Field(
            serializers.BooleanField(help_text="Applications possible at any time"),
            lambda page, ctx: page.rolling,
        ),
        "kind": Field(serializers.ChoiceField(choices=FundingPage.Kind.values), lambda page, ctx: page.kind),
        "programme": Field(serializers.CharField(allow_blank=True), lambda page, ctx: page.programme),
        "amount": Field(AmountSerializer(allow_null=True, help_text="Range of the funding sum"), amount),
        "cofinancing_percent": Field(
            serializers.IntegerField(allow_null=True, help_text="Required own share"),
            lambda page, ctx: page.cofinancing_percent,
        ),
        "funder": Field(
            schema.OrganisationSerializer(allow_null=True),
            lambda page, ctx: organisation_data(page.funder, ctx),
            detail_only=True,
        ),
        "eligible_applicants": Field(
            serializers.CharField(allow_blank=True),
            lambda page, ctx: page.eligible_applicants,
            detail_only=True,
        ),
        "application_url": Field(
            serializers.URLField(allow_null=True),
            lambda page, ctx: page.application_url or None,
            detail_only=True,
        ),
        "deadlines": Field(DeadlineSerializer(many=True), deadlines, detail_only=True),
        "related_projects": Field(
            schema.PageReferenceSerializer(many=True),
            lambda page, ctx: [
                ref for link in page.related_projects.all() if (ref := ctx.page_ref(link.project))
            ],
            detail_only=True,
        ),
    }
    filter_parameters = (
        FilterParameter("status", "Only funding in this state today.", enum=tuple(FundingStatus.values)),
    )

    def queryset(self, *, partner, locale):
        return selectors.funding(partner=partner, locale=locale, shared_prefetch=API_SHARED_PREFETCH)

    def parse_filters(self, parser):
        return {"status": parser.choice("status", FundingStatus.values)}

    def apply_filters(self, queryset, filters):
        if filters["status"]:
            queryset = selectors.with_funding_status(queryset, filters["status"])
        return queryset

    def clock(self, filters, now):
        """Status and next deadline change at midnight, Berlin time."""
        today = timezone.localdate(now)
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        return today.isoformat(), midnight

    def annotate_draft(self, page):
        page.funding_status = page.status
        page.next_deadline_on = page.next_deadline
        return page

    def collect(self, page, context, *, detail):
        if detail:
            context.want_snippet(page.funder)
            for link in page.related_projects.all():
                context.want_page(link.project)

