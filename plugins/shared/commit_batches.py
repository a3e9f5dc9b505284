"""Reactions to many row changes in one transaction, run once when it commits.

A page's sharing is rewritten row by row (Wagtail's publish deletes and re-adds its partner links;
an import or a shell session may change several): reacting per row would re-index the page and
announce intermediate states several times. `collect_on_commit` gathers the ids per transaction and
calls `flush` once after the commit; outside a transaction (autocommit) it calls it at once.
"""

import threading
import weakref
from collections.abc import Callable, Hashable

from django.db import transaction

_batches = threading.local()


class Batch:
    def __init__(self, flush: Callable[[list], None]):
        self.flush, self.items, self.done = flush, set(), False

    def __call__(self) -> None:
        self.done = True
        self.flush(sorted(self.items))


def collect_on_commit(name: str, item: Hashable, flush: Callable[[list], None], using: str | None = None) -> None:
    """Adds `item` to the batch `name` of the current transaction; `flush(items)` runs once on commit.

    The batch is held only by Django's list of on-commit callbacks (a weak reference here): when the
    transaction rolls back, Django drops the callback, the batch disappears with it, and the next
    change starts a new one."""
    connection = transaction.get_connection(using)
    refs = getattr(_batches, "refs", None)
    if refs is None:
        refs = _batches.refs = {}
    key = (connection.alias, name)
    batch = refs[key]() if key in refs else None
    if batch is None or batch.done:
        batch = Batch(flush)
        batch.items.add(item)
        refs[key] = weakref.ref(batch)
        transaction.on_commit(batch, using=using)
        return
    batch.items.add(item)
