"""The API benchmark's app: declares the baseline's `api_fields` (bench/_api_baseline.py) in its `ready()`.

Wagtail API v3 builds each page type's read schema from `api_fields` when `wagtail.api.v3` is first
imported, and Wagtail's own apps import its routers in their `ready()` (wagtail.contrib.redirects does),
so this app must come BEFORE them in INSTALLED_APPS (bench/_api_settings.py puts it first); declared any
later, v3's details would silently answer without the fields (v2 reads them per request and would not
notice)."""

from django.apps import AppConfig


class BenchAPIConfig(AppConfig):
    name = "bench"
    label = "bench_api"
    verbose_name = "API benchmark baselines"

    def ready(self) -> None:
        import sys

        assert "wagtail.api.v3.registry" not in sys.modules, (
            "wagtail.api.v3 was imported before the benchmark declared api_fields: list "
            "bench._api_apps.BenchAPIConfig before Wagtail's apps"
        )
        from bench import _api_baseline  # noqa: F401 - declares api_fields for Wagtail API v2 and v3
