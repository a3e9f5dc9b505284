import pytest
from django.core.cache import cache
from django.test import Client

from frontend_api import throttling
from frontend_api.authentication import forget_keys
from frontend_api.caching import forget_content_version
from frontend_api.partners import create_partner


@pytest.fixture(autouse=True)
def fresh_cache():
    """Answers, rate-limit windows and key-use marks live in the cache: each test starts without them."""
    cache.clear()
    forget_keys()
    forget_content_version()
    yield
    cache.clear()


# 2024-10-04 12:30:30 UTC: the middle of a minute, an hour and a day, so no rate-limit window ends in a test.
MID_WINDOW = 20_000 * 86_400 + 12 * 3_600 + 30 * 60 + 30


class ThrottleClock:
    """The instant rate-limit windows are counted at; a test moves it by setting `at`."""

    def __init__(self, at: float):
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture(autouse=True)
def throttle_clock(monkeypatch) -> ThrottleClock:
    """Pins the throttle's clock for every API test: counts of 401s and 429s over many requests must not
    depend on whether a minute, hour or day happens to end while the test runs."""
    clock = ThrottleClock(MID_WINDOW)
    monkeypatch.setattr(throttling, "now", clock)
    return clock


class APIClient(Client):
    """A test client that sends a partner key and decodes JSON answers."""

    def __init__(self, key: str | None = None, **defaults):
        if key:
            defaults["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
        super().__init__(**defaults)

    def json(self, path: str, data=None, status: int = 200, **extra):
        response = self.get(path, data, **extra)
        assert response.status_code == status, (response.status_code, response.content[:500])
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        return response.json()


def partner_client(name: str, origins=()):
    partner, key, _secret = create_partner(name, origins=origins)
    client = APIClient(key)
    client.partner = partner
    client.key = key
    return client


@pytest.fixture
def api(db, de, en) -> APIClient:
    """Partner A's client (origin https://a.example.org)."""
    return partner_client("Partner A", origins=["https://a.example.org"])


@pytest.fixture
def other_api(db, de, en) -> APIClient:
    """Partner B's client (origin https://b.example.org)."""
    return partner_client("Partner B", origins=["https://b.example.org"])


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Runs `action` and then its on-commit callbacks (webhook deliveries are enqueued on commit)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def anon(db) -> APIClient:
    return APIClient()


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The contract's error body: {"error": {"code", "detail", "field"?}}."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["detail"], error
    if code:
        assert error["code"] == code, error
    if field:
        assert error.get("field") == field, error
    return error
