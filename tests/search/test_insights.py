"""Query insights: the partner API's searches counted per day, partner, locale and normalised query,
nothing else stored, pruned after the retention period; on both engines."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.operations import jobs
from plugins.projects.factories import ProjectPageFactory
from search import insights
from search.models import SearchInsight
from tests.frontend_api.conftest import fresh_cache, throttle_clock  # noqa: F401 - autouse
from tests.search.test_promotions import SEARCH

SUGGEST = "/api/v1/search/suggest/"
DAY = datetime.date(2026, 3, 2)



def rows():
    return [
        (row.partner.name, row.locale, row.query, row.searches, row.zero_results)
        for row in SearchInsight.objects.order_by("partner__name", "locale", "query")
    ]


def test_searches_are_counted_per_partner_locale_and_folded_query(api_engine, api, other_api, monkeypatch):
    monkeypatch.setattr(insights, "today", lambda: DAY)
    ProjectPageFactory(title="Förderung für Vereine")
    api_engine.ready()
    api.json(SEARCH, {"q": "Förderung"})
    api.json(SEARCH, {"q": "  foerderung "})
    api.json(SEARCH, {"q": "FÖRDERUNG", "type": "events"})  # nothing of that type: zero results
    api.json(SEARCH, {"q": "Förderung", "locale": "en"})
    other_api.json(SEARCH, {"q": "Quatschwort"})
    assert rows() == [
        ("Partner A", "de", "forderung", 3, 1),
        ("Partner A", "en", "forderung", 1, 1),
        ("Partner B", "de", "quatschwort", 1, 1),
    ]
    assert set(SearchInsight.objects.values_list("day", flat=True)) == {DAY}
    # Nothing but the day, the partner, the locale, the folded query and the two counts is kept.
    fields = {field.name for field in SearchInsight._meta.get_fields()}
    assert fields == {"id", "day", "partner", "locale", "query", "searches", "zero_results"}


def test_bad_input_and_suggestions_are_not_counted(api_engine, api):
    api_engine.ready()
    assert api.get(SEARCH, {"q": ""}).status_code == 400
    assert api.get(SEARCH, {"q": "kultur", "limit": 0}).status_code == 400
    assert api.get(SEARCH, {"q": "kultur", "type": "nix"}).status_code == 400
    api.json(SUGGEST, {"q": "kult"})
    assert rows() == []


def test_a_new_day_starts_a_new_row(db, api, monkeypatch):
    monkeypatch.setattr(insights, "today", lambda: DAY)
    api.json(SEARCH, {"q": "Theater"})
    monkeypatch.setattr(insights, "today", lambda: DAY + datetime.timedelta(days=1))
    api.json(SEARCH, {"q": "Theater"})
    assert sorted(SearchInsight.objects.values_list("day", "searches")) == [
        (DAY, 1),
        (DAY + datetime.timedelta(days=1), 1),
    ]


def insight(day, query="theater", partner=None, searches=1, zero=0):
    return SearchInsight.objects.create(
        day=day, partner=partner, locale="de", query=query, searches=searches, zero_results=zero
    )


def test_rows_older_than_the_retention_period_are_pruned(db, api, settings, monkeypatch):
    monkeypatch.setattr(insights, "today", lambda: DAY)
    for age in (0, 89, 90, 91, 400):
        insight(DAY - datetime.timedelta(days=age), query=f"q{age}", partner=api.partner)
    assert insights.prune() == 2  # 91 and 400 days old
    assert sorted(SearchInsight.objects.values_list("query", flat=True)) == ["q0", "q89", "q90"]

    settings.SEARCH_INSIGHTS_RETENTION_DAYS = 30
    jobs.prune_search_insights()  # the worker's hourly job
    assert sorted(SearchInsight.objects.values_list("query", flat=True)) == ["q0"]


def test_the_prune_command(db, api, monkeypatch, capsys):
    monkeypatch.setattr(insights, "today", lambda: DAY)
    insight(DAY - datetime.timedelta(days=10), partner=api.partner)
    call_command("prune_search_insights")
    assert "0 query insight rows older than 90 days deleted" in capsys.readouterr().out
    call_command("prune_search_insights", "--days", "7")
    assert "1 query insight rows older than 7 days deleted" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command("prune_search_insights", "--days", "0")


def test_the_prune_job_is_one_of_the_workers_periodic_jobs():
    from cms.settings import base

    assert base.KULTURHUB_PERIODIC_JOBS["prune_search_insights"]["job"] == "cms.operations.jobs.prune_search_insights"


def test_report_top_and_zero_result_queries(db, api, other_api):
    insight(DAY, "theater", api.partner, searches=5)
    insight(DAY - datetime.timedelta(days=3), "theater", api.partner, searches=2, zero=0)
    insight(DAY, "quatsch", api.partner, searches=3, zero=3)
    insight(DAY - datetime.timedelta(days=10), "alt", api.partner, searches=9, zero=9)
    insight(DAY, "theater", other_api.partner, searches=1, zero=1)

    week = insights.report(days=7, partner_id=api.partner.pk, now=DAY)
    assert [(r["query"], r["searches"]) for r in week["top"]] == [("theater", 7), ("quatsch", 3)]
    assert [(r["query"], r["zero_results"]) for r in week["zero"]] == [("quatsch", 3)]
    month = insights.report(days=30, now=DAY)  # all partners
    assert [(r["query"], r["searches"]) for r in month["top"]] == [("alt", 9), ("theater", 8), ("quatsch", 3)]
    assert {r["query"] for r in month["zero"]} == {"alt", "quatsch", "theater"}
    assert month["searches"] == 20


def test_a_process_writes_its_counts_together_when_the_interval_has_passed(db, api, settings, monkeypatch):
    """Searches add to a counter in memory; the first search after SEARCH_INSIGHTS_FLUSH_SECONDS writes
    them all (and a process that exits writes what it holds)."""
    settings.SEARCH_INSIGHTS_FLUSH_SECONDS = 10
    monkeypatch.setattr(insights, "today", lambda: DAY)
    now = [1000.0]
    monkeypatch.setattr(insights, "clock", lambda: now[0])
    insights.flush()  # the interval starts now
    api.json(SEARCH, {"q": "Theater"})
    api.json(SEARCH, {"q": "theater"})
    now[0] += 5
    api.json(SEARCH, {"q": "Zirkus"})
    assert rows() == [] and insights.pending() == 2
    now[0] += 5
    api.json(SEARCH, {"q": "Theater"})
    assert rows() == [("Partner A", "de", "theater", 3, 3), ("Partner A", "de", "zirkus", 1, 1)]
    assert insights.pending() == 0
    api.json(SEARCH, {"q": "Theater"})
    assert insights.pending() == 1
    insights.flush()  # as at exit
    assert rows() == [("Partner A", "de", "theater", 4, 4), ("Partner A", "de", "zirkus", 1, 1)]
