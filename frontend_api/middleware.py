"""Every answer under /api/ is JSON in the contract's error body, whatever failed and wherever.

DRF's exception handler covers the API's own views; this middleware, first in MIDDLEWARE, covers what
happens outside them: a Host header not in ALLOWED_HOSTS (Django would answer an HTML page, 68 KB of
debug page with DEBUG on), a body the API never reads being too large, paths outside /api/v1/, CSRF
refusals, and unexpected exceptions that Django turns into its HTML 500 (or the debug traceback page).
Such answers keep their status and CORS headers and get a JSON body; the traceback stays in the log.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse

from frontend_api.errors import NO_STORE, error_body

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "Vary", "WWW-Authenticate")

CODES = {
    400: "invalid_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    431: "request_header_fields_too_large",
}


def json_error(status: int, code: str, detail: str) -> JsonResponse:
    response = JsonResponse(error_body(code, detail), status=status)
    response["Cache-Control"] = NO_STORE
    return response


def detail_for(request: HttpRequest, status: int) -> str:
    if status == 404:
        return f"No API endpoint at {request.path}; see /api/v1/docs/ for the endpoints."
    if status == 413:
        return "The request body is too large; the partner API reads no request bodies."
    if status >= 500:
        return "The hub failed to answer; the error has been logged."
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return f"The request failed with status {status}."


class APIErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost as exc:
            logging.getLogger("django.security.DisallowedHost").error(str(exc), extra={"status_code": 400})
            host = request.META.get("HTTP_HOST", "")[:100]
            return json_error(400, "invalid_host", f"This hub does not answer for the host {host!r}.")
        if self.declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # Django would raise RequestDataTooBig (a 400) when a body this size is read; the API reads none.
            return json_error(413, CODES[413], detail_for(request, 413))
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        return self.as_json(request, response)

    @staticmethod
    def declared_length(request: HttpRequest) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0

    def as_json(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        code = CODES.get(status, "server_error" if status >= 500 else "invalid_request")
        answer = json_error(status, code, detail_for(request, status))
        for name, value in response.items():
            if name in KEPT_HEADERS or name.startswith("Access-Control-"):
                answer[name] = value
        return answer
