"""The periodic jobs themselves (named in `KULTURHUB_PERIODIC_JOBS`)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

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


def prune_search_insights() -> None:
    """Query insights older than `SEARCH_INSIGHTS_RETENTION_DAYS` go."""
    from search.insights import prune

    prune()


# A delivery younger than this, or whose next attempt is due since less than this, may still be on its
# way into the queue (its transaction just committed, its retry is being enqueued): left alone.
DELIVERY_GRACE = datetime.timedelta(seconds=60)


def requeue_webhook_deliveries(*, now: datetime.datetime | None = None) -> int:
    """Pending deliveries whose queued send was lost (the process died between the editor's commit and
    its on_commit enqueue, or the enqueue hit a locked database) are queued again; a delivery that
    has a ready or running send is left alone, so no second chain of retries starts beside it.
    Returns the deliveries queued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from frontend_api.models import WebhookDelivery
    from frontend_api.webhooks import deliver_webhook

    if not isinstance(deliver_webhook.get_backend(), DatabaseBackend):
        return 0  # only the database queue can lose an enqueue and be looked into
    now = now or timezone.now()
    due = set(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, created_at__lte=now - DELIVERY_GRACE)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - DELIVERY_GRACE))
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    queued = {
        args_kwargs["args"][0] if args_kwargs.get("args") else args_kwargs.get("kwargs", {}).get("delivery_id")
        for args_kwargs in DBTaskResult.objects.filter(
            task_path=deliver_webhook.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).values_list("args_kwargs", flat=True)
    }
    lost = sorted(due - queued)
    for delivery_id in lost:
        deliver_webhook.enqueue(delivery_id)
    if lost:
        logger.warning("webhook deliveries pending without a queued send were queued again: %s", lost)
    return len(lost)
