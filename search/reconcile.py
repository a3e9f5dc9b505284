"""Reconciliation: compares every index with the database, document by document, and repairs it.

Counting documents is not enough (an index that lost a page and kept a deleted one has the right
count), so each document is compared by a fingerprint of its content: the document the indexer
would write now (`indexing.iter_documents`, the same path a rebuild takes) against what the engine
actually holds (OpenSearch's `_source`, the database engine's rows and tags). Hashing what is
stored, rather than a hash written beside it, also catches a document changed behind the hub's back.

Missing, stale and extra documents are recorded as `IndexDrift` rows and re-queued through the
usual index update task (not beside one already queued; not beyond `MAX_REPAIRS` for a page whose
documents did not change); each update clears the rows of the pages it rewrote. While an OpenSearch
alias has drift, searches on it answer from the database (`has_drift`). An OpenSearch that lost its
indices gets them back here (`ensure_aliases`, with each language's analysis settings).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from plugins.shared.languages import content_languages
from search import client, indexing, registry
from search.models import IndexDrift

logger = logging.getLogger("kulturhub.search")
DATABASE, OPENSEARCH = "database", "opensearch"
ENQUEUE_CHUNK = 100
# A page still drifting after this many queued repairs of the same documents is not queued again.
MAX_REPAIRS = 5


@dataclass
class AliasDrift:
    engine: str
    alias: str
    missing: set[int] = field(default_factory=set)
    stale: set[int] = field(default_factory=set)
    extra: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)


@dataclass
class ReconcileReport:
    engines: list[str] = field(default_factory=list)
    aliases: list[AliasDrift] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def drift(self) -> int:
        return sum(entry.total for entry in self.aliases)

    def summary(self) -> str:
        parts = [
            f"{d.engine} {d.alias}: {len(d.missing)} missing, {len(d.stale)} stale, {len(d.extra)} extra"
            for d in self.aliases
            if d.total
        ]
        parts += [f"{engine} not checked ({reason})" for engine, reason in self.skipped.items()]
        return "; ".join(parts) or "no drift"


def fingerprint(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def utc_iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.astimezone(datetime.UTC).isoformat()


def database_projection(doc: dict) -> dict:
    """The part of a document the database engine stores (rows and tags), in comparable form."""
    from search.backends.database import DOCUMENT_FIELDS

    values = {name: doc[name] for name in DOCUMENT_FIELDS}
    values["last_published_at"] = utc_iso(values["last_published_at"])
    for name in ("partners", "topics", "regions"):
        values[name] = sorted(doc[name])
    return values


def expected_fingerprints() -> dict[str, dict[int, tuple[str, str]]]:
    """{alias: {page id: (OpenSearch fingerprint, database fingerprint)}} of what the indexer would
    write now for every live, public page."""
    expected: dict[str, dict[int, tuple[str, str]]] = {}
    for language in content_languages():
        for definition in registry.definitions():
            alias = client.alias_name(definition.type, language)
            expected[alias] = {
                doc["id"]: (fingerprint(doc), fingerprint(database_projection(doc)))
                for doc in indexing.iter_documents(definition, language)
            }
    return expected


def database_fingerprints() -> dict[str, dict[int, str]]:
    """{alias: {page id: fingerprint}} of the documents the database engine can find (a row without
    its entry in Wagtail's full-text index cannot be found, so it counts as missing)."""
    from search.backends.database import DOCUMENT_FIELDS, indexed_ids
    from search.models import SearchDocument, SearchDocumentTag

    tags: dict[int, dict[str, list[str]]] = {}
    for document_id, kind, value in SearchDocumentTag.objects.values_list("document_id", "kind", "value"):
        tags.setdefault(document_id, {}).setdefault(kind, []).append(value)
    findable = indexed_ids()
    stored: dict[str, dict[int, str]] = {}
    for row in SearchDocument.objects.values("id", *DOCUMENT_FIELDS).iterator(chunk_size=500):
        if row["id"] not in findable:
            continue
        values = {name: row[name] for name in DOCUMENT_FIELDS}
        values["last_published_at"] = utc_iso(values["last_published_at"])
        for name in ("date_start", "date_end"):
            values[name] = values[name].isoformat() if values[name] else None
        kinds = tags.get(row["id"], {})
        values["partners"] = sorted(kinds.get(SearchDocumentTag.PARTNER, []))
        values["topics"] = sorted(kinds.get(SearchDocumentTag.TOPIC, []))
        values["regions"] = sorted(kinds.get(SearchDocumentTag.REGION, []))
        alias = client.alias_name(row["type"], row["locale"])
        stored.setdefault(alias, {})[row["id"]] = fingerprint(values)
    return stored


def opensearch_fingerprints(alias: str) -> dict[int, str]:
    from opensearchpy.helpers import scan

    hits = scan(client.get_client(), index=alias, query={"query": {"match_all": {}}}, size=500)
    return {int(hit["_id"]): fingerprint(hit["_source"]) for hit in hits}


def compare(engine: str, alias: str, expected: dict[int, str], stored: dict[int, str]) -> AliasDrift:
    drift = AliasDrift(engine, alias)
    drift.missing = set(expected) - set(stored)
    drift.extra = set(stored) - set(expected)
    drift.stale = {pk for pk in set(expected) & set(stored) if expected[pk] != stored[pk]}
    return drift


def check_database(expected: dict[str, dict[int, tuple[str, str]]]) -> list[AliasDrift]:
    stored = database_fingerprints()
    aliases = list(dict.fromkeys([*expected, *stored]))
    return [
        compare(DATABASE, alias, {pk: fps[1] for pk, fps in expected.get(alias, {}).items()}, stored.get(alias, {}))
        for alias in aliases
    ]


def check_opensearch(expected: dict[str, dict[int, tuple[str, str]]]) -> list[AliasDrift]:
    """Recreates lost aliases first (an OpenSearch that came back empty) and adds fields a newer hub
    maps to the existing indices, then compares each alias."""
    from search.backends import opensearch

    opensearch.update_mappings(opensearch.ensure_aliases())
    return [
        compare(
            OPENSEARCH,
            alias,
            {pk: fps[0] for pk, fps in expected.get(alias, {}).items()},
            opensearch_fingerprints(alias),
        )
        for alias, _language, _definition in opensearch.families()
    ]


def record(report: ReconcileReport) -> None:
    """Replaces the recorded drift of the engines checked."""
    rows = [
        IndexDrift(engine=entry.engine, alias=entry.alias, page_id=pk, kind=kind)
        for entry in report.aliases
        for kind, ids in (
            (IndexDrift.MISSING, entry.missing),
            (IndexDrift.STALE, entry.stale),
            (IndexDrift.EXTRA, entry.extra),
        )
        for pk in sorted(ids)
    ]
    with transaction.atomic():
        IndexDrift.objects.filter(engine__in=report.engines).delete()
        IndexDrift.objects.bulk_create(rows, ignore_conflicts=True)


def pages_pending() -> set[int]:
    """Pages an index update already waits for (or runs on) in the queue."""
    from search import status

    if not status.uses_database_queue():
        return set()
    pending: set[int] = set()
    for task_path, args_kwargs in status.pending_tasks().values_list("task_path", "args_kwargs"):
        args = args_kwargs.get("args") or []
        page_ids = args[0] if args else args_kwargs.get("kwargs", {}).get("page_ids", [])
        if task_path.endswith("update_pages"):
            pending.update(int(pk) for pk in page_ids)
    return pending


def page_fingerprints(expected: dict[str, dict[int, tuple[str, str]]], ids: Iterable[int]) -> dict[int, str]:
    """{page id: fingerprint of every document expected for it}: changes when the page's documents do."""
    wanted = set(ids)
    documents: dict[int, list] = {pk: [] for pk in wanted}
    for alias in sorted(expected):
        for pk in wanted & expected[alias].keys():
            documents[pk].append([alias, *expected[alias][pk]])
    return {pk: fingerprint(docs) for pk, docs in documents.items()}


def requeue(report: ReconcileReport, expected: dict[str, dict[int, tuple[str, str]]] | None = None) -> int:
    """One update task per chunk of drifting pages; extra documents name their alias, so the update
    removes them even where the page is gone or now belongs elsewhere. A page that already has an
    update queued is left to it; a page still drifting after `MAX_REPAIRS` repairs of the same
    documents is logged as an error and no longer queued (its drift still counts) until its documents
    change. Returns the pages queued."""
    from django.utils import timezone

    from search.models import IndexRepair
    from search.tasks import update_pages

    hints: dict[int, str] = {}
    ids: set[int] = set()
    for entry in report.aliases:
        ids |= entry.missing | entry.stale | entry.extra
        hints.update(dict.fromkeys(entry.extra, entry.alias))
    if not report.skipped:  # every engine checked: pages no longer drifting start afresh
        IndexRepair.objects.exclude(page_id__in=ids).delete()
    if not ids:
        return 0
    ids -= pages_pending()
    current = page_fingerprints(expected if expected is not None else expected_fingerprints(), ids)
    repairs = {repair.page_id: repair for repair in IndexRepair.objects.filter(page_id__in=ids)}
    queue, given_up = [], []
    for pk in sorted(ids):
        repair = repairs.get(pk)
        if repair is None or repair.fingerprint != current[pk]:  # new drift, or the page changed since
            repair = repairs[pk] = IndexRepair(page_id=pk, fingerprint=current[pk])
        if repair.attempts < MAX_REPAIRS:
            repair.attempts += 1
            queue.append(pk)
        elif repair.given_up_at is None:
            repair.given_up_at = timezone.now()
            given_up.append(pk)
    with transaction.atomic():
        IndexRepair.objects.filter(page_id__in=repairs).delete()
        IndexRepair.objects.bulk_create(repairs.values())
    if given_up:
        logger.error(
            "search index drift of pages %s persists after %d repairs; not queued again until they change",
            given_up, MAX_REPAIRS,
        )
    for start in range(0, len(queue), ENQUEUE_CHUNK):
        chunk = queue[start : start + ENQUEUE_CHUNK]
        chunk_hints = {str(pk): hints[pk] for pk in chunk if pk in hints}
        update_pages.enqueue(chunk, chunk_hints or None)
    return len(queue)


def reconcile(*, requeue_drift: bool = True) -> ReconcileReport:
    """Compares both engines with the database, records the drift found, and queues the repairs.
    An unreachable OpenSearch is skipped (its outage is reported by health; its queued updates wait)."""
    report = ReconcileReport()
    expected = expected_fingerprints()
    report.aliases += check_database(expected)
    report.engines.append(DATABASE)
    if client.opensearch_configured():
        try:
            report.aliases += check_opensearch(expected)
            report.engines.append(OPENSEARCH)
            client.mark_up()
        except Exception as exc:  # noqa: BLE001 - unreachable or refusing: try again next time
            if client.is_unavailable_error(exc):
                client.mark_down()
            report.skipped[OPENSEARCH] = f"{type(exc).__name__}: {exc}"
            logger.warning("reconciliation could not check OpenSearch: %s", exc)
    record(report)
    if requeue_drift:
        requeue(report, expected)
    return report


def clear(engine: str, page_ids: Iterable[int]) -> None:
    """The pages were just rewritten in `engine`: whatever drift was known for them is gone."""
    IndexDrift.objects.filter(engine=engine, page_id__in=list(page_ids)).delete()


def clear_engine(engine: str) -> None:
    IndexDrift.objects.filter(engine=engine).delete()


def has_drift(engine: str, aliases: Iterable[str]) -> bool:
    """Whether the last reconciliation found any of these aliases incomplete or out of date."""
    return IndexDrift.objects.filter(engine=engine, alias__in=list(aliases)).exists()


def drift_by_alias() -> dict[tuple[str, str], int]:
    from django.db.models import Count

    rows = IndexDrift.objects.values_list("engine", "alias").annotate(n=Count("id")).order_by()
    return {(engine, alias): n for engine, alias, n in rows}


def drift_total() -> int:
    return IndexDrift.objects.count()
