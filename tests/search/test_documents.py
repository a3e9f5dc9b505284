"""Search documents as built from the types' selectors, and the registry that finds the types."""

import datetime
from pathlib import Path

import pytest
from wagtail.rich_text import RichText

from plugins.events.factories import EventPageFactory
from plugins.events.models import BERLIN
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.shared import content_types
from plugins.shared.factories import ContactPersonFactory, OrganisationFactory, PartnerFactory, TopicFactory
from search import registry
from search.documents import build_document
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


def document_of(page):
    definition = registry.for_model(type(page))
    return build_document(definition.queryset().get(pk=page.pk), definition)


def test_every_content_type_registers_itself():
    assert sorted(registry.types()) == sorted(content_types.names())
    assert {"events", "funding", "projects", "reports"} <= set(registry.types())


def test_search_names_no_content_type():
    source = Path(registry.__file__).parent
    for path in source.rglob("*.py"):
        text = path.read_text()
        for name in ("plugins.events", "plugins.funding", "plugins.projects", "plugins.reports", "EventPage"):
            assert name not in text, f"{path} names {name}"


def test_event_document():
    organisation = OrganisationFactory(name="Kulturbüro Sachsen e.V.")
    contact = ContactPersonFactory(name="Jana Beispiel", organisation=organisation)
    topic = TopicFactory(name="Soziokultur", slug="soziokultur")
    partner = PartnerFactory()
    page = EventPageFactory(
        title="Werkstattgespräch",
        teaser="Austausch am Nachmittag.",
        body=[("rich_text", RichText("<p>Wir sprechen über <b>Förderung</b>.</p>"))],
        start=datetime.datetime(2025, 3, 6, 14, 0, tzinfo=BERLIN),
        contacts=[contact],
        topics=[topic],
        partners=[partner],
        venue="Zentrum Hafenstraße",
    )
    doc = document_of(page)
    assert doc["type"] == "events" and doc["locale"] == "de" and doc["id"] == page.pk
    assert "Wir sprechen über Förderung." in doc["body"] and "<b>" not in doc["body"]
    assert "Zentrum Hafenstraße" in doc["body"]
    assert "Jana Beispiel" in doc["related"] and "Kulturbüro Sachsen e.V." in doc["related"]
    assert doc["topics"] == ["soziokultur"] and doc["partners"] == [str(partner.pk)]
    assert doc["date_start"] == doc["date_end"] == "2025-03-06" and doc["year"] == 2025
    assert doc["current"] == [{"lte": "2025-03-06"}]
    assert doc["details"]["event_start"].startswith("2025-03-06T13:00")
    assert "forderung" in doc["body_terms"].split()
    assert doc["url"] == page.full_url and doc["url"].startswith("http")


def test_funding_document_keeps_its_rounds():
    page = FundingPageFactory(title="Mikroförderung", rounds=[a_round(-5, 20), a_round(100, 150)])
    doc = document_of(page)
    opens, closes = a_round(-5, 20)
    later_opens, later_closes = a_round(100, 150)
    assert doc["current"] == [
        {"gte": opens.isoformat(), "lte": closes.isoformat()},
        {"gte": later_opens.isoformat(), "lte": later_closes.isoformat()},
    ]
    assert doc["coming"][-1] == {"lte": (later_opens - datetime.timedelta(days=1)).isoformat()}
    assert doc["details"]["funding_status"] == "open"
    assert doc["details"]["funding_deadlines"] == [closes.isoformat(), later_closes.isoformat()]
    assert doc["partners"] == ["all"]


def test_rolling_funding_is_always_current():
    doc = document_of(FundingPageFactory(title="Laufende Förderung", rolling=True))
    assert doc["current"] == [{}]


def test_database_copy_matches_the_document():
    page = FundingPageFactory(title="Mikroförderung", rounds=[a_round(-5, 20)])
    row = SearchDocument.objects.get(id=page.pk)
    doc = document_of(page)
    assert (row.title, row.type, row.title_terms, row.current) == (
        doc["title"],
        "funding",
        doc["title_terms"],
        doc["current"],
    )
    assert {(t.kind, t.value) for t in row.tags.all()} == {("partner", "all")}


def test_an_inverted_period_is_indexed_the_other_way_round():
    """OpenSearch refuses a date_range whose end lies before its start; a row written around the
    model's validation (bulk loads) must not keep a whole rebuild from finishing."""
    import datetime

    from search.documents import period_bounds

    early, late = datetime.date(2026, 3, 1), datetime.date(2026, 5, 31)
    assert period_bounds([(late, early)]) == [{"gte": "2026-03-01", "lte": "2026-05-31"}]
    assert period_bounds([(early, None), (None, late)]) == [{"gte": "2026-03-01"}, {"lte": "2026-05-31"}]
