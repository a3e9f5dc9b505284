import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, KULTURHUB_PERIODIC_JOBS, SECRET_KEY, env_bool, env_list

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG is on in production settings: unset DEBUG or set DEBUG=false")
if SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production refuses the development secret; "
        "set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY is too weak: use at least 50 random characters")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview shows the page in a same-origin frame, so DENY would break the editor.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Comparing every document with the database every five minutes is plenty for production.
KULTURHUB_PERIODIC_JOBS["reconcile_search_index"]["seconds"] = float(os.environ.get("SEARCH_RECONCILE_SECONDS", "300"))
