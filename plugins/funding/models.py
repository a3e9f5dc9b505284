import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from plugins.shared.forms import ContentPageForm
from plugins.shared.models import ContentIndexPage, ContentPage, edit_tabs


class FundingStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPCOMING = "upcoming", _("opening soon")
    CLOSED = "closed", _("closed")


# The one rule for a funding page's status, first match wins; the facts come from its rounds on a day.
# `status_from` applies it to a page in memory (a draft), `selectors.with_status` in SQL (lists, filters).
STATUS_RULES = (
    (FundingStatus.OPEN, ("rolling", "open_round")),
    (FundingStatus.UPCOMING, ("later_round",)),
)


def status_from(facts: set[str]) -> str:
    for status, any_of in STATUS_RULES:
        if facts.intersection(any_of):
            return status
    return FundingStatus.CLOSED


class FundingPageForm(ContentPageForm):
    """Checks the application rounds together, which no single round can do on its own."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("deadlines")
        if formset is None or not hasattr(formset, "cleaned_data"):
            return cleaned
        rounds = [
            data for data in formset.cleaned_data
            if data and not data.get("DELETE") and data.get("closes_on")
        ]
        closes = [data["closes_on"] for data in rounds]
        if closes != sorted(closes):
            self.add_error(
                None,
                _("The funding rounds are not in chronological order: please sort them by deadline, earliest first."),
            )
        if not rounds and not cleaned.get("rolling"):
            self.add_error("rolling", _("Please give at least one funding round with a deadline or choose "
                                        "“Rolling applications”."))
        return cleaned


class FundingIndexPage(ContentIndexPage):
    subpage_types = ["funding.FundingPage"]

    class Meta:
        verbose_name = _("Funding index")


class FundingPage(ContentPage):
    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        PRIZE = "prize", _("Prize")
        LOAN = "loan", _("Loan")
        SCHOLARSHIP = "scholarship", _("Scholarship")
        IN_KIND = "in_kind", _("Support in kind")

    funder = models.ForeignKey(
        "shared.Organisation", verbose_name=_("Funder"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    programme = models.CharField(_("Funding programme"), max_length=255, blank=True)
    kind = models.CharField(_("Type of funding"), max_length=16, choices=Kind.choices, default=Kind.GRANT)
    amount_min = models.DecimalField(_("Amount from (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    amount_max = models.DecimalField(_("Amount up to (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    cofinancing_percent = models.PositiveSmallIntegerField(
        _("Own contribution (%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("Required own contribution or co-financing, in per cent"),
    )
    eligible_applicants = models.TextField(_("Eligible applicants"), blank=True)
    rolling = models.BooleanField(_("Rolling applications"), default=False,
                                  help_text=_("Applications are possible at any time (no fixed deadlines)."))
    application_url = models.URLField(_("Application (link)"), blank=True)

    base_form_class = FundingPageForm
    parent_page_types = ["funding.FundingIndexPage"]
    subpage_types: list = []

    search_fields = ContentPage.search_fields + [
        index.SearchField("programme"), index.SearchField("eligible_applicants"), index.FilterField("kind"),
    ]

    detail_panels = [
        FieldPanel("funder"),
        FieldPanel("programme"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("amount_min"), FieldPanel("amount_max")], heading=_("Amount")),
        FieldPanel("cofinancing_percent"),
        FieldPanel("eligible_applicants"),
        MultiFieldPanel(
            [FieldPanel("rolling"), InlinePanel("deadlines", label=_("Funding round"))], heading=_("Deadlines")
        ),
        FieldPanel("application_url"),
        InlinePanel("related_projects", label=_("Funded projects")),
    ]
    edit_handler = edit_tabs(ContentPage.content_panels, detail_panels)

    class Meta:
        verbose_name = _("Funding opportunity")
        verbose_name_plural = _("Funding opportunities")

    def status_on(self, day: datetime.date) -> str:
        rounds = list(self.deadlines.all())
        facts = {
            "rolling": self.rolling,
            "open_round": any(r.is_open_on(day) for r in rounds),
            "later_round": any(r.opens_later(day) for r in rounds),
        }
        return status_from({fact for fact, holds in facts.items() if holds})

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def next_deadline(self) -> datetime.date | None:
        today = timezone.localdate()
        upcoming = [r.closes_on for r in self.deadlines.all() if r.closes_on >= today]
        return min(upcoming) if upcoming else None

    def clean(self):
        super().clean()
        if self.amount_min is not None and self.amount_max is not None and self.amount_min > self.amount_max:
            raise ValidationError({"amount_min": _("The minimum amount is above the maximum amount.")})


class FundingDeadline(Orderable):
    """One application round: open from `opens_on` (if given) until `closes_on`."""

    page = ParentalKey(FundingPage, on_delete=models.CASCADE, related_name="deadlines")
    label = models.CharField(_("Label"), max_length=255, blank=True, help_text=_("e.g. “Funding round 2027”"))
    opens_on = models.DateField(_("Applications open"), null=True, blank=True)
    closes_on = models.DateField(_("Deadline"))

    panels = [FieldPanel("label"), FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")])]

    class Meta(Orderable.Meta):
        verbose_name = _("Funding round")
        verbose_name_plural = _("Funding rounds")

    def __str__(self):
        return self.label or _("until %(date)s") % {"date": date_format(self.closes_on, "SHORT_DATE_FORMAT")}

    def is_open_on(self, day: datetime.date) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and day <= self.closes_on

    def opens_later(self, day: datetime.date) -> bool:
        return self.opens_on is not None and self.opens_on > day

    @staticmethod
    def open_on_q(day: datetime.date) -> models.Q:
        """`is_open_on` in SQL."""
        return (models.Q(opens_on__isnull=True) | models.Q(opens_on__lte=day)) & models.Q(closes_on__gte=day)

    @staticmethod
    def opens_later_q(day: datetime.date) -> models.Q:
        """`opens_later` in SQL."""
        return models.Q(opens_on__gt=day)

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The deadline is before applications open.")})


class FundingProject(Orderable):
    page = ParentalKey(FundingPage, on_delete=models.CASCADE, related_name="related_projects")
    project = models.ForeignKey("projects.ProjectPage", verbose_name=_("Project"), on_delete=models.CASCADE,
                                related_name="+")

    panels = [FieldPanel("project")]
