"""The embedded search engine: `SearchDocument` rows, Wagtail's database search backend for the
full-text lookup, and Python for ranking, typo tolerance, facets, highlight and suggestions.

It answers when no `OPENSEARCH_URL` is set and while OpenSearch is unreachable. Documents carry
the same Python-analysed terms as the OpenSearch index, so German folding, stemming and compound
parts behave the same; ranking follows the same rules (title > teaser > body, phrases, current
pages first) with simpler arithmetic.
"""

from __future__ import annotations

import datetime
from collections import Counter
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length, StrIndex
from django.db.models.lookups import GreaterThan

from search import analysis
from search.highlight import Matcher, best_fragment
from search.models import SearchDocument, SearchDocumentTag, SearchTerm

FIELD_WEIGHTS = (("title_terms", 6.0), ("teaser_terms", 3.0), ("body_terms", 1.0))
PARTS_FACTOR = 0.7
FUZZY_FACTOR = 0.5
PREFIX_FACTOR = 0.4
PHRASE_BONUS = {"title_terms": 4.0, "teaser_terms": 2.0, "body_terms": 1.5}
CURRENT_FACTOR = 1.6
COMING_FACTOR = 1.25
MAX_CANDIDATES = 300
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
    before = stored_vocabulary([row.id])
    row.save()
    update_vocabulary(before, vocabulary_of([(row.locale, row.title_terms, row.teaser_terms, row.body_terms)]))
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
    before = stored_vocabulary(ids)
    SearchDocumentTag.objects.filter(document_id__in=ids).delete()
    SearchDocument.objects.filter(id__in=ids).delete()
    SearchDocument.objects.bulk_create(rows)
    SearchDocumentTag.objects.bulk_create([tag for doc in docs for tag in tags_of(doc)])
    update_vocabulary(
        before, vocabulary_of((row.locale, row.title_terms, row.teaser_terms, row.body_terms) for row in rows)
    )
    if index:
        document_index().add_items(SearchDocument, rows)


@transaction.atomic
def remove(page_id: int) -> bool:
    """Removes the document of a page (from Wagtail's index too); False when there was none."""
    row = SearchDocument.objects.filter(id=page_id).first()
    if row is None:
        return False
    document_index().delete_item(row)
    update_vocabulary(vocabulary_of([(row.locale, row.title_terms, row.teaser_terms, row.body_terms)]), Counter())
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
# `SearchTerm` rows: every term of a locale's documents with the number of documents holding it, kept
# current by `store`, `store_many` and `remove` in the same transaction as the documents.

MAX_TERM_LENGTH = 200
UPSERT_CHUNK = 300  # rows of 3 parameters: within SQLite's old limit of 999 bound parameters


def terms_of(title_terms: str, teaser_terms: str, body_terms: str) -> set[str]:
    return {
        term
        for text in (title_terms, teaser_terms, body_terms)
        for term in text.split()
        if len(term) <= MAX_TERM_LENGTH
    }


def vocabulary_of(rows) -> Counter:
    """{(locale, term): documents} of (locale, title_terms, teaser_terms, body_terms) rows."""
    counts: Counter = Counter()
    for locale, *fields in rows:
        counts.update((locale, term) for term in terms_of(*fields))
    return counts


def stored_vocabulary(ids) -> Counter:
    rows = SearchDocument.objects.filter(id__in=list(ids)).values_list(
        "locale", "title_terms", "teaser_terms", "body_terms"
    )
    return vocabulary_of(rows.iterator(chunk_size=500))


def update_vocabulary(before: Counter, after: Counter) -> None:
    """Adds the difference of two vocabulary counts to `SearchTerm`; terms no document holds go."""
    deltas = {key: after.get(key, 0) - before.get(key, 0) for key in before.keys() | after.keys()}
    deltas = {key: delta for key, delta in sorted(deltas.items()) if delta}
    if not deltas:
        return
    table = SearchTerm._meta.db_table
    items = list(deltas.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), UPSERT_CHUNK):
            chunk = items[start : start + UPSERT_CHUNK]
            cursor.execute(
                f"INSERT INTO {table} (locale, term, documents) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(chunk))
                + f" ON CONFLICT (locale, term) DO UPDATE SET documents = {table}.documents + excluded.documents",
                [value for (locale, term), delta in chunk for value in (locale, term, delta)],
            )
    gone: dict[str, list[str]] = {}
    for (locale, term), delta in items:
        if delta < 0:
            gone.setdefault(locale, []).append(term)
    for locale, terms in gone.items():
        for start in range(0, len(terms), UPSERT_CHUNK):
            SearchTerm.objects.filter(
                locale=locale, term__in=terms[start : start + UPSERT_CHUNK], documents__lte=0
            ).delete()


