"""Soak: 50 partner clients for 60 s (10 s with --quick) of mixed requests -- lists of every type with
varied locale, limit, offset, topic, region and fields; details; full-text search with German words and
typos; suggestions; conditional requests repeating an earlier answer's ETag -- over keys of four
partners (pages shared with different partners), while an editor publishes a real Wagtail revision
every few seconds and a `db_worker` beside the server processes index updates and webhook deliveries.
One more client deliberately exceeds its key's rate limit: its 429 answers are designed (they must carry
Retry-After) and are counted apart. Goal: 0 errors besides those 429s -- no other status, no connection
error, no page of another partner in an answer, no failed publish or worker task, no error in the server's
or worker's log, and the last publishes visible in the detail and the search once the worker drained.

The per-key limit (an hourly window, so it holds over the whole run) is set before the server starts from
the machine's present speed, so normal clients stay far below it on a fast idle machine and on a slow
busy one; BENCH_SOAK_RATE_LIMIT overrides it.

Setup: PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kulturhub_bench_soak,
created and filled on the first run, kept afterwards), 1,000 German pages from the API benchmark's
generator plus English translations of every fourth, the database search engine (BENCH_SOAK_ENGINE=osmem,
or `python -m bench.soak --osmem`, searches an osmem-server instead), gunicorn with 2 sync workers on
127.0.0.1, load from 5 processes of 10 client threads each. Loopback traffic only; bounded in time.
Writes bench/results/soak.md (a full run) or bench/results/tmp/soak-quick.md (--quick); the server's and
the worker's logs go to var/bench/soak-*.log.
"""

from __future__ import annotations

import datetime
import http.client
import http.server
import json
import math
import multiprocessing
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench._soak_settings"
PAGES = 1000
CLIENTS = 50
PROCESSES = 5  # client processes (threads of one Python process would queue on its GIL)
SECONDS = 60
QUICK_SECONDS = 10
EDITOR_INTERVAL = 3.0  # seconds between two publishes
WORKERS = 2
GREEDY_THREADS = 4  # connections of the one client that exceeds its key's limit on purpose
LIMIT_MARGIN = 3  # the hourly limit per key: this many times one normal client's expected requests in the run
PARTNERS = ("Soak-Partner A", "Soak-Partner B", "Soak-Partner C", "Soak-Partner D")
WEBHOOK_PARTNERS = (0, 3)  # partners with a webhook to the soak's receiver
TYPES = {"projectpage": "projects", "experiencereportpage": "reports", "eventpage": "events", "fundingpage": "funding"}
LOG_DIR = ROOT / "var" / "bench"

# Words of the generated pages (bench/api.py), their inflections and typos, and words found nowhere.
SEARCH_WORDS = [
    "Kultur",
    "Quartier",
    "Netzwerk",
    "Kulturschaffende",
    "Vereine",
    "Verwaltung",
    "Werkstätten",
    "Werkstatt",
    "Werkstaetten",
    "offene Treffen",
    "Ehrenamtliche",
    "Ehrenamt",
    "Begegnung",
    "Gemeinsam geht mehr",
    "Rathaus Dresden",
    "Menschen im Gespräch",
    "Bericht",
    "Kulturschafende",  # typo
    "Netzwrek",  # typo
    "Quartir",  # typo
    "Verwaltnug",  # typo
    "Ehrenamtlche",  # typo
    "Begegnungen",
    "Soziokultur",
    "Förderung",
    "Görlitz",
    "Strasse",
    "Zuschussprogramm",
    "xylophonwerkstatt",  # found nowhere
]
ENGLISH_WORDS = ["culture", "neighbourhood", "network", "volunteers", "meeting", "report"]
PREFIXES = ["Ku", "Kul", "Kultur", "Bench-S", "Bench-Seite 1", "Quar", "Netz", "Werk", "Treff", "Beg", "cul", "neigh"]
LIST_FIELDS = ["id,title", "id,title,teaser,url", "id,type,locale,title,translations", "title,last_published_at"]


# -- setup ---------------------------------------------------------------------------------------------


