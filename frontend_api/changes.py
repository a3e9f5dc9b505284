"""What partners are told when what they may see changes: their webhooks and their changes feed.

Every change that can alter a page's audience -- publish, unpublish, expiry, deletion, move, sharing,
view restriction -- ends in `announce(page_ids, cause)`. It diffs the audience the visibility rule
gives now against the partners last told they may see the page (AnnouncedAudience) and records one
event per partner and page: a PartnerChange row (the feed) and, for each active webhook of an active
partner, a WebhookDelivery with the same JSON, in the same transaction; deliveries go out after commit.

Publishing, unpublishing, deletion and moves announce in the editor's transaction. Sharing and view
restrictions change row by row (a publish deletes and re-adds a page's partner links; the restriction
of a page being deleted goes with it), so those are collected per transaction and announced by a
task once it commits: partners hear the final state, once.

Reasons (the diff, not the signal, decides who hears what; a removal's reason is read from the page):
- `page.published`: `published` (published or republished; every item of a feed's snapshot),
  `shared` (its sharing now includes the partner), `unrestricted` (a view restriction lifted, or moved
  out of a restricted section), `moved` (moved, still visible: its URL changed);
- `page.unpublished`: `unpublished`, `expired` (Wagtail's scheduled expiry), `restricted` (a view
  restriction on it or an ancestor), `unshared` (shared only with other partners now);
- `page.deleted`: `deleted`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import logging
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page

from frontend_api import registry
from frontend_api.conf import api_setting
from frontend_api.errors import APIError, InvalidParameter
from frontend_api.models import AnnouncedAudience, ChangeFeed, PartnerChange, Webhook, WebhookDelivery
from frontend_api.webhooks import DELETED, PUBLISHED, UNPUBLISHED, deliver_webhook
from plugins.shared.commit_batches import collect_on_commit
from plugins.shared.models import Partner
from plugins.shared.visibility import audiences, honest, restricted, visible_to

logger = logging.getLogger("kulturhub.webhooks")

# Causes: what happened to the pages being announced.
PUBLISH, UNPUBLISH, DELETE, SHARING, RESTRICTION, MOVE, SWEEP = (
    "published", "unpublished", "deleted", "shared", "restriction", "moved", "swept")
GAINED_BECAUSE = {PUBLISH: "published", UNPUBLISH: "published", SHARING: "shared",
                  RESTRICTION: "unrestricted", MOVE: "unrestricted", SWEEP: "published"}
KEPT_BECAUSE = {PUBLISH: "published", MOVE: "moved"}  # other causes change nothing a partner shows
REASONS = {
    PUBLISHED: ["published", "shared", "unrestricted", "moved"],
    UNPUBLISHED: ["unpublished", "expired", "restricted", "unshared"],
    DELETED: ["deleted"],
}


def content_models() -> list[type]:
    return [api.model for api in registry.content_types()]


def content_pages(page_ids: Iterable[int]) -> QuerySet:
    return Page.objects.filter(pk__in=list(page_ids)).type(*content_models())


def subtree_ids(root_ids: Iterable[int]) -> set[int]:
    """The content pages at or below these pages (those that still exist)."""
    ids: set[int] = set()
    for root in Page.objects.filter(pk__in=list(root_ids)):
        ids.update(Page.objects.descendant_of(root, inclusive=True).type(*content_models())
                   .values_list("pk", flat=True))
    return ids


def payload(event: str, reason: str, page: Page, occurred_at: datetime.datetime | None = None) -> dict | None:
    """The JSON of a webhook delivery and of a feed entry."""
    api = registry.for_model(page.specific_class)
    if api is None:
        return None
    return {
        "event": event,
        "type": api.name,
        "id": page.pk,
        "locale": page.locale.language_code,
        "url": page.full_url,
        "occurred_at": timezone.localtime(occurred_at or timezone.now()).isoformat(timespec="seconds"),
        "reason": reason,
    }


def removal_reasons(pages: dict[int, Page]) -> dict[int, str]:
    """Why partners lost these pages, from their state now (live pages lost them to a restriction or
    to sharing)."""
    live = [pk for pk, page in pages.items() if page.live]
    restricted_ids = set(Page.objects.filter(pk__in=live).filter(restricted()).values_list("pk", flat=True))
    honest_ids = set(honest(Page.objects.filter(pk__in=live)).values_list("pk", flat=True))
    reasons = {}
    for pk, page in pages.items():
        if not page.live or pk not in honest_ids:  # a translation republished unfinished is withdrawn
            reasons[pk] = "expired" if page.expired else "unpublished"
        else:
            reasons[pk] = "restricted" if pk in restricted_ids else "unshared"
    return reasons


def announce(page_ids: Collection[int], cause: str) -> list[PartnerChange]:
    """Tells every partner whose view of these pages changed (see the module docstring); returns the
    changes recorded. Safe to call any number of times: an unchanged audience announces nothing
    (except that a publish or move tells the partners who keep the page that it changed)."""
    with transaction.atomic():
        pages = {page.pk: page for page in content_pages(page_ids).select_related("locale")}
        if not pages:
            return []
        # Serialised before reading what partners were told: two announcements of one page (an editor's
        # publish, the worker's sweep) must not both diff against the same "before".
        ChangeFeed.locked()
        before: dict[int, set[int]] = defaultdict(set)
        for page_id, partner_id in AnnouncedAudience.objects.filter(page_id__in=pages).values_list(
                "page_id", "partner_id"):
            before[page_id].add(partner_id)
        after = {pk: frozenset() for pk in pages} if cause == DELETE else audiences(list(pages))

        lost_pages = {pk: pages[pk] for pk in pages if before[pk] - after[pk]}
        lost_reasons = removal_reasons(lost_pages) if cause != DELETE else {}
        events: list[tuple[int, int, str, str]] = []  # page, partner, event, reason
        for pk in sorted(pages):
            for partner_id in sorted(after[pk] - before[pk]):
                events.append((pk, partner_id, PUBLISHED, GAINED_BECAUSE[cause]))
            if cause in KEPT_BECAUSE:
                for partner_id in sorted(after[pk] & before[pk]):
                    events.append((pk, partner_id, PUBLISHED, KEPT_BECAUSE[cause]))
            for partner_id in sorted(before[pk] - after[pk]):
                if cause == DELETE:
                    events.append((pk, partner_id, DELETED, "deleted"))
                else:
                    events.append((pk, partner_id, UNPUBLISHED, lost_reasons[pk]))

        for pk in lost_pages:
            AnnouncedAudience.objects.filter(page_id=pk, partner_id__in=before[pk] - after[pk]).delete()
        AnnouncedAudience.objects.bulk_create(
            [AnnouncedAudience(page_id=pk, partner_id=partner_id)
             for pk in pages for partner_id in after[pk] - before[pk]],
            ignore_conflicts=True,
        )
        return record(events, pages)


def record(events: list[tuple[int, int, str, str]], pages: dict[int, Page]) -> list[PartnerChange]:
    """One feed row per event, and a delivery per active webhook of its partner, numbered under the
    feed's lock (so a reader that saw id N never misses a later-committed id below N)."""
    if not events:
        return []
    now = timezone.now()
    bodies = {(pk, event, reason): payload(event, reason, pages[pk], now) for pk, _p, event, reason in events}
    changes = [
        PartnerChange(partner_id=partner_id, event=event, reason=reason, page_id=pk,
                      payload=bodies[pk, event, reason], created_at=now)
        for pk, partner_id, event, reason in events
        if bodies[pk, event, reason] is not None
    ]
    feed = ChangeFeed.locked()
    PartnerChange.objects.bulk_create(changes)
    last_id = PartnerChange.objects.aggregate(last=Max("pk"))["last"] or feed.last_id
    ChangeFeed.objects.filter(pk=feed.pk).update(last_id=max(last_id, feed.last_id))

    webhooks: dict[int, list[Webhook]] = defaultdict(list)
    for webhook in Webhook.objects.filter(
            active=True, partner__active=True, partner_id__in={change.partner_id for change in changes}):
        webhooks[webhook.partner_id].append(webhook)
    deliveries = [
        WebhookDelivery(webhook=webhook, event=change.event, page_id=change.page_id,
                        body=json.dumps(change.payload, ensure_ascii=False, separators=(",", ":")))
        for change in changes for webhook in webhooks[change.partner_id]
    ]
    if connection.features.can_return_rows_from_bulk_insert:
        WebhookDelivery.objects.bulk_create(deliveries)
    else:
        for delivery in deliveries:
            delivery.save()
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.enqueue(pk))
    return changes


