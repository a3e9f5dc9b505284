"""Experience reports in the partner API: most recently published first (by publication date)."""

from rest_framework import serializers

from frontend_api.registry import API_SHARED_PREFETCH, ContentTypeAPI, Field
from frontend_api.serializers import schema
from frontend_api.serializers.items import iso, organisation_data
from plugins.reports import selectors


class QuoteSerializer(serializers.Serializer):
    text = serializers.CharField()
    attribution = serializers.CharField(allow_blank=True)


def quote(page, context) -> dict | None:
    if not page.quote_text:
        return None
    return {"text": page.quote_text, "attribution": page.quote_attribution}


class ReportsAPI(ContentTypeAPI):
    schema_name = "Report"
    title = "experience reports"
    description = "Experience reports: what members learned in their projects, in their own words."
    ordering_description = "by publication date, newest first; then most recently published."
    fields = {
        "author_name": Field(serializers.CharField(allow_blank=True), lambda page, ctx: page.author_name),
        "author_organisation": Field(
            schema.OrganisationSerializer(allow_null=True),
            lambda page, ctx: organisation_data(page.author_organisation, ctx),
        ),
        "publication_date": Field(serializers.DateField(), lambda page, ctx: iso(page.publication_date)),
        "quote": Field(QuoteSerializer(allow_null=True), quote, detail_only=True),
        "related_projects": Field(
            schema.PageReferenceSerializer(many=True),
            lambda page, ctx: [
                ref for link in page.related_projects.all() if (ref := ctx.page_ref(link.project))
            ],
            detail_only=True,
        ),
        "related_funding": Field(
            schema.PageReferenceSerializer(many=True),
            lambda page, ctx: [
                ref for link in page.related_funding.all() if (ref := ctx.page_ref(link.funding_page))
            ],
            detail_only=True,
        ),
    }

    def queryset(self, *, partner, locale):
        return selectors.reports(partner=partner, locale=locale, shared_prefetch=API_SHARED_PREFETCH)

    def collect(self, page, context, *, detail):
        context.want_snippet(page.author_organisation)
        if detail:
            for link in page.related_projects.all():
                context.want_page(link.project)
            for link in page.related_funding.all():
                context.want_page(link.funding_page)

