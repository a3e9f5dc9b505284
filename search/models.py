"""The database copy of every search document: the embedded search engine, and the fallback while
OpenSearch is unreachable.

It holds the same document the OpenSearch index holds (built by `search.documents`), including the
Python-analysed terms, so German folding, stemming and decompounding work on the database too.
The hub's own full-text table (migration 0005: an FTS5 table on SQLite, generated tsvector columns
on PostgreSQL, both kept current by the database on every write of a row) answers the full-text
lookup; facets, filters and visibility are plain SQL over these rows and their tags.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable
from wagtail.search import index


class SearchDocument(index.Indexed, models.Model):
    # The page id; no foreign key, so the row outlives its page until the delete task removes it
    # from Wagtail's index as well.
    id = models.IntegerField(primary_key=True)
    type = models.CharField(max_length=40, db_index=True)
    locale = models.CharField(max_length=16, db_index=True)
    title = models.TextField()
    teaser = models.TextField(blank=True)
    body = models.TextField(blank=True)
    related = models.TextField(blank=True)
    title_terms = models.TextField(blank=True)
    teaser_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # The words as written (folded, unstemmed, each once; `analysis.written_words`): ranking only.
    title_written = models.TextField(blank=True)
    teaser_written = models.TextField(blank=True)
    body_written = models.TextField(blank=True)
    suggest = models.TextField(blank=True)
    url = models.TextField(blank=True)
    last_published_at = models.DateTimeField(null=True)
    date_start = models.DateField(null=True)
    date_end = models.DateField(null=True)
    year = models.IntegerField(null=True)
    current = models.JSONField(default=list)
    coming = models.JSONField(default=list)
    details = models.JSONField(default=dict)
    indexed_at = models.DateTimeField(auto_now=True)

    # Indexing runs in search.tasks, never through Wagtail's own save signal.
    search_auto_update = False
    search_fields = [
        index.SearchField("title_terms"),
        index.SearchField("teaser_terms"),
        index.SearchField("body_terms"),
        index.AutocompleteField("suggest"),
        index.FilterField("id"),
        index.FilterField("type"),
        index.FilterField("locale"),
    ]

    class Meta:
        verbose_name = "Suchdokument"
        verbose_name_plural = "Suchdokumente"
        # What a search filters and counts facets by, without reading the wide row (SQLite reads it
        # `INDEXED BY` this index for every full-text match; see search.backends.database).
        indexes = [
            models.Index(
                fields=["id", "locale", "type", "year", "last_published_at", "date_start", "date_end"],
                name="search_doc_filter",
            )
        ]

    def __str__(self):
        return f"{self.type}/{self.locale}/{self.id}: {self.title}"


class SearchDocumentTag(models.Model):
    """Keyword values of a document: partner audience, topic and region slugs."""

    PARTNER, TOPIC, REGION = "partner", "topic", "region"

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=8)
    value = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["document", "kind", "value"], name="search_tag_unique")
        ]

    def __str__(self):
        return f"{self.kind}={self.value}"


class IndexDrift(models.Model):
    """A document an engine holds differently from the database (missing, stale or extra), as the
    last reconciliation found it. An index update that rewrites the page clears its rows, so the
    drift reported by health and `search_status` shrinks as the queue repairs it."""

    MISSING, STALE, EXTRA = "missing", "stale", "extra"
    KINDS = [(MISSING, "fehlt"), (STALE, "veraltet"), (EXTRA, "überzählig")]

    engine = models.CharField(max_length=16)
    alias = models.CharField(max_length=200)
    page_id = models.IntegerField(db_index=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Indexabweichung"
        verbose_name_plural = "Indexabweichungen"
        indexes = [models.Index(fields=["engine", "alias"])]
        constraints = [
            models.UniqueConstraint(fields=["engine", "alias", "page_id"], name="search_drift_unique")
        ]

    def __str__(self):
        return f"{self.engine} {self.alias} {self.page_id}: {self.kind}"


class IndexRepair(models.Model):
    """How often reconciliation queued a repair of a page that keeps drifting, for the documents it
    expected then. After `reconcile.MAX_REPAIRS` it stops queueing the page (its drift is still
    counted) until the page's documents change; the row goes once the page no longer drifts."""

    page_id = models.IntegerField(unique=True)
    fingerprint = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Indexreparatur"
        verbose_name_plural = "Indexreparaturen"

    def __str__(self):
        return f"{self.page_id}: {self.attempts} repairs"


class SearchTerm(models.Model):
    """The typo vocabulary of the database engine: every analysed term of a locale's documents, with
    the number of documents holding it. `search.backends.database` keeps it current as documents are
    stored and removed, so no process has to read every document to learn the vocabulary."""

    locale = models.CharField(max_length=16)
    term = models.CharField(max_length=200)
    documents = models.IntegerField(default=0)

    class Meta:
        verbose_name = "Suchbegriff"
        verbose_name_plural = "Suchbegriffe"
        constraints = [models.UniqueConstraint(fields=["locale", "term"], name="search_term_unique")]

    def __str__(self):
        return f"{self.locale}: {self.term} ({self.documents})"


