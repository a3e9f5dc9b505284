from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plugins.shared.document_import import PAGE_TYPES, ImportError_, import_documents


class Command(BaseCommand):
    help = ("Turns plain-text or HTML exports of old web pages into draft pages of TYPE "
            f"({', '.join(PAGE_TYPES)}). Nothing is created when any file cannot be read.")

    def add_arguments(self, parser):
        parser.add_argument("type", help=f"one of: {', '.join(PAGE_TYPES)}")
        parser.add_argument("paths", nargs="+", help="text (.txt) or HTML (.html) files")
        parser.add_argument("--locale", default=None, help="language of the files (default: the default locale)")

    def handle(self, *args, **options):
        try:
            pages = import_documents(options["type"], [Path(p) for p in options["paths"]], options["locale"])
        except ImportError_ as exc:
            raise CommandError(f"{exc}; nothing was imported") from exc
        for page in pages:
            self.stdout.write(f"created draft {page.get_verbose_name()} {page.pk}: {page.title} "
                              f"({len(page.body[0].value.source) if page.body else 0} characters)")
        self.stdout.write(f"{len(pages)} draft page(s) created; edit and publish them in the admin")
