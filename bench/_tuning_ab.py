"""Before/after of the search tuning (synonyms, phrases, "did you mean") in one process, on the bench
corpus of `bench/run --quick search` (var/bench/search-1000.sqlite3, built by that run): search p50
with the additions on and off ("off": an empty synonym table (the tuning version is still read once), no
suggestion), passes interleaved ABBA on OpenSearch (osmem) and the database engine.

    .venv/bin/python bench/_tuning_ab.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import search as bench_search  # noqa: E402


def main() -> None:
    server, _url, _db_path = bench_search.configure(True)
    from django.test import override_settings

    from search import indexing, queries, spelling, synonyms
    from search.backends import opensearch

    report = indexing.rebuild_opensearch()
    assert report.ok, report.failures
    opensearch.refresh()
    mix = bench_search.query_mix(200)
    real_table, real_suggestion = queries.synonym_table, spelling.suggestion
    empty = synonyms.Table([], "de")

    def off():
        queries.synonym_table = lambda language, tuning=None: empty
        spelling.suggestion = lambda request, count, search: None

    def on():
        queries.synonym_table, spelling.suggestion = real_table, real_suggestion

    def measure(settings) -> list[float]:
        times = []
        with override_settings(**settings):
            for params in mix[:10]:
                queries.search(**params)
            for params in mix:
                started = time.perf_counter()
                queries.search(**params)
                times.append(time.perf_counter() - started)
        return times

    results: dict = {}
    for engine, settings in (("opensearch", {}), ("database", {"OPENSEARCH_URL": None})):
        for order in ((("before", off), ("after", on)), (("after", on), ("before", off))):
            for side, switch in order:
                switch()
                results.setdefault((engine, side), []).extend(measure(settings))
        on()
    for (engine, side), times in results.items():
        times.sort()
        print(f"{engine} {side}: p50 {1000 * times[len(times) // 2]:.1f} ms, p95 "
              f"{1000 * times[int(len(times) * 0.95)]:.1f} ms, n={len(times)}")
    for engine in ("opensearch", "database"):
        after, before = results[(engine, "after")], results[(engine, "before")]
        print(f"{engine}: after / before p50 = {after[len(after) // 2] / before[len(before) // 2]:.3f}")
    if server is not None:
        server.close()


if __name__ == "__main__":
    main()
