"""Rebuilds the search index from the database: OpenSearch (zero downtime) and the database copy."""

from django.core.management.base import BaseCommand, CommandError

from search import client, indexing


class Command(BaseCommand):
    help = (
        "Rebuilds every search index: with OPENSEARCH_URL, new OpenSearch indices behind the aliases "
        "(bulk load, atomic alias swap, old indices removed) and the database copy searches fall back "
        "to; without it, the database search index. Exits non-zero unless every live page is indexed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--opensearch-only",
            action="store_true",
            help="leave the database copy alone (it is kept current by the index tasks anyway)",
        )

    def handle(self, *args, no_progress=False, opensearch_only=False, **options):
        progress = not no_progress and options.get("verbosity", 1) > 0
        reports = []
        if not (opensearch_only and client.opensearch_configured()):
            reports.append(indexing.rebuild_database(progress=progress, stdout=self.stdout))
        if client.opensearch_configured():
            reports.append(indexing.rebuild_opensearch(progress=progress))
        failed = False
        for report in reports:
            rate = report.total / report.seconds if report.seconds else 0.0
            self.stdout.write(
                f"{report.engine}: {report.total} of {sum(report.expected.values())} live pages indexed "
                f"in {report.seconds:.1f} s ({rate:.0f} pages/s)"
            )
            for alias, expected in report.expected.items():
                indexed = report.indexed.get(alias, 0)
                if indexed != expected:
                    self.stderr.write(f"  {alias}: {indexed} indexed, {expected} expected")
            for failure in report.failures[:20]:
                self.stderr.write(f"  {failure}")
            failed = failed or not report.ok
        if failed:
            raise CommandError(
                "the search index is incomplete; see above (the live aliases were left as they were)"
            )
