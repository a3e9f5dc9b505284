"""The OpenAPI 3 document: components built from the registry's field definitions (the same ones
that produce the answers), every parameter with its bounds, every error, and the caching headers."""

import copy

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers

from frontend_api import registry
from frontend_api.locales import default_locale
from frontend_api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from frontend_api.pagination import MAX_SEARCH_WINDOW as MAX_WINDOW
from frontend_api.params import MAX_INTEGER, SLUG_PATTERN
from frontend_api.registry import ContentTypeAPI, type_names
from frontend_api.serializers import schema
from frontend_api.serializers.items import ALWAYS_IN_DETAIL, detail_fields, list_fields
from plugins.shared.languages import content_languages

API_DESCRIPTION = """\
{content} of the network, for partner sites.

**Keys.** Send `Authorization: Api-Key <key>` on every request but health, schema and docs. A key
belongs to one partner and sees only what that partner may see: live pages without a view restriction
that are shared with the partner or with every partner. No key, or a wrong, revoked or expired one,
is a 401 whose `code` says which (`not_authenticated`, `invalid_key`, `key_revoked`, `key_expired`,
`partner_inactive`). A revocation reaches every server process within 5 seconds.

**Errors.** Every error is `{"error": {"code", "detail", "field"?}}`: 400 for a bad parameter
(`field` names it), 401, 404, 405, 429 (with `Retry-After`). A parameter this API does not know is a
400 (`unknown_parameter`) rather than silently ignored, so typos show; parameters starting with `_`
(cache busters) are ignored, and an empty value counts as not given (`allowEmptyValue`). Every bound
is declared on its parameter; two rules span two parameters: `to` may not lie before `from`, and in
search `offset + limit` is at most 1000 (a 400 naming `to` or `offset`). Values are read leniently in
a few ways a client need not rely on: surrounding spaces are trimmed, `locale` takes any case and
regional variants (`en-GB`), and booleans also take `1`/`0`/`yes`/`no`.

**Partial answers.** `fields` selects the properties of each item; `id`, `type`, `locale` and
`fallback` (and a detail's `translation_outdated`) are always present, so only those are `required` in
the item schemas: without `fields`, every property listed is present.

**Languages.** Lists answer in `locale`, else the best match of `Accept-Language`, else German: one
item per page, in that language when it has a published, fully translated version the key may see,
otherwise in its source language with `"fallback": true` and its real `locale`. Every item carries
`fallback`. A detail answers the page its id names; with `locale` it answers that page's translation
(another id) or, when there is none, the source with `"fallback": true`. Untranslated text is never
presented as a translation: a translation published with untranslated segments counts as missing (in
search too). A detail's `translation_outdated` is true when the source was republished with changes
after the translation was last published. Topics, regions, organisations and contacts come in the
answer's language when translated; their slugs are the same in every language. `translations` lists
the other languages of a page as `{"locale", "id"}`.

**Rich text** is clean HTML: links to pages carry `data-page-type`, `data-page-id` and `data-api-url`
(links to pages your key may not see are reduced to their text), document links `data-document-id`.
**Images** are objects with alt text, credit and rendition URLs at fixed widths in WebP and JPEG.

**Caching.** Answers carry `ETag` and `Last-Modified` and answer `304` to `If-None-Match` /
`If-Modified-Since`; they are `Cache-Control: private, no-cache` and vary on `Authorization`,
`Accept-Language` and `Origin`. A change in the hub reaches answers within a second.

**Rate limits.** Per key (`X-RateLimit-Limit`, `-Remaining`, `-Reset` on every answer); beyond it 429
with `Retry-After`. Too many wrong keys from one address also give 429.

**Browsers.** CORS is answered for the origins registered for your partner.

**Mirroring.** Webhooks and `GET /api/v1/changes/` tell a key of every change in what it may see:
`page.published` (add or update), `page.unpublished` and `page.deleted` (remove), each with a
`reason`. Replay the feed from its start (no `since`) to build a mirror, then poll it with the last
`next` cursor; a cursor older than the retention period is a 410 (`cursor_expired`).
"""


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "frontend_api.authentication.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Your partner key, sent as `Authorization: Api-Key <key>`. A missing, wrong, "
            "revoked "
            "or expired key gives 401; too many wrong keys from one address give 429.",
        }


