"""The one query interface of the hub's search: full text with filters, facets, highlight, suggestions.

Callers (the partner API, benchmarks) pass what a visitor asked for and the partner they search as;
the partner's visibility is applied here, so no caller can forget it. OpenSearch answers when
`OPENSEARCH_URL` is set and reachable, the database otherwise; both give the same response shape.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from plugins.shared.languages import content_languages
from plugins.shared.models import Partner
from plugins.shared.selectors import region_slugs_within
from plugins.shared.visibility import ALL_PARTNERS
from search import analysis, client, registry

logger = logging.getLogger("kulturhub.search")

MAX_QUERY_LENGTH = 200
MAX_SUGGEST_LENGTH = 100
MAX_LIMIT = 50
MAX_SUGGEST_LIMIT = 20
MAX_WINDOW = 1000


@dataclass
class ParsedQuery:
    """The visitor's words through the index analysis; the last word may still be being typed."""

    text: str
    language: str
    tokens: list[analysis.Token]
    prefix: str = ""

    @classmethod
    def parse(cls, text: str, language: str) -> ParsedQuery:
        language = analysis.base_language(language)
        tokens = analysis.analyze(text, language)
        folded = analysis.fold_prefix(text, language)
        return cls(text=text, language=language, tokens=tokens, prefix=folded[-1] if folded else "")

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(token.term for token in self.tokens))


@dataclass
class SearchRequest:
    """A validated search: what to match, where, and as whom."""

    query: ParsedQuery
    locale: str
    audience: list[str]
    types: list[str]
    topic: str | None = None
    regions: list[str] | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    limit: int = 10
    offset: int = 0
    today: datetime.date = field(default_factory=timezone.localdate)
    #: whether the answer carries facet counts: the partner API's does; a caller that only wants the
    #: results or the count (a benchmark, a check) leaves them out and spares the engine their work.
    facets: bool = True


def audience_of(partner: Partner | None) -> list[str]:
    """Partner keys a document must carry one of to be visible to `partner`."""
    return [ALL_PARTNERS] if partner is None else [ALL_PARTNERS, str(partner.pk)]


class InvalidQuery(ValueError):
    """A search input out of bounds; `field` names the input (the API's parameter of the same name)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_locale(locale: str) -> str:
    languages = content_languages()
    if locale not in languages:
        raise InvalidQuery("locale", f"locale must be one of {', '.join(languages)}, got {locale!r}")
    return locale


def check_text(q: str, name: str, max_length: int) -> str:
    text = (q or "").strip()
    if not 1 <= len(text) <= max_length:
        raise InvalidQuery(name, f"{name} must be 1 to {max_length} characters after trimming, got {len(text)}")
    return text


def build_request(
    q: str,
    *,
    partner,
    locale: str,
    types: Sequence[str] = (),
    topic: str | None = None,
    region: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    limit: int = 10,
    offset: int = 0,
    facets: bool = True,
) -> SearchRequest:
    text = check_text(q, "q", MAX_QUERY_LENGTH)
    check_locale(locale)
    known = registry.types()
    for type_name in types:
        if type_name not in known:
            raise InvalidQuery("type", f"type must be one of {', '.join(known)}, got {type_name!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery("limit", f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0 or offset + limit > MAX_WINDOW:
        raise InvalidQuery("offset", f"offset must be at least 0 and offset + limit at most {MAX_WINDOW}, got {offset}")
    if date_from and date_to and date_to < date_from:
        raise InvalidQuery("to", f"to ({date_to}) must not be before from ({date_from})")
    return SearchRequest(
        query=ParsedQuery.parse(text, locale),
        locale=locale,
        audience=audience_of(partner),
        types=list(dict.fromkeys(types)) or known,
        topic=topic or None,
        regions=sorted(region_slugs_within(region)) if region else None,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
        facets=facets,
    )


def search(
    q: str,
    *,
    partner,
    locale: str,
    types: Sequence[str] = (),
    topic: str | None = None,
    region: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    limit: int = 10,
    offset: int = 0,
    facets: bool = True,
) -> dict:
    """Returns exactly the contract body: {"count", "engine": "opensearch"|"database",
    "results": [{"id","type","locale","title","teaser","url","highlight","score"}],
    "facets": {"type": {...}, "topic": {...}, "region": {...}, "year": {...}}}; visibility of `partner`
    (a plugins.shared.models.Partner, or None) applied inside. Raises ValueError for impossible input.
    `facets=False`: the same without the "facets" key (the engine then computes none)."""
    request = build_request(
        q,
        partner=partner,
        locale=locale,
        types=types,
        topic=topic,
        region=region,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
        facets=facets,
    )
    return run(request)


def opensearch_can_answer(request: SearchRequest) -> bool:
    """OpenSearch is configured, not known to be down, and none of the aliases searched is known to
    be incomplete or out of date (reconciliation found drift that the queue has not repaired yet):
    the database copy answers then, as in an outage."""
    from search import reconcile

    if not client.opensearch_configured() or client.recently_down():
        return False
    aliases = [client.alias_name(type_name, request.locale) for type_name in request.types]
    return not reconcile.has_drift(reconcile.OPENSEARCH, aliases)


def run(request: SearchRequest) -> dict:
    """A validated request on OpenSearch when it can answer, else on the database."""
    from search.backends import database

    if opensearch_can_answer(request):
        from search.backends import opensearch

        try:
            return opensearch.search(request)
        except Exception as exc:
            if not opensearch.should_fall_back(exc):
                raise
            logger.warning("OpenSearch cannot answer a search (%s); answering from the database", exc)
    answer = database.search(request)
    if not request.facets:
        answer.pop("facets", None)
    return answer


def suggest(q: str, *, partner, locale: str, limit: int = 8) -> list[dict]:
    """Titles the visitor may be typing, best first: [{"id","type","title"}]; same visibility as search."""
    text = check_text(q, "q", MAX_SUGGEST_LENGTH)
    check_locale(locale)
    if not 1 <= limit <= MAX_SUGGEST_LIMIT:
        raise InvalidQuery("limit", f"limit must be between 1 and {MAX_SUGGEST_LIMIT}, got {limit}")
    request = SearchRequest(
        query=ParsedQuery.parse(text, locale),
        locale=locale,
        audience=audience_of(partner),
        types=registry.types(),
        limit=limit,
    )
    from search.backends import database

    if opensearch_can_answer(request):
        from search.backends import opensearch

        try:
            return opensearch.suggest(request)
        except Exception as exc:
            if not opensearch.should_fall_back(exc):
                raise
            logger.warning("OpenSearch cannot answer a suggestion (%s); answering from the database", exc)
    return database.suggest(request)


def empty_facets() -> dict:
    return {"type": {}, "topic": {}, "region": {}, "year": {}}


def sorted_counts(counts: dict) -> dict:
    """Facet buckets by count, then key; keys as strings (JSON object keys)."""
    items = sorted(((str(k), v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0]))
    return dict(items)
