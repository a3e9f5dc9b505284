"""/partner-demo/: a small partner site that uses nothing but the public API with the demo key."""

import json

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.tooling.partner_demo import read_demo_key
from plugins.shared import content_types

LANGUAGES = ("de", "en")


def type_labels() -> dict[str, dict[str, str]]:
    """What the demo site calls one item of each content type, per language."""
    return {language: {d.name: d.label(language) for d in content_types.all()} for language in LANGUAGES}


@require_GET
def partner_demo(request):
    context = {"api_key_json": json.dumps(read_demo_key() or ""), "type_labels": type_labels()}
    response = render(request, "partner_demo/index.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def partner_demo_preview(request):
    """/partner-demo/preview/?token=…: the demo partner's preview URL; the page fetches the draft from
    /api/v1/preview/ with the token and the demo key."""
    context = {"api_key": read_demo_key() or "", "token": request.GET.get("token", ""), "type_labels": type_labels()}
    response = render(request, "partner_demo/preview.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
