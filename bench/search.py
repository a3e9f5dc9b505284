"""Search benchmark: rebuild rate, query latency (and the hub's share beyond the engine's `took`),
publish-to-searchable time with a real worker, and Wagtail's own `opensearch3` backend side by side
on the same pages, with a table of the German behaviours each gets right.

Data: 10,000 German pages (1,000 with --quick) written from the demo content's sentences, half of
them with an English translation, plus a few probe pages for the behaviour table. They live in their
own SQLite file under var/bench/ (kept between runs). OpenSearch: an osmem-server started here, or
the cluster at BENCH_OPENSEARCH_URL. osmem-server is an in-memory imitation: its timings are not
Lucene's, only indicative.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY_COUNT = 500
QUICK_QUERY_COUNT = 300  # --quick: 3 interleaved runs of 300 queries per side keep it within its time budget
RUNS = 3  # interleaved runs of each side where a ratio is printed; medians
PUBLISH_SAMPLES = 20
WORKER_INTERVAL = 0.1

PROBES = {
    # behaviour: (locale, query, probe key, how: "search" | "prefix")
    "singular finds plural (Zuschussprogramm)": ("de", "Zuschussprogramm", "scherenschnitt", "search"),
    "umlaut left out (Gohrendorf)": ("de", "Gohrendorf", "muehle", "search"),
    "umlaut as oe (Goehrendorf)": ("de", "Goehrendorf", "muehle", "search"),
    "ss for ß (Gerberstrasse)": ("de", "Gerberstrasse", "muehle", "search"),
    "compound part (Chor -> Kinderchorwochen)": ("de", "Chor", "chor", "search"),
    "compound part (Stipendium -> Reisestipendium)": ("de", "Stipendium", "stipendium", "search"),
    "typo (Scherenschnitkunst)": ("de", "Scherenschnitkunst", "scherenschnitt", "search"),
    "prefix while typing (Scherensch)": ("de", "Scherensch", "scherenschnitt", "prefix"),
    "prefix without umlaut (Gohren)": ("de", "Gohren", "muehle", "prefix"),
    "English plural (offices -> office)": ("en", "offices", "office", "search"),
}

QUERY_WORDS_DE = [
    "Soziokultur",
    "Netzwerk",
    "Kreativwirtschaft",
    "Förderung",
    "Sachsen",
    "Meißen",
    "Görlitz",
    "Ehrenamt",
    "Beratung",
    "Kultur",
    "Zukunftsplattform",
    "Engagement",
    "Austausch",
    "Verwaltung",
    "Projekt",
    "Freiwilligenagentur",
    "Innovation",
    "Förderprogramm",
    "Goerlitz",
    "Strasse",
    "Stiftung",
    "Reisen",
    "Kreativwirtschft",
    "Zuk",
    "Netzwerkarbeit",
    "Bürgerstiftung",
    "Kulturbüro",
    "Chemnitz",
    "Leipzig",
    "Workshop",
    "Dialog",
    "Jugend",
    "Zivilgesellschaft",
    "Sozialunternehmen",
    "Fonds Soziokultur",
    "soziale Innovation",
    "Kultur und Kreativwirtschaft",
    "Netzwerk Soziokultur",
    "Beratungstag",
]
QUERY_WORDS_EN = [
    "culture",
    "network",
    "funding",
    "offices",
    "creative industries",
    "volunteering",
    "Saxony",
    "sociocultural",
    "advice",
    "exchange",
    "community foundation",
    "innovation",
]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- environment ----------------------------------------------------------------------------------


def configure(quick: bool) -> tuple[object | None, str, Path]:
    """Environment for Django before it starts: own SQLite file, OpenSearch, a fresh index prefix."""
    pages = 1000 if quick else 10000
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    db_path = bench_dir / f"search-{pages}.sqlite3"
    server = None
    url = os.environ.get("BENCH_OPENSEARCH_URL", "").strip()
    if not url:
        from osmem_server import OsmemServer

        server = OsmemServer.start(freeze=False, japanese=False)
        url = server.url
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{db_path}",
            "OPENSEARCH_URL": url,
            "OPENSEARCH_INDEX_PREFIX": prefix,
            "OPENSEARCH_TIMEOUT": "30",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return server, url, db_path


# --- corpus ---------------------------------------------------------------------------------------


def demo_pairs() -> dict[str, list[tuple[str, str]]]:
    """(German, English) text pairs from the demo content, by kind."""
    import yaml

    pairs: dict[str, list[tuple[str, str]]] = {"title": [], "teaser": [], "html": [], "text": []}

    def walk(node, key=""):
        if isinstance(node, dict):
            if set(node) == {"de", "en"} and all(isinstance(v, str) for v in node.values()):
                de, en = node["de"].strip(), node["en"].strip()
                kind = (
                    "title"
                    if key == "title"
                    else "teaser"
                    if key == "teaser"
                    else ("html" if de.startswith("<") else "text")
                )
                pairs[kind].append((de, en))
                return
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)

    # The demo content: each content type's demo.yaml and the shared snippets of the tooling app.
    demo = [*sorted(ROOT.glob("plugins/*/demo.yaml")), *sorted((ROOT / "cms" / "tooling" / "demo").glob("*.yaml"))]
    for path in demo:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return pairs


def build_corpus(count: int) -> dict:
    """`count` German pages (every other one translated into English) and the probe pages, created
    row by row without revisions (the index only needs live pages); skipped when already there."""
    from django.db import transaction
    from django.test import override_settings
    from wagtail.models import Locale, Page
    from wagtail.rich_text import RichText

    from plugins.events.models import BERLIN, EventIndexPage, EventPage
    from plugins.funding.models import FundingDeadline, FundingIndexPage, FundingPage
    from plugins.projects.models import ProjectIndexPage, ProjectPage
    from plugins.reports.models import ExperienceReportIndexPage, ExperienceReportPage
    from plugins.shared.models import PagePartner, PageRegion, PageTopic, Partner, Region, Topic

    expected = count + count // 2
    existing = Page.objects.filter(slug__startswith="bench-").count()
    if existing == expected + 6:
        return {"created": False}
    if existing:
        raise SystemExit(f"{os.environ['DATABASE_URL']} holds a partial corpus; delete it and run again")

    rng = random.Random(42)
    pairs = demo_pairs()
    de, en = Locale.objects.get(language_code="de"), Locale.objects.get(language_code="en")
    topics = [
        Topic.objects.get_or_create(slug=s, locale=de, defaults={"name": n})[0]
        for s, n in [
            ("soziokultur", "Soziokultur"),
            ("kreativwirtschaft", "Kultur- und Kreativwirtschaft"),
            ("ehrenamt", "Ehrenamt"),
            ("netzwerkarbeit", "Netzwerkarbeit"),
            ("kulturfoerderung", "Kulturförderung"),
        ]
    ]
    sachsen = Region.objects.get_or_create(
        slug="sachsen", locale=de, defaults={"name": "Sachsen", "kind": "land"}
    )[0]
    regions = [sachsen] + [
        Region.objects.get_or_create(slug=s, locale=de, defaults={"name": n, "parent": sachsen})[0]
        for s, n in [
            ("meissen", "Meißen"),
            ("goerlitz", "Görlitz"),
            ("leipzig", "Leipzig"),
            ("dresden", "Dresden"),
        ]
    ]
    partners = [
        Partner.objects.get_or_create(slug=f"bench-partner-{i}", defaults={"name": f"Bench Partner {i}"})[0]
        for i in range(3)
    ]
    types = [
        (ProjectIndexPage, ProjectPage),
        (ExperienceReportIndexPage, ExperienceReportPage),
        (EventIndexPage, EventPage),
        (FundingIndexPage, FundingPage),
    ]
    today = datetime.date.today()
    now = datetime.datetime.now(tz=datetime.UTC)
    links, partner_links, deadlines = [], [], []

    def add(index_model, model, locale, slug, fields, translation_key=None):
        parent = index_model.objects.get(locale=locale)
        parent.numchild += 1
        page = model(
            title=fields["title"],
            draft_title=fields["title"],
            slug=slug,
            locale=locale,
            path=index_model._get_path(parent.path, parent.depth + 1, parent.numchild),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            translation_key=translation_key or uuid.uuid4(),
            **{k: v for k, v in fields.items() if k != "title"},
        )
        page.save_base()  # not Page.save(): no validation, no revision; the index needs none
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
        return page

    def type_fields(model, k):
        if model is ProjectPage:
            return {"status": "running", "start_date": today - datetime.timedelta(days=k % 900)}
        if model is ExperienceReportPage:
            return {
                "author_name": "Team Beispiel",
                "publication_date": today - datetime.timedelta(days=k % 1500),
            }
        if model is EventPage:
            start = datetime.datetime.combine(
                today + datetime.timedelta(days=(k % 700) - 350), datetime.time(14), tzinfo=BERLIN
            )
            return {
                "start": start,
                "end": start + datetime.timedelta(hours=3),
                "event_format": "online",
                "online_access": "Online per Videokonferenz.",
            }
        return {"rolling": k % 5 == 0, "programme": "Programm Beispiel"}

    def texts(k):
        title_i, teaser_i = rng.randrange(len(pairs["title"])), rng.randrange(len(pairs["teaser"]))
        html = rng.sample(range(len(pairs["html"])), k=min(4, len(pairs["html"])))
        extra = rng.randrange(len(pairs["text"]))
        region = regions[k % len(regions)]
        return {
            lang: {
                "title": f"{pairs['title'][title_i][j]} – {pairs['text'][extra][j][:60]} ({region.name} {k})",
                "teaser": pairs["teaser"][teaser_i][j][:400],
                "body": [("rich_text", RichText(pairs["html"][h][j])) for h in html],
            }
            for j, lang in enumerate(("de", "en"))
        }

    def link(page, k):
        links.append(PageTopic(page_id=page.pk, topic=topics[k % len(topics)], sort_order=0))
        links.append(PageRegion(page_id=page.pk, region=regions[k % len(regions)], sort_order=0))
        if k % 5 == 1:
            partner_links.append(PagePartner(page_id=page.pk, partner=partners[k % 3], sort_order=0))
        if isinstance(page, FundingPage) and not page.rolling:
            opens = today + datetime.timedelta(days=(k % 400) - 250)
            deadlines.append(
                FundingDeadline(
                    page_id=page.pk,
                    opens_on=opens,
                    closes_on=opens + datetime.timedelta(days=60),
                    sort_order=0,
                )
            )

    dummy_queue = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with transaction.atomic(), override_settings(TASKS=dummy_queue):  # no Wagtail index task per row
        for k in range(count):
            index_model, model = types[k % 4]
            text = texts(k)
            page = add(index_model, model, de, f"bench-{k}", {**text["de"], **type_fields(model, k)})
            link(page, k)
            if k % 2 == 0:
                translated = add(
                    index_model,
                    model,
                    en,
                    f"bench-{k}",
                    {**text["en"], **type_fields(model, k)},
                    translation_key=page.translation_key,
                )
                link(translated, k)
        probes = {
            "scherenschnitt": (
                ProjectIndexPage,
                ProjectPage,
                de,
                "Zuschussprogramme für Scherenschnittkunst",
                "Gefördert werden Werkstätten, Kurse und Ausstellungen im ländlichen Raum.",
            ),
            "muehle": (
                EventIndexPage,
                EventPage,
                de,
                "Konzertabend in der Kulturmühle Göhrendorf",
                "Lesung und Musik in der alten Mühle an der Gerberstraße.",
            ),
            "chor": (
                ProjectIndexPage,
                ProjectPage,
                de,
                "Kinderchorwochen im Vogtland",
                "Eine Woche singen, proben und auftreten.",
            ),
            "stipendium": (
                FundingIndexPage,
                FundingPage,
                de,
                "Reisestipendium für Nachwuchsbands",
                "Zuschuss zu Fahrt und Unterkunft für Auftritte im Ausland.",
            ),
            "office": (
                ProjectIndexPage,
                ProjectPage,
                en,
                "Advisory office for rural culture",
                "Advice for associations in small towns.",
            ),
            "spare": (
                ProjectIndexPage,
                ProjectPage,
                de,
                "Probe ohne Besonderheiten",
                "Eine ganz normale Seite.",
            ),
        }
        for key, (index_model, model, locale, title, teaser) in probes.items():
            fields = {"title": title, "teaser": teaser, "body": [], **type_fields(model, 3)}
            add(index_model, model, locale, f"bench-probe-{key}", fields)
        PageTopic.objects.bulk_create([x for x in links if isinstance(x, PageTopic)])
        PageRegion.objects.bulk_create([x for x in links if isinstance(x, PageRegion)])
        PagePartner.objects.bulk_create(partner_links)
        FundingDeadline.objects.bulk_create(deadlines)
    return {"created": True}


def probe_ids() -> dict[str, int]:
    from wagtail.models import Page

    return {
        slug.removeprefix("bench-probe-"): pk
        for pk, slug in Page.objects.filter(slug__startswith="bench-probe-").values_list("pk", "slug")
    }


def query_mix(count: int) -> list[dict]:
    """Mixed searches as partner sites send them: words, variants, phrases, prefixes, filters."""
    from plugins.shared import content_types
    from plugins.shared.models import Partner

    rng = random.Random(7)
    partners = [None, *Partner.objects.filter(slug__startswith="bench-partner-")]
    mix = []
    for _ in range(count):
        english = rng.random() < 0.2
        words = QUERY_WORDS_EN if english else QUERY_WORDS_DE
        q = rng.choice(words) if rng.random() < 0.7 else f"{rng.choice(words)} {rng.choice(words)}"
        params = {"q": q, "locale": "en" if english else "de", "partner": rng.choice(partners)}
        roll = rng.random()
        if roll < 0.25:
            params["types"] = rng.sample(content_types.names(), k=rng.randint(1, 2))
        elif roll < 0.4:
            params["topic"] = rng.choice(["soziokultur", "kreativwirtschaft", "ehrenamt"])
        elif roll < 0.55:
            params["region"] = rng.choice(["sachsen", "meissen", "leipzig"])
        elif roll < 0.65:
            start = datetime.date.today() - datetime.timedelta(days=rng.randint(0, 300))
            params["date_from"], params["date_to"] = start, start + datetime.timedelta(days=120)
        if rng.random() < 0.2:
            params["offset"] = 10
        mix.append(params)
    return mix


# --- measurements ----------------------------------------------------------------------------------


class HubTimer:
    """Times `search.queries.search`: wall time, the engine's `took`, and the HTTP round trips (to tell
    the hub's Python time from time the engine spends outside its `took`)."""

    def __init__(self):
        self.totals, self.shares, self.tooks, self.python, self.engines = [], [], [], [], set()

    def __call__(self, params: dict, facets: bool, round_trips: list[float]) -> None:
        from search import queries
        from search.backends import opensearch

        opensearch.last_took_ms.set(None)
        round_trips.clear()
        started = time.perf_counter()
        answer = queries.search(**params, facets=facets, record=True)
        elapsed = time.perf_counter() - started
        self.engines.add(answer["engine"])
        took = opensearch.last_took_ms.get()
        self.totals.append(elapsed)
        self.python.append(elapsed - sum(round_trips))
        if took is not None:
            self.tooks.append(took / 1000)
            self.shares.append(max(0.0, elapsed - took / 1000))

    def as_dict(self) -> dict:
        return {
            "totals": self.totals,
            "shares": self.shares,
            "tooks": self.tooks,
            "python": self.python,
            "engines": sorted(self.engines),
        }


