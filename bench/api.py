"""Partner API benchmark: list (limit 20) and detail requests per second and p99 latency of the hub's
API v1, side by side with Wagtail's API v2 and v3 on the same pages (wired only in the benchmark's settings
and urls: bench/_api_*.py) and with a trivial constant 2 KB JSON view (the ceiling of the stack); the
server-side cache cold (switched off) and warm; the rate of 304 answers to conditional requests; list and
detail reads while a separate editor process publishes a page of another type every 2 s; peak memory of a
web worker. What each side answers is said in WHAT_EACH_RETURNS (printed with the table); the v3 ratios
compare the hub answering only the fields v3 answers.

Setup: PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/kulturhub_bench_api_<n>, the
name's start from BENCH_POSTGRES_PREFIX,
created and filled on the first run, kept afterwards; one partner key and one v3 token, replaced each run),
10,000 pages (1,000 with --quick), gunicorn with 2 sync workers on 127.0.0.1, wrk (Debian package; a Python
load generator when wrk is missing) with 16 connections; every measure the median of 3 interleaved runs of
10 s (2 s with --quick, to keep the whole `bench/run --quick` within 10 minutes on a busy machine; longer
for a slow endpoint, see load()) after a 2 s (1 s) warm-up. Loopback only.
Writes bench/results/api.md (a full run) or bench/results/tmp/api-quick.md (--quick).
"""

from __future__ import annotations

import datetime
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
THREADS = 2
WORKERS = 2
DETAIL_IDS = 300
ANSWERS_PER_CONNECTION = 8  # a run lasts long enough for about this many answers per connection (see load())
REPEATS = 3  # each measure is taken this many times, interleaved with the others; the median is reported
SETTINGS = "bench._api_settings"


# -- data -------------------------------------------------------------------------------------------


