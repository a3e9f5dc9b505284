"""Every error in the contract's body; no input gives a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.events.factories import EventPageFactory
from tests.frontend_api.conftest import assert_error

PARAMETERS = {
    "/api/v1/events/": ["locale", "limit", "offset", "topic", "region", "fields", "from", "to", "upcoming"],
    "/api/v1/funding/": ["status", "limit", "fields"],
    "/api/v1/search/": ["q", "locale", "type", "topic", "region", "from", "to", "limit", "offset"],
    "/api/v1/search/suggest/": ["q", "locale", "limit"],
}
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
CASES = [(path, name) for path, names in PARAMETERS.items() for name in names]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES), value=ANY_TEXT, other=ANY_TEXT)
def test_no_value_of_any_parameter_gives_a_500(api, case, value, other):
    path, name = case
    params = {name: value}
    if "search" in path and name != "q":
        params["q"] = other or "kultur"
    response = api.get(path, params)
    assert response.status_code in (200, 400), (params, response.status_code, response.content[:300])
    if response.status_code == 400:
        assert_error(response, 400)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.text(st.characters(codec="ascii", categories=["L", "N"], include_characters="/-_."), max_size=40)
)
def test_unknown_paths_are_json_404(api, path):
    response = api.get(f"/api/v1/zz{path}")
    assert_error(response, 404, "not_found")


def test_every_error_has_code_detail_and_field_when_a_parameter_is_at_fault(api):
    EventPageFactory()
    error = assert_error(api.get("/api/v1/events/", {"limit": "100000"}), 400, "invalid_parameter", "limit")
    assert "between 1 and 100" in error["detail"] and "100000" in error["detail"]
    error = assert_error(api.get("/api/v1/events/", {"limt": "5"}), 400, "unknown_parameter", "limt")
    assert "limit" in error["detail"], "the message lists what the endpoint accepts"


def test_unexpected_failures_answer_json_500(api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("frontend_api.views.content.cached_answer", broken)
    response = api.get("/api/v1/events/")
    assert_error(response, 500, "server_error")
    assert "bug" not in response.json()["error"]["detail"], "internals stay in the log"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png"])
def test_any_accept_header_gets_json(api, accept):
    response = api.get("/api/v1/events/", HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