def measure_side_by_side(backend, mix: list[dict]) -> tuple[dict, dict, list[float]]:
    """One run over `mix`, interleaved query by query (so a burst of load on the shared machine hits
    all sides alike): the hub without facets (results with highlight and the count, as Wagtail's
    `search()` answers), Wagtail's `search()` of the same words, the hub with facets (as the partner
    API asks). Returns (hub, hub with facets, Wagtail's wall times)."""
    from search import client, queries

    os_client = client.get_client()
    real_search = os_client.search
    round_trips: list[float] = []

    def timed_search(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real_search(*args, **kwargs)
        finally:
            round_trips.append(time.perf_counter() - started)

    hub, with_facets, wagtail = HubTimer(), HubTimer(), []
    os_client.search = timed_search
    try:
        for params in mix[:20]:  # warm-up: connections, caches
            queries.search(**params, record=True)
            list(backend.search(params["q"], wagtail_scope(params["locale"]))[:10])
        for params in mix:
            hub(params, False, round_trips)
            started = time.perf_counter()
            list(backend.search(params["q"], wagtail_scope(params["locale"]))[:10])
            wagtail.append(time.perf_counter() - started)
            with_facets(params, True, round_trips)
    finally:
        os_client.search = real_search
    return hub.as_dict(), with_facets.as_dict(), wagtail


def measure_database_queries(mix: list[dict]) -> list[float]:
    """The embedded database engine on the same queries as OpenSearch, after one query per language
    (connections, the vocabulary table's pages, Python's caches) outside the timing."""
    from django.test import override_settings

    from search import queries

    totals, cpu = [], []
    with override_settings(OPENSEARCH_URL=None):
        for locale in ("de", "en"):
            queries.search(next(p for p in mix if p["locale"] == locale)["q"], partner=None, locale=locale)
        for params in mix:
            started, started_cpu = time.perf_counter(), time.process_time()
            queries.search(**params, record=True)
            totals.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    measure_database_queries.cpu = cpu  # this process's CPU time per query (SQLite's work included)
    return totals


EDITOR_TUNING_QUERIES = 200


def measure_editor_tuning(mix: list[dict]) -> dict:
    """Promoted results and query insights (issue 13) side by side with the engine alone, interleaved per
    query on the same process and data, on both engines: `queries.search(..., record=True)` (validate,
    look up promotions, engine, count the insight) against `queries.engine_search(queries.build_request(...))`
    (validate, engine: the search path before promotions and insights). One promotion ("Kultur", two
    pages) is in place, so queries of that word take the promoted path. Returns p50s in seconds."""
    from django.test import override_settings
    from wagtail.models import Page

    from search import queries
    from search.models import PromotedPage, Promotion, SearchInsight

    pinned = list(Page.objects.filter(locale__language_code="de", depth__gt=3).order_by("id")[:2])
    promotion = Promotion(query="Kultur")
    promotion.pages = [PromotedPage(page=page) for page in pinned]
    promotion.save()
    queries_ = mix[:EDITOR_TUNING_QUERIES]
    out = {}
    try:
        for engine, overrides in (("opensearch", {}), ("database", {"OPENSEARCH_URL": None})):
            with override_settings(**overrides):
                for params in queries_[:10]:  # warm-up
                    queries.search(**params, record=True)
                before, after = [], []
                for i, params in enumerate(queries_):
                    rest = {k: v for k, v in params.items() if k != "q"}
                    for variant in ((0, 1) if i % 2 else (1, 0)):
                        started = time.perf_counter()
                        if variant:
                            queries.search(**params, record=True)
                        else:
                            queries.engine_search(queries.build_request(params["q"], **rest))
                        (after if variant else before).append(time.perf_counter() - started)
                out[engine] = {"before": before, "after": after}
    finally:
        promotion.delete()
        SearchInsight.objects.all().delete()
    return out


SEARCH_TUNING_QUERIES = 200


def measure_search_tuning(mix: list[dict]) -> dict:
    """The editors' search tuning of issue 13 (synonyms, quoted phrases, "did you mean") switched on and
    off on the same process and data, interleaved ABBA query by query (query i: off then on, query i+1:
    on then off), on both engines: `queries.search` as the partner API calls it (facets, highlight).
    "Off": an empty synonym table, no suggestion (the one tuning version read, which promotions need
    too, stays). Returns seconds per side and engine: {engine: {"off": [...], "on": [...]}}."""
    from django.test import override_settings

    from search import queries, spelling, synonyms

    real_table, real_suggestion = queries.synonym_table, spelling.suggestion
    empty = synonyms.Table([], "de")

    def switch(on: bool) -> None:
        if on:
            queries.synonym_table, spelling.suggestion = real_table, real_suggestion
        else:
            queries.synonym_table = lambda language, tuning=None: empty
            spelling.suggestion = lambda request, count, search: None

    queries_ = mix[:SEARCH_TUNING_QUERIES]
    out: dict = {}
    try:
        for engine, overrides in (("opensearch", {}), ("database", {"OPENSEARCH_URL": None})):
            with override_settings(**overrides):
                for on in (False, True):  # warm-up of both paths
                    switch(on)
                    for params in queries_[:10]:
                        queries.search(**params)
                sides: dict[str, list[float]] = {"off": [], "on": []}
                for i, params in enumerate(queries_):
                    for on in ((False, True) if i % 2 == 0 else (True, False)):
                        switch(on)
                        started = time.perf_counter()
                        queries.search(**params)
                        sides["on" if on else "off"].append(time.perf_counter() - started)
                out[engine] = sides
    finally:
        switch(True)
    return out


def wagtail_database_backend():
    """Wagtail's own ranked database search backend (SQLite FTS5 or PostgreSQL) on the same pages,
    indexed by `update_index` during `rebuild_database`."""
    from wagtail.search.backends.database import SearchBackend

    return SearchBackend({})


def measure_wagtail_database_queries(mix: list[dict]) -> list[float]:
    backend = wagtail_database_backend()
    for locale in ("de", "en"):
        list(backend.search("Kultur", wagtail_scope(locale))[:10])
    return measure_wagtail_queries(backend, mix)


# --- the database engine at several sizes, on SQLite and PostgreSQL -----------------------------------

DB_SIZES_QUICK = [1000]
DB_SIZES_FULL = [1000, 3334, 10000]  # German pages: 1,506 / 5,007 / 15,006 live pages with translations
# Wagtail's database backend takes seconds per query at 15k pages (BENCH_WAGTAIL_DB_QUERIES overrides)
WAGTAIL_DB_QUERIES_LARGE = int(os.environ.get("BENCH_WAGTAIL_DB_QUERIES", "100"))


def postgres_url(count: int) -> str | None:
    """A PostgreSQL database for the corpus of `count` pages (created when missing), or None when
    there is no server: BENCH_POSTGRES_URL names the server (default postgres@127.0.0.1:5432),
    BENCH_POSTGRES_PREFIX the start of the database's name (default kh_bench; a shared server may ask
    for a prefix per user)."""
    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    name = f"{os.environ.get('BENCH_POSTGRES_PREFIX', 'kh_bench')}_search_{count}"
    try:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {name}")
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL rows say so
        return None
    return f"{base}/{name}"


def database_size_run() -> dict:
    """One (database, size) measurement in its own process (Django configures once per process):
    corpus, database engine rebuild when needed, the hub's database engine and Wagtail's own database
    backend on the same query mix. Environment: BENCH_DB_URL, BENCH_PAGES."""
    count = int(os.environ["BENCH_PAGES"])
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": os.environ["BENCH_DB_URL"],
            "OPENSEARCH_URL": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Page

    from search import indexing
    from search.models import SearchDocument

    call_command("migrate", verbosity=0)
    build_corpus(count)
    live = Page.objects.filter(slug__startswith="bench-").count()
    if SearchDocument.objects.count() < live:
        report = indexing.rebuild_database()
        if not report.ok:
            raise RuntimeError(f"database rebuild failed: {report.failures}")
    pages = SearchDocument.objects.count()
    if os.environ.get("BENCH_PREPARE_ONLY"):  # corpus and index only (to build large corpora ahead)
        return {"vendor": connection.vendor, "pages": pages}
    mix = query_mix(QUERY_COUNT)
    hub = measure_database_queries(mix)
    wagtail_mix = mix if count <= 1000 else mix[:WAGTAIL_DB_QUERIES_LARGE]
    wagtail = measure_wagtail_database_queries(wagtail_mix) if wagtail_mix else []
    return {
        "vendor": connection.vendor,
        "pages": pages,
        "hub_p50_ms": ms(percentile(hub, 50)),
        "hub_p95_ms": ms(percentile(hub, 95)),
        "hub_queries": len(hub),
        # CPU time of this process per query: the machine's load inflates wall times, not this (on
        # PostgreSQL the server's own work is not in it)
        "hub_cpu_p50_ms": ms(percentile(measure_database_queries.cpu, 50)),
        "hub_cpu_p95_ms": ms(percentile(measure_database_queries.cpu, 95)),
        "load_average": os.getloadavg(),
        "wagtail_p50_ms": ms(percentile(wagtail, 50)) if wagtail else None,
        "wagtail_p95_ms": ms(percentile(wagtail, 95)) if wagtail else None,
        "wagtail_queries": len(wagtail),
    }


def measure_database_sizes(sizes: list[int], main_db: Path, *, sqlite: bool = True) -> list[dict]:
    """The database engine and Wagtail's database backend at each size, SQLite (and PostgreSQL), each
    (database, size) in a process of its own."""
    results = []
    for count in sizes:
        targets = [("sqlite", f"sqlite:///{main_db.with_name(f'search-{count}.sqlite3')}")] if sqlite else []
        targets.append(("postgresql", postgres_url(count)))
        for vendor, url in targets:
            if url is None:
                results.append({"vendor": vendor, "count": count, "error": "no PostgreSQL server"})
                continue
            code = "import json\nfrom bench import search\nprint('DB-SIZE ' + json.dumps(search.database_size_run()))"
            env = {**os.environ, "BENCH_DB_URL": url, "BENCH_PAGES": str(count)}
            process = subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
            )
            lines = [line for line in process.stdout.splitlines() if line.startswith("DB-SIZE ")]
            if not lines:
                results.append({"vendor": vendor, "count": count, "error": f"exit {process.returncode}"})
                continue
            results.append({"count": count, **json.loads(lines[-1][len("DB-SIZE ") :])})
    return results


