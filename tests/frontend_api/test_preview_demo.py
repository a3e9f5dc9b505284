"""The demo partner site's preview page, as `./hub demo` sets it up: the admin's entry for the demo partner
opens /partner-demo/preview/?token=…, which fetches the draft from /api/v1/preview/ with the demo key."""

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cms.tooling.partner_demo import DEMO_PARTNER
from frontend_api.preview_admin import URL_NAME
from plugins.events.factories import EventPageFactory
from plugins.shared.models import Partner
from tests.frontend_api.conftest import APIClient


@pytest.fixture
def demo(db, de, en, settings, tmp_path):
    """setup_demo with its key file in a temporary directory (not the developer's var/)."""
    settings.BASE_DIR = tmp_path
    call_command("setup_demo", "--allow-production", stdout=io.StringIO())
    return Partner.objects.get(name=DEMO_PARTNER)


def script_value(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_setup_demo_gives_the_demo_partner_its_preview_page(demo, settings):
    url = urlsplit(demo.preview_url)
    assert url.scheme == "http" and url.hostname == settings.SITE_HOSTNAME
    assert url.path == reverse("partner_demo_preview") == "/partner-demo/preview/"
    demo.preview_url = ""
    demo.save()
    call_command("setup_demo", "--allow-production", stdout=io.StringIO())
    demo.refresh_from_db()
    assert demo.preview_url.endswith("/partner-demo/preview/"), "set again for a demo partner from before"


def test_the_demo_preview_page_shows_the_draft_through_the_endpoint(demo, admin_client):
    page = EventPageFactory(title="Konzert")
    page.title = "Konzert im Park"
    page.save_revision()
    redirect = admin_client.get(reverse(URL_NAME, args=(page.pk, demo.pk)))
    assert redirect.status_code == 302
    location = urlsplit(redirect["Location"])
    assert location.path == "/partner-demo/preview/"

    response = Client().get(f"{location.path}?{location.query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Vorschau" in html and 'id="banner"' in html
    assert '"/api/v1/preview/"' in html and 'searchParams.set("token", TOKEN)' in html
    key, token = script_value(html, "demo-key"), script_value(html, "preview-token")
    assert token == location.query.removeprefix("token=").replace("%3A", ":")

    # what the page's script then asks the hub, with the demo key it was given
    draft = APIClient(key).json("/api/v1/preview/", {"token": token})
    assert draft["title"] == "Konzert im Park" and draft["preview"] is True


def test_the_demo_preview_page_without_a_token_says_so(demo):
    html = Client().get("/partner-demo/preview/").content.decode()
    assert script_value(html, "preview-token") == "" and "Kein Vorschau-Token" in html
