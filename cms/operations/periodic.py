"""Periodic jobs run by the worker between polls, so schedules and self-healing need no cron.

`KULTURHUB_PERIODIC_JOBS` maps a name to `{"job": dotted path, "seconds": interval}`. Each job has
a row in `PeriodicJob`; a worker reads which jobs are due (one SELECT, so idle workers do not write)
and runs a due job only after winning its lease with one conditional UPDATE (atomic on every
database), so two workers never run the same job at once. A job that
raises is logged and recorded; the worker goes on.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from cms.operations.models import PeriodicJob, WorkerHeartbeat

logger = logging.getLogger("kulturhub.operations")
# A lease runs out after this unless its worker's heartbeat renews it; a worker killed inside a job
# loses its lease earlier, as soon as its heartbeat is stale.
LEASE_SECONDS = 600


@dataclass(frozen=True)
class JobSpec:
    name: str
    path: str
    seconds: float


def configured_jobs() -> list[JobSpec]:
    jobs = getattr(settings, "KULTURHUB_PERIODIC_JOBS", {}) or {}
    return [JobSpec(name, spec["job"], float(spec["seconds"])) for name, spec in jobs.items()]


def due_jobs(jobs: list[JobSpec], now: datetime.datetime) -> list[JobSpec]:
    """The configured jobs whose next run has come, read with one SELECT: an idle worker writes nothing.
    A job without a row yet gets one (due now)."""
    next_runs = dict(PeriodicJob.objects.filter(name__in=[job.name for job in jobs]).values_list("name", "next_run_at"))
    for job in jobs:
        if job.name not in next_runs:
            try:
                with transaction.atomic():
                    PeriodicJob.objects.create(name=job.name, next_run_at=now)
            except IntegrityError:  # another worker created it a moment ago
                pass
            next_runs[job.name] = now
    return [job for job in jobs if next_runs[job.name] <= now]


def claim(job: JobSpec, worker_id: str, now: datetime.datetime) -> bool:
    """Takes the job's lease when the job is due and nobody alive holds the lease; False otherwise.
    The lease is free when it ran out, was released, is this worker's own (a release that failed), or
    belongs to a worker with no live heartbeat (killed inside the job): such a job waits a minute,
    not the whole lease. A live holder's heartbeat renews the lease while the job runs."""
    from cms.operations import workers

    if not PeriodicJob.objects.filter(name=job.name).exists():
        try:
            with transaction.atomic():
                PeriodicJob.objects.create(name=job.name, next_run_at=now)
        except IntegrityError:  # another worker created it a moment ago
            pass
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=now - workers.stale_after()).values("worker_id")
    won = (
        PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now)
        .filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(leased_by=worker_id) | ~Q(leased_by__in=alive)
        )
        .update(leased_by=worker_id, lease_until=now + datetime.timedelta(seconds=LEASE_SECONDS), last_started_at=now)
    )
    return bool(won)


def renew(worker_id: str, now: datetime.datetime) -> int:
    """Extends the leases this worker holds (called with its heartbeat), so a job running longer than
    `LEASE_SECONDS` does not get a second runner."""
    return PeriodicJob.objects.filter(leased_by=worker_id, lease_until__isnull=False).update(
        lease_until=now + datetime.timedelta(seconds=LEASE_SECONDS)
    )


def release(job: JobSpec, worker_id: str, error: str) -> None:
    """Frees the lease and schedules the next run. A database error here (a locked SQLite file, a
    dropped connection) is logged, not raised: the worker goes on, and as the lease is its own it
    claims the job again at the next poll."""
    finished = timezone.now()
    try:
        PeriodicJob.objects.filter(name=job.name, leased_by=worker_id).update(
            lease_until=None,
            leased_by="",
            last_finished_at=finished,
            last_error=error,
            next_run_at=finished + datetime.timedelta(seconds=job.seconds),
        )
    except DatabaseError:
        logger.warning("could not release periodic job %s", job.name, exc_info=True)
        if not connection.in_atomic_block:  # a broken connection is replaced; a caller's transaction is its own
            close_old_connections()


def run_job(job: JobSpec) -> str:
    """Runs one job; returns "" or the traceback of its failure."""
    try:
        import_string(job.path)()
    except Exception:  # noqa: BLE001 - a failing job must not stop the worker
        logger.exception("periodic job %s failed", job.name)
        return traceback.format_exc()
    return ""


def run_due_jobs(worker_id: str, *, now: datetime.datetime | None = None) -> list[str]:
    """Runs every configured job that is due and not running elsewhere; returns the names run."""
    now = now or timezone.now()
    ran = []
    try:
        due = due_jobs(configured_jobs(), now)
    except DatabaseError:  # e.g. a locked SQLite file: try again at the next poll
        logger.warning("could not read the periodic jobs", exc_info=True)
        return ran
    for job in due:
        try:
            won = claim(job, worker_id, now)
        except Exception:  # noqa: BLE001 - e.g. a locked SQLite file: try again at the next poll
            logger.warning("could not claim periodic job %s", job.name, exc_info=True)
            continue
        if not won:
            continue
        error = run_job(job)
        release(job, worker_id, error)
        ran.append(job.name)
    return ran
