"""Go-live and expiry times set as in the admin take effect through the worker's periodic job, and
the index, the API and webhooks follow as for a manual publish."""

import datetime

import pytest
from django.test import override_settings
from wagtail.models import Revision

from cms.operations import periodic
from cms.settings import base as base_settings
from frontend_api.partners import create_partner
from plugins.projects.factories import ProjectPageFactory
from search import queries
from tests.search.helpers import DATABASE_QUEUE, drain, run_worker

pytestmark = pytest.mark.django_db
SCHEDULING = {"publish_scheduled": base_settings.KULTURHUB_PERIODIC_JOBS["publish_scheduled"]}


def schedule_go_live(page, when):
    """What the admin's "Publish" does for a draft with a go-live date in the future."""
    page.go_live_at = when
    revision = page.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at == when
    return revision


def listed(api, page) -> bool:
    return page.pk in {item["id"] for item in api.json("/api/v1/projects/", {"locale": "de"})["results"]}


def found(text: str) -> list[int]:
    return [r["id"] for r in queries.search(text, partner=None, locale="de")["results"]]


@override_settings(KULTURHUB_PERIODIC_JOBS=SCHEDULING)
def test_a_scheduled_page_goes_live_when_its_time_has_come(api, receiver, run_on_commit, clock):
    create_partner("Kulturportal", webhook_url=receiver.url)
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", publish=False)
    schedule_go_live(page, clock.now() + datetime.timedelta(hours=1))

    assert periodic.run_due_jobs("worker-a") == ["publish_scheduled"]  # not yet time
    page.refresh_from_db()
    assert not page.live and not listed(api, page) and found("Kulturscheune") == []

    clock.advance(hours=2)
    assert run_on_commit(lambda: periodic.run_due_jobs("worker-a")) == ["publish_scheduled"]
    page.refresh_from_db()
    assert page.live
    assert listed(api, page)
    assert found("Kulturscheune") == [page.pk]
    assert [(e["event"], e["id"]) for e in receiver.events()] == [("page.published", page.pk)]
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


@override_settings(KULTURHUB_PERIODIC_JOBS=SCHEDULING)
def test_an_expired_page_is_withdrawn(api, receiver, run_on_commit, clock):
    create_partner("Kulturportal", webhook_url=receiver.url)
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", publish=False)
    page.expire_at = clock.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()
    assert listed(api, page) and found("Kulturscheune") == [page.pk]

    clock.advance(hours=2)
    run_on_commit(lambda: periodic.run_due_jobs("worker-a"))
    page.refresh_from_db()
    assert not page.live and page.expired
    assert not listed(api, page)
    assert found("Kulturscheune") == []
    assert [(e["event"], e["id"]) for e in receiver.events()] == [("page.unpublished", page.pk)]


def test_the_worker_publishes_scheduled_pages_in_batch_mode(settings, clock):
    """The real `db_worker --batch`: periodic jobs first, then the index updates they queued."""
    settings.TASKS = DATABASE_QUEUE
    settings.KULTURHUB_PERIODIC_JOBS = SCHEDULING
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", publish=False)
    schedule_go_live(page, clock.now() + datetime.timedelta(minutes=10))
    drain()
    assert found("Kulturscheune") == []

    clock.advance(minutes=11)
    run_worker()
    page.refresh_from_db()
    assert page.live
    assert found("Kulturscheune") == [page.pk]
