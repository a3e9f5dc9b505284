"""Snippets and page base shared by every content type.

Links from pages to snippets (topics, regions, contacts, partners) are synchronised child relations:
a translation links the same objects as its source, and readers present them in their own locale.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from plugins.shared.blocks import BodyBlock
from plugins.shared.forms import ContentPageForm, TitleInput


class Topic(TranslatableMixin, models.Model):
    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(
        _("Slug"), max_length=120, help_text=_("The same in every language; used by the API’s filters.")
    )

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("Topic")
        verbose_name_plural = _("Topics")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)


class Region(TranslatableMixin, models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        LAND = "land", _("Federal state")
        REGION = "region", _("Region")
        LANDKREIS = "landkreis", _("District")
        STADT = "stadt", _("City")
        GEMEINDE = "gemeinde", _("Municipality")

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(
        _("Slug"), max_length=120, help_text=_("The same in every language; used by the API’s filters.")
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices, default=Kind.STADT)
    parent = models.ForeignKey(
        "self", verbose_name=_("Parent region"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="children",
    )

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("Region")
        verbose_name_plural = _("Regions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": _("A region cannot lie within itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Organisation(TranslatableMixin, index.Indexed, models.Model):
    class Kind(models.TextChoices):
        FUNDER = "funder", _("Funder")
        NETWORK = "network", _("Network")
        ASSOCIATION = "association", _("Association")
        AUTHORITY = "authority", _("Public authority")
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University")

    name = models.CharField(_("Name"), max_length=255)
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    website = models.URLField(_("Website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("Logo"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("Region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("Description"), blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ContactPerson(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("Name"), max_length=255)
    role = models.CharField(_("Job title"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("Email"), blank=True)
    phone = models.CharField(_("Phone"), max_length=64, blank=True)

    override_translatable_fields = [SynchronizedField("name"), SynchronizedField("phone")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("Contact person")
        verbose_name_plural = _("Contact persons")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class Partner(models.Model):
    """A partner website consuming the API; pages choose which partners may show them."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Slug"), max_length=120, unique=True)
    allowed_origins = models.TextField(
        _("Allowed origins"), blank=True, help_text=_("One per line, e.g. https://www.partner.example.org (for CORS)")
    )
    preview_url = models.URLField(
        _("Preview address"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The partner website's page that shows drafts; it is opened with ?token=… and fetches the "
                    "draft from /api/v1/preview/. Empty: no preview on this partner site."),
    )
    active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Partner")
        verbose_name_plural = _("Partners")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)

    @property
    def origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.allowed_origins.splitlines() if line.strip()]


class PageTopic(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, verbose_name=_("Topic"), on_delete=models.CASCADE, related_name="page_links")

    panels = [FieldPanel("topic")]


class PageRegion(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="region_links")
    region = models.ForeignKey(Region, verbose_name=_("Region"), on_delete=models.CASCADE, related_name="page_links")

    panels = [FieldPanel("region")]


class PageContact(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(
        ContactPerson, verbose_name=_("Contact person"), on_delete=models.CASCADE, related_name="page_links"
    )

    panels = [FieldPanel("contact")]


class PagePartner(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, verbose_name=_("Partner"), on_delete=models.CASCADE, related_name="page_links")

    panels = [FieldPanel("partner")]


class HomePage(Page):
    """Root of one locale's content tree; the hub is headless, so it only holds the index pages."""

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "shared/index_page.html"

    class Meta:
        verbose_name = _("Home page")

    @classmethod
    def clean_subpage_models(cls):
        """Its children are the index pages of the registered content types (one each)."""
        from plugins.shared import content_types

        return content_types.index_models()


class ContentIndexPage(Page):
    """Base of the content types' index pages: a container with an introduction."""

    intro = models.TextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["shared.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        return "shared/index_page.html"


def edit_tabs(content_panels, detail_panels, assignment_panels=None, promote_panels=None, settings_panels=None):
    """The editor's tabs for every content type: content, details, assignment and partners, promotion."""
    return TabbedInterface([
        ObjectList(content_panels, heading=_("Content")),
        ObjectList(detail_panels, heading=_("Details")),
        ObjectList(assignment_panels or ContentPage.assignment_panels, heading=_("Assignment and partners")),
        ObjectList(promote_panels or Page.promote_panels, heading=_("Promotion")),
        ObjectList(settings_panels or Page.settings_panels, heading=_("Settings"), classname="settings"),
    ])


class ContentPage(Page):
    """Base of the four content types: teaser, lead image, body, and the shared assignments."""

    teaser = models.TextField(
        _("Teaser"), max_length=400, help_text=_("One or two sentences shown in lists and search results.")
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("Lead image"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_alt = models.CharField(
        _("Alternative text of the lead image"), max_length=255, blank=True,
        help_text=_("Describes the image for people who cannot see it."),
    )
    lead_image_caption = models.CharField(_("Image caption"), max_length=500, blank=True)
    lead_image_credit = models.CharField(_("Image credit"), max_length=255, blank=True, help_text=_("e.g. “Photo: …”"))
    body = StreamField(BodyBlock(), verbose_name=_("Content"), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("body"),
    ]

    content_panels = [
        TitleFieldPanel("title", widget=TitleInput),
        FieldPanel("teaser"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_alt"), FieldPanel("lead_image_caption"),
             FieldPanel("lead_image_credit")],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
    ]
    assignment_panels = [
        FieldPanel("topics"),
        FieldPanel("regions"),
        InlinePanel("contact_links", label=_("Contact persons")),
        InlinePanel(
            "partner_links", label=_("Partners"),
            help_text=_("Which partner websites may show this page. None chosen: all partners."),
        ),
    ]

    base_form_class = ContentPageForm

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        return "shared/content_page.html"

    def clean(self):
        super().clean()
        if self.lead_image_id and not self.lead_image_alt:
            raise ValidationError({"lead_image_alt": _("Please give an alternative text for the lead image.")})


class PageTranslationState(models.Model):
    """How a page that wagtail-localize translated stood when it was last published: whether every
    segment was translated, and whether its source has since been republished with changes. Written on
    publish (plugins.shared.translation.record_publication), so the honest-translation rule costs
    readers one indexed lookup instead of counting segments. Pages without a row are not
    wagtail-localize translations (sources, or written directly in their language)."""

    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="translation_state"
    )
    complete = models.BooleanField(
        _("Fully translated"), help_text=_("Every segment was translated when it was last published.")
    )
    outdated = models.BooleanField(
        _("Outdated"), default=False,
        help_text=_("The source page’s content has changed since this translation was last published."),
    )
    source_fingerprint = models.CharField(
        _("Source version"), max_length=64, blank=True,
        help_text=_("Checksum of the source content this translation was last published from."),
    )
    published_at = models.DateTimeField(_("Last published"))

    class Meta:
        verbose_name = _("Translation state")
        verbose_name_plural = _("Translation states")

    def __str__(self):
        return f"{self.page_id}: {'vollständig' if self.complete else 'unvollständig'}"


class WordPressImport(models.Model):
    """Which page a WordPress export item became, so importing the same export again updates that page."""

    guid = models.CharField(_("WordPress GUID"), max_length=500, unique=True)
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("Page"), on_delete=models.CASCADE, related_name="+")
    post_type = models.CharField(_("WordPress post type"), max_length=40, blank=True)
    post_date = models.DateTimeField(_("Published in WordPress"), null=True, blank=True)
    author = models.CharField(_("Author in WordPress"), max_length=255, blank=True)
    link = models.URLField(_("Address in WordPress"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("Last imported"), auto_now=True)

    class Meta:
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")

    def __str__(self):
        return self.guid
