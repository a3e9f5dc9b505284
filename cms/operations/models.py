"""Rows the workers share: who is alive, and which periodic job runs when and where."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running `db_worker` process, touched every few seconds; a task claimed by a worker
    whose row went stale (or whose process is gone) is handed to another worker."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Worker")
        verbose_name_plural = _("Workers")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class PeriodicJob(models.Model):
    """When a periodic job runs next, and a lease so that only one worker runs it at a time."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()
    leased_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Periodic job")
        verbose_name_plural = _("Periodic jobs")

    def __str__(self):
        return self.name
