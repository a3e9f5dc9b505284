"""Which pages a partner may see: the one rule behind lists, details, search and suggestions.

A page is visible to a partner when it is live, has no view restriction (on itself or an ancestor),
and is shared with that partner -- a page shared with no partner in particular is shared with all.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction

from plugins.shared import statements
from plugins.shared.models import PagePartner, PageTranslationState, Partner
from plugins.shared.statements import StandIns

ALL_PARTNERS = "all"


def restricted():
    """A view restriction on the outer page or one of its ancestors (a restricted page's path is a
    prefix of the paths below it). As a subquery, unlike Wagtail's `public()`, which first loads every
    restriction and then filters with one OR-ed condition per restriction."""
    return Exists(
        PageViewRestriction.objects.annotate(depth_chars=Length("page__path")).filter(
            page__path=Substr(OuterRef("path"), 1, F("depth_chars"))
        )
    )


def visible_to(queryset: QuerySet, partner: Partner | None) -> QuerySet:
    """Narrows a page queryset to what `partner` may see; `None` means no partner at all (nothing
    partner-specific: only pages shared with every partner)."""
    queryset = queryset.live().filter(~restricted())
    shared_with_some = Exists(PagePartner.objects.filter(page_id=OuterRef("pk")))
    if partner is None:
        return queryset.filter(~shared_with_some)
    shared_with_partner = Exists(PagePartner.objects.filter(page_id=OuterRef("pk"), partner_id=partner.pk))
    return queryset.filter(~shared_with_some | shared_with_partner)


class Facts(NamedTuple):
    """What decides a page's visibility to one partner, as `visible_to` and `honest` read it."""

    visible: bool  # visible_to(partner): live, unrestricted, shared with it (or with no one in particular)
    honest: bool  # not recorded as a translation published with untranslated text
    shared_with_some: bool  # shared with particular partners (so not every partner sees the same)


def visibility_facts(page_ids: Collection[int], partner: Partner | None) -> dict[int, Facts]:
    """The same rule as `visible_to` and `honest`, for many pages in one query: {page id: Facts} (pages
    that do not exist are left out). Compiled once per number of pages (plugins.shared.statements)."""
    page_ids = sorted(set(page_ids))
    if not page_ids:
        return {}

    def build(stand_ins: StandIns):
        ids = stand_ins.numbers("ids", len(page_ids))
        shared_with_some = Exists(PagePartner.objects.filter(page_id=OuterRef("pk")))
        shared_with_partner = (
            Exists(PagePartner.objects.filter(page_id=OuterRef("pk"), partner_id=stand_ins.number("partner")))
            if partner is not None else Value(False))
        unfinished = Exists(PageTranslationState.objects.filter(page_id=OuterRef("pk"), complete=False))
        return (Page.objects.filter(pk__in=ids).order_by()
                .annotate(is_restricted=restricted(), shared_some=shared_with_some, shared_me=shared_with_partner,
                          unfinished=unfinished)
                .values_list("pk", "live", "is_restricted", "shared_some", "shared_me", "unfinished"))

    rows = statements.run(("visibility_facts", len(page_ids), partner is None), build,
                          {"ids": page_ids, "partner": partner.pk if partner is not None else None})
    return {
        pk: Facts(bool(live and not is_restricted and (not shared_some or shared_me)), not unfinished,
                  bool(shared_some))
        for pk, live, is_restricted, shared_some, shared_me, unfinished in rows
    }


def draft_visible_to(draft, partner: Partner) -> bool:
    """Whether `partner` could see the in-memory `draft` (a revision) once published: its sharing as the
    draft has it, the view restrictions as stored on the page and its ancestors."""
    shared_with = {link.partner_id for link in draft.partner_links.all()}
    if shared_with and partner.pk not in shared_with:
        return False
    return not type(draft).objects.filter(pk=draft.pk).filter(restricted()).exists()


def honest(queryset: QuerySet) -> QuerySet:
    """Narrows a page queryset to honest versions: no page recorded as published with untranslated text.
    (Liveness comes from the caller's visibility filter.)"""
    return queryset.filter(~Exists(PageTranslationState.objects.filter(page_id=OuterRef("pk"), complete=False)))


def audiences(page_ids: Collection[int]) -> dict[int, frozenset[int]]:
    """The same rule seen from the pages' side: for each page id, the ids of the partners (active or
    not) that may see it now as what it is; an empty set for pages nobody may see, that no longer exist,
    or that are translations published unfinished (the API answers those with their source)."""
    visible = set(
        honest(Page.objects.filter(pk__in=page_ids).live().filter(~restricted())).values_list("pk", flat=True)
    )
    shares: dict[int, set[int]] = defaultdict(set)
    for page_id, partner_id in PagePartner.objects.filter(page_id__in=visible).values_list("page_id", "partner_id"):
        shares[page_id].add(partner_id)
    everyone: frozenset[int] | None = None
    result = {}
    for page_id in page_ids:
        if page_id not in visible:
            result[page_id] = frozenset()
        elif shares[page_id]:
            result[page_id] = frozenset(shares[page_id])
        else:
            if everyone is None:
                everyone = frozenset(Partner.objects.values_list("pk", flat=True))
            result[page_id] = everyone
    return result


def partner_keys(page, partner_links: Iterable | None = None) -> list[str]:
    """The page's audience as stored in search documents: partner ids, or ["all"]; `partner_links`:
    the page's links when the caller has them already."""
    partner_links = page.partner_links.all() if partner_links is None else partner_links
    ids = sorted({str(link.partner_id) for link in partner_links})
    return ids or [ALL_PARTNERS]


def is_visible_to(page, partner: Partner | None) -> bool:
    return visible_to(type(page).objects.filter(pk=page.pk), partner).exists()


__all__ = ["ALL_PARTNERS", "Facts", "audiences", "draft_visible_to", "honest", "is_visible_to", "partner_keys",
           "visibility_facts", "visible_to"]
