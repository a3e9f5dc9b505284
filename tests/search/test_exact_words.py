"""Exact before approximate, through the partner API on both engines: a page holding the query's word
as written (case, umlauts and ß as a visitor may type them) ranks above pages that hold only another
form of its stem, a compound containing it, or a typo of it, all else equal.

Every approximate page is created after the exact one, so it would win the tie-break (newest first)
if the engines scored them alike."""

from __future__ import annotations

import pytest
from django.db import transaction

from frontend_api.partners import create_partner
from plugins.projects.factories import ProjectPageFactory
from tests.frontend_api.conftest import APIClient
from tests.search.conftest import partner_api_engines, rebuilt_opensearch
from tests.search.corpus import body

pytestmark = pytest.mark.django_db

TEASER = "Ein Bericht aus der Region."
#: a title's word in each variant, the rest of the page the same
NETWORKS = {
    "exact": "Netzwerke",
    "stem": "Netzwerken",
    "stem_short": "Netzwerk",
    "part": "Netzwerkinitiativen",
    "typo": "Nezwerke",
}
#: a body's word in each variant, the rest of the page the same
FUNDING = {
    "exact": "Förderung",
    "stem": "Förderungen",
    "part": "fördern",
    "part_compound": "Kulturförderung",
}


def build() -> dict:
    _partner, key, _secret = create_partner("Partner A")
    pages = {"key": key, "networks": {}, "funding": {}}
    for variant, word in NETWORKS.items():  # the exact page first: the oldest
        pages["networks"][variant] = ProjectPageFactory(
            title=f"{word} in der Oberlausitz", teaser=TEASER, body=body("Treffen jeden Monat.")
        )
    for number, (variant, word) in enumerate(FUNDING.items()):
        pages["funding"][variant] = ProjectPageFactory(
            title=f"Chorprojekt {'ABCD'[number]}", teaser=TEASER, body=body(f"Die {word} der Chöre im Vogtland.")
        )
    return pages


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def pages_in_opensearch(pages, opensearch_cluster, django_db_blocker):
    with rebuilt_opensearch(opensearch_cluster, django_db_blocker, "exact") as where:
        yield where


engine = partner_api_engines("pages", "pages_in_opensearch")


def ranked(pages, q: str) -> list[int]:
    answer = APIClient(pages["key"]).json("/api/v1/search/", {"q": q, "locale": "de"})
    return [result["id"] for result in answer["results"]]


def variant_order(found: list[int], group: dict) -> list[str]:
    names = {page.pk: variant for variant, page in group.items()}
    return [names[pk] for pk in found if pk in names]


def test_the_word_as_written_above_its_other_forms_compounds_and_typos(engine, pages):
    order = variant_order(ranked(pages, "Netzwerke"), pages["networks"])
    # Every other form and the compound are found: real rivals. The typo too where the engine looks for
    # typos of a word it knows (OpenSearch's fuzzy match; the database only corrects unknown words).
    assert set(NETWORKS) - {"typo"} <= set(order), order
    assert order[0] == "exact", order
    if engine == "opensearch":
        assert "typo" in order, order


def test_the_word_as_written_above_a_typo_of_it_among_pages_matching_more_words(engine, pages):
    """With a second word every page shares, the typo's page is found on both engines."""
    order = variant_order(ranked(pages, "Netzwerke Oberlausitz"), pages["networks"])
    assert set(order) == set(NETWORKS), order
    assert order[0] == "exact", order


def test_a_word_without_endings_as_written_above_its_inflected_forms(engine, pages):
    order = variant_order(ranked(pages, "Netzwerk"), pages["networks"])
    assert order[0] == "stem_short", order
    assert {"stem", "exact", "part"} <= set(order[1:]), order


@pytest.mark.parametrize("q", ["Förderung", "Foerderung", "FÖRDERUNG", "forderung"])
def test_umlauts_and_case_as_typed_still_count_as_the_word_as_written(engine, pages, q):
    order = variant_order(ranked(pages, q), pages["funding"])
    assert set(order) == set(FUNDING), order
    assert order[0] == "exact", order


def test_an_inflected_query_prefers_its_own_form(engine, pages):
    order = variant_order(ranked(pages, "Förderungen"), pages["funding"])
    assert order[0] == "stem", order
    assert "exact" in order[1:], order
