"""A fresh setup (demo import, index rebuild, demo partner) leaves no failed background task."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.search.helpers import DATABASE_QUEUE, run_worker

pytestmark = pytest.mark.django_db


def test_setup_leaves_no_failed_task(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_demo", stdout=StringIO())
        call_command("rebuild_search_index", "--no-progress", stdout=StringIO())
        call_command("setup_demo", "--allow-production", stdout=StringIO())
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    run_worker()
    failed = list(DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).values_list("task_path", "args_kwargs"))
    assert failed == []
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()

