"""django-tasks-db's worker, plus what keeps the hub healthy unattended: a heartbeat per worker
process, and the periodic jobs (scheduled publishing, recovery of tasks whose worker died, index
reconciliation) between polls and once at the start of `--batch`. Same options as the original."""

from __future__ import annotations

import os
import random
import time

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as base
from django_tasks_db.models import DBTaskResult

from cms.operations import periodic, workers

# How often an idle or busy worker looks for due periodic jobs (the jobs' own intervals are longer).
PERIODIC_CHECK_SECONDS = 1.0


class Worker(base.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.next_periodic_check = 0.0

    def run_periodic_jobs(self) -> None:
        if time.monotonic() < self.next_periodic_check:
            return
        self.next_periodic_check = time.monotonic() + PERIODIC_CHECK_SECONDS
        # Counted as running a task, so SIGTERM lets the job finish and release its lease.
        self.running_task = True
        try:
            periodic.run_due_jobs(self.worker_id)
        finally:
            self.running_task = False
        if not self.running:
            raise SystemExit(0)

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        with base.exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except base.OperationalError as exc:
                if "is locked" not in exc.args[0]:
                    raise
                return None
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run(self) -> None:
        """The original loop (claim, run, sleep), with the heartbeat around it and the periodic jobs
        at the start and between polls."""
        base.logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        workers.beat(self.worker_id)
        # In --batch mode too: a batch that runs a task longer than the staleness limit must not
        # look dead to the other workers' recovery job.
        heartbeat = workers.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            if self.startup_delay and self.interval:
                time.sleep(random.random())  # noqa: S311 - spreads workers starting together
            self.run_periodic_jobs()
            while self.running:
                task_result = self.claim_next()
                if task_result is not None:
                    self.run_task(task_result)
                if self.batch and task_result is None:
                    base.logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    base.logger.info("Run maximum tasks (%d) on worker=%s - exiting.", self._run_tasks, self.worker_id)
                    return
                base.close_old_connections()
                if self.running and not self.batch:
                    self.run_periodic_jobs()
                if self.running and not task_result:
                    time.sleep(self.interval)
        finally:
            heartbeat.stop()
            workers.forget(self.worker_id)


class Command(base.Command):
    help = (
        "Runs queued background work (index updates, webhook deliveries) and the hub's periodic jobs "
        "(scheduled publishing, recovery of tasks whose worker died, index reconciliation)."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            base.logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
