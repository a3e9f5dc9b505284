"""Query insights: what partner sites' visitors search for, and what finds nothing.

Counted: every search through the partner API's `GET /api/v1/search/` that was answered (a 400 for
bad input never reaches the search; suggestions while typing are not counted — they are keystrokes,
not searches). Kept: one row per day, partner, locale and normalised query
(`analysis.normalise_query`: lower case, umlauts folded, single spaces) with the number of searches
and of searches without results. Nothing else: no addresses, no users, no raw query text.

On the hot path a search only adds to a counter in the process's memory; every
`SEARCH_INSIGHTS_FLUSH_SECONDS` (10 by default; 0 writes at once) the next search writes what the
process counted in one transaction, one upsert per row (SQLite and PostgreSQL: INSERT … ON CONFLICT DO
UPDATE, adding; elsewhere an UPDATE, then an INSERT when the row is new), and so does a process that
exits normally. So several processes add to the same rows, a committed write costs one search in many
(a write with its disk sync is several milliseconds on SQLite), and a process killed hard loses at
most that many seconds of counts. A failure to write is logged and never fails the search.

Rows older than `SEARCH_INSIGHTS_RETENTION_DAYS` (default 90) are pruned by the worker's periodic job
`prune_search_insights` and by `manage.py prune_search_insights`.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from search import analysis
from search.models import SearchInsight

logger = logging.getLogger("kulturhub.search")

DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    return int(getattr(settings, "SEARCH_INSIGHTS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def today() -> datetime.date:
    return timezone.localdate()


DEFAULT_FLUSH_SECONDS = 10.0
MAX_BUFFERED = 1000

# (day, partner id, locale, query) -> [searches, zero-result searches] counted since the last flush.
_buffer: dict[tuple, list[int]] = {}
_lock = threading.Lock()
_last_flush = time.monotonic()


def clock() -> float:
    return time.monotonic()


def flush_seconds() -> float:
    return float(getattr(settings, "SEARCH_INSIGHTS_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


def record(partner, request, count: int, *, day: datetime.date | None = None) -> None:
    """Counts one answered search of `partner` (None: not a partner API search, not counted)."""
    if partner is None:
        return
    query = analysis.normalise_query(request.query.text)
    if not query:
        return
    key = (day or today(), partner.pk, request.locale, query)
    with _lock:
        counts = _buffer.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += 1 if count == 0 else 0
        due = clock() - _last_flush >= flush_seconds() or len(_buffer) >= MAX_BUFFERED
    if due:
        flush()


def flush() -> int:
    """Writes the counts this process holds; returns the rows written."""
    global _last_flush
    with _lock:
        pending = dict(_buffer)
        _buffer.clear()
        _last_flush = clock()
    if not pending:
        return 0
    try:
        with transaction.atomic():
            for (day, partner_id, locale, query), (searches, zero) in pending.items():
                upsert(day, partner_id, locale, query, searches, zero)
    except DatabaseError as exc:
        logger.warning("%d search insight rows not written: %s", len(pending), exc)
        return 0
    return len(pending)


def pending() -> int:
    """Rows counted in this process and not written yet."""
    with _lock:
        return len(_buffer)


atexit.register(flush)


def upsert(day: datetime.date, partner_id: int, locale: str, query: str, searches: int, zero: int) -> None:
    table = connection.ops.quote_name(SearchInsight._meta.db_table)
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (day, partner_id, locale, query, searches, zero_results) "
                "VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (day, partner_id, locale, query) DO UPDATE SET "
                f"searches = {table}.searches + EXCLUDED.searches, "
                f"zero_results = {table}.zero_results + EXCLUDED.zero_results",
                [day, partner_id, locale, query, searches, zero],
            )
        return
    key = {"day": day, "partner_id": partner_id, "locale": locale, "query": query}
    bump = {"searches": F("searches") + searches, "zero_results": F("zero_results") + zero}
    if SearchInsight.objects.filter(**key).update(**bump):
        return
    try:
        with transaction.atomic():
            SearchInsight.objects.create(**key, searches=searches, zero_results=zero)
    except IntegrityError:  # another process created it in between
        SearchInsight.objects.filter(**key).update(**bump)


def prune(*, now: datetime.date | None = None, days: int | None = None) -> int:
    """Deletes the rows older than the retention period; returns how many went."""
    days = retention_days() if days is None else days
    cutoff = (now or today()) - datetime.timedelta(days=days)
    deleted, _by_model = SearchInsight.objects.filter(day__lt=cutoff).delete()
    return deleted


def report(*, days: int, partner_id: int | None = None, limit: int = 50, now: datetime.date | None = None) -> dict:
    """Top queries and queries without results over the last `days` days (today included), for one
    partner or all: {"top": [{"query","searches","zero_results"}], "zero": [...], "searches": n}."""
    since = (now or today()) - datetime.timedelta(days=days - 1)
    rows = SearchInsight.objects.filter(day__gte=since)
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    per_query = rows.values("query").annotate(total=Sum("searches"), zero=Sum("zero_results"))
    top = per_query.order_by("-total", "query")[:limit]
    zero = per_query.filter(zero__gt=0).order_by("-zero", "-total", "query")[:limit]
    totals = rows.aggregate(searches=Sum("searches"), zero=Sum("zero_results"))

    def rows_of(items):
        return [{"query": r["query"], "searches": r["total"], "zero_results": r["zero"]} for r in items]

    return {
        "top": rows_of(top),
        "zero": rows_of(zero),
        "searches": totals["searches"] or 0,
        "zero_searches": totals["zero"] or 0,
    }
