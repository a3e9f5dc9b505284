"""Snippets and page base shared by every content type.

Links from pages to snippets (topics, regions, contacts, partners) are synchronised child relations:
a translation links the same objects as its source, and readers present them in their own locale.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from plugins.shared.blocks import BodyBlock


class Topic(TranslatableMixin, models.Model):
    name = models.CharField("Name", max_length=120)
    slug = models.SlugField("Kürzel", max_length=120, help_text="Gleich in allen Sprachen; für Filter in der API.")

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "Thema"
        verbose_name_plural = "Themen"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)


class Region(TranslatableMixin, models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Staat"
        LAND = "land", "Bundesland"
        REGION = "region", "Region"
        LANDKREIS = "landkreis", "Landkreis"
        STADT = "stadt", "Stadt"
        GEMEINDE = "gemeinde", "Gemeinde"

    name = models.CharField("Name", max_length=120)
    slug = models.SlugField("Kürzel", max_length=120, help_text="Gleich in allen Sprachen; für Filter in der API.")
    kind = models.CharField("Art", max_length=16, choices=Kind.choices, default=Kind.STADT)
    parent = models.ForeignKey(
        "self", verbose_name="Übergeordnete Region", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="children",
    )

    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "Region"
        verbose_name_plural = "Regionen"
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
                raise ValidationError({"parent": "Eine Region kann nicht in sich selbst liegen."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Organisation(TranslatableMixin, index.Indexed, models.Model):
    class Kind(models.TextChoices):
        FUNDER = "funder", "Fördermittelgeber"
        NETWORK = "network", "Netzwerk"
        ASSOCIATION = "association", "Verein / Verband"
        AUTHORITY = "authority", "Behörde / Verwaltung"
        COMPANY = "company", "Unternehmen"
        UNIVERSITY = "university", "Hochschule"

    name = models.CharField("Name", max_length=255)
    kind = models.CharField("Art", max_length=16, choices=Kind.choices)
    website = models.URLField("Website", blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name="Logo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField("Beschreibung", blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "Organisation"
        verbose_name_plural = "Organisationen"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ContactPerson(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField("Name", max_length=255)
    role = models.CharField("Funktion", max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="Organisation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField("E-Mail", blank=True)
    phone = models.CharField("Telefon", max_length=64, blank=True)

    override_translatable_fields = [SynchronizedField("name"), SynchronizedField("phone")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "Ansprechperson"
        verbose_name_plural = "Ansprechpersonen"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class Partner(models.Model):
    """A partner website consuming the API; pages choose which partners may show them."""

    name = models.CharField("Name", max_length=120, unique=True)
    slug = models.SlugField("Kürzel", max_length=120, unique=True)
    allowed_origins = models.TextField(
        "Erlaubte Origins", blank=True, help_text="Eine pro Zeile, z. B. https://www.partner.example.org (für CORS)"
    )
    preview_url = models.URLField(
        "Vorschau-Adresse",
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Seite der Partnerwebsite, die Entwürfe anzeigt; sie wird mit ?token=… geöffnet "
        "und holt den Entwurf über /api/v1/preview/. Leer: keine Vorschau auf dieser Partnerseite.",
    )
    active = models.BooleanField("Aktiv", default=True)
    created_at = models.DateTimeField("Erstellt", auto_now_add=True)

    class Meta:
        verbose_name = "Partner"
        verbose_name_plural = "Partner"
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
    topic = models.ForeignKey(Topic, verbose_name="Thema", on_delete=models.CASCADE, related_name="page_links")

    panels = [FieldPanel("topic")]


class PageRegion(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="region_links")
    region = models.ForeignKey(Region, verbose_name="Region", on_delete=models.CASCADE, related_name="page_links")

    panels = [FieldPanel("region")]


class PageContact(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(
        ContactPerson, verbose_name="Ansprechperson", on_delete=models.CASCADE, related_name="page_links"
    )

    panels = [FieldPanel("contact")]


class PagePartner(Orderable):
    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, verbose_name="Partner", on_delete=models.CASCADE, related_name="page_links")

    panels = [FieldPanel("partner")]


class HomePage(Page):
    """Root of one locale's content tree; the hub is headless, so it only holds the index pages."""

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "shared/index_page.html"

    class Meta:
        verbose_name = "Startseite"

    @classmethod
    def clean_subpage_models(cls):
        """Its children are the index pages of the registered content types (one each)."""
        from plugins.shared import content_types

        return content_types.index_models()


