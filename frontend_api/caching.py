"""HTTP caching and the server-side cache of serialized answers.

Every content answer is keyed by (content version, clock token, partner, host, endpoint, parameters).
The content version is one database row bumped in the same transaction as every publish, unpublish,
delete, move, view-restriction or snippet change (signals connected in apps.py), so:
- ETag and Last-Modified are known before anything is loaded: a conditional request with a current
  ETag costs the key check and one primary-key read, and answers 304;
- a cached answer is never served after a change, in any worker process;
- answers that change with time alone (a status that turns at midnight, an upcoming filter) add the type's
  clock token to the key.
Answers are `Cache-Control: private, no-cache` (they depend on the key: shared caches must not keep
them; browsers and partner back ends may, revalidating with If-None-Match) and vary on
Authorization, Accept-Language and Origin.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from frontend_api.conf import api_setting
from frontend_api.models import ContentVersion

CACHE_CONTROL = "private, no-cache"
VARY = ("Authorization", "Accept-Language", "Origin")
JSON = "application/json"


def render_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def add_cache_headers(response: HttpResponse, etag: str | None = None, last_modified: float | None = None):
    if etag:
        response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, VARY)
    return response


class VersionMemo:
    value: tuple[int, Any] | None = None
    expires: float = 0.0


VERSION = VersionMemo()


def content_version() -> tuple[int, Any]:
    """(version, changed_at), re-read at most every VERSION_CHECK_SECONDS per process."""
    ttl = api_setting("VERSION_CHECK_SECONDS")
    now = time.monotonic()
    if ttl and VERSION.value is not None and now < VERSION.expires:
        return VERSION.value
    value = ContentVersion.current()
    VERSION.value, VERSION.expires = value, now + ttl
    return value


def forget_content_version() -> None:
    VERSION.value = None


def cached_answer(
    request: HttpRequest,
    *,
    partner_id: int,
    scope: str,
    variant: tuple,
    clock: tuple[str, Any],
    build: Callable[[], Any],
) -> HttpResponse:
    """The answer for `variant`: 304 when the client's copy is current, else from the server-side cache,
    else built, stored and returned. `build` may raise API errors (404 …); those are not cached."""
    version, changed_at = content_version()
    token, since = clock
    last_modified = max(changed_at, since) if since is not None else changed_at
    material = repr((version, changed_at.isoformat(), token, partner_id, request.get_host(), scope, variant))
    digest = hashlib.blake2b(material.encode(), digest_size=16).hexdigest()
    etag = f'"{version}-{digest[:20]}"'
    timestamp = int(last_modified.timestamp())

    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified is not None:
        return add_cache_headers(not_modified, etag, timestamp)

    timeout = api_setting("CACHE_TIMEOUT")
    key = f"kulturhub:api:answer:{digest}"
    content = cache.get(key) if timeout else None
    if content is None:
        content = render_json(build())
        if timeout:
            cache.set(key, content, timeout)
    response = HttpResponse(content, content_type=JSON)
    return add_cache_headers(response, etag, timestamp)


def hashed_answer(request: HttpRequest, data: Any) -> HttpResponse:
    """For answers that are not cached server-side (search): an ETag from the body, so a repeated
    request still gets a 304 and saves the transfer."""
    content = render_json(data)
    etag = f'"b-{hashlib.blake2b(content, digest_size=12).hexdigest()}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return add_cache_headers(not_modified, etag)
    return add_cache_headers(HttpResponse(content, content_type=JSON), etag)