@task()
def announce_changes(page_ids: list[int], cause: str, subtrees: bool = False) -> int:
    """`announce` for changes collected over a transaction (sharing, view restrictions); with
    `subtrees`, for every content page at or below these pages. Returns the number of events."""
    ids = subtree_ids(page_ids) if subtrees else set(page_ids)
    return len(announce(ids, cause))


def announce_after_commit(name: str, page_id: int, cause: str, *, subtrees: bool = False) -> None:
    def flush(page_ids: list[int]) -> None:
        try:
            announce_changes.enqueue(page_ids, cause, subtrees)
        except Exception:
            logger.exception("could not queue the announcement of %s for pages %s", cause, page_ids)

    collect_on_commit(name, page_id, flush)


def seed_partner(partner: Partner) -> None:
    """A new partner may see every page shared with all partners: recorded as known (its feed starts
    with a snapshot of them), so that their later removal is announced to it too."""
    ids = honest(visible_to(Page.objects.type(*content_models()), partner)).values_list("pk", flat=True)
    AnnouncedAudience.objects.bulk_create(
        [AnnouncedAudience(page_id=pk, partner_id=partner.pk) for pk in ids], ignore_conflicts=True
    )


def sweep_audiences(chunk: int = 500) -> int:
    """Announces whatever a partner was not told: an announcement lost between a commit and its queued
    task (a crash), or a page made live without Wagtail's publish signal. Reads the recorded audiences
    and the visibility rule for every content page, in chunks; an unchanged audience costs nothing
    else. Deletions are not repaired here: they are announced before the row goes, and the recorded
    audience goes with the page. For the worker's periodic jobs; returns the number of events recorded."""
    ids = list(Page.objects.type(*content_models()).order_by("pk").values_list("pk", flat=True))
    events = 0
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        now = audiences(part)
        told: dict[int, set[int]] = defaultdict(set)
        for page_id, partner_id in AnnouncedAudience.objects.filter(page_id__in=part).values_list(
                "page_id", "partner_id"):
            told[page_id].add(partner_id)
        differing = [pk for pk in part if told[pk] != set(now[pk])]
        if differing:
            events += len(announce(differing, SWEEP))
    return events


