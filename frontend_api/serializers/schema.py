"""Serializers that document the JSON shapes of the partner API in its OpenAPI schema.

Answers are built by the plain functions in this package (fast, batch-loaded); these classes only
describe them, and tests/frontend_api/test_schema.py validates real answers against the schema.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frontend_api.conf import api_setting
from plugins.shared.models import Organisation, Region

CONSTANT_FIELDS: dict[str, type[serializers.CharField]] = {}


def constant_field(value: str) -> type[serializers.CharField]:
    """A string field that always holds `value` (documented as an inline one-value enum)."""
    if value not in CONSTANT_FIELDS:
        CONSTANT_FIELDS[value] = extend_schema_field({"type": "string", "enum": [value]})(
            type(f"Constant{value.title()}Field", (serializers.CharField,), {})
        )
    return CONSTANT_FIELDS[value]


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable machine-readable code, e.g. invalid_parameter, "
        "unknown_parameter, missing_parameter, not_authenticated, invalid_key, "
        "key_revoked, key_expired, partner_inactive, not_found, "
        "method_not_allowed, rate_limited, search_unavailable, cursor_expired"
    )
    detail = serializers.CharField(help_text="What went wrong, for the developer: expected and given values")
    field = serializers.CharField(required=False, help_text="The query parameter at fault, when there is one")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class RenditionSerializer(serializers.Serializer):
    webp = serializers.URLField()
    jpeg = serializers.URLField()


def renditions_serializer() -> type[serializers.Serializer]:
    widths = api_setting("IMAGE_WIDTHS")
    fields = {
        str(width): RenditionSerializer(help_text=f"At most {width} px wide (never upscaled)")
        for width in widths
    }
    return type("RenditionsSerializer", (serializers.Serializer,), fields)


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    alt = serializers.CharField(help_text="Alternative text; empty for a decorative image")
    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True, help_text="Image credit to show with the image")
    width = serializers.IntegerField(help_text="Width of the original in pixels")
    height = serializers.IntegerField(help_text="Height of the original in pixels")
    renditions = renditions_serializer()()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()
    size = serializers.IntegerField(allow_null=True, help_text="Bytes")
    content_type = serializers.CharField(help_text="MIME type, e.g. application/pdf")


class AttachmentSerializer(DocumentSerializer):
    description = serializers.CharField(allow_blank=True)


class PageReferenceSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="Content type of the page: the name of its list in this API, /api/v1/{type}/"
    )
    id = serializers.IntegerField()
    locale = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True)
    api_url = serializers.URLField(allow_null=True, help_text="The page's detail in this API")


class LinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True)
    page = PageReferenceSerializer(allow_null=True, help_text="Set when the link points at a page of the hub")


class EmbedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Address of the video, e.g. on YouTube or Vimeo")


class TranslationSerializer(serializers.Serializer):
    locale = serializers.CharField()
    id = serializers.IntegerField()


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField(help_text="The same in every language; use it for the topic filter")
    name = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField(help_text="The same in every language; use it for the region filter")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Region.Kind.values)
    parent = serializers.SlugField(allow_null=True, help_text="Slug of the region it lies in")


class OrganisationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organisation.Kind.values)
    website = serializers.URLField(allow_null=True)


class OrganisationSerializer(OrganisationSummarySerializer):
    description = serializers.CharField(allow_blank=True)
    region = RegionSerializer(allow_null=True)
    logo = ImageSerializer(allow_null=True)


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    organisation = OrganisationSummarySerializer(allow_null=True)



class HealthChecksSerializer(serializers.Serializer):
    database = serializers.ChoiceField(choices=["ok", "unavailable"])
    search = serializers.ChoiceField(choices=["ok", "unavailable"])
    pending_index_updates = serializers.IntegerField(
        allow_null=True, help_text="Queued search index updates not yet applied"
    )
    search_drift = serializers.IntegerField(
        allow_null=True,
        min_value=0,
        help_text="Documents the last index reconciliation found missing, stale or extra and not yet repaired; "
        "0 when the index matches the database",
    )


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    checks = HealthChecksSerializer()


class SearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    locale = serializers.CharField()
    title = serializers.CharField()
    teaser = serializers.CharField(allow_blank=True)
    url = serializers.URLField(allow_null=True)
    highlight = serializers.CharField(
        allow_blank=True, help_text="Text snippet with matches in <mark>…</mark>"
    )
    score = serializers.FloatField(
        help_text="Relevance; compare only within one answer. A promoted result carries the best score of "
        "the answer's other results (0 when there are none)"
    )
    promoted = serializers.BooleanField(
        help_text="Pinned to this query by the hub's editors: promoted results come first (on the first page, "
        "offset 0), in the editors' order, and are not repeated further down or on later pages"
    )


class FacetsSerializer(serializers.Serializer):
    type = serializers.DictField(child=serializers.IntegerField(), help_text="Hits per content type")
    topic = serializers.DictField(child=serializers.IntegerField(), help_text="Hits per topic slug")
    region = serializers.DictField(child=serializers.IntegerField(), help_text="Hits per region slug")
    year = serializers.DictField(child=serializers.IntegerField(), required=False, help_text="Hits per year")


class SearchSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    engine = serializers.ChoiceField(choices=["opensearch", "database"])
    results = SearchResultSerializer(many=True)
    facets = FacetsSerializer()
    suggestion = serializers.CharField(
        allow_null=True,
        help_text="A corrected query (\"did you mean\") when this one found fewer than 3 results and the "
        "correction finds more; null otherwise",
    )


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()


class SuggestSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