ERROR = schema.ErrorSerializer


def constant_field(value: str) -> type[serializers.CharField]:
    return schema.constant_field(value)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ERROR, description=description)


KEYED_ERRORS = {
    401: error("No key, or a wrong, revoked or expired key, or an inactive partner (`code` says which)."),
    405: error("Only GET and HEAD are allowed."),
    429: error("Rate limit of the key exceeded, or too many wrong keys from this address; see Retry-After."),
}
NOT_MODIFIED = OpenApiResponse(
    description="Not modified: your copy (If-None-Match / If-Modified-Since) is current."
)


def locale_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "locale",
        str,
        enum=content_languages(),
        description=description + " Regional variants (en-GB) map to "
        f"their language; any other value is a 400. Default locale: {default_locale()}.",
    )


ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    str,
    location=OpenApiParameter.HEADER,
    description="Used when `locale` is not given: the best match among " + ", ".join(content_languages()) + ".",
)
CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        str,
        location=OpenApiParameter.HEADER,
        description="ETag of your copy: answers 304 when it is still current.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        str,
        location=OpenApiParameter.HEADER,
        description="HTTP date; answers 304 when nothing changed since (ignored with If-None-Match).",
    ),
]


def limit_parameter(default: int, maximum: int) -> OpenApiParameter:
    return OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
        description=f"Items per page, 1 to {maximum}; default {default}.",
    )


OFFSET = OpenApiParameter(
    "offset",
    {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER, "default": 0},
    description=f"Items to skip, 0 to {MAX_INTEGER}; default 0.",
)
SLUG = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120}
TOPIC = OpenApiParameter(
    "topic", SLUG, description="Only items with this topic (slug; the same in every language)."
)
REGION = OpenApiParameter(
    "region", SLUG, description="Only items in this region or a region inside it (slug)."
)


def fields_parameter(names: list[str]) -> OpenApiParameter:
    return OpenApiParameter(
        "fields",
        {"type": "array", "items": {"type": "string", "enum": names}},
        style="form",
        explode=False,
        description="Comma-separated subset of fields to answer; id, type, locale and fallback (and in a "
        "detail translation_outdated) are always included. An unknown field is a 400.",
    )


def filter_parameter(spec) -> OpenApiParameter:
    openapi_type = {"string": str, "boolean": bool, "integer": int}[spec.openapi_type]
    if spec.openapi_format == "date":
        openapi_type = OpenApiTypes.DATE
    return OpenApiParameter(
        spec.name, openapi_type, enum=list(spec.enum) if spec.enum else None, description=spec.description
    )


# Properties every answer carries, `fields` or not; all others are present exactly when `fields` is not
# given or names them, so they are not `required` (a partial answer is still a valid answer).
ALWAYS_PRESENT = (*ALWAYS_IN_DETAIL,)
# component name -> its always-present properties (the postprocessing hook makes only these required)
PARTIAL_COMPONENTS: dict[str, list[str]] = {}
PARTIAL_NOTE = (
    "Without `fields` every property is present. With `fields` only the properties it names are, "
    "besides {always}, which every answer carries."
)


def item_serializer(api: ContentTypeAPI, *, detail: bool) -> type[serializers.Serializer]:
    fields = detail_fields(api) if detail else list_fields(api)
    attrs = {name: copy.deepcopy(field.schema) for name, field in fields.items()}
    attrs["type"] = constant_field(api.name)()
    always = [name for name in ALWAYS_PRESENT if name in attrs]
    attrs["__doc__"] = f"One of the {api.title}{' in full' if detail else ' in a list'}. " + PARTIAL_NOTE.format(
        always=", ".join(f"`{name}`" for name in always)
    )
    component = f"{api.schema_name}{'Detail' if detail else 'Item'}"
    PARTIAL_COMPONENTS[component] = always
    serializer = type(f"{component}Serializer", (serializers.Serializer,), attrs)
    return extend_schema_serializer(component_name=component)(serializer)