def wagtail_backend(url: str, prefix: str):
    from django.conf import settings
    from wagtail.search.backends import get_search_backend

    settings.WAGTAILSEARCH_BACKENDS = {
        **settings.WAGTAILSEARCH_BACKENDS,
        "wagtail_opensearch": {
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": [url],
            "INDEX_PREFIX": f"{prefix}-wagtail-",
            "TIMEOUT": 60,
            "AUTO_UPDATE": False,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        },
    }
    return get_search_backend("wagtail_opensearch")


def rebuild_wagtail(backend) -> tuple[int, float]:
    """Wagtail's own rebuild of the four content page models (what update_index does for them)."""
    from search import registry

    models = list(registry.iter_models())
    started = time.perf_counter()
    index = backend.get_index_for_model(models[0])
    rebuilder = backend.rebuilder_class(index)
    index = rebuilder.start()
    for model in models:
        index.add_model(model)
    count = 0
    for model in models:
        pks = list(model.objects.live().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), 1000):
            chunk = list(model.objects.filter(pk__in=pks[start : start + 1000]).order_by("pk"))
            index.add_items(model, chunk)
            count += len(chunk)
    rebuilder.finish()
    index.refresh()
    return count, time.perf_counter() - started


def wagtail_scope(locale: str):
    from wagtail.models import Locale, Page

    from search import registry

    locale_obj = Locale.objects.get(language_code=locale)
    return Page.objects.live().filter(locale=locale_obj).type(*registry.iter_models())


