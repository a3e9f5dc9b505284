import pytest
from django.test import override_settings

from tests.frontend_api.conftest import MID_WINDOW, APIClient, assert_error


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


@override_settings(KULTURHUB_API={"RATE_LIMIT": "2/min", "FAILED_AUTH_LIMIT": "2/min"})
def test_windows_follow_the_pinned_clock_not_the_wall_clock(api, throttle_clock):
    """Every API test counts on the pinned clock, so a minute ending during a test changes nothing; the
    window ends when the clock passes its end, and Retry-After says exactly when that is."""
    guesser = APIClient(HTTP_AUTHORIZATION=WRONG_KEY)
    assert [guesser.get("/api/v1/events/").status_code for _ in range(3)] == [401, 401, 429]
    assert [api.get("/api/v1/events/", REMOTE_ADDR="10.9.8.7").status_code for _ in range(3)] == [200, 200, 429]
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.9.8.7")["Retry-After"] == "30"
    throttle_clock.at = MID_WINDOW + 29
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.9.8.7")["Retry-After"] == "1"
    throttle_clock.at = MID_WINDOW + 30  # the next minute: both windows start again
    assert guesser.get("/api/v1/events/").status_code == 401
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.9.8.7").status_code == 200


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


# The failed-key throttle's client address ---------------------------------------------------------

WRONG_KEY = "Api-Key abcdefgh.guessguessguessguessguessguessgu"


@override_settings(KULTURHUB_API={"FAILED_AUTH_LIMIT": "20/day"}, TRUSTED_PROXIES=None)
def test_a_fresh_forwarded_for_per_guess_does_not_escape_the_throttle(api):
    guesser = APIClient(HTTP_AUTHORIZATION=WRONG_KEY, REMOTE_ADDR="203.0.113.9")
    responses = [guesser.get("/api/v1/events/", HTTP_X_FORWARDED_FOR=f"198.51.{n // 256}.{n % 256}")
                 for n in range(100)]
    statuses = [response.status_code for response in responses]
    assert statuses.count(401) == 20 and statuses.count(429) == 80, statuses
    assert int(responses[-1]["Retry-After"]) >= 1


@override_settings(KULTURHUB_API={"FAILED_AUTH_LIMIT": "5/day"}, TRUSTED_PROXIES=None)
def test_nobody_can_lock_out_a_chosen_address_by_naming_it(api):
    attacker = APIClient(HTTP_AUTHORIZATION=WRONG_KEY, REMOTE_ADDR="203.0.113.9",
                         HTTP_X_FORWARDED_FOR="198.51.100.7")
    for _ in range(10):
        attacker.get("/api/v1/events/")
    assert_error(attacker.get("/api/v1/events/"), 429, "rate_limited")
    assert api.get("/api/v1/events/", REMOTE_ADDR="198.51.100.7").status_code == 200, "the victim is not locked out"


def guesses_via_proxy(client_address: str, proxy: str = "10.0.0.2", spoofed: str = "192.0.2.1", count: int = 5):
    guesser = APIClient(HTTP_AUTHORIZATION=WRONG_KEY, REMOTE_ADDR=proxy,
                        HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_address}")
    return [guesser.get("/api/v1/events/").status_code for _ in range(count)]


@pytest.mark.parametrize("trusted", ["1", "10.0.0.0/8,fd00::/8"])
def test_behind_trusted_proxies_the_forwarded_client_is_throttled(api, settings, trusted):
    from cms.settings.base import parse_trusted_proxies

    settings.TRUSTED_PROXIES = parse_trusted_proxies(trusted)
    settings.KULTURHUB_API = {"FAILED_AUTH_LIMIT": "3/day"}
    assert guesses_via_proxy("198.51.100.7") == [401, 401, 401, 429, 429]
    # Another client behind the same proxy keeps its access, whatever the guesser put left of it.
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8"
                   ).status_code == 200
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
                   ).status_code == 429


def test_a_cidr_list_skips_every_trusted_hop_and_only_believes_trusted_connections(api, settings):
    from cms.settings.base import parse_trusted_proxies

    settings.TRUSTED_PROXIES = parse_trusted_proxies("10.0.0.0/8, 2001:db8::/32")
    settings.KULTURHUB_API = {"FAILED_AUTH_LIMIT": "2/day"}
    two_hops = {"REMOTE_ADDR": "2001:db8::1", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.7, 10.1.2.3"}
    guesser = APIClient(HTTP_AUTHORIZATION=WRONG_KEY)
    assert [guesser.get("/api/v1/events/", **two_hops).status_code for _ in range(3)] == [401, 401, 429]
    assert api.get("/api/v1/events/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # A connection from outside the trusted networks is its own client, whatever it forwards.
    assert api.get("/api/v1/events/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 200
    assert api.get("/api/v1/events/", REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR="198.51.100.7"
                   ).status_code == 200


@pytest.mark.parametrize(("value", "expected"), [
    ("", None), ("0", None), ("2", 2), ("10.0.0.0/8", ("10.0.0.0/8",)),
    (" 10.0.0.1 , fd00::/8", ("10.0.0.1/32", "fd00::/8")),
])
def test_trusted_proxies_values(value, expected):
    from cms.settings.base import parse_trusted_proxies

    parsed = parse_trusted_proxies(value)
    assert (tuple(str(network) for network in parsed) if isinstance(parsed, tuple) else parsed) == expected


@pytest.mark.parametrize("value", ["two", "-1", "10.0.0.0/33", "10.0.0.1/8", "10.0.0.0/8,", "1.5"])
def test_a_bad_trusted_proxies_value_is_a_configuration_error(value):
    from django.core.exceptions import ImproperlyConfigured

    from cms.settings.base import parse_trusted_proxies

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES must be a number of proxies"):
        parse_trusted_proxies(value)


@override_settings(KULTURHUB_API={"FAILED_AUTH_LIMIT": "3/day"}, TRUSTED_PROXIES=None)
def test_one_ipv6_host_cannot_escape_the_throttle_with_fresh_addresses_of_its_64(api):
    guesser = APIClient(HTTP_AUTHORIZATION=WRONG_KEY)
    statuses = [guesser.get("/api/v1/events/", REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 6)]
    assert statuses == [401, 401, 401, 429, 429]
    assert_error(api.get("/api/v1/events/", REMOTE_ADDR="2001:db8:1:2:ffff::1"), 429)
    assert api.get("/api/v1/events/", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200, "the next /64 is another client"


@pytest.mark.parametrize("trusted", [None, "1"])
def test_an_ipv4_mapped_connection_counts_as_its_ipv4_address(api, settings, trusted):
    from cms.settings.base import parse_trusted_proxies

    settings.TRUSTED_PROXIES = parse_trusted_proxies(trusted or "")
    settings.KULTURHUB_API = {"FAILED_AUTH_LIMIT": "2/day"}
    guesser = APIClient(HTTP_AUTHORIZATION=WRONG_KEY)
    assert [guesser.get("/api/v1/events/", REMOTE_ADDR="::ffff:198.51.100.7").status_code for _ in range(2)] == [401, 401]
    assert_error(api.get("/api/v1/events/", REMOTE_ADDR="198.51.100.7"), 429)
