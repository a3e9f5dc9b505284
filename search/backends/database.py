"""The embedded search engine: `SearchDocument` rows, Wagtail's database search backend for the
full-text lookup, and Python for ranking, typo tolerance, facets, highlight and suggestions.

It answers when no `OPENSEARCH_URL` is set and while OpenSearch is unreachable. Documents carry
the same Python-analysed terms as the OpenSearch index, so German folding, stemming and compound
parts behave the same; ranking follows the same rules (title > teaser > body, phrases, current
pages first) with simpler arithmetic.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from functools import lru_cache

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from wagtail.search.query import PlainText

from search import analysis
from search.highlight import Matcher, best_fragment
from search.models import SearchDocument, SearchDocumentTag

FIELD_WEIGHTS = (("title_terms", 6.0), ("teaser_terms", 3.0), ("body_terms", 1.0))
PARTS_FACTOR = 0.7
FUZZY_FACTOR = 0.5
PREFIX_FACTOR = 0.4
PHRASE_BONUS = {"title_terms": 4.0, "teaser_terms": 2.0, "body_terms": 1.5}
CURRENT_FACTOR = 1.6
COMING_FACTOR = 1.25
MAX_CANDIDATES = 5000
MIN_PREFIX_FOR_SEARCH = 3


@lru_cache(maxsize=1)
def backend():
    """Wagtail's database search backend for this database vendor, independent of
    WAGTAILSEARCH_BACKENDS (which may point Wagtail's admin search elsewhere)."""
    from wagtail.search.backends.database import SearchBackend

    return SearchBackend({})


def document_index():
    """Wagtail's database index of `SearchDocument`. Wagtail refreshes title norms after every write
    (an average over all index entries: a full scan, seconds on a large site, holding SQLite's write
    lock); documents have no `title` search field, so there is nothing to refresh for them."""
    index = backend().get_index_for_model(SearchDocument)
    index._refresh_title_norms = lambda full=False: None
    return index


# --- storage --------------------------------------------------------------------------------------

DOCUMENT_FIELDS = [
    "type",
    "locale",
    "title",
    "teaser",
    "body",
    "related",
    "title_terms",
    "teaser_terms",
    "body_terms",
    "suggest",
    "url",
    "last_published_at",
    "date_start",
    "date_end",
    "year",
    "current",
    "coming",
    "details",
]


def to_row(doc: dict) -> SearchDocument:
    values = {name: doc[name] for name in DOCUMENT_FIELDS}
    for name in ("date_start", "date_end"):
        values[name] = datetime.date.fromisoformat(values[name]) if values[name] else None
    if values["last_published_at"]:
        values["last_published_at"] = datetime.datetime.fromisoformat(values["last_published_at"])
    return SearchDocument(id=doc["id"], **values)


def tags_of(doc: dict) -> list[SearchDocumentTag]:
    tags = [
        SearchDocumentTag(document_id=doc["id"], kind=SearchDocumentTag.PARTNER, value=v)
        for v in doc["partners"]
    ]
    tags += [
        SearchDocumentTag(document_id=doc["id"], kind=SearchDocumentTag.TOPIC, value=v) for v in doc["topics"]
    ]
    tags += [
        SearchDocumentTag(document_id=doc["id"], kind=SearchDocumentTag.REGION, value=v)
        for v in doc["regions"]
    ]
    return tags


@transaction.atomic
def store(doc: dict) -> None:
    """Writes one document and indexes it in Wagtail's database backend."""
    row = to_row(doc)
    row.save()
    SearchDocumentTag.objects.filter(document_id=row.id).delete()
    SearchDocumentTag.objects.bulk_create(tags_of(doc))
    document_index().add_items(SearchDocument, [row])


@transaction.atomic
def store_many(docs: list[dict], *, index: bool = True) -> None:
    """Bulk variant of `store` for rebuilds; `index=False` leaves Wagtail's index to `update_index`."""
    if not docs:
        return
    rows = [to_row(doc) for doc in docs]
    ids = [row.id for row in rows]
    SearchDocumentTag.objects.filter(document_id__in=ids).delete()
    SearchDocument.objects.filter(id__in=ids).delete()
    SearchDocument.objects.bulk_create(rows)
    SearchDocumentTag.objects.bulk_create([tag for doc in docs for tag in tags_of(doc)])
    if index:
        document_index().add_items(SearchDocument, rows)


@transaction.atomic
def remove(page_id: int) -> bool:
    """Removes the document of a page (from Wagtail's index too); False when there was none."""
    row = SearchDocument.objects.filter(id=page_id).first()
    if row is None:
        return False
    document_index().delete_item(row)
    row.delete()
    return True


def indexed_ids() -> set[int]:
    """Ids of documents present in Wagtail's database index (not only as rows)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    content_type = ContentType.objects.get_for_model(SearchDocument)
    entries = IndexEntry.objects.filter(content_type=content_type).values_list("object_id", flat=True)
    return {int(object_id) for object_id in entries}


# --- vocabulary for typos ---------------------------------------------------------------------------

_vocabulary_lock = threading.Lock()
_vocabularies: dict[str, tuple[tuple, dict[str, set[str]]]] = {}


def vocabulary(locale: str) -> dict[str, set[str]]:
    """All indexed terms of a locale by first letter, rebuilt when documents changed."""
    documents = SearchDocument.objects.filter(locale=locale)
    version = (documents.count(), documents.aggregate(last=Max("indexed_at"))["last"])
    with _vocabulary_lock:
        cached = _vocabularies.get(locale)
        if cached and cached[0] == version:
            return cached[1]
    by_letter: dict[str, set[str]] = {}
    for row in documents.values_list("title_terms", "teaser_terms", "body_terms").iterator(chunk_size=500):
        for terms in row:
            for term in terms.split():
                by_letter.setdefault(term[0], set()).add(term)
    with _vocabulary_lock:
        _vocabularies[locale] = (version, by_letter)
    return by_letter


def within_edits(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (stops early)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def is_known_term(term: str, locale: str) -> bool:
    return bool(term) and term in vocabulary(locale).get(term[0], set())


def typo_corrections(term: str, locale: str) -> set[str]:
    """Indexed terms a mistyped `term` may stand for: same first letter, few edits, none for short words."""
    edits = analysis.fuzzy_edits(term)
    if not edits:
        return set()
    candidates = vocabulary(locale).get(term[0], set())
    if term in candidates:
        return set()
    return {other for other in candidates if other != term and within_edits(term, other, edits)}


# --- search ---------------------------------------------------------------------------------------


def filtered(request, *, with_dates: bool = True):
    """Documents the request may return, before full text: locale, types, visibility, topic, region, dates."""
    documents = SearchDocument.objects.filter(locale=request.locale, type__in=request.types)
    documents = documents.filter(
        Exists(
            SearchDocumentTag.objects.filter(
                document_id=OuterRef("pk"), kind=SearchDocumentTag.PARTNER, value__in=request.audience
            )
        )
    )
    if request.topic:
        documents = documents.filter(
            Exists(
                SearchDocumentTag.objects.filter(
                    document_id=OuterRef("pk"), kind=SearchDocumentTag.TOPIC, value=request.topic
                )
            )
        )
    if request.regions is not None:
        documents = documents.filter(
            Exists(
                SearchDocumentTag.objects.filter(
                    document_id=OuterRef("pk"), kind=SearchDocumentTag.REGION, value__in=request.regions
                )
            )
        )
    if with_dates and request.date_from:
        documents = documents.filter(date_end__gte=request.date_from)
    if with_dates and request.date_to:
        documents = documents.filter(date_start__lte=request.date_to)
    return documents


def full_text_ids(terms: list[str], documents, *, autocomplete: str = "") -> set[int]:
    """Ids among `documents` that contain any of `terms` (or a word beginning with `autocomplete`).
    The full-text lookup runs over all documents and is intersected with the filtered ids here:
    SQLite plans the combined query badly (ten times slower)."""
    allowed = set(documents.values_list("id", flat=True))
    if not allowed:
        return set()
    scope = SearchDocument.objects.all()
    ids: set[int] = set()
    if terms:
        results = backend().search(PlainText(" ".join(terms), operator="or"), scope, order_by_relevance=False)
        ids.update(results.get_queryset().values_list("id", flat=True))
    if autocomplete:
        results = backend().autocomplete(autocomplete, scope, order_by_relevance=False)
        ids.update(results.get_queryset().values_list("id", flat=True))
    return ids & allowed


def in_periods(periods: list[dict], day: datetime.date) -> bool:
    iso = day.isoformat()
    return any(p.get("gte", "0000") <= iso <= p.get("lte", "9999") for p in periods)


class Scorer:
    """Relevance of one document for the parsed query, in the same spirit as the OpenSearch query."""

    def __init__(self, query, corrections: dict[str, set[str]], today: datetime.date):
        self.query = query
        self.corrections = corrections
        self.today = today
        self.phrase = " ".join(query.terms) if len(query.terms) >= 2 else ""

    def token_score(self, token, fields: dict[str, set[str]], last: bool, suggest: str) -> float:
        best = 0.0
        for name, weight in FIELD_WEIGHTS:
            terms = fields[name]
            if token.term in terms:
                factor = 1.0
            elif token.parts and all(part in terms for part in token.parts):
                factor = PARTS_FACTOR
            elif self.corrections.get(token.term, set()) & terms:
                factor = FUZZY_FACTOR
            else:
                continue
            best = max(best, weight * factor)
        if not best and last and self.query.prefix and f" {self.query.prefix}" in suggest:
            best = FIELD_WEIGHTS[0][1] * PREFIX_FACTOR
        return best

    def score(self, row: dict) -> float:
        fields = {name: set(row[name].split()) for name, _weight in FIELD_WEIGHTS}
        suggest = " " + row["suggest"]
        tokens = self.query.tokens
        scores = [self.token_score(t, fields, i == len(tokens) - 1, suggest) for i, t in enumerate(tokens)]
        matched = sum(1 for s in scores if s)
        if not matched:
            return 0.0
        score = sum(scores) * (matched / len(scores)) ** 2
        if self.phrase:
            for name, bonus in PHRASE_BONUS.items():
                if f" {self.phrase} " in f" {row[name]} ":
                    score += bonus
                    break
        if in_periods(row["current"], self.today):
            score *= CURRENT_FACTOR
        elif in_periods(row["coming"], self.today):
            score *= COMING_FACTOR
        return score


def search(request) -> dict:
    from search.queries import empty_facets, sorted_counts

    query = request.query
    corrections = {t.term: typo_corrections(t.term, request.locale) for t in query.tokens}
    lookup_terms = set(query.terms)
    for token in query.tokens:
        lookup_terms.update(token.parts)
        lookup_terms.update(corrections[token.term])
    # The last word counts as the beginning of a word only when it is no indexed word itself (the
    # visitor is still typing): prefix lookups are the slowest part of the database engine.
    prefix = query.prefix if len(query.prefix) >= MIN_PREFIX_FOR_SEARCH else ""
    if prefix and query.tokens and is_known_term(query.tokens[-1].term, request.locale):
        prefix = ""
    documents = filtered(request)
    ids = full_text_ids(sorted(lookup_terms), documents, autocomplete=prefix)
    if not ids:
        return {"count": 0, "engine": "database", "results": [], "facets": empty_facets()}

    scorer = Scorer(query, corrections, request.today)
    rows = SearchDocument.objects.filter(id__in=ids).values(
        "id",
        "type",
        "year",
        "last_published_at",
        "suggest",
        "current",
        "coming",
        *(name for name, _weight in FIELD_WEIGHTS),
    )
    scored = []
    for row in rows.iterator(chunk_size=500):
        score = scorer.score(row)
        if score > 0:
            published = row["last_published_at"].timestamp() if row["last_published_at"] else 0
            scored.append((-score, -published, row["id"], row["type"], row["year"]))
    scored.sort()
    matched_ids = [entry[2] for entry in scored]

    facets = {
        "type": sorted_counts(Counter(entry[3] for entry in scored)),
        "year": sorted_counts(Counter(entry[4] for entry in scored if entry[4] is not None)),
        "topic": {},
        "region": {},
    }
    if matched_ids:
        tag_counts = Counter(
            SearchDocumentTag.objects.filter(
                Q(kind=SearchDocumentTag.TOPIC) | Q(kind=SearchDocumentTag.REGION),
                document_id__in=matched_ids,
            ).values_list("kind", "value")
        )
        for kind in (SearchDocumentTag.TOPIC, SearchDocumentTag.REGION):
            facets[kind] = sorted_counts({value: n for (k, value), n in tag_counts.items() if k == kind})

    page = scored[request.offset : request.offset + request.limit]
    details = {
        row.id: row
        for row in SearchDocument.objects.filter(id__in=[entry[2] for entry in page]).only(
            "id", "type", "locale", "title", "teaser", "body", "url"
        )
    }
    matcher = matcher_for(query, corrections)
    results = []
    for entry in page:
        row = details[entry[2]]
        results.append(
            {
                "id": row.id,
                "type": row.type,
                "locale": row.locale,
                "title": row.title,
                "teaser": row.teaser,
                "url": row.url,
                "highlight": best_fragment([row.teaser, row.body, row.title], matcher, fallback=row.teaser),
                "score": round(-entry[0], 4),
            }
        )
    return {"count": len(scored), "engine": "database", "results": results, "facets": facets}


def matcher_for(query, corrections: dict[str, set[str]]) -> Matcher:
    terms = set(query.terms)
    for fixes in corrections.values():
        terms.update(fixes)
    prefixes = {query.prefix} if len(query.prefix) >= MIN_PREFIX_FOR_SEARCH else set()
    return Matcher(language=query.language, terms=terms, prefixes=prefixes)


# --- suggestions ------------------------------------------------------------------------------------


def suggest(request) -> list[dict]:
    words = analysis.fold_prefix(request.query.text, request.locale)
    if not words:
        return []
    ids = full_text_ids([], filtered(request), autocomplete=" ".join(words))
    rows = SearchDocument.objects.filter(id__in=ids).values("id", "type", "title", "suggest")
    fold = analysis.fold_german if analysis.base_language(request.locale) == "de" else analysis.fold_plain
    ranked = []
    for row in rows:
        title_words = [fold(w) for w in analysis.words(row["title"])]
        folded_title = " ".join(title_words)
        suggest_words = row["suggest"].split()
        if not all(any(w.startswith(word) for w in suggest_words) for word in words):
            continue
        if folded_title.startswith(" ".join(words)):
            rank = 0
        elif any(w.startswith(words[-1]) for w in title_words):
            rank = 1
        else:
            rank = 2
        ranked.append(((rank, len(row["title"]), row["title"], row["id"]), row))
    ranked.sort(key=lambda item: item[0])
    return [
        {"id": row["id"], "type": row["type"], "title": row["title"]} for _key, row in ranked[: request.limit]
    ]