def list_serializer(api: ContentTypeAPI) -> type[serializers.Serializer]:
    attrs = {
        "count": serializers.IntegerField(help_text="Items matching, over all pages"),
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null"),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null"),
        "results": item_serializer(api, detail=False)(many=True),
    }
    return type(f"{api.schema_name}ListSerializer", (serializers.Serializer,), attrs)


def documented(view_class, **schema_kwargs):
    """The view class with its own `get` carrying the schema (the inherited `get` is shared by all types)."""
    base_get = view_class.get

    def get(self, request, *args, **kwargs):
        return base_get(self, request, *args, **kwargs)

    return type(view_class.__name__, (view_class,), {"get": extend_schema(**schema_kwargs)(get)})


def document_views(api: ContentTypeAPI, list_view, detail_view):
    bad_list = error("A parameter is invalid or unknown; `field` names it.")
    list_view = documented(
        list_view,
        operation_id=f"{api.name}_list",
        summary=f"List {api.title}",
        description=f"{api.description}\n\nOrder: {api.ordering_description}",
        tags=[api.name],
        parameters=[
            locale_parameter("Language of the items."),
            ACCEPT_LANGUAGE,
            limit_parameter(DEFAULT_LIMIT, MAX_LIMIT),
            OFFSET,
            TOPIC,
            REGION,
            fields_parameter(list(list_fields(api))),
            *[filter_parameter(spec) for spec in api.filter_parameters],
            *CONDITIONAL_HEADERS,
        ],
        responses={200: list_serializer(api), 304: NOT_MODIFIED, 400: bad_list, **KEYED_ERRORS},
    )
    detail_view = documented(
        detail_view,
        operation_id=f"{api.name}_detail",
        summary=f"One of the {api.title}",
        description=f"{api.description}\n\nThe id names a page in one language. Without `locale` the page "
        "answers in "
        "its own language; with `locale` it answers its translation into that language (a different "
        "id), or the source with `fallback: true` when there is no published, fully translated one.",
        tags=[api.name],
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1},
                location=OpenApiParameter.PATH,
                description="Page id; an id no page has (also one beyond the database's integer range) is a 404.",
            ),
            locale_parameter("Answer this page's translation into this language."),
            fields_parameter(list(detail_fields(api))),
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: item_serializer(api, detail=True),
            304: NOT_MODIFIED,
            400: error("A parameter is invalid or unknown."),
            404: error("No such id of this type, or the key may not see it."),
            **KEYED_ERRORS,
        },
    )
    return list_view, detail_view


def search_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": 200},
            required=True,
            description="Search text, 1 to 200 characters after trimming (otherwise 400 naming q). A part in "
            "double quotes (`\"lokale Vernetzung\" Westfalen`) must occur as that phrase (case, umlauts and "
            "endings aside); the editors' synonyms and abbreviations apply to the other words.",
        ),
        locale_parameter("Language to search in."),
        ACCEPT_LANGUAGE,
        OpenApiParameter(
            "type",
            {"type": "array", "items": {"type": "string", "enum": list(type_names())}},
            explode=True,
            description="Only these content types; repeat the parameter (or separate "
            "with commas) for several.",
        ),
        TOPIC,
        REGION,
        OpenApiParameter(
            "from",
            OpenApiTypes.DATE,
            description=search_date_description(),
        ),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Only items dated on or before this day."),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            description=f"Results per page, 1 to 50; default 10. offset + limit at most {MAX_WINDOW} "
            "(otherwise 400 naming offset).",
        ),
        OpenApiParameter(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": MAX_WINDOW - 1, "default": 0},
            description=f"Results to skip; default 0. offset + limit at most {MAX_WINDOW} (otherwise 400 "
            "naming offset): deeper pages are not served, narrow the search instead.",
        ),
        *CONDITIONAL_HEADERS,
    ]


