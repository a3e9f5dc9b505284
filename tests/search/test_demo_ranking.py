"""Fact queries a visitor of the demo portal would ask (the demo content keeps the seed texts' facts):
the right page first, on both engines."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from search import queries
from tests.search.conftest import pointed_at, rebuilt_opensearch

pytestmark = pytest.mark.django_db

FACTS = [
    ("Künstliche Intelligenz", "Austauschtreffen: Künstliche Intelligenz in kommunalen Kulturverwaltungen"),
    ("lokale Vernetzung", "Austauschtreffen: Lokale Vernetzung und Netzwerke"),
    ("Kreativwirtschaft Görlitz", "Beratungstag Kultur- und Kreativwirtschaft in Görlitz"),
    ("Netzwerkreise Prag", "Netzwerkreise nach Prag zur designblok"),
    ("NEUSTART KULTUR", "NEUSTART KULTUR – Programm des Fonds Soziokultur"),
    ("Kultur in Westfalen", "Kultur in Westfalen – Förderung für Engagement in der Kultur"),
    ("Zukunftsplattform", "Erfahrungsbericht: SOZIAL.INNOVATIV.SÄCHSISCH. – unterwegs zur Zukunftsplattform"),
    ("Strukturaufbau Soziokultur", "Strukturaufbau Soziokultur – ein soziokulturelles Netzwerk für Meißen"),
    ("Kreisverwaltungen", "Austauschtreffen: Kreisverwaltungen und bürgerschaftliches Kulturengagement"),
    ("100 Tage Kreatives Sachsen", "100 Tage Kreatives Sachsen – eine erste Bilanz"),
    ("Aufgabenverständnis", "Austauschtreffen: Personal und Aufgabenverständnis"),
]
#: the pages that hold the word "Netzwerkinitiativen" itself (the others hold only its parts)
WITH_THE_WORD = {"100 Tage Kreatives Sachsen – eine erste Bilanz", "Kreatives Sachsen – Beratung vor Ort und Netzwerkreisen"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content, imported and published once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("import_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_in_opensearch(demo, opensearch_cluster, django_db_blocker):
    with rebuilt_opensearch(opensearch_cluster, django_db_blocker, "demo") as where:
        yield where


@pytest.fixture(params=["database", pytest.param("opensearch", marks=pytest.mark.opensearch)])
def engine(request, demo):
    if request.param == "opensearch":
        url, prefix = request.getfixturevalue("demo_in_opensearch")
        with pointed_at(url, prefix):
            yield "opensearch"
    else:
        yield "database"


def titles(q):
    return [result["title"] for result in queries.search(q, partner=None, locale="de")["results"]]


def test_fact_queries_put_the_right_page_first(engine):
    firsts = {q: (titles(q) or [None])[0] for q, _title in FACTS}
    assert firsts == dict(FACTS)


def test_the_word_as_written_above_pages_matching_only_its_parts(engine):
    found = titles("Netzwerkinitiativen")
    assert set(found[:2]) == WITH_THE_WORD, found

