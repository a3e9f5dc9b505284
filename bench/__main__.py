"""Benchmark dispatcher behind `bench/run [--quick] [--json] [NAME ...]`.

Every module `bench/<name>.py` (not starting with "_") that defines `run(quick: bool) -> dict` is a
benchmark. Each runs in its own Python process (so each can configure Django its own way) and
returns:

    {"title": "…", "columns": ["measure", "kulturhub", "baseline", "goal"], "rows": [[…], …],
     "figures": {"name": number, …}, "notes": ["…"]}

The dispatcher prints every table; with --json the last line of its output is one JSON object
{"<name>": figures, …, "failed": [names], "summary": {…}}: `summary` is flat, with exactly the keys of
SUMMARY_KEYS, each taken (or computed) from the benches' figures by `summary()`, and null when a figure is
missing (its bench failed, was not run, or does not measure it yet): never a made-up number.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MARKER = "BENCH-RESULT "


SUMMARY_KEYS = (
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
)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _figure(figures: dict, bench: str, name: str) -> float | None:
    return _number((figures.get(bench) or {}).get(name))


def _ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def summary(figures: dict) -> dict:
    """The flat summary of SUMMARY_KEYS from `figures` ({bench name: its figures}); null where missing.

    The API bench gives its ratios itself (bench/api.py, `*_vs_*` figures); the search bench's ratios are
    taken when it gives them, else computed from its raw figures."""

    def api(name: str) -> float | None:
        return _figure(figures, "api", name)

    def search(name: str) -> float | None:
        return _figure(figures, "search", name)

    def first(*values: float | None) -> float | None:
        return next((value for value in values if value is not None), None)

    publish_ms = search("publish_to_searchable_p95_ms")
    result = {
        "api_list_cold_vs_v2": api("list_cold_vs_v2"),
        "api_detail_cold_vs_v2": api("detail_cold_vs_v2"),
        "api_list_cold_vs_v3": api("list_cold_vs_v3"),
        "api_detail_cold_vs_v3": api("detail_cold_vs_v3"),
        "api_list_warm_vs_v2": api("list_warm_vs_v2"),
        "api_detail_warm_vs_v2": api("detail_warm_vs_v2"),
        "api_warm_p99_ms": api("warm_p99_ms"),
        "not_modified_vs_ceiling": api("not_modified_vs_ceiling"),
        "reads_during_publishing_vs_warm": api("reads_during_publishing_vs_warm"),
        "search_p50_vs_wagtail": first(
            search("search_p50_vs_wagtail"), _ratio(search("search_p50_ms"), search("wagtail_search_p50_ms"))
        ),
        "rebuild_vs_wagtail": first(
            search("rebuild_vs_wagtail"),
            _ratio(search("rebuild_opensearch_pages_per_s"), search("wagtail_rebuild_pages_per_s")),
        ),
        "db_search_p95_ms": first(search("db_search_p95_ms"), search("database_search_p95_ms")),
        "publish_to_searchable_p95_s": None if publish_ms is None else round(publish_ms / 1000, 3),
        "worker_peak_rss_mib": api("worker_peak_rss_mib"),
    }
    assert tuple(result) == SUMMARY_KEYS
    return result


def discover() -> list[str]:
    names = []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        if "\ndef run(" in path.read_text(encoding="utf-8"):
            names.append(path.stem)
    return names


def run_one(name: str, quick: bool) -> dict:
    code = (
        "import json, sys\n"
        f"from bench import {name} as module\n"
        f"result = module.run(quick={quick!r})\n"
        f"print({MARKER!r} + json.dumps(result, default=str), flush=True)\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH_DIR.parent, stdout=subprocess.PIPE, text=True, check=False
    )
    for line in reversed(process.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise RuntimeError(f"benchmark {name} exited with {process.returncode} and no result")


def table(result: dict) -> str:
    columns = result.get("columns", [])
    rows = [[str(cell) for cell in row] for row in result.get("rows", [])]
    widths = [max(len(str(c)), *(len(r[i]) for r in rows)) if rows else len(str(c)) for i, c in enumerate(columns)]
    lines = [
        result.get("title", ""),
        "  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)),
    ]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines += [f"  note: {note}" for note in result.get("notes", [])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer repetitions")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all figures")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(discover())})")
    args = parser.parse_args(argv)
    names = args.names or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    figures: dict = {"failed": []}
    for name in names:
        started = time.monotonic()
        try:
            result = run_one(name, args.quick)
        except Exception as exc:  # noqa: BLE001 - reported, and the exit code says so
            print(f"{name}: FAILED ({exc})", flush=True)
            figures["failed"].append(name)
            continue
        seconds = round(time.monotonic() - started)
        print(table(result), flush=True)
        print(f"  wall time: {seconds} s", flush=True)
        print(flush=True)
        figures[name] = result.get("figures", {})
    if args.json:
        figures["summary"] = summary(figures)
        # Benches in name order; the summary's keys in SUMMARY_KEYS' order.
        print(json.dumps({name: figures[name] for name in sorted(figures)}))
    return 1 if figures["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
