"""Every error of the partner API has one shape: {"error": {"code", "detail", "field"?}}.

Codes are stable strings a partner's code can branch on; `detail` is for the developer reading it
(what was expected, what was given); `field` names the query parameter at fault, when there is one.
"""

import logging
import math

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger("kulturhub.api")

NO_STORE = "no-store"


class APIError(exceptions.APIException):
    """An API error with a stable code and optionally the query parameter it is about."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_request"

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None):
        super().__init__(detail=detail, code=code or self.default_code)
        self.error_code = code or self.default_code
        self.field = field


class InvalidParameter(APIError):
    default_code = "invalid_parameter"

    def __init__(self, field: str, detail: str, *, code: str | None = None):
        super().__init__(detail, code=code, field=field)


class UnknownParameter(InvalidParameter):
    default_code = "unknown_parameter"


class NotFound(APIError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"


class KeyRejected(exceptions.AuthenticationFailed):
    """401 for a key that is wrong, revoked or expired, or whose partner is inactive."""

    def __init__(self, detail: str, code: str):
        super().__init__(detail=detail, code=code)
        self.error_code = code


DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "invalid_key",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "invalid_request",
    exceptions.ValidationError: "invalid_parameter",
}


def error_body(code: str, detail: str, field: str | None = None) -> dict:
    error = {"code": code, "detail": detail}
    if field:
        error["field"] = field
    return {"error": error}


def flat_detail(detail) -> str:
    if isinstance(detail, list | tuple):
        return "; ".join(flat_detail(item) for item in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {flat_detail(value)}" for key, value in detail.items())
    return str(detail)


def error_code_for(exc: exceptions.APIException) -> str:
    code = getattr(exc, "error_code", None)
    if code:
        return code
    for cls in type(exc).__mro__:
        if cls in DRF_CODES:
            return DRF_CODES[cls]
    return "error"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler, answering in the contract's error body; unexpected errors are logged
    and answered as JSON 500 too, so a partner's client never has to parse an HTML error page."""
    if isinstance(exc, Http404):
        exc = NotFound(str(exc.args[0]) if exc.args else "Not found.")
    headers = {"Cache-Control": NO_STORE}
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled):
            wait = exc.wait if exc.wait is not None else 1
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        detail = flat_detail(exc.detail)
        set_rollback()
        return Response(
            error_body(error_code_for(exc), detail, getattr(exc, "field", None)),
            status=exc.status_code,
            headers=headers,
        )
    view = context.get("view")
    logger.exception("unexpected error in %s", type(view).__name__ if view else "partner API")
    set_rollback()
    return Response(
        error_body("server_error", "The hub failed to answer; the error has been logged."),
        status=500,
        headers=headers,
    )


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/v1/, with any method: a JSON 404 naming what exists, not the CMS's HTML
    page (and not a CSRF refusal for a POST)."""
    response = JsonResponse(
        error_body("not_found", f"No API endpoint at {request.path}; see /api/v1/docs/ for the endpoints."),
        status=404,
    )
    response["Cache-Control"] = NO_STORE
    return response
