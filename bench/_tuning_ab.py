"""Before/after of the search tuning (synonyms, phrases, "did you mean") alone, without the rest of the
search bench: `bench.search.measure_search_tuning` (part of `bench/run [--quick] search`, figures
`<engine>_tuning_on_vs_off`) on the bench corpus of `bench/run --quick search`
(var/bench/search-1000.sqlite3, built by that run), on OpenSearch (osmem) and the database engine.

    .venv/bin/python bench/_tuning_ab.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import search as bench_search  # noqa: E402


def main() -> None:
    server, _url, _db_path = bench_search.configure(True)
    from search import indexing
    from search.backends import opensearch

    report = indexing.rebuild_opensearch()
    assert report.ok, report.failures
    opensearch.refresh()
    results = bench_search.measure_search_tuning(bench_search.query_mix(bench_search.QUICK_QUERY_COUNT))
    for engine, sides in results.items():
        off, on = (bench_search.percentile(sides[side], 50) for side in ("off", "on"))
        print(f"{engine}: on {1000 * on:.1f} ms vs off {1000 * off:.1f} ms p50 (n={len(sides['on'])}), "
              f"on / off = {on / off:.3f}")
    if server is not None:
        server.close()


if __name__ == "__main__":
    main()
