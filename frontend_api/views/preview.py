"""GET /api/v1/preview/?token=…: a draft in the detail's shape, for the partner the token names.

A partner sees a draft only when it could see the page once published as the draft stands (sharing from
the draft, view restrictions on the page and its ancestors); otherwise 403 `preview_not_visible` -- the
partner holds a token for the page anyway, so a 404 would hide nothing and explain less. Never cached.
"""

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from frontend_api import registry
from frontend_api.errors import NO_STORE, APIError, InvalidParameter, NotFound
from frontend_api.openapi import KEYED_ERRORS, error, item_serializer
from frontend_api.params import QueryParser
from frontend_api.preview import InvalidToken, draft_of, read_token
from frontend_api.serializers.context import SerializationContext
from frontend_api.serializers.items import item_data, prepare
from frontend_api.views.base import PartnerAPIView
from plugins.shared.visibility import draft_visible_to


class PreviewTokenInvalid(APIError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "preview_token_invalid"


class PreviewForbidden(APIError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "preview_forbidden"


def draft_data(api, draft, context: SerializationContext) -> dict:
    """The detail endpoint's serialization of one page, applied to a draft."""
    context.relations_in_memory = True
    prepare(api, [draft], context, detail=True, wanted=None)
    return {**item_data(api, draft, context, detail=True, wanted=None), "preview": True}


def preview_serializer(api) -> type[serializers.Serializer]:
    detail = item_serializer(api, detail=True)
    preview = serializers.BooleanField(help_text="Always true: a draft, not (yet) what the detail answers")
    serializer = type(f"{api.schema_name}PreviewSerializer", (detail,), {"preview": preview})
    # Its own component: the detail's component name is inherited otherwise, and the two would merge.
    return extend_schema_serializer(component_name=f"{api.schema_name}Preview")(serializer)


def preview_schema():
    return PolymorphicProxySerializer(
        component_name="Preview",
        serializers={api.name: preview_serializer(api) for api in registry.content_types()},
        resource_type_field_name="type",
    )


class PreviewView(PartnerAPIView):
    @extend_schema(
        operation_id="preview",
        summary="A draft, for a partner's preview page",
        tags=["preview"],
        description="An editor opens a draft on your site from the hub's admin: the hub opens your partner's "
        "preview URL with `?token=…`. Your server sends that token here with your key and gets the draft "
        "in exactly the shape of the type's detail (`GET /api/v1/{type}/{id}/`) plus `\"preview\": true`. "
        "A token names one revision of one page and your partner; it is valid for 10 minutes. The answer "
        "is `Cache-Control: no-store`: do not cache it or show it to visitors.",
        parameters=[
            OpenApiParameter(
                "token",
                {"type": "string", "minLength": 1},
                required=True,
                description="The token from the preview URL's query string, unchanged.",
            ),
            OpenApiParameter(
                "Cache-Control",
                str,
                location=OpenApiParameter.HEADER,
                response=[200],
                description="no-store: a draft is never cached, by the hub or by you.",
            ),
        ],
        responses={
            200: preview_schema(),
            400: error("`token` is missing (or an unknown parameter was given); `field` names it."),
            401: error(
                "No key, or a wrong, revoked or expired key (`code` as elsewhere); or a preview token that is "
                "tampered, malformed or older than 10 minutes (`preview_token_invalid`): open the preview "
                "from the hub again."
            ),
            403: error(
                "The token was made for another partner (`preview_token_other_partner`), or your partner "
                "could not see this page once published as the draft stands (`preview_not_visible`)."
            ),
            404: error("The page or its revision no longer exists."),
            405: KEYED_ERRORS[405],
            429: KEYED_ERRORS[429],
        },
    )
    def get(self, request):
        parser = QueryParser(request.query_params, ("token",))
        raw = parser.raw("token")
        if raw is None:
            raise InvalidParameter(
                "token", "token is required: the preview token the hub added to your preview URL (?token=…)."
            )
        try:
            token = read_token(raw)
        except InvalidToken:
            raise PreviewTokenInvalid(
                "The preview token is invalid or expired (valid for 10 minutes); open the preview from the "
                "hub again.",
                field="token",
            ) from None
        if token.partner_id != self.partner.pk:
            raise PreviewForbidden(
                "This preview token was made for another partner.", code="preview_token_other_partner", field="token"
            )
        found = draft_of(token)
        if found is None:
            raise NotFound("The page or revision of this preview no longer exists.")
        api, draft = found
        if not draft_visible_to(draft, self.partner):
            raise PreviewForbidden(
                "Your partner could not see this page once published (it is shared with other partners or "
                "restricted).",
                code="preview_not_visible",
            )
        context = SerializationContext(request._request, self.partner, draft.locale.language_code)
        response = Response(draft_data(api, draft, context))
        response["Cache-Control"] = NO_STORE
        response["Content-Language"] = draft.locale.language_code
        return response
