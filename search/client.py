"""One OpenSearch client from settings, alias names, and a short memory of outages.

The memory lets searches during an outage go straight to the database instead of each waiting for
a connection timeout; it expires after `OUTAGE_RETRY_SECONDS`, when OpenSearch is asked again.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError

OUTAGE_RETRY_SECONDS = 5.0
# Errors that mean "OpenSearch cannot answer now" (as opposed to a bad request of ours).
UNAVAILABLE_ERRORS = (OpenSearchConnectionError, ConnectionTimeout)

_lock = threading.Lock()
_clients: dict[tuple, OpenSearch] = {}
_down_until = 0.0


def opensearch_configured() -> bool:
    return bool(getattr(settings, "OPENSEARCH_URL", None))


def get_client() -> OpenSearch:
    """The process-wide client for `OPENSEARCH_URL` (re-created when the settings change, as in tests)."""
    verify = getattr(settings, "OPENSEARCH_VERIFY_CERTS", True)
    key = (settings.OPENSEARCH_URL, settings.OPENSEARCH_TIMEOUT, verify)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = OpenSearch(
                hosts=[settings.OPENSEARCH_URL],  # user:password in the URL become basic auth
                timeout=settings.OPENSEARCH_TIMEOUT,
                max_retries=0,
                retry_on_timeout=False,
                http_compress=False,
                verify_certs=verify,
                ssl_show_warn=verify,
            )
            _clients[key] = client
    return client


def prefix() -> str:
    return settings.OPENSEARCH_INDEX_PREFIX


def alias_name(type_name: str, language: str) -> str:
    return f"{prefix()}-{type_name}-{language}"



def is_unavailable_error(exc: BaseException) -> bool:
    """True for errors after which a search should answer from the database."""
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return True
    return isinstance(exc, TransportError) and isinstance(exc.status_code, int) and exc.status_code >= 500


def mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + OUTAGE_RETRY_SECONDS


def mark_up() -> None:
    global _down_until
    _down_until = 0.0


def recently_down() -> bool:
    return time.monotonic() < _down_until
