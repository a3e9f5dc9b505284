"""The partner API's own settings, read from `settings.KULTURHUB_API` with these defaults."""

from django.conf import settings

DEFAULTS = {
    # Requests per key and window; fixed windows counted in the Django cache.
    "RATE_LIMIT": "1200/min",
    # Wrong keys tolerated per client IP and window before that IP gets 429 for every keyed request.
    "FAILED_AUTH_LIMIT": "20/min",
    # Seconds a serialized answer stays in the server-side cache; 0 switches the cache off.
    "CACHE_TIMEOUT": 600,
    # Image rendition widths offered for every image (WebP and JPEG each).
    "IMAGE_WIDTHS": (480, 960, 1600),
    # At most one `last_used_at` write per key and process in this many seconds.
    "KEY_USE_RECORD_INTERVAL": 60,
    # A worker re-reads a key (revoked? expired? partner active?) at most this often; changes made
    # through the admin or the ORM in the same process apply at once, in other processes within this time.
    "KEY_CHECK_SECONDS": 5,
    # A worker re-reads the content version at most this often (the same holds for publishing).
    "VERSION_CHECK_SECONDS": 1,
    # Days the changes feed keeps its entries (`prune_changes`); an older cursor answers 410.
    "CHANGES_RETENTION_DAYS": 30,
}

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def api_setting(name: str):
    return getattr(settings, "KULTURHUB_API", {}).get(name, DEFAULTS[name])


def parse_rate(rate: str) -> tuple[int, int]:
    """ "1200/min" -> (1200, 60)."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip().lower()]
