"""Reconciliation: an index that lost, kept or changed documents behind the hub's back is found out
per document, reported, avoided by searches, and repaired through the queue."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from search import client, indexing, queries, reconcile, status
from tests.search.conftest import delete_prefix
from tests.search.helpers import DATABASE_QUEUE, database_state, drain, opensearch_state

pytestmark = pytest.mark.django_db


def search(text, locale="de"):
    answer = queries.search(text, partner=None, locale=locale)
    return answer["engine"], {r["id"] for r in answer["results"]}


def health() -> dict:
    return Client().get("/api/v1/health/").json()


def test_database_engine_drift_is_found_and_repaired(settings):
    """Without OpenSearch the database engine's own rows are compared the same way."""
    from search.backends import database
    from search.models import SearchDocument

    kept = ProjectPageFactory(title="Kulturscheune Oderbruch")
    lost = ProjectPageFactory(title="Kulturscheune Barnim")
    changed = EventPageFactory(title="Sommerfest der Kulturscheune")
    assert reconcile.reconcile().drift == 0
    settings.TASKS = DATABASE_QUEUE
    database.remove(lost.pk)
    SearchDocument.objects.filter(pk=changed.pk).update(title="Winterfest")
    report = reconcile.reconcile()
    by_kind = {(d.alias, kind): ids for d in report.aliases for kind, ids in
               (("missing", d.missing), ("stale", d.stale), ("extra", d.extra)) if ids}
    assert by_kind == {
        (client.alias_name("projects", "de"), "missing"): {lost.pk},
        (client.alias_name("events", "de"), "stale"): {changed.pk},
    }
    assert health()["status"] == "degraded" and health()["checks"]["search_drift"] == 2
    rows = {row["alias"]: row for row in status.index_status()}
    assert rows[client.alias_name("projects", "de")]["drift"] == 1
    out = StringIO()
    call_command("search_status", stdout=out)
    [projects] = [line.split() for line in out.getvalue().splitlines() if line.startswith(f"{client.alias_name('projects', 'de')} ")]
    assert projects[1:] == ["1", "2", "1", "1", "updating"]  # documents, expected, pending, drift, state
    drain()
    assert health()["checks"]["search_drift"] == 0 and health()["status"] == "ok"
    assert reconcile.reconcile().drift == 0
    assert search("Kulturscheune")[1] == {kept.pk, lost.pk, changed.pk}


@pytest.mark.opensearch
def test_an_emptied_opensearch_heals_without_an_operator(opensearch_prefix):
    # Settings changed with nested contexts only: the fixture's own override must be undone last.
    from django.conf import settings

    kept = ProjectPageFactory(title="Kulturscheune Oderbruch")
    edited = ProjectPageFactory(title="Kulturscheune Barnim")
    event = EventPageFactory(title="Sommerfest der Kulturscheune")
    deleted = EventPageFactory(title="Herbstmarkt in der Kulturscheune")
    assert indexing.rebuild_opensearch().ok
    assert search("Kulturscheune") == ("opensearch", {kept.pk, edited.pk, event.pk, deleted.pk})

    with override_settings(TASKS=DATABASE_QUEUE):
        # Behind the hub's back: every index is gone (an OpenSearch restarted without its data).
        delete_prefix(settings.OPENSEARCH_URL, opensearch_prefix)
        report = reconcile.reconcile()
        expected_total = sum(len(ids) for ids in database_state().values())
        assert report.drift == expected_total > 0
        body = health()
        assert body["status"] == "degraded" and body["checks"]["search_drift"] == expected_total
        assert body["checks"]["search"] == "ok"
        # The aliases exist again, empty: searches answer from the database meanwhile, complete.
        assert search("Kulturscheune") == ("database", {kept.pk, edited.pk, event.pk, deleted.pk})

        drain()
        assert opensearch_state() == database_state()
        assert health() == {
            "status": "ok",
            "checks": {"database": "ok", "search": "ok", "pending_index_updates": 0, "search_drift": 0},
        }
        assert search("Kulturscheune") == ("opensearch", {kept.pk, edited.pk, event.pk, deleted.pk})

        # A document edited directly in OpenSearch, and one left behind for a page deleted without
        # its update (the delete's task lost): both found, both repaired.
        os_client = client.get_client()
        projects = client.alias_name("projects", "de")
        source = os_client.get(index=projects, id=str(edited.pk))["_source"]
        os_client.index(index=projects, id=str(edited.pk), body={**source, "title": "Falscher Titel"}, refresh=True)
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
            deleted.delete()
        assert deleted.pk in opensearch_state()[client.alias_name("events", "de")]
        report = reconcile.reconcile()
        found = {(d.engine, kind, pk) for d in report.aliases
                 for kind, ids in (("missing", d.missing), ("stale", d.stale), ("extra", d.extra)) for pk in ids}
        assert found == {
            ("opensearch", "stale", edited.pk),
            ("opensearch", "extra", deleted.pk),
            ("database", "extra", deleted.pk),
        }
        assert health()["checks"]["search_drift"] == 3
        drain()
        assert opensearch_state() == database_state()
        assert health()["status"] == "ok"
        assert search("Kulturscheune") == ("opensearch", {kept.pk, edited.pk, event.pk})


