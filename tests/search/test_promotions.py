"""Promoted results through the partner API, on both engines: what a partner developer sees when the
hub's editors have pinned pages to a query."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from search.models import PromotedPage, Promotion
from tests.frontend_api.conftest import fresh_cache, throttle_clock  # noqa: F401 - autouse
from tests.frontend_api.content import translate

SEARCH = "/api/v1/search/"



def promote(query: str, *pages, partner=None, language: str = "") -> Promotion:
    promotion = Promotion(query=query, partner=partner, language=language)
    promotion.pages = [PromotedPage(page=page) for page in pages]
    promotion.save()
    return promotion


def ids(body) -> list[int]:
    return [result["id"] for result in body["results"]]


def promoted(body) -> list[int]:
    return [result["id"] for result in body["results"] if result["promoted"]]


@pytest.fixture
def zirkus(db, de, en):
    return {
        "park": EventPageFactory(title="Zirkus im Park", teaser="Akrobatik für alle."),
        "alle": ProjectPageFactory(title="Zirkus für alle", teaser="Ein Zirkusprojekt."),
        "schule": ProjectPageFactory(title="Zirkusschule", teaser="Zirkus lernen in der Schule."),
        # Never matches "Zirkus": only a promotion brings it in.
        "beratung": ProjectPageFactory(title="Beratung für Kulturvereine", teaser="Wir helfen beim Antrag."),
    }


def test_a_promoted_page_comes_first_marked_and_once(api_engine, api, zirkus):
    api_engine.ready()
    before = api.json(SEARCH, {"q": "zirkus"})
    assert before["count"] == 3 and promoted(before) == []
    assert all(result["promoted"] is False for result in before["results"])
    promote("Zirkus", zirkus["schule"])

    body = api.json(SEARCH, {"q": "zirkus"})
    assert ids(body)[0] == zirkus["schule"].pk and promoted(body) == [zirkus["schule"].pk]
    assert ids(body).count(zirkus["schule"].pk) == 1
    assert body["count"] == 3  # it matched anyway: not counted twice
    assert sorted(ids(body)) == sorted(ids(before))
    assert body["results"][0]["score"] >= body["results"][1]["score"]
    assert body["facets"]["type"] == before["facets"]["type"]


def test_a_promoted_page_that_does_not_match_adds_one(api_engine, api, zirkus):
    promote("zirkus", zirkus["beratung"], zirkus["park"])
    api_engine.ready()
    body = api.json(SEARCH, {"q": "Zirkus"})
    assert ids(body)[:2] == [zirkus["beratung"].pk, zirkus["park"].pk]  # in the editors' order
    assert promoted(body) == [zirkus["beratung"].pk, zirkus["park"].pk]
    assert body["count"] == 4 and len(body["results"]) == 4
    assert body["facets"]["type"] == {"projects": 3, "events": 1}
    first = body["results"][0]
    assert first["title"] == "Beratung für Kulturvereine" and first["url"] and first["highlight"]


def test_the_query_is_compared_folded(api_engine, api, zirkus):
    promote("  Beratung   FÜR  kulturvereine ", zirkus["park"])
    api_engine.ready()
    for q in ("beratung fuer Kulturvereine", "Beratung für Kulturvereine", "BERATUNG FUR KULTURVEREINE"):
        assert promoted(api.json(SEARCH, {"q": q})) == [zirkus["park"].pk], q
    assert promoted(api.json(SEARCH, {"q": "Beratung"})) == []  # the whole query, not a word of it


def test_a_page_the_key_may_not_see_is_never_promoted(api_engine, api, other_api, zirkus):
    theirs = ProjectPageFactory(title="Zirkus nur für B", partners=[other_api.partner])
    draft = ProjectPageFactory(title="Zirkus Entwurf", publish=False)
    private = ProjectPageFactory(title="Zirkus intern")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    withdrawn = ProjectPageFactory(title="Zirkus abgesagt")
    withdrawn.unpublish()
    promote("zirkus", theirs, draft, private, withdrawn, zirkus["alle"])
    api_engine.ready()

    mine = api.json(SEARCH, {"q": "zirkus"})
    assert promoted(mine) == [zirkus["alle"].pk]
    hidden = {theirs.pk, draft.pk, private.pk, withdrawn.pk}
    assert not hidden & set(ids(mine)) and mine["count"] == 3
    assert promoted(other_api.json(SEARCH, {"q": "zirkus"})) == [theirs.pk, zirkus["alle"].pk]


def test_a_promotion_for_one_partner_reaches_only_that_partner(api_engine, api, other_api, zirkus):
    promote("zirkus", zirkus["beratung"], partner=api.partner)
    promote("zirkus", zirkus["schule"])
    api_engine.ready()
    assert promoted(api.json(SEARCH, {"q": "zirkus"})) == [zirkus["beratung"].pk, zirkus["schule"].pk]
    theirs = other_api.json(SEARCH, {"q": "zirkus"})
    assert promoted(theirs) == [zirkus["schule"].pk]
    assert zirkus["beratung"].pk not in ids(theirs) and theirs["count"] == 3


def test_the_requests_filters_apply_to_promoted_pages(api_engine, api, zirkus):
    promote("zirkus", zirkus["beratung"], zirkus["park"])
    api_engine.ready()
    events = api.json(SEARCH, {"q": "zirkus", "type": "events"})
    assert promoted(events) == [zirkus["park"].pk] and events["count"] == 1
    assert set(events["facets"]["type"]) == {"events"}
    projects = api.json(SEARCH, {"q": "zirkus", "type": "projects", "region": "nirgendwo"})
    assert projects["results"] == [] and projects["count"] == 0


def test_pages_of_results_neither_repeat_nor_skip(api_engine, api, zirkus):
    promote("zirkus", zirkus["beratung"], zirkus["schule"])
    api_engine.ready()
    everything = api.json(SEARCH, {"q": "zirkus", "limit": 10})
    assert everything["count"] == 4
    first = api.json(SEARCH, {"q": "zirkus", "limit": 3})
    second = api.json(SEARCH, {"q": "zirkus", "limit": 3, "offset": 3})
    assert promoted(first) == [zirkus["beratung"].pk, zirkus["schule"].pk] and len(first["results"]) == 3
    assert promoted(second) == [] and len(second["results"]) == 1
    assert ids(first) + ids(second) == ids(everything)
    assert first["count"] == second["count"] == 4


def test_a_translation_follows_its_promoted_page(api_engine, api, zirkus):
    english = translate(
        zirkus["beratung"],
        {
            "Beratung für Kulturvereine": "Advice for culture clubs",
            "Wir helfen beim Antrag.": "We help with the application.",
        },
    )
    circus = translate(
        zirkus["park"], {"Zirkus im Park": "Circus in the park", "Akrobatik für alle.": "Acrobatics for everyone."}
    )
    promote("Zirkus", zirkus["beratung"])
    promote("circus", zirkus["beratung"], language="en")
    promote("circus", zirkus["schule"], language="de")  # a German-only promotion: not for English searches
    api_engine.ready()

    assert promoted(api.json(SEARCH, {"q": "zirkus", "locale": "de"})) == [zirkus["beratung"].pk]
    body = api.json(SEARCH, {"q": "circus", "locale": "en"})
    assert promoted(body) == [english.pk]
    assert body["results"][0]["locale"] == "en" and body["results"][0]["title"] == "Advice for culture clubs"
    assert circus.pk in ids(body) and body["count"] == 2