@transaction.atomic
def rebuild_vocabulary() -> int:
    """Counts the vocabulary afresh from every stored document (after a full rebuild); its size."""
    rows = SearchDocument.objects.values_list("locale", "title_terms", "teaser_terms", "body_terms")
    counts = vocabulary_of(rows.iterator(chunk_size=500))
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(locale=locale, term=term, documents=n) for (locale, term), n in counts.items()],
        batch_size=1000,
    )
    return len(counts)


def analyze_tables() -> None:
    """Fresh planner statistics after a rebuild (PostgreSQL plans a search with none badly)."""
    from wagtail.search.models import IndexEntry

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (SearchDocument, SearchDocumentTag, SearchTerm, IndexEntry):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def vocabulary(locale: str) -> dict[str, set[str]]:
    """All indexed terms of a locale by first letter (for inspection and tests; queries look terms
    up one by one)."""
    by_letter: dict[str, set[str]] = {}
    for term in SearchTerm.objects.filter(locale=locale).values_list("term", flat=True):
        by_letter.setdefault(term[0], set()).add(term)
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
    return bool(term) and SearchTerm.objects.filter(locale=locale, term=term).exists()


def typo_corrections(term: str, locale: str) -> set[str]:
    """Indexed terms a mistyped `term` may stand for: same first letter, few edits, none for short words."""
    edits = analysis.fuzzy_edits(term)
    if not edits:
        return set()
    # A range over the (locale, term) index: the terms beginning with the same letter.
    rows = (
        SearchTerm.objects.filter(locale=locale, term__gte=term[0], term__lt=chr(ord(term[0]) + 1))
        .annotate(length=Length("term"))
        .filter(length__gte=len(term) - edits, length__lte=len(term) + edits)
        .values_list("term", flat=True)
    )
    candidates = {other for other in rows if other.startswith(term[0])}
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
    if getattr(request, "exclude_ids", ()):
        documents = documents.exclude(id__in=request.exclude_ids)
    if with_dates and request.date_from:
        documents = documents.filter(date_end__gte=request.date_from)
    if with_dates and request.date_to:
        documents = documents.filter(date_start__lte=request.date_to)
    return documents


def content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(SearchDocument).pk


def fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def tsquery_lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def fts5_alternative(term) -> str:
    if isinstance(term, str):
        return fts5_phrase(term)
    return "(" + " AND ".join(fts5_phrase(t) for t in term) + ")"


def tsquery_alternative(term) -> str:
    if isinstance(term, str):
        return tsquery_lexeme(term)
    return "(" + " & ".join(tsquery_lexeme(t) for t in term) + ")"


def lookup_terms(query, corrections: dict[str, set[str]]) -> list:
    """What the full-text lookup looks for, as `Scorer` counts a word: its term, a typo correction, or
    all parts of the compound (in any field here; `Scorer` wants them in one)."""
    alternatives: set = set()
    for token in query.tokens:
        alternatives.add(token.term)
        alternatives.update(corrections.get(token.term, ()))
        if token.parts:
            alternatives.add(tuple(sorted(set(token.parts))) if len(token.parts) > 1 else token.parts[0])
    return sorted(alternatives, key=lambda item: (isinstance(item, tuple), item))


def full_text_sql(terms: list, autocomplete: str = "") -> tuple[str, list]:
    """SQL selecting the ids of the documents that contain any of `terms` (a term, or a tuple of
    terms that must all occur: the parts of a compound) or words beginning with each of the words of
    `autocomplete`, from Wagtail's database index of `SearchDocument` (its `body` holds the analysed
    terms, its `autocomplete` the `suggest` words). The full-text match runs first and alone: on
    SQLite the `+` keeps the planner from walking the index entries by content type and re-running the
    FTS5 match per entry; on PostgreSQL the GIN indices answer the `@@`."""
    from wagtail.search.models import IndexEntry

    entries = IndexEntry._meta.db_table
    if connection.vendor == "sqlite":
        fts = f"{entries}_fts"
        clauses = []
        if terms:
            clauses.append("body : (" + " OR ".join(fts5_alternative(t) for t in terms) + ")")
        if autocomplete.split():  # every word typed begins a word, as in Wagtail's `autocomplete()`
            clauses.append("(" + " AND ".join(f"autocomplete : {fts5_phrase(w)}*" for w in autocomplete.split()) + ")")
        sql = (
            f"SELECT CAST(e.object_id AS INTEGER) FROM {fts} JOIN {entries} e ON e.id = {fts}.rowid "
            f"WHERE {fts} MATCH %s AND +e.content_type_id = %s"
        )
        return sql, [" OR ".join(clauses), content_type_id()]
    if connection.vendor == "postgresql":
        conditions, params = [], []
        if terms:
            conditions.append("e.body @@ to_tsquery(%s)")
            params.append(" | ".join(tsquery_alternative(t) for t in terms))
        if autocomplete.split():
            conditions.append("e.autocomplete @@ to_tsquery('simple', %s)")
            params.append(" & ".join(f"{tsquery_lexeme(w)}:*" for w in autocomplete.split()))
        # `+ 0`: not the content type's index (nearly every entry) but the GIN indices of the match.
        sql = (
            f"SELECT e.object_id::integer FROM {entries} e "
            f"WHERE e.content_type_id + 0 = %s AND ({' OR '.join(conditions)})"
        )
        return sql, [content_type_id(), *params]
    raise NotImplementedError(f"the database search engine does not support {connection.vendor}")


