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
    updated_at = models.DateTimeField(auto_now=True)

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
