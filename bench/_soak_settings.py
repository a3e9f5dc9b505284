"""Settings of the soak's server, worker and editor: the hub's own settings on PostgreSQL with the durable
task queue (so publishes reach the index and webhooks through a real `db_worker`), rate limits the
soak chooses, webhooks to a receiver on loopback allowed, and server errors logged with tracebacks."""

import os

# Before the hub's settings read it: the soak's webhook receiver listens on 127.0.0.1.
os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true")

from cms.settings.base import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
KULTURHUB_API = {
    # Per key and gunicorn worker (local-memory counters); bench/soak.py sets it so that one normal client's
    # key stays far below and the deliberately greedy client's key goes over.
    "RATE_LIMIT": os.environ.get("BENCH_SOAK_RATE_LIMIT", "1000000/hour"),
    # The soak sends no wrong keys; every client shares 127.0.0.1, so no address may be locked out.
    "FAILED_AUTH_LIMIT": "1000000/min",
    "CACHE_TIMEOUT": 600,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"stamped": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "stamped"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # 5xx with their tracebacks; the designed 4xx (429) are counted by the clients, not logged.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "kulturhub": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
