"""Projects in the partner API: most recently published first."""

from rest_framework import serializers

from frontend_api.registry import API_SHARED_PREFETCH, ContentTypeAPI, Field, FilterParameter
from frontend_api.serializers import schema
from frontend_api.serializers.items import iso, organisation_data
from plugins.projects import selectors
from plugins.projects.models import ProjectPage, ProjectParticipant


class ParticipantSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ProjectParticipant.Role.values)
    organisation = schema.OrganisationSerializer()


class FunderSerializer(serializers.Serializer):
    organisation = schema.OrganisationSerializer()
    funding = schema.PageReferenceSerializer(
        allow_null=True, help_text="The funding programme's page in the hub"
    )


class ExternalLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()


def participants(page, context) -> list[dict]:
    return [
        {"role": link.role, "organisation": organisation_data(link.organisation, context)}
        for link in page.participants.all()
    ]


def funders(page, context) -> list[dict]:
    return [
        {
            "organisation": organisation_data(link.organisation, context),
            "funding": context.page_ref(link.funding_page),
        }
        for link in page.funders.all()
    ]


class ProjectsAPI(ContentTypeAPI):
    schema_name = "Project"
    title = "projects"
    description = "Projects of the network's members: goals, participants, funders."
    ordering_description = "most recently published first."
    fields = {
        "status": Field(
            serializers.ChoiceField(choices=ProjectPage.Status.values), lambda page, ctx: page.status
        ),
        "start_date": Field(serializers.DateField(allow_null=True), lambda page, ctx: iso(page.start_date)),
        "end_date": Field(serializers.DateField(allow_null=True), lambda page, ctx: iso(page.end_date)),
        "goals": Field(
            serializers.ListField(child=serializers.CharField()),
            lambda page, ctx: [child.value for child in page.goals],
            detail_only=True,
        ),
        "participants": Field(ParticipantSerializer(many=True), participants, detail_only=True),
        "funders": Field(FunderSerializer(many=True), funders, detail_only=True),
        "external_links": Field(
            ExternalLinkSerializer(many=True),
            lambda page, ctx: [{"title": link.title, "url": link.url} for link in page.external_links.all()],
            detail_only=True,
        ),
    }
    filter_parameters = (
        FilterParameter("status", "Only projects in this state.", enum=tuple(ProjectPage.Status.values)),
    )

    def queryset(self, *, partner, locale):
        return selectors.projects(partner=partner, locale=locale, shared_prefetch=API_SHARED_PREFETCH)

    def parse_filters(self, parser):
        return {"status": parser.choice("status", ProjectPage.Status.values)}

    def apply_filters(self, queryset, filters):
        if filters["status"]:
            queryset = selectors.with_status(queryset, filters["status"])
        return queryset

    def collect(self, page, context, *, detail):
        if detail:
            for link in page.participants.all():
                context.want_snippet(link.organisation)
            for link in page.funders.all():
                context.want_snippet(link.organisation)
                context.want_page(link.funding_page)

