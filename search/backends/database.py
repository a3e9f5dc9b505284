"""The embedded search engine: `SearchDocument` rows, the hub's own full-text table of them (FTS5 on
SQLite, per-field tsvector columns on PostgreSQL; migration 0005) for the full-text lookup, a first
ranking, filters and facets in one statement, and Python for the final ranking of the best few
hundred, typo tolerance, highlight and suggestions.

It answers when no `OPENSEARCH_URL` is set and while OpenSearch is unreachable. Documents carry
the same Python-analysed terms as the OpenSearch index, so German folding, stemming and compound
parts behave the same; ranking follows the same rules (title > teaser > body, phrases, current
pages first) with simpler arithmetic.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from functools import lru_cache

from django.db import connection, transaction

from search import analysis
from search.highlight import Matcher, best_fragment, synonym_terms
from search.models import SearchDocument, SearchDocumentTag, SearchTerm

FIELD_WEIGHTS = (("title_terms", 6.0), ("teaser_terms", 3.0), ("body_terms", 1.0))
#: the query's word as written (folded, unstemmed) in a field, on top of its term: above other forms of
#: the stem, compounds containing it and typos of it (`*_written`, analysis.written_words)
WRITTEN_BONUS = 0.25
WRITTEN_FIELDS = {"title_terms": "title_written", "teaser_terms": "teaser_written", "body_terms": "body_written"}
PARTS_FACTOR = 0.6
FUZZY_FACTOR = 0.5
SYNONYM_FACTOR = 0.9
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
    "title_written",
    "teaser_written",
    "body_written",
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
    """After a rebuild: fresh planner statistics (PostgreSQL plans a search with none badly); on SQLite
    the full-text table's segments, written document by document, merged into one."""
    from wagtail.search.models import IndexEntry

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FULL_TEXT_TABLE} ({FULL_TEXT_TABLE}) VALUES ('optimize')")
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
    if not term:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {SearchTerm._meta.db_table} WHERE locale = %s AND term = %s", [locale, term])
        return cursor.fetchone() is not None


def typo_corrections(term: str, locale: str) -> set[str]:
    """Indexed terms a mistyped `term` may stand for: same first letter, few edits, none for short words."""
    edits = analysis.fuzzy_edits(term)
    if not edits:
        return set()
    # A range over the (locale, term) index: the terms beginning with the same letter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term FROM {SearchTerm._meta.db_table} WHERE locale = %s AND term >= %s AND term < %s "
            "AND LENGTH(term) BETWEEN %s AND %s",
            [locale, term[0], chr(ord(term[0]) + 1), len(term) - edits, len(term) + edits],
        )
        candidates = {other for (other,) in cursor.fetchall() if other.startswith(term[0])}
    if term in candidates:
        return set()
    return {other for other in candidates if other != term and within_edits(term, other, edits)}


# --- search ---------------------------------------------------------------------------------------


FULL_TEXT_TABLE = "kulturhub_search_fulltext"  # SQLite's FTS5 table (migration 0005)
# The fields a query word is looked up in (all parts of a compound in one of them, as `Scorer` wants),
# and on PostgreSQL each one's generated tsvector column (migration 0005).
FULL_TEXT_FIELDS = ("title_terms", "teaser_terms", "body_terms")
PREFIX_FIELD = "suggest"
#: the columns of a match on PostgreSQL: what `filter_sql`, `matching` and `rank_sql` read of it
MATCH_COLUMNS = (
    "id", "locale", "type", "year", "last_published_at", "date_start", "date_end",
    "title_vector", "teaser_vector", "suggest_vector",
)


def vector_column(field: str) -> str:
    return field.removesuffix("_terms") + "_vector"


