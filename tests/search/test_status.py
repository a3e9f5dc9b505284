"""Health, pending updates and the fallback to the database when OpenSearch cannot answer."""

import pytest

from plugins.projects.factories import ProjectPageFactory
from search import client, indexing, queries, status
from tests.search.helpers import DATABASE_QUEUE

pytestmark = pytest.mark.django_db
UNREACHABLE = "http://127.0.0.1:9"


def test_database_engine_is_healthy_without_opensearch(settings):
    settings.OPENSEARCH_URL = None
    assert status.search_health() == "ok"


def test_unreachable_opensearch_is_unavailable_and_searches_answer_from_the_database(settings):
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")  # immediate backend: database copy written
    settings.OPENSEARCH_URL = UNREACHABLE
    client.mark_up()
    assert status.search_health() == "unavailable"
    answer = queries.search("Kulturscheune", partner=None, locale="de")
    assert answer["engine"] == "database" and [r["id"] for r in answer["results"]] == [page.pk]
    assert queries.suggest("Kultursch", partner=None, locale="de")[0]["id"] == page.pk


def test_first_search_in_an_outage_falls_back_too(settings):
    ProjectPageFactory(title="Kulturscheune Oderbruch")
    settings.OPENSEARCH_URL = UNREACHABLE
    client.mark_up()  # nobody has noticed the outage yet
    assert queries.search("Kulturscheune", partner=None, locale="de")["engine"] == "database"
    assert client.recently_down()


def test_pending_updates_count_queued_index_tasks(settings):
    settings.TASKS = DATABASE_QUEUE
    ProjectPageFactory(title="Kulturscheune Oderbruch")
    ProjectPageFactory(title="Kulturscheune Barnim")
    assert status.pending_index_updates() == 2
    rows = {row["alias"]: row for row in status.index_status()}
    assert rows[client.alias_name("projects", "de")]["pending"] == 2
    assert rows[client.alias_name("events", "de")]["pending"] == 0


def test_pending_updates_are_zero_with_the_immediate_backend():
    ProjectPageFactory(title="Kulturscheune Oderbruch")
    assert status.pending_index_updates() == 0


def test_index_status_compares_documents_with_live_pages(settings):
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    rows = {row["alias"]: row for row in status.index_status()}
    projects = rows[client.alias_name("projects", "de")]
    assert projects["engine"] == "database"
    assert projects["documents"] == projects["expected"] == 1 and projects["pending"] == 0
    from search.backends import database

    database.remove(page.pk)
    projects = {row["alias"]: row for row in status.index_status()}[client.alias_name("projects", "de")]
    assert (projects["documents"], projects["expected"]) == (0, 1)


@pytest.mark.opensearch
def test_reachable_opensearch_is_ok(opensearch_prefix):
    assert status.search_health() == "ok"
    assert indexing.rebuild_opensearch().ok
    rows = status.index_status()
    assert {row["engine"] for row in rows} == {"opensearch"}
    assert all(row["documents"] == row["expected"] for row in rows)
