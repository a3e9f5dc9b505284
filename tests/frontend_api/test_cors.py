"""CORS: only partners' allowed origins, preflight included."""

import pytest

from tests.frontend_api.conftest import APIClient

PREFLIGHT = {
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization, if-none-match",
}


def test_preflight_from_a_partner_origin_is_allowed(api, anon):
    response = anon.options("/api/v1/events/", HTTP_ORIGIN="https://a.example.org", **PREFLIGHT)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://a.example.org"
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "if-none-match", "accept-language"} <= allowed
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert int(response["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize(
    "origin", ["https://evil.example.net", "http://a.example.org", "https://a.example.org.evil.net"]
)
def test_preflight_from_other_origins_gets_no_cors_headers(api, anon, origin):
    response = anon.options("/api/v1/events/", HTTP_ORIGIN=origin, **PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response


def test_origins_of_inactive_partners_are_refused(api, anon):
    api.partner.active = False
    api.partner.save()
    response = anon.options("/api/v1/events/", HTTP_ORIGIN="https://a.example.org", **PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response


def test_keyed_answers_allow_only_the_keys_partner_origin(api, other_api):
    mine = api.get("/api/v1/events/", HTTP_ORIGIN="https://a.example.org")
    assert mine["Access-Control-Allow-Origin"] == "https://a.example.org"
    assert (
        "ETag" in mine["Access-Control-Expose-Headers"]
        and "Retry-After" in mine["Access-Control-Expose-Headers"]
    )
    borrowed = api.get("/api/v1/events/", HTTP_ORIGIN="https://b.example.org")
    assert borrowed.status_code == 200 and "Access-Control-Allow-Origin" not in borrowed
    assert "Origin" in mine["Vary"]


def test_a_401_can_be_read_by_a_partner_page(api):
    response = APIClient(HTTP_AUTHORIZATION="Api-Key nope").get(
        "/api/v1/events/", HTTP_ORIGIN="https://a.example.org"
    )
    assert response.status_code == 401 and response["Access-Control-Allow-Origin"] == "https://a.example.org"


def test_origin_comparison_ignores_case_and_trailing_slash(api, anon):
    api.partner.allowed_origins = "HTTPS://Partner.Example.org/"
    api.partner.save()
    response = anon.options("/api/v1/events/", HTTP_ORIGIN="https://partner.example.org", **PREFLIGHT)
    assert response["Access-Control-Allow-Origin"] == "https://partner.example.org"


def test_no_cors_outside_the_api(api, anon):
    response = anon.options("/admin/", HTTP_ORIGIN="https://a.example.org", **PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response