class ContentIndexPage(Page):
    """Base of the content types' index pages: a container with an introduction."""

    intro = models.TextField("Einleitung", blank=True)

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
        ObjectList(content_panels, heading="Inhalt"),
        ObjectList(detail_panels, heading="Details"),
        ObjectList(assignment_panels or ContentPage.assignment_panels, heading="Zuordnung und Partner"),
        ObjectList(promote_panels or Page.promote_panels, heading="Promotion"),
        ObjectList(settings_panels or Page.settings_panels, heading="Einstellungen", classname="settings"),
    ])


class ContentPage(Page):
    """Base of the four content types: teaser, lead image, body, and the shared assignments."""

    teaser = models.TextField(
        "Teaser", max_length=400, help_text="Ein bis zwei Sätze, die in Listen und Suchergebnissen erscheinen."
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name="Aufmacherbild", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_alt = models.CharField(
        "Alternativtext des Aufmacherbilds", max_length=255, blank=True,
        help_text="Beschreibt das Bild für Menschen, die es nicht sehen.",
    )
    lead_image_caption = models.CharField("Bildunterschrift", max_length=500, blank=True)
    lead_image_credit = models.CharField("Bildnachweis", max_length=255, blank=True, help_text="z. B. „Foto: …“")
    body = StreamField(BodyBlock(), verbose_name="Inhalt", blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("teaser"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_alt"), FieldPanel("lead_image_caption"),
             FieldPanel("lead_image_credit")],
            heading="Aufmacherbild",
        ),
        FieldPanel("body"),
    ]
    assignment_panels = [
        InlinePanel("topic_links", label="Themen"),
        InlinePanel("region_links", label="Regionen"),
        InlinePanel("contact_links", label="Ansprechpersonen"),
        InlinePanel(
            "partner_links", label="Partner",
            help_text="Welche Partner-Websites diese Seite zeigen dürfen. Keine Auswahl: alle Partner.",
        ),
    ]

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        return "shared/content_page.html"

    def clean(self):
        super().clean()
        if self.lead_image_id and not self.lead_image_alt:
            raise ValidationError({"lead_image_alt": "Bitte einen Alternativtext für das Aufmacherbild angeben."})


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
        "Vollständig übersetzt", help_text="Beim letzten Veröffentlichen waren alle Segmente übersetzt."
    )
    outdated = models.BooleanField(
        "Veraltet", default=False,
        help_text="Die Quellseite wurde seit dem letzten Veröffentlichen dieser Übersetzung inhaltlich geändert.",
    )
    source_fingerprint = models.CharField(
        "Stand der Quelle", max_length=64, blank=True,
        help_text="Prüfsumme des Quellinhalts, aus dem diese Übersetzung zuletzt veröffentlicht wurde.",
    )
    published_at = models.DateTimeField("Zuletzt veröffentlicht")

    class Meta:
        verbose_name = "Übersetzungsstand"
        verbose_name_plural = "Übersetzungsstände"

    def __str__(self):
        return f"{self.page_id}: {'vollständig' if self.complete else 'unvollständig'}"


class WordPressImport(models.Model):
    """Which page a WordPress export item became, so importing the same export again updates that page."""

    guid = models.CharField("WordPress-GUID", max_length=500, unique=True)
    page = models.ForeignKey("wagtailcore.Page", verbose_name="Seite", on_delete=models.CASCADE, related_name="+")
    post_type = models.CharField("WordPress-Inhaltstyp", max_length=40, blank=True)
    post_date = models.DateTimeField("Veröffentlicht in WordPress", null=True, blank=True)
    author = models.CharField("Autor/in in WordPress", max_length=255, blank=True)
    link = models.URLField("Adresse in WordPress", max_length=500, blank=True)
    imported_at = models.DateTimeField("Zuletzt importiert", auto_now=True)

    class Meta:
        verbose_name = "WordPress-Import"
        verbose_name_plural = "WordPress-Importe"

    def __str__(self):
        return self.guid
