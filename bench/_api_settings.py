"""Settings of the API benchmark's server: the hub's settings plus Wagtail's API v2 and v3 (the baselines)
and a trivial constant JSON view (the ceiling of the stack), wired only here, never in production URLs."""

import os

from cms.settings.base import *  # noqa: F403
from cms.settings.base import INSTALLED_APPS

DEBUG = False
ROOT_URLCONF = "bench._api_urls"
# The benchmark's app first: it declares the baseline's api_fields, which Wagtail API v3 reads once, when
# Wagtail's apps (wagtail.contrib.redirects) first import it in their ready() (see bench/_api_apps.py).
INSTALLED_APPS = ["bench._api_apps.BenchAPIConfig", *INSTALLED_APPS, "wagtail.api.v2", "wagtail.api.v3"]
# Wagtail API v3's default; the benchmark asks for 20 items, like the others.
WAGTAILAPI_LIMIT_MAX = 20
# v3 writes a token's last use at most once a minute (its default), not per request.
WAGTAILAPI_TOKEN_LAST_USED_INTERVAL = 60
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
# Index updates are the search benchmark's business; nothing is queued here.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
KULTURHUB_API = {
    "RATE_LIMIT": "100000000/hour",  # one key under load: the benchmark measures serving, not refusing
    "CACHE_TIMEOUT": int(os.environ.get("BENCH_API_CACHE_TIMEOUT", "600")),
}
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "CRITICAL", "handlers": []}}
