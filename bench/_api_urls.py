"""The benchmark's URLs: the hub's own, Wagtail API v2 and v3 on the same pages (their api_fields declared by
bench/_api_apps.py), and a constant 2 KB JSON view."""

import json

from django.http import HttpResponse
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.urls import api as wagtail_api_v3

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
    path("api/v3/", wagtail_api_v3.urls),
    *hub_urlpatterns,
]