def language_choices():
    from plugins.shared.languages import content_languages

    names = {"de": _("German"), "en": _("English")}
    return [(code, names.get(code, code)) for code in content_languages()]


class SearchSynonym(models.Model):
    """One synonym or abbreviation entry of a language's search (see `search.synonyms`): `a, b, c`
    (two-way) or `a => b` (one-way). Applied when a query is parsed; no reindex needed."""

    language = models.CharField(_("Language"), max_length=16, choices=language_choices, default="de")
    terms = models.CharField(
        _("Words"),
        max_length=500,
        help_text=_(
            "Forms that find each other, separated by commas (two-way), e.g. “NRW, Nordrhein-Westfalen”; "
            "or “a => b” when a search for a should also find b but not the other way round. A form of "
            "several words is found only as that phrase. Case and umlauts do not matter."
        ),
    )
    updated_at = models.DateTimeField(_("Last changed"), auto_now=True)

    class Meta:
        verbose_name = _("Search synonym")
        verbose_name_plural = _("Search synonyms")
        ordering = ["language", "terms"]
        indexes = [models.Index(fields=["language", "updated_at"])]

    def __str__(self):
        return self.terms

    def clean(self):
        from django.core.exceptions import ValidationError

        from search.synonyms import InvalidEntry, parse_entry

        try:
            parse_entry(self.terms, self.language)
        except InvalidEntry as exc:
            raise ValidationError({"terms": str(exc)}) from None


class Promotion(ClusterableModel):
    """Pages an editor pins to a query: they come first, marked `"promoted": true`, for searches whose
    normalised text equals this query's (see `search.promotions`). A page stands for its translation
    group: for a search in another locale its translation there is promoted."""

    query = models.CharField(
        _("Query"),
        max_length=200,
        help_text=_(
            "What visitors type. Case, umlaut spellings and spaces do not matter: "
            "“Förderung”, “foerderung” and “FÖRDERUNG ” are the same query."
        ),
    )
    normalised = models.CharField(max_length=200, editable=False, db_index=True)
    partner = models.ForeignKey(
        "shared.Partner",
        verbose_name=_("Partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Only for this partner's searches. Empty: for every partner."),
    )
    language = models.CharField(
        _("Language"),
        max_length=16,
        blank=True,
        help_text=_(
            "Only for searches in this language. Empty: every language (each page's translation "
            "in the language searched)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("search", "Promotion")
        verbose_name_plural = _("Promotions")
        ordering = ["normalised", "pk"]

    def clean(self):
        from django.core.exceptions import ValidationError

        from plugins.shared.languages import content_languages
        from search.analysis import normalise_query

        if not normalise_query(self.query or ""):
            raise ValidationError({"query": _("Enter at least one word.")})
        if self.language and self.language not in content_languages():
            raise ValidationError({"language": _("Choose one of the content languages, or none.")})

    def save(self, *args, **kwargs):
        from search.analysis import normalise_query

        self.query = " ".join(self.query.split())
        self.normalised = normalise_query(self.query)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.query


class PromotedPage(Orderable):
    promotion = ParentalKey(Promotion, on_delete=models.CASCADE, related_name="pages")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("Page"), on_delete=models.CASCADE, related_name="+")

    class Meta(Orderable.Meta):
        verbose_name = _("Promoted page")
        verbose_name_plural = _("Promoted pages")

    def __str__(self):
        return f"{self.promotion}: {self.page_id}"


class SearchInsight(models.Model):
    """How often the partner API was searched for one normalised query on one day, by one partner in
    one locale, and how often that found nothing. No addresses, no users, no raw query text: only the
    normalised form. Kept `SEARCH_INSIGHTS_RETENTION_DAYS` days (`search.insights.prune`)."""

    day = models.DateField(_("Day"))
    partner = models.ForeignKey("shared.Partner", verbose_name=_("Partner"), on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(_("Language"), max_length=16)
    query = models.CharField(_("Query"), max_length=200)
    searches = models.PositiveIntegerField(_("Searches"), default=0)
    zero_results = models.PositiveIntegerField(_("Searches without results"), default=0)

    class Meta:
        verbose_name = _("Search insight")
        verbose_name_plural = _("Search insights")
        indexes = [models.Index(fields=["day"])]
        constraints = [
            models.UniqueConstraint(fields=["day", "partner", "locale", "query"], name="search_insight_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.partner_id} {self.locale} {self.query}: {self.searches}"


class TuningVersion(models.Model):
    """The version of what editors tune in the search: synonyms and promotions (`search.tuning`).

    One row, bumped to a new random number in the same transaction as every save or delete of a
    synonym, a promotion or a promoted page (`search.signal_handlers`), the way the partner API's
    `ContentScope` versions its answers. Every process keeps its synonym tables and promotions in
    memory keyed by it, so a search costs one read of this row, and an edit is in force for the next
    search of every process."""

    KEY = "tuning"

    key = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Search tuning version")

    def __str__(self):
        return f"{self.key}: {self.version}"
