"""What editors tune and visitors notice, through the partner API on both engines: synonyms and
abbreviations, quoted phrases, and "did you mean"."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from frontend_api.partners import create_partner
from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from search import tuning
from search.models import SearchSynonym
from tests.frontend_api.conftest import APIClient
from tests.search.conftest import partner_api_engines, rebuilt_opensearch
from tests.search.corpus import body

pytestmark = pytest.mark.django_db


def build() -> dict:
    partner_a, key_a, _secret = create_partner("Partner A")
    partner_b, key_b, _secret = create_partner("Partner B")
    report = datetime.date(2024, 5, 10)
    return {
        "keys": {"a": key_a, "b": key_b},
        "nrw": ProjectPageFactory(
            title="Kulturförderung in NRW", teaser="Das Land unterstützt Initiativen vor Ort.", body=body("Mehr dazu.")
        ),
        "nrw_long": ExperienceReportPageFactory(
            title="Theaterarbeit in Nordrhein-Westfalen",
            teaser="Ein Jahr mit freien Gruppen.",
            body=body("Bühnen in kleinen Städten."),
            publication_date=report,
        ),
        "ki": ExperienceReportPageFactory(
            title="Museen lernen dazu",
            teaser="Was künstliche Intelligenz in der Sammlung leisten kann.",
            body=body("Erfahrungen aus drei Häusern."),
            publication_date=report,
        ),
        "ki_scattered": ExperienceReportPageFactory(
            title="Künstliche Blumen im Stadtmuseum",
            teaser="Eine Ausstellung über Intelligenz und Schönheit der Pflanzen.",
            body=body("Für alle Altersgruppen."),
            publication_date=report,
        ),
        "phrase": ProjectPageFactory(
            title="Lokale Vernetzung im Münsterland",
            teaser="Kulturbüros in Westfalen treffen sich jeden Monat.",
            body=body("Gemeinsam planen statt nebeneinander."),
        ),
        "scattered": ExperienceReportPageFactory(
            title="Vernetzung der Museen",
            teaser="Lokale Vereine erzählen, wie sie Besucher gewinnen.",
            body=body("Ein Bericht aus Sachsen."),
            publication_date=report,
        ),
        "zirkus": EventPageFactory(
            title="Zirkus im Park", teaser="Artistik für Kinder und Familien.", body=body("Eintritt frei.")
        ),
        "theirs": ProjectPageFactory(
            title="Trapezkunst für Fortgeschrittene",
            teaser="Nur für die Gruppen von Partner B.",
            body=body("Training am Trapez."),
            partners=[partner_b],
        ),
    }


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def pages_in_opensearch(pages, opensearch_cluster, django_db_blocker):
    with rebuilt_opensearch(opensearch_cluster, django_db_blocker, "tuning") as where:
        yield where


engine = partner_api_engines("pages", "pages_in_opensearch")


def search(pages, q, partner="a", **params):
    body = APIClient(pages["keys"][partner]).json("/api/v1/search/", {"q": q, "locale": "de", **params})
    return body


def found(pages, q, partner="a") -> set[int]:
    return {result["id"] for result in search(pages, q, partner)["results"]}


# --- synonyms and abbreviations ---------------------------------------------------------------------


def test_an_abbreviation_finds_its_long_form_and_back(engine, pages):
    both = {pages["nrw"].pk, pages["nrw_long"].pk}
    assert both <= found(pages, "NRW")
    assert both <= found(pages, "Nordrhein-Westfalen")
    assert both <= found(pages, "nordrhein westfalen")


def test_a_long_form_of_several_words_counts_only_as_that_phrase(engine, pages):
    answer = found(pages, "KI")
    assert pages["ki"].pk in answer
    assert pages["ki_scattered"].pk not in answer


def test_the_word_itself_ranks_above_its_synonym(engine, pages):
    SearchSynonym.objects.create(language="de", terms="Kulturförderung, Theaterarbeit")
    ids = [result["id"] for result in search(pages, "Theaterarbeit")["results"]]
    assert ids[:2] == [pages["nrw_long"].pk, pages["nrw"].pk]


def test_an_edited_entry_applies_to_the_next_search(engine, pages):
    assert found(pages, "Manege") == set()
    entry = SearchSynonym.objects.create(language="de", terms="Manege => Zirkus")
    assert found(pages, "Manege") == {pages["zirkus"].pk}
    assert pages["phrase"].pk not in found(pages, "Zirkus")  # one way: Zirkus does not find Manege pages
    entry.terms = "Manege => Münsterland"
    entry.save()
    assert found(pages, "Manege") == {pages["phrase"].pk}
    entry.delete()
    assert found(pages, "Manege") == set()


def test_another_process_sees_an_edit(engine, pages):
    """Another process's save reaches this one through the shared tuning version alone: the row is
    written without this process's signals, and the other process's save bumped the version."""
    assert found(pages, "Artistenzelt") == set()  # this process now holds the table without it
    SearchSynonym.objects.bulk_create([SearchSynonym(language="de", terms="Artistenzelt, Zirkus")])
    tuning.bump()  # what the other process's save did in its transaction
    assert found(pages, "Artistenzelt") == {pages["zirkus"].pk}


def test_the_snippet_marks_the_form_a_synonym_stands_for(engine, pages):
    results = {result["id"]: result for result in search(pages, "KI")["results"]}
    assert "<mark>künstliche</mark> <mark>Intelligenz</mark>" in results[pages["ki"].pk]["highlight"]
    results = {result["id"]: result for result in search(pages, "Nordrhein-Westfalen")["results"]}
    assert "<mark>NRW</mark>" in results[pages["nrw"].pk]["highlight"]


def test_a_search_reads_the_tuning_once_before_the_engine(engine, pages):
    """Synonyms and promotions cost one primary-key read per search (the tuning version), however
    often the query is parsed; their tables are read again only after a change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def tuning_reads(q: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            search(pages, q)
        tables = ("searchsynonym", "promot", "tuningversion")
        return [query["sql"] for query in captured.captured_queries if any(t in query["sql"].lower() for t in tables)]

    search(pages, "Zirkus")  # this process holds the current tuning
    for q in ("Zirkus", "Zürkis im Park", "KI"):  # a hit, a "did you mean" (parsed twice), a synonym
        reads = tuning_reads(q)
        assert len(reads) == 1 and "tuningversion" in reads[0].lower(), reads
    SearchSynonym.objects.create(language="de", terms="Manege => Zirkus")
    assert len(tuning_reads("Manege")) == 3  # the version, then the changed synonyms and promotions once
    assert len(tuning_reads("Manege")) == 1


def test_synonyms_are_per_language(engine, pages):
    SearchSynonym.objects.create(language="en", terms="Manege, Zirkus")
    assert found(pages, "Manege") == set()


# --- quoted phrases -----------------------------------------------------------------------------------


def test_a_quoted_phrase_matches_only_that_phrase(engine, pages):
    loose = found(pages, "lokale Vernetzung")
    assert {pages["phrase"].pk, pages["scattered"].pk} <= loose
    assert found(pages, '"lokale Vernetzung"') == {pages["phrase"].pk}
    assert found(pages, '"LOKALE vernetzung"') == {pages["phrase"].pk}
    assert found(pages, '"Vernetzung lokale"') == set()


def test_a_phrase_and_loose_words_together(engine, pages):
    assert found(pages, '"lokale Vernetzung" Westfalen') == {pages["phrase"].pk}
    assert found(pages, 'Museen "lokale Vereine"') == {pages["scattered"].pk}


def test_an_unbalanced_quote_is_a_plain_word(engine, pages):
    assert found(pages, 'lokale "Vernetzung') == found(pages, "lokale Vernetzung")
    assert found(pages, '"') == set()
    assert search(pages, '""')["count"] == 0


# --- did you mean -------------------------------------------------------------------------------------


def test_a_query_finding_nothing_suggests_a_correction_that_finds(engine, pages):
    answer = search(pages, "Zürkis im Park")
    assert answer["suggestion"] == "Zirkus im Park"
    assert search(pages, answer["suggestion"])["count"] >= 1


def test_no_suggestion_when_the_query_finds_enough_or_nothing_is_close(engine, pages):
    assert search(pages, "Zirkus")["suggestion"] is None
    assert search(pages, "Qwxyzzy")["suggestion"] is None


def test_no_suggestion_swaps_a_short_word_for_another(engine, pages):
    """A word too short for the search to forgive a typo in is not "corrected" to a neighbour either:
    a visitor searching "Mark" means no "Park"."""
    assert search(pages, "Mark")["count"] == 0
    assert search(pages, "Mark")["suggestion"] is None
    assert search(pages, "Musse")["suggestion"] is None  # one letter more than "Muse", no swap
    assert search(pages, "Zürkis im Park")["suggestion"] == "Zirkus im Park"


def test_a_short_word_with_two_letters_swapped_is_corrected(engine, pages):
    """The commonest typo, two neighbouring letters swapped, is corrected even in a word too short for
    the search itself to forgive a typo in."""
    answer = search(pages, "Prak")
    assert answer["count"] == 0
    assert answer["suggestion"] == "Park"
    assert search(pages, answer["suggestion"])["count"] >= 1


def test_a_suggestion_never_reveals_another_partners_words(engine, pages):
    assert search(pages, "Trapezkunts", partner="a")["suggestion"] is None
    assert search(pages, "Trapezkunts", partner="a")["count"] == 0
    assert search(pages, "Trapezkunts", partner="b")["suggestion"] is None
