"""Rate limits: per API key, and per client IP for wrong keys (so keys cannot be guessed).

Fixed windows counted with `cache.add` + `cache.incr`: constant cost per request, atomic in Redis
and within one process for the local-memory cache (with local memory every worker counts on its own;
set REDIS_URL to share the counters)."""

import time
from dataclasses import dataclass

from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from frontend_api.conf import api_setting, parse_rate


@dataclass(frozen=True)
class Window:
    limit: int
    count: int
    resets_in: float

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def count_hit(scope: str, ident: str, rate: str, *, increment: bool = True) -> Window:
    limit, duration = parse_rate(rate)
    now = time.time()
    window = int(now // duration)
    key = f"kulturhub:api:rl:{scope}:{ident}:{window}"
    resets_in = (window + 1) * duration - now
    if not increment:
        return Window(limit, cache.get(key, 0), resets_in)
    if cache.add(key, 1, duration + 5):
        return Window(limit, 1, resets_in)
    try:
        return Window(limit, cache.incr(key), resets_in)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, duration + 5)
        return Window(limit, 1, resets_in)


def client_ip(request) -> str:
    return BaseThrottle().get_ident(request)


def check_failed_auth(request) -> None:
    """Once an IP has sent too many wrong keys, every keyed request from it is refused until the window
    ends -- whether the key is right or not, so the answer reveals nothing about a guess."""
    window = count_hit("authfail", client_ip(request), api_setting("FAILED_AUTH_LIMIT"), increment=False)
    if window.count >= window.limit:
        raise Throttled(
            wait=window.resets_in, detail="Too many requests with wrong API keys from this address."
        )


def record_failed_auth(request) -> None:
    count_hit("authfail", client_ip(request), api_setting("FAILED_AUTH_LIMIT"))


class PartnerKeyThrottle(BaseThrottle):
    """`RATE_LIMIT` requests per key and window; the answer carries X-RateLimit-* headers."""

    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if api_key is None:
            return True
        self.window = count_hit("key", api_key.prefix, api_setting("RATE_LIMIT"))
        request._request.kulturhub_rate_window = self.window
        return not self.window.exceeded

    def wait(self) -> float:
        return self.window.resets_in