def measure_wagtail_queries(backend, mix: list[dict]) -> list[float]:
    totals = []
    for params in mix:
        started = time.perf_counter()
        list(backend.search(params["q"], wagtail_scope(params["locale"]))[:10])
        totals.append(time.perf_counter() - started)
    return totals


def behaviours(backend) -> list[tuple[str, bool, bool]]:
    """Which German (and English) behaviours each engine gets right: the probe page among the first
    ten results (search) or eight suggestions (typing)."""
    from search import queries

    ids = probe_ids()
    rows = []
    for behaviour, (locale, q, key, how) in PROBES.items():
        target = ids[key]
        if how == "prefix":
            hub = [s["id"] for s in queries.suggest(q, partner=None, locale=locale, limit=8)]
            wagtail = [p.pk for p in backend.autocomplete(q, wagtail_scope(locale))[:8]]
        else:
            hub = [r["id"] for r in queries.search(q, partner=None, locale=locale, limit=10, facets=False)["results"]]
            wagtail = [p.pk for p in backend.search(q, wagtail_scope(locale))[:10]]
        rows.append((behaviour, target in hub, target in wagtail))
    return rows


def measure_publish_to_searchable(samples: int) -> list[float]:
    """Publish a page (the editor's request) and poll the search until it answers with it, while the
    real `db_worker` runs beside, as in `./hub demo`."""
    from wagtail.models import Locale

    from plugins.projects.models import ProjectIndexPage, ProjectPage
    from search import queries

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", str(WORKER_INTERVAL), "--no-startup-delay"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        parent = ProjectIndexPage.objects.get(locale=Locale.objects.get(language_code="de"))
        timings = []
        for k in range(-1, samples):  # sample -1 waits for the worker to start and is not counted
            token = f"Messpunkt{uuid.uuid4().hex[:8]}"
            started = time.perf_counter()
            page = parent.add_child(
                instance=ProjectPage(
                    title=f"{token} Kulturscheune",
                    teaser="Neu veröffentlicht.",
                    slug=f"publish-probe-{k}-{token}",
                    locale=parent.locale,
                    start_date=datetime.date.today(),
                )
            )
            page.save_revision().publish()
            deadline = started + 30
            while time.perf_counter() < deadline:
                if queries.search(token, partner=None, locale="de", facets=False)["count"]:
                    if k >= 0:
                        timings.append(time.perf_counter() - started)
                    break
                time.sleep(0.01)
            page.delete()
            time.sleep(0.2)  # let the worker take the deletion before the next sample
        return timings
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a loaded machine: the figures are taken, do not lose them
            worker.kill()
            worker.wait()


