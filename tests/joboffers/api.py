from rest_framework import serializers

from frontend_api.registry import API_SHARED_PREFETCH, ContentTypeAPI, Field
from frontend_api.serializers import schema
from frontend_api.serializers.items import iso, organisation_data
from tests.joboffers.selectors import job_offers


class JobOffersAPI(ContentTypeAPI):
    schema_name = "JobOffer"
    title = "job offers"
    description = "Job offers of the network's members."
    ordering_description = "by application deadline, soonest first."
    fields = {
        "workplace": Field(serializers.CharField(), lambda page, ctx: page.workplace),
        "closes_on": Field(serializers.DateField(), lambda page, ctx: iso(page.closes_on)),
        "employer": Field(
            schema.OrganisationSerializer(allow_null=True), lambda page, ctx: organisation_data(page.employer, ctx)
        ),
    }

    def queryset(self, *, partner, locale):
        return job_offers(partner=partner, locale=locale, shared_prefetch=API_SHARED_PREFETCH)

    def collect(self, page, context, *, detail):
        context.want_snippet(page.employer)
