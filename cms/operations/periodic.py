"""Periodic jobs run by the worker between polls, so schedules and self-healing need no cron.

`KULTURHUB_PERIODIC_JOBS` maps a name to `{"job": dotted path, "seconds": interval}`. Each job has
a row in `PeriodicJob`; a worker runs a due job only after winning its lease with one conditional
UPDATE (atomic on every database), so two workers never run the same job at once. A job that
raises is logged and recorded; the worker goes on.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from cms.operations.models import PeriodicJob

logger = logging.getLogger("kulturhub.operations")
# A worker killed inside a job leaves its lease behind; another worker takes the job over after this.
LEASE_SECONDS = 600


@dataclass(frozen=True)
class JobSpec:
    name: str
    path: str
    seconds: float


def configured_jobs() -> list[JobSpec]:
    jobs = getattr(settings, "KULTURHUB_PERIODIC_JOBS", {}) or {}
    return [JobSpec(name, spec["job"], float(spec["seconds"])) for name, spec in jobs.items()]


def claim(job: JobSpec, worker_id: str, now: datetime.datetime) -> bool:
    """Takes the job's lease when the job is due and nobody holds the lease; False otherwise."""
    if not PeriodicJob.objects.filter(name=job.name).exists():
        try:
            with transaction.atomic():
                PeriodicJob.objects.create(name=job.name, next_run_at=now)
        except IntegrityError:  # another worker created it a moment ago
            pass
    won = (
        PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(leased_by=worker_id, lease_until=now + datetime.timedelta(seconds=LEASE_SECONDS), last_started_at=now)
    )
    return bool(won)


def release(job: JobSpec, worker_id: str, error: str) -> None:
    finished = timezone.now()
    PeriodicJob.objects.filter(name=job.name, leased_by=worker_id).update(
        lease_until=None,
        leased_by="",
        last_finished_at=finished,
        last_error=error,
        next_run_at=finished + datetime.timedelta(seconds=job.seconds),
    )


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
    for job in configured_jobs():
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
