"""create_partner NAME [--origin URL ...] [--webhook URL] [--preview-url URL]: a partner, its API key (the
last line of stdout, alone), optionally a webhook (its signing secret on a line `webhook-secret: <secret>`)
and the address of its draft preview.
For a partner that exists already it issues an additional key (and adds the origins and webhook)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from frontend_api.partners import PartnerExists, add_to_partner, create_partner, existing_partner


class Command(BaseCommand):
    help = "Creates a partner with one API key; prints the key as the last line (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Name of the partner, e.g. 'Kulturbüro Dresden'")
        parser.add_argument(
            "--origin",
            action="append",
            default=[],
            metavar="URL",
            help="Origin allowed for browser calls (CORS), e.g. https://www.partner.example.org; repeatable",
        )
        parser.add_argument("--webhook", metavar="URL", help="Address the hub POSTs page events to")
        parser.add_argument(
            "--preview-url",
            metavar="URL",
            help="Page of the partner site that shows drafts; opened with ?token=… from the admin",
        )

    def handle(self, *args, name, origin, webhook, preview_url, **options):
        try:
            try:
                partner, raw_key, secret = create_partner(
                    name, origins=origin, webhook_url=webhook, preview_url=preview_url
                )
            except PartnerExists:
                partner = existing_partner(name)
                raw_key, secret = add_to_partner(
                    partner, origins=origin, webhook_url=webhook, preview_url=preview_url
                )
                self.stderr.write(f"partner {partner.name!r} exists already: issued an additional key")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"partner: {partner.name} (id {partner.pk}, slug {partner.slug})")
        if partner.origins:
            self.stdout.write(f"origins: {' '.join(partner.origins)}")
        if partner.preview_url:
            self.stdout.write(f"preview-url: {partner.preview_url}")
        if secret:
            self.stdout.write(f"webhook-secret: {secret}")
        self.stdout.write("api-key (shown once; the next line is the key):")
        self.stdout.write(raw_key)
