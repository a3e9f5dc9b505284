"""The funding content type: what the hub needs to know about it (see plugins.shared.content_types)."""

from plugins.shared.content_types import ContentTypeDescriptor, IndexPage


def describe() -> ContentTypeDescriptor:
    from plugins.funding.api import FundingAPI
    from plugins.funding.models import FundingIndexPage, FundingPage
    from plugins.funding.search_index import FundingIndex

    return ContentTypeDescriptor(
        name="funding",
        page_model=FundingPage,
        index_model=FundingIndexPage,
        index_pages={"de": IndexPage("Förderinformationen", "foerderung"), "en": IndexPage("Funding", "funding")},
        labels={"de": ("Förderung", "Förderungen"), "en": ("Funding", "Funding")},
        search_index=FundingIndex(),
        api=FundingAPI(),
        factory="plugins.funding.factories.FundingPageFactory",
        demo="plugins.funding.demo",
        dashboard_panel="plugins.funding.dashboard.UpcomingDeadlinesPanel",
        order=40,
    )
