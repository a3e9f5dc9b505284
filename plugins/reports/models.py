from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from plugins.shared.models import ContentIndexPage, ContentPage, edit_tabs


class ExperienceReportIndexPage(ContentIndexPage):
    subpage_types = ["reports.ExperienceReportPage"]

    class Meta:
        verbose_name = "Übersicht Erfahrungsberichte"


class ExperienceReportPage(ContentPage):
    author_name = models.CharField(
        "Autor/in", max_length=255, blank=True, help_text="Person oder Team, das den Bericht geschrieben hat."
    )
    author_organisation = models.ForeignKey(
        "shared.Organisation", verbose_name="Autor (Organisation)", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    publication_date = models.DateField("Veröffentlicht am")
    quote_text = models.TextField("Zitat", blank=True)
    quote_attribution = models.CharField("Zitat von", max_length=255, blank=True)

    parent_page_types = ["reports.ExperienceReportIndexPage"]
    subpage_types: list = []

    search_fields = ContentPage.search_fields + [
        index.SearchField("author_name"), index.SearchField("quote_text"), index.FilterField("publication_date"),
    ]

    detail_panels = [
        MultiFieldPanel([FieldPanel("author_name"), FieldPanel("author_organisation")], heading="Autorschaft"),
        FieldPanel("publication_date"),
        MultiFieldPanel([FieldPanel("quote_text"), FieldPanel("quote_attribution")], heading="Zitat"),
        InlinePanel("related_projects", label="Zugehörige Projekte"),
        InlinePanel("related_funding", label="Zugehörige Förderungen"),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = "Erfahrungsbericht"
        verbose_name_plural = "Erfahrungsberichte"

    def clean(self):
        super().clean()
        if not self.author_name and not self.author_organisation_id:
            raise ValidationError({"author_name": "Bitte eine Autorin, einen Autor oder eine Organisation angeben."})
        if self.quote_attribution and not self.quote_text:
            raise ValidationError({"quote_text": "Zur Quellenangabe fehlt das Zitat."})


class ReportProject(Orderable):
    page = ParentalKey(ExperienceReportPage, on_delete=models.CASCADE, related_name="related_projects")
    project = models.ForeignKey("projects.ProjectPage", verbose_name="Projekt", on_delete=models.CASCADE,
                                related_name="+")

    panels = [FieldPanel("project")]


class ReportFunding(Orderable):
    page = ParentalKey(ExperienceReportPage, on_delete=models.CASCADE, related_name="related_funding")
    funding_page = models.ForeignKey("funding.FundingPage", verbose_name="Förderung", on_delete=models.CASCADE,
                                     related_name="+")

    panels = [FieldPanel("funding_page")]
