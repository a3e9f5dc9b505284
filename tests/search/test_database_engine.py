"""The embedded database engine at scale: the typo vocabulary and the hub's full-text table kept
current as editors publish, unpublish and delete, candidates bounded in the database that still find
the best match, and the full-text match running first in the query plan."""

import pytest
from django.db import connection, transaction

from plugins.projects.factories import ProjectPageFactory
from search import queries
from search.backends import database
from search.models import SearchDocument, SearchTerm

pytestmark = pytest.mark.django_db


def search(q, **kwargs):
    kwargs.setdefault("locale", "de")
    return queries.search(q, partner=None, **kwargs)


def ids(answer):
    return [result["id"] for result in answer["results"]]


def vocabulary_counted_afresh() -> dict:
    counts = database.vocabulary_of(
        SearchDocument.objects.values_list("locale", "title_terms", "teaser_terms", "body_terms")
    )
    return dict(counts)


def vocabulary_kept() -> dict:
    return {(t.locale, t.term): t.documents for t in SearchTerm.objects.all()}


# --- the typo vocabulary ----------------------------------------------------------------------------


def test_a_typo_finds_a_word_published_after_the_first_search():
    assert search("Scherenschnittkunst")["count"] == 0  # the first query of the process
    page = ProjectPageFactory(title="Scherenschnittkunst im Erzgebirge")
    assert ids(search("Scherenschnitkunst")) == [page.pk]


def test_unpublishing_and_deleting_take_a_word_out_of_the_vocabulary():
    page = ProjectPageFactory(title="Scherenschnittkunst im Erzgebirge")
    other = ProjectPageFactory(title="Scherenschnittkunst in der Lausitz")
    assert SearchTerm.objects.get(locale="de", term="scherenschnittkun").documents == 2
    page.unpublish()
    assert SearchTerm.objects.get(locale="de", term="scherenschnittkun").documents == 1
    assert ids(search("Scherenschnitkunst")) == [other.pk]
    other.delete()
    assert not SearchTerm.objects.filter(locale="de", term="scherenschnittkun").exists()
    assert search("Scherenschnitkunst")["count"] == 0
    assert vocabulary_kept() == vocabulary_counted_afresh()


def test_a_republished_page_replaces_its_words():
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    page.title = "Kulturscheune Uckermark"
    page.save_revision().publish()
    assert not SearchTerm.objects.filter(locale="de", term="oderbruch").exists()
    assert SearchTerm.objects.get(locale="de", term="uckermark").documents == 1
    assert vocabulary_kept() == vocabulary_counted_afresh()


def test_the_vocabulary_matches_the_documents_after_a_rebuild(corpus):
    from search import indexing

    SearchTerm.objects.all().delete()  # lost, or counted wrong
    report = indexing.rebuild_database()
    assert report.ok, report.failures
    assert vocabulary_kept() == vocabulary_counted_afresh()
    assert ids(search("Kreativwirtschft"))[0] == corpus["kreativ_goerlitz"].pk


# --- bounded candidates -------------------------------------------------------------------------------


def test_bounded_candidates_still_find_the_best_match(corpus, monkeypatch):
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1)
    answer = search("Lichtspielhaus", limit=1)
    assert ids(answer) == [corpus["lichtspiel_title"].pk]
    assert answer["count"] == 3  # beyond the bound: every match, counted in SQL
    assert answer["facets"] == search("Lichtspielhaus")["facets"]


def test_a_query_at_the_bound_answers_as_without_one(corpus, monkeypatch):
    unbounded = search("Mikroförderung")
    monkeypatch.setattr(database, "MAX_CANDIDATES", 3)  # exactly the three matches
    assert search("Mikroförderung") == unbounded
    monkeypatch.setattr(database, "MAX_CANDIDATES", 2)  # one beyond the bound
    bounded = search("Mikroförderung", limit=2)
    # Python re-ranks only the two the database ranks best (newest first among equal titles): the
    # order among them holds, the open call (oldest) may wait for the next page.
    assert set(ids(bounded)) <= set(ids(unbounded))
    assert ids(bounded) == [i for i in ids(unbounded) if i in ids(bounded)]
    assert bounded["count"] == unbounded["count"] == 3
    assert bounded["facets"] == unbounded["facets"]


