"""HTTP caching and the server-side cache of serialized answers.

Every content answer is keyed by (the versions of the content scopes it depends on, clock token,
partner, host, endpoint, parameters). A scope's version is a database row (frontend_api.models.ContentScope)
bumped in the same transaction as every change in it (signal_handlers.py, connected in apps.py):
- "global": snippets, images, documents, partners, sites -- every answer depends on it;
- "type:<name>": publish, unpublish, move, delete, restriction or sharing of a page of that type --
  the type's lists (and the taxonomies' counts, which depend on every type);
- "page:<id>": the same events for a page, for every page of its translation group and every page
  that links to one of them -- that page's details (in every locale).
So a publish makes cold only its type's lists and the details that show the page; other types' lists
and other pages' details stay warm. And:
- ETag and Last-Modified are known before anything is loaded: a conditional request with a current
  ETag costs the key check and one read of the answer's scope rows, and answers 304;
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
from frontend_api.models import ContentScope

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
    """Per process: {scopes of an answer: ((versions …), changed_at, expires)}."""

    LIMIT = 4096

    def __init__(self):
        self.entries: dict[tuple[str, ...], tuple[tuple[int, ...], Any, float]] = {}

    def clear(self) -> None:
        self.entries = {}


VERSIONS = VersionMemo()


def global_scope() -> str:
    return ContentScope.GLOBAL


def type_scope(type_name: str) -> str:
    return f"type:{type_name}"


def page_scope(pk: int) -> str:
    return f"page:{pk}"


def all_types_scopes() -> tuple[str, ...]:
    from frontend_api.registry import type_names

    return (ContentScope.GLOBAL, *(type_scope(name) for name in type_names()))


def scope_versions(scopes: tuple[str, ...]) -> tuple[tuple[int, ...], Any]:
    """The versions of `scopes` and when the latest of them changed, in one query, re-read at most every
    VERSION_CHECK_SECONDS per process."""
    ttl = api_setting("VERSION_CHECK_SECONDS")
    now = time.monotonic()
    memo = VERSIONS.entries.get(scopes)
    if ttl and memo is not None and now < memo[2]:
        return memo[0], memo[1]
    rows = ContentScope.current(scopes)
    versions = tuple(rows[scope][0] if scope in rows else 0 for scope in scopes)
    changed_at = max(at for _version, at in rows.values())
    if len(VERSIONS.entries) >= VERSIONS.LIMIT:
        VERSIONS.clear()
    VERSIONS.entries[scopes] = (versions, changed_at, now + ttl)
    return versions, changed_at


def forget_content_version() -> None:
    VERSIONS.clear()


def cached_answer(
    request: HttpRequest,
    *,
    partner_id: int,
    scope: str,
    variant: tuple,
    clock: tuple[str, Any],
    build: Callable[[], Any],
    depends_on: tuple[str, ...] | None = None,
    same_for_every_partner: Callable[[], bool] | None = None,
) -> HttpResponse:
    """The answer for `variant`: 304 when the client's copy is current, else from the server-side cache,
    else built, stored and returned. `build` may raise API errors (404 …); those are not cached.
    `build` answers the data, or its compact JSON as bytes (`render_json`'s).
    `depends_on`: the content scopes the answer shows (the global one first); by default every type's.
    `same_for_every_partner`, asked after `build`: whether the answer just built is every partner's (no
    page it shows or selects from is shared with particular partners); such an answer is stored once for
    all partners, so after a change the first partner to ask builds it for all. It stays valid as long as
    its scopes' versions: sharing one of its pages with a partner bumps them."""
    scopes = depends_on or all_types_scopes()
    versions, changed_at = scope_versions(scopes)
    token, since = clock
    last_modified = max(changed_at, since) if since is not None else changed_at
    material = repr((scopes, versions, changed_at.isoformat(), token, partner_id, request.get_host(), scope, variant))
    digest = hashlib.blake2b(material.encode(), digest_size=16).hexdigest()
    etag = f'"v-{digest[:24]}"'
    timestamp = int(last_modified.timestamp())

    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified is not None:
        return add_cache_headers(not_modified, etag, timestamp)

    timeout = api_setting("CACHE_TIMEOUT")
    key = f"kulturhub:api:answer:{digest}"
    shared_key = None
    if same_for_every_partner is not None:
        shared = repr((scopes, versions, changed_at.isoformat(), token, request.get_host(), scope, variant))
        shared_key = f"kulturhub:api:shared-answer:{hashlib.blake2b(shared.encode(), digest_size=16).hexdigest()}"
    content = None
    if timeout:
        found = cache.get_many([key, shared_key] if shared_key else [key])
        content = found.get(key) or (found.get(shared_key) if shared_key else None)
    if content is None:
        built = build()
        content = built if isinstance(built, bytes) else render_json(built)
        if timeout:
            cache.set(shared_key if shared_key and same_for_every_partner() else key, content, timeout)
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