def matching(documents, terms: list, *, autocomplete: str = ""):
    """`documents` restricted to those the full-text lookup finds (one statement, match first)."""
    if not terms and not autocomplete.split():
        return documents.none()
    sql, params = full_text_sql(terms, autocomplete)
    if connection.vendor == "postgresql":
        # The matches as an array computed once, then documents by primary key: whatever the
        # statistics say, PostgreSQL cannot turn it into a join that re-reads the matches per tag.
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        return documents.extra(where=[f"{table}.id = ANY(ARRAY({sql}))"], params=params)
    return documents.filter(id__in=RawSQL(sql, params))


def full_text_ids(terms: list[str], documents, *, autocomplete: str = "") -> set[int]:
    """Ids among `documents` that contain any of `terms` (or words beginning with `autocomplete`)."""
    return set(matching(documents, terms, autocomplete=autocomplete).values_list("id", flat=True))


def contains_word(field: str, word: str, *, prefix: bool = False) -> Q:
    """`field` (whitespace-separated words, padded by `padded`) holds `word` (or a word beginning so)."""
    return Q(**{f"padded_{field}__contains": f" {word}" if prefix else f" {word} "})


def padded(field: str):
    return Concat(Value(" "), F(field), Value(" "), output_field=TextField())


def database_rank(query, corrections: dict[str, set[str]], prefix: str):
    """The ranking the database bounds the candidates with, before Python re-ranks the best of them:
    per word of the query its best field (title 6, teaser 3, body 1) by its term, compound parts or
    typo corrections, or the beginning of a word being typed. Cheaper than `Scorer` (no phrases, no
    current periods; the body by the word's own term only), so the bound is generous."""
    annotations = {f"padded_{name}": padded(name) for name in ("title_terms", "teaser_terms")}
    if prefix:
        annotations["padded_suggest"] = padded("suggest")
    rank = Value(0.0, output_field=FloatField())
    tokens = query.tokens
    for i, token in enumerate(tokens):
        words = [token.term, *token.parts, *sorted(corrections.get(token.term, ()))]
        whens = []
        for name, weight in FIELD_WEIGHTS[:2]:
            condition = Q()
            for word in words:
                condition |= contains_word(name, word)
            whens.append(When(condition, then=Value(weight)))
        # The body (long) by a plain substring test of the word's own term: cheap, rarely wrong.
        whens.append(When(GreaterThan(StrIndex("body_terms", Value(token.term)), 0), then=Value(FIELD_WEIGHTS[2][1])))
        if prefix and i == len(tokens) - 1:
            whens.append(
                When(contains_word("suggest", prefix, prefix=True), then=Value(FIELD_WEIGHTS[0][1] * PREFIX_FACTOR))
            )
        rank = rank + Case(*whens, default=Value(0.0), output_field=FloatField())
    return annotations, rank


def tags_sql() -> str:
    """A column of a document's topic and region tags as `kind:value` lines (for facets in Python)."""
    tags, documents = SearchDocumentTag._meta.db_table, SearchDocument._meta.db_table
    concat = "group_concat(t.kind || ':' || t.value, '\n')"
    if connection.vendor == "postgresql":
        concat = "string_agg(t.kind || ':' || t.value, E'\\n')"
    return (
        f"SELECT {concat} FROM {tags} t WHERE t.document_id = {documents}.id "
        f"AND t.kind IN ('{SearchDocumentTag.TOPIC}', '{SearchDocumentTag.REGION}')"
    )


def candidates(request, documents, terms: list, prefix: str, corrections) -> list[tuple]:
    """Every full-text match among `documents` as (id, type, year, tags), best first by
    `database_rank`, newest first among equals: one statement, the match first."""
    annotations, rank = database_rank(request.query, corrections, prefix)
    ranked = (
        matching(documents, terms, autocomplete=prefix)
        .annotate(**annotations)
        .annotate(database_rank=rank, tag_lines=RawSQL(tags_sql(), []))
        .order_by("-database_rank", F("last_published_at").desc(nulls_last=True), "id")
        .values_list("id", "type", "year", "tag_lines")
    )
    return list(ranked)


