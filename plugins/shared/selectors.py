"""Reads shared by the four content types; the API and the search index both build on these."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from wagtail.models import Locale, Page

from plugins.shared.models import PageRegion, PageTopic, PageTranslationState, Partner, Region
from plugins.shared.visibility import Facts, honest, visible_to

SHARED_PREFETCH = (
    "topic_links__topic",
    "region_links__region",
    "contact_links__contact__organisation",
    "partner_links",
)


def content_pages(model, *, partner: Partner | None = None, locale: Locale | str | None = None,
                  restrict_to_partner: bool = True,
                  shared_prefetch: tuple[str, ...] = SHARED_PREFETCH) -> QuerySet:
    """Live, public, honestly translated pages of `model` that `partner` may see, with what serializers
    and indexers need (`shared_prefetch`: the shared relations to prefetch; the API batch-loads topics
    and regions itself)."""
    queryset = model.objects.all()
    queryset = visible_to(queryset, partner) if restrict_to_partner else queryset.live().public()
    queryset = honest(queryset)
    if locale is not None:
        code = locale.language_code if isinstance(locale, Locale) else locale
        queryset = queryset.filter(locale__language_code=code)
    return queryset.select_related("locale", "lead_image").prefetch_related(*shared_prefetch)


def with_topic(queryset: QuerySet, slug: str) -> QuerySet:
    # Exists rather than a join: no duplicate rows, so no DISTINCT (which would also clash with window
    # functions and ordering by annotations).
    return queryset.filter(Exists(PageTopic.objects.filter(page_id=OuterRef("pk"), topic__slug=slug)))


def region_slugs_within(slug: str) -> set[str]:
    """The region and every region inside it (Sachsen -> Landkreis Meißen -> Meißen)."""
    regions = list(Region.objects.values_list("pk", "slug", "parent_id"))
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, region_slug, parent_id in regions:
        children.setdefault(parent_id, []).append((pk, region_slug))
    found, queue = {slug}, [pk for pk, region_slug, _parent in regions if region_slug == slug]
    while queue:
        for child_pk, child_slug in children.get(queue.pop(), []):
            if child_slug not in found or child_pk not in queue:
                found.add(child_slug)
                queue.append(child_pk)
    return found


def with_region(queryset: QuerySet, slug: str) -> QuerySet:
    return queryset.filter(Exists(PageRegion.objects.filter(page_id=OuterRef("pk"),
                                                            region__slug__in=region_slugs_within(slug))))


# -- honest translations --------------------------------------------------------------------------------
# The one rule behind API answers and search indexing, so they cannot drift: a page in locale X is
# presented as X only when it is live and either not a wagtail-localize translation at all (the source,
# or written directly in X) or a translation that had no untranslated segments when last published.
# The state is written on publish (plugins.shared.translation.record_publication): reading it is one
# indexed lookup per page, not a count of segments.


def translation_outdated_ids(page_ids) -> set[int]:
    """Those of the pages whose source was republished with changes since they were last published."""
    return set(PageTranslationState.objects.filter(page_id__in=list(page_ids), outdated=True)
               .values_list("page_id", flat=True))


def presentable(partner: Partner | None) -> QuerySet:
    """Every page `partner` may see in its language: visible and honest (any type)."""
    return honest(visible_to(Page.objects.all(), partner))


def in_locale_or_fallback(queryset: QuerySet, locale: str, partner: Partner | None) -> QuerySet:
    """One page per translation group: its honest version in `locale`, else -- answered as a fallback in
    its own language -- the group's source (its earliest created version: translations are created from
    it), when `partner` may see it. A group whose source the key may not see (restricted, unpublished,
    shared elsewhere) has no fallback: a translation never stands in for its source. `queryset` must
    already be narrowed to presentable pages."""
    group = presentable(partner).filter(translation_key=OuterRef("translation_key"))
    in_locale = Q(locale__language_code=locale)
    has_locale_version = Exists(group.filter(locale__language_code=locale))
    has_earlier_version = Exists(Page.objects.filter(translation_key=OuterRef("translation_key"),
                                                     pk__lt=OuterRef("pk")))
    return queryset.filter(in_locale | (~has_locale_version & ~has_earlier_version))


def answering_page(pk: int, requested: str | None, group: list, facts: dict[int, Facts]) -> tuple[int, bool] | None:
    """Which page a detail of page `pk` answers for a partner, and whether as a fallback -- the detail's side of
    `in_locale_or_fallback`, the one rule for details read from prepared items and built on the spot.
    `group`: [(page id, locale code), ...] of `pk`'s translation group; `facts`: their visibility to the
    partner. Without `requested`: `pk` itself when the partner may see it as what it is. With it: the group's
    honest version in that locale the partner may see (the earliest when several). Otherwise a fallback: `pk`
    itself when presentable; or, when `pk` is an unfinished translation the partner may see, the group's source
    (its earliest version) when presentable. None: nothing the partner may see."""
    shown = {member for member, fact in facts.items() if fact.visible and fact.honest}
    if requested is None and pk in shown:
        return pk, False
    by_locale = {}
    for member, code in sorted(group, key=lambda entry: -entry[0]):  # so the earliest per locale wins
        if member in shown:
            by_locale[code] = member
    if requested in by_locale:
        return by_locale[requested], False
    if pk in shown:
        return pk, True
    fact = facts.get(pk)
    if by_locale and fact is not None and fact.visible:
        source = min(member for member, _code in group)
        if source in shown:
            return source, True
    return None
