"""Full rebuilds: zero downtime on OpenSearch, honest exit codes, and writes that land everywhere."""

import threading
import time

import pytest
from django.core.management import CommandError, call_command

from plugins.projects.factories import ProjectPageFactory
from search import client, indexing, queries
from search.backends import opensearch
from search.models import SearchDocument
from tests.search.helpers import database_state, opensearch_state

pytestmark = pytest.mark.django_db


def test_database_rebuild_indexes_every_live_page(corpus, capsys):
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", "--no-progress")
    out = capsys.readouterr().out
    expected = sum(len(pages) for pages in database_state().values())
    assert f"database: {expected} of {expected} live pages indexed" in out
    assert SearchDocument.objects.count() == expected
    assert queries.search("Lichtspielhaus", partner=None, locale="de")["count"] == 3


def test_database_rebuild_fails_when_a_page_is_missing_from_the_index(corpus, monkeypatch):
    from wagtail.search.models import IndexEntry

    monkeypatch.setattr(indexing, "call_command", lambda *args, **kwargs: None)  # update_index "crashed"
    IndexEntry.objects.all().delete()
    with pytest.raises(CommandError, match="incomplete"):
        call_command("rebuild_search_index", "--no-progress")


def test_database_rebuild_removes_documents_of_pages_gone_meanwhile(corpus):
    SearchDocument.objects.create(id=999_999, type="projects", locale="de", title="Verwaist")
    indexing.rebuild_database()
    assert not SearchDocument.objects.filter(id=999_999).exists()


@pytest.mark.opensearch
def test_rebuild_swaps_aliases_to_new_indices_and_removes_the_old(corpus, opensearch_prefix):
    first = indexing.rebuild_opensearch()
    assert first.ok, first.failures
    before = opensearch.aliases_by_index()
    time.sleep(1.1)  # a new stamp
    second = indexing.rebuild_opensearch()
    assert second.ok, second.failures
    after = opensearch.aliases_by_index()
    assert not set(before) & set(after)  # every old index is gone
    assert sorted(alias for aliases in after.values() for alias in aliases) == sorted(
        alias for alias, _language, _definition in opensearch.families()
    )
    assert opensearch_state() == database_state()


@pytest.mark.opensearch
def test_searches_keep_answering_during_a_rebuild(corpus, opensearch_prefix, monkeypatch):
    assert indexing.rebuild_opensearch().ok
    opensearch.refresh()
    request = queries.build_request("Soziokultur", partner=None, locale="de")
    expected = opensearch.search(request)
    assert expected["count"] > 0

    slow_documents = indexing.iter_documents

    def slowly(*args, **kwargs):
        for doc in slow_documents(*args, **kwargs):
            time.sleep(0.01)
            yield doc

    monkeypatch.setattr(indexing, "iter_documents", slowly)
    answers, errors, stop = [], [], threading.Event()

    def visitor():
        while not stop.is_set():
            try:
                answer = opensearch.search(request)
                answers.append((answer["count"], tuple(r["id"] for r in answer["results"])))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    thread = threading.Thread(target=visitor)
    thread.start()
    try:
        report = indexing.rebuild_opensearch()
    finally:
        stop.set()
        thread.join()
    assert report.ok, report.failures
    assert errors == []
    assert len(answers) > 20
    assert set(answers) == {(expected["count"], tuple(r["id"] for r in expected["results"]))}


@pytest.mark.opensearch
def test_a_failed_rebuild_leaves_the_live_aliases_alone(corpus, opensearch_prefix, monkeypatch):
    assert indexing.rebuild_opensearch().ok
    before = opensearch.aliases_by_index()
    real_build = indexing.build_document

    def broken(page, definition):
        doc = real_build(page, definition)
        if page.pk == corpus["meissen"].pk:
            doc["unexpected_field"] = "rejected by the strict mapping"
        return doc

    monkeypatch.setattr(indexing, "build_document", broken)
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--no-progress", "--opensearch-only")
    assert opensearch.aliases_by_index() == before
    assert queries.search("Stiftung", partner=None, locale="de")["engine"] == "opensearch"


@pytest.mark.opensearch
def test_changes_while_a_rebuild_loads_are_in_the_new_index(corpus, opensearch_prefix, monkeypatch):
    assert indexing.rebuild_opensearch().ok
    slow_documents = indexing.iter_documents
    changed = []

    def meanwhile(*args, **kwargs):
        for doc in slow_documents(*args, **kwargs):
            if not changed:
                changed.append(ProjectPageFactory(title="Kulturscheune Oderbruch"))
                corpus["lichtspiel_title"].unpublish()
            yield doc

    monkeypatch.setattr(indexing, "iter_documents", meanwhile)
    assert indexing.rebuild_opensearch().ok
    assert opensearch_state() == database_state()


@pytest.mark.opensearch
def test_an_update_reaches_every_index_of_its_family(corpus, opensearch_prefix):
    assert indexing.rebuild_opensearch().ok
    alias = client.alias_name("projects", "de")
    loading = opensearch.new_index_name(alias, "29990101000000")  # as a rebuild in progress
    opensearch.create_index(loading, "de")
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    client.get_client().indices.refresh(index=f"{alias}--*")
    for name in opensearch.family_indices(alias):
        assert client.get_client().exists(index=name, id=str(page.pk)), name


@pytest.mark.opensearch
def test_search_status_reports_documents_expected_and_pending(corpus, opensearch_prefix, capsys, settings):
    assert indexing.rebuild_opensearch().ok
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ProjectPageFactory(title="Kulturscheune Oderbruch")  # queued, not yet indexed
    call_command("search_status")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("engine: opensearch  health: ok  pending updates: 1")
    row = next(line for line in lines if line.startswith(client.alias_name("projects", "de") + " "))
    expected = len(database_state()[client.alias_name("projects", "de")])
    assert row.split()[1:4] == [str(expected - 1), str(expected), "1"]


@pytest.mark.opensearch
def test_a_rebuild_leaves_its_indices_refreshing_and_replicated_like_a_new_index(corpus, opensearch_prefix):
    """A rebuild loads without periodic refresh and without replicas; the live indices must not keep
    that (on a real cluster a publish would never become searchable)."""
    os_client = client.get_client()
    fresh = f"{opensearch_prefix}-settings-probe"
    opensearch.create_index(fresh, "de")
    keys = ("refresh_interval", "number_of_replicas")
    expected = {key: os_client.indices.get_settings(index=fresh)[fresh]["settings"]["index"].get(key) for key in keys}
    os_client.indices.delete(index=fresh)

    report = indexing.rebuild_opensearch()

    assert report.ok, report.failures
    live = {alias for alias, _language, _definition in opensearch.families()}
    answer = os_client.indices.get_settings(index=",".join(sorted(live)))
    assert len(answer) == len(live)
    for info in answer.values():
        assert {key: info["settings"]["index"].get(key) for key in keys} == expected
    assert report.written == report.expected
