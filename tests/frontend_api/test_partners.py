import pytest
from django.core.exceptions import ValidationError

from frontend_api.models import PartnerAPIKey, Webhook
from frontend_api.partners import PartnerExists, create_partner, issue_key, normalise_origin, revoke_keys
from tests.frontend_api.conftest import APIClient


def test_create_partner_returns_a_working_key(db):
    partner, key, secret = create_partner("Kulturbüro Dresden", origins=["https://www.Kultur-Dresden.de/"])
    assert partner.active and partner.slug == "kulturburo-dresden" and secret is None
    assert partner.origins == ["https://www.kultur-dresden.de"]
    assert APIClient(key).get("/api/v1/events/").status_code == 200
    assert PartnerAPIKey.objects.get(partner=partner).name == "Standard"


def test_create_partner_with_a_webhook(db):
    partner, _key, secret = create_partner("Mit Hook", webhook_url="https://hooks.example.org/kh")
    webhook = Webhook.objects.get(partner=partner)
    assert webhook.secret == secret and len(secret) >= 32 and webhook.active
    assert webhook.url == "https://hooks.example.org/kh"


def test_names_are_unique(db):
    create_partner("Doppelt")
    with pytest.raises(PartnerExists):
        create_partner("Doppelt")


@pytest.mark.parametrize(
    "origin", ["partner.example.org", "https://p.example.org/path", "ftp://p.example.org"]
)
def test_origins_must_be_origins(db, origin):
    with pytest.raises(ValidationError):
        normalise_origin(origin)


def test_issue_and_revoke_keys(db):
    partner, first, _ = create_partner("Zwei Schlüssel")
    second = issue_key(partner, name="Staging")
    assert first != second
    assert revoke_keys(partner) == 2
    assert APIClient(second).get("/api/v1/events/").status_code == 401
