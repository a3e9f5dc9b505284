"""The reports content type: what the hub needs to know about it (see plugins.shared.content_types)."""

from plugins.shared.content_types import ContentTypeDescriptor, IndexPage


def describe() -> ContentTypeDescriptor:
    from plugins.reports.api import ReportsAPI
    from plugins.reports.models import ExperienceReportIndexPage, ExperienceReportPage
    from plugins.reports.search_index import ExperienceReportIndex

    return ContentTypeDescriptor(
        name="reports",
        page_model=ExperienceReportPage,
        index_model=ExperienceReportIndexPage,
        index_pages={
            "de": IndexPage("Erfahrungsberichte", "erfahrungsberichte"),
            "en": IndexPage("Experience reports", "experience-reports"),
        },
        labels={"de": ("Erfahrungsbericht", "Erfahrungsberichte"), "en": ("Experience report", "Experience reports")},
        search_index=ExperienceReportIndex(),
        api=ReportsAPI(),
        factory="plugins.reports.factories.ExperienceReportPageFactory",
        demo="plugins.reports.demo",
        importer="plugins.reports.importing",
        order=20,
    )
