import datetime

import pytest
from django.utils import timezone

from tests.frontend_api.conftest import api, fresh_cache, run_on_commit  # noqa: F401 - shared fixtures
from tests.frontend_api.receivers import Receiver
from tests.search.conftest import opensearch_cluster  # noqa: F401 - shared fixture


class Clock:
    """Moves Django's clock (`timezone.now`, which Wagtail's scheduling and the worker read) forward
    instead of waiting for it."""

    def __init__(self, monkeypatch):
        self.offset = datetime.timedelta()
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)

    def now(self) -> datetime.datetime:
        return timezone.now()

    def advance(self, **delta) -> None:
        self.offset += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()
