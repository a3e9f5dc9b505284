"""Preview on partner sites: a draft reaches the partner its token names, in the detail's shape, and no
one else; the token is signed, bound to one revision and partner, and void after 10 minutes."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from frontend_api.preview import MAX_AGE, SALT, mint_token
from frontend_api.preview_admin import URL_NAME
from plugins.events.factories import EventPageFactory
from plugins.funding.factories import a_round
from plugins.shared.factories import TopicFactory
from plugins.shared.models import PagePartner, PageTopic
from tests.content_types import FACTORIES
from tests.frontend_api.conftest import assert_error
from tests.frontend_api.test_queries import MAX_DETAIL_QUERIES, make


class SignedAt(signing.TimestampSigner):
    """The preview signer with its clock fixed, to make tokens of a given age."""

    def __init__(self, seconds_ago: int):
        super().__init__(salt=SALT)
        self.at = int(time.time()) - seconds_ago

    def timestamp(self):
        return signing.b62_encode(self.at)


@pytest.fixture
def partner_a(api):
    api.partner.preview_url = "https://a.example.org/vorschau?from=hub"
    api.partner.save()
    return api.partner


@pytest.fixture
def partner_b(other_api):
    other_api.partner.preview_url = "https://b.example.org/preview/"
    other_api.partner.save()
    return other_api.partner


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("redaktion", "r@example.org", "x-secret-42"))
    return client


def token_from_admin(editor_client, page, partner) -> str:
    """What the editor's "Vorschau auf Partnerseite …" does: the admin redirects to the partner's preview URL
    with the token."""
    response = editor_client.get(reverse(URL_NAME, args=(page.pk, partner.pk)))
    assert response.status_code == 302, response.content[:300]
    location = urlsplit(response["Location"])
    preview = urlsplit(partner.preview_url)
    assert (location.scheme, location.netloc, location.path) == (preview.scheme, preview.netloc, preview.path)
    query = parse_qs(location.query)
    assert query.pop("token") and query == parse_qs(preview.query), "the partner's own query is kept"
    return parse_qs(location.query)["token"][0]


def change_draft(page, **changes):
    """A saved draft of `page` (as "Entwurf speichern" leaves it): the live version stays as it is."""
    page = page.specific.get_latest_revision_as_object()
    topics = changes.pop("topics", None)
    partners = changes.pop("partners", None)
    for name, value in changes.items():
        setattr(page, name, value)
    if topics is not None:
        page.topic_links = [PageTopic(topic=topic) for topic in topics]
    if partners is not None:
        page.partner_links = [PagePartner(partner=partner) for partner in partners]
    return page.save_revision()


def preview(client, token, status=200):
    response = client.get("/api/v1/preview/", {"token": token})
    assert response.status_code == status, response.content[:500]
    return response


def test_a_changed_draft_of_a_live_page_reaches_the_partner_while_the_detail_stays_live(
    api, partner_a, editor_client
):
    old_topic, new_topic = TopicFactory(slug="alt"), TopicFactory(slug="neu")
    page = EventPageFactory(title="Sommerfest", topics=[old_topic])
    change_draft(page, title="Sommerfest (verschoben)", teaser="Neuer Termin", topics=[new_topic])

    token = token_from_admin(editor_client, page, partner_a)
    response = preview(api, token)
    draft = response.json()
    assert response["Cache-Control"] == "no-store"
    assert draft["preview"] is True and draft["id"] == page.pk and draft["type"] == "events"
    assert draft["title"] == "Sommerfest (verschoben)" and draft["teaser"] == "Neuer Termin"
    assert [topic["slug"] for topic in draft["topics"]] == ["neu"]

    live = api.json(f"/api/v1/events/{page.pk}/")
    assert live["title"] == "Sommerfest" and [topic["slug"] for topic in live["topics"]] == ["alt"]
    assert "preview" not in live
    assert set(draft) == set(live) | {"preview"}, "the detail's shape, plus preview"


@pytest.mark.parametrize("type_name", sorted(FACTORIES))
def test_a_never_published_page_of_every_type(api, partner_a, editor_client, type_name):
    extra = {"rounds": [a_round(-1, 5)]} if type_name == "funding" else {}
    page = FACTORIES[type_name](title="Noch geheim", publish=False, **extra)
    api.json(f"/api/v1/{type_name}/{page.pk}/", status=404)

    draft = preview(api, token_from_admin(editor_client, page, partner_a)).json()
    assert (draft["title"], draft["type"], draft["preview"]) == ("Noch geheim", type_name, True)
    if type_name == "funding":
        assert draft["status"] == "open" and draft["next_deadline"], "computed from the draft's own rounds"


def test_the_token_shows_its_own_revision_not_a_later_one(api, partner_a, editor_client):
    page = EventPageFactory(title="Eins")
    change_draft(page, title="Zwei")
    token = token_from_admin(editor_client, page, partner_a)
    change_draft(page, title="Drei")
    assert preview(api, token).json()["title"] == "Zwei"


def test_a_token_is_valid_for_ten_minutes(api, partner_a):
    page = EventPageFactory(title="Entwurf", publish=False)
    revision = page.get_latest_revision()
    fresh = mint_token(revision, partner_a, using=SignedAt(MAX_AGE - 30))
    assert preview(api, fresh).json()["title"] == "Entwurf"
    expired = mint_token(revision, partner_a, using=SignedAt(MAX_AGE + 1))
    error = assert_error(preview(api, expired, status=401), 401, "preview_token_invalid", field="token")
    assert "expired" in error["detail"]


def test_tampered_and_malformed_tokens_are_refused(api, partner_a, other_api, partner_b):
    page = EventPageFactory(title="Entwurf", publish=False)
    token = mint_token(page.get_latest_revision(), partner_a)
    assert preview(api, token).status_code == 200
    # B's id in A's signed token: the signature no longer fits
    payload, _, signature = token.rpartition(":")
    forged = signing.TimestampSigner(salt=SALT, key="not-the-hub-secret").sign_object(
        {"page": page.pk, "revision": page.get_latest_revision().pk, "partner": partner_b.pk}
    )
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "garbage", payload):
        assert_error(preview(other_api, bad, status=401), 401, "preview_token_invalid")


def test_another_partners_token_is_forbidden(api, partner_a, other_api, partner_b):
    page = EventPageFactory(title="Entwurf", publish=False)
    token = mint_token(page.get_latest_revision(), partner_a)
    assert_error(preview(other_api, token, status=403), 403, "preview_token_other_partner")


def test_a_draft_shared_only_with_another_partner_is_not_shown(api, partner_a, other_api, partner_b, editor_client):
    page = EventPageFactory(title="Für alle")  # live and shared with everyone ...
    change_draft(page, title="Nur für B", partners=[partner_b])  # ... but the draft narrows it to B
    assert api.json(f"/api/v1/events/{page.pk}/")["title"] == "Für alle"
    assert_error(
        preview(api, token_from_admin(editor_client, page, partner_a), status=403), 403, "preview_not_visible"
    )
    assert preview(other_api, token_from_admin(editor_client, page, partner_b)).json()["title"] == "Nur für B"


def test_a_restricted_page_or_section_is_not_shown(api, partner_a, editor_client):
    page = EventPageFactory(title="Intern", publish=False)
    token = token_from_admin(editor_client, page, partner_a)
    assert preview(api, token).status_code == 200
    PageViewRestriction.objects.create(page=page.get_parent(), restriction_type=PageViewRestriction.LOGIN)
    assert_error(preview(api, token, status=403), 403, "preview_not_visible")


def test_bad_requests(api, anon, partner_a):
    assert_error(api.get("/api/v1/preview/"), 400, "invalid_parameter", field="token")
    assert_error(api.get("/api/v1/preview/", {"token": "x", "id": "1"}), 400, "unknown_parameter", field="id")
    page = EventPageFactory(publish=False)
    assert_error(anon.get("/api/v1/preview/", {"token": mint_token(page.get_latest_revision(), partner_a)}), 401)


def test_a_deleted_page_is_not_found(api, partner_a):
    page = EventPageFactory(publish=False)
    token = mint_token(page.get_latest_revision(), partner_a)
    page.delete()
    assert_error(preview(api, token, status=404), 404, "not_found")


def test_preview_queries_are_bounded(api, partner_a, django_assert_max_num_queries):
    page = make("events", 1)
    change_draft(page, title="Geändert")
    token = mint_token(page.get_latest_revision(), partner_a)
    api.get("/api/v1/events/")  # Wagtail caches the site root paths, the key's use is recorded
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        draft = preview(api, token).json()
    assert draft["title"] == "Geändert" and draft["contacts"] and draft["regions"] and draft["image"]


def test_the_endpoint_is_documented_and_answers_validate(api, anon, partner_a, other_api, partner_b):
    from tests.frontend_api.test_openapi import response_component, validate

    openapi = anon.json("/api/v1/schema/", HTTP_ACCEPT="application/json")
    operation = openapi["paths"]["/api/v1/preview/"]["get"]
    token_parameter = next(p for p in operation["parameters"] if p["name"] == "token")
    assert token_parameter["required"] and token_parameter["in"] == "query"
    assert {"200", "400", "401", "403", "404", "429"} <= set(operation["responses"])
    assert "ETag" not in operation["responses"]["200"]["headers"], "never cached: no validators"
    assert set(openapi["components"]["schemas"]["Preview"]["discriminator"]["mapping"]) == set(FACTORIES)

    assert response_component(openapi, "/api/v1/preview/") == "Preview"
    mapping = openapi["components"]["schemas"]["Preview"]["discriminator"]["mapping"]
    for type_name, factory in FACTORIES.items():
        page = factory(title=f"Entwurf {type_name}", publish=False)
        draft = preview(api, mint_token(page.get_latest_revision(), partner_a)).json()
        validate(openapi, mapping[type_name].rsplit("/", 1)[1], draft)
    foreign = mint_token(page.get_latest_revision(), partner_a)
    validate(openapi, "Error", api.json("/api/v1/preview/", status=400))
    validate(openapi, "Error", api.json("/api/v1/preview/", {"token": "x"}, status=401))
    validate(openapi, "Error", other_api.json("/api/v1/preview/", {"token": foreign}, status=403))
