"""`Authorization: Api-Key <key>`: the key names one partner; a wrong, revoked or expired key, or an
inactive partner, is a 401 with a code saying which."""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication

from frontend_api.conf import api_setting
from frontend_api.errors import KeyRejected
from frontend_api.models import PartnerAPIKey
from frontend_api.throttling import check_failed_auth, record_failed_auth
from plugins.shared.models import Partner

KEYWORD = "Api-Key"
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class PartnerPrincipal:
    """`request.user` of a keyed request."""

    partner: Partner

    is_authenticated = True
    is_anonymous = False

    def __str__(self) -> str:
        return str(self.partner)


KNOWN_KEYS: dict[str, tuple[float, PartnerAPIKey]] = {}
MAX_KNOWN_KEYS = 10_000


def forget_keys(**kwargs) -> None:
    """Signal receiver: a key or partner changed in this process, re-read them on the next request."""
    KNOWN_KEYS.clear()


def key_by_prefix(prefix: str) -> PartnerAPIKey | None:
    """The key row with its partner, re-read at most every KEY_CHECK_SECONDS per process (so a keyed
    request costs no query for it most of the time). Unknown prefixes are never remembered."""
    ttl = api_setting("KEY_CHECK_SECONDS")
    now = time.monotonic()
    known = KNOWN_KEYS.get(prefix)
    if ttl and known is not None and known[0] > now:
        return known[1]
    api_key = PartnerAPIKey.objects.select_related("partner").filter(prefix=prefix).first()
    if ttl and api_key is not None:
        if len(KNOWN_KEYS) >= MAX_KNOWN_KEYS:
            KNOWN_KEYS.clear()
        KNOWN_KEYS[prefix] = (now + ttl, api_key)
    return api_key


def find_key(raw: str) -> PartnerAPIKey | None:
    prefix, dot, _secret = raw.partition(".")
    if not dot or len(prefix) != PREFIX_LENGTH or len(raw) > 200:
        return None
    api_key = key_by_prefix(prefix)
    if api_key is None or not api_key.is_valid(raw):
        return None
    return api_key


def record_use(api_key: PartnerAPIKey) -> None:
    """Writes `last_used_at` at most once per interval and process: a read API should not write on every
    request."""
    interval = api_setting("KEY_USE_RECORD_INTERVAL")
    if cache.add(f"kulturhub:api:key-used:{api_key.prefix}", 1, interval):
        PartnerAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())


class PartnerKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _space, raw = header.partition(" ")
        if scheme.lower() != KEYWORD.lower():
            raise KeyRejected(
                f"Unsupported authorization scheme {scheme[:20]!r}: send 'Authorization: {KEYWORD} <key>'.",
                "invalid_key",
            )
        check_failed_auth(request)
        api_key = find_key(raw.strip())
        if api_key is None:
            record_failed_auth(request)
            raise KeyRejected("The API key is not valid.", "invalid_key")
        if api_key.revoked:
            raise KeyRejected("This API key has been revoked; ask the hub team for a new one.", "key_revoked")
        if api_key.has_expired:
            raise KeyRejected("This API key has expired; ask the hub team for a new one.", "key_expired")
        if not api_key.partner.active:
            raise KeyRejected("The partner of this API key is deactivated.", "partner_inactive")
        record_use(api_key)
        request._request.kulturhub_partner = api_key.partner
        return PartnerPrincipal(api_key.partner), api_key

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="Kulturhub partner API"'
