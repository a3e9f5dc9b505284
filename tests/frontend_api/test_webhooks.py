"""Partners' webhooks: signed page events, only for pages the partner may see, retried, recorded."""

import hashlib
import hmac
import json

import pytest
from wagtail.models import PageViewRestriction

from frontend_api import webhooks
from frontend_api.models import WebhookDelivery
from frontend_api.partners import create_partner
from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from tests.frontend_api.receivers import Receiver, verified


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_publish_is_delivered_signed(db, receiver, run_on_commit):
    partner, _key, secret = create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    [(headers, body)] = receiver.received
    event = json.loads(body)
    assert event["event"] == "page.published" and event["type"] == "events" and event["id"] == page.pk
    assert event["locale"] == "de" and event["url"] == page.full_url and event["occurred_at"]
    timestamp = headers["X-Kulturhub-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-Kulturhub-Signature"] == expected
    assert verified(secret, headers, body)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts.get().status_code == 204


def test_unpublish_and_delete_are_delivered(db, receiver, run_on_commit):
    create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: ProjectPageFactory(title="Projekt"))
    run_on_commit(page.unpublish)
    run_on_commit(lambda: page.save_revision().publish())
    run_on_commit(page.delete)
    assert [e["event"] for e in receiver.events()] == [
        "page.published", "page.unpublished", "page.published", "page.deleted"]
    assert {e["id"] for e in receiver.events()} == {page.pk}


def test_only_partners_who_may_see_the_page_are_told(db, receiver, run_on_commit):
    other = Receiver()
    try:
        chosen, _key, _secret = create_partner("Kulturportal", webhook_url=receiver.url)
        create_partner("Engagement NRW", webhook_url=other.url)
        run_on_commit(lambda: EventPageFactory(title="Nur für das Kulturportal", partners=[chosen]))
        assert len(receiver.received) == 1 and other.received == []

        private = run_on_commit(lambda: EventPageFactory(title="Intern", publish=False))
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        run_on_commit(lambda: private.save_revision().publish())
        assert len(receiver.received) == 1 and other.received == []
    finally:
        other.close()


def test_failures_are_recorded_and_retried_with_backoff_then_given_up(db, settings, run_on_commit):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    failing = Receiver(status=500)
    try:
        create_partner("Kulturportal", webhook_url=failing.url)
        run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending" and delivery.attempt_count == 1
        first_wait = delivery.next_attempt_at - delivery.attempts.get().attempted_at
        assert webhooks.deliver(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert delivery.next_attempt_at - delivery.attempts.last().attempted_at > first_wait  # backoff grows
        failing.status = 503
        assert webhooks.deliver(delivery.pk) == "failed"
        assert [a.status_code for a in delivery.attempts.all()] == [500, 500, 503]
        assert webhooks.deliver(delivery.pk) == "failed"  # no further attempts
        assert len(failing.received) == 3
    finally:
        failing.close()


def test_unreachable_endpoint_is_recorded_not_raised(db, run_on_commit):
    create_partner("Kulturportal", webhook_url="http://127.0.0.1:9/nothing-listens")
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    attempt = WebhookDelivery.objects.get().attempts.get()
    assert attempt.status_code is None and "ConnectionError" in attempt.error


def test_worker_delivers_queued_webhooks(db, settings, receiver, django_capture_on_commit_callbacks):
    """With the database queue, the editor's publish only queues; `db_worker --batch` sends."""
    from tests.search.helpers import DATABASE_QUEUE, run_worker

    settings.TASKS = DATABASE_QUEUE
    create_partner("Kulturportal", webhook_url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        EventPageFactory(title="Netzwerktreffen")
    assert receiver.received == []  # queued, not sent
    run_worker()
    assert [e["event"] for e in receiver.events()] == ["page.published"]
    assert WebhookDelivery.objects.get().status == "delivered"
