"""Every answer under /api/ is JSON in the contract's error body and in English, also for what fails
outside the API's own views: a foreign Host header, unknown /api/ paths, wrong methods, bodies too large,
and unexpected exceptions (no traceback in the body, with DEBUG on too)."""

import pytest
from django.test import Client, override_settings

from tests.frontend_api.conftest import APIClient, assert_error

FAILING_URLS = "tests.frontend_api.failing_urls"


@pytest.mark.parametrize("debug", [False, True])
def test_a_foreign_host_header_is_a_json_400(api, settings, debug):
    settings.DEBUG = debug
    response = APIClient(api.key, HTTP_HOST="evil.example").get("/api/v1/projects/")
    error = assert_error(response, 400, "invalid_host")
    assert "evil.example" in error["detail"] and len(response.content) < 300
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/api/", "/api/v2/projects/", "/api/v1/projects", "/api/v1/projects/1/x/"])
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_paths_are_json_404(anon, settings, path, debug):
    settings.DEBUG = debug
    error = assert_error(anon.get(path), 404, "not_found")
    assert path in error["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_wrong_method_is_a_json_405_in_english(api, method):
    response = getattr(api, method)("/api/v1/events/", data="{}", content_type="application/json")
    error = assert_error(response, 405, "method_not_allowed")
    assert error["detail"] == f'Method "{method.upper()}" not allowed.'


def test_a_post_to_an_unknown_path_is_a_404_not_a_csrf_refusal(anon):
    assert_error(Client(enforce_csrf_checks=True).post("/api/v1/nothing/", {"a": "b"}), 404, "not_found")


def test_english_messages_do_not_leak_into_the_german_admin(api, admin_client):
    api.post("/api/v1/events/")
    assert 'lang="de"' in admin_client.get("/admin/").content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_larger_than_django_reads_is_a_json_413(api, content_type):
    response = api.post("/api/v1/events/", data="x" * 2000, content_type=content_type)
    assert_error(response, 413, "payload_too_large")
    assert_error(api.post("/api/v1/nothing/", data="x=" + "x" * 2000, content_type=content_type), 413)


@pytest.mark.parametrize("debug", [False, True])
@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_an_unexpected_exception_is_a_json_500_without_traceback(db, settings, debug):
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get("/api/test-failures/crash/")
    error = assert_error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert error["detail"] == "The hub failed to answer; the error has been logged."


@pytest.mark.parametrize(("status", "code"), [(400, "invalid_request"), (403, "forbidden"), (413, "payload_too_large"),
                                              (431, "request_header_fields_too_large"), (502, "server_error")])
@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_any_html_error_under_api_becomes_json_with_its_status(db, status, code):
    response = Client().get(f"/api/test-failures/status/{status}/")
    assert_error(response, status, code)


@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_pages_outside_the_api_keep_their_html_errors(db):
    response = Client(raise_request_exception=False).get("/de/gibt-es-nicht/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")
