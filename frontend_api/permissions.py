from rest_framework.permissions import BasePermission

from frontend_api.models import PartnerAPIKey


class HasPartnerKey(BasePermission):
    """Every endpoint but health, schema and docs: a valid key of an active partner."""

    message = "Send your partner key in the header 'Authorization: Api-Key <key>'."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerAPIKey)
