"""Fixtures for search tests: an OpenSearch to talk to, and a realistic German/English corpus.

OpenSearch tests (marker `opensearch`) run against a clone of the session's osmem-server by default,
and against the cluster at OPENSEARCH_URL when that is set in the environment; either way under an
index prefix unique to the run, deleted afterwards.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from django.db import transaction
from django.test import override_settings

from tests.frontend_api.conftest import api, other_api  # noqa: F401 - partner clients for the API tests here
from tests.search import corpus as corpus_module

RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def opensearch_cluster(request):
    """A factory of OpenSearch URLs: each call gives a fresh osmem clone (closed at session end),
    or the real cluster from OPENSEARCH_URL."""
    external = os.environ.get("OPENSEARCH_URL", "").strip()
    clones = []

    def new_url() -> str:
        if external:
            return external
        server = request.getfixturevalue("osmem_server")
        clone = server.clone()
        clones.append(clone)
        return clone.url

    yield new_url
    for clone in clones:
        try:
            clone.close()
        except Exception:  # noqa: BLE001 - the server may have stopped before its clones
            pass


def delete_prefix(url: str, prefix: str) -> None:
    from django.conf import settings
    from opensearchpy import OpenSearch

    verify = getattr(settings, "OPENSEARCH_VERIFY_CERTS", True)
    try:
        os_client = OpenSearch(hosts=[url], verify_certs=verify, ssl_show_warn=verify)
        names = list(os_client.indices.get(index=f"{prefix}-*"))  # by name: wildcard deletes may be refused
        if names:
            os_client.indices.delete(index=",".join(names), ignore_unavailable=True)
    except Exception:  # noqa: BLE001 - cleanup of a cluster that may be gone (outage tests)
        pass


def unique_prefix(name: str) -> str:
    return f"kh-test-{RUN_ID}-{name}-{uuid.uuid4().hex[:6]}".lower()


@contextlib.contextmanager
def pointed_at(url: str, prefix: str, **extra):
    """Settings pointing the hub at `url` under `prefix`, without cleanup."""
    from search import client

    with override_settings(OPENSEARCH_URL=url, OPENSEARCH_INDEX_PREFIX=prefix, **extra):
        client.mark_up()
        try:
            yield prefix
        finally:
            client.mark_up()


@contextlib.contextmanager
def opensearch_settings(url: str, name: str, **extra):
    """Points the hub at `url` with a unique index prefix; deletes the prefix's indices afterwards."""
    prefix = unique_prefix(name)
    try:
        with pointed_at(url, prefix, **extra):
            yield prefix
    finally:
        delete_prefix(url, prefix)


@pytest.fixture
def opensearch_prefix(opensearch_cluster, request):
    """This test talks to OpenSearch under its own prefix; yields the prefix."""
    with opensearch_settings(opensearch_cluster(), request.node.name[:20].strip("[]")) as prefix:
        yield prefix


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The realistic pages of `tests.search.corpus`, created once per module and rolled back after it.
    With the immediate task backend their documents are in the database engine already."""
    with django_db_blocker.unblock(), transaction.atomic():
        pages = corpus_module.build()
        yield pages
        transaction.set_rollback(True)


@contextlib.contextmanager
def rebuilt_opensearch(opensearch_cluster, django_db_blocker, name: str):
    """Every live page indexed into OpenSearch by a full rebuild under a fresh prefix, for a module's
    read-only query tests: (url, prefix); the indices are deleted afterwards."""
    from search import indexing
    from search.backends import opensearch

    url, prefix = opensearch_cluster(), unique_prefix(name)
    try:
        with pointed_at(url, prefix), django_db_blocker.unblock():
            report = indexing.rebuild_opensearch()
            assert report.ok, report.failures
            opensearch.refresh()
        yield url, prefix
    finally:
        delete_prefix(url, prefix)


@pytest.fixture(scope="module")
def corpus_in_opensearch(corpus, opensearch_cluster, django_db_blocker):
    """The corpus indexed into OpenSearch by a full rebuild, for read-only query tests: (url, prefix)."""
    with rebuilt_opensearch(opensearch_cluster, django_db_blocker, "corpus") as where:
        yield where


@pytest.fixture(params=["database", pytest.param("opensearch", marks=pytest.mark.opensearch)])
def engine(request, corpus):
    """Runs a query test once on the database engine and once on OpenSearch, same corpus."""
    if request.param == "opensearch":
        url, prefix = request.getfixturevalue("corpus_in_opensearch")
        with pointed_at(url, prefix):
            yield "opensearch"
    else:
        yield "database"


class Engine:
    def __init__(self, name: str):
        self.name = name

    def ready(self):
        """The pages created so far are searchable on this engine (OpenSearch: rebuilt and refreshed)."""
        if self.name == "opensearch":
            from search import indexing
            from search.backends import opensearch

            report = indexing.rebuild_opensearch()
            assert report.ok, report.failures
            opensearch.refresh()


@pytest.fixture(params=["database", pytest.param("opensearch", marks=pytest.mark.opensearch)])
def api_engine(request, db, de, en):
    """Runs a partner API test once per engine on pages the test creates; `api_engine.ready()` makes them
    searchable there."""
    if request.param == "opensearch":
        url = request.getfixturevalue("opensearch_cluster")()
        with opensearch_settings(url, "promo"):
            yield Engine("opensearch")
    else:
        yield Engine("database")


def partner_api_engines(data: str, indexed: str):
    """An `engine` fixture for partner-API tests over a module's own pages: each test runs once on the
    database engine and once on OpenSearch (`indexed`: the fixture that rebuilt the index over `data`),
    with the answer cache and the key memo cleared around it."""

    @pytest.fixture(params=["database", pytest.param("opensearch", marks=pytest.mark.opensearch)])
    def engine(request):
        from django.core.cache import cache

        from frontend_api.authentication import forget_keys

        request.getfixturevalue(data)
        cache.clear()
        forget_keys()
        if request.param == "opensearch":
            url, prefix = request.getfixturevalue(indexed)
            with pointed_at(url, prefix):
                yield "opensearch"
        else:
            yield "database"
        cache.clear()

    return engine
