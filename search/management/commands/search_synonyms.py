"""Lists and adds the search's synonyms and abbreviations (the admin edits them too)."""

from django.core.management.base import BaseCommand, CommandError

from plugins.shared.languages import content_languages
from search.models import SearchSynonym
from search.synonyms import InvalidEntry, parse_entry


class Command(BaseCommand):
    help = (
        'Lists (--list, the default) or adds (--add "KI, Künstliche Intelligenz") synonym entries of a '
        'language\'s search. "a, b, c": each form finds the others; "a => b": a search for a also finds b. '
        "Applied to the next search, no reindex needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print the entries (default)")
        parser.add_argument("--add", metavar="ENTRY", action="append", default=[], help="add an entry (repeatable)")
        parser.add_argument("--locale", default=None, help="language of the entries (default: the source language)")

    def handle(self, *args, **options):
        languages = content_languages()
        language = (options["locale"] or languages[0]).lower()
        if language not in languages:
            raise CommandError(f"--locale must be one of {', '.join(languages)}, got {options['locale']!r}")
        entries = []
        for text in options["add"]:
            try:
                parse_entry(text, language)
            except InvalidEntry as exc:
                raise CommandError(f"--add {text!r}: {exc}") from None
            entries.append(" ".join(text.split()))
        for text in entries:
            _entry, created = SearchSynonym.objects.get_or_create(language=language, terms=text)
            self.stdout.write(f"{'added' if created else 'already there'} ({language}): {text}")
        if options["list"] or not entries:
            rows = SearchSynonym.objects.filter(language=language).order_by("terms")
            for row in rows:
                self.stdout.write(f"{row.pk:>5}  {row.terms}")
            self.stdout.write(f"{rows.count()} entries ({language})")
