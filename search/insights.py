"""Query insights: what partner sites' visitors search for, and what finds nothing.

Counted: every search through the partner API's `GET /api/v1/search/` that was answered (a 400 for
bad input never reaches the search; suggestions while typing are not counted — they are keystrokes,
not searches). Kept: one row per day, partner, locale and normalised query
(`analysis.normalise_query`: lower case, umlauts folded, single spaces) with the number of searches
and of searches without results. Nothing else: no addresses, no users, no raw query text.

On the hot path this is one upsert statement (SQLite and PostgreSQL: INSERT … ON CONFLICT DO UPDATE;
elsewhere an UPDATE, then an INSERT when the row is new). A failure to count is logged and never
fails the search. Rows older than `SEARCH_INSIGHTS_RETENTION_DAYS` (default 90) are pruned by the
worker's periodic job `prune_search_insights` and by `manage.py prune_search_insights`.
"""

from __future__ import annotations

import datetime
import logging

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


def record(partner, request, count: int, *, day: datetime.date | None = None) -> None:
    """Counts one answered search of `partner` (None: not a partner API search, not counted)."""
    if partner is None:
        return
    query = analysis.normalise_query(request.query.text)
    if not query:
        return
    try:
        with transaction.atomic():
            upsert(day or today(), partner.pk, request.locale, query, 1 if count == 0 else 0)
    except DatabaseError as exc:
        logger.warning("search insight not counted: %s", exc)


def upsert(day: datetime.date, partner_id: int, locale: str, query: str, zero: int) -> None:
    table = connection.ops.quote_name(SearchInsight._meta.db_table)
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (day, partner_id, locale, query, searches, zero_results) "
                "VALUES (%s, %s, %s, %s, 1, %s) "
                "ON CONFLICT (day, partner_id, locale, query) DO UPDATE SET "
                f"searches = {table}.searches + 1, zero_results = {table}.zero_results + EXCLUDED.zero_results",
                [day, partner_id, locale, query, zero],
            )
        return
    key = {"day": day, "partner_id": partner_id, "locale": locale, "query": query}
    bump = {"searches": F("searches") + 1, "zero_results": F("zero_results") + zero}
    if SearchInsight.objects.filter(**key).update(**bump):
        return
    try:
        with transaction.atomic():
            SearchInsight.objects.create(**key, searches=1, zero_results=zero)
    except IntegrityError:  # another request created it in between
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
