"""What the API and the search index read: visibility, filters, derived status and order."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.events.models import BERLIN
from plugins.events.selectors import between, events, upcoming
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.funding.selectors import funding, with_funding_status
from plugins.projects.factories import ProjectPageFactory
from plugins.projects.selectors import projects
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.reports.selectors import reports
from plugins.shared.factories import PartnerFactory, RegionFactory, TopicFactory
from plugins.shared.selectors import with_region, with_topic


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def partners(db):
    return PartnerFactory(name="Kulturportal Sachsen"), PartnerFactory(name="Engagement NRW")


def titles(queryset) -> list[str]:
    return [page.title for page in queryset]


def test_visibility_live_public_and_shared(partners):
    sachsen, nrw = partners
    ProjectPageFactory(title="Für alle")
    ProjectPageFactory(title="Nur Sachsen", partners=[sachsen])
    ProjectPageFactory(title="Entwurf", publish=False)
    private = ProjectPageFactory(title="Geschützt")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    unpublished = ProjectPageFactory(title="Zurückgezogen")
    unpublished.unpublish()

    assert sorted(titles(projects(partner=sachsen))) == ["Für alle", "Nur Sachsen"]
    assert titles(projects(partner=nrw)) == ["Für alle"]
    assert titles(projects(partner=None)) == ["Für alle"]


def test_locale_filter(en):
    german = ProjectPageFactory(title="Projekt")
    ProjectPageFactory(title="Project", locale=en)
    assert titles(projects(locale="de")) == [german.title]
    assert titles(projects(locale=en)) == ["Project"]


def test_topic_and_region_filters_include_subregions(db):
    topic = TopicFactory(slug="soziokultur")
    sachsen = RegionFactory(name="Sachsen", slug="sachsen", kind="land")
    kreis = RegionFactory(name="Landkreis Meißen", slug="landkreis-meissen", kind="landkreis", parent=sachsen)
    meissen = RegionFactory(name="Meißen", slug="meissen", kind="gemeinde", parent=kreis)
    nrw = RegionFactory(name="Nordrhein-Westfalen", slug="nrw", kind="land")
    ProjectPageFactory(title="Meißen", regions=[meissen], topics=[topic])
    ProjectPageFactory(title="Rheine", regions=[nrw])

    assert titles(with_region(projects(), "sachsen")) == ["Meißen"]
    assert titles(with_region(projects(), "meissen")) == ["Meißen"]
    assert titles(with_region(projects(), "nrw")) == ["Rheine"]
    assert titles(with_topic(projects(), "soziokultur")) == ["Meißen"]
    assert titles(with_region(projects(), "unbekannt")) == []


def test_events_by_start_between_and_upcoming(db):
    now = timezone.now()
    EventPageFactory(title="Kreisverwaltungen", start=berlin(2025, 9, 8, 14), end=berlin(2025, 9, 8, 16))
    EventPageFactory(title="Personal", start=berlin(2024, 5, 17, 14), end=berlin(2024, 5, 17, 16))
    EventPageFactory(title="KI", start=berlin(2025, 3, 6, 14), end=berlin(2025, 3, 6, 16))
    EventPageFactory(title="Nächstes Treffen", start=now + datetime.timedelta(days=30), end=None)
    EventPageFactory(title="Läuft gerade", start=now - datetime.timedelta(hours=1),
                     end=now + datetime.timedelta(hours=1))

    assert titles(events())[:3] == ["Personal", "KI", "Kreisverwaltungen"]
    assert titles(between(events(), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))) == [
        "KI", "Kreisverwaltungen"]
    # both ends inclusive, in Berlin time
    assert titles(between(events(), datetime.date(2025, 3, 6), datetime.date(2025, 3, 6))) == ["KI"]
    assert titles(upcoming(events())) == ["Läuft gerade", "Nächstes Treffen"]


def test_all_day_event_is_upcoming_until_its_day_ends(db):
    today_start = datetime.datetime.combine(timezone.localdate(), datetime.time(0, 0), tzinfo=BERLIN)
    EventPageFactory(title="Beratungstag", start=today_start, end=None, all_day=True)
    assert titles(upcoming(events())) == ["Beratungstag"]


def test_funding_status_and_order(db):
    FundingPageFactory(title="Geschlossen", rounds=[a_round(-60, -30)])
    FundingPageFactory(title="Offen, Frist später", rounds=[a_round(-10, 40)])
    FundingPageFactory(title="Offen, Frist bald", rounds=[a_round(-10, 5), a_round(100, 200)])
    FundingPageFactory(title="Demnächst", rounds=[a_round(20, 60)])
    FundingPageFactory(title="Laufend", rounds=[], rolling=True)

    listed = [(page.title, page.funding_status) for page in funding()]
    assert listed == [
        ("Offen, Frist bald", "open"), ("Offen, Frist später", "open"), ("Laufend", "open"),
        ("Demnächst", "upcoming"), ("Geschlossen", "closed"),
    ]
    assert titles(with_funding_status(funding(), "upcoming")) == ["Demnächst"]
    page = funding().get(title="Offen, Frist bald")
    assert page.status == "open" and page.next_deadline == page.next_deadline_on


@pytest.mark.parametrize("rounds,rolling", [
    ([], False), ([], True), ([(None, 0)], False), ([(0, 0)], False), ([(1, 9)], False), ([(-9, -1)], False),
    ([(-9, -1), (5, 9)], False), ([(-9, -1), (5, 9)], True), ([(None, -1)], False), ([(-3, 3), (5, 9)], False),
])
def test_funding_status_is_the_same_for_a_draft_and_in_sql(db, rounds, rolling):
    """A draft's status is computed in Python (its rounds are not in the database), lists compute it in SQL:
    both from the one rule in plugins.funding.models, on the day's edges too."""
    today = datetime.date.today()
    day = lambda n: None if n is None else today + datetime.timedelta(days=n)  # noqa: E731
    page = FundingPageFactory(rounds=[(day(start), day(end)) for start, end in rounds], rolling=rolling)
    listed = funding(day=today).get(pk=page.pk)
    assert listed.funding_status == page.status_on(today)
    assert listed.next_deadline_on == page.next_deadline


def test_reports_newest_first(db):
    ExperienceReportPageFactory(title="Älter", publication_date=datetime.date(2017, 10, 5))
    ExperienceReportPageFactory(title="Neuer", publication_date=datetime.date(2023, 3, 1))
    assert titles(reports()) == ["Neuer", "Älter"]


def test_selector_query_count_does_not_grow(django_assert_max_num_queries, partners):
    topic = TopicFactory()
    for i in range(12):
        EventPageFactory(title=f"Treffen {i}", topics=[topic])
    with django_assert_max_num_queries(8):
        pages = list(events(partner=partners[0]))
        for page in pages:
            assert all(link.topic.name for link in page.topic_links.all())
            assert page.locale.language_code
    assert len(pages) == 12
