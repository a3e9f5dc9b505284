from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
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
        verbose_name = _("Project index")


class ProjectPage(ContentPage):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")

    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    start_date = models.DateField(_("Start"), null=True, blank=True)
    end_date = models.DateField(_("End"), null=True, blank=True)
    goals = StreamField(
        [("goal", blocks.CharBlock(label=_("Goal"), max_length=500))], verbose_name=_("Goals"), blank=True,
    )

    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types: list = []

    search_fields = ContentPage.search_fields + [index.SearchField("goals"), index.FilterField("status")]

    detail_panels = [
        FieldPanel("status"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Project period")),
        FieldPanel("goals"),
        InlinePanel("participants", label=_("Participating organisations")),
        InlinePanel("funders", label=_("Funders")),
        InlinePanel("external_links", label=_("Further links")),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = _("Project")
        verbose_name_plural = _("Projects")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The project ends before it starts.")})
        if self.status == self.Status.COMPLETED and not self.end_date:
            raise ValidationError({"end_date": _("A completed project needs an end date.")})


class ProjectParticipant(Orderable):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead organisation")
        PARTNER = "partner", _("Partner")
        SUPPORTER = "supporter", _("Supporter")

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "shared.Organisation", verbose_name=_("Organisation"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("Role"), max_length=16, choices=Role.choices, default=Role.PARTNER)

    panels = [FieldPanel("organisation"), FieldPanel("role")]


class ProjectFunder(Orderable):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="funders")
    organisation = models.ForeignKey(
        "shared.Organisation", verbose_name=_("Funders"), on_delete=models.CASCADE, related_name="+"
    )
    funding_page = models.ForeignKey(
        "funding.FundingPage", verbose_name=_("Funding opportunity in the hub"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [FieldPanel("organisation"), FieldPanel("funding_page")]


class ProjectLink(Orderable):
    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="external_links")
    title = models.CharField(_("Link text"), max_length=255)
    url = models.URLField(_("Address"))

    panels = [FieldPanel("title"), FieldPanel("url")]