def database_url() -> str:
    prefix = os.environ.get("BENCH_POSTGRES_PREFIX", "kulturhub_bench")  # a shared server may want one per user
    return os.environ.get("BENCH_DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{prefix}_soak"


def server_env(url: str, extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
        **extra,
    }


def configure_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def add_translations(log) -> int:
    """English translations (Wagtail's copy_for_translation, then a published revision) of every fourth
    German bench page, with the same partner sharing as their source."""
    from wagtail.models import Locale, Page

    from plugins.shared.models import PagePartner

    english = Locale.objects.get(language_code="en")
    if Page.objects.filter(slug__startswith="bench-", locale=english).exists():
        return 0
    sources = list(Page.objects.filter(slug__startswith="bench-", locale__language_code="de").order_by("pk")[::4])
    log(f"translating {len(sources)} pages into English (kept for later runs)")
    for n, source in enumerate(sources):
        source = source.specific
        page = source.copy_for_translation(english)
        page.title = source.title.replace("Bench-Seite", "Bench page").replace(
            "Kultur im Quartier", "culture in the neighbourhood"
        )
        page.teaser = "A short teaser as it appears in lists and search results, two sentences long."
        page.save_revision().publish()
        shared = [link.partner_id for link in source.partner_links.all()]
        PagePartner.objects.filter(page=page).delete()
        PagePartner.objects.bulk_create(
            [PagePartner(page_id=page.pk, partner_id=partner, sort_order=k) for k, partner in enumerate(shared)]
        )
        if n % 50 == 49:
            log(f"  {n + 1} / {len(sources)}")
    return len(sources)


def share_pages(partners: list) -> bool:
    """Every tenth German page shared only with partner A, B or C; every tenth more with A and D; the
    rest with no partner in particular (so with all)."""
    from wagtail.models import Page

    from plugins.shared.models import PagePartner

    pages = list(Page.objects.filter(slug__startswith="bench-", locale__language_code="de").order_by("pk"))
    if PagePartner.objects.filter(page__in=pages).exists():
        return False
    links = []
    for n, page in enumerate(pages):
        audience = {1: [0], 2: [1], 3: [2], 4: [0, 3]}.get(n % 10, [])
        links += [PagePartner(page=page, partner=partners[k], sort_order=j) for j, k in enumerate(audience)]
    PagePartner.objects.bulk_create(links)
    return True


def repair_rounds() -> int:
    """The API benchmark's generator (bench/api.py) writes funding rounds with bulk_create, past the model's
    validation, and some close before they open -- which FundingDeadline.clean refuses and OpenSearch's
    date_range refuses too. Here they are turned round, once."""
    from django.db.models import F

    from plugins.funding.models import FundingDeadline

    bad = list(FundingDeadline.objects.filter(opens_on__gt=F("closes_on")))
    for deadline in bad:
        deadline.opens_on, deadline.closes_on = deadline.closes_on, deadline.opens_on
    FundingDeadline.objects.bulk_update(bad, ["opens_on", "closes_on"])
    return len(bad)


def partners_and_keys(clients: int) -> tuple[list, list[str], str, str]:
    """The four partners (created once) and fresh keys for this run (the last run's revoked): one per
    client, so a client's rate is its key's rate, one for the greedy client and one for priming."""
    from frontend_api.partners import issue_key, revoke_keys
    from plugins.shared.models import Partner

    partners = []
    for k, name in enumerate(PARTNERS):
        partner, _created = Partner.objects.get_or_create(
            slug=f"soak-partner-{'abcd'[k]}", defaults={"name": name, "active": True}
        )
        revoke_keys(partner)
        partners.append(partner)
    keys = [issue_key(partners[n % len(partners)], name=f"soak client {n}") for n in range(clients)]
    greedy = issue_key(partners[1], name="soak greedy client")
    primer = issue_key(partners[0], name="soak priming")
    return partners, keys, greedy, primer


def point_webhooks(partners: list, receiver_url: str) -> None:
    """Webhooks of partners A and D at this run's receiver (created after the content, so the setup's
    publishes announce nothing)."""
    from frontend_api.models import Webhook
    from frontend_api.partners import add_webhook

    for k in WEBHOOK_PARTNERS:
        hooks = Webhook.objects.filter(partner=partners[k])
        if hooks.exists():
            hooks.update(url=receiver_url, active=True)
        else:
            add_webhook(partners[k], receiver_url)


def clear_leftovers() -> int:
    """Work queued before this run (the setup's own: its pages' reference-index and search updates, which the
    rebuild that follows replaces; or an interrupted run's) is dropped, so the worker's figures are the
    soak's."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from frontend_api.models import WebhookDelivery

    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).delete()
    left = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return left.delete()[0]


def visibility(partners: list) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
    """Per partner: the detail paths it may see, and the ids it must never see (live pages shared only
    with others)."""
    from wagtail.models import Page

    pages = (
        Page.objects.live()
        .filter(slug__startswith="bench-")
        .select_related("content_type")
        .prefetch_related("partner_links")
    )
    visible: dict[int, list[str]] = defaultdict(list)
    forbidden: dict[int, list[int]] = defaultdict(list)
    for page in pages:
        audience = {link.partner_id for link in page.partner_links.all()}
        path = f"/api/v1/{TYPES[page.content_type.model]}/{page.pk}/"
        for partner in partners:
            if not audience or partner.pk in audience:
                visible[partner.pk].append(path)
            else:
                forbidden[partner.pk].append(page.pk)
    return visible, forbidden


def run_manage(args: list[str], env: dict[str, str], log_path: Path, timeout: float) -> None:
    with log_path.open("a") as log_file:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=log_file,
            timeout=timeout,
            check=True,
        )


# -- processes beside the load ----------------------------------------------------------------------------


class Gunicorn:
    """The hub under gunicorn (sync workers, as the API benchmark), its log in a file for tracebacks."""

    def __init__(self, env: dict[str, str], log_path: Path):
        from bench.api import free_port, gunicorn_command

        self.port = free_port()
        self.log_path = log_path
        self.access_path = log_path.with_name(log_path.stem + "-access.log")
        self.log_file = log_path.open("w")
        self.process = subprocess.Popen(
            gunicorn_command(self.port, timeout=60, extra=(
                "--access-logfile", str(self.access_path), "--access-logformat", "%(s)s %(D)s %(r)s")),
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=self.log_file,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/health/")
                if connection.getresponse().status in (200, 503):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up; see {log_path}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log_file.close()


class WebhookReceiver:
    """A partner's webhook endpoint on loopback: counts deliveries by event and answers 204."""

    def __init__(self):
        received: Counter = Counter()
        self.received = received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    event = json.loads(body).get("event", "?")
                except ValueError:
                    event = "unreadable"
                signed = "signed" if self.headers.get("X-Kulturhub-Signature", "").startswith("sha256=") else "unsigned"
                received[(event, signed)] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/kulturhub-webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Editor(threading.Thread):
    """Publishes a new revision of a bench page (German or English, shared with everyone or with some
    partners) every EDITOR_INTERVAL seconds, as an editor saving in the admin would: the teaser changes
    and carries a unique word, so the last publish can be looked up in the API and the search."""

    def __init__(self, seconds: float, seed: int):
        super().__init__(daemon=True)
        self.seconds = seconds
        self.rng = random.Random(seed)
        self.published: list[dict] = []
        self.failures: list[str] = []
        from django.contrib.auth import get_user_model
        from wagtail.models import Page

        self.user = get_user_model().objects.get_or_create(
            username="soak-editor", defaults={"is_superuser": True, "is_staff": True}
        )[0]
        self.page_ids = list(Page.objects.live().filter(slug__startswith="bench-").values_list("pk", flat=True))

    def run(self) -> None:
        from django.db import connection
        from wagtail.models import Page

        user, page_ids = self.user, self.page_ids
        stop_at = time.time() + self.seconds
        try:
            while time.time() < stop_at:
                started = time.perf_counter()
                pk = self.rng.choice(page_ids)
                token = f"Soakmarke{uuid.uuid4().hex[:10]}"
                try:
                    page = Page.objects.get(pk=pk).specific.get_latest_revision_as_object()
                    page.teaser = f"{page.teaser.split(' Stand:')[0]} Stand: {token}"
                    page.save_revision(user=user, log_action=True).publish(user=user)
                    self.published.append(
                        {
                            "id": pk,
                            "token": token,
                            "locale": page.locale.language_code,
                            "seconds": time.perf_counter() - started,
                            "at": time.time(),
                        }
                    )
                except Exception as exc:  # noqa: BLE001 - a failed publish is a finding, reported
                    self.failures.append(f"page {pk}: {type(exc).__name__}: {exc}")
                time.sleep(max(0.0, EDITOR_INTERVAL - (time.perf_counter() - started)))
        finally:
            connection.close()


# -- load -------------------------------------------------------------------------------------------------


class Tally:
    """Per request kind: answers by status, latencies; plus findings (errors with their request)."""

    def __init__(self):
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[dict] = []
        self.error_count = 0
        self.leaks: list[dict] = []
        self.retry_after_missing = 0
        self.min_remaining: int | None = None
        self.max_per_second = 0

    def dump(self) -> dict:
        return {
            "status": {k: dict(v) for k, v in self.status.items()},
            "latency": dict(self.latency),
            "errors": self.errors[:30],
            "error_count": self.error_count,
            "leaks": self.leaks[:30],
            "retry_after_missing": self.retry_after_missing,
            "min_remaining": self.min_remaining,
            "max_per_second": self.max_per_second,
        }


def list_request(rng: random.Random) -> tuple[str, dict]:
    kind = rng.choice(list(TYPES.values()))
    params: dict[str, str] = {}
    headers: dict[str, str] = {}
    locale = rng.choice([None, "de", "de", "en"])
    if locale:
        params["locale"] = locale
    else:
        headers["Accept-Language"] = rng.choice(["de-DE,de;q=0.9", "en-GB,en;q=0.8", "fr-FR,fr;q=0.9,en;q=0.5"])
    params["limit"] = str(rng.choice([5, 10, 20, 20, 50, 100]))
    offset = rng.choice([0, 0, 0, 20, 100, 240])
    if offset:
        params["offset"] = str(offset)
    if rng.random() < 0.25:
        params["topic"] = f"bench-topic-{rng.randrange(12)}"
    if rng.random() < 0.2:
        params["region"] = rng.choice(["bench-land", f"bench-region-{rng.randrange(20)}"])
    if rng.random() < 0.2:
        params["fields"] = rng.choice(LIST_FIELDS)
    if kind == "events" and rng.random() < 0.3:
        if rng.random() < 0.5:
            params["upcoming"] = "true"
        else:
            params["from"], params["to"] = "2024-06-01", "2025-12-31"
    if kind == "funding" and rng.random() < 0.3:
        params["status"] = rng.choice(["open", "upcoming", "closed"])
    return f"/api/v1/{kind}/?{urllib.parse.urlencode(params)}", headers


def detail_request(rng: random.Random, paths: list[str]) -> tuple[str, dict]:
    path = rng.choice(paths)
    roll = rng.random()
    if roll < 0.3:
        path += "?locale=en"
    elif roll < 0.4:
        path += "?fields=id,title,teaser"
    return path, {}


def search_request(rng: random.Random) -> tuple[str, dict]:
    english = rng.random() < 0.15
    params = {"q": rng.choice(ENGLISH_WORDS if english else SEARCH_WORDS)}
    if english or rng.random() < 0.5:
        params["locale"] = "en" if english else "de"
    roll = rng.random()
    if roll < 0.2:
        params["type"] = rng.choice(list(TYPES.values()))
    elif roll < 0.3:
        params["topic"] = f"bench-topic-{rng.randrange(12)}"
    elif roll < 0.4:
        params["region"] = f"bench-region-{rng.randrange(20)}"
    params["limit"] = str(rng.choice([5, 10, 10, 20]))
    if rng.random() < 0.15:
        params["offset"] = "10"
    return f"/api/v1/search/?{urllib.parse.urlencode(params)}", {}


def suggest_request(rng: random.Random) -> tuple[str, dict]:
    prefix = rng.choice(PREFIXES)
    params = {"q": prefix, "limit": str(rng.choice([5, 8]))}
    if prefix.islower():
        params["locale"] = "en"
    return f"/api/v1/search/suggest/?{urllib.parse.urlencode(params)}", {}


def answer_ids(kind: str, body: bytes) -> list[int]:
    data = json.loads(body)
    if kind == "detail" or "id" in data:
        return [data["id"]] if "id" in data else []
    items = data.get("results") or data.get("suggestions") or []
    return [item["id"] for item in items if isinstance(item, dict) and "id" in item]


def client_thread(spec: dict, index: int, stop_at: float, tally: Tally, lock: threading.Lock) -> None:
    """One partner client: keep-alive where the server allows it, one request after the other."""
    rng = random.Random(spec["seed"] * 1000 + index)
    key = spec["keys"][index]
    forbidden = set(spec["forbidden"][index])
    paths = spec["paths"][index]
    greedy = spec["greedy"]
    auth = {"Authorization": f"Api-Key {key}"}
    etags: dict[str, tuple[str, dict]] = {}
    per_second: Counter = Counter()
    connection = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
    while time.time() < stop_at:
        roll = rng.random()
        if greedy:
            kind, (path, headers) = "greedy", ("/api/v1/projects/?limit=5", {})
        elif roll < 0.30 or (roll >= 0.77 and not etags):
            kind, (path, headers) = "list", list_request(rng)
        elif roll < 0.52:
            kind, (path, headers) = "detail", detail_request(rng, paths)
        elif roll < 0.67:
            kind, (path, headers) = "search", search_request(rng)
        elif roll < 0.77:
            kind, (path, headers) = "suggest", suggest_request(rng)
        else:
            path = rng.choice(list(etags))
            etag, earlier = etags[path]
            kind, headers = "conditional", {**earlier, "If-None-Match": etag}
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={**auth, **headers})
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            with lock:
                tally.status[kind][f"connection: {type(exc).__name__}"] += 1
                tally.error_count += 1
                tally.errors.append({"kind": kind, "path": path, "status": type(exc).__name__, "body": str(exc)})
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
        per_second[int(time.time())] += 1
        status = response.status
        expected = status == 200 or (kind == "conditional" and status == 304) or (greedy and status == 429)
        finding = None
        if status == 429 and not (response.getheader("Retry-After") or "").isdigit():
            finding = "429 without a Retry-After in seconds"
        elif not expected:
            finding = "unexpected status"
        leaked = []
        if status == 200 and not greedy:
            try:
                leaked = [pk for pk in answer_ids(kind, body) if pk in forbidden]
            except (ValueError, KeyError, TypeError) as exc:
                finding = f"unreadable answer: {exc}"
            if response.getheader("ETag") and len(etags) < 200 and kind != "conditional":
                etags[path] = (response.getheader("ETag"), headers)
        remaining = response.getheader("X-RateLimit-Remaining")
        with lock:
            tally.status[kind][str(status)] += 1
            tally.latency[kind].append(elapsed)
            if remaining and remaining.isdigit() and not greedy:
                value = int(remaining)
                tally.min_remaining = value if tally.min_remaining is None else min(tally.min_remaining, value)
            if finding:
                if status == 429 and greedy:
                    tally.retry_after_missing += 1
                tally.error_count += 1
                tally.errors.append(
                    {
                        "kind": kind,
                        "path": path,
                        "status": status,
                        "finding": finding,
                        "body": body[:400].decode("utf-8", "replace"),
                        "at": datetime.datetime.now().isoformat(),
                    }
                )
            if leaked:
                tally.leaks.append({"path": path, "ids": leaked})
    connection.close()
    with lock:
        tally.max_per_second = max(tally.max_per_second, max(per_second.values(), default=0))


