from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.tooling.demo import DemoLoader


class Command(BaseCommand):
    help = "Builds the demo content (German source, English translations through wagtail-localize). Idempotent."

    def handle(self, *args, **options):
        # Wagtail would queue a reference index update per saved object, including inline rows that
        # the next save of their page replaces (they fail later with DoesNotExist); the index is
        # built once at the end instead, as Wagtail's own bulk loading does.
        try:
            with disable_reference_index_auto_update():
                report = DemoLoader().load()
        except (ValueError, KeyError) as exc:
            raise CommandError(f"demo import failed, nothing was changed: {exc}") from exc
        if report.created:
            call_command("rebuild_references_index", verbosity=0)
        if report.created:
            for kind, number in sorted(report.created.items()):
                self.stdout.write(f"created {number} {kind}")
        else:
            self.stdout.write("demo content is complete; nothing to do")
