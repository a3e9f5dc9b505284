"""Periodic jobs: one worker at a time per job, at the configured interval, failures contained."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.operations import periodic, workers
from cms.operations.models import PeriodicJob

pytestmark = pytest.mark.django_db
calls: list[str] = []


def note_call() -> None:
    calls.append("ran")


def fail() -> None:
    raise RuntimeError("the job broke")


JOBS = {
    "failing": {"job": "tests.operations.test_periodic.fail", "seconds": 30},
    "noting": {"job": "tests.operations.test_periodic.note_call", "seconds": 30},
}


@pytest.fixture(autouse=True)
def no_calls():
    calls.clear()


@override_settings(KULTURHUB_PERIODIC_JOBS={"noting": JOBS["noting"]})
def test_a_job_runs_on_one_worker_at_a_time():
    [job] = periodic.configured_jobs()
    now = timezone.now()
    workers.beat("worker-a", now=now)
    assert periodic.claim(job, "worker-a", now)
    assert not periodic.claim(job, "worker-b", now)  # a holds the lease
    assert periodic.run_due_jobs("worker-b", now=now) == [] and calls == []
    periodic.release(job, "worker-a", "")
    assert PeriodicJob.objects.get(name="noting").leased_by == ""


@override_settings(KULTURHUB_PERIODIC_JOBS={"noting": JOBS["noting"]})
def test_a_job_runs_again_after_its_interval():

    now = timezone.now()
    assert periodic.run_due_jobs("worker-a", now=now) == ["noting"]
    assert periodic.run_due_jobs("worker-b", now=now + datetime.timedelta(seconds=5)) == []
    assert periodic.run_due_jobs("worker-b", now=now + datetime.timedelta(seconds=31)) == ["noting"]
    assert calls == ["ran", "ran"]


@override_settings(KULTURHUB_PERIODIC_JOBS=JOBS)
def test_a_failing_job_is_recorded_and_the_others_still_run(caplog):
    assert periodic.run_due_jobs("worker-a") == ["failing", "noting"]
    assert calls == ["ran"]
    failed = PeriodicJob.objects.get(name="failing")
    assert "the job broke" in failed.last_error and failed.lease_until is None
    assert "periodic job failing failed" in caplog.text


@override_settings(KULTURHUB_PERIODIC_JOBS={"noting": JOBS["noting"]})
def test_a_job_whose_worker_died_is_taken_over_when_its_heartbeat_is_stale():
    """A worker killed inside a job (publish_scheduled, say) blocks it for a minute, not the whole lease."""
    [job] = periodic.configured_jobs()
    now = timezone.now()
    workers.beat("worker-a", now=now)
    assert periodic.claim(job, "worker-a", now)
    # worker-a is killed here: no release, no more heartbeats.
    assert periodic.run_due_jobs("worker-b", now=now + datetime.timedelta(seconds=30)) == []
    later = now + workers.stale_after() + datetime.timedelta(seconds=1)
    assert later < now + datetime.timedelta(seconds=periodic.LEASE_SECONDS)
    assert periodic.run_due_jobs("worker-b", now=later) == ["noting"]
    assert calls == ["ran"]


@override_settings(KULTURHUB_PERIODIC_JOBS={"noting": JOBS["noting"]})
def test_a_job_running_longer_than_its_lease_gets_no_second_runner():
    [job] = periodic.configured_jobs()
    now = timezone.now()
    workers.beat("worker-a", now=now)
    assert periodic.claim(job, "worker-a", now)
    # The job is still running on worker-a, whose heartbeat goes on beating past the lease.
    later = now + datetime.timedelta(seconds=periodic.LEASE_SECONDS + 60)
    workers.beat("worker-a", now=later - datetime.timedelta(seconds=5))
    assert periodic.run_due_jobs("worker-b", now=later) == []
    assert calls == [] and PeriodicJob.objects.get(name="noting").leased_by == "worker-a"


@override_settings(KULTURHUB_PERIODIC_JOBS=JOBS)
def test_a_failed_release_does_not_stop_the_worker(monkeypatch, caplog):
    """A locked database when the lease is released: logged, the other jobs run, and the job is claimed
    again by the same worker at the next poll instead of waiting for its lease to run out."""
    real_update = QuerySet.update

    def locked_on_release(queryset, **values):
        if values.get("leased_by") == "" and queryset.model is PeriodicJob:
            raise OperationalError("database is locked")
        return real_update(queryset, **values)

    now = timezone.now()
    workers.beat("worker-a", now=now)
    with monkeypatch.context() as patch:
        patch.setattr(QuerySet, "update", locked_on_release)
        assert periodic.run_due_jobs("worker-a", now=now) == ["failing", "noting"]
    assert "could not release periodic job noting" in caplog.text
    assert periodic.run_due_jobs("worker-a", now=now + datetime.timedelta(seconds=1)) == ["failing", "noting"]
    assert PeriodicJob.objects.get(name="noting").leased_by == ""
    assert calls == ["ran", "ran"]


@override_settings(KULTURHUB_PERIODIC_JOBS=JOBS)
def test_an_idle_worker_does_not_write_to_the_database():
    now = timezone.now()
    assert periodic.run_due_jobs("worker-a", now=now) == ["failing", "noting"]
    with CaptureQueriesContext(connection) as queries:
        assert periodic.run_due_jobs("worker-a", now=now + datetime.timedelta(seconds=5)) == []
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert statements == ["SELECT"]