def client_process(spec: dict, out, go, start_at) -> None:
    """`len(spec['keys'])` client threads (the greedy client: threads sharing one key); they start when every
    client process is ready and run for spec['seconds']; the tally goes back through `out`."""
    tally, lock = Tally(), threading.Lock()
    out.put("ready")
    go.wait()
    stop_at = start_at.value + spec["seconds"]
    threads = [
        threading.Thread(target=client_thread, args=(spec, n, stop_at, tally, lock)) for n in range(len(spec["keys"]))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(tally.dump())


def run_load(port: int, clients: list[dict], greedy_key: str, seconds: float, on_start) -> list[dict]:
    """The clients in PROCESSES processes plus the greedy one in its own; `on_start()` is called when they
    all start."""
    context = multiprocessing.get_context("spawn")
    out, go, start_at = context.Queue(), context.Event(), context.Value("d", 0.0)
    specs = []
    per_process = -(-len(clients) // PROCESSES)
    for p in range(PROCESSES):
        part = clients[p * per_process : (p + 1) * per_process]
        specs.append(
            {
                "keys": [c["key"] for c in part],
                "paths": [c["paths"] for c in part],
                "forbidden": [c["forbidden"] for c in part],
                "greedy": False,
            }
        )
    specs.append(
        {
            "keys": [greedy_key] * GREEDY_THREADS,
            "paths": [[]] * GREEDY_THREADS,
            "forbidden": [[]] * GREEDY_THREADS,
            "greedy": True,
        }
    )
    processes = []
    for seed, spec in enumerate(specs):
        spec.update(port=port, seed=seed, seconds=seconds)
        process = context.Process(target=client_process, args=(spec, out, go, start_at), daemon=True)
        process.start()
        processes.append(process)
    for _ in processes:
        out.get(timeout=120)
    start_at.value = time.time()
    go.set()
    on_start()
    tallies = [out.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join(timeout=10)
    return tallies


def wait_for_worker(log_path: Path, process: subprocess.Popen, timeout: float) -> float:
    """Seconds until the db_worker logs that it started (under load, Django's start takes a while)."""
    started = time.time()
    while time.time() - started < timeout:
        if "Starting worker" in log_path.read_text(errors="replace"):
            return time.time() - started
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"db_worker did not start; see {log_path}")


def prime_paths(paths: list[str]) -> list[str]:
    rng = random.Random(99)
    return [
        *(f"/api/v1/{kind}/?limit=20" for kind in TYPES.values()),
        *(detail_request(rng, paths)[0] for _ in range(4)),
        search_request(rng)[0],
        suggest_request(rng)[0],
    ]


def seconds_per_request(key: str, paths: list[str]) -> float:
    """The priming mix served in this process (Django's test client: the same views, no HTTP) on the
    machine as loaded now; the rate limit is derived from it, so it suits a fast idle machine and a slow
    busy one alike."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    mix = prime_paths(paths)
    client.get(mix[0])  # imports and connections
    started = time.perf_counter()
    for path in mix[1:]:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
    return (time.perf_counter() - started) / (len(mix) - 1)


def hourly_limit(per_request: float, seconds: float) -> int:
    """Requests per key and hour: LIMIT_MARGIN times what one normal client is expected to send in the
    whole run (the server's rate shared by all clients), counted per gunicorn worker -- so a normal key
    stays far below even if every one of its requests went to one worker."""
    expected = WORKERS / per_request * seconds / CLIENTS
    return max(30, math.ceil(LIMIT_MARGIN * expected))


def prime(port: int, key: str, paths: list[str]) -> float:
    """The priming mix three times over HTTP before the clients start, so the figures are the steady state,
    not each gunicorn worker's first imports and connections."""
    started = time.time()
    for _ in range(3):
        for path in prime_paths(paths):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers={"Authorization": f"Api-Key {key}"})
            connection.getresponse().read()
            connection.close()
    return time.time() - started


def exhaust(port: int, key: str, limit: int, timeout: float) -> dict:
    """The greedy client's opening: requests on its key until its last 20 answers were all 429 (each
    gunicorn worker counts on its own, so both must be over), bounded in count and time. It goes on
    calling during the soak, where every answer it gets should be a 429 with Retry-After."""
    recent: list[int] = []
    sent = [0]
    lock = threading.Lock()
    started = time.time()
    cap = 4 * limit + 200

    def done() -> bool:
        tail = recent[-20:]
        return (
            (len(tail) == 20 and all(code == 429 for code in tail))
            or sent[0] >= cap
            or (time.time() - started > timeout)
        )

    def call() -> None:
        while True:
            with lock:
                if done():
                    return
                sent[0] += 1
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/v1/projects/?limit=5", headers={"Authorization": f"Api-Key {key}"})
            status = connection.getresponse().status
            connection.close()
            with lock:
                recent.append(status)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tail = recent[-20:]
    return {
        "requests": sent[0],
        "seconds": round(time.time() - started, 1),
        "over": len(tail) == 20 and all(code == 429 for code in tail),
    }


# -- after the load ------------------------------------------------------------------------------------


def drain(since: datetime.datetime, timeout: float) -> float | None:
    """Waits until the worker has taken every task queued since `since`; returns the seconds it took (None:
    not within `timeout`)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    started = time.time()
    while time.time() - started < timeout:
        queued = DBTaskResult.objects.filter(enqueued_at__gte=since)
        if not (queued.ready().exists() or queued.filter(status=TaskResultStatus.RUNNING).exists()):
            return time.time() - started
        time.sleep(0.5)
    return None


def task_outcomes(since: datetime.datetime) -> tuple[dict, list[str]]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(enqueued_at__gte=since)
    outcomes: Counter = Counter()
    for name, status in rows.values_list("task_path", "status"):
        outcomes[f"{name.rsplit('.', 1)[-1]} {status}"] += 1
    failures = [
        f"{row.task_path} {row.args_kwargs}: {row.exception_class_path}\n{row.traceback}"
        for row in rows.filter(status="FAILED")[:5]
    ]
    return dict(sorted(outcomes.items())), failures


def delivery_outcomes(first_id: int) -> dict:
    from frontend_api.models import WebhookDelivery

    return dict(Counter(WebhookDelivery.objects.filter(pk__gt=first_id).values_list("status", flat=True)).most_common())


def check_last_publishes(port: int, editor: Editor, keys_by_partner: dict[int, str], partners: list) -> list[str]:
    """After the worker drained: the last publishes must show in the detail and in the search, for a
    partner that may see the page."""
    from wagtail.models import Page

    problems = []
    for publish in editor.published[-3:]:
        page = Page.objects.get(pk=publish["id"])
        audience = {link.partner_id for link in page.specific.partner_links.all()} or {p.pk for p in partners}
        key = keys_by_partner[next(iter(sorted(audience)))]
        headers = {"Authorization": f"Api-Key {key}"}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        model = page.specific_class._meta.model_name
        connection.request("GET", f"/api/v1/{TYPES[model]}/{page.pk}/?locale={publish['locale']}", headers=headers)
        response = connection.getresponse()
        detail = json.loads(response.read())
        if publish["token"] not in detail.get("teaser", ""):
            problems.append(f"page {page.pk}: the detail does not show the published teaser ({publish['token']})")
        query = urllib.parse.urlencode({"q": publish["token"], "locale": publish["locale"]})
        connection.request("GET", f"/api/v1/search/?{query}", headers=headers)
        found = [r["id"] for r in json.loads(connection.getresponse().read()).get("results", [])]
        if page.pk not in found:
            problems.append(f"page {page.pk}: search for {publish['token']} does not find it (got {found})")
        connection.close()
    return problems


RECORD_START = re.compile(r"^(\d{4}-\d\d-\d\d |\[\d{4}-\d\d-\d\d )")
ERROR_LEVEL = re.compile(r"^.{0,80}?(\bERROR\b|\bCRITICAL\b)")


def server_errors(log_path: Path) -> list[str]:
    """Error and critical records of a log with what follows them (the traceback): Django's records in the
    soak's format and gunicorn's own ("[ERROR]", "[CRITICAL] WORKER TIMEOUT")."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    records: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if RECORD_START.match(line):
            current = [line] if ERROR_LEVEL.match(line) else None
            if current is not None:
                records.append(current)
        elif current is not None:
            current.append(line)
    return ["\n".join(record) for record in records]


def service_times(access_path: Path, offset: int) -> dict[str, list[float]]:
    """Milliseconds each answer took inside gunicorn (from its access log, from `offset` on), by kind: the
    server's own cost, without the wait for a free worker that the clients' figures include. A conditional
    request answered 200 counts under its path's kind."""
    times: dict[str, list[float]] = defaultdict(list)
    with access_path.open("rb") as handle:
        handle.seek(offset)
        for raw in handle:
            parts = raw.decode(errors="replace").split()
            if len(parts) < 4 or not parts[1].isdigit():
                continue
            status, micros, path = parts[0], int(parts[1]), parts[3]
            if status == "304":
                kind = "conditional"
            elif status == "429":
                kind = "greedy"
            elif path.startswith("/api/v1/search/suggest/"):
                kind = "suggest"
            elif path.startswith("/api/v1/search/"):
                kind = "search"
            elif re.match(r"^/api/v1/[a-z]+/\d+/", path):
                kind = "detail"
            else:
                kind = "list"
            times[kind].append(micros / 1000)
    return times


# -- figures and report -------------------------------------------------------------------------------


def merge(tallies: list[dict]) -> dict:
    merged = {
        "status": defaultdict(Counter),
        "latency": defaultdict(list),
        "errors": [],
        "error_count": 0,
        "leaks": [],
        "retry_after_missing": 0,
        "min_remaining": None,
        "max_per_second": 0,
        "greedy": {},
    }
    for tally in tallies:
        for kind, statuses in tally["status"].items():
            merged["status"][kind].update(statuses)
        for kind, values in tally["latency"].items():
            merged["latency"][kind] += values
        merged["errors"] += tally["errors"]
        merged["error_count"] += tally["error_count"]
        merged["leaks"] += tally["leaks"]
        merged["retry_after_missing"] += tally["retry_after_missing"]
        if tally["min_remaining"] is not None:
            low = merged["min_remaining"]
            merged["min_remaining"] = tally["min_remaining"] if low is None else min(low, tally["min_remaining"])
        if "greedy" not in tally["status"]:
            merged["max_per_second"] = max(merged["max_per_second"], tally["max_per_second"])
        else:
            merged["greedy_per_second"] = tally["max_per_second"]
    return merged


def rank(values: list[float], p: float) -> float | None:
    """The p-th percentile in milliseconds, rounded; None without values (shown as '-')."""
    from bench.search import percentile

    return round(percentile(values, p), 1) if values else None


def ms(*values: float | None) -> str:
    return " / ".join("-" if value is None else f"{value:g}" for value in values)


def loaded(load: str) -> bool:
    try:
        return float(load.split()[0]) > (os.cpu_count() or 1)
    except (ValueError, IndexError):
        return False


def loadavg() -> str:
    from bench.api import load_average

    return load_average()


def machine() -> str:
    from bench.api import machine as describe

    return describe()


def rate_limit_note(limit: str, per_request: float, merged: dict, opening: dict) -> str:
    return (
        f"rate limit {limit} per key and gunicorn worker (each counts in its local memory), set before the "
        f"server starts from the machine's present speed ({per_request * 1000:.0f} ms per request of the priming "
        f"mix in-process): {LIMIT_MARGIN}x what one normal client is expected to send in the run. One key per "
        f"normal client; the lowest X-RateLimit-Remaining a normal client saw was {merged['min_remaining']}, its "
        f"busiest second had {merged['max_per_second']} requests. The greedy client went over before the clients "
        f"started ({opening['requests']} requests in {opening['seconds']} s, last 20 all 429: "
        f"{'yes' if opening['over'] else 'NO'}) and kept calling with {GREEDY_THREADS} connections during the soak."
    )


def run(quick: bool = False, engine: str | None = None) -> dict:
    from bench.api import ensure_database, populate
    from bench.api import versions as api_versions

    engine = engine or os.environ.get("BENCH_SOAK_ENGINE", "database")
    seconds = QUICK_SECONDS if quick else SECONDS
    url = database_url()
    LOG_DIR.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(f"[soak] {message}", file=sys.stderr, flush=True)

    osmem = None
    extra: dict[str, str] = {}
    if engine == "osmem":
        from osmem_server import OsmemServer

        osmem = OsmemServer.start(freeze=False, japanese=False)
        extra = {"OPENSEARCH_URL": osmem.url, "OPENSEARCH_INDEX_PREFIX": f"bench-soak-{uuid.uuid4().hex[:8]}"}
    elif engine != "database":
        raise SystemExit(f"BENCH_SOAK_ENGINE must be database or osmem, got {engine!r}")
    env = server_env(url, extra)
    ensure_database(url)
    configure_django(env)
    from django.core.management import call_command
    from django.db import connection

    from frontend_api.models import WebhookDelivery

    try:
        call_command("migrate", verbosity=0)
        receiver = WebhookReceiver()
        populate(PAGES, log)
        partners, keys, greedy_key, primer = partners_and_keys(CLIENTS)
        shared = share_pages(partners)
        translated = add_translations(log)
        repaired = repair_rounds()
        left = clear_leftovers()
        if shared or translated or repaired or left or osmem:
            log(
                f"{repaired} funding rounds turned round; dropped {left} tasks queued before this run; "
                "rebuilding the search index"
            )
            run_manage(["rebuild_search_index"], env, LOG_DIR / "soak-setup.log", 1800)
        point_webhooks(partners, receiver.url)
        visible, forbidden = visibility(partners)
        client_partner = [partners[n % len(partners)].pk for n in range(CLIENTS)]
        keys_by_partner = {partners[n % len(partners)].pk: keys[n] for n in range(len(partners))}
        since = datetime.datetime.now(datetime.UTC)
        first_delivery = WebhookDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        per_request = seconds_per_request(primer, visible[partners[0].pk])
        limit_count = hourly_limit(per_request, seconds)
        limit = os.environ.get("BENCH_SOAK_RATE_LIMIT") or f"{limit_count}/hour"
        env = {**env, "BENCH_SOAK_RATE_LIMIT": limit}
        connection.close()

        load_before = loadavg()
        log(f"load average {load_before}; starting db_worker, gunicorn and {CLIENTS} clients for {seconds} s")
        worker_log_path = LOG_DIR / "soak-worker.log"
        worker_log = worker_log_path.open("w")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=worker_log,
        )
        server = None
        try:
            server = Gunicorn(env, LOG_DIR / "soak-server.log")
            wait_for_worker(worker_log_path, worker, timeout=120)
            primed = prime(server.port, primer, visible[partners[0].pk])
            opening = exhaust(server.port, greedy_key, limit_count, timeout=180)
            log(f"primed in {primed:.1f} s; limit {limit}; greedy opening {opening}; load for {seconds} s")
            editor = Editor(seconds=seconds, seed=1)
            clients = [
                {"key": keys[n], "paths": visible[client_partner[n]], "forbidden": forbidden[client_partner[n]]}
                for n in range(CLIENTS)
            ]
            offset = [0]

            def on_start() -> None:
                offset[0] = server.access_path.stat().st_size
                editor.start()

            tallies = run_load(server.port, clients, greedy_key, seconds, on_start=on_start)
            served = service_times(server.access_path, offset[0])
            editor.join(timeout=30)
            load_after = loadavg()
            log("load done; waiting for the worker to drain the queue")
            drained = drain(since, timeout=120)
            consistency = check_last_publishes(server.port, editor, keys_by_partner, partners)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
            worker_log.close()
            if server is not None:
                server.stop()
            receiver.stop()
        tasks, task_failures = task_outcomes(since)
        deliveries = delivery_outcomes(first_delivery)
        versions = {k: v for k, v in api_versions().items() if k != "wrk"}
    finally:
        if osmem is not None:
            osmem.close()

    merged = merge(tallies)
    server_log_errors = server_errors(LOG_DIR / "soak-server.log")
    worker_log_errors = server_errors(LOG_DIR / "soak-worker.log")
    kinds = ["list", "detail", "search", "suggest", "conditional", "greedy"]
    rows, figures = [], {}
    total = 0
    for kind in kinds:
        statuses = merged["status"].get(kind, Counter())
        latencies = merged["latency"].get(kind, [])
        count = sum(statuses.values())
        total += count
        p50, p95, p99 = (rank(latencies, p) for p in (50, 95, 99))
        by_status = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        errors = sum(
            n
            for code, n in statuses.items()
            if not (code == "200" or (kind == "conditional" and code == "304") or (kind == "greedy" and code == "429"))
        )
        inside = served.get(kind, [])
        s50, s95 = (rank(inside, p) for p in (50, 95))
        rows.append([kind, count, by_status or "-", errors, ms(p50, p95, p99), ms(s50, s95)])
        figures.update(
            {
                f"{kind}_server_p50_ms": s50,
                f"{kind}_server_p95_ms": s95,
                f"{kind}_count": count,
                f"{kind}_errors": errors,
                f"{kind}_p50_ms": p50,
                f"{kind}_p95_ms": p95,
                f"{kind}_p99_ms": p99,
            }
        )
    normal = [v for kind in kinds[:-1] for v in merged["latency"].get(kind, [])]
    designed_429 = merged["status"].get("greedy", Counter()).get("429", 0)
    not_modified = merged["status"].get("conditional", Counter()).get("304", 0)
    failed_tasks = sum(n for name, n in tasks.items() if name.endswith("FAILED"))
    errors_total = (
        merged["error_count"]
        + len(merged["leaks"])
        + len(editor.failures)
        + failed_tasks
        + len(server_log_errors)
        + len(worker_log_errors)
        + len(consistency)
    )
    figures.update(
        {
            "seconds": seconds,
            "clients": CLIENTS,
            "requests": total,
            "requests_per_s": round(total / seconds, 1),
            "normal_p50_ms": rank(normal, 50),
            "normal_p95_ms": rank(normal, 95),
            "normal_p99_ms": rank(normal, 99),
            "errors": errors_total,
            "designed_429": designed_429,
            "retry_after_missing": merged["retry_after_missing"],
            "not_modified_304": not_modified,
            "leaks": len(merged["leaks"]),
            "publishes": len(editor.published),
            "publish_failures": len(editor.failures),
            "tasks_failed": failed_tasks,
            "server_log_errors": len(server_log_errors),
            "webhooks_received": sum(receiver.received.values()),
            "drain_s": None if drained is None else round(drained, 1),
            "rate_limit": limit,
            "greedy_opening_requests": opening["requests"],
            "min_rate_limit_remaining_normal": merged["min_remaining"],
        }
    )
    rows.append(
        [
            "all but greedy",
            sum(r[1] for r in rows[:-1]),
            "",
            sum(r[3] for r in rows[:-1]),
            ms(figures["normal_p50_ms"], figures["normal_p95_ms"], figures["normal_p99_ms"]),
            "",
        ]
    )
    publish_seconds = [p["seconds"] for p in editor.published]
    notes = [
        f"{total:,} requests in {seconds} s ({figures['requests_per_s']} req/s) from {CLIENTS} clients "
        f"(+ the greedy one); engine: {engine}; {PAGES:,} German pages, English translations of every fourth.",
        f"errors besides designed 429s: {errors_total} (answers {merged['error_count']}, partner leaks "
        f"{len(merged['leaks'])}, failed publishes {len(editor.failures)}, failed tasks {failed_tasks}, server log "
        f"errors {len(server_log_errors)}, worker log errors {len(worker_log_errors)}, stale after publish "
        f"{len(consistency)}).",
        f"designed 429s: {designed_429}, all with Retry-After: {'yes' if not merged['retry_after_missing'] else 'NO'}; "
        + rate_limit_note(limit, per_request, merged, opening),
        f"conditional requests: {not_modified} answered 304, the rest 200: every publish bumps the hub's one "
        "content version, which changes the ETag of every list and detail and retires every cached answer "
        f"(frontend_api/caching.py), so with a publish every {EDITOR_INTERVAL:g} s most conditional requests and "
        "cache lookups miss; search and suggest answers are not cached and their ETag is a hash of the body, so "
        "their 304s save the transfer but not the search (hence the 304s' time inside gunicorn).",
        f"editor: {len(editor.published)} publishes (real revisions, every {EDITOR_INTERVAL:g} s), publish p50 "
        f"{rank([x * 1000 for x in publish_seconds], 50)} ms; worker tasks since the start: "
        + ", ".join(f"{name} {n}" for name, n in tasks.items())
        + (
            f"; queue drained {drained:.1f} s after the load."
            if drained is not None
            else "; the queue was NOT drained within 120 s after the load."
        ),
        f"webhooks: deliveries {deliveries}; the receiver got "
        + ", ".join(f"{event} ({signed}) {n}" for (event, signed), n in sorted(receiver.received.items()))
        + ".",
        "after the drain, the last publishes show in the detail and the search: "
        + ("yes" if not consistency else "NO: " + "; ".join(consistency)),
        f"before the clients, {primed:.1f} s of sequential requests of every kind primed both gunicorn workers; "
        f"load average at start / end: {load_before} / {load_after} on {os.cpu_count()} cores (the machine is shared: "
        "the clients, PostgreSQL, the worker and the editor run on the same cores as the server)"
        + (
            "; the machine was LOADED by other work when the soak started (load average above its core count), so "
            "the rates and latencies show the hub starved of CPU, not its capacity."
            if loaded(load_before)
            else "."
        ),
        "client latency = request sent to answer read; gunicorn sync workers close the connection after each "
        "answer, so it includes a TCP connect and the wait for a free worker (with 50 clients on 2 workers, mostly "
        "the wait); 'in gunicorn' = the answer's own time from gunicorn's access log (conditional = the 304s, "
        "greedy = the 429s; conditional requests answered 200 count under their path's kind).",
    ]
    details = {
        "errors": merged["errors"],
        "leaks": merged["leaks"],
        "publish_failures": editor.failures,
        "task_failures": task_failures,
        "server_log": server_log_errors[:5],
        "worker_log": worker_log_errors[:5],
    }
    meta = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "machine": machine(),
        "versions": versions,
        "quick": quick,
        "engine": engine,
        "seconds": seconds,
    }
    result = {
        "title": f"Soak: {CLIENTS} clients x {seconds} s, mixed requests while an editor publishes ({engine} search)",
        "columns": [
            "kind",
            "requests",
            "answers by status",
            "errors",
            "client p50 / p95 / p99 ms",
            "in gunicorn p50 / p95 ms",
        ],
        "rows": rows,
        "figures": figures,
        "notes": notes,
    }
    report = ROOT / "bench" / "results" / ("tmp/soak-quick.md" if quick else "soak.md")
    write_report(report, result, meta, details)
    result["notes"].append(f"written to {report.relative_to(ROOT)}")
    return result


