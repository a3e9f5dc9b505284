from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from plugins.shared.models import ContentIndexPage, ContentPage, edit_tabs


class ExperienceReportIndexPage(ContentIndexPage):
    subpage_types = ["reports.ExperienceReportPage"]

    class Meta:
        verbose_name = _("Experience report index")


class ExperienceReportPage(ContentPage):
    author_name = models.CharField(
        _("Author"), max_length=255, blank=True, help_text=_("Person or team who wrote the report.")
    )
    author_organisation = models.ForeignKey(
        "shared.Organisation", verbose_name=_("Author (organisation)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    publication_date = models.DateField(_("Published on"))
    quote_text = models.TextField(_("Quote"), blank=True)
    quote_attribution = models.CharField(_("Quote by"), max_length=255, blank=True)

    parent_page_types = ["reports.ExperienceReportIndexPage"]
    subpage_types: list = []

    search_fields = ContentPage.search_fields + [
        index.SearchField("author_name"), index.SearchField("quote_text"), index.FilterField("publication_date"),
    ]

    detail_panels = [
        MultiFieldPanel([FieldPanel("author_name"), FieldPanel("author_organisation")], heading=_("Authorship")),
        FieldPanel("publication_date"),
        MultiFieldPanel([FieldPanel("quote_text"), FieldPanel("quote_attribution")], heading=_("Quote")),
        InlinePanel("related_projects", label=_("Related projects")),
        InlinePanel("related_funding", label=_("Related funding")),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = _("Experience report")
        verbose_name_plural = _("Experience reports")

    def clean(self):
        super().clean()
        if not self.author_name and not self.author_organisation_id:
            raise ValidationError({"author_name": _("Please give an author or an organisation.")})
        if self.quote_attribution and not self.quote_text:
            raise ValidationError({"quote_text": _("The quote is missing for this attribution.")})


class ReportProject(Orderable):
    page = ParentalKey(ExperienceReportPage, on_delete=models.CASCADE, related_name="related_projects")
    project = models.ForeignKey("projects.ProjectPage", verbose_name=_("Project"), on_delete=models.CASCADE,
                                related_name="+")

    panels = [FieldPanel("project")]


class ReportFunding(Orderable):
    page = ParentalKey(ExperienceReportPage, on_delete=models.CASCADE, related_name="related_funding")
    funding_page = models.ForeignKey("funding.FundingPage", verbose_name=_("Funding"), on_delete=models.CASCADE,
                                     related_name="+")

    panels = [FieldPanel("funding_page")]
