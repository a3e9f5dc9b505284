"""The benchmark's URLs: the hub's own, Wagtail API v2 on the same pages, and a constant 2 KB JSON view."""

import json

from django.http import HttpResponse
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from bench import _api_baseline  # noqa: F401 - declares api_fields for Wagtail API v2
from cms.urls import urlpatterns as hub_urlpatterns

CONSTANT = json.dumps(
    {"items": [{"id": n, "title": f"Eintrag {n:03d}", "teaser": "x" * 40} for n in range(26)]}
)
CONSTANT_BYTES = CONSTANT.encode()

router = WagtailAPIRouter("wagtailapi")
router.register_endpoint("pages", PagesAPIViewSet)


def constant_json(request):
    return HttpResponse(CONSTANT_BYTES, content_type="application/json")


urlpatterns = [
    path("bench/constant/", constant_json),
    path("api/v2/", router.urls),
    *hub_urlpatterns,
]
