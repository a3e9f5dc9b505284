"""A task whose worker was killed mid-task (SIGKILL, OOM, restart) runs again once the worker is
known to be gone, and the page converges in the index."""

import contextlib
import datetime
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cms.operations import workers
from cms.operations.models import PeriodicJob, WorkerHeartbeat
from cms.settings import base as base_settings
from plugins.projects.factories import ProjectPageFactory
from search import client, status
from search.tasks import update_pages
from tests.search.conftest import opensearch_settings
from tests.search.helpers import DATABASE_QUEUE, drain, opensearch_state, run_worker

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def black_hole():
    """A port that takes connections and never answers: an index write to it hangs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


class SharedDatabase:
    """The test database as another process sees it: PostgreSQL's by name; SQLite's in-memory
    database copied to a file for the worker, and copied back afterwards."""

    def __init__(self, directory: Path):
        self.path = directory / "shared.sqlite3"

    def url(self) -> str:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            return f"sqlite:///{self.path}"
        db = connection.settings_dict
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def task_status(self, task_id) -> str:
        if connection.vendor == "sqlite":
            with contextlib.closing(sqlite3.connect(self.path, timeout=20)) as reader:
                table = DBTaskResult._meta.db_table
                row = reader.execute(f"SELECT status FROM {table} WHERE id = ?", [task_id.hex]).fetchone()
            return row[0]
        return DBTaskResult.objects.get(pk=task_id).status

    def take_back(self) -> None:
        if connection.vendor == "sqlite":
            source = sqlite3.connect(self.path)
            source.backup(connection.connection)
            source.close()


def wait_for(condition, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


@pytest.mark.opensearch
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_of_a_killed_worker_runs_again(settings, opensearch_cluster, tmp_path):
    settings.TASKS = DATABASE_QUEUE
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    task = DBTaskResult.objects.get(task_path=update_pages.module_path)
    # The killed worker should only run the task; its periodic jobs are not due.
    far = timezone.now() + datetime.timedelta(days=1)
    for name in base_settings.KULTURHUB_PERIODIC_JOBS:
        PeriodicJob.objects.create(name=name, next_run_at=far)
    shared = SharedDatabase(tmp_path)

    with black_hole() as hole:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": shared.url(),
            "OPENSEARCH_URL": hole,
            "OPENSEARCH_INDEX_PREFIX": "kh-test-black-hole",
            "OPENSEARCH_TIMEOUT": "300",
        }
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.05", "--worker-id", "doomed"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: shared.task_status(task.pk) == TaskResultStatus.RUNNING, "the task to start")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
            log.close()
    shared.take_back()

    # What the hub did before: the task stays RUNNING, pending for ever, whatever workers run.
    run_worker()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING and task.worker_ids == ["doomed"]
    assert WorkerHeartbeat.objects.filter(worker_id="doomed").exists()
    assert status.pending_index_updates() == 1

    with opensearch_settings(opensearch_cluster(), "killed"):
        # The recovery job, with the dead worker's heartbeat as old as it will be a minute from now.
        later = timezone.now() + workers.stale_after() + datetime.timedelta(seconds=1)
        assert workers.recover_dead_tasks(now=later) == 1
        assert not WorkerHeartbeat.objects.filter(worker_id="doomed").exists()
        drain()
        projects = client.alias_name("projects", "de")
        assert opensearch_state()[projects] == {page.pk: "Kulturscheune Oderbruch"}
        assert Client().get("/api/v1/health/").json()["checks"]["pending_index_updates"] == 0
        task.refresh_from_db()
        assert task.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_tasks_of_live_workers_are_left_alone():
    workers.beat("alive")
    DBTaskResult.objects.create(
        task_path=update_pages.module_path, args_kwargs={"args": [[1]], "kwargs": {}}, backend_name="default",
        status=TaskResultStatus.RUNNING, worker_ids=["alive"], started_at=timezone.now(), run_after=timezone.now(),
    )
    assert workers.recover_dead_tasks() == 0
    later = timezone.now() + workers.stale_after() + datetime.timedelta(seconds=1)
    assert workers.recover_dead_tasks(now=later) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