def suggest_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": 100},
            required=True,
            description="What the visitor typed so far, 1 to 100 characters.",
        ),
        locale_parameter("Language to suggest in."),
        ACCEPT_LANGUAGE,
        limit_parameter(8, 20),
    ]


RESPONSE_HEADERS = {
    "ETag": "Validator of this answer; send it back as If-None-Match.",
    "Last-Modified": "When the content behind this answer last changed.",
    "Cache-Control": "private, no-cache: keep it if you like, revalidate before use.",
    "X-RateLimit-Limit": "Requests allowed per window for this key.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "Seconds until the window resets.",
}


def enum_names() -> dict[str, list[str]]:
    """Stable names for the choice sets of the schema (spectacular would number colliding ones)."""
    from frontend_api.changes import REASONS as CHANGE_REASONS
    from plugins.shared.models import Organisation, Region

    names: dict[str, list[str]] = {
        "LocaleEnum": content_languages(),
        "ContentTypeEnum": list(type_names()),
        "OrganisationKindEnum": list(Organisation.Kind.values),
        "RegionKindEnum": list(Region.Kind.values),
        "SearchEngineEnum": ["opensearch", "database"],
        "HealthStatusEnum": ["ok", "degraded"],
        "CheckStatusEnum": ["ok", "unavailable"],
        "ChangeEventEnum": list(CHANGE_REASONS),
        "ChangeReasonEnum": sorted({reason for reasons in CHANGE_REASONS.values() for reason in reasons}),
    }
    for value in schema.CONSTANT_FIELDS:
        names[f"{''.join(part.capitalize() for part in value.split('_'))}TypeEnum"] = [value]
    for api in registry.content_types():
        for name, field in api.fields.items():
            if isinstance(field.schema, serializers.ChoiceField):
                choices = list(field.schema.choices)
                if choices not in names.values():
                    names[f"{api.schema_name}{name.title().replace('_', '')}Enum"] = choices
    return names


def only_partner_api(endpoints: list) -> list:
    """Preprocessing hook: the partner API's endpoints, not the admin's or Wagtail's."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def describe_what_spectacular_cannot(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: what the server does that spectacular has no words for -- the caching,
    rate-limit and Retry-After headers, and that an optional query parameter given empty (`topic=`,
    as HTML forms send them) counts as not given (`allowEmptyValue`), and that items answered with
    `fields` carry only the properties it names (so only the always-present ones are `required`)."""
    for name, always in PARTIAL_COMPONENTS.items():
        component = result.get("components", {}).get("schemas", {}).get(name)
        if component is not None:
            component["required"] = [prop for prop in component.get("required", []) if prop in always]
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            for parameter in query.values():
                if not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            if "from" in query and "to" in query:
                query["to"]["description"] += " Not before `from` (otherwise 400 naming to)."
            keyed = bool(operation.get("security"))
            for status, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                if status in ("200", "304") and keyed:
                    uncached = "Cache-Control" in headers  # declared by the view: no-store, no validators
                    for name, description in RESPONSE_HEADERS.items():
                        if uncached and name in ("ETag", "Last-Modified", "Cache-Control"):
                            continue
                        headers[name] = {"schema": {"type": "string"}, "description": description}
                if status == "429":
                    headers["Retry-After"] = {
                        "schema": {"type": "integer", "minimum": 1},
                        "description": "Seconds to wait before the next request.",
                    }
                if not headers:
                    del response["headers"]
    return result


def search_date_description() -> str:
    meanings = "; ".join(f"{api.name}: {api.date_meaning}" for api in registry.content_types() if api.date_meaning)
    return "Only items dated on or after this day" + (f" ({meanings})." if meanings else ".")


def api_description() -> str:
    titles = [api.title for api in registry.content_types()]
    content = ", ".join(titles[:-1]) + f" and {titles[-1]}" if len(titles) > 1 else "".join(titles)
    return API_DESCRIPTION.replace("{content}", content[:1].upper() + content[1:], 1)


def describe_content_types(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the API's description, which names the content types served."""
    result.setdefault("info", {})["description"] = api_description()
    return result
