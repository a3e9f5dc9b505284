"""Periodic jobs: one worker at a time per job, at the configured interval, failures contained."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from cms.operations import periodic
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
