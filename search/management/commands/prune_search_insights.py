"""Deletes query insights older than the retention period (SEARCH_INSIGHTS_RETENTION_DAYS, 90 by default)."""

from django.core.management.base import BaseCommand, CommandError

from search.insights import prune, retention_days


class Command(BaseCommand):
    help = (
        "Deletes the per-day search counts of the query insights older than SEARCH_INSIGHTS_RETENTION_DAYS "
        "(default 90); the worker does this every hour as well."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Keep this many days instead of the setting.")

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else retention_days()
        if days < 1:
            raise CommandError(f"--days must be at least 1, got {days}")
        deleted = prune(days=days)
        self.stdout.write(f"{deleted} query insight rows older than {days} days deleted")