def filter_sql(request, *, with_dates: bool = True) -> tuple[str, list]:
    """SQL conditions on the document `d`: locale, types, visibility, topic, region, dates."""
    tags = SearchDocumentTag._meta.db_table

    def has_tag(kind: str, values: list[str]) -> tuple[str, list]:
        marks = ", ".join(["%s"] * len(values))
        return (
            f"EXISTS (SELECT 1 FROM {tags} t WHERE t.document_id = d.id AND t.kind = %s AND t.value IN ({marks}))",
            [kind, *values],
        )

    conditions = ["d.locale = %s", f"d.type IN ({', '.join(['%s'] * len(request.types))})"]
    params: list = [request.locale, *request.types]
    for kind, values in (
        (SearchDocumentTag.PARTNER, list(request.audience)),
        (SearchDocumentTag.TOPIC, [request.topic] if request.topic else None),
        (SearchDocumentTag.REGION, request.regions),
    ):
        if values is None:
            continue
        if not values:  # a region without places: nothing can match
            conditions.append("1 = 0")
            continue
        sql, values_params = has_tag(kind, values)
        conditions.append(sql)
        params += values_params
    excluded = list(getattr(request, "exclude_ids", ()))
    if excluded:  # the promoted pages, answered before the engine's results (search.promotions)
        conditions.append(f"d.id NOT IN ({', '.join(['%s'] * len(excluded))})")
        params += excluded
    if with_dates and request.date_from:
        conditions.append("d.date_end >= %s")
        params.append(request.date_from.isoformat())
    if with_dates and request.date_to:
        conditions.append("d.date_start <= %s")
        params.append(request.date_to.isoformat())
    return " AND ".join(conditions), params


def filtered(request):
    """Documents the request may return, before full text (`filter_sql`'s conditions), as a queryset."""
    from django.db.models.expressions import RawSQL

    conditions, params = filter_sql(request)
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    return SearchDocument.objects.filter(id__in=RawSQL(f"SELECT d.id FROM {table} d WHERE {conditions}", params))


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
    all parts of the compound (a tuple: all in one field, as `Scorer` wants them); and the synonyms'
    forms and quoted phrases (a string of several terms: a phrase, in order and adjacent)."""
    alternatives: set = set()
    for token in query.tokens:
        alternatives.update(token_alternatives(token, corrections))
    alternatives.update(tuning_terms(query))
    return sorted(alternatives, key=lambda item: (isinstance(item, tuple), item))


def token_alternatives(token, corrections: dict[str, set[str]]) -> set:
    """One query word's alternatives for the full-text lookup (see `lookup_terms`)."""
    alternatives: set = {token.term, *corrections.get(token.term, ())}
    if token.parts:
        alternatives.add(tuple(sorted(set(token.parts))) if len(token.parts) > 1 else token.parts[0])
    return alternatives


def full_text_condition(terms: list, autocomplete: str = "", required: tuple = ()) -> tuple[str, str, list]:
    """(FROM clause, WHERE condition, parameters) of the documents `d` holding any of `terms` in one
    of `FULL_TEXT_FIELDS` (a term, or a tuple of terms that must all occur in the same field: the
    parts of a compound), or words beginning with each word of `autocomplete` in `suggest`, from the
    hub's full-text table. Exactly the documents `Scorer` gives a score above zero, so counts and
    facets over these matches are the scored matches.

    SQLite: the FTS5 match drives the statement (its row id is the document id) and the document is
    read through the narrow `search_doc_filter` index, never as the wide row. PostgreSQL: the GIN
    indices of the per-field tsvector columns answer the `@@`s.

    `required`: runs of terms (space-separated: the quoted phrases) each of which must stand, in
    order and adjacent, in one of the fields (FTS5's phrase, PostgreSQL's `<->`)."""
    documents = connection.ops.quote_name(SearchDocument._meta.db_table)
    words = autocomplete.split()
    if connection.vendor == "sqlite":
        clauses = []
        if terms:
            alternatives = " OR ".join(fts5_alternative(t) for t in terms)
            clauses += [f"{field} : ({alternatives})" for field in FULL_TEXT_FIELDS]
        if words:  # every word typed begins a word
            clauses.append("(" + " AND ".join(f"{PREFIX_FIELD} : {fts5_phrase(w)}*" for w in words) + ")")
        expression = " OR ".join(clauses)
        for run in required:
            one = " OR ".join(f"{field} : {fts5_phrase(run)}" for field in FULL_TEXT_FIELDS)
            expression = f"({expression}) AND ({one})" if expression else one
        source = f"{FULL_TEXT_TABLE} JOIN {documents} d INDEXED BY search_doc_filter ON d.id = {FULL_TEXT_TABLE}.rowid"
        return source, f"{FULL_TEXT_TABLE} MATCH %s", [expression]
    if connection.vendor == "postgresql":
        conditions, params = [], []
        if terms:
            alternatives = " | ".join(tsquery_alternative(t) for t in terms)
            for field in FULL_TEXT_FIELDS:
                conditions.append(f"{vector_column(field)} @@ to_tsquery('simple', %s)")
                params.append(alternatives)
        if words:
            conditions.append(f"{vector_column(PREFIX_FIELD)} @@ to_tsquery('simple', %s)")
            params.append(" & ".join(f"{tsquery_lexeme(w)}:*" for w in words))
        # The matches alone first (`OFFSET 0`: not merged with the filters), so PostgreSQL answers them
        # from the GIN indices and never tests a long body's tsvector row by row. The vector columns
        # have no statistics (migration 0005): for a common word the planner would otherwise rather
        # read every row and unpack every body's tsvector, several times slower.
        where = " OR ".join(conditions)
        for run in required:  # a quoted text in `to_tsquery` is a phrase: 'a b' -> 'a' <-> 'b'
            one = " OR ".join(f"{vector_column(field)} @@ to_tsquery('simple', %s)" for field in FULL_TEXT_FIELDS)
            where = f"({where}) AND ({one})" if where else one
            params += [tsquery_lexeme(run)] * len(FULL_TEXT_FIELDS)
        # The matches carry what the filters and the first rank read: one visit of each matching row
        # (the bitmap heap scan's), not a second one through the primary key (EXPLAIN at 15k pages: that
        # second visit was a third of the statement).
        hits = f"SELECT {', '.join(MATCH_COLUMNS)} FROM {documents} WHERE {where} OFFSET 0"
        return f"({hits}) d", "TRUE", params
    raise NotImplementedError(f"the database search engine does not support {connection.vendor}")


