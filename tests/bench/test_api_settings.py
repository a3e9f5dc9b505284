"""The API benchmark's settings keep Wagtail API v3's trap closed: v3 builds each page type's read schema
from `api_fields` when it is first imported, which Wagtail's own apps do in their ready(), so the app that
declares the baseline's api_fields must come before all of them."""

from bench import _api_settings as settings


def test_the_benchmark_app_declaring_api_fields_comes_before_every_wagtail_app():
    apps = settings.INSTALLED_APPS
    first_wagtail = min(index for index, name in enumerate(apps) if name.startswith("wagtail"))
    assert apps.index("bench._api_apps.BenchAPIConfig") < first_wagtail
    assert {"wagtail.api.v2", "wagtail.api.v3"} <= set(apps)
    assert settings.ROOT_URLCONF == "bench._api_urls"
