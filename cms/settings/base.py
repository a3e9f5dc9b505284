"""Every setting of the hub, switched by environment variables (see README "Configuration")."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEV_SECRET_KEY = "dev-insecure-kulturhub-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def parse_trusted_proxies(value: str | None) -> int | tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    """TRUSTED_PROXIES: unset (X-Forwarded-For is ignored), a count of proxies in front of the hub, or a
    comma-separated list of the proxies' addresses or networks (CIDR)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value) or None
    networks = []
    for item in value.split(","):
        try:
            networks.append(ipaddress.ip_network(item.strip()))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES must be a number of proxies (e.g. 1) or a comma-separated list of addresses or "
                f"networks (e.g. 10.0.0.0/8,fd00::/8); {item.strip()!r} is neither: {exc}"
            ) from None
    return tuple(networks)


SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "plugins.shared",
    "plugins.projects",
    "plugins.reports",
    "plugins.events",
    "plugins.funding",
    "search",
    "frontend_api",
    "cms.tooling",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework_api_key",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command extends theirs (heartbeat, periodic jobs).
    "cms.operations",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so that even a bad Host header or an unexpected error under /api/ is answered in JSON.
    "frontend_api.middleware.APIErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.ContentLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: any Django-supported URL; SQLite under var/ by default.
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL Django can use ({exc}); "
        "expected e.g. postgres://user:pass@host:5432/name or sqlite:////abs/path.sqlite3"
    ) from None
if DATABASE_URL == DEFAULT_DATABASE_URL:
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: German is the source language; adding a content language is one line here.
LANGUAGE_CODE = "de"
# Names are translated, so that each shows in the admin's language ("Englisch" in the German admin); the
# admin's own language picker (account settings) names each language in itself.
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# The hub's German catalogue (locale/de/LC_MESSAGES/django.po): its own strings, and those Wagtail and
# wagtail-localize leave untranslated on the hub's screens (a project catalogue takes precedence).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or str(VAR_DIR / "static")
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic in dev and demo
if not os.environ.get("STATIC_ROOT"):
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Kulturhub"
# Host and port of the default Wagtail Site, used in page URLs the API hands out.
SITE_HOSTNAME = os.environ.get("SITE_HOSTNAME", "127.0.0.1")
SITE_PORT = int(os.environ.get("SITE_PORT", os.environ.get("PORT", "8000")))
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "webp", "heic": "jpeg"}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No request leaves the hub from the admin: no gravatar.com; an editor's avatar is the one uploaded in
# their account settings, else Wagtail's built-in default image (both served by the hub).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# A new translation of a live page starts as a draft; the editor publishes it when it is translated.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# Search: OpenSearch when OPENSEARCH_URL is set, the database otherwise.
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "").strip() or None
OPENSEARCH_INDEX_PREFIX = os.environ.get("OPENSEARCH_INDEX_PREFIX", "kulturhub").strip() or "kulturhub"
OPENSEARCH_TIMEOUT = float(os.environ.get("OPENSEARCH_TIMEOUT", "5"))
OPENSEARCH_VERIFY_CERTS = env_bool("OPENSEARCH_VERIFY_CERTS", True)
# Query insights (search.insights): days the per-day search counts are kept.
SEARCH_INSIGHTS_RETENTION_DAYS = int(os.environ.get("SEARCH_INSIGHTS_RETENTION_DAYS", "90"))
# Seconds a process keeps its insight counts in memory before writing them (0: with every search).
SEARCH_INSIGHTS_FLUSH_SECONDS = float(os.environ.get("SEARCH_INSIGHTS_FLUSH_SECONDS", "10"))
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background work (index updates, webhooks, Wagtail's own tasks): durable database queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Jobs the worker runs between polls (cms.operations.periodic): name -> dotted path and interval.
KULTURHUB_PERIODIC_JOBS = {
    "publish_scheduled": {"job": "cms.operations.jobs.publish_scheduled", "seconds": 30},
    "recover_dead_tasks": {"job": "cms.operations.jobs.recover_dead_tasks", "seconds": 30},
    "reconcile_search_index": {
        "job": "cms.operations.jobs.reconcile_search_index",
        "seconds": float(os.environ.get("SEARCH_RECONCILE_SECONDS", "60")),
    },
    "prune_task_results": {"job": "cms.operations.jobs.prune_task_results", "seconds": 3600},
    "sweep_partner_audiences": {"job": "cms.operations.jobs.sweep_partner_audiences", "seconds": 300},
    "prune_partner_changes": {"job": "cms.operations.jobs.prune_partner_changes", "seconds": 3600},
    "requeue_webhook_deliveries": {"job": "cms.operations.jobs.requeue_webhook_deliveries", "seconds": 60},
    "prune_search_insights": {"job": "cms.operations.jobs.prune_search_insights", "seconds": 3600},
}
# A worker silent for longer than this is dead: its running task goes back to the queue.
KULTURHUB_WORKER_HEARTBEAT_SECONDS = 10
KULTURHUB_WORKER_STALE_SECONDS = 60
KULTURHUB_TASK_RESULT_DAYS = 14

# Partner API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "frontend_api.errors.exception_handler",
}
# Webhooks may target loopback, private, link-local or reserved addresses only when this is on (dev).
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
# Rate limits, server-side answer cache, image widths: see frontend_api/conf.py for the defaults.
# The failed-key throttle counts per client address: the connection's, unless proxies are named here.
TRUSTED_PROXIES = parse_trusted_proxies(os.environ.get("TRUSTED_PROXIES"))
KULTURHUB_API: dict = {}
class _LazyEnumNames(dict):
    """Stable names for the partner API's choice sets (spectacular would name them after the field and
    number colliding ones): computed by frontend_api.openapi from the registered content types when
    spectacular first reads them, after start-up (the settings cannot import the API)."""

    def _names(self) -> dict:
        from frontend_api.openapi import enum_names

        return enum_names()

    def items(self):
        return self._names().items()

    def __iter__(self):
        return iter(self._names())

    def __len__(self):
        return len(self._names())

    def __getitem__(self, key):
        return self._names()[key]


SPECTACULAR_SETTINGS = {
    "TITLE": "Kulturhub Partner API",
    "DESCRIPTION": "Projects, experience reports, events and funding information for partner sites.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Only the partner API's endpoints (also in `check --deploy`), with stable enum names, a description
    # naming the content types served, and what spectacular has no words for.
    "PREPROCESSING_HOOKS": ["frontend_api.openapi.only_partner_api"],
    "ENUM_NAME_OVERRIDES": _LazyEnumNames(),
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "frontend_api.openapi.describe_content_types",
        "frontend_api.openapi.describe_what_spectacular_cannot",
    ],
}
CORS_URLS_REGEX = r"^/api/.*$"
# Origins are allowed per partner (frontend_api.signal_handlers.cors_allowed), never globally.
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Language", "X-RateLimit-Limit",
                       "X-RateLimit-Remaining", "X-RateLimit-Reset"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kulturhub",
        # Room for the partner API's cached answers (Django's default of 300 entries evicts them early).
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}

# Django's own 'django' logger is configured here, not left to its default: that default has a console
# handler of its own (DEBUG only) and also propagates to ours, so every request warning printed twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {"level": "ERROR", "filters": ["require_debug_false"],
                        "class": "django.utils.log.AdminEmailHandler"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "kulturhub": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
    },
}
