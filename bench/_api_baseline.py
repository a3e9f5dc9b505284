"""Wagtail API v2 configured on the hub's pages with the fields the partner API answers (benchmark only)."""

from wagtail.api import APIField
from wagtail.images.api.fields import ImageRenditionField

from plugins.events.models import EventPage
from plugins.funding.models import FundingPage
from plugins.projects.models import ProjectPage
from plugins.reports.models import ExperienceReportPage

COMMON = [
    APIField("teaser"),
    APIField("lead_image"),
    APIField("lead_image_alt"),
    APIField("lead_image_credit"),
    APIField("lead_image_480", serializer=ImageRenditionField("width-480", source="lead_image")),
    APIField("body"),
    APIField("topic_links"),
    APIField("region_links"),
    APIField("contact_links"),
]
EventPage.api_fields = [
    *COMMON,
    *(
        APIField(name)
        for name in (
            "start",
            "end",
            "all_day",
            "event_format",
            "venue",
            "address",
            "series",
            "registration_url",
            "registration_deadline",
            "online_access",
            "moderation",
            "organiser",
            "agenda",
            "documentation",
            "attachments",
        )
    ),
]
ProjectPage.api_fields = [
    *COMMON,
    *(APIField(name) for name in ("status", "start_date", "end_date", "goals")),
]
ExperienceReportPage.api_fields = [*COMMON, APIField("author_name"), APIField("publication_date")]
FundingPage.api_fields = [
    *COMMON,
    *(
        APIField(name)
        for name in ("kind", "programme", "amount_min", "amount_max", "rolling", "application_url")
    ),
]

# The list fields of the partner API's event list, as Wagtail API v2's `fields` parameter.
EVENT_LIST_FIELDS = (
    "teaser,lead_image,lead_image_alt,lead_image_480,topic_links,region_links,start,end,all_day,"
    "event_format,venue,address,series,registration_url,registration_deadline"
)
