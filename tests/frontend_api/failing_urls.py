"""The hub's URLs plus views that fail on purpose under /api/, for the tests of JSON error answers."""

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as hub_urlpatterns


def crash(request):
    raise RuntimeError("secret internals: /srv/kulturhub/settings.py")


def status_page(request, status: int):
    return HttpResponse(f"<html><body><h1>{status}</h1></body></html>", status=status)


urlpatterns = [
    path("api/test-failures/crash/", crash),
    path("api/test-failures/status/<int:status>/", status_page),
    *hub_urlpatterns,
]
