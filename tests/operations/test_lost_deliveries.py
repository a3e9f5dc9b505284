"""A webhook delivery whose queued send was lost after the editor's commit (the process died, the
database was locked) is queued again by the worker's periodic job, once, and reaches the partner."""

import datetime
import json

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cms.operations import jobs
from frontend_api.models import WebhookDelivery
from frontend_api.partners import create_partner
from frontend_api.webhooks import PUBLISHED, deliver_webhook
from tests.search.helpers import DATABASE_QUEUE, run_worker

pytestmark = pytest.mark.django_db


def sends() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=deliver_webhook.module_path))


def test_a_delivery_whose_enqueue_was_lost_is_sent(settings, receiver):
    settings.TASKS = DATABASE_QUEUE
    partner, _key, _secret = create_partner("Kulturportal", webhook_url=receiver.url)
    body = {"event": PUBLISHED, "id": 4711}
    lost = WebhookDelivery.objects.create(
        webhook=partner.webhooks.get(), event=PUBLISHED, page_id=4711, body=json.dumps(body)
    )
    assert sends() == []  # committed, but its on_commit enqueue never ran

    assert jobs.requeue_webhook_deliveries() == 0  # just created: its enqueue may be on its way
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert jobs.requeue_webhook_deliveries(now=later) == 1
    assert jobs.requeue_webhook_deliveries(now=later) == 0  # it has a queued send now: no second chain
    [send] = sends()
    assert send.status == TaskResultStatus.READY

    run_worker()
    lost.refresh_from_db()
    assert lost.status == WebhookDelivery.Status.DELIVERED
    assert receiver.events() == [body]
    assert jobs.requeue_webhook_deliveries(now=later + datetime.timedelta(minutes=5)) == 0
    assert len(sends()) == 1


def test_a_retry_waiting_in_the_queue_is_not_doubled(settings, receiver):
    settings.TASKS = DATABASE_QUEUE
    partner, _key, _secret = create_partner("Kulturportal", webhook_url=receiver.url)
    retrying = WebhookDelivery.objects.create(
        webhook=partner.webhooks.get(), event=PUBLISHED, page_id=4711, body="{}",
        created_at=timezone.now() - datetime.timedelta(hours=1), attempt_count=3,
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    deliver_webhook.using(run_after=retrying.next_attempt_at).enqueue(retrying.pk)
    assert jobs.requeue_webhook_deliveries() == 0
    assert len(sends()) == 1
