"""Background work of the partner API (django-tasks): items prepared when their pages are published."""

from django_tasks import task

from frontend_api import prepared


@task()
def prepare_pages(page_ids: list[int]) -> int:
    """Prepares the API items of these pages (frontend_api.prepared): a later cold answer reads them instead of
    serializing. Losing this task costs nothing but that: an item missing or out of date is built on read."""
    return prepared.prepare_published(page_ids)
