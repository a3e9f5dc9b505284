import pytest
from django.test import override_settings

from tests.frontend_api.conftest import APIClient, assert_error


@override_settings(KULTURHUB_API={"RATE_LIMIT": "3/hour"})
def test_a_key_over_its_rate_gets_429_with_retry_after(api, other_api):
    for remaining in (2, 1, 0):
        response = api.get("/api/v1/events/")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        assert response["X-RateLimit-Remaining"] == str(remaining)
    response = api.get("/api/v1/events/")
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert other_api.get("/api/v1/events/").status_code == 200, "another key has its own window"


@override_settings(KULTURHUB_API={"RATE_LIMIT": "2/hour"})
def test_the_rate_limit_covers_search_and_304s(api):
    first = api.get("/api/v1/search/suggest/", {"q": "ku"})
    assert (
        api.get("/api/v1/search/suggest/", {"q": "ku"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    assert_error(api.get("/api/v1/events/"), 429, "rate_limited")


@override_settings(KULTURHUB_API={"FAILED_AUTH_LIMIT": "3/hour"})
def test_repeated_wrong_keys_from_one_address_are_throttled(api):
    guesser = APIClient(HTTP_AUTHORIZATION="Api-Key abcdefgh.guessguessguessguessguessguessgu")
    for _ in range(3):
        assert_error(guesser.get("/api/v1/events/"), 401, "invalid_key")
    response = guesser.get("/api/v1/events/")
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    # From that address even the right key is refused now: the answer must not confirm a guess.
    assert_error(api.get("/api/v1/events/"), 429)
    # Another address is not affected.
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.9.8.7").status_code == 200
    # Health, schema and docs stay reachable.
    assert guesser.get("/api/v1/health/").status_code == 200


@pytest.mark.parametrize("header", ["", "Bearer x"])
@override_settings(KULTURHUB_API={"FAILED_AUTH_LIMIT": "2/hour"})
def test_requests_without_a_key_do_not_count_as_guesses(api, header):
    client = APIClient(HTTP_AUTHORIZATION=header) if header else APIClient()
    for _ in range(5):
        assert client.get("/api/v1/events/").status_code == 401
    assert api.get("/api/v1/events/").status_code == 200
