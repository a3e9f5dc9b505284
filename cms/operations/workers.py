"""Worker liveness and the recovery of tasks whose worker died.

django-tasks-db marks a claimed task RUNNING and appends the worker's id to `worker_ids`, but
nothing ever looks at a RUNNING task again: after a SIGKILL, an OOM kill or a machine restart the
task stays RUNNING for good. Each worker process therefore keeps a heartbeat row; a RUNNING task
whose worker's heartbeat is stale, or whose process is known to be gone, goes back to READY and runs
again (at-least-once: index writes read the database when they run, webhook deliveries check their
status before sending).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from cms.operations.models import WorkerHeartbeat

logger = logging.getLogger("kulturhub.operations")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "KULTURHUB_WORKER_HEARTBEAT_SECONDS", 10))


def stale_after() -> datetime.timedelta:
    """How long a silent worker counts as alive: several missed heartbeats, so a busy database does
    not make a live worker look dead."""
    return datetime.timedelta(seconds=float(getattr(settings, "KULTURHUB_WORKER_STALE_SECONDS", 60)))


def beat(worker_id: str, *, now: datetime.datetime | None = None) -> None:
    """Marks the worker alive, and renews the lease of a periodic job it is running (however long)."""
    from cms.operations import periodic

    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "started_at": now, "seen_at": now},
        )
    periodic.renew(worker_id, now)


def forget(worker_id: str) -> None:
    """A worker that stops cleanly leaves no heartbeat behind (it finished its task)."""
    try:
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    except DatabaseError:
        logger.warning("could not remove the heartbeat of worker %s", worker_id, exc_info=True)


class Heartbeat(threading.Thread):
    """Touches the worker's row every few seconds from a thread of its own, so a long task does not
    make its worker look dead; dies with the process."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"kulturhub-heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                try:
                    beat(self.worker_id)
                except DatabaseError as exc:  # a locked SQLite file: the next beat will do
                    logger.debug("heartbeat of worker %s skipped: %s", self.worker_id, exc)
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=heartbeat_seconds() + 5)


def process_gone(heartbeat: WorkerHeartbeat) -> bool:
    """True when the worker ran on this machine and its process no longer exists."""
    if heartbeat.hostname != socket.gethostname() or heartbeat.pid == os.getpid():
        return False
    try:
        os.kill(heartbeat.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def is_dead(heartbeat: WorkerHeartbeat, now: datetime.datetime) -> bool:
    return heartbeat.seen_at < now - stale_after() or process_gone(heartbeat)


def recover_dead_tasks(*, now: datetime.datetime | None = None) -> int:
    """Returns RUNNING tasks of dead workers to READY; removes the dead workers' heartbeats. A task
    whose worker never wrote a heartbeat (an older worker) counts as dead once it has run longer than
    the staleness limit. Returns the number of tasks handed back."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    heartbeats = {hb.worker_id: hb for hb in WorkerHeartbeat.objects.all()}
    dead = {worker_id for worker_id, hb in heartbeats.items() if is_dead(hb, now)}
    recovered = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "started_at", "task_path"
    )
    for task in running:
        worker_id = task.worker_ids[-1] if task.worker_ids else None
        if worker_id in heartbeats:
            if worker_id not in dead:
                continue
        elif task.started_at and task.started_at >= now - stale_after():
            continue
        handed_back = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        if handed_back:
            recovered += 1
            logger.warning(
                "task %s (%s) was left RUNNING by worker %s, which is gone; it runs again",
                task.pk,
                task.task_path,
                worker_id,
            )
    if dead:
        WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    return recovered
