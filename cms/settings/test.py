from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run background work at once; tests of the queue itself switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests that drive the worker choose the periodic jobs they exercise.
KULTURHUB_PERIODIC_JOBS = {}
MEDIA_ROOT = str(VAR_DIR / "test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Webhook tests receive on loopback; the tests of refused targets switch this off.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", True)
# Workers run inside the test's transaction (`db_worker --batch`): their heartbeat thread, on a
# connection of its own, must not write beside it (on PostgreSQL it would wait for the test's row).
KULTURHUB_WORKER_HEARTBEAT_SECONDS = 3600
# A content type that exists only for the tests: adding a type is one folder and this one line.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.joboffers"]  # noqa: F405
# Query insights are written with the search that counts them (tests read them at once).
SEARCH_INSIGHTS_FLUSH_SECONDS = 0