def full_text_sql(terms: list, autocomplete: str = "") -> tuple[str, list]:
    """SQL selecting the ids of the documents the full-text lookup finds (see `full_text_condition`)."""
    source, condition, params = full_text_condition(terms, autocomplete)
    return f"SELECT d.id FROM {source} WHERE {condition}", params


def rank_sql(query, corrections: dict[str, set[str]], prefix: str) -> tuple[str, list]:
    """The rank the database bounds the candidates with (higher is better) before Python re-ranks
    the best of them with `Scorer`. SQLite: FTS5's bm25 with the field weights (title 6, teaser 3,
    body 1, the beginning of a word being typed 2.4). PostgreSQL: per query word its best field by the
    word's alternatives (title 6, teaser 3; not the body: testing its long tsvector per match costs
    more than the whole lookup), plus 2.4 for the beginning of the word being typed. Neither knows
    phrases or current periods (Python adds those)."""
    prefix_weight = FIELD_WEIGHTS[0][1] * PREFIX_FACTOR
    if connection.vendor == "sqlite":
        weights = ", ".join(str(weight) for _name, weight in FIELD_WEIGHTS)
        return f"-bm25({FULL_TEXT_TABLE}, {weights}, {prefix_weight})", []
    parts, params = [], []
    for i, token in enumerate(query.tokens):
        forms = token_alternatives(token, corrections) | {lookup_form(p) for p in query.alternatives_of(i)}
        alternatives = " | ".join(
            tsquery_alternative(t) for t in sorted(forms, key=lambda item: (isinstance(item, tuple), item))
        )
        whens = []
        for name, weight in FIELD_WEIGHTS[:2]:
            whens.append(f"WHEN d.{vector_column(name)} @@ to_tsquery('simple', %s) THEN {weight}")
            params.append(alternatives)
        parts.append(f"(CASE {' '.join(whens)} ELSE 0 END)")
    if prefix:
        typed = f"d.{vector_column(PREFIX_FIELD)} @@ to_tsquery('simple', %s)"
        parts.append(f"(CASE WHEN {typed} THEN {prefix_weight} ELSE 0 END)")
        params.append(f"{tsquery_lexeme(prefix)}:*")
    return " + ".join(parts) or "0", params


def matching(
    request, terms: list, *, autocomplete: str = "", rank: tuple[str, list] = ("0", []), required: tuple = ()
) -> tuple[str, list]:
    """SQL of every document the request may return that the full-text lookup finds, as
    (id, type, year, last_published_at, rank): one statement, the full-text match first."""
    source, condition, match_params = full_text_condition(terms, autocomplete, required)
    filters, filter_params = filter_sql(request)
    rank_expression, rank_params = rank
    sql = (
        f"SELECT d.id, d.type, d.year, d.last_published_at, {rank_expression} AS rank "
        f"FROM {source} WHERE {condition} AND {filters}"
    )
    return sql, [*rank_params, *match_params, *filter_params]


