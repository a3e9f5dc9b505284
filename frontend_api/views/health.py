"""Liveness and readiness of the hub for load balancers and partner developers (no key needed)."""

import logging

from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from frontend_api.errors import NO_STORE
from frontend_api.serializers import schema
from frontend_api.views.base import JSONOnlyMixin

logger = logging.getLogger("kulturhub.api")


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def search_status() -> str:
    from search.status import search_health

    try:
        return search_health()
    except Exception:  # noqa: BLE001 - a health check reports, it does not fail
        logger.exception("search health check failed")
        return "unavailable"


def pending_updates() -> int | None:
    from search.status import pending_index_updates

    try:
        return pending_index_updates()
    except Exception:  # noqa: BLE001
        logger.exception("counting pending index updates failed")
        return None


def search_drift() -> int | None:
    from search.status import search_drift as drift

    try:
        return drift()
    except Exception:  # noqa: BLE001
        logger.exception("reading the search index drift failed")
        return None


class HealthView(JSONOnlyMixin, APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="health",
        summary="Health of the hub",
        tags=["health"],
        auth=[],
        description="No key needed. `degraded` when search is unavailable or the index is known to differ "
        "from the database (`search_drift`: searches then answer from the database; lists and details "
        "still work); "
        "503 "
        "when the database is unavailable.",
        responses={
            200: schema.HealthSerializer,
            503: OpenApiResponse(schema.HealthSerializer, description="Database unavailable"),
        },
    )
    def get(self, request):
        database = database_status()
        checks = {
            "database": database,
            "search": search_status(),
            "pending_index_updates": pending_updates() if database == "ok" else None,
            "search_drift": search_drift() if database == "ok" else None,
        }
        healthy = database == "ok" and checks["search"] == "ok" and not checks["search_drift"]
        status = "ok" if healthy else "degraded"
        return Response(
            {"status": status, "checks": checks},
            status=200 if database == "ok" else 503,
            headers={"Cache-Control": NO_STORE},
        )
