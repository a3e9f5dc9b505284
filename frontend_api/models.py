"""What the partner API stores: partners' API keys, their webhooks, and the content version that
keys every cached answer (the versions of content scopes, bumped whenever published content changes)."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from frontend_api.webhook_targets import check_webhook_url


class PartnerAPIKeyManager(BaseAPIKeyManager):
    pass


class PartnerAPIKey(AbstractAPIKey):
    """A partner's API key: stored as a SHA-512 hash, shown once, revocable, optionally expiring."""

    partner = models.ForeignKey(
        "shared.Partner", verbose_name=_("Partner"), on_delete=models.CASCADE, related_name="api_keys"
    )
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True, editable=False)

    objects = PartnerAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.partner} · {self.name} ({self.prefix}…)"

    @property
    def usable(self) -> bool:
        return not self.revoked and not self.has_expired


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """Where the hub POSTs page events for a partner; `secret` signs every delivery (HMAC-SHA256)."""

    partner = models.ForeignKey(
        "shared.Partner", verbose_name=_("Partner"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("Address"), max_length=500)
    secret = models.CharField(_("Signing secret"), max_length=128, default=new_webhook_secret, editable=False)
    active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook")
        verbose_name_plural = _("Webhooks")
        ordering = ["partner__name", "url"]

    def __str__(self):
        return f"{self.partner} → {self.url}"

    def clean(self):
        """Refuses targets inside the hub's network (the admin form and create_partner both call this)."""
        if self.url:
            try:
                check_webhook_url(self.url)
            except ValidationError as exc:
                raise ValidationError({"url": exc.messages}) from None


class ContentScope(models.Model):
    """The version of one scope of content answers, bumped in the same transaction as every change in it.

    Scopes: "global" (snippets, images, documents, partners, sites: everything), "type:<name>" (the lists
    of a content type) and "page:<id>" (the details of one page). An answer is keyed by the versions of
    the scopes it depends on, so every worker process sees a change at once, a conditional request costs
    one read of a few primary keys, and a publish makes cold only the answers it can change.
    A version is a random number (set in one upsert, however many scopes a change bumps); a scope
    without a row has never changed since it was first answered (version 0)."""

    GLOBAL = "global"

    scope = models.CharField(max_length=64, primary_key=True)
    version = models.BigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API content version")

    def __str__(self):
        return f"{self.scope}: {self.version}"

    @classmethod
    def current(cls, scopes) -> dict[str, tuple[int, datetime.datetime]]:
        """{scope: (version, changed_at)} of the scopes that have a row; the global one always has one."""
        scopes = list(scopes)
        rows = {scope: (version, at) for scope, version, at in
                cls.objects.filter(scope__in=scopes).values_list("scope", "version", "changed_at")}
        if cls.GLOBAL in scopes and cls.GLOBAL not in rows:
            cls.bump([cls.GLOBAL])
            return cls.current(scopes)
        return rows

    @classmethod
    def bump(cls, scopes) -> None:
        now = timezone.now()
        rows = [cls(scope=scope, version=secrets.randbits(62), changed_at=now) for scope in sorted(set(scopes))]
        if connection.features.supports_update_conflicts_with_target:  # PostgreSQL, SQLite
            cls.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["scope"], update_fields=["version", "changed_at"]
            )
        else:  # MySQL/MariaDB: ON DUPLICATE KEY UPDATE takes no conflict target
            cls.objects.bulk_create(rows, update_conflicts=True, update_fields=["version", "changed_at"])


