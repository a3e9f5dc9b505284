"""The proof that a content type is one folder and one line in INSTALLED_APPS: `tests.joboffers`, a type
only the test settings install, touches no other file and is served like the four real ones."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from frontend_api.partners import create_partner
from plugins.shared import content_types
from plugins.shared.factories import OrganisationFactory
from plugins.shared.models import HomePage
from search import client as search_client
from search import indexing
from search.backends import opensearch
from tests.frontend_api.receivers import Receiver
from tests.joboffers.factories import JobOfferPageFactory
from tests.joboffers.models import JobOfferIndexPage, JobOfferPage
from tests.plugins.admin_forms import add_page


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def api_client(name="Stellenportal", **kwargs):
    from rest_framework.test import APIClient

    partner, key, secret = create_partner(name, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client, secret


def test_the_type_is_registered_once_with_search_and_api():
    descriptor = content_types.get("jobs")
    assert descriptor.page_model is JobOfferPage and descriptor.index_model is JobOfferIndexPage
    assert content_types.for_model(JobOfferPage) is descriptor
    assert descriptor.search_index.type == "jobs" and descriptor.api.name == "jobs"
    assert "jobs" in content_types.names()


def test_its_index_page_exists_in_every_locale_after_migrate(db):
    titles = {page.locale.language_code: page.title for page in JobOfferIndexPage.objects.select_related("locale")}
    assert titles == {"de": "Stellenangebote", "en": "Job offers"}
    for page in JobOfferIndexPage.objects.all():
        assert isinstance(page.get_parent().specific, HomePage)
    assert JobOfferIndexPage in HomePage.allowed_subpage_models()


def test_an_editor_creates_and_publishes_one_in_the_admin(admin_client, admin_user, de):
    parent = JobOfferIndexPage.objects.get(locale=de)
    add_url = reverse("wagtailadmin_pages:add_subpage", args=(parent.pk,))
    # the index takes job offers directly; the home page offers nothing it cannot hold twice
    assert admin_client.get(add_url).status_code in (200, 302)
    employer = OrganisationFactory(name="Soziokultur Sachsen")
    response = add_page(admin_client, admin_user, JobOfferPage, parent, {
        "title": "Projektkoordination Kulturarbeit", "slug": "projektkoordination", "teaser": "Wir suchen Verstärkung in Leipzig.",
        "employer": employer.pk, "workplace": "Leipzig", "closes_on": "2030-03-31",
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = JobOfferPage.objects.get(title="Projektkoordination Kulturarbeit")
    assert page.live and page.get_parent().pk == parent.pk


def test_the_api_lists_details_searches_and_suggests_it(db, de):
    page = JobOfferPageFactory(title="Projektkoordination Soziokultur", workplace="Görlitz",
                               closes_on=datetime.date(2030, 5, 15))
    api, _secret = api_client()
    listed = api.get("/api/v1/jobs/")
    assert listed.status_code == 200, listed.content
    [item] = listed.json()["results"]
    assert item["id"] == page.pk and item["type"] == "jobs" and item["closes_on"] == "2030-05-15"
    detail = api.get(f"/api/v1/jobs/{page.pk}/")
    assert detail.status_code == 200 and detail.json()["workplace"] == "Görlitz"
    found = api.get("/api/v1/search/", {"q": "Projektkoordinationen", "type": "jobs"})
    assert found.status_code == 200, found.content
    assert [r["id"] for r in found.json()["results"]] == [page.pk]
    assert found.json()["results"][0]["type"] == "jobs"
    suggested = api.get("/api/v1/search/suggest/", {"q": "Projektkoord"})
    assert [s["id"] for s in suggested.json()["suggestions"]] == [page.pk]
    assert api.get("/api/v1/search/", {"q": "x", "type": "nothing"}).status_code == 400


def test_it_is_in_the_openapi_document(client):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/v1/jobs/", "/api/v1/jobs/{id}/"} <= set(document["paths"])
    assert "jobs" in document["components"]["schemas"]["ContentTypeEnum"]["enum"]
    assert "job offers" in document["info"]["description"]


@pytest.mark.opensearch
def test_publishing_indexes_it_in_opensearch(db, opensearch_prefix):
    assert indexing.rebuild_opensearch().ok
    page = JobOfferPageFactory(title="Stelle in der Kulturverwaltung", workplace="Bautzen")
    opensearch.refresh()
    assert search_client.get_client().count(index=search_client.alias_name("jobs", "de"))["count"] == 1
    api, _secret = api_client()
    found = api.get("/api/v1/search/", {"q": "Kulturverwaltung"})
    assert found.status_code == 200, found.content
    assert [r["id"] for r in found.json()["results"]] == [page.pk]


def test_publishing_it_is_announced_by_webhook(db, django_capture_on_commit_callbacks):
    receiver = Receiver()
    try:
        create_partner("Stellenportal", webhook_url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            page = JobOfferPageFactory(title="Werkstudentin Öffentlichkeitsarbeit")
        [(_headers, body)] = receiver.received
        event = json.loads(body)
        assert (event["event"], event["type"], event["id"]) == ("page.published", "jobs", page.pk)
    finally:
        receiver.close()


def test_no_shared_or_framework_code_names_it():
    """The type is reached only through its descriptor: nothing outside its folder mentions it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ("plugins", "search", "frontend_api", "cms"):
        for path in (root / folder).rglob("*.py"):
            if path == root / "cms" / "settings" / "test.py":  # the one line that installs it
                continue
            text = path.read_text(encoding="utf-8")
            assert "joboffers" not in text and "JobOffer" not in text, path
