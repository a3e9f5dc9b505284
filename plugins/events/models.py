import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
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
    title = models.CharField("Titel", max_length=255)
    slug = models.SlugField("Kürzel", max_length=120)
    description = models.TextField("Beschreibung", blank=True)

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "Veranstaltungsreihe"
        verbose_name_plural = "Veranstaltungsreihen"
        ordering = ["title"]

    def __str__(self):
        return self.title


class EventIndexPage(ContentIndexPage):
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = "Veranstaltungsübersicht"


class EventPage(ContentPage):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", "vor Ort"
        ONLINE = "online", "online"
        HYBRID = "hybrid", "hybrid"

    start = models.DateTimeField("Beginn", help_text="Ortszeit Berlin")
    end = models.DateTimeField("Ende", null=True, blank=True, help_text="Ortszeit Berlin")
    all_day = models.BooleanField("Ganztägig", default=False)
    event_format = models.CharField("Format", max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.CharField("Veranstaltungsort", max_length=255, blank=True)
    address = models.CharField("Adresse", max_length=255, blank=True)
    online_access = models.TextField(
        "Online-Zugang", blank=True, help_text="z. B. Plattform und wie man den Link erhält"
    )
    organiser = models.ForeignKey(
        "shared.Organisation", verbose_name="Veranstalter", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    moderation = models.CharField("Moderation", max_length=255, blank=True)
    series = models.ForeignKey(
        EventSeries, verbose_name="Reihe", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    registration_url = models.URLField("Anmeldung (Link)", blank=True)
    registration_deadline = models.DateTimeField("Anmeldeschluss", null=True, blank=True)
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name="Ablauf", blank=True)
    documentation = StreamField(DocumentationBlock(), verbose_name="Dokumentation", blank=True,
                                help_text="Wird nach der Veranstaltung veröffentlicht.")
    attachments = StreamField([("attachment", AttachmentBlock())], verbose_name="Anlagen", blank=True)

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list = []
    override_translatable_fields = [SynchronizedField("address"), SynchronizedField("moderation")]

    search_fields = ContentPage.search_fields + [
        index.SearchField("venue"), index.SearchField("agenda"), index.SearchField("documentation"),
        index.FilterField("start"), index.FilterField("end"),
    ]

    detail_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("all_day")], heading="Termin"
        ),
        MultiFieldPanel(
            [FieldPanel("event_format"), FieldPanel("venue"), FieldPanel("address"), FieldPanel("online_access")],
            heading="Ort und Format",
        ),
        FieldPanel("organiser"),
        FieldPanel("moderation"),
        FieldPanel("series"),
        MultiFieldPanel([FieldPanel("registration_url"), FieldPanel("registration_deadline")], heading="Anmeldung"),
        FieldPanel("agenda"),
        FieldPanel("documentation"),
        FieldPanel("attachments"),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = "Veranstaltung"
        verbose_name_plural = "Veranstaltungen"

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
            errors["end"] = "Das Ende der Veranstaltung liegt vor ihrem Beginn."
        if self.start and self.registration_deadline and self.registration_deadline > self.start:
            errors["registration_deadline"] = "Der Anmeldeschluss liegt nach dem Beginn der Veranstaltung."
        if self.event_format in (self.Format.IN_PERSON, self.Format.HYBRID) and not (self.venue or self.address):
            errors["venue"] = "Für eine Veranstaltung vor Ort bitte Ort oder Adresse angeben."
        if self.event_format in (self.Format.ONLINE, self.Format.HYBRID) and not (
            self.online_access or self.registration_url
        ):
            errors["online_access"] = "Für eine Online-Veranstaltung bitte den Zugang oder einen Anmeldelink angeben."
        if errors:
            raise ValidationError(errors)
