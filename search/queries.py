"""The one query interface of the hub's search: full text with filters, facets, highlight, suggestions.

Callers (the partner API, benchmarks) pass what a visitor asked for and the partner they search as;
the partner's visibility is applied here, so no caller can forget it. OpenSearch answers when
`OPENSEARCH_URL` is set and reachable, the database otherwise; both give the same response shape.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

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
    """The visitor's words through the index analysis; the last word may still be being typed.

    `phrases`: the quoted parts, each required as a phrase; `synonyms`: (positions in `tokens` of
    the words a synonym entry covers, the phrases any of which may stand for them)."""

    text: str
    language: str
    tokens: list[analysis.Token]
    prefix: str = ""
    phrases: list[analysis.Phrase] = field(default_factory=list)
    synonyms: list[tuple[tuple[int, ...], tuple[analysis.Phrase, ...]]] = field(default_factory=list)
    #: the words' terms as a `*_terms` field holds them together (compound parts after each word): the
    #: phrase a page containing the query as written matches
    indexed: str = ""

    @classmethod
    def parse(cls, text: str, language: str, *, expand: bool = True, tuning=None) -> ParsedQuery:
        """`tuning`: the `search.tuning.Snapshot` the search read (else the synonyms as of now)."""
        language = analysis.base_language(language)
        tokens: list[analysis.Token] = []
        runs: list[list[int]] = []  # positions of the words outside quotes, run by run
        phrases: list[analysis.Phrase] = []
        position = 0
        for match in analysis.QUOTES_RE.finditer(text):
            before = analysis.analyze(text[position : match.start()], language)
            runs.append(list(range(len(tokens), len(tokens) + len(before))))
            tokens += before
            quoted = analysis.phrase(match.group(1), language)
            if quoted.terms:
                phrases.append(quoted)
            tokens += analysis.analyze(match.group(1), language)
            position = match.end()
        rest = analysis.analyze(text[position:], language)
        runs.append(list(range(len(tokens), len(tokens) + len(rest))))
        tokens += rest
        synonyms = []
        if expand:
            table = synonym_table(language, tuning)
            for run in runs:
                for covered, alternatives in table.expand([tokens[i].term for i in run]):
                    synonyms.append((tuple(run[i] for i in covered), alternatives))
        folded = analysis.fold_prefix(text[position:], language)
        return cls(
            text=text,
            language=language,
            tokens=tokens,
            prefix=folded[-1] if folded else "",
            phrases=phrases,
            synonyms=synonyms,
            indexed=" ".join(term for token in tokens for term in (token.term, *token.parts)),
        )

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(token.term for token in self.tokens))

    def alternatives_of(self, position: int) -> tuple[analysis.Phrase, ...]:
        """The phrases a synonym entry lets stand for the word at `position` of `tokens`."""
        return next((found for covered, found in self.synonyms if position in covered), ())


def synonym_table(language: str, tuning=None):
    from search import synonyms

    return synonyms.table(language, tuning)


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
    # Pages the engine leaves out: the promoted ones, which `run` puts in front itself.
    exclude_ids: tuple[int, ...] = ()
    #: the synonyms and promotions this search uses (`search.tuning.Snapshot`), read once by
    #: `build_request`; None: read when needed
    tuning: object | None = None
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
    from search import tuning

    snapshot = tuning.current()
    return SearchRequest(
        query=ParsedQuery.parse(text, locale, tuning=snapshot),
        tuning=snapshot,
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
    record: bool = False,
    facets: bool = True,
) -> dict:
    """Returns exactly the contract body: {"count", "engine": "opensearch"|"database",
    "results": [{"id","type","locale","title","teaser","url","highlight","score","promoted"}],
    "facets": {"type": {...}, "topic": {...}, "region": {...}, "year": {...}}, "suggestion": str|None};
    visibility of `partner` (a plugins.shared.models.Partner, or None) applied inside. Raises ValueError
    for impossible input. With `record`, the search is counted in the query insights (`search.insights`):
    the partner API's searches are, nothing else is. `facets=False`: the same without the "facets" key
    (the engine then computes none)."""
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
    answer = run(request)
    if record:
        from search import insights

        insights.record(partner, request, answer["count"])
    return answer


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
    """A validated request: the pages editors promoted for its query first (`search.promotions`), then
    the engine's ranked results without them (every result says whether it was promoted); with a
    corrected query (`suggestion`, or None) when it finds little."""
    from search import promotions, spelling

    promoted = promotions.visible_promoted(request)
    if promoted:
        _shown, offset, wanted = promotions.engine_window(request, promoted)
        rest = replace(request, exclude_ids=tuple(doc["id"] for doc in promoted), offset=offset, limit=max(wanted, 1))
        answer = promotions.merge(request, promoted, engine_search(rest), sorted_counts)
    else:
        answer = engine_search(request)
        for result in answer["results"]:
            result["promoted"] = False
    answer["suggestion"] = spelling.suggestion(request, answer["count"], engine_search)
    return answer


def engine_search(request: SearchRequest) -> dict:
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
        query=ParsedQuery.parse(text, locale, expand=False),
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
