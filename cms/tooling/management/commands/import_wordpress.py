from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.tooling.importing.pages import ImportProblem, page_model
from cms.tooling.importing.wordpress import import_wordpress
from plugins.shared import content_types


class Command(BaseCommand):
    @property
    def help(self):
        return ("Reads a WordPress export (WXR, from WordPress's Tools > Export) and creates draft pages. "
                f"--map CATEGORY=TYPE (TYPE one of {', '.join(content_types.names())}) chooses which items become "
                "which type; CATEGORY is a category's name or slug, or a post type. Items are matched by their "
                "GUID: a second run updates the drafts it created. Items no --map covers are listed.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the export file (.xml)")
        parser.add_argument("--map", action="append", default=[], metavar="CATEGORY=TYPE", dest="maps",
                            help="repeatable; the first matching --map decides an item's type")
        parser.add_argument("--media-dir", default=None,
                            help="folder holding a copy of wp-content/uploads (default: look next to the file)")
        parser.add_argument("--locale", default=None, help="language of the export (default: the default locale)")
        parser.add_argument("--dry-run", action="store_true", help="show what would be created; write nothing")

    def handle(self, *args, **options):
        path = Path(options["path"])
        media_dir = Path(options["media_dir"]) if options["media_dir"] else None
        try:
            report = import_wordpress(path, options["maps"], media_dir, options["locale"], options["dry_run"])
        except ImportProblem as exc:
            raise CommandError(f"{exc}; nothing was imported") from exc
        for result in report.results:
            page = result.page
            name = page_model(result.type_name)._meta.verbose_name
            head = f"{result.action} draft {name}" + (f" {page.pk}" if page is not None else "")
            self.stdout.write(f"{head}: {result.plan.content.title} [{result.item.guid}] ({result.plan.summary()})")
        for item in report.unmapped:
            self.stdout.write(f"not imported, no --map for it: {item.describe()}")
        for problem in report.failed:
            self.stdout.write(f"could not import {problem}")
        if report.not_content:
            counts = ", ".join(f"{key}: {count}" for key, count in sorted(report.not_content.items()))
            self.stdout.write(f"left out as not content: {counts}")
        actions = [r.action for r in report.results]
        summary = ", ".join(f"{actions.count(a)} {a}" for a in dict.fromkeys(actions)) or "nothing imported"
        self.stdout.write(f"{summary}; {len(report.unmapped)} not mapped; {len(report.failed)} failed"
                          + ("; dry run: nothing was written" if options["dry_run"] else ""))
        if not report.results:
            hint = " (use --map CATEGORY=TYPE)" if report.unmapped else ""
            raise CommandError(f"{path}: nothing could be imported{hint}")
