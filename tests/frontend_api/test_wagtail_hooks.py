"""The admin: partners, API keys shown once and revocable, webhooks."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from frontend_api.models import PartnerAPIKey
from plugins.shared.models import Partner
from tests.frontend_api.conftest import APIClient


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_partner_admin_lists_and_validates_origins(admin_client):
    assert admin_client.get(reverse("partner:index")).status_code == 200
    response = admin_client.post(
        reverse("partner:add"),
        {
            "name": "Neu",
            "slug": "neu",
            "allowed_origins": "https://ok.example.org\nkein-origin",
            "active": "on",
        },
    )
    assert response.status_code == 200 and not Partner.objects.filter(name="Neu").exists()
    admin_client.post(
        reverse("partner:add"),
        {
            "name": "Neu",
            "slug": "neu",
            "allowed_origins": "https://OK.example.org/",
            "active": "on",
        },
    )
    assert Partner.objects.get(name="Neu").allowed_origins == "https://ok.example.org"


def test_a_new_key_is_shown_once_and_works(admin_client):
    partner = Partner.objects.create(name="P", slug="p")
    response = admin_client.post(reverse("partnerapikey:add"), {"partner": partner.pk, "name": "Website"})
    assert response.status_code == 200
    api_key = PartnerAPIKey.objects.get(partner=partner)
    html = response.content.decode()
    start = html.index('id="shown-once-secret"')
    raw = html[html.index(">", start) + 1 : html.index("</code>", start)]
    assert raw.startswith(api_key.prefix + ".")
    assert APIClient(raw).get("/api/v1/events/").status_code == 200
    listing = admin_client.get(reverse("partnerapikey:index")).content.decode()
    assert api_key.prefix in listing and raw not in listing


def test_a_key_can_be_revoked_in_the_admin(admin_client):
    partner = Partner.objects.create(name="P", slug="p")
    api_key, raw = PartnerAPIKey.objects.create_key(partner=partner, name="Website")
    response = admin_client.post(
        reverse("partnerapikey:edit", args=[api_key.pk]), {"name": "Website", "revoked": "on"}
    )
    assert response.status_code == 302
    assert PartnerAPIKey.objects.get(pk=api_key.pk).revoked
    assert APIClient(raw).get("/api/v1/events/").status_code == 401


def test_a_webhook_shows_its_secret_on_creation(admin_client):
    partner = Partner.objects.create(name="P", slug="p")
    response = admin_client.post(
        reverse("webhook:add"), {"partner": partner.pk, "url": "https://h.example.org/", "active": "on"}
    )
    assert response.status_code == 200
    assert partner.webhooks.get().secret in response.content.decode()
