"""Writes to the search engines: one page at a time (from tasks) and full rebuilds.

Every write is "make the index say what the database says now" for a page id, so updates can be
retried, repeated and reordered safely: a page that is live and public gets its document, any other
page id loses it. The database copy (`SearchDocument`) is always written; OpenSearch too when
`OPENSEARCH_URL` is set.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page

from plugins.shared.languages import content_languages
from search import client, registry
from search.backends import database
from search.documents import Localizer, build_document

logger = logging.getLogger("kulturhub.search")
BULK_CHUNK = 250


def registered_content_type_ids() -> list[int]:
    models = list(registry.iter_models())
    return [ct.pk for ct in ContentType.objects.get_for_models(*models, for_concrete_models=False).values()]


def load(page_ids: Iterable[int]) -> dict[int, tuple]:
    """{page id: (specific page as its selector loads it, definition)} for the ids that are live,
    public pages of a registered type; other ids are absent."""
    page_ids = list(page_ids)
    kinds = Page.objects.filter(pk__in=page_ids).values_list("pk", "content_type_id")
    by_type: dict[int, list[int]] = {}
    for pk, content_type_id in kinds:
        by_type.setdefault(content_type_id, []).append(pk)
    found = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        definition = registry.for_model(model) if model else None
        if definition is None:
            continue
        for page in definition.queryset().filter(pk__in=ids):
            found[page.pk] = (page, definition)
    return found


@dataclass
class SyncResult:
    indexed: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"indexed": self.indexed, "removed": self.removed}


def sync_pages(page_ids: Iterable[int], *, alias_hints: dict[int, str] | None = None) -> SyncResult:
    """Brings both engines in line with the database for these page ids. The database copy is
    written first, so a search that falls back during an OpenSearch outage already sees the change;
    OpenSearch errors propagate (the calling task retries)."""
    page_ids = list(dict.fromkeys(int(pk) for pk in page_ids))
    found = load(page_ids)
    result = SyncResult()
    documents = []
    localize = Localizer()
    for pk in page_ids:
        if pk in found:
            page, definition = found[pk]
            documents.append(build_document(page, definition, localize=localize))
            result.indexed.append(pk)
        else:
            result.removed.append(pk)
    from search import reconcile

    with transaction.atomic():
        for doc in documents:
            database.store(doc)
        for pk in result.removed:
            database.remove(pk)
        reconcile.clear(reconcile.DATABASE, page_ids)
    if client.opensearch_configured():
        from search.backends import opensearch

        hints = alias_hints or {}
        deletions = [(pk, hints.get(pk)) for pk in result.removed]
        # A live page found under an alias it no longer belongs to (reconciliation's hint) leaves it.
        for doc in documents:
            hint = hints.get(doc["id"])
            if hint and hint != client.alias_name(doc["type"], doc["locale"]):
                deletions.append((doc["id"], hint))
        opensearch.write(documents, deletions)
        reconcile.clear(reconcile.OPENSEARCH, page_ids)
    return result


def subtree_page_ids(root_id: int) -> list[int]:
    """The root and every page below it that is of a registered type (moves, view restrictions and
    slug changes of a parent change what the index says about them)."""
    root = Page.objects.filter(pk=root_id).first()
    if root is None:
        return []
    pages = Page.objects.descendant_of(root, inclusive=True).filter(
        content_type_id__in=registered_content_type_ids()
    )
    return list(pages.values_list("pk", flat=True))


# --- rebuild ----------------------------------------------------------------------------------------


@dataclass
class RebuildReport:
    """What a rebuild did, per alias: documents bulk-written, documents in the index at the end, and
    live pages the database has at the end (publishes during the rebuild included)."""

    engine: str
    written: dict[str, int] = field(default_factory=dict)
    indexed: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and self.indexed == self.expected

    @property
    def total(self) -> int:
        return sum(self.indexed.values())


def iter_documents(definition, language: str, chunk: int = BULK_CHUNK):
    """Documents of every live, public page of a type and language, loaded in chunks. Page URLs
    are derived from the parent's URL (computed once per parent), as Wagtail's routing does."""
    ids = list(definition.queryset(locale=language).order_by("pk").values_list("pk", flat=True))
    parent_urls: dict[str, str | None] = {}
    localize = Localizer()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        pages = list(definition.queryset(locale=language).filter(pk__in=part).order_by("pk"))
        missing = {page.path[: -Page.steplen] for page in pages} - set(parent_urls)
        for parent in Page.objects.filter(path__in=missing):
            parent_urls[parent.path] = parent.specific_deferred.full_url
        for page in pages:
            parent_url = parent_urls.get(page.path[: -Page.steplen])
            routed_by_path = type(page).get_url_parts is Page.get_url_parts
            url = f"{parent_url}{page.slug}/" if parent_url and routed_by_path else None
            yield build_document(page, definition, url=url, localize=localize)


def expected_counts() -> dict[str, int]:
    """Live, public pages per alias: what the index should hold."""
    counts = {}
    for language in content_languages():
        for definition in registry.definitions():
            counts[client.alias_name(definition.type, language)] = (
                definition.queryset(locale=language).order_by().count()
            )
    return counts


def progress_bar(total: int, enabled: bool, description: str):
    from tqdm import tqdm

    return tqdm(total=total, disable=not enabled, unit="page", desc=description, dynamic_ncols=True)


def rebuild_database(
    *, progress: bool = False, update_wagtail_index: bool = True, stdout=None
) -> RebuildReport:
    """Rebuilds the database copy of every document, then Wagtail's database search index
    (`update_index`, which also covers pages and snippets for the admin search)."""
    from django.db.models import Count

    from search.models import SearchDocument

    started = time.monotonic()
    report = RebuildReport(engine="database", expected=expected_counts())
    keep: set[int] = set()
    with progress_bar(sum(report.expected.values()), progress, "database") as bar:
        for language in content_languages():
            for definition in registry.definitions():
                alias = client.alias_name(definition.type, language)
                batch: list[dict] = []
                written = 0
                for doc in iter_documents(definition, language):
                    batch.append(doc)
                    if len(batch) >= BULK_CHUNK:
                        database.store_many(batch, index=not update_wagtail_index)
                        written += len(batch)
                        keep.update(d["id"] for d in batch)
                        bar.update(len(batch))
                        batch = []
                database.store_many(batch, index=not update_wagtail_index)
                written += len(batch)
                keep.update(d["id"] for d in batch)
                bar.update(len(batch))
                report.written[alias] = written
    for stale in SearchDocument.objects.exclude(id__in=keep).iterator():
        database.remove(stale.id)
    database.rebuild_vocabulary()  # kept current by every write; counted afresh here, to heal drift
    database.analyze_tables()
    if update_wagtail_index:
        call_command("update_index", stdout=stdout, verbosity=0)
    indexed = database.indexed_ids()
    missing = keep - indexed
    if missing:
        report.failures.append(f"{len(missing)} documents are missing from Wagtail's database index")
    rows = (
        SearchDocument.objects.filter(id__in=indexed & keep)
        .values_list("type", "locale")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(type_name, language): n for type_name, language, n in rows}
    for language in content_languages():
        for definition in registry.definitions():
            alias = client.alias_name(definition.type, language)
            report.indexed[alias] = counts.get((definition.type, language), 0)
    report.expected = expected_counts()
    if report.ok:
        from search import reconcile

        reconcile.clear_engine(reconcile.DATABASE)
    report.seconds = time.monotonic() - started
    return report


def rebuild_opensearch(*, progress: bool = False) -> RebuildReport:
    """New concrete index per alias, bulk load, atomic alias swap, old indices removed; on any failure
    the aliases stay where they were and the new indices are dropped."""
    from search.backends import opensearch

    os_client = client.get_client()
    started = time.monotonic()
    report = RebuildReport(engine="opensearch", expected=expected_counts())
    stamp = time.strftime("%Y%m%d%H%M%S")
    new_indices: dict[str, str] = {}
    try:
        for alias, language, _definition in opensearch.families():
            name = opensearch.new_index_name(alias, stamp)
            opensearch.create_index(name, language)
            new_indices[alias] = name
        settings_before = opensearch.prepare_for_loading(list(new_indices.values()))
        def documents():
            for alias, language, definition in opensearch.families():
                for doc in iter_documents(definition, language):
                    yield new_indices[alias], doc

        with progress_bar(sum(report.expected.values()), progress, "opensearch") as bar:
            stored, failures = bulk_load(os_client, documents(), bar)
        report.failures += failures
        for alias, name in new_indices.items():
            report.written[alias] = stored.get(name, 0)
        opensearch.finish_loading(settings_before)
        os_client.indices.refresh(index=",".join(new_indices.values()))
    except Exception as exc:  # noqa: BLE001 - any failure must leave the live aliases untouched
        report.failures.append(f"{type(exc).__name__}: {exc}")
    if report.failures:
        drop_indices(list(new_indices.values()))
        report.seconds = time.monotonic() - started
        return report

    swap_aliases(new_indices)
    catch_up(new_indices, started_at=started)
    os_client.indices.refresh(index=",".join(new_indices.values()))
    report.expected = expected_counts()
    for alias in new_indices:
        report.indexed[alias] = opensearch.count(alias) or 0
        if report.indexed[alias] != report.expected[alias]:
            report.failures.append(
                f"{alias}: {report.indexed[alias]} documents indexed, {report.expected[alias]} live pages"
            )
    if report.ok:
        from search import reconcile

        reconcile.clear_engine(reconcile.OPENSEARCH)
    report.seconds = time.monotonic() - started
    return report


def bulk_load(os_client, documents, bar, chunk: int = BULK_CHUNK) -> tuple[dict[str, int], list[str]]:
    """Sends `documents` ((index, document) pairs) in bulk requests from a second thread, so building
    the next chunk (database and Python, this thread) overlaps with OpenSearch indexing the previous
    one: one pipeline for the whole rebuild (a family smaller than a chunk would otherwise be built,
    then sent while nothing is built). Returns (documents stored per index, failures)."""
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stored: dict[str, int] = {}
    failures: list[str] = []

    def send() -> None:
        while (batch := chunks.get()) is not None:
            body = []
            for index, doc in batch:
                body += [{"index": {"_index": index, "_id": str(doc["id"])}}, doc]
            try:
                answer = os_client.bulk(body=body)
            except Exception as exc:  # noqa: BLE001 - reported as a failure of the rebuild
                failures.append(f"bulk request failed: {exc}")
                continue
            # Items answer in the order of the request (an engine may name the index otherwise, e.g. by alias).
            for (index, _doc), item in zip(batch, answer["items"], strict=True):
                result = item["index"]
                if result.get("status", 500) < 300:
                    stored[index] = stored.get(index, 0) + 1
                else:
                    failures.append(f"{index}/{result.get('_id')}: {result.get('error')}")
            bar.update(len(batch))

    sender = threading.Thread(target=send, name="kulturhub-bulk", daemon=True)
    sender.start()
    batch: list[tuple[str, dict]] = []
    try:
        for pair in documents:
            batch.append(pair)
            if len(batch) >= chunk:
                chunks.put(batch)
                batch = []
        if batch:
            chunks.put(batch)
    finally:
        chunks.put(None)
        sender.join()
    return stored, failures


def drop_indices(names: list[str]) -> None:
    if not names:
        return
    try:
        client.get_client().indices.delete(index=",".join(names), ignore_unavailable=True)
    except Exception:  # noqa: BLE001 - best effort; the indices carry no alias
        logger.exception("could not delete the unused indices %s", names)


def swap_aliases(new_indices: dict[str, str]) -> None:
    """Points every alias at its new index in one atomic request, then removes the old indices."""
    from search.backends import opensearch

    os_client = client.get_client()
    current = opensearch.aliases_by_index()
    actions = []
    old = []
    for alias, name in new_indices.items():
        for index in opensearch.family_indices(alias, current):
            if index != name:
                old.append(index)
                if alias in current.get(index, set()):
                    actions.append({"remove": {"index": index, "alias": alias}})
        actions.append({"add": {"index": name, "alias": alias}})
    os_client.indices.update_aliases(body={"actions": actions})
    drop_indices(old)


def catch_up(new_indices: dict[str, str], *, started_at: float) -> None:
    """After the swap: documents a publish or unpublish changed while the rebuild was loading are
    written again, so the rebuild never leaves the index behind the database."""
    from search.backends import opensearch

    for alias, _language, definition in opensearch.families():
        if alias not in new_indices:
            continue
        language = alias.rsplit("-", 1)[-1]
        expected = set(definition.queryset(locale=language).values_list("pk", flat=True))
        stored = opensearch.indexed_ids(alias)
        extra, missing = stored - expected, expected - stored
        if extra or missing:
            sync_pages([*extra, *missing], alias_hints=dict.fromkeys(extra, alias))
    recent = time.time() - (time.monotonic() - started_at) - 1
    import datetime

    since = datetime.datetime.fromtimestamp(recent, tz=datetime.UTC)
    changed = Page.objects.filter(
        last_published_at__gte=since, content_type_id__in=registered_content_type_ids()
    )
    ids = list(changed.values_list("pk", flat=True))
    if ids:
        sync_pages(ids)
