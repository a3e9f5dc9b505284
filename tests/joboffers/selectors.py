from django.db.models import QuerySet

from plugins.shared.selectors import content_pages
from tests.joboffers.models import JobOfferPage


def job_offers(**kwargs) -> QuerySet[JobOfferPage]:
    """Visible job offers, the soonest application deadline first; kwargs as `content_pages`."""
    return content_pages(JobOfferPage, **kwargs).select_related("employer").order_by("closes_on", "-pk")