def full_text_ids(request, terms: list[str], *, autocomplete: str = "") -> set[int]:
    """Ids of the documents the request may return that contain any of `terms` (or words beginning
    with `autocomplete`)."""
    if not terms and not autocomplete.split():
        return set()
    sql, params = matching(request, terms, autocomplete=autocomplete)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


CANDIDATE, FACET_TYPE, FACET_YEAR, FACET_TAG = 0, 1, 2, 3


def candidates_and_facets(request, terms: list, prefix: str, corrections, bound: int) -> tuple[list[int], dict]:
    """The ids of the best `bound` matches by `rank_sql` (newest first among equals), and the facet
    counts of every match ({"type"|"year"|"topic"|"region": Counter}): one statement, the matches
    computed once."""
    tags = SearchDocumentTag._meta.db_table
    matches, params = matching(
        request,
        terms,
        autocomplete=prefix,
        rank=rank_sql(request.query, corrections, prefix),
        required=required_runs(request.query),
    )
    sql = (
        f"WITH m AS MATERIALIZED ({matches}) "
        f"SELECT * FROM (SELECT {CANDIDATE}, id, NULL, 0 FROM m "
        "ORDER BY rank DESC, last_published_at DESC NULLS LAST, id LIMIT %s) best "
        f"UNION ALL SELECT {FACET_TYPE}, NULL, type, COUNT(*) FROM m GROUP BY type "
        f"UNION ALL SELECT {FACET_YEAR}, NULL, CAST(year AS TEXT), COUNT(*) FROM m "
        "WHERE year IS NOT NULL GROUP BY year "
        f"UNION ALL SELECT {FACET_TAG}, NULL, t.kind || ':' || t.value, COUNT(*) FROM m CROSS JOIN {tags} t "
        f"WHERE t.document_id = m.id AND t.kind IN ('{SearchDocumentTag.TOPIC}', '{SearchDocumentTag.REGION}') "
        "GROUP BY t.kind, t.value"
    )
    best: list[int] = []
    facets: dict[str, Counter] = {name: Counter() for name in ("type", "topic", "region", "year")}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, bound])
        for part, document_id, key, n in cursor.fetchall():
            if part == CANDIDATE:
                best.append(document_id)
            elif part == FACET_TYPE:
                facets["type"][key] = n
            elif part == FACET_YEAR:
                facets["year"][int(key)] = n
            else:
                kind, _sep, value = key.partition(":")
                facets[kind][value] = n
    return best, facets


def in_periods(periods: list[dict], day: datetime.date) -> bool:
    iso = day.isoformat()
    return any(p.get("gte", "0000") <= iso <= p.get("lte", "9999") for p in periods)


class Scorer:
    """Relevance of one document for the parsed query, in the same spirit as the OpenSearch query."""

    def __init__(self, query, corrections: dict[str, set[str]], today: datetime.date):
        self.query = query
        self.corrections = corrections
        self.today = today
        self.phrase = query.indexed if len(query.terms) >= 2 else ""

    def token_score(
        self, token, fields: dict[str, str], last: bool, suggest: str, alternatives: tuple = ()
    ) -> float:
        """`fields`: each field's terms and written words padded with spaces (a word test without
        splitting long bodies); `alternatives`: phrases a synonym entry lets stand for the word."""
        best = 0.0
        for name, weight in FIELD_WEIGHTS:
            terms = fields[name]
            if f" {token.term} " in terms:
                factor = 1.0 + WRITTEN_BONUS if f" {token.surface} " in fields[WRITTEN_FIELDS[name]] else 1.0
            elif alternatives and any(phrase_in(phrase, terms) for phrase in alternatives):
                factor = SYNONYM_FACTOR
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
        fields = {name: f" {row[name]} " for name in SCORED_FIELDS}
        suggest = " " + row["suggest"]
        if not has_phrases(self.query, fields):
            return 0.0
        tokens = self.query.tokens
        scores = [
            self.token_score(t, fields, i == len(tokens) - 1, suggest, self.query.alternatives_of(i))
            for i, t in enumerate(tokens)
        ]
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


SCORED_FIELDS = (*(n for n, _w in FIELD_WEIGHTS), *WRITTEN_FIELDS.values())
SCORING_COLUMNS = ("id", "last_published_at", "suggest", "current", "coming", *SCORED_FIELDS)