class WebhookDelivery(models.Model):
    """One page event for one webhook; retried with backoff until a 2xx answer or the retry limit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    webhook = models.ForeignKey(Webhook, verbose_name=_("Webhook"), on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("Event type"), max_length=32)
    page_id = models.PositiveBigIntegerField(_("Page ID"))
    body = models.TextField(_("Body (JSON)"))
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    # A redelivery from the admin keeps the earlier attempts and counts the retry limit from here.
    attempts_before_redelivery = models.PositiveSmallIntegerField(
        _("Attempts before redelivery"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("Delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook delivery")
        verbose_name_plural = _("Webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} #{self.page_id} → {self.webhook.url}"

    @property
    def attempts_since_redelivery(self) -> int:
        return self.attempt_count - self.attempts_before_redelivery

    @property
    def can_be_redelivered(self) -> bool:
        # Only given-up deliveries: a pending one already has its next attempt queued, and a second
        # chain of retries beside it would send the event twice.
        return self.status == self.Status.FAILED


class WebhookAttempt(models.Model):
    """Every attempt of a delivery, as the partner's server answered it (or did not)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(_("Attempted at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("Error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("Duration (ms)"), default=0)

    class Meta:
        verbose_name = _("Delivery attempt")
        verbose_name_plural = _("Delivery attempts")
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class AnnouncedAudience(models.Model):
    """That a partner was last told it may see a page (a `page.published` without a later removal).

    Diffing this against the visibility rule tells who gained and who lost a page, whatever changed:
    publishing, sharing, a view restriction, a move, a deletion."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("shared.Partner", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("Announced audience")
        verbose_name_plural = _("Announced audiences")
        constraints = [models.UniqueConstraint(fields=["page", "partner"], name="announced_audience_unique")]

    def __str__(self):
        return f"{self.page_id} → {self.partner_id}"


class PartnerChange(models.Model):
    """One event in a partner's changes feed; the same JSON its webhooks get. The id orders the feed
    and is the cursor: rows are numbered under the ChangeFeed lock, so ids follow commit order."""

    partner = models.ForeignKey(
        "shared.Partner", verbose_name=_("Partner"), on_delete=models.CASCADE, related_name="changes"
    )
    event = models.CharField(_("Event type"), max_length=32)
    reason = models.CharField(_("Reason"), max_length=32)
    page_id = models.PositiveBigIntegerField(_("Page ID"))
    payload = models.JSONField(_("Content"))
    created_at = models.DateTimeField(_("Created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Change for a partner")
        verbose_name_plural = _("Changes for partners")
        indexes = [models.Index(fields=["partner", "id"], name="partner_change_feed")]

    def __str__(self):
        return f"{self.event} ({self.reason}) #{self.page_id}"


class ChangeFeed(models.Model):
    """One row: the highest change id written (readers never pass it) and the highest pruned (a cursor
    below it has lost events: 410). Locked while changes are written, so ids follow commit order."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    last_id = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Change feed")

    def __str__(self):
        return f"Änderungen bis {self.last_id}"

    @classmethod
    def locked(cls) -> "ChangeFeed":
        """The row, locked until the transaction ends (created on first use)."""
        row = cls.objects.select_for_update().filter(pk=cls.SINGLETON).first()
        if row is None:
            try:
                with transaction.atomic():
                    cls.objects.create(pk=cls.SINGLETON)
            except IntegrityError:
                pass
            row = cls.objects.select_for_update().get(pk=cls.SINGLETON)
        return row

    @classmethod
    def state(cls) -> tuple[int, int]:
        """(last_id, pruned_through) as committed."""
        row = cls.objects.filter(pk=cls.SINGLETON).values_list("last_id", "pruned_through").first()
        return row or (0, 0)


class PreparedItem(models.Model):
    """A content item serialized ahead of the request (frontend_api.prepared): what a cold list or detail
    reads instead of loading and serializing the page. One row per page, kind (list item or detail),
    answer locale, base URL of the API (scheme and host: absolute URLs) and visibility signature (which of
    the pages it can show -- its translations, the pages it links to -- the reader may see; most pages have
    one). It holds nothing about a particular partner; it is current while the versions of the global and
    the page's content scopes and the type's clock token are those it was built at."""

    class Kind(models.TextChoices):
        LIST = "list", "list item"
        DETAIL = "detail", "detail"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    translation_key = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    locale = models.CharField(max_length=16)
    base_url = models.CharField(max_length=255)
    signature = models.CharField(max_length=32)
    # [[page id, locale code], ...] of the page's translation group (every page of it, in any state)
    group = models.JSONField(default=list)
    # ids of the live pages of the groups of the pages it links to (whose visibility decides the links)
    linked = models.JSONField(default=list)
    data = models.TextField()  # the item as compact JSON, every field
    # [[name, start, end], ...]: where each field's `"name":value` lies in `data` (in characters), so an answer
    # trims fields or sets `fallback` by slicing, without parsing; null in rows written before it was kept
    spans = models.JSONField(null=True)
    global_version = models.BigIntegerField()
    page_version = models.BigIntegerField()
    clock = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "prepared API item"
        constraints = [
            models.UniqueConstraint(
                fields=["page", "kind", "locale", "base_url", "signature"], name="prepared_item_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.page_id} {self.locale} {self.signature[:8]}"
