"""The benchmark dispatcher's JSON summary: exactly the agreed keys, taken from the benches' figures, and
null (never a made-up number) for a figure no bench gave. Canned results: nothing is timed here."""

import json

import pytest

from bench import __main__ as dispatcher

KEYS = [
    "api_list_cold_vs_v2",
    "api_detail_cold_vs_v2",
    "api_list_cold_vs_v3",
    "api_detail_cold_vs_v3",
    "api_list_warm_vs_v2",
    "api_detail_warm_vs_v2",
    "api_warm_p99_ms",
    "not_modified_vs_ceiling",
    "reads_during_publishing_vs_warm",
    "search_p50_vs_wagtail",
    "rebuild_vs_wagtail",
    "db_search_p95_ms",
    "publish_to_searchable_p95_s",
    "worker_peak_rss_mib",
]

API_FIGURES = {
    "list_cold_vs_v2": 3.3,
    "detail_cold_vs_v2": 1.0,
    "list_cold_vs_v3": 0.55,
    "detail_cold_vs_v3": 0.69,
    "list_warm_vs_v2": 120.0,
    "detail_warm_vs_v2": 26.0,
    "warm_p99_ms": 10.2,
    "not_modified_vs_ceiling": 0.65,
    "reads_during_publishing_vs_warm": 0.04,
    "worker_peak_rss_mib": 146.3,
    "cold_list_rps": 78.0,
}


def canned(results: dict):
    def run_one(name: str, quick: bool) -> dict:
        if results.get(name) is None:
            raise RuntimeError(f"benchmark {name} exited with 1 and no result")
        return {"title": name, "columns": ["measure", "value"], "rows": [["x", "1"]], "figures": results[name]}

    return run_one


def last_json_line(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_the_summary_has_exactly_the_agreed_keys_in_order():
    assert list(dispatcher.SUMMARY_KEYS) == KEYS
    assert list(dispatcher.summary({})) == KEYS


def test_nothing_measured_gives_nulls_not_numbers():
    assert dispatcher.summary({}) == dict.fromkeys(KEYS)
    assert dispatcher.summary({"api": {}, "search": {}, "failed": ["soak"]}) == dict.fromkeys(KEYS)


def test_the_search_bench_s_own_ratios_are_taken_as_given():
    summary = dispatcher.summary(
        {
            "search": {
                "search_p50_vs_wagtail": 1.8,
                "rebuild_vs_wagtail": 1.1,
                "db_search_p95_ms": 42.0,
                "search_p50_ms": 20.0,
                "wagtail_search_p50_ms": 4.0,
                "publish_to_searchable_p95_ms": 85.0,
            }
        }
    )
    assert summary["search_p50_vs_wagtail"] == 1.8
    assert summary["rebuild_vs_wagtail"] == 1.1
    assert summary["db_search_p95_ms"] == 42.0
    assert summary["publish_to_searchable_p95_s"] == 0.085
    assert summary["api_list_cold_vs_v2"] is None


def test_without_them_the_search_ratios_come_from_its_raw_figures():
    summary = dispatcher.summary(
        {
            "search": {
                "search_p50_ms": 20.7,
                "wagtail_search_p50_ms": 3.8,
                "rebuild_opensearch_pages_per_s": 438.0,
                "wagtail_rebuild_pages_per_s": 563.0,
                "database_search_p95_ms": 316.0,
            }
        }
    )
    assert summary["search_p50_vs_wagtail"] == 5.45
    assert summary["rebuild_vs_wagtail"] == 0.78
    assert summary["db_search_p95_ms"] == 316.0
    assert summary["publish_to_searchable_p95_s"] is None


def test_a_baseline_that_gave_nothing_makes_a_null_ratio_not_a_division_error():
    summary = dispatcher.summary({"search": {"search_p50_ms": 20.7, "wagtail_search_p50_ms": 0}})
    assert summary["search_p50_vs_wagtail"] is None


def test_run_json_ends_with_the_nested_figures_and_the_summary(monkeypatch, capsys):
    monkeypatch.setattr(dispatcher, "discover", lambda: ["api", "search", "soak"])
    monkeypatch.setattr(
        dispatcher,
        "run_one",
        canned({"api": API_FIGURES, "search": {"search_p50_ms": 20.0, "wagtail_search_p50_ms": 10.0}, "soak": None}),
    )

    assert dispatcher.main(["--quick", "--json"]) == 1  # soak failed

    last = last_json_line(capsys)
    assert last["failed"] == ["soak"]
    assert last["api"] == API_FIGURES
    assert list(last["summary"]) == KEYS
    assert last["summary"] == {
        **dict.fromkeys(KEYS),
        "api_list_cold_vs_v2": 3.3,
        "api_detail_cold_vs_v2": 1.0,
        "api_list_cold_vs_v3": 0.55,
        "api_detail_cold_vs_v3": 0.69,
        "api_list_warm_vs_v2": 120.0,
        "api_detail_warm_vs_v2": 26.0,
        "api_warm_p99_ms": 10.2,
        "not_modified_vs_ceiling": 0.65,
        "reads_during_publishing_vs_warm": 0.04,
        "worker_peak_rss_mib": 146.3,
        "search_p50_vs_wagtail": 2.0,
    }


def test_only_the_api_bench_run_leaves_the_search_figures_null(monkeypatch, capsys):
    monkeypatch.setattr(dispatcher, "discover", lambda: ["api", "search"])
    monkeypatch.setattr(dispatcher, "run_one", canned({"api": {"list_cold_vs_v2": 5.1}}))

    assert dispatcher.main(["--json", "api"]) == 0

    summary = last_json_line(capsys)["summary"]
    assert summary["api_list_cold_vs_v2"] == 5.1
    assert summary["search_p50_vs_wagtail"] is None
    assert summary["worker_peak_rss_mib"] is None


@pytest.mark.parametrize("value", [None, "n/a", True])
def test_a_figure_that_is_no_number_is_null(value):
    assert dispatcher.summary({"api": {"warm_p99_ms": value}})["api_warm_p99_ms"] is None
