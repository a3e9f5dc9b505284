from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from plugins.shared.models import ContentIndexPage, ContentPage, edit_tabs


class JobOfferIndexPage(ContentIndexPage):
    subpage_types = ["joboffers.JobOfferPage"]

    class Meta:
        verbose_name = "Übersicht Stellenangebote"


class JobOfferPage(ContentPage):
    employer = models.ForeignKey(
        "shared.Organisation", verbose_name="Arbeitgeber", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    workplace = models.CharField("Arbeitsort", max_length=255)
    closes_on = models.DateField("Bewerbungsschluss")

    parent_page_types = ["joboffers.JobOfferIndexPage"]
    subpage_types: list = []

    search_fields = ContentPage.search_fields + [index.SearchField("workplace")]
    detail_panels = [FieldPanel("employer"), FieldPanel("workplace"), FieldPanel("closes_on")]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = "Stellenangebot"
        verbose_name_plural = "Stellenangebote"
