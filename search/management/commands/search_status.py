"""Prints, per index alias, documents indexed, live pages expected and pending queued updates."""

from django.core.management.base import BaseCommand

from search.status import index_status, pending_index_updates, search_health


class Command(BaseCommand):
    help = (
        "Per index alias: documents indexed, live pages expected, pending queued updates, and drift "
        "(documents the last reconciliation found missing, stale or extra)."
    )

    def handle(self, *args, **options):
        rows = index_status()
        engine = rows[0]["engine"] if rows else "database"
        self.stdout.write(
            f"engine: {engine}  health: {search_health()}  pending updates: {pending_index_updates()}"
        )
        width = max([len("alias"), *(len(row["alias"]) for row in rows)])
        self.stdout.write(
            f"{'alias':<{width}}  {'documents':>9}  {'expected':>8}  {'pending':>7}  {'drift':>5}  state"
        )
        for row in rows:
            documents = "?" if row["documents"] is None else str(row["documents"])
            state = (
                "ok"
                if row["documents"] == row["expected"] and not row["pending"] and not row["drift"]
                else ("updating" if row["pending"] else "out of date")
            )
            self.stdout.write(
                f"{row['alias']:<{width}}  {documents:>9}  {row['expected']:>8}  {row['pending']:>7}  "
                f"{row['drift']:>5}  {state}"
            )