def write_report(path: Path, result: dict, meta: dict, details: dict) -> None:
    lines = [
        "# Soak",
        "",
        f"- date: {meta['date']}",
        f"- machine: {meta['machine']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- setup: PostgreSQL, {PAGES:,} German pages + English translations of every fourth, {meta['engine']} "
        f"search, gunicorn {WORKERS} sync workers, `db_worker` beside it, {CLIENTS} clients in {PROCESSES} "
        f"processes + 1 greedy client ({GREEDY_THREADS} connections), {meta['seconds']} s, loopback only; "
        f"{len(PARTNERS)} partners, one key per client (clients spread evenly over the partners); a tenth of the pages "
        "each shared only with partner A, only B, only C, with A and D, the rest with all; webhooks of A and D to a "
        "receiver on loopback; the editor publishes a random German or English page",
        f"- command: `bench/run{' --quick' if meta['quick'] else ''} soak`"
        + (" with BENCH_SOAK_ENGINE=osmem" if meta["engine"] == "osmem" else ""),
        "",
        "| " + " | ".join(result["columns"]) + " |",
        "|" + "|".join("---" for _ in result["columns"]) + "|",
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in result["rows"]),
        "",
        *(f"- {note}" for note in result["notes"]),
        "",
    ]
    for name, items in details.items():
        if items:
            lines += [
                f"## {name.replace('_', ' ')}",
                "",
                "```",
                *(json.dumps(i, ensure_ascii=False) if not isinstance(i, str) else i for i in items[:10]),
                "```",
                "",
            ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    output = run(quick="--quick" in sys.argv, engine="osmem" if "--osmem" in sys.argv else None)
    print(json.dumps(output, indent=2, default=str))
