from plugins.shared.content_types import ContentTypeDescriptor, IndexPage


def describe() -> ContentTypeDescriptor:
    from tests.joboffers.api import JobOffersAPI
    from tests.joboffers.models import JobOfferIndexPage, JobOfferPage
    from tests.joboffers.search_index import JobOfferIndex

    return ContentTypeDescriptor(
        name="jobs",
        page_model=JobOfferPage,
        index_model=JobOfferIndexPage,
        index_pages={"de": IndexPage("Stellenangebote", "stellen"), "en": IndexPage("Job offers", "jobs")},
        labels={"de": ("Stellenangebot", "Stellenangebote"), "en": ("Job offer", "Job offers")},
        search_index=JobOfferIndex(),
        api=JobOffersAPI(),
        factory="tests.joboffers.factories.JobOfferPageFactory",
        order=90,
    )
