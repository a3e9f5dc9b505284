"""Background index updates (django-tasks): durable in the database queue, retried with backoff.

A task never carries a document, only page ids: it reads the database when it runs, so a retry after
an outage writes what the database says then, and updates that overtake each other end the same.
A failed attempt is recorded as failed and enqueues the next attempt with a growing delay.
"""

from __future__ import annotations

import datetime
import logging
import random

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from search import indexing

logger = logging.getLogger("kulturhub.search")


def retry_delay(attempt: int) -> float:
    """Seconds before attempt `attempt + 1`: doubling from SEARCH_RETRY_BASE_SECONDS up to
    SEARCH_RETRY_MAX_SECONDS, with jitter so a recovering cluster is not hit all at once."""
    base = float(getattr(settings, "SEARCH_RETRY_BASE_SECONDS", 2.0))
    cap = float(getattr(settings, "SEARCH_RETRY_MAX_SECONDS", 600.0))
    return min(cap, base * 2**attempt) * random.uniform(0.8, 1.2)


def max_attempts() -> int:
    return int(getattr(settings, "SEARCH_RETRY_ATTEMPTS", 30))


def retry_later(task_obj, attempt: int, exc: BaseException, *args) -> None:
    """Enqueues the next attempt, or gives up loudly after the last one (rebuild_search_index repairs)."""
    if attempt + 1 >= max_attempts():
        logger.error(
            "search index update %s%r failed %d times, giving up: %s", task_obj.name, args, attempt + 1, exc
        )
        return
    backend = task_obj.get_backend()
    if not backend.supports_defer:
        logger.warning(
            "search index update %s%r failed (%s); this task backend cannot retry later",
            task_obj.name,
            args,
            exc,
        )
        return
    delay = retry_delay(attempt)
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    task_obj.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
    logger.warning(
        "search index update %s%r failed (%s); attempt %d in %.1f s",
        task_obj.name,
        args,
        exc,
        attempt + 2,
        delay,
    )


# Index updates go before other queued work (Wagtail's own search housekeeping, webhooks): a visitor
# notices a stale search result, nobody notices those waiting a moment.
PRIORITY = 10


@task(priority=PRIORITY)
def update_pages(page_ids: list[int], aliases: dict[str, str] | None = None, attempt: int = 0) -> dict:
    """Makes the index agree with the database for these pages. `aliases` names the alias of pages
    that may be gone from the database by the time this runs (deletions)."""
    hints = {int(pk): alias for pk, alias in (aliases or {}).items()}
    try:
        return indexing.sync_pages(page_ids, alias_hints=hints).as_dict()
    except Exception as exc:
        retry_later(update_pages, attempt, exc, page_ids, aliases)
        raise


@task(priority=PRIORITY)
def update_subtree(root_id: int, attempt: int = 0) -> dict:
    """Like `update_pages` for a page and everything below it (moves, view restrictions)."""
    try:
        return indexing.sync_pages(indexing.subtree_page_ids(root_id)).as_dict()
    except Exception as exc:
        retry_later(update_subtree, attempt, exc, root_id)
        raise


TASK_PATHS = [update_pages.module_path, update_subtree.module_path]
