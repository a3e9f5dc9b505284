"""Settings of the API benchmark's server: the hub's settings plus Wagtail's API v2 (the baseline) and a
trivial constant JSON view (the ceiling of the stack), wired only here, never in production URLs."""

import os

from cms.settings.base import *  # noqa: F403
from cms.settings.base import INSTALLED_APPS

DEBUG = False
ROOT_URLCONF = "bench._api_urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
# Index updates are the search benchmark's business; nothing is queued here.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
KULTURHUB_API = {
    "RATE_LIMIT": "100000000/hour",  # one key under load: the benchmark measures serving, not refusing
    "CACHE_TIMEOUT": int(os.environ.get("BENCH_API_CACHE_TIMEOUT", "600")),
}
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "CRITICAL", "handlers": []}}
