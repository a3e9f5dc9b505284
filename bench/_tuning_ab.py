"""A/B in one process on the bench corpus: search p50 with the synonym/phrase/did-you-mean additions
on and off (off = synonym table empty without its version query, no suggestion), interleaved."""
import statistics, sys, time, json
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from bench import search as b
server, url, db_path = b.configure(True)
from django.test import override_settings
from search import indexing, queries, spelling, synonyms
from search.backends import opensearch
rep = indexing.rebuild_opensearch(); assert rep.ok, rep.failures
opensearch.refresh()
mix = b.query_mix(200)
real_table, real_suggestion = queries.synonym_table, spelling.suggestion
empty = synonyms.Table([], "de")
def off():
    queries.synonym_table = lambda language: empty
    spelling.suggestion = lambda request, count, search: None
def on():
    queries.synonym_table, spelling.suggestion = real_table, real_suggestion
def measure(settings):
    out = []
    with override_settings(**settings):
        for p in mix[:10]:
            queries.search(**p)
        for p in mix:
            t = time.perf_counter(); queries.search(**p); out.append(time.perf_counter() - t)
    return out
res = {}
for engine, settings in (("opensearch", {}), ("database", {"OPENSEARCH_URL": None})):
    for rnd in range(2):
        for side, fn in (("before", off), ("after", on)) if rnd == 0 else (("after", on), ("before", off)):
            fn(); res.setdefault((engine, side), []).extend(measure(settings))
    on()
for (engine, side), v in res.items():
    v.sort()
    print(engine, side, "p50 %.1f ms p95 %.1f ms n=%d" % (1000 * v[len(v)//2], 1000 * v[int(len(v)*0.95)], len(v)))
for engine in ("opensearch", "database"):
    a, bb = res[(engine, "after")], res[(engine, "before")]
    print(engine, "after/before p50 = %.3f" % (a[len(a)//2] / bb[len(bb)//2]))
server.close()
