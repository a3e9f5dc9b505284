"""What every keyed endpoint shares: key authentication, the per-key rate limit, JSON only, the
contract's error body, and the caching and rate-limit headers."""

from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import NotAuthenticated, Throttled
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from frontend_api.authentication import PartnerKeyAuthentication
from frontend_api.caching import CACHE_CONTROL, VARY
from frontend_api.conf import api_setting
from frontend_api.errors import NO_STORE, exception_handler
from frontend_api.permissions import HasPartnerKey
from frontend_api.throttling import PartnerKeyThrottle


class JSONOnlyMixin:
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        """Always JSON, whatever the Accept header says: a 406 would help nobody."""
        return JSONRenderer(), JSONRenderer.media_type

    def get_exception_handler(self):
        return exception_handler


class PartnerAPIView(JSONOnlyMixin, APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [HasPartnerKey]
    throttle_classes = [PartnerKeyThrottle]

    @property
    def partner(self):
        return self.request.user.partner

    def permission_denied(self, request, message=None, code=None):
        raise NotAuthenticated(HasPartnerKey.message)

    def throttled(self, request, wait):
        raise Throttled(wait=wait, detail=f"Rate limit of this key exceeded ({api_setting('RATE_LIMIT')}).")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response["Cache-Control"] = NO_STORE
        elif "Cache-Control" not in response:
            response["Cache-Control"] = CACHE_CONTROL
        patch_vary_headers(response, VARY)
        window = getattr(request._request, "kulturhub_rate_window", None)
        if window is not None:
            response["X-RateLimit-Limit"] = str(window.limit)
            response["X-RateLimit-Remaining"] = str(window.remaining)
            response["X-RateLimit-Reset"] = str(max(1, round(window.resets_in)))
        return response