def test_a_page_with_a_queued_update_is_not_queued_again(settings):
    from search.models import SearchDocument

    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    settings.TASKS = DATABASE_QUEUE
    SearchDocument.objects.filter(pk=page.pk).update(title="Winterfest")
    assert reconcile.reconcile().drift == 1
    assert status.pending_index_updates() == 1
    assert reconcile.reconcile().drift == 1  # the worker has not come round yet
    assert status.pending_index_updates() == 1
    drain()
    assert reconcile.reconcile().drift == 0


def test_a_page_that_keeps_drifting_is_given_up_until_it_changes(settings, caplog):
    """Whatever breaks its document again after each repair: five repairs, then an error naming the
    page, no more updates queued for it, and its drift still reported."""
    from search.models import SearchDocument

    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    settings.TASKS = DATABASE_QUEUE

    def break_it():
        SearchDocument.objects.filter(pk=page.pk).update(title="Winterfest")

    for _repair in range(reconcile.MAX_REPAIRS):
        break_it()
        assert reconcile.reconcile().drift == 1
        assert status.pending_index_updates() == 1
        drain()
    break_it()
    caplog.clear()
    assert reconcile.reconcile().drift == 1
    assert status.pending_index_updates() == 0
    assert f"drift of pages [{page.pk}] persists after 5 repairs" in caplog.text
    assert [r.levelname for r in caplog.records if str(page.pk) in r.getMessage()] == ["ERROR"]
    caplog.clear()
    assert reconcile.reconcile().drift == 1 and status.pending_index_updates() == 0
    assert "persists" not in caplog.text  # said once
    assert health()["checks"]["search_drift"] == 1

    # An editor changes the page: its documents differ, so repairs start afresh.
    page.title = "Kulturscheune Barnim"
    page.save_revision().publish()
    assert reconcile.reconcile().drift == 1
    assert status.pending_index_updates() == 1
    drain()
    assert reconcile.reconcile().drift == 0
    assert search("Barnim")[1] == {page.pk}


@pytest.mark.opensearch
def test_fields_a_newer_hub_maps_reach_the_indices_of_an_older_one(opensearch_prefix, monkeypatch):
    """Indices built by a hub that did not map the words as written yet: reconciliation adds the fields,
    the documents count as drift (searches answer from the database meanwhile), repairs rewrite them,
    and OpenSearch ranks the word as written first."""
    from search import documents
    from search.backends import database, opensearch

    exact = ProjectPageFactory(title="Netzwerke in der Oberlausitz")
    stem = ProjectPageFactory(title="Netzwerken in der Oberlausitz")
    newer = ("title_written", "teaser_written", "body_written")

    def older_mapping(definitions):
        properties = documents.mapping(definitions)["properties"]
        return {"dynamic": "strict", "properties": {k: v for k, v in properties.items() if k not in newer}}

    def older_document(*args, **kwargs):
        return {k: v for k, v in documents.build_document(*args, **kwargs).items() if k not in newer}

    with monkeypatch.context() as older_hub:
        older_hub.setattr(opensearch, "mapping", older_mapping)
        older_hub.setattr(indexing, "build_document", older_document)
        # the older hub's database copy had no written words either (a rebuild's catch-up writes there too)
        older_hub.setattr(database, "DOCUMENT_FIELDS", [f for f in database.DOCUMENT_FIELDS if f not in newer])
        assert indexing.rebuild_opensearch().ok
    opensearch.refresh()
    assert search("Netzwerke") == ("opensearch", {exact.pk, stem.pk})

    with override_settings(TASKS=DATABASE_QUEUE):
        report = reconcile.reconcile()
        assert {(d.alias, pk) for d in report.aliases if d.engine == "opensearch" for pk in d.stale} == {
            (client.alias_name("projects", "de"), exact.pk),
            (client.alias_name("projects", "de"), stem.pk),
        }
        assert search("Netzwerke")[0] == "database"
        drain()
    assert reconcile.reconcile().drift == 0
    answer = queries.search("Netzwerke", partner=None, locale="de")
    assert (answer["engine"], [r["id"] for r in answer["results"]]) == ("opensearch", [exact.pk, stem.pk])
