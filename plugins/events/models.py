import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from plugins.events.blocks import AgendaItemBlock, DocumentationBlock
from plugins.shared.blocks import AttachmentBlock
from plugins.shared.models import ContentIndexPage, ContentPage, edit_tabs

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


class EventSeries(TranslatableMixin, models.Model):
    title = models.CharField(_("Title"), max_length=255)
    slug = models.SlugField(_("Slug"), max_length=120)
    description = models.TextField(_("Description"), blank=True)

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("Event series")
        verbose_name_plural = pgettext_lazy("plural", "Event series")
        ordering = ["title"]

    def __str__(self):
        return self.title


class EventIndexPage(ContentIndexPage):
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("Event index")


class EventPage(ContentPage):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    start = models.DateTimeField(_("Start"), help_text=_("Local time in Berlin"))
    end = models.DateTimeField(_("End"), null=True, blank=True, help_text=_("Local time in Berlin"))
    all_day = models.BooleanField(_("All day"), default=False)
    event_format = models.CharField(_("Format"), max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.CharField(_("Venue"), max_length=255, blank=True)
    address = models.CharField(_("Address"), max_length=255, blank=True)
    online_access = models.TextField(
        _("Online access"), blank=True, help_text=_("e.g. the platform and how to get the link")
    )
    organiser = models.ForeignKey(
        "shared.Organisation", verbose_name=_("Organiser"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    moderation = models.CharField(_("Host"), max_length=255, blank=True)
    series = models.ForeignKey(
        EventSeries, verbose_name=_("Series"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    registration_url = models.URLField(_("Registration (link)"), blank=True)
    registration_deadline = models.DateTimeField(_("Registration deadline"), null=True, blank=True)
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("Programme"), blank=True)
    documentation = StreamField(DocumentationBlock(), verbose_name=_("Documentation"), blank=True,
                                help_text=_("Published after the event."))
    attachments = StreamField([("attachment", AttachmentBlock())], verbose_name=_("Attachments"), blank=True)

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list = []
    override_translatable_fields = [SynchronizedField("address"), SynchronizedField("moderation")]

    search_fields = ContentPage.search_fields + [
        index.SearchField("venue"), index.SearchField("agenda"), index.SearchField("documentation"),
        index.FilterField("start"), index.FilterField("end"),
    ]

    detail_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("all_day")], heading=_("Date and time")
        ),
        MultiFieldPanel(
            [FieldPanel("event_format"), FieldPanel("venue"), FieldPanel("address"), FieldPanel("online_access")],
            heading=_("Place and format"),
        ),
        FieldPanel("organiser"),
        FieldPanel("moderation"),
        FieldPanel("series"),
        MultiFieldPanel(
            [FieldPanel("registration_url"), FieldPanel("registration_deadline")], heading=_("Registration")
        ),
        FieldPanel("agenda"),
        FieldPanel("documentation"),
        FieldPanel("attachments"),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = _("Event")
        verbose_name_plural = _("Events")

    @property
    def effective_end(self) -> datetime.datetime:
        if self.end:
            return self.end
        if self.all_day:
            local = timezone.localtime(self.start, BERLIN)
            return datetime.datetime.combine(local.date(), datetime.time.max, tzinfo=BERLIN)
        return self.start

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The event ends before it starts.")
        if self.start and self.registration_deadline and self.registration_deadline > self.start:
            errors["registration_deadline"] = _("The registration deadline is after the start of the event.")
        if self.event_format in (self.Format.IN_PERSON, self.Format.HYBRID) and not (self.venue or self.address):
            errors["venue"] = _("For an in-person event, please give a venue or an address.")
        if self.event_format in (self.Format.ONLINE, self.Format.HYBRID) and not (
            self.online_access or self.registration_url
        ):
            errors["online_access"] = _("For an online event, please give the access details or a registration link.")
        if errors:
            raise ValidationError(errors)