def count_facets(matches, sorted_counts) -> dict:
    """Facets of (id, type, year, tags) matches."""
    counts: dict[str, Counter] = {name: Counter() for name in ("type", "topic", "region", "year")}
    for _id, type_name, year, tag_lines in matches:
        counts["type"][type_name] += 1
        if year is not None:
            counts["year"][year] += 1
        for line in (tag_lines or "").splitlines():
            kind, _sep, value = line.partition(":")
            counts[kind][value] += 1
    return {name: sorted_counts(counter) for name, counter in counts.items()}


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

    def token_score(self, token, fields: dict[str, str], last: bool, suggest: str) -> float:
        """`fields`: each field's terms padded with spaces (a word test without splitting long bodies)."""
        best = 0.0
        for name, weight in FIELD_WEIGHTS:
            terms = fields[name]
            if f" {token.term} " in terms:
                factor = 1.0
            elif token.parts and all(f" {part} " in terms for part in token.parts):
                factor = PARTS_FACTOR
            elif any(f" {fix} " in terms for fix in self.corrections.get(token.term, ())):
                factor = FUZZY_FACTOR
            else:
                continue
            best = max(best, weight * factor)
        if not best and last and self.query.prefix and f" {self.query.prefix}" in suggest:
            best = FIELD_WEIGHTS[0][1] * PREFIX_FACTOR
        return best

    def score(self, row: dict) -> float:
        fields = {name: f" {row[name]} " for name, _weight in FIELD_WEIGHTS}
        suggest = " " + row["suggest"]
        tokens = self.query.tokens
        scores = [self.token_score(t, fields, i == len(tokens) - 1, suggest) for i, t in enumerate(tokens)]
        matched = sum(1 for s in scores if s)
        if not matched:
            return 0.0
        score = sum(scores) * (matched / len(scores)) ** 2
        if self.phrase:
            for name, bonus in PHRASE_BONUS.items():
                if f" {self.phrase} " in fields[name]:
                    score += bonus
                    break
        if in_periods(row["current"], self.today):
            score *= CURRENT_FACTOR
        elif in_periods(row["coming"], self.today):
            score *= COMING_FACTOR
        return score


def search(request) -> dict:
    """Full-text lookup and a first ranking in the database, bounded to the best `MAX_CANDIDATES`;
    Python scores those (the same rules as OpenSearch's query) for the order, highlight and score.
    `count` and the facets count every scored match while the matches fit the bound; beyond it they
    count every full-text match in SQL (a document matching only one part of a compound or only a
    typo's neighbour counts there, although the scoring might not rank it)."""
    from search.queries import empty_facets, sorted_counts

    query = request.query
    corrections = {t.term: typo_corrections(t.term, request.locale) for t in query.tokens}
    # The last word counts as the beginning of a word only when it is no indexed word itself (the
    # visitor is still typing): prefix lookups are the slowest part of the database engine.
    prefix = query.prefix if len(query.prefix) >= MIN_PREFIX_FOR_SEARCH else ""
    if prefix and query.tokens and is_known_term(query.tokens[-1].term, request.locale):
        prefix = ""
    documents = filtered(request)
    matches = candidates(request, documents, lookup_terms(query, corrections), prefix, corrections)
    if not matches:
        return {"count": 0, "engine": "database", "results": [], "facets": empty_facets()}
    bound = max(MAX_CANDIDATES, request.offset + request.limit)
    bounded = len(matches) > bound

    scorer = Scorer(query, corrections, request.today)
    rows = SearchDocument.objects.filter(id__in=[match[0] for match in matches[:bound]]).values(
        "id",
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
            scored.append((-score, -published, row["id"]))
    scored.sort()
    if bounded:
        counted = matches
    else:
        found = {entry[2] for entry in scored}
        counted = [match for match in matches if match[0] in found]
    count = len(counted)
    facets = count_facets(counted, sorted_counts)

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
    return {"count": count, "engine": "database", "results": results, "facets": facets}


def matcher_for(query, corrections: dict[str, set[str]]) -> Matcher:
    terms = set(query.terms)
    for fixes in corrections.values():
        terms.update(fixes)
    prefixes = {query.prefix} if len(query.prefix) >= MIN_PREFIX_FOR_SEARCH else set()
    return RememberingMatcher(language=query.language, terms=terms, prefixes=prefixes)


class RememberingMatcher(Matcher):
    """A `Matcher` that remembers its answer per word: the texts of a page of results repeat words."""

    def matches(self, word: str) -> bool:
        answers = self.__dict__.setdefault("answers", {})
        answer = answers.get(word)
        if answer is None:
            answer = answers[word] = super().matches(word)
        return answer


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
