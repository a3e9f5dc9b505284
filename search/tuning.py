"""What editors tune in the search (synonyms, promotions), as every process holds it in memory.

A search reads one row before the engine: the tuning version (`models.TuningVersion`), bumped in the
same transaction as every save or delete of a synonym, a promotion or a promoted page. The process's
synonym tables and its promotions are keyed by that version and rebuilt (one query each) only when it
changed, so an editor's change is in force for the next search of every process, and a search pays
one primary-key read for both, however many times it parses a query (a "did you mean" parses twice).
"""

from __future__ import annotations

import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from search.models import TuningVersion

_lock = threading.Lock()
# (what, version, language or "") -> the built value; entries of older versions are dropped.
_cache: dict[tuple[str, int, str], object] = {}


def bump() -> None:
    """A new version: every process rebuilds what it holds at its next search (one upsert)."""
    row = TuningVersion(key=TuningVersion.KEY, version=secrets.randbits(62), changed_at=timezone.now())
    if connection.features.supports_update_conflicts_with_target:  # PostgreSQL, SQLite
        TuningVersion.objects.bulk_create(
            [row], update_conflicts=True, unique_fields=["key"], update_fields=["version", "changed_at"]
        )
    else:  # MySQL/MariaDB: ON DUPLICATE KEY UPDATE takes no conflict target
        TuningVersion.objects.bulk_create([row], update_conflicts=True, update_fields=["version", "changed_at"])


def changed(sender=None, **kwargs) -> None:
    """Signal receiver (`search.signal_handlers`): a synonym, promotion or promoted page was saved or deleted."""
    bump()


def current_version() -> int:
    """The version now (one query); a database without the row gets one, so rows written before it
    (the starter list of a migration) are never mistaken for an older state held in memory."""
    version = TuningVersion.objects.filter(key=TuningVersion.KEY).values_list("version", flat=True).first()
    if version is None:
        bump()
        version = TuningVersion.objects.filter(key=TuningVersion.KEY).values_list("version", flat=True).first()
    return version


@dataclass(frozen=True)
class Snapshot:
    """The tuning as of one version: what one search uses, read once."""

    version: int

    def synonyms(self, language: str):
        """The synonym table of `language` (`search.synonyms.Table`)."""
        from search import synonyms

        return self._held("synonyms", language, lambda: synonyms.build_table(language))

    def promotions(self) -> dict[str, list[tuple]]:
        """{normalised query: [(translation key, partner id, language, promotion id, sort order)]}."""
        return self._held("promotions", "", promotion_rows)

    def _held(self, what: str, language: str, build):
        key = (what, self.version, language)
        found = _cache.get(key)
        if found is None:
            found = build()
            with _lock:
                for stale in [k for k in _cache if k[0] == what and k[2] == language and k[1] != self.version]:
                    del _cache[stale]
                _cache[key] = found
        return found


def current() -> Snapshot:
    return Snapshot(current_version())


def promotion_rows() -> dict[str, list[tuple]]:
    from search.models import PromotedPage

    rows = PromotedPage.objects.values_list(
        "promotion__normalised",
        "page__translation_key",
        "promotion__partner_id",
        "promotion__language",
        "promotion_id",
        "sort_order",
    )
    by_query: dict[str, list[tuple]] = defaultdict(list)
    for normalised, *rest in rows:
        by_query[normalised].append(tuple(rest))
    return dict(by_query)


def forget() -> None:
    """Drops what this process holds (tests; a change bumps the version anyway)."""
    with _lock:
        _cache.clear()
