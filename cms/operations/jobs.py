"""The periodic jobs themselves (named in `KULTURHUB_PERIODIC_JOBS`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management import call_command

logger = logging.getLogger("kulturhub.operations")


def publish_scheduled() -> None:
    """Wagtail's own scheduled publishing: approved revisions whose go-live time has passed go live,
    live pages whose expiry has passed are unpublished; index, API cache and webhooks follow through
    Wagtail's publish signals as for a manual publish."""
    call_command("publish_scheduled", verbosity=0)


def recover_dead_tasks() -> None:
    from cms.operations.workers import recover_dead_tasks as recover

    recover()


def reconcile_search_index() -> None:
    from search.reconcile import reconcile

    report = reconcile()
    if report.drift:
        logger.warning("search index drift: %s; updates queued", report.summary())


def prune_task_results() -> None:
    """Finished task rows older than `KULTURHUB_TASK_RESULT_DAYS` go (the queue table stays small)."""
    days = int(getattr(settings, "KULTURHUB_TASK_RESULT_DAYS", 14))
    call_command("prune_db_task_results", "--queue-name", "*", "--min-age-days", str(days), verbosity=0)


def sweep_partner_audiences() -> None:
    """Partners hear of any change in what they may see that an announcement missed (a crash between a
    commit and its queued announcement, a page made live without a publish)."""
    from frontend_api.changes import sweep_audiences

    events = sweep_audiences()
    if events:
        logger.warning("partner audiences differed from what partners were told: %d events recorded", events)


def prune_partner_changes() -> None:
    """Changes-feed entries older than the retention period go; older cursors answer 410."""
    from frontend_api.changes import prune_changes

    prune_changes()