def database_url(pages: int) -> str:
    prefix = os.environ.get("BENCH_POSTGRES_PREFIX", "kulturhub_bench")  # a shared server may want one per user
    return os.environ.get("BENCH_DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{prefix}_api_{pages}"


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def configure_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = str(ROOT / "var" / "bench" / "media")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_images(count: int) -> list:
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    image_model = get_image_model()
    images = list(image_model.objects.filter(title__startswith="bench-")[:count])
    for n in range(len(images), count):
        picture = PILImage.new("RGB", (1600, 1067), (40 * n % 255, 90, 140))
        path = Path(tempfile.mkdtemp()) / f"bench-{n}.jpg"
        picture.save(path, "JPEG", quality=80)
        with path.open("rb") as handle:
            image = image_model(title=f"bench-{n}", file=ImageFile(handle, name=f"bench-{n}.jpg"))
            image.save()
        images.append(image)
    return images


def populate(pages: int, log) -> None:
    """`pages` German pages over the four types, each with topics, regions, a contact, a lead image and a
    body of the usual blocks; events with an agenda, funding with rounds. Fast path: no revisions."""
    from django.db import transaction
    from django.utils import timezone
    from wagtail.rich_text import RichText

    from plugins.events.models import BERLIN, EventIndexPage, EventPage
    from plugins.funding.models import FundingDeadline, FundingIndexPage, FundingPage
    from plugins.projects.models import ProjectIndexPage, ProjectPage
    from plugins.reports.models import ExperienceReportIndexPage, ExperienceReportPage
    from plugins.shared.models import (
        ContactPerson,
        Organisation,
        PageContact,
        PageRegion,
        PageTopic,
        Region,
        Topic,
    )

    done = sum(
        model.objects.filter(slug__startswith="bench-").count()
        for model in (EventPage, FundingPage, ProjectPage, ExperienceReportPage)
    )
    if done >= pages:
        return
    log(f"creating {pages - done} pages (kept for later runs)")
    images = make_images(6)
    topics = [
        Topic.objects.get_or_create(slug=f"bench-topic-{n}", defaults={"name": f"Thema {n}"})[0] for n in range(12)
    ]
    land = Region.objects.get_or_create(slug="bench-land", defaults={"name": "Sachsen", "kind": "land"})[0]
    regions = [
        Region.objects.get_or_create(slug=f"bench-region-{n}", defaults={"name": f"Ort {n}", "parent": land})[0]
        for n in range(20)
    ]
    organisations = [
        Organisation.objects.get_or_create(
            name=f"Bench-Verein {n}",
            defaults={
                "kind": "association",
                "website": "https://example.org/",
                "region": regions[n],
                "logo": images[n % len(images)],
            },
        )[0]
        for n in range(10)
    ]
    contacts = [
        ContactPerson.objects.get_or_create(
            name=f"Person {n}",
            defaults={"role": "Koordination", "organisation": organisations[n], "email": f"p{n}@example.org"},
        )[0]
        for n in range(10)
    ]
    parents = {
        model: index.objects.get(locale__language_code="de")
        for model, index in (
            (EventPage, EventIndexPage),
            (FundingPage, FundingIndexPage),
            (ProjectPage, ProjectIndexPage),
            (ExperienceReportPage, ExperienceReportIndexPage),
        )
    }
    models = list(parents)
    paragraph = (
        "<p>Das Netzwerk bringt Kulturschaffende, Vereine und Verwaltung zusammen. In Werkstätten und "
        "offenen Treffen entstehen Projekte, die den Ort lebendiger machen; <b>viele</b> Ehrenamtliche "
        'tragen sie. Mehr dazu im <a href="https://example.org/bericht">Bericht</a>.</p>'
    )
    now = timezone.now()
    start = datetime.datetime(2024, 1, 8, 10, tzinfo=BERLIN)
    batch = 200
    for first in range(done, pages, batch):
        with transaction.atomic():
            links_topics, links_regions, links_contacts, rounds = [], [], [], []
            for n in range(first, min(first + batch, pages)):
                model = models[n % 4]
                body = [
                    ("heading", "Worum es geht"),
                    ("rich_text", RichText(paragraph * 3)),
                    (
                        "image",
                        {
                            "image": images[n % len(images)],
                            "alt_text": "Menschen im Gespräch",
                            "caption": "Ein Treffen",
                            "credit": "Foto: Netzwerk",
                        },
                    ),
                    ("quote", {"text": "Gemeinsam geht mehr.", "attribution": "Eine Teilnehmerin"}),
                    (
                        "key_figures",
                        [
                            {"number": str(n % 50), "label": "Orte"},
                            {"number": "über 3.000", "label": "Menschen"},
                        ],
                    ),
                    ("rich_text", RichText(paragraph * 2)),
                ]
                fields = {
                    "title": f"Bench-Seite {n}: Kultur im Quartier",
                    "slug": f"bench-{n}",
                    "teaser": "Ein kurzer Teaser, wie er in Listen und Suchergebnissen erscheint, zwei Sätze lang.",
                    "lead_image": images[n % len(images)],
                    "lead_image_alt": "Menschen im Gespräch",
                    "lead_image_credit": "Foto: Netzwerk",
                    "body": body,
                    "live": True,
                    "first_published_at": now,
                    "last_published_at": now - datetime.timedelta(minutes=n),
                }
                if model is EventPage:
                    begin = start + datetime.timedelta(days=n // 4 % 1300, hours=n % 5)
                    fields.update(
                        start=begin,
                        end=begin + datetime.timedelta(hours=3),
                        event_format="hybrid",
                        venue="Rathaus",
                        address="Markt 1, Dresden",
                        online_access="Link nach Anmeldung",
                        organiser=organisations[n % 10],
                        registration_url="https://example.org/anmelden",
                        agenda=[
                            (
                                "item",
                                {
                                    "start_time": datetime.time(10),
                                    "end_time": datetime.time(11),
                                    "title": "Begrüßung",
                                    "description": "",
                                    "speakers": "Kim",
                                },
                            )
                        ],
                    )
                elif model is FundingPage:
                    fields.update(
                        kind="grant",
                        programme="Kultur vor Ort",
                        amount_min=1000,
                        amount_max=25000,
                        funder=organisations[n % 10],
                        rolling=n % 8 == 1,
                    )
                elif model is ProjectPage:
                    fields.update(
                        status="running",
                        start_date=datetime.date(2024, 1, 1),
                        goals=[("goal", "Begegnung ermöglichen"), ("goal", "Orte beleben")],
                    )
                else:
                    fields.update(
                        author_name="Team Beispiel",
                        publication_date=datetime.date(2024, 6, 1),
                        author_organisation=organisations[n % 10],
                    )
                page = model(**fields)
                parents[model].add_child(instance=page)
                links_topics += [PageTopic(page=page, topic=topics[(n + k) % 12], sort_order=k) for k in range(2)]
                links_regions.append(PageRegion(page=page, region=regions[n % 20], sort_order=0))
                links_contacts.append(PageContact(page=page, contact=contacts[n % 10], sort_order=0))
                if model is FundingPage:
                    today = datetime.date.today()
                    rounds.append(
                        FundingDeadline(
                            page=page,
                            opens_on=today - datetime.timedelta(days=n % 60),
                            closes_on=today + datetime.timedelta(days=n % 90 - 30),
                            sort_order=0,
                        )
                    )
            PageTopic.objects.bulk_create(links_topics)
            PageRegion.objects.bulk_create(links_regions)
            PageContact.objects.bulk_create(links_contacts)
            FundingDeadline.objects.bulk_create(rounds)
        log(f"  {min(first + batch, pages)} / {pages}")


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them on a production server. Where it is off (this
    machine's development server), every query of the hub and of the baselines was planned without any: the
    visibility rule's subqueries then scanned every page per row (25 ms for 20 pages instead of 0.2 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_key() -> str:
    """The benchmark partner's one key: the keys of earlier runs are deleted first (only hashes are stored, so
    none can be reused), so the kept database holds one key however often the benchmark runs."""
    from frontend_api.models import PartnerAPIKey
    from frontend_api.partners import create_partner, existing_partner, issue_key

    partner = existing_partner("Benchmark-Partner")
    if partner is None:
        return create_partner("Benchmark-Partner")[1]
    PartnerAPIKey.objects.filter(partner=partner).delete()
    return issue_key(partner, name="bench")


def v3_token() -> str:
    """A Wagtail API v3 bearer token of the benchmark's admin, made as an operator would
    (`manage.py api_tokens create --user bench-admin --name bench`); earlier runs' tokens are deleted first."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import APIToken

    user = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )[0]
    APIToken.objects.filter(user=user, name="bench").delete()
    out = StringIO()
    call_command("api_tokens", "create", "--user", user.get_username(), "--name", "bench", stdout=out)
    return out.getvalue().strip()


def query_counts(paths: dict[str, tuple[str, dict[str, str]]]) -> dict:
    """SQL queries of one request to each of `paths` ({name: (path, headers)}), the API's cache off."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    with override_settings(KULTURHUB_API={"RATE_LIMIT": "100000000/hour", "CACHE_TIMEOUT": 0}):
        for name, (path, headers) in paths.items():
            client.get(path, headers=headers)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code, response.content[:300])
            counts[name] = len(queries)
    cache.clear()
    return counts


# -- server and load ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int, *, timeout: int, extra: tuple[str, ...] = ()) -> list[str]:
    """The hub under gunicorn with WORKERS sync workers on 127.0.0.1:`port` (shared by the benchmarks)."""
    return [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "cms.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        str(timeout),
        "--log-level",
        "warning",
        *extra,
    ]


def server_env(url: str, cache_timeout: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": url,
        "BENCH_API_CACHE_TIMEOUT": str(cache_timeout),
        "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
    }


class Server:
    """gunicorn with 2 sync workers; `cache_timeout` 0 switches the API's server-side cache off."""

    def __init__(self, url: str, cache_timeout: int):
        self.port = free_port()
        env = server_env(url, cache_timeout)
        self.log_path = ROOT / "var" / "bench" / "api-gunicorn.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                gunicorn_command(self.port, timeout=120),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/bench/constant/", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up (see {self.log_path})")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_peak_kib(self) -> int:
        peaks = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.process.pid}$", text, re.M):
                match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
                if match:
                    peaks.append(int(match.group(1)))
        return max(peaks, default=0)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def lua_script(paths: list[str], headers: dict[str, str]) -> str:
    lines = [f'wrk.headers["{name}"] = {json.dumps(value)}' for name, value in headers.items()]
    lines.append("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}")
    lines.append("local i = 0")
    lines.append('request = function()\n  i = i + 1\n  return wrk.format("GET", paths[(i % #paths) + 1])\nend')
    return "\n".join(lines) + "\n"


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def run_wrk(base: str, paths: list[str], headers: dict[str, str], seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(paths, headers))
    command = [
        "wrk",
        "-t",
        str(THREADS),
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script.name,
        base + paths[0],
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
        "requests": total,
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def run_python_load(base: str, paths: list[str], headers: dict[str, str], seconds: int) -> dict:
    """Fallback when wrk is missing: 16 threads with keep-alive connections (slower than wrk, so the
    figures are a lower bound)."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        mine, n = [], offset
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            connection.request("GET", paths[n % len(paths)], headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                with lock:
                    bad[0] += 1
            n += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(k * 7,)) for k in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "requests": len(latencies),
        "bad": bad[0],
        "socket_errors": "",
    }


def drain(base: str) -> None:
    """Waits until the server has answered what a finished load left queued: gunicorn's sync workers answer
    connections in the order they were accepted, wrk's last ones included (they do not notice the client
    left), so once WORKERS simultaneous requests made now are answered, nothing older is left."""
    for _ in range(2):
        threads = [
            threading.Thread(target=lambda: urllib.request.urlopen(f"{base}/bench/constant/", timeout=120).read())
            for _ in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def load(base: str, paths: list[str], headers: dict[str, str], seconds: int, warmup: int) -> dict:
    """A warm-up, then one run of at least `seconds`, longer for a slow endpoint: long enough for about
    ANSWERS_PER_CONNECTION answers per connection (at most 2 x `seconds`), because requests still
    under way when the run ends are not counted, which would under-rate a slow endpoint (a baseline)."""
    runner = run_wrk if shutil.which("wrk") else run_python_load
    warm = runner(base, paths, headers, warmup)  # imports, connections, caches; and a first rate
    drain(base)
    longest = 2 * seconds
    wanted = ANSWERS_PER_CONNECTION * CONNECTIONS / warm["rps"] if warm["rps"] else longest
    duration = int(min(longest, max(seconds, math.ceil(wanted))))
    taken = runner(base, paths, headers, duration)
    drain(base)
    return {**taken, "seconds": duration}


@dataclass
class Load:
    """One measure: `paths` requested in turn with `headers`. `prepare` runs before each take and may answer
    new headers (a fresh ETag); `publishing` takes it while the editor publishes (warm-up included)."""

    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], dict[str, str] | None] | None = None
    publishing: bool = False


class Editor:
    """bench/_api_editor.py in its own process: publishes a page of `label` every 2 s between start() and
    stop() through Wagtail's revision publish, so the hub's signals fire in another process, as in production."""

    def __init__(self, url: str, label: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench._api_editor", label],
            cwd=ROOT,
            env=server_env(url, cache_timeout=600),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.expect("ready")

    def expect(self, word: str) -> None:
        line = self.process.stdout.readline().strip()
        if line != word:
            raise RuntimeError(f"the editor process answered {line!r}, expected {word!r}")

    def command(self, word: str) -> None:
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()

    def start(self) -> None:
        self.command("start")
        self.expect("started")

    def stop(self) -> dict:
        self.command("stop")
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        try:
            self.command("quit")
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def measure(
    server: Server,
    plan: dict[str, Load],
    seconds: int,
    repeats: int,
    warmup: int,
    editor: Editor | None = None,
) -> dict:
    """Every measure of `plan` `repeats` times, interleaved (so a passing disturbance on the machine does not
    hit one measure only); the run with the median rate of each is kept."""
    runs: dict[str, list[dict]] = {name: [] for name in plan}
    for _ in range(repeats):
        for name, item in plan.items():
            headers = (item.prepare() if item.prepare else None) or item.headers
            if item.publishing:
                editor.start()
                try:
                    taken = load(server.base, item.paths, headers, seconds, warmup)
                finally:
                    publishes = editor.stop()
                if publishes["failures"]:
                    raise RuntimeError(f"the editor's publishes failed: {publishes['failures'][:3]}")
                taken["publishes"] = publishes["publishes"]
                taken["publish_seconds"] = publishes["seconds"]
            else:
                taken = load(server.base, item.paths, headers, seconds, warmup)
            runs[name].append(taken)
    result = {}
    for name, taken in runs.items():
        taken.sort(key=lambda run: run["rps"])
        result[name] = {**taken[len(taken) // 2], "all_rps": [round(run["rps"]) for run in taken]}
        if "publishes" in result[name]:
            result[name]["all_publishes"] = sum(run["publishes"] for run in taken)
            result[name]["all_publish_seconds"] = sorted(s for run in taken for s in run["publish_seconds"])
    return result


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def fetch(base: str, path: str, headers: dict[str, str], status: int = 200) -> bytes:
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            code = response.status
    except urllib.error.HTTPError as error:
        body, code = error.read(), error.code
    if code != status:
        raise RuntimeError(f"{path} answered {code}, expected {status}: {body[:200]!r}")
    return body


def sizes(body: bytes) -> tuple[int, int]:
    """(bytes on the wire, bytes once compacted): v2 pretty-prints, v1 and v3 do not; compare the second."""
    compact = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()
    return len(body), len(compact)


def etag_of(base: str, path: str, headers: dict[str, str]) -> str:
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["ETag"]


# -- report -------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib.metadata import version

    import django
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = (
        subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
        if shutil.which("wrk")
        else "missing (Python load generator)"
    )
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "Wagtail": wagtail.__version__,
        "DRF": version("djangorestframework"),
        "django-ninja": version("django-ninja"),
        "gunicorn": version("gunicorn"),
        "PostgreSQL": postgres,
        "wrk": wrk,
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "-"


def write_report(path: Path, result: dict, meta: dict) -> None:
    lines = [
        "# Partner API benchmark",
        "",
        f"- date: {meta['date']}",
        f"- machine: {meta['machine']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- setup: PostgreSQL, {meta['pages']:,} pages, gunicorn {WORKERS} sync workers, {meta['generator']} "
        f"{THREADS} threads / {CONNECTIONS} connections, median of {meta['repeats']} interleaved runs of at least "
        f"{meta['seconds']} s per measure, each after a {meta['warmup']} s warm-up, "
        "loopback only; load generator, editor and database on the same 2 cores as the server",
        f"- command: `bench/run{' --quick' if meta['quick'] else ''} api`",
        "",
        "| " + " | ".join(result["columns"]) + " |",
        "|" + "|".join("---" for _ in result["columns"]) + "|",
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in result["rows"]),
        "",
        *(f"- {note}" for note in result["notes"]),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


# -- what is compared ---------------------------------------------------------------------------------

# The event type's fields that correspond to what Wagtail API v3 answers: its list items are stubs (id, title,
# meta: type, detail_url, html_url, locale, slug, first_published_at), its detail every api_field.
V3_LIST_FIELDS = "id,type,locale,title,slug,url,last_published_at"
V3_DETAIL_FIELDS = (
    "id,type,locale,title,slug,url,last_published_at,teaser,image,topics,regions,contacts,body,start,end,"
    "all_day,format,venue,address,series,registration_url,registration_deadline,online_access,moderation,"
    "organiser,agenda,documentation,attachments"
)
PUBLISHED_TYPE = "projects.ProjectPage"  # the editor publishes projects while events are read

WHAT_EACH_RETURNS = [
    "hub API v1 (key checked, the partner's visibility: live, unrestricted, shared with it): the list "
    "/api/v1/events/?limit=20 answers per event id, type, locale, fallback, title, slug, teaser, url, "
    "last_published_at, translations, image (title, alt, caption, credit, size and six signed rendition "
    "URLs: 480/960/1600 px x WebP/JPEG), topics and regions resolved (slug, name), start, end, all_day, format, "
    "venue, address, series, registration_url, registration_deadline; the detail adds translation_outdated, "
    "body (rich text as HTML, every image block expanded like the lead image), contacts and organiser "
    "resolved, online_access, moderation, agenda, documentation, attachments.",
    "Wagtail API v2 (no authentication, live and public pages; bench/_api_baseline.py): the list "
    "/api/v2/pages/?type=events.EventPage&fields=... asks for the same field NAMES as v1's list, but answers "
    "links as ids (lead_image, topic_links, region_links, contact_links, organiser: {id, meta}), one real "
    "rendition per item (lead_image_480, width-480, looked up in the database) and body image blocks as image "
    "ids; the detail has every api_field the same way. So the v2 ratios set the hub's fuller answer against "
    "a lighter one: they flatter v2, not the hub.",
    "Wagtail API v3 (django-ninja; bearer token of the benchmark's admin from `api_tokens create`, so v3 "
    "lists the pages that user may change: no live, site or view-restriction filter): the list "
    "/api/v3/pages/?type=events.EventPage&limit=20 answers stubs (id, title, meta: type, detail_url, "
    "html_url, locale, slug, first_published_at), the detail every api_field as v2 does plus meta (SEO "
    "fields, parent). For the v3 ratios the hub answers with the corresponding fields only: "
    f"list `fields={V3_LIST_FIELDS}`, detail `fields={V3_DETAIL_FIELDS}` (inside them v1 still resolves "
    "names and renders six rendition URLs per image where v3 gives ids and one rendition).",
]


def check_shapes(bodies: dict[str, bytes]) -> None:
    """The baselines answer what the notes say they do: v3's detail carries the api_fields (declared too late,
    they would be missing silently), the lists 20 items, the hub's trimmed answers only the fields asked."""
    answers = {name: json.loads(body) for name, body in bodies.items()}
    for name, key in (("list", "results"), ("list_v3fields", "results"), ("v2_list", "items"), ("v3_list", "items")):
        if len(answers[name][key]) != 20:
            raise RuntimeError(f"{name}: {len(answers[name][key])} items, expected 20")
    missing = {"teaser", "body", "topic_links", "lead_image_480"} - set(answers["v3_detail"])
    if missing:
        raise RuntimeError(f"Wagtail API v3's detail lacks {sorted(missing)}: api_fields declared too late?")
    for name, fields in (("list_v3fields", V3_LIST_FIELDS), ("detail_v3fields", V3_DETAIL_FIELDS)):
        item = answers[name]["results"][0] if name.startswith("list") else answers[name]
        extra = set(item) - set(fields.split(",")) - {"fallback", "translation_outdated"}
        if extra or "translations" in item:
            raise RuntimeError(f"{name}: the hub answered fields it was not asked for: {sorted(extra)}")


