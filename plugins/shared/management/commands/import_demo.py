from django.core.management.base import BaseCommand, CommandError

from plugins.shared.demo_loader import DemoLoader


class Command(BaseCommand):
    help = "Builds the demo content (German source, English translations through wagtail-localize). Idempotent."

    def handle(self, *args, **options):
        try:
            report = DemoLoader().load()
        except (ValueError, KeyError) as exc:
            raise CommandError(f"demo import failed, nothing was changed: {exc}") from exc
        if report.created:
            for kind, number in sorted(report.created.items()):
                self.stdout.write(f"created {number} {kind}")
        else:
            self.stdout.write("demo content is complete; nothing to do")
