from django.db.models import QuerySet

from plugins.projects.models import ProjectPage
from plugins.shared.selectors import content_pages


def projects(**kwargs) -> QuerySet[ProjectPage]:
    """Visible projects, newest publication first; kwargs as `content_pages`."""
    return (
        content_pages(ProjectPage, **kwargs)
        .prefetch_related("participants__organisation", "funders__organisation", "funders__funding_page",
                          "external_links")
        .order_by("-last_published_at", "-pk")
    )


def with_status(queryset: QuerySet, status: str) -> QuerySet:
    return queryset.filter(status=status)