def versions() -> dict:
    from importlib.metadata import version

    out = {
        name: version(name) for name in ("Django", "wagtail", "opensearch-py", "django-tasks", "osmem-server")
    }
    out["python"] = platform.python_version()
    return out


def machine() -> dict:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "memory": memory, "platform": platform.platform()}


def run(quick: bool) -> dict:
    server, url, db_path = configure(quick)
    try:
        return measure_all(quick, url, db_path, server is not None)
    finally:
        if server is not None:
            server.close()


def database_copy_complete() -> bool:
    """The database engine's copy (and Wagtail's database index behind it) holds every live page of
    the reused corpus: --quick then skips rebuilding it (a minute on a busy machine); a full run
    always rebuilds and measures it."""
    from wagtail.search.models import IndexEntry

    from search import indexing
    from search.models import SearchDocument

    expected = sum(indexing.expected_counts().values())
    return SearchDocument.objects.count() == expected and IndexEntry.objects.count() >= expected


def median_run(runs: list[dict], key: str) -> dict:
    """The run whose p50 of `key` is the median of the runs' p50s."""
    ordered = sorted(runs, key=lambda run: percentile(run[key], 50))
    return ordered[len(ordered) // 2]


def measure_all(quick: bool, url: str, db_path: Path, osmem: bool) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from search import client, indexing

    count = 1000 if quick else 10000
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    created = build_corpus(count)["created"]
    generation = time.perf_counter() - started

    database_report = None if quick and database_copy_complete() else indexing.rebuild_database()
    if database_report is not None and not database_report.ok:
        raise RuntimeError(f"database rebuild failed: {database_report.failures}")
    backend = wagtail_backend(url, settings.OPENSEARCH_INDEX_PREFIX)
    query_count = QUICK_QUERY_COUNT if quick else QUERY_COUNT
    mix = query_mix(query_count)
    # Interleaved runs, medians: the hub's rebuild and Wagtail's, the hub's queries and Wagtail's.
    rebuilds, wagtail_rebuilds, hub_runs, wagtail_runs, facet_runs = [], [], [], [], []
    for _run in range(RUNS):
        opensearch_report = indexing.rebuild_opensearch()
        if not opensearch_report.ok:
            raise RuntimeError(f"rebuild failed: {opensearch_report.failures}")
        rebuilds.append(opensearch_report.total / opensearch_report.seconds)
        wagtail_count, wagtail_seconds = rebuild_wagtail(backend)
        wagtail_rebuilds.append(wagtail_count / wagtail_seconds)
    pages = opensearch_report.total
    for _run in range(RUNS):
        hub_run, facet_run, wagtail_run = measure_side_by_side(backend, mix)
        hub_runs.append(hub_run)
        facet_runs.append(facet_run)
        wagtail_runs.append(wagtail_run)
    hub = median_run(hub_runs, "totals")
    with_facets = median_run(facet_runs, "totals")
    wagtail_totals = median_run([{"totals": run} for run in wagtail_runs], "totals")["totals"]

    database_totals = measure_database_queries(mix)
    tuning = measure_editor_tuning(mix)
    search_tuning = measure_search_tuning(mix)
    wagtail_database_totals = measure_wagtail_database_queries(mix if count <= 1000 else mix[:WAGTAIL_DB_QUERIES_LARGE])
    sizes = measure_database_sizes([size for size in DB_SIZES_FULL if size != count], db_path) if not quick else []
    if not quick:  # PostgreSQL at the run's own size too
        sizes += measure_database_sizes([count], db_path, sqlite=False)
    table = behaviours(backend)
    publish = measure_publish_to_searchable(10 if quick else PUBLISH_SAMPLES)
    names = list(client.get_client().indices.get(index=f"{settings.OPENSEARCH_INDEX_PREFIX}-*"))
    if names:  # by name: a real cluster may refuse wildcard deletes
        client.get_client().indices.delete(index=",".join(names), ignore_unavailable=True)

    rebuild = statistics.median(rebuilds)
    wagtail_rebuild = statistics.median(wagtail_rebuilds)
    figures = {
        "pages": pages,
        "rebuild_opensearch_pages_per_s": round(rebuild, 1),
        "rebuild_database_pages_per_s": (
            round(database_report.total / database_report.seconds, 1) if database_report else None
        ),
        "wagtail_rebuild_pages_per_s": round(wagtail_rebuild, 1),
        "rebuild_vs_wagtail": round(rebuild / wagtail_rebuild, 2),
        "search_p50_ms": ms(percentile(hub["totals"], 50)),
        "search_p95_ms": ms(percentile(hub["totals"], 95)),
        "search_facets_p50_ms": ms(percentile(with_facets["totals"], 50)),
        "search_facets_p95_ms": ms(percentile(with_facets["totals"], 95)),
        "engine_took_p50_ms": ms(percentile(hub["tooks"], 50)),
        # The hub's share: its own Python time (wall minus the HTTP round trips to the engine).
        "hub_share_p50_ms": ms(percentile(hub["python"], 50)),
        "hub_share_p95_ms": ms(percentile(hub["python"], 95)),
        "hub_python_p50_ms": ms(percentile(hub["python"], 50)),
        "hub_python_p95_ms": ms(percentile(hub["python"], 95)),
        # Wall time beyond the engine's `took`: on osmem-server mostly its own HTTP, not the hub.
        "beyond_took_p50_ms": ms(percentile(hub["shares"], 50)),
        "beyond_took_p95_ms": ms(percentile(hub["shares"], 95)),
        "database_search_p50_ms": ms(percentile(database_totals, 50)),
        "database_search_p95_ms": ms(percentile(database_totals, 95)),
        "database_search_queries": len(database_totals),
        **{
            f"{engine}_{key}": value
            for engine, runs in tuning.items()
            for key, value in {
                "engine_only_p50_ms": ms(percentile(runs["before"], 50)),
                "with_promotions_insights_p50_ms": ms(percentile(runs["after"], 50)),
                "promotions_insights_vs_engine_only": round(
                    percentile(runs["after"], 50) / percentile(runs["before"], 50), 3
                ),
            }.items()
        },
        **{
            f"{engine}_{key}": value
            for engine, sides in search_tuning.items()
            for key, value in {
                "tuning_off_p50_ms": ms(percentile(sides["off"], 50)),
                "tuning_on_p50_ms": ms(percentile(sides["on"], 50)),
                "tuning_on_vs_off": round(percentile(sides["on"], 50) / percentile(sides["off"], 50), 3),
            }.items()
        },
        "wagtail_database_search_p50_ms": ms(percentile(wagtail_database_totals, 50)),
        "wagtail_database_search_p95_ms": ms(percentile(wagtail_database_totals, 95)),
        "wagtail_search_p50_ms": ms(percentile(wagtail_totals, 50)),
        "wagtail_search_p95_ms": ms(percentile(wagtail_totals, 95)),
        "search_p50_vs_wagtail": round(percentile(hub["totals"], 50) / percentile(wagtail_totals, 50), 2),
        "search_runs": RUNS,
        "publish_to_searchable_p50_ms": ms(percentile(publish, 50)),
        "publish_to_searchable_p95_ms": ms(percentile(publish, 95)),
        "publish_samples_found": len(publish),
        "behaviours_hub": sum(1 for _b, h, _w in table if h),
        "behaviours_wagtail": sum(1 for _b, _h, w in table if w),
        "behaviours_total": len(table),
    }
    by_size = [
        {
            "vendor": "sqlite",
            "count": count,
            "pages": pages,
            "hub_p50_ms": figures["database_search_p50_ms"],
            "hub_p95_ms": figures["database_search_p95_ms"],
            "hub_queries": len(database_totals),
            "wagtail_p50_ms": figures["wagtail_database_search_p50_ms"],
            "wagtail_p95_ms": figures["wagtail_database_search_p95_ms"],
            "wagtail_queries": len(wagtail_database_totals),
        },
        *sizes,
    ]
    for entry in by_size:
        if "error" in entry:
            continue
        key = f"db_search_{entry['vendor']}_{entry['pages']}"
        figures[f"{key}_p50_ms"] = entry["hub_p50_ms"]
        figures[f"{key}_p95_ms"] = entry["hub_p95_ms"]
        figures[f"{key}_wagtail_p50_ms"] = entry["wagtail_p50_ms"]
        figures[f"{key}_wagtail_p95_ms"] = entry["wagtail_p95_ms"]
    largest = max((e for e in by_size if e["vendor"] == "sqlite" and "error" not in e), key=lambda e: e["pages"])
    figures["db_search_p95_ms"] = largest["hub_p95_ms"]
    figures["db_search_p95_pages"] = largest["pages"]
    yes = {True: "yes", False: "no"}
    rows = [
        [
            "rebuild (pages/s)",
            figures["rebuild_opensearch_pages_per_s"],
            figures["wagtail_rebuild_pages_per_s"],
            ">= 300",
        ],
        [
            "rebuild, database engine (pages/s)",
            figures["rebuild_database_pages_per_s"] or "not rebuilt (--quick: the copy was complete)",
            "-",
            "-",
        ],
        [
            "search p50 / p95 (ms, results with highlight and count, no facets)",
            f"{figures['search_p50_ms']} / {figures['search_p95_ms']}",
            f"{figures['wagtail_search_p50_ms']} / {figures['wagtail_search_p95_ms']} (no highlight)",
            "-",
        ],
        [
            "search p50 / p95 (ms, with facets, as the partner API asks)",
            f"{figures['search_facets_p50_ms']} / {figures['search_facets_p95_ms']}",
            "- (Wagtail has no facets)",
            "-",
        ],
        [
            f"search p50 vs Wagtail (median of {RUNS} interleaved runs); rebuild vs Wagtail",
            f"{figures['search_p50_vs_wagtail']}x; {figures['rebuild_vs_wagtail']}x",
            "-",
            "<= 2x; >= 1.0x",
        ],
        [
            "hub share: the hub's Python time (wall - HTTP round trips) p50 / p95 (ms)",
            f"{figures['hub_share_p50_ms']} / {figures['hub_share_p95_ms']}",
            "-",
            "p50 <= 5",
        ],
        [
            "wall time beyond the engine's `took` p50 / p95 (ms; osmem's HTTP, not the hub)",
            f"{figures['beyond_took_p50_ms']} / {figures['beyond_took_p95_ms']}",
            "-",
            "-",
        ],
        *[
            [
                f"database engine on {e['vendor']}, {e['pages']} pages p50 / p95 (ms; "
                f"{e['hub_queries']} / {e['wagtail_queries']} queries)",
                f"{e['hub_p50_ms']} / {e['hub_p95_ms']}",
                f"{e['wagtail_p50_ms']} / {e['wagtail_p95_ms']} (Wagtail's database backend)",
                "p95 <= 100" if e["pages"] > 10000 else "-",
            ]
            if "error" not in e
            else [f"database engine on {e['vendor']}, {e['count']} German pages", e["error"], "-", "-"]
            for e in by_size
        ],
        *[
            [
                f"{engine}: with promotions + insights vs engine alone, p50 (ms; {EDITOR_TUNING_QUERIES} queries "
                "interleaved)",
                f"{figures[f'{engine}_with_promotions_insights_p50_ms']} vs "
                f"{figures[f'{engine}_engine_only_p50_ms']} "
                f"({figures[f'{engine}_promotions_insights_vs_engine_only']}x)",
                "-",
                "<= 1.1x",
            ]
            for engine in ("opensearch", "database")
        ],
        *[
            [
                f"{engine}: synonyms + phrases + did-you-mean on vs off, p50 (ms; {SEARCH_TUNING_QUERIES} queries "
                "interleaved ABBA)",
                f"{figures[f'{engine}_tuning_on_p50_ms']} vs {figures[f'{engine}_tuning_off_p50_ms']} "
                f"({figures[f'{engine}_tuning_on_vs_off']}x)",
                "-",
                "<= 1.1x",
            ]
            for engine in ("opensearch", "database")
        ],
        [
            "publish to searchable p50 / p95 (ms)",
            f"{figures['publish_to_searchable_p50_ms']} / {figures['publish_to_searchable_p95_ms']}",
            "-",
            "p95 <= 1000",
        ],
        *[[f"behaviour: {behaviour}", yes[h], yes[w], "yes"] for behaviour, h, w in table],
    ]
    notes = [
        f"{pages} live pages ({count} German, {count // 2} English translations, probes); corpus "
        f"{'generated' if created else 'reused'} in {generation:.1f} s at {db_path}",
        "engine: "
        + (f"osmem-server {versions()['osmem-server']} (in-memory, not Lucene timings)" if osmem else url),
        f"{query_count} mixed queries (20% English, filters on 65%), {RUNS} runs interleaved query by query; "
        "baseline = wagtail.search.backends.opensearch3 on the same pages and cluster",
        f"publish-to-searchable: db_worker --interval {WORKER_INTERVAL}, {len(publish)} samples",
        f"database engine: the same {query_count} queries after one per language; Wagtail's database "
        f"backend (`search()`, ranked, no facets/highlight) on the same pages, its first "
        f"{WAGTAIL_DB_QUERIES_LARGE} queries above 1.5k pages (seconds per query there)",
        f"machine: {json.dumps(machine())}; versions: {json.dumps(versions())}; "
        f"date: {datetime.datetime.now().isoformat(timespec='minutes')}",
    ]
    return {
        "title": "search (kulturhub vs Wagtail opensearch3)",
        "columns": ["measure", "kulturhub", "Wagtail opensearch3", "goal"],
        "rows": rows,
        "figures": figures,
        "notes": notes,
    }
