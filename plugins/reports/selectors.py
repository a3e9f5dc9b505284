from django.db.models import QuerySet

from plugins.reports.models import ExperienceReportPage
from plugins.shared.selectors import content_pages


def reports(**kwargs) -> QuerySet[ExperienceReportPage]:
    """Visible experience reports, newest publication first; kwargs as `content_pages`."""
    return (
        content_pages(ExperienceReportPage, **kwargs)
        .select_related("author_organisation")
        .prefetch_related("related_projects__project", "related_funding__funding_page")
        .order_by("-publication_date", "-last_published_at", "-pk")
    )
