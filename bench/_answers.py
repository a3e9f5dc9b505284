"""The answers of the OpenSearch engine to the bench's query mix, as JSON, to compare two versions of the
code (a speed change must not change what a visitor sees): per query the count, the ids of the results
in order, their highlights and the facets, on the corpus of `bench/run --quick search`
(var/bench/search-1000.sqlite3, built by that run).

    .venv/bin/python bench/_answers.py OUT.json [COUNT]        # dump
    .venv/bin/python bench/_answers.py --compare A.json B.json  # differences, exit 1 if any
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def dump(out: str, count: int) -> None:
    from bench import search as bench_search

    server, _url, _db_path = bench_search.configure(True)
    from search import indexing, queries
    from search.backends import opensearch

    report = indexing.rebuild_opensearch()
    assert report.ok, report.failures
    opensearch.refresh()
    answers = []
    for params in bench_search.query_mix(count):
        key = {k: (v.pk if hasattr(v, "pk") else str(v) if not isinstance(v, str | list) else v)
               for k, v in params.items()}
        row = {"params": key}
        for facets in (False, True):
            answer = queries.search(**params, facets=facets)
            assert answer["engine"] == "opensearch", answer["engine"]
            row["facets" if facets else "plain"] = {
                "count": answer["count"],
                "ids": [r["id"] for r in answer["results"]],
                "highlights": [r["highlight"] for r in answer["results"]],
                "facets": answer.get("facets"),
                "suggestion": answer.get("suggestion"),
            }
        answers.append(row)
    Path(out).write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(answers)} queries written to {out}")
    if server is not None:
        server.close()


def compare(a: str, b: str) -> int:
    left = json.loads(Path(a).read_text(encoding="utf-8"))
    right = json.loads(Path(b).read_text(encoding="utf-8"))
    assert [row["params"] for row in left] == [row["params"] for row in right], "different query mixes"
    differences = {"ids": 0, "count": 0, "highlights": 0, "facets": 0, "suggestion": 0}
    for one, other in zip(left, right, strict=True):
        for variant in ("plain", "facets"):
            for key in differences:
                if one[variant][key] != other[variant][key]:
                    differences[key] += 1
                    if differences[key] <= 3:
                        print(f"{key} differ for {one['params']} ({variant}):\n  {one[variant][key]}\n  "
                              f"{other[variant][key]}")
    print(f"{len(left)} queries x 2 variants compared; differing answers: {differences}")
    return 1 if any(differences.values()) else 0


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    dump(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300)
