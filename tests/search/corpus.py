"""A small realistic corpus: pages written the way the hub's editors write, each there for a behaviour
a visitor would notice (German word forms, ranking, visibility, English)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from plugins.events.factories import EventPageFactory
from plugins.events.models import BERLIN
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import PartnerFactory, RegionFactory, TopicFactory
from plugins.shared.models import Region


def body(*paragraphs: str) -> list:
    return [("rich_text", RichText("".join(f"<p>{p}</p>" for p in paragraphs)))]


def days_from_now(days: int, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BERLIN)


def build() -> dict:
    topics = {
        "soziokultur": TopicFactory(name="Soziokultur", slug="soziokultur"),
        "kreativwirtschaft": TopicFactory(name="Kultur- und Kreativwirtschaft", slug="kreativwirtschaft"),
    }
    sachsen = RegionFactory(name="Sachsen", slug="sachsen", kind=Region.Kind.LAND)
    regions = {
        "sachsen": sachsen,
        "meissen": RegionFactory(name="Meißen", slug="meissen", parent=sachsen),
        "goerlitz": RegionFactory(name="Görlitz", slug="goerlitz", parent=sachsen),
        "nrw": RegionFactory(name="Nordrhein-Westfalen", slug="nordrhein-westfalen", kind=Region.Kind.LAND),
    }
    partner_a = PartnerFactory(name="Kulturportal Sachsen", slug="kulturportal-sachsen")
    partner_b = PartnerFactory(name="Netzwerk NRW", slug="netzwerk-nrw")
    pages: dict = {"topics": topics, "regions": regions, "partner_a": partner_a, "partner_b": partner_b}

    # German word forms
    pages["foerderprogramme"] = FundingPageFactory(
        title="Förderprogramme für soziokulturelle Zentren",
        teaser="Der Fonds Soziokultur vergibt Zuschüsse an Zentren, Vereine und Initiativen in ganz Sachsen.",
        body=body("Gefördert werden Vorhaben, die Menschen vor Ort zusammenbringen."),
        rounds=[a_round(-10, 45)],
        topics=[topics["soziokultur"]],
        regions=[sachsen],
    )
    pages["kreativ_goerlitz"] = ExperienceReportPageFactory(
        title="Kreativwirtschaft in Görlitz",
        teaser="Erfahrungen aus dem Kreativbüro an der Berliner Straße: Beratung für Selbstständige "
        "und kleine Unternehmen.",
        body=body("Zweimal im Monat öffnet das Büro für Sprechstunden; die Beratung ist kostenlos."),
        publication_date=datetime.date(2024, 5, 10),
        topics=[topics["kreativwirtschaft"]],
        regions=[regions["goerlitz"]],
    )
    pages["meissen"] = ProjectPageFactory(
        title="Strukturaufbau Soziokultur in Meißen",
        teaser="Volkshochschule, Zentrum Hafenstraße und Bürgerstiftung bauen gemeinsam ein Netzwerk auf.",
        body=body(
            "Im Dialog mit der Stadt entsteht ein Leitbild, das alle Beteiligten zusammen formulieren."
        ),
        start_date=datetime.date(2021, 9, 1),
        topics=[topics["soziokultur"]],
        regions=[regions["meissen"]],
    )
    pages["netzwerkreisen"] = EventPageFactory(
        title="Netzwerkreisen nach Prag und Riga",
        teaser="Kulturverwaltungen aus Sachsen besuchen Kolleginnen und Kollegen im Ausland.",
        body=body("Auf dem Programm stehen Gespräche mit Kulturämtern und Besuche in Ateliers."),
        start=datetime.datetime(2024, 9, 12, 9, 0, tzinfo=BERLIN),
        regions=[sachsen],
    )
    pages["zukunft"] = EventPageFactory(
        title="Zukunftsplattform Sachsen: Auftakt in Chemnitz",
        teaser="Die Plattform bringt Sozialunternehmen, Verwaltung und Zivilgesellschaft zusammen.",
        body=body("Nach einem Impuls arbeiten die Teilnehmenden in kleinen Gruppen."),
        start=days_from_now(20),
        regions=[sachsen],
    )
    # Ranking: title above teaser above body
    pages["lichtspiel_title"] = ProjectPageFactory(
        title="Lichtspielhaus Riesa",
        teaser="Ein altes Kino wird zum Treffpunkt für den Stadtteil.",
        body=body("Ehrenamtliche renovieren den Saal und planen das Programm."),
    )
    pages["lichtspiel_teaser"] = ProjectPageFactory(
        title="Kino im Stadtteil",
        teaser="Das Lichtspielhaus in Döbeln öffnet wieder für Filmabende.",
        body=body("Ehrenamtliche renovieren den Saal und planen das Programm."),
    )
    pages["lichtspiel_body"] = ProjectPageFactory(
        title="Filmabende im Dorf",
        teaser="Ein Verein zeigt Filme in der alten Scheune.",
        body=body("Früher gab es hier ein Lichtspielhaus, heute zeigt der Verein Filme in der Scheune."),
    )
    # Ranking: a phrase above the same words scattered (created later, so recency cannot decide)
    pages["phrase_exact"] = ProjectPageFactory(
        title="Mitmachangebote im Quartier",
        teaser="Die offene Werkstatt lädt jeden Donnerstag zum Reparieren und Basteln ein.",
    )
    pages["phrase_scattered"] = ProjectPageFactory(
        title="Nachbarschaftstreff Pieschen",
        teaser="Offene Türen für alle: In der Werkstatt und im Café wird gemeinsam gekocht.",
    )
    # Ranking: upcoming events above past ones, open funding above upcoming above closed (the
    # pages that should rank lower are the newer ones)
    pages["treffen_upcoming"] = EventPageFactory(
        title="Netzwerktreffen Soziokultur im Herbst mit Werkstattgesprächen",
        teaser="Austausch der soziokulturellen Zentren.",
        start=days_from_now(40),
    )
    pages["treffen_past"] = EventPageFactory(
        title="Netzwerktreffen Soziokultur",
        teaser="Austausch der soziokulturellen Zentren.",
        start=datetime.datetime(2024, 3, 5, 10, 0, tzinfo=BERLIN),
    )
    pages["mikro_open"] = FundingPageFactory(
        title="Mikroförderung für Kulturvereine und Initiativen 2026",
        teaser="Kleine Beträge für kleine Vorhaben.",
        rounds=[a_round(-10, 60)],
    )
    pages["mikro_upcoming"] = FundingPageFactory(
        title="Mikroförderung für Kulturvereine im Frühjahr",
        teaser="Kleine Beträge für kleine Vorhaben.",
        rounds=[a_round(30, 90)],
    )
    pages["mikro_closed"] = FundingPageFactory(
        title="Mikroförderung für Kulturvereine",
        teaser="Kleine Beträge für kleine Vorhaben.",
        rounds=[a_round(-400, -300)],
    )
    # Visibility
    pages["only_a"] = ProjectPageFactory(
        title="Theaterwerkstatt für Jugendliche in Zwickau",
        teaser="Jugendliche schreiben ihr eigenes Stück.",
        partners=[partner_a],
        topics=[topics["soziokultur"]],
        regions=[sachsen],
    )
    pages["only_b"] = ProjectPageFactory(
        title="Theaterwerkstatt für Seniorinnen in Münster",
        teaser="Ein Ensemble ab 65 probt im Stadtteilhaus.",
        partners=[partner_b],
        topics=[topics["kreativwirtschaft"]],
        regions=[regions["nrw"]],
    )
    pages["draft"] = ProjectPageFactory(
        title="Theaterwerkstatt Entwurf",
        teaser="Noch nicht veröffentlicht.",
        publish=False,
    )
    pages["private"] = ProjectPageFactory(title="Theaterwerkstatt intern", teaser="Nur für das Team.")
    PageViewRestriction.objects.create(
        page=pages["private"], restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    pages["withdrawn"] = ProjectPageFactory(title="Theaterwerkstatt abgesagt", teaser="Findet nicht statt.")
    pages["withdrawn"].unpublish()
    # Highlight: other HTML is escaped
    pages["escape"] = ProjectPageFactory(
        title="Sommerakademie Kunst & Kultur",
        teaser="Die Sommerakademie <b>lädt</b> ein: Kunst & Kultur für alle Generationen.",
    )
    # Short words: no typo tolerance
    pages["dorf"] = ProjectPageFactory(title="Kunst im Dorf", teaser="Ein Sommer voller Kunst im Dorf.")
    # English
    pages["en_office"] = ProjectPageFactory(
        locale="en",
        title="Regional office for sociocultural work",
        teaser="The office advises associations and initiatives across Saxony.",
    )
    pages["en_funding"] = FundingPageFactory(
        locale="en",
        title="Funding programmes for community centres",
        teaser="Grants for associations running community centres.",
        rounds=[a_round(-5, 30)],
    )
    return pages


def visible_ids(pages: dict, names: list[str]) -> set[int]:
    return {pages[name].pk for name in names}
