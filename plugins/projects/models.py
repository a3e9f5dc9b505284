from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from plugins.shared.models import ContentIndexPage, ContentPage, edit_tabs


class ProjectIndexPage(ContentIndexPage):
    subpage_types = ["projects.ProjectPage"]

    class Meta:
        verbose_name = "Projektübersicht"


class ProjectPage(ContentPage):
    class Status(models.TextChoices):
        PLANNED = "planned", "geplant"
        RUNNING = "running", "laufend"
        COMPLETED = "completed", "abgeschlossen"

    status = models.CharField("Status", max_length=16, choices=Status.choices, default=Status.RUNNING)
    start_date = models.DateField("Beginn", null=True, blank=True)
    end_date = models.DateField("Ende", null=True, blank=True)
    goals = StreamField(
        [("goal", blocks.CharBlock(label="Ziel", max_length=500))], verbose_name="Ziele", blank=True,
    )

    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types: list = []

    search_fields = ContentPage.search_fields + [index.SearchField("goals"), index.FilterField("status")]

    detail_panels = [
        FieldPanel("status"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading="Laufzeit"),
        FieldPanel("goals"),
        InlinePanel("participants", label="Beteiligte Organisationen"),
        InlinePanel("funders", label="Förderer"),
        InlinePanel("external_links", label="Weiterführende Links"),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = "Projekt"
        verbose_name_plural = "Projekte"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Das Projektende liegt vor dem Projektbeginn."})
        if self.status == self.Status.COMPLETED and not self.end_date:
            raise ValidationError({"end_date": "Ein abgeschlossenes Projekt braucht ein Enddatum."})


class ProjectParticipant(Orderable):
    class Role(models.TextChoices):
        LEAD = "lead", "Projektträger"
        PARTNER = "partner", "Partner"
        SUPPORTER = "supporter", "Unterstützer"

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "shared.Organisation", verbose_name="Organisation", on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField("Rolle", max_length=16, choices=Role.choices, default=Role.PARTNER)

    panels = [FieldPanel("organisation"), FieldPanel("role")]


class ProjectFunder(Orderable):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="funders")
    organisation = models.ForeignKey(
        "shared.Organisation", verbose_name="Förderer", on_delete=models.CASCADE, related_name="+"
    )
    funding_page = models.ForeignKey(
        "funding.FundingPage", verbose_name="Förderprogramm im Hub", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [FieldPanel("organisation"), FieldPanel("funding_page")]


class ProjectLink(Orderable):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="external_links")
    title = models.CharField("Linktext", max_length=255)
    url = models.URLField("Adresse")

    panels = [FieldPanel("title"), FieldPanel("url")]