def prune_changes(now: datetime.datetime | None = None) -> int:
    """Deletes feed entries older than CHANGES_RETENTION_DAYS; cursors before them answer 410 from
    then on. Returns the number deleted. For the worker's periodic housekeeping."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=api_setting("CHANGES_RETENTION_DAYS"))
    with transaction.atomic():
        feed = ChangeFeed.locked()
        through = PartnerChange.objects.filter(created_at__lt=cutoff).aggregate(last=Max("pk"))["last"]
        if through is None:
            return 0
        deleted, _ = PartnerChange.objects.filter(pk__lte=through).delete()
        ChangeFeed.objects.filter(pk=feed.pk).update(pruned_through=max(through, feed.pruned_through))
    return deleted


# the feed ----------------------------------------------------------------------------------------

class CursorExpired(APIError):
    status_code = 410
    default_code = "cursor_expired"


@dataclass(frozen=True)
class Cursor:
    """Where a reader stands: after change `position`, and, while the snapshot a feed starts with is
    being read, after page `snapshot_after`. Opaque to partners (base64 of `1.position[.page]`)."""

    position: int
    snapshot_after: int | None = None

    PATTERN = re.compile(r"1\.(\d{1,19})(?:\.(\d{1,19}))?")
    ENCODED = re.compile(r"[A-Za-z0-9_-]{1,64}")  # as the OpenAPI document declares it

    def encode(self) -> str:
        text = f"1.{self.position}" + (f".{self.snapshot_after}" if self.snapshot_after is not None else "")
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        text = ""
        if cls.ENCODED.fullmatch(value):
            try:
                text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
            except (binascii.Error, ValueError):
                pass
        match = cls.PATTERN.fullmatch(text)
        if match is None:
            raise InvalidParameter("since", f"since must be a cursor this feed returned as `next`, got {value[:60]!r}.")
        return cls(int(match[1]), int(match[2]) if match[2] is not None else None)


def snapshot_pages(partner: Partner, after: int, limit: int) -> list[Page]:
    pages = honest(visible_to(Page.objects.type(*content_models()), partner)).filter(pk__gt=after)
    return list(pages.select_related("locale").order_by("pk")[:limit])


def read_feed(partner: Partner, cursor: Cursor | None, limit: int) -> dict:
    """`limit` entries of the partner's feed after `cursor` (None: from a snapshot of what it may
    see now, then every change since) with the cursor to continue from."""
    last_id, pruned_through = ChangeFeed.state()
    if cursor is None:
        cursor = Cursor(last_id, snapshot_after=0)
    if cursor.position > last_id:
        raise InvalidParameter("since", "since is ahead of this feed: use a cursor it returned as `next`.")
    if cursor.position < pruned_through:
        raise CursorExpired(
            "This cursor is older than the changes kept; start again without since (a fresh snapshot).",
            field="since")

    entries: list[dict] = []
    if cursor.snapshot_after is not None:
        pages = snapshot_pages(partner, cursor.snapshot_after, limit + 1)
        for page in pages[:limit]:
            entry = payload(PUBLISHED, "published", page, page.last_published_at)
            if entry is not None:
                entries.append(entry)
        if len(pages) > limit:
            following = Cursor(cursor.position, snapshot_after=pages[limit - 1].pk)
            return {"changes": entries, "next": following.encode(), "has_more": True}
        limit -= len(pages[:limit])

    rows = list(
        PartnerChange.objects.filter(partner=partner, pk__gt=cursor.position, pk__lte=last_id)
        .order_by("pk").values_list("pk", "payload")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    entries += [entry for _pk, entry in rows]
    if not has_more:
        position = last_id
    else:
        position = rows[-1][0] if rows else cursor.position
    return {"changes": entries, "next": Cursor(position).encode(), "has_more": has_more}


# signal receivers ----------------------------------------------------------------------------------

def on_page_published(sender, instance, **kwargs) -> None:
    announce([instance.pk], PUBLISH)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    # Wagtail unpublishes a live page in memory just before deleting it; partners get page.deleted then.
    if Page.objects.filter(pk=instance.pk, live=True).exists():
        return
    announce([instance.pk], UNPUBLISH)


def on_page_pre_delete(sender, instance, **kwargs) -> None:
    """Deletions are announced before the row goes, while audience and URL can still be read."""
    if isinstance(instance, Page) and registry.for_model(type(instance)) is not None:
        announce([instance.pk], DELETE)


def on_page_moved(sender, instance, **kwargs) -> None:
    announce(subtree_ids([instance.pk]), MOVE)


def on_restriction_changed(sender, instance, **kwargs) -> None:
    if instance.page_id:
        announce_after_commit("kulturhub-announce-restrictions", instance.page_id, RESTRICTION, subtrees=True)


def on_partner_link_changed(sender, instance, **kwargs) -> None:
    if instance.page_id:
        announce_after_commit("kulturhub-announce-sharing", instance.page_id, SHARING)


def on_partner_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created and not raw:
        seed_partner(instance)