def quotient(results: dict, numerator: str, denominator: str) -> float | None:
    below = results[denominator]["rps"]
    return round(results[numerator]["rps"] / below, 2) if below else None


def api_figures(results: dict, counts: dict, memory: dict, bodies: dict[str, bytes]) -> dict:
    figures: dict[str, float | None] = {}
    for name, result in results.items():
        figures[f"{name}_rps"] = round(result["rps"], 1)
        figures[f"{name}_p99_ms"] = round(result["p99_ms"], 2)
    figures.update({f"queries_{name}": count for name, count in counts.items()})
    for name, body in bodies.items():
        wire, compact = sizes(body)
        figures[f"bytes_{name}"] = wire
        figures[f"bytes_compact_{name}"] = compact
    publishing = [
        quotient(results, "publishing_list", "warm_list"),
        quotient(results, "publishing_detail", "warm_detail"),
    ]
    figures.update(
        {
            "list_cold_vs_v2": quotient(results, "cold_list", "v2_list"),
            "detail_cold_vs_v2": quotient(results, "cold_detail", "v2_detail"),
            "list_cold_vs_v3": quotient(results, "cold_list_v3fields", "v3_list"),
            "detail_cold_vs_v3": quotient(results, "cold_detail_v3fields", "v3_detail"),
            "list_warm_vs_v2": quotient(results, "warm_list", "v2_list"),
            "detail_warm_vs_v2": quotient(results, "warm_detail", "v2_detail"),
            "warm_p99_ms": round(max(results["warm_list"]["p99_ms"], results["warm_detail"]["p99_ms"]), 2),
            "not_modified_vs_ceiling": quotient(results, "not_modified", "constant"),
            "publishing_list_vs_warm": publishing[0],
            "publishing_detail_vs_warm": publishing[1],
            "reads_during_publishing_vs_warm": None if None in publishing else min(publishing),
            "worker_peak_rss_mib": round(max(memory.values()) / 1024, 1) if all(memory.values()) else None,
            **{f"peak_worker_mib_{name}": round(kib / 1024, 1) for name, kib in memory.items()},
        }
    )
    return figures


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def table_rows(results: dict, counts: dict, memory: dict, figures: dict) -> list[list[str]]:
    def cell(name: str) -> str:
        return f"{results[name]['rps']:.0f} req/s, p99 {results[name]['p99_ms']:.1f} ms"

    def size(name: str) -> str:
        return f"{figures[f'bytes_{name}']:,} / {figures[f'bytes_compact_{name}']:,}"

    return [
        [
            "list of 20, cache cold",
            cell("cold_list"),
            "v2: " + cell("v2_list"),
            times(figures["list_cold_vs_v2"]),
            ">= 5x",
        ],
        [
            "detail, cache cold",
            cell("cold_detail"),
            "v2: " + cell("v2_detail"),
            times(figures["detail_cold_vs_v2"]),
            ">= 5x",
        ],
        [
            "list of 20, cache cold, v3's fields",
            cell("cold_list_v3fields"),
            "v3: " + cell("v3_list"),
            times(figures["list_cold_vs_v3"]),
            ">= 2x",
        ],
        [
            "detail, cache cold, v3's fields",
            cell("cold_detail_v3fields"),
            "v3: " + cell("v3_detail"),
            times(figures["detail_cold_vs_v3"]),
            ">= 2x",
        ],
        [
            "list of 20, cache warm",
            cell("warm_list"),
            "v2: " + cell("v2_list"),
            times(figures["list_warm_vs_v2"]),
            ">= 10x; p99 <= 50 ms",
        ],
        [
            "detail, cache warm",
            cell("warm_detail"),
            "v2: " + cell("v2_detail"),
            times(figures["detail_warm_vs_v2"]),
            ">= 10x; p99 <= 50 ms",
        ],
        [
            "304 (If-None-Match on the list)",
            cell("not_modified"),
            "trivial 2 KB view: " + cell("constant"),
            times(figures["not_modified_vs_ceiling"]),
            ">= 0.5x",
        ],
        [
            "list, warm, editor publishing every 2 s",
            cell("publishing_list"),
            "warm: " + cell("warm_list"),
            times(figures["publishing_list_vs_warm"]),
            ">= 0.5x",
        ],
        [
            "detail, warm, editor publishing every 2 s",
            cell("publishing_detail"),
            "warm: " + cell("warm_detail"),
            times(figures["publishing_detail_vs_warm"]),
            ">= 0.5x",
        ],
        [
            "SQL queries: list / detail",
            f"{counts['list']} / {counts['detail']} "
            f"(v3's fields: {counts['list_v3fields']} / {counts['detail_v3fields']})",
            f"v2: {counts['v2_list']} / {counts['v2_detail']}; v3: {counts['v3_list']} / {counts['v3_detail']}",
            "",
            "constant in page size",
        ],
        [
            "answer bytes, wire / compacted: list; detail",
            f"{size('list')}; {size('detail')} (v3's fields: {size('list_v3fields')}; {size('detail_v3fields')})",
            f"v2: {size('v2_list')}; {size('v2_detail')}. v3: {size('v3_list')}; {size('v3_detail')}",
            "",
            "",
        ],
        [
            "web worker peak RSS (VmHWM)",
            f"cold {memory['cold'] / 1024:.0f} MiB (served v2 and v3 too), warm {memory['warm'] / 1024:.0f} MiB",
            "(the same processes)",
            "",
            "<= 200 MiB",
        ],
    ]


