"""Index updates through the durable queue: retries with backoff, outages, catching up."""

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from search import queries, status
from search.tasks import retry_delay, update_pages
from tests.search.helpers import DATABASE_QUEUE, database_state, drain, opensearch_state, run_worker
from tests.search.proxy import Outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.SEARCH_RETRY_BASE_SECONDS = 0.05
    settings.SEARCH_RETRY_MAX_SECONDS = 0.2
    return settings


def search_ids(q, locale="de"):
    return [r["id"] for r in queries.search(q, partner=None, locale=locale)["results"]]


def test_publishing_only_enqueues(queue):
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    assert status.pending_index_updates() == 1
    assert search_ids("Kulturscheune") == []  # nothing indexed until the worker runs
    drain()
    assert search_ids("Kulturscheune") == [page.pk]


def test_updates_that_overtake_each_other_end_with_the_database(queue):
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    page.title = "Kulturscheune Uckermark"
    page.save_revision().publish()
    page.unpublish()
    assert status.pending_index_updates() == 3
    drain()
    assert search_ids("Kulturscheune") == []


def test_backoff_doubles_up_to_the_cap(settings):
    settings.SEARCH_RETRY_BASE_SECONDS = 2
    settings.SEARCH_RETRY_MAX_SECONDS = 600
    delays = [retry_delay(attempt) for attempt in range(12)]
    assert 1.6 <= delays[0] <= 2.4 and 6.4 <= delays[2] <= 9.6
    assert max(delays) <= 720 and delays[-1] >= 480


def test_a_failed_write_is_retried_later_with_an_attempt_counter(queue, monkeypatch):
    # A delay long enough that the worker's pass cannot pick up the retry itself on a slow machine.
    queue.SEARCH_RETRY_BASE_SECONDS = 60
    queue.SEARCH_RETRY_MAX_SECONDS = 600  # the fixture's cap of 0.2 s would make the retry due at once
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    from search import indexing

    real_sync = indexing.sync_pages
    monkeypatch.setattr(
        indexing, "sync_pages", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("down"))
    )
    run_worker()
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert failed.count() == 1
    assert retry.args_kwargs["kwargs"]["attempt"] == 1 and retry.run_after > failed.get().enqueued_at
    assert status.pending_index_updates() == 1
    monkeypatch.setattr(indexing, "sync_pages", real_sync)
    run_worker()
    assert status.pending_index_updates() == 1  # the retry waits for its time
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    drain()
    assert search_ids("Kulturscheune") == [page.pk]


def test_gives_up_after_the_last_attempt(queue, monkeypatch):
    queue.SEARCH_RETRY_ATTEMPTS = 3
    from search import indexing

    monkeypatch.setattr(
        indexing, "sync_pages", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("down"))
    )
    ProjectPageFactory(title="Kulturscheune Oderbruch")
    drain()
    assert (
        DBTaskResult.objects.filter(
            task_path=update_pages.module_path, status=TaskResultStatus.FAILED
        ).count()
        == 3
    )


@pytest.mark.opensearch
def test_outage_publish_and_unpublish_then_catch_up(queue, opensearch_cluster, request):
    """Stop OpenSearch, publish and unpublish pages, start it again, drain: index equals database."""
    from tests.search.conftest import opensearch_settings

    outage = Outage(opensearch_cluster())
    outage.start()
    # A stopped outage refuses connections at once, so the timeout only bounds a slow but running
    # cluster: generous, so that a loaded machine cannot turn a slow answer into a failed write.
    with opensearch_settings(outage.url, "outage", OPENSEARCH_TIMEOUT=30):
        queue.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        kept = ProjectPageFactory(title="Kulturscheune Oderbruch")
        withdrawn = EventPageFactory(title="Sommerfest der Kulturscheune")
        renamed = ProjectPageFactory(title="Kulturscheune Barnim")
        assert opensearch_state() == database_state()
        queue.TASKS = DATABASE_QUEUE

        outage.stop()
        new = EventPageFactory(title="Herbstmarkt in der Kulturscheune")
        withdrawn.unpublish()
        renamed.title = "Kulturscheune Uckermark"
        renamed.save_revision().publish()
        assert status.pending_index_updates() == 3
        run_worker()  # every write to OpenSearch fails; the database copy is updated
        assert status.search_health() == "unavailable"
        assert status.pending_index_updates() == 3
        answer = queries.search("Kulturscheune", partner=None, locale="de")
        assert answer["engine"] == "database"
        assert {r["id"] for r in answer["results"]} == {kept.pk, renamed.pk, new.pk}

        outage.start()
        assert status.search_health() == "ok"
        drain()
        assert opensearch_state() == database_state()
        answer = queries.search("Kulturscheune", partner=None, locale="de")
        assert answer["engine"] == "opensearch"
        assert {r["id"]: r["title"] for r in answer["results"]} == {
            kept.pk: "Kulturscheune Oderbruch",
            renamed.pk: "Kulturscheune Uckermark",
            new.pk: "Herbstmarkt in der Kulturscheune",
        }
    outage.stop()
