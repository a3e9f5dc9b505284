"""Rate limits: per API key, and per client IP for wrong keys (so keys cannot be guessed).

The client IP is the connection's (REMOTE_ADDR): X-Forwarded-For is written by whoever sends the
request, so believing it would let a guesser pick a fresh address for every guess, or lock out a chosen
victim's address. Only entries added by proxies the operator names in TRUSTED_PROXIES are believed.

Fixed windows counted with `cache.add` + `cache.incr`: constant cost per request, atomic in Redis
and within one process for the local-memory cache (with local memory every worker counts on its own;
set REDIS_URL to share the counters)."""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
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


def now() -> float:
    """The clock windows are counted by: the one seam tests pin, so no window ends inside a test."""
    return time.time()


def count_hit(scope: str, ident: str, rate: str, *, increment: bool = True) -> Window:
    limit, duration = parse_rate(rate)
    instant = now()
    window = int(instant // duration)
    key = f"kulturhub:api:rl:{scope}:{ident}:{window}"
    resets_in = (window + 1) * duration - instant
    if not increment:
        return Window(limit, cache.get(key, 0), resets_in)
    if cache.add(key, 1, duration + 5):
        return Window(limit, 1, resets_in)
    try:
        return Window(limit, cache.incr(key), resets_in)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, duration + 5)
        return Window(limit, 1, resets_in)


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a proxy writes it; IPv4-mapped IPv6 (dual-stack sockets) as the IPv4 address."""
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def throttle_identity(address: str) -> str:
    """Whom a connection from `address` is counted as: an IPv4 address (also written IPv4-mapped) on its
    own, an IPv6 address as its /64 -- one host usually holds a whole /64 and could pick a fresh address
    for every guess."""
    parsed = parse_ip(address)
    if parsed is None:
        return address
    if parsed.version == 6:
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def client_ip(request) -> str:
    """The client the failed-key throttle counts (see `throttle_identity`): REMOTE_ADDR, or with
    TRUSTED_PROXIES the client our own proxies saw (a count N: the N-th X-Forwarded-For entry from the
    right; a list of networks: the right-most entry outside them, when the connection itself comes from
    one of them)."""
    return throttle_identity(forwarded_client(request))


def forwarded_client(request) -> str:
    """The client's address as the connection or our trusted proxies give it, before `throttle_identity`."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXIES", None)
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not trusted or not forwarded:
        return remote
    if isinstance(trusted, int):
        # Fewer entries than proxies: the request did not come through all of them; trust none.
        chosen = forwarded[-trusted] if len(forwarded) >= trusted else remote
        return str(parse_ip(chosen) or remote)
    remote_ip = parse_ip(remote)
    if remote_ip is None or not any(remote_ip in network for network in trusted):
        return remote
    for entry in reversed(forwarded):
        address = parse_ip(entry)
        if address is None:
            break  # not written by a proxy of ours: stop at the last address we can vouch for
        if not any(address in network for network in trusted):
            return str(address)
        remote = str(address)
    return remote


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