def scoring_rows(ids: list[int]):
    """What `Scorer` reads of the documents `ids`, as dicts (plain SQL: a few hundred rows per query)."""
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), UPSERT_CHUNK * 3):
            chunk = ids[start : start + UPSERT_CHUNK * 3]
            cursor.execute(
                f"SELECT {', '.join(SCORING_COLUMNS)} FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            for values in cursor.fetchall():
                row = dict(zip(SCORING_COLUMNS, values, strict=True))
                for name in ("current", "coming"):
                    if isinstance(row[name], str):
                        row[name] = json.loads(row[name])
                yield row


def published_timestamp(value) -> float:
    """Seconds since the epoch of a `last_published_at` as the database driver returns it (a
    datetime, or on SQLite the stored UTC text), 0 for none: the tie-break among equal scores."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.timestamp()


# --- editors' tuning: synonyms and quoted phrases -------------------------------------------------------


def lookup_form(phrase) -> str:
    """A phrase for the full-text lookup: its one word's term, or its indexed run of terms (a phrase:
    in order and adjacent, in one field, as `Scorer` and OpenSearch's `match_phrase` want them)."""
    return phrase.word or phrase.indexed


def tuning_terms(query) -> set:
    """What the lookup looks for besides the words: the synonyms' forms and the quoted phrases."""
    found = {lookup_form(phrase) for _covered, alternatives in query.synonyms for phrase in alternatives}
    found.update(lookup_form(phrase) for phrase in query.phrases)
    return found


def required_runs(query) -> tuple[str, ...]:
    """The quoted phrases as the lookup requires them: every match holds each of them in one field."""
    return tuple(lookup_form(phrase) for phrase in query.phrases)


def has_phrases(query, fields: dict[str, str]) -> bool:
    """Every quoted phrase stands, in order, in one of the `*_terms` `fields` (terms padded with
    spaces; never the written words, which keep no order)."""
    return all(any(phrase_in(phrase, fields[name]) for name, _w in FIELD_WEIGHTS) for phrase in query.phrases)


def phrase_in(phrase, terms: str) -> bool:
    """`phrase` stands in `terms` (a field's terms padded with spaces): its one word's term, or its
    run of terms in order (as OpenSearch's `match_phrase` on the field)."""
    return f" {phrase.word or phrase.indexed} " in terms


def search(request) -> dict:
    """The full-text lookup, filters, facets and a first ranking in one statement, bounded to the best
    `MAX_CANDIDATES` (at least the requested window); Python scores those (the same rules as
    OpenSearch's query) for the order, highlight and score.

    Exact: `count` and the facets count every match (the lookup finds exactly the documents `Scorer`
    scores above zero). Bounded: beyond `MAX_CANDIDATES` matches, the order considers phrases and
    current/upcoming periods only among the candidates the database ranks best."""
    from search.queries import empty_facets, sorted_counts

    query = request.query
    if not query.tokens:  # nothing `Scorer` could count
        return {"count": 0, "engine": "database", "results": [], "facets": empty_facets()}
    corrections = {t.term: typo_corrections(t.term, request.locale) for t in query.tokens}
    # The last word counts as the beginning of a word only when it is no indexed word itself (the
    # visitor is still typing): prefix lookups are the slowest part of the database engine.
    prefix = query.prefix if len(query.prefix) >= MIN_PREFIX_FOR_SEARCH else ""
    if prefix and is_known_term(query.tokens[-1].term, request.locale):
        prefix = ""
    bound = max(MAX_CANDIDATES, request.offset + request.limit)
    best, facet_counts = candidates_and_facets(request, lookup_terms(query, corrections), prefix, corrections, bound)
    if not best:
        return {"count": 0, "engine": "database", "results": [], "facets": empty_facets()}
    count = sum(facet_counts["type"].values())
    facets = {name: sorted_counts(counter) for name, counter in facet_counts.items()}

    scorer = Scorer(query, corrections, request.today)
    scored = []
    for row in scoring_rows(best):
        score = scorer.score(row)
        if score > 0:
            scored.append((-score, -published_timestamp(row["last_published_at"]), row["id"]))
    scored.sort()

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
    terms = set(query.terms) | synonym_terms(query)
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
    ids = full_text_ids(request, [], autocomplete=" ".join(words))
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