def median_ms(seconds: list[float]) -> str:
    return f"{seconds[len(seconds) // 2] * 1000:.0f}" if seconds else "-"


# -- the benchmark --------------------------------------------------------------------------------------


def run(quick: bool = False) -> dict:
    pages = 1000 if quick else 10000
    seconds = 2 if quick else 10
    warmup = 1 if quick else 2
    repeats = REPEATS  # --quick too: no figure or verdict from a single run
    detail_count = 50 if quick else DETAIL_IDS
    url = database_url(pages)

    def log(message: str) -> None:
        print(f"[api bench] {message}", file=sys.stderr, flush=True)

    ensure_database(url)
    configure_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    populate(pages, log)
    analyze()
    from bench._api_baseline import EVENT_LIST_FIELDS
    from plugins.events.models import EventPage

    key = bench_key()
    token = v3_token()
    keyed = {"Authorization": f"Api-Key {key}"}
    bearer = {"Authorization": f"Bearer {token}"}
    event_ids = list(
        EventPage.objects.filter(slug__startswith="bench-", live=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:detail_count]
    )
    paths = {
        "list": "/api/v1/events/?limit=20",
        "list_v3fields": f"/api/v1/events/?limit=20&fields={V3_LIST_FIELDS}",
        "v2_list": f"/api/v2/pages/?type=events.EventPage&fields={EVENT_LIST_FIELDS}&limit=20",
        "v3_list": "/api/v3/pages/?type=events.EventPage&limit=20",
    }
    details = {
        "detail": [f"/api/v1/events/{pk}/" for pk in event_ids],
        "detail_v3fields": [f"/api/v1/events/{pk}/?fields={V3_DETAIL_FIELDS}" for pk in event_ids],
        "v2_detail": [f"/api/v2/pages/{pk}/" for pk in event_ids],
        "v3_detail": [f"/api/v3/pages/{pk}/" for pk in event_ids],
    }
    auth = {"list": keyed, "list_v3fields": keyed, "v2_list": {}, "v3_list": bearer}
    auth.update({"detail": keyed, "detail_v3fields": keyed, "v2_detail": {}, "v3_detail": bearer})
    first = {**paths, **{name: taken[0] for name, taken in details.items()}}
    counts = query_counts({name: (path, auth[name]) for name, path in first.items()})
    load_before = load_average()
    meta = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "machine": machine(),
        "versions": versions(),
        "pages": pages,
        "seconds": seconds,
        "warmup": warmup,
        "repeats": repeats,
        "quick": quick,
        "generator": "wrk" if shutil.which("wrk") else "Python threads",
    }
    started = time.monotonic()

    log(f"cold: server-side cache off ({repeats} x 8 measures of {warmup} + {seconds} s)")
    server = Server(url, cache_timeout=0)
    try:
        bodies = {name: fetch(server.base, path, auth[name]) for name, path in first.items()}
        bodies["constant"] = fetch(server.base, "/bench/constant/", {})
        check_shapes(bodies)
        results = measure(
            server,
            {
                "v2_list": Load([paths["v2_list"]]),
                "v3_list": Load([paths["v3_list"]], bearer),
                "cold_list": Load([paths["list"]], keyed),
                "cold_list_v3fields": Load([paths["list_v3fields"]], keyed),
                "v2_detail": Load(details["v2_detail"]),
                "v3_detail": Load(details["v3_detail"], bearer),
                "cold_detail": Load(details["detail"], keyed),
                "cold_detail_v3fields": Load(details["detail_v3fields"], keyed),
            },
            seconds,
            repeats,
            warmup,
        )
        memory = {"cold": server.worker_peak_kib()}
    finally:
        server.stop()

    log(f"warm: server-side cache on, and reads while an editor publishes ({repeats} x 6 measures)")
    editor = Editor(url, PUBLISHED_TYPE)
    server = Server(url, cache_timeout=600)
    try:

        def prime(prime_paths: list[str]) -> Callable[[], None]:
            # Each worker fills its own local-memory cache. One client alone would mostly meet the same idle
            # worker, so four at once, each twice over every path from another start: each path reaches each
            # worker but with a chance of about 1 in 256.
            def prepare() -> None:
                count = len(prime_paths)

                def client(offset: int) -> None:
                    for n in range(2 * count):
                        fetch(server.base, prime_paths[(offset + n) % count], keyed)

                clients = [threading.Thread(target=client, args=(k * count // 4,)) for k in range(4)]
                for thread in clients:
                    thread.start()
                for thread in clients:
                    thread.join()

            return prepare

        def fresh_etag() -> dict[str, str]:
            # A publish changes every ETag (one content version today): take the current one before each run.
            etag = etag_of(server.base, paths["list"], keyed)
            conditional = {**keyed, "If-None-Match": etag}
            fetch(server.base, paths["list"], conditional, status=304)
            return conditional

        results.update(
            measure(
                server,
                {
                    "constant": Load(["/bench/constant/"]),
                    "warm_list": Load([paths["list"]], keyed, prepare=prime([paths["list"]])),
                    "warm_detail": Load(details["detail"], keyed, prepare=prime(details["detail"])),
                    "not_modified": Load([paths["list"]], keyed, prepare=fresh_etag),
                    "publishing_list": Load([paths["list"]], keyed, prepare=prime([paths["list"]]), publishing=True),
                    "publishing_detail": Load(
                        details["detail"], keyed, prepare=prime(details["detail"]), publishing=True
                    ),
                },
                seconds,
                repeats,
                warmup,
                editor,
            )
        )
        memory["warm"] = server.worker_peak_kib()
    finally:
        server.stop()
        editor.close()
    elapsed = time.monotonic() - started

    for name, result in results.items():
        if result["bad"] or result["socket_errors"].strip(", 0"):
            log(f"{name}: {result['bad']} bad answers, socket errors: {result['socket_errors']}")
    # Kept before anything is computed from them, for a look when a later step fails.
    raw = ROOT / "var" / "bench" / "api-last-results.json"
    raw.write_text(json.dumps({"results": results, "counts": counts, "memory": memory}, indent=1))
    figures = api_figures(results, counts, memory, bodies)
    figures["measure_seconds"] = round(elapsed)
    rows = table_rows(results, counts, memory, figures)

    def at_least(name: str, bound: float) -> bool | None:
        return None if figures[name] is None else figures[name] >= bound

    def at_most(name: str, bound: float) -> bool | None:
        return None if figures[name] is None else figures[name] <= bound

    goals = {
        "list cold >= 5x v2": at_least("list_cold_vs_v2", 5),
        "detail cold >= 5x v2": at_least("detail_cold_vs_v2", 5),
        "list cold >= 2x v3 (v3's fields)": at_least("list_cold_vs_v3", 2),
        "detail cold >= 2x v3 (v3's fields)": at_least("detail_cold_vs_v3", 2),
        "list warm >= 10x v2": at_least("list_warm_vs_v2", 10),
        "detail warm >= 10x v2": at_least("detail_warm_vs_v2", 10),
        "warm p99 <= 50 ms": at_most("warm_p99_ms", 50),
        "304 >= 0.5x ceiling": at_least("not_modified_vs_ceiling", 0.5),
        "reads while publishing >= 0.5x warm": at_least("reads_during_publishing_vs_warm", 0.5),
        "worker peak RSS <= 200 MiB": at_most("worker_peak_rss_mib", 200),
    }
    verdict = {True: "met", False: "MISSED", None: "not measured"}
    publishes = results["publishing_list"]["all_publishes"] + results["publishing_detail"]["all_publishes"]
    publish_seconds = sorted(
        results["publishing_list"]["all_publish_seconds"] + results["publishing_detail"]["all_publish_seconds"]
    )
    notes = [
        *WHAT_EACH_RETURNS,
        "answer sizes: bytes on the wire / the same JSON compacted (v2 pretty-prints its answers, v1 and v3 "
        "do not; ratios of size compare the compacted figures).",
        "cache cold = the API's server-side cache of whole answers switched off (every request answered anew: "
        "key check, the page of ids, the items prepared at publish (frontend_api.prepared, built on the spot "
        "when missing or stale), one visibility query); warm = on (each gunicorn worker has its own "
        "local-memory cache here; REDIS_URL shares one). Wagtail API v2 and v3 have no server-side cache "
        "and no ETags: their one figure is the baseline of the cold and the warm rows alike.",
        f"while publishing = the warm server while a separate editor process publishes a {PUBLISHED_TYPE} page "
        f"(another type than the events read) every {2} s through Wagtail's revision publish ({publishes} "
        f"publishes over the runs, each taking p50 {median_ms(publish_seconds)} ms); each run starts from a "
        "primed cache. A publish retires only the answers it can change (its type's lists, the details "
        "showing the page): reads_during_publishing_vs_warm is the lower of the list's and the detail's ratio.",
        f"detail requests rotate over {len(event_ids)} events; each worker's peak RSS (VmHWM) is read after "
        "its server's measures: the cold server also served v2 and v3, so worker_peak_rss_mib (the higher "
        "of the two servers) is an upper bound for the hub alone.",
        f"each figure is the median of {repeats} interleaved runs of at least {seconds} s after a {warmup} s "
        f"warm-up, longer (at most {2 * seconds} s) for a slow endpoint so that each connection gets about "
        f"{ANSWERS_PER_CONNECTION} answers (requests cut off at the end are not counted); the server drains "
        "what a run left queued before the next (all rates: "
        + "; ".join(f"{name} {run['all_rps']} ({run['seconds']} s)" for name, run in results.items())
        + ").",
        f"load average before / after: {load_before} / {load_average()} (other processes on the machine "
        "disturb the figures; the trivial view's rate shows how much).",
        "goals: " + ", ".join(f"{name} {verdict[ok]}" for name, ok in goals.items()),
    ]
    result = {
        "title": f"Partner API v1 vs Wagtail API v2 and v3 ({pages:,} pages, median of {repeats} x {seconds} s)",
        "columns": ["measure", "kulturhub API v1", "baseline", "ratio", "goal"],
        "rows": rows,
        "figures": figures,
        "notes": notes,
    }
    report = ROOT / "bench" / "results" / ("tmp/api-quick.md" if quick else "api.md")
    write_report(report, result, meta)
    result["notes"].append(f"written to {report.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2, default=str))
