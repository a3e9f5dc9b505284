"""Page events for partners' webhooks: published, unpublished, deleted.

A delivery is created per active webhook of every partner that may see the page (live status aside),
in the same transaction as the change, and sent by the background worker: signed with the webhook's
secret (X-Kulturhub-Timestamp: <unix seconds>, X-Kulturhub-Signature: sha256=<HMAC-SHA256 of
"<timestamp>.<raw body>">, so a receiver can refuse replays), only to public addresses (see
webhook_targets), retried with exponential backoff until a 2xx answer or WEBHOOK_MAX_ATTEMPTS; every
attempt is recorded for the admin.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import time

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from frontend_api.models import WebhookAttempt, WebhookDelivery
from frontend_api.webhook_targets import RefusedTarget, url_refusal, webhook_session

logger = logging.getLogger("kulturhub.webhooks")

PUBLISHED, UNPUBLISHED, DELETED = "page.published", "page.unpublished", "page.deleted"
SIGNATURE_HEADER = "X-Kulturhub-Signature"
TIMESTAMP_HEADER = "X-Kulturhub-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature of one attempt: it covers the send time too, so a captured delivery cannot be
    replayed later as new."""
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))


def retry_delay(attempt_count: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, … up to 6 h between attempts."""
    base = float(getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30))
    return datetime.timedelta(seconds=min(base * 2 ** max(attempt_count - 1, 0), 6 * 3600))


def attempt(delivery: WebhookDelivery) -> WebhookAttempt:
    """One POST, signed with the time it is sent, recorded whatever happens (a refused target too)."""
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kulturhub-Webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.webhook.secret, timestamp, body),
        "X-Kulturhub-Event": delivery.event,
        "X-Kulturhub-Delivery": str(delivery.pk),
    }
    started = time.monotonic()
    status_code, error = None, ""
    refusal = url_refusal(delivery.webhook.url)
    if refusal:
        error = f"refused: {refusal}"[:500]
    else:
        try:
            with webhook_session() as session:
                response = session.post(delivery.webhook.url, data=body, headers=headers,
                                        timeout=float(getattr(settings, "WEBHOOK_TIMEOUT", 10)), allow_redirects=False)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except RefusedTarget as exc:
            error = f"refused: {exc}"[:500]
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    return WebhookAttempt.objects.create(
        delivery=delivery, status_code=status_code, error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def deliver(delivery_id: int) -> str:
    """Sends a pending delivery once; schedules the next attempt or gives up. Returns the new status."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return delivery.status if delivery else "missing"
    result = attempt(delivery)
    delivery.attempt_count += 1
    if result.succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            WebhookDelivery.Status.DELIVERED, result.attempted_at, None)
    elif delivery.attempts_since_redelivery >= max_attempts() or not delivery.webhook.active:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        logger.warning("webhook delivery %s gave up after %d attempts: %s", delivery.pk, delivery.attempt_count,
                       result.error)
    else:
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts_since_redelivery)
    delivery.save(update_fields=["status", "attempt_count", "next_attempt_at", "delivered_at"])
    if delivery.status == WebhookDelivery.Status.PENDING and deliver_webhook.get_backend().supports_defer:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


@task()
def deliver_webhook(delivery_id: int) -> str:
    return deliver(delivery_id)


def redeliver(delivery: WebhookDelivery) -> bool:
    """Sends a failed delivery again now, with a fresh retry limit; earlier attempts stay. Returns
    False (and changes nothing) for a delivery that is not failed (delivered, or still retrying)."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.FAILED).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=None, attempts_before_redelivery=F("attempt_count")
        )
        if updated:
            transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    return bool(updated)
