"""A worker in `--batch` mode is as alive as any other: its heartbeat runs while it works, so the
recovery job does not hand its running task to a second worker, and stops when the batch ends."""

import threading

import pytest
from django_tasks import task

from tests.search.helpers import DATABASE_QUEUE, run_worker

pytestmark = pytest.mark.django_db
seen: list[list[str]] = []


def heartbeats() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("kulturhub-heartbeat-") and t.is_alive()]


@task()
def note_heartbeats() -> None:
    seen.append(heartbeats())


def test_a_batch_worker_beats_while_it_runs_a_task(settings):
    settings.TASKS = DATABASE_QUEUE
    seen.clear()
    note_heartbeats.enqueue()
    run_worker()
    assert len(seen) == 1 and len(seen[0]) == 1  # the task ran with the worker's heartbeat going
    assert heartbeats() == []  # and the heartbeat stopped with the batch