def test_the_requested_window_is_never_cut_by_the_bound(corpus, monkeypatch):
    everything = ids(search("Mikroförderung"))
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1)
    assert ids(search("Mikroförderung", limit=3)) == everything
    assert ids(search("Mikroförderung", limit=1, offset=2)) == everything[2:]


def test_visibility_holds_beyond_the_bound(corpus, monkeypatch):
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1)
    assert ids(queries.search("Theaterwerkstatt", partner=corpus["partner_a"], locale="de")) == [
        corpus["only_a"].pk
    ]
    assert search("Theaterwerkstatt")["count"] == 0


# --- the hub's full-text table ----------------------------------------------------------------------


def found(*terms, autocomplete=""):
    """Ids the hub's full-text table finds for `terms` (any field) or the beginning `autocomplete`."""
    sql, params = database.full_text_sql(list(terms), autocomplete)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def test_the_full_text_table_follows_publish_unpublish_and_delete():
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    assert found("oderbruch") == {page.pk}
    assert page.pk in found(autocomplete="oderb")
    page.title = "Kulturscheune Uckermark"
    page.save_revision().publish()
    assert found("oderbruch") == set()
    assert found("uckermark") == {page.pk}
    page.unpublish()
    assert found("uckermark") == set()
    page.save_revision().publish()
    assert found("uckermark") == {page.pk}
    page.delete()
    assert found("uckermark") == set()
    assert search("Uckermark")["count"] == 0


def test_the_full_text_table_matches_the_documents_after_a_rebuild(corpus):
    from search import indexing

    report = indexing.rebuild_database()
    assert report.ok, report.failures
    for document in SearchDocument.objects.all():
        for term in {*document.title_terms.split()[:3], *document.body_terms.split()[-2:]}:
            assert document.id in found(term), (document, term)
    if connection.vendor == "sqlite":  # FTS5 checks its index against the documents it was built from
        with connection.cursor() as cursor:
            table = database.FULL_TEXT_TABLE
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    assert ids(search("Lichtspielhaus"))[0] == corpus["lichtspiel_title"].pk


def test_compound_parts_count_only_together_in_one_field(corpus):
    # What the count and the facets count is what the ranking scores: every part of a compound in
    # the same field (as on OpenSearch), not one part in the title and another in the body.
    answer = search("Mikroförderung")
    assert answer["count"] == len(answer["results"]) == 3
    assert sum(answer["facets"]["type"].values()) == answer["count"]


def test_a_typo_and_a_compound_find_the_best_match_under_a_tiny_bound(corpus, monkeypatch):
    unbounded = ids(search("Kreativwirtschft"))
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1)
    answer = search("Kreativwirtschft", limit=1)
    assert ids(answer) == unbounded[:1] == [corpus["kreativ_goerlitz"].pk]
    assert answer["count"] == len(unbounded)


# --- the query plan -------------------------------------------------------------------------------------


def search_statement(q: str) -> tuple[str, list]:
    request = queries.build_request(q, partner=None, locale="de")
    corrections = {t.term: database.typo_corrections(t.term, "de") for t in request.query.tokens}
    terms = database.lookup_terms(request.query, corrections)
    return database.matching(request, terms, rank=database.rank_sql(request.query, corrections, ""))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_sqlite_runs_the_full_text_match_first(corpus):
    sql, params = search_statement("Netzwerk Soziokultur")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert "VIRTUAL TABLE" in plan[0]  # the FTS5 match drives the statement
    # each match's document through the narrow index (never the wide row, never a scan)
    assert any("COVERING INDEX search_doc_filter" in step for step in plan)
    assert not any(step.startswith("SCAN d") for step in plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_postgresql_answers_the_full_text_match_from_the_gin_indices(corpus):
    # On a few dozen rows the planner rightly prefers reading the table; with sequential scans
    # ruled out it must still find every field's match through that field's GIN index.
    sql, params = database.full_text_sql(["netzwerk", ("kultur", "sozio")], "netz")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("title_vector", "teaser_vector", "body_vector", "suggest_vector"):
        assert f"searchdocument_{column}" in plan, plan
    assert "Seq Scan" not in plan
