from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.tooling.importing.documents import import_documents
from cms.tooling.importing.pages import ImportProblem, page_model
from plugins.shared import content_types


class Command(BaseCommand):
    @property
    def help(self):
        return ("Turns plain-text or HTML exports of old web pages (page-builder shortcodes and Gutenberg markup "
                f"included) into draft pages of TYPE ({', '.join(content_types.names())}). Prints per file what "
                "was created and what could not be brought over. Nothing is created when any file cannot be "
                "imported.")

    def add_arguments(self, parser):
        parser.add_argument("type", help=f"one of: {', '.join(content_types.names())}")
        parser.add_argument("paths", nargs="+", help="text (.txt) or HTML (.html) files")
        parser.add_argument("--locale", default=None, help="language of the files (default: the default locale)")
        parser.add_argument("--dry-run", action="store_true", help="show what would be created; write nothing")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        try:
            results = import_documents(options["type"], [Path(p) for p in options["paths"]], options["locale"],
                                       dry_run=dry_run)
        except ImportProblem as exc:
            raise CommandError(f"{exc}; nothing was imported") from exc
        verbose_name = page_model(options["type"])._meta.verbose_name
        for result in results:
            if dry_run:
                head = f"would create draft {verbose_name}: {result.plan.content.title}"
            else:
                head = f"created draft {verbose_name} {result.page.pk}: {result.page.title}"
            self.stdout.write(f"{result.path}: {head} ({result.plan.summary()})")
        if dry_run:
            self.stdout.write(f"dry run: {len(results)} draft page(s) would be created; nothing was written")
        else:
            self.stdout.write(f"{len(results)} draft page(s) created; edit and publish them in the admin")
