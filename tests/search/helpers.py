"""Shared steps of search tests: running the queue, comparing an index with the database."""

from __future__ import annotations

import contextlib
import time
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction

from plugins.shared.languages import content_languages

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """One pass of the real worker over the ready tasks (`db_worker --batch`), inside the test's
    transaction: its `close_old_connections()` would close the connection that holds it, and on
    SQLite its `BEGIN EXCLUSIVE` cannot nest, so there it locks with a savepoint."""
    worker = "django_tasks_db.management.commands.db_worker"
    with contextlib.ExitStack() as patches:
        patches.enter_context(mock.patch(f"{worker}.close_old_connections", lambda: None))
        if connection.vendor == "sqlite":
            patches.enter_context(
                mock.patch(
                    f"{worker}.exclusive_transaction", lambda using=None: transaction.atomic(using=using)
                )
            )
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def drain(timeout: float = 20.0) -> None:
    """Runs the worker until no index update is pending (retries included); fails after `timeout`."""
    from search.status import pending_index_updates

    deadline = time.monotonic() + timeout
    while pending_index_updates():
        assert time.monotonic() < deadline, f"{pending_index_updates()} index updates still pending"
        run_worker()
        time.sleep(0.05)


def opensearch_state() -> dict[str, dict[int, str]]:
    """{alias: {page id: title}} of every alias, after a refresh."""
    from search import client
    from search.backends import opensearch

    opensearch.refresh()
    state = {}
    for alias, _language, _definition in opensearch.families():
        hits = client.get_client().search(index=alias, body={"size": 1000, "_source": ["title"]})["hits"][
            "hits"
        ]
        state[alias] = {int(hit["_id"]): hit["_source"]["title"] for hit in hits}
    return state


def database_state() -> dict[str, dict[int, str]]:
    """{alias: {page id: title}} of what the index should hold: live, public pages per type and locale."""
    from search import client, registry

    state = {}
    for language in content_languages():
        for definition in registry.definitions():
            pages = definition.queryset(locale=language)
            state[client.alias_name(definition.type, language)] = dict(pages.values_list("pk", "title"))
    return state
