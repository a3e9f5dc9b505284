"""The last step of `./hub setup`: a demo admin login and the demo partner with a working key."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from cms.tooling.partner_demo import DEMO_PARTNER, read_demo_key, save_demo_key
from frontend_api.partners import create_partner, issue_key
from plugins.shared.models import Partner

DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "Creates the demo admin login and the demo partner (idempotent); prints both."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true",
                            help="run although DEBUG is off (the demo login has a known password)")

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("setup_demo creates a login with a known password; it runs only with DEBUG on "
                               "(or pass --allow-production)")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "kulturhub-demo")
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_ADMIN).first()
        if user is None:
            user_model.objects.create_superuser(DEMO_ADMIN, "admin@example.org", password)
            login = f"user {DEMO_ADMIN}, password {password}"
        elif user.check_password(password):
            login = f"user {DEMO_ADMIN}, password {password}"
        else:
            login = f"user {DEMO_ADMIN}, password unchanged (set by you)"

        port = os.environ.get("PORT", "8000")
        origins = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
        preview_url = f"http://{settings.SITE_HOSTNAME}:{port}{reverse('partner_demo_preview')}"
        partner = Partner.objects.filter(name=DEMO_PARTNER).first()
        key = read_demo_key() if partner else None
        if partner is None:
            partner, key, _secret = create_partner(DEMO_PARTNER, origins=origins, preview_url=preview_url)
        elif key is None:
            key = issue_key(partner, name="Demo")
        if partner.preview_url != preview_url:  # a demo partner from before previews, or another port
            partner.preview_url = preview_url
            partner.save(update_fields=["preview_url"])
        save_demo_key(key)

        self.stdout.write("")
        self.stdout.write(f"Admin:  http://127.0.0.1:{port}/admin/  ({login})")
        self.stdout.write(f"API:    http://127.0.0.1:{port}/api/v1/  docs: http://127.0.0.1:{port}/api/v1/docs/")
        self.stdout.write(f"Demo partner site: http://127.0.0.1:{port}/partner-demo/  (drafts: {preview_url})")
        self.stdout.write(f"Demo partner API key (header 'Authorization: Api-Key <key>'):\n{key}")
