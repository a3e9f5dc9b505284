"""The OpenSearch engine: index families behind aliases, document writes, and the search query.

Each type and language has an alias `{prefix}-{type}-{language}` pointing at one concrete index
`{alias}--{stamp}`; a rebuild creates new concrete indices beside the old ones and swaps the alias.
Incremental writes go to every concrete index of the family, so an update that arrives while a
rebuild loads is not lost when the alias swaps.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from contextvars import ContextVar

from opensearchpy.exceptions import NotFoundError

from plugins.shared.languages import content_languages
from search import analysis, client, registry
from search.documents import mapping
from search.highlight import Matcher, best_fragment, mark, query_terms

FIELD_BOOSTS = (("title_terms", 6.0), ("teaser_terms", 3.0), ("body_terms", 1.0))
#: the query's word as written (folded, unstemmed) in a field, on top of its term (as the database
#: engine's WRITTEN_BONUS): above other forms of the stem, compounds containing it, typos of it
WRITTEN_BONUS = 0.25
PARTS_FACTOR = 0.6
FUZZY_FACTOR = 0.5
SYNONYM_FACTOR = 0.9
PHRASE_BOOSTS = (("title_terms", 8.0), ("teaser_terms", 4.0), ("body_terms", 3.0))
CURRENT_WEIGHT = 1.6
COMING_WEIGHT = 1.25
MIN_PREFIX_FOR_SEARCH = 3
FRAGMENT_SIZE = 180
SOURCE_FIELDS = ["id", "type", "locale", "title", "teaser", "url"]
#: the engine's own `took` (ms) of the last search in this context, for benchmarks of the hub's share.
last_took_ms: ContextVar[int | None] = ContextVar("last_took_ms", default=None)


def should_fall_back(exc: BaseException) -> bool:
    """Whether a failed search should be answered by the database: OpenSearch unreachable or its
    indices missing (never built); other errors are bugs and propagate."""
    if client.is_unavailable_error(exc):
        client.mark_down()
        return True
    return isinstance(exc, NotFoundError)


# --- index families ---------------------------------------------------------------------------------


def families() -> list[tuple[str, str, registry.IndexDefinition]]:
    """(alias, language, definition) of every index the hub keeps."""
    return [
        (client.alias_name(definition.type, language), language, definition)
        for language in content_languages()
        for definition in registry.definitions()
    ]


def new_index_name(alias: str, stamp: str | None = None) -> str:
    return f"{alias}--{stamp or time.strftime('%Y%m%d%H%M%S')}{int(time.time() * 1000) % 1000:03d}"


def create_index(name: str, language: str) -> None:
    body = {"settings": analysis.index_settings(language), "mappings": mapping(registry.definitions())}
    client.get_client().indices.create(index=name, body=body)


#: index settings a bulk load does without: no periodic refresh, no replica to copy every document to.
LOADING_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0}


def prepare_for_loading(names: list[str]) -> dict[str, dict]:
    """Switches new indices (no alias yet) to LOADING_SETTINGS; returns what each had before (the
    cluster's defaults or an index template's values; None where unset), for `finish_loading`."""
    os_client = client.get_client()
    answer = os_client.indices.get_settings(index=",".join(names))
    before = {}
    for name in names:
        current = answer.get(name, {}).get("settings", {}).get("index", {})
        before[name] = {key: current.get(key) for key in LOADING_SETTINGS}
    os_client.indices.put_settings(index=",".join(names), body={"index": LOADING_SETTINGS})
    return before


def finish_loading(before: dict[str, dict]) -> None:
    """Gives loaded indices their settings back (None resets a setting to the cluster's default)."""
    os_client = client.get_client()
    groups: dict[tuple, list[str]] = {}
    for name, settings in before.items():
        groups.setdefault(tuple(sorted(settings.items())), []).append(name)
    for settings, names in groups.items():
        os_client.indices.put_settings(index=",".join(names), body={"index": dict(settings)})


def aliases_by_index() -> dict[str, set[str]]:
    """Every concrete index under the prefix with the aliases it carries."""
    try:
        answer = client.get_client().indices.get_alias(index=f"{client.prefix()}-*")
    except NotFoundError:
        return {}
    return {index: set(info.get("aliases", {})) for index, info in answer.items()}


def family_indices(alias: str, indices: dict[str, set[str]] | None = None) -> list[str]:
    indices = aliases_by_index() if indices is None else indices
    start = f"{alias}--"
    return sorted(name for name in indices if name.startswith(start))


def ensure_aliases() -> dict[str, set[str]]:
    """Creates an index behind every alias that has none yet (first write before any rebuild)."""
    indices = aliases_by_index()
    pointed = {alias for names in indices.values() for alias in names}
    for alias, language, _definition in families():
        if alias not in pointed:
            name = new_index_name(alias)
            create_index(name, language)
            client.get_client().indices.update_aliases(
                body={"actions": [{"add": {"index": name, "alias": alias}}]}
            )
            indices[name] = {alias}
    return indices


def update_mappings(indices: dict[str, set[str]] | None = None) -> None:
    """Puts the current mapping on every concrete index of the families: fields added since an index
    was created (a new version of the hub) are added to it in place. Its documents then differ from
    what the indexer writes, so reconciliation counts them as drift, searches on them answer from
    the database, and its repairs (or a rebuild) rewrite them. A change that is not an addition is
    refused by OpenSearch and needs `rebuild_search_index`."""
    indices = aliases_by_index() if indices is None else indices
    names = [name for alias, _language, _definition in families() for name in family_indices(alias, indices)]
    if names:
        client.get_client().indices.put_mapping(index=",".join(names), body=mapping(registry.definitions()))


def write(
    documents: Iterable[dict], deletions: Iterable[tuple[int, str | None]], *, refresh: bool = False
) -> None:
    """Indexes `documents` and deletes `deletions` ((page id, alias or None for every alias)) in every
    concrete index of the families concerned, in one bulk request. Raises on any failed item."""
    indices = ensure_aliases()
    all_aliases = [alias for alias, _language, _definition in families()]
    actions: list[dict] = []
    for doc in documents:
        alias = client.alias_name(doc["type"], doc["locale"])
        for name in family_indices(alias, indices):
            actions.append({"index": {"_index": name, "_id": str(doc["id"])}})
            actions.append(doc)
    for page_id, alias in deletions:
        for target in [alias] if alias else all_aliases:
            for name in family_indices(target, indices):
                actions.append({"delete": {"_index": name, "_id": str(page_id)}})
    if not actions:
        return
    answer = client.get_client().bulk(body=actions, refresh="true" if refresh else "false")
    if answer.get("errors"):
        failures = []
        for item in answer["items"]:
            ((operation, result),) = item.items()
            if operation == "delete" and result.get("status") == 404:
                continue
            if result.get("status", 500) >= 300:
                failures.append(
                    f"{operation} {result.get('_index')}/{result.get('_id')}: {result.get('error')}"
                )
        if failures:
            raise RuntimeError(f"OpenSearch rejected {len(failures)} write(s): {'; '.join(failures[:3])}")


def refresh() -> None:
    client.get_client().indices.refresh(index=f"{client.prefix()}-*")


def count(alias: str) -> int | None:
    try:
        return client.get_client().count(index=alias)["count"]
    except NotFoundError:
        return None


def indexed_ids(alias: str) -> set[int]:
    """Every document id behind an alias (for reconciliation after a rebuild and in tests)."""
    from opensearchpy.helpers import scan

    try:
        hits = scan(
            client.get_client(), index=alias, query={"query": {"match_all": {}}, "_source": False}, size=1000
        )
        return {int(hit["_id"]) for hit in hits}
    except NotFoundError:
        return set()


# --- search -----------------------------------------------------------------------------------------


def written_field(terms_field: str) -> str:
    """The field of the words as written beside a `*_terms` field (`title_terms` -> `title_written`)."""
    return terms_field.removesuffix("_terms") + "_written"


def text_query(query) -> dict:
    """Full-text part of a search: Python-analysed terms field by field (exact, the words as written,
    compound parts, typos), the built-in language analyzer, phrases, and the word being typed."""
    terms = " ".join(query.terms)
    should: list[dict] = []
    if terms:
        for field, boost in FIELD_BOOSTS:
            should.append({"match": {field: {"query": terms, "boost": boost}}})
            should.append(
                {
                    "match": {
                        field: {
                            "query": terms,
                            "fuzziness": analysis.FUZZINESS,
                            "prefix_length": 1,
                            "max_expansions": 20,
                            "boost": boost * FUZZY_FACTOR,
                        }
                    }
                }
            )
        written = " ".join(dict.fromkeys(token.surface for token in query.tokens))
        for field, boost in FIELD_BOOSTS:
            should.append({"match": {written_field(field): {"query": written, "boost": boost * WRITTEN_BONUS}}})
        for token in query.tokens:
            if token.parts:
                for field, boost in FIELD_BOOSTS:
                    should.append(
                        {
                            "match": {
                                field: {
                                    "query": " ".join(token.parts),
                                    "operator": "and",
                                    "boost": boost * PARTS_FACTOR,
                                }
                            }
                        }
                    )
        if len(query.terms) >= 2:
            for field, boost in PHRASE_BOOSTS:
                should.append({"match_phrase": {field: {"query": query.indexed, "boost": boost}}})
    should.append(
        {
            "multi_match": {
                "query": query.text,
                "fields": ["title^3", "teaser^1.5", "body^0.5", "related^0.5"],
                "type": "best_fields",
            }
        }
    )
    if len(query.prefix) >= MIN_PREFIX_FOR_SEARCH:
        should.append({"match": {"suggest": {"query": query.prefix, "boost": 2.0}}})
    should += synonym_clauses(query)
    required = phrase_filters(query)
    if required:
        return {"bool": {"should": should, "minimum_should_match": 1, "filter": required}}
    return {"bool": {"should": should, "minimum_should_match": 1}}


# --- editors' tuning: synonyms and quoted phrases ---------------------------------------------------------


def phrase_clause(field: str, phrase, boost: float) -> dict:
    """`phrase` (analysis.Phrase) in a `*_terms` field: its one word's term, or its run of terms in order."""
    if phrase.word:
        return {"term": {field: {"value": phrase.word, "boost": boost}}}
    return {"match_phrase": {field: {"query": phrase.indexed, "boost": boost}}}


def synonym_clauses(query) -> list[dict]:
    """A synonym counts as the words it stands for (a little below them): per field, weighted by the
    number of query words it covers; a form of several words only as a phrase."""
    clauses = []
    for covered, alternatives in query.synonyms:
        for phrase in alternatives:
            for field, boost in FIELD_BOOSTS:
                clauses.append(phrase_clause(field, phrase, boost * SYNONYM_FACTOR * len(covered)))
    return clauses


def phrase_filters(query) -> list[dict]:
    """Every quoted part of the query, as a phrase in one of the fields."""
    return [
        {
            "bool": {
                "should": [phrase_clause(field, phrase, 1.0) for field, _boost in FIELD_BOOSTS],
                "minimum_should_match": 1,
            }
        }
        for phrase in query.phrases
    ]


def filters(request) -> list[dict]:
    clauses: list[dict] = [{"terms": {"partners": request.audience}}, {"term": {"locale": request.locale}}]
    if request.topic:
        clauses.append({"term": {"topics": request.topic}})
    if request.regions is not None:
        clauses.append({"terms": {"regions": request.regions}})
    if request.date_from:
        clauses.append({"range": {"date_end": {"gte": request.date_from.isoformat()}}})
    if request.date_to:
        clauses.append({"range": {"date_start": {"lte": request.date_to.isoformat()}}})
    if getattr(request, "exclude_ids", ()):
        clauses.append({"bool": {"must_not": [{"terms": {"id": list(request.exclude_ids)}}]}})
    return clauses


def timeliness(query: dict, today: datetime.date) -> dict:
    """Current pages (by their types' `current_periods`) above those about to be, above the rest: the
    score times CURRENT_WEIGHT, COMING_WEIGHT or 1. Written as two nested `boosting` queries (the
    text score times CURRENT_WEIGHT, scaled down where the page is not current, and down again where
    it is not coming either) rather than a `function_score` with filter functions: the same scores
    and order, and a third of the cost on osmem-server, where a `function_score` wrapper alone
    triples a query's time (bench/results/search.md)."""
    day = today.isoformat()
    current = {"term": {"current": day}}
    coming = {"term": {"coming": day}}
    current_or_coming = {
        "boosting": {
            "positive": {"bool": {"must": [query], "boost": CURRENT_WEIGHT}},
            "negative": {"bool": {"must_not": [current]}},
            "negative_boost": COMING_WEIGHT / CURRENT_WEIGHT,
        }
    }
    return {
        "boosting": {
            "positive": current_or_coming,
            "negative": {"bool": {"must_not": [current, coming]}},
            "negative_boost": 1 / COMING_WEIGHT,
        }
    }


FACET_AGGREGATIONS = {
    "type": {"terms": {"field": "type", "size": 50}},
    "topic": {"terms": {"field": "topics", "size": 200}},
    "region": {"terms": {"field": "regions", "size": 200}},
    "year": {"terms": {"field": "year", "size": 100}},
}


#: the fields the engine highlights (the `plain` highlighter: a tenth of a search less than the
#: `unified` one on osmem-server, bench/results/search.md). A German title is marked in Python when an
#: answer falls back to it (`response`): highlighting it in the engine cost a fifth of a search, and
#: Python's German analysis finds what the engine's does and more (compound parts); Python's English
#: stemmer is not the engine's, so English titles stay with the engine.
HIGHLIGHT_FIELDS = ("teaser", "body")
ENGINE_TITLE_HIGHLIGHT = frozenset({"en"})
HIGHLIGHT_FRAGMENTS = {
    "title": {"number_of_fragments": 0},
    "*": {"number_of_fragments": 1, "fragment_size": FRAGMENT_SIZE},
}


def highlight_fields(language: str) -> tuple[str, ...]:
    return ("title", *HIGHLIGHT_FIELDS) if language in ENGINE_TITLE_HIGHLIGHT else HIGHLIGHT_FIELDS


def highlighted(query, fields) -> dict:
    """What the engine marks in `fields`: the visitor's words (typos forgiven) and the forms their synonyms
    stand for, each as its phrase (a search for "KI" marks "Künstliche Intelligenz", as the database does)."""
    words = {
        "multi_match": {
            "query": query.text,
            "fields": list(fields),
            "fuzziness": analysis.FUZZINESS,
            "prefix_length": 1,
        }
    }
    forms = dict.fromkeys(phrase.text for _covered, alternatives in query.synonyms for phrase in alternatives)
    if not forms:
        return words
    phrases = [{"multi_match": {"query": form, "type": "phrase", "fields": list(fields)}} for form in forms]
    return {"bool": {"should": [words, *phrases]}}


def search_body(request) -> dict:
    """The search request: the filters as filters (no score), the text query weighted by timeliness,
    the fields the answer shows, highlight, and the facets' aggregations only when the caller asked
    for facets (`request.facets`): they double the engine's work on a query."""
    query = {"bool": {"must": [timeliness(text_query(request.query), request.today)], "filter": filters(request)}}
    fields = highlight_fields(request.query.language)
    highlight_query = highlighted(request.query, fields)
    body = {
        "query": query,
        "from": request.offset,
        "size": request.limit,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "sort": ["_score", {"last_published_at": "desc"}, {"id": "asc"}],
        "highlight": {
            "type": "plain",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "highlight_query": highlight_query,
            "fields": {name: HIGHLIGHT_FRAGMENTS.get(name, HIGHLIGHT_FRAGMENTS["*"]) for name in fields},
        },
    }
    if request.facets:
        body["aggs"] = FACET_AGGREGATIONS
    return body


def search_aliases(request) -> str:
    return ",".join(client.alias_name(type_name, request.locale) for type_name in request.types)


def search(request) -> dict:
    body = search_body(request)
    answer = client.get_client().search(index=search_aliases(request), body=body)
    client.mark_up()
    last_took_ms.set(answer.get("took"))
    return response(request, answer)


def response(request, answer: dict) -> dict:
    from search.queries import sorted_counts

    terms = query_terms(request.query)
    prefixes = {request.query.prefix} if len(request.query.prefix) >= MIN_PREFIX_FOR_SEARCH else set()
    matcher = Matcher(language=request.query.language, terms=terms, prefixes=prefixes)
    title_matcher = Matcher(language=request.query.language, terms=terms, prefixes=prefixes, fuzzy=True)
    results = []
    for hit in answer["hits"]["hits"]:
        source = hit["_source"]
        fragments = hit.get("highlight", {})
        # The engine's fragments where it found the words; Python's analysis where only it knows why the
        # page matched (a compound part); the title with its hits (typos too, as the engine finds them);
        # else the teaser unmarked.
        highlight = (fragments.get("teaser") or fragments.get("body") or [""])[0]
        if not highlight:
            highlight = mark(source["teaser"], matcher)[0] or (fragments.get("title") or [""])[0]
        if not highlight:
            highlight = best_fragment([source["title"]], title_matcher, fallback=source["teaser"])
        results.append(
            {
                "id": source["id"],
                "type": source["type"],
                "locale": source["locale"],
                "title": source["title"],
                "teaser": source["teaser"],
                "url": source["url"],
                "highlight": highlight,
                "score": round(hit["_score"] or 0.0, 4),
            }
        )
    total = answer["hits"]["total"]
    result = {"count": total["value"] if isinstance(total, dict) else total, "engine": "opensearch", "results": results}
    if request.facets:
        aggregations = answer.get("aggregations", {})
        result["facets"] = {
            name: sorted_counts(
                {bucket["key"]: bucket["doc_count"] for bucket in aggregations.get(name, {}).get("buckets", [])}
            )
            for name in FACET_AGGREGATIONS
        }
    return result


def suggest(request) -> list[dict]:
    words = analysis.fold_prefix(request.query.text, request.locale)
    if not words:
        return []
    body = {
        "size": request.limit,
        "_source": ["id", "type", "title"],
        "query": {
            "bool": {
                "must": [{"match": {"suggest": {"query": " ".join(words), "operator": "and"}}}],
                "filter": [{"terms": {"partners": request.audience}}, {"term": {"locale": request.locale}}],
                "should": [
                    {"prefix": {"title_folded": {"value": " ".join(words), "boost": 10.0}}},
                ],
            }
        },
        "sort": ["_score", {"title.keyword": "asc"}],
    }
    answer = client.get_client().search(index=search_aliases(request), body=body)
    client.mark_up()
    return [
        {"id": hit["_source"]["id"], "type": hit["_source"]["type"], "title": hit["_source"]["title"]}
        for hit in answer["hits"]["hits"]
    ]
