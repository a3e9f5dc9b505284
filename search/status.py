"""How the search is doing: engine health, queued updates, and index versus database per alias."""

from __future__ import annotations

from django.conf import settings

from search import client

HEALTH_TIMEOUT = 2.0


def search_health() -> str:
    """ "ok" | "unavailable"  ("ok" for the database engine, which is the database itself)."""
    if not client.opensearch_configured():
        return "ok"
    try:
        alive = client.get_client().ping(request_timeout=HEALTH_TIMEOUT)
    except Exception:  # noqa: BLE001 - any failure means searches answer from the database
        alive = False
    if not alive:
        client.mark_down()
        return "unavailable"
    client.mark_up()
    return "ok"


def uses_database_queue() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db.")


def pending_tasks():
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from search.tasks import TASK_PATHS

    return DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING], task_path__in=TASK_PATHS
    )


def pending_index_updates() -> int:
    """Queued, not yet finished index tasks in the django-tasks-db queue (retries waiting included)."""
    if not uses_database_queue():
        return 0
    return pending_tasks().count()


def search_drift() -> int:
    """Documents the last reconciliation found missing, stale or extra, not yet rewritten."""
    from search.reconcile import drift_total

    return drift_total()


def pending_by_alias() -> tuple[dict[str, int], int]:
    """Pending updates per alias where the task names its pages, and those that may touch any alias."""
    from wagtail.models import Page

    from search import registry

    if not uses_database_queue():
        return {}, 0
    by_alias: dict[str, int] = {}
    unknown = 0
    page_tasks = []
    for task_path, args_kwargs in pending_tasks().values_list("task_path", "args_kwargs"):
        args, kwargs = args_kwargs.get("args", []), args_kwargs.get("kwargs", {})
        if task_path.endswith("update_pages") and args:
            page_tasks.append((args[0], (args[1] if len(args) > 1 else kwargs.get("aliases")) or {}))
        else:
            unknown += 1
    ids = {int(pk) for page_ids, _hints in page_tasks for pk in page_ids}
    pages = Page.objects.filter(pk__in=ids).select_related("locale", "content_type")
    alias_of = {}
    for page in pages:
        definition = registry.for_model(page.content_type.model_class())
        if definition:
            alias_of[page.pk] = client.alias_name(definition.type, page.locale.language_code)
    for page_ids, hints in page_tasks:
        aliases = {alias_of.get(int(pk)) or hints.get(str(pk)) for pk in page_ids}
        for alias in aliases:
            if alias:
                by_alias[alias] = by_alias.get(alias, 0) + 1
            else:
                unknown += 1
    return by_alias, unknown


def index_status() -> list[dict]:
    """Per alias: alias, documents (None when the engine cannot say), expected live pages, pending,
    drift (documents the last reconciliation found missing, stale or extra in this engine)."""
    from search import indexing, reconcile
    from search.models import SearchDocument

    expected = indexing.expected_counts()
    pending, unknown = pending_by_alias()
    engine = "opensearch" if client.opensearch_configured() else "database"
    drift = reconcile.drift_by_alias()
    documents: dict[str, int | None] = {}
    if engine == "opensearch":
        from search.backends import opensearch

        for alias in expected:
            try:
                documents[alias] = opensearch.count(alias)
            except Exception:  # noqa: BLE001 - unreachable: reported as unknown
                documents[alias] = None
    else:
        from django.db.models import Count

        from search.backends import database

        indexed = database.indexed_ids()
        rows = (
            SearchDocument.objects.filter(id__in=indexed) if len(indexed) < 20000 else SearchDocument.objects
        )
        counts = {(t, lang): n for t, lang, n in rows.values_list("type", "locale").annotate(n=Count("id"))}
        for alias in expected:
            type_name, language = alias[len(client.prefix()) + 1 :].rsplit("-", 1)
            documents[alias] = counts.get((type_name, language), 0)
    return [
        {
            "alias": alias,
            "engine": engine,
            "documents": documents.get(alias),
            "expected": expected[alias],
            "pending": pending.get(alias, 0) + unknown,
            "drift": drift.get((engine, alias), 0),
        }
        for alias in expected
    ]
