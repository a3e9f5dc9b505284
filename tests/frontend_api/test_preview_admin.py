"""The page editor's "Vorschau auf Partnerseite …": one entry per active partner with a preview URL on a
draft, and a token only for editors who may edit the page."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from frontend_api.preview import read_token
from frontend_api.preview_admin import URL_NAME
from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.projects.models import ProjectPage
from plugins.shared.factories import PartnerFactory


@pytest.fixture
def partners(db):
    return {
        "with": PartnerFactory(name="Stadtportal", preview_url="https://stadt.example.org/vorschau/"),
        "also": PartnerFactory(name="Landesnetz", preview_url="http://land.example.org/p?lang=de"),
        "without": PartnerFactory(name="Ohne Vorschau"),
        "inactive": PartnerFactory(name="Ruhend", preview_url="https://ruhend.example.org/v/", active=False),
    }


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("redaktion", "r@example.org", "x-secret-42"))
    return client


def project_editor_client() -> Client:
    """An editor who may edit projects only (Wagtail page permissions on the projects' index)."""
    group = Group.objects.create(name="Projektredaktion")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    index_model = apps.get_model(ProjectPage.parent_page_types[0])
    for page in index_model.objects.all():
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=group, page=page, permission=Permission.objects.get(codename=codename)
            )
    user = get_user_model().objects.create_user("projekte", "p@example.org", "x-secret-42")
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def editor_html(client, page) -> str:
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_offers_one_entry_per_partner_with_a_preview_url(editor_client, partners):
    page = EventPageFactory(title="Lesung")
    page.title = "Lesung (neu)"
    page.save_revision()
    html = editor_html(editor_client, page)
    assert "Vorschau auf Partnerseite Stadtportal" in html
    assert "Vorschau auf Partnerseite Landesnetz" in html
    assert "Partnerseite Ohne Vorschau" not in html and "Partnerseite Ruhend" not in html
    assert html.count("data-partner-preview=") == 2
    url = reverse(URL_NAME, args=(page.pk, partners["with"].pk))
    assert f'href="{url}" target="_blank"' in html


def test_a_page_without_a_draft_offers_none(editor_client, partners):
    page = EventPageFactory(title="Veröffentlicht und unverändert")
    assert "Vorschau auf Partnerseite" not in editor_html(editor_client, page)
    never_published = EventPageFactory(title="Neu", publish=False)
    assert "Vorschau auf Partnerseite Stadtportal" in editor_html(editor_client, never_published)


def test_the_entry_opens_the_partner_url_with_a_token_for_the_latest_revision(editor_client, partners):
    page = EventPageFactory(title="Neu", publish=False)
    revision = page.save_revision()
    partner = partners["also"]
    response = editor_client.get(reverse(URL_NAME, args=(page.pk, partner.pk)))
    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://land.example.org/p"
    query = parse_qs(location.query)
    assert query["lang"] == ["de"]
    token = read_token(query["token"][0])
    assert (token.page_id, token.revision_id, token.partner_id) == (page.pk, revision.pk, partner.pk)


def test_only_editors_of_the_page_get_a_token(partners):
    client = project_editor_client()
    project = ProjectPageFactory(title="Projekt", publish=False)
    event = EventPageFactory(title="Veranstaltung", publish=False)
    allowed = client.get(reverse(URL_NAME, args=(project.pk, partners["with"].pk)))
    assert allowed.status_code == 302 and allowed["Location"].startswith("https://stadt.example.org/")
    refused = client.get(reverse(URL_NAME, args=(event.pk, partners["with"].pk)))
    # Wagtail answers a PermissionDenied in the admin with a message and the dashboard
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))


def test_no_token_for_a_partner_without_preview_url_or_inactive(editor_client, partners):
    page = EventPageFactory(publish=False)
    for key in ("without", "inactive"):
        assert editor_client.get(reverse(URL_NAME, args=(page.pk, partners[key].pk))).status_code == 404
    home = Page.objects.get(pk=page.get_parent().pk)
    assert editor_client.get(reverse(URL_NAME, args=(home.pk, partners["with"].pk))).status_code == 404
