"""create_partner NAME [--origin URL ...] [--webhook URL]: a partner, its API key (the last line of
stdout, alone) and optionally a webhook (its signing secret on a line `webhook-secret: <secret>`).
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

    def handle(self, *args, name, origin, webhook, **options):
        try:
            try:
                partner, raw_key, secret = create_partner(name, origins=origin, webhook_url=webhook)
            except PartnerExists:
                partner = existing_partner(name)
                raw_key, secret = add_to_partner(partner, origins=origin, webhook_url=webhook)
                self.stderr.write(f"partner {partner.name!r} exists already: issued an additional key")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"partner: {partner.name} (id {partner.pk}, slug {partner.slug})")
        if partner.origins:
            self.stdout.write(f"origins: {' '.join(partner.origins)}")
        if secret:
            self.stdout.write(f"webhook-secret: {secret}")
        self.stdout.write("api-key (shown once; the next line is the key):")
        self.stdout.write(raw_key)
