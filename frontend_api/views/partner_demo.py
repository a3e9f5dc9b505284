"""/partner-demo/: a small partner site that uses nothing but the public API with the demo key."""

import json

from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontend_api.demo import read_demo_key


@require_GET
def partner_demo(request):
    response = render(request, "partner_demo/index.html", {"api_key_json": json.dumps(read_demo_key() or "")})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def partner_demo_preview(request):
    """/partner-demo/preview/?token=…: the demo partner's preview URL; the page fetches the draft from
    /api/v1/preview/ with the token and the demo key."""
    context = {"api_key": read_demo_key() or "", "token": request.GET.get("token", "")}
    response = render(request, "partner_demo/preview.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
