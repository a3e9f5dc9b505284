"""Reads shared by the four content types; the API and the search index both build on these."""

from django.db.models import Exists, OuterRef, QuerySet
from wagtail.models import Locale

from plugins.shared.models import PageRegion, PageTopic, Partner, Region
from plugins.shared.visibility import visible_to

SHARED_PREFETCH = (
    "topic_links__topic",
    "region_links__region",
    "contact_links__contact__organisation",
    "partner_links",
)


def content_pages(model, *, partner: Partner | None = None, locale: Locale | str | None = None,
                  restrict_to_partner: bool = True,
                  shared_prefetch: tuple[str, ...] = SHARED_PREFETCH) -> QuerySet:
    """Live, public pages of `model` that `partner` may see, with what serializers and indexers need
    (`shared_prefetch`: the shared relations to prefetch; the API batch-loads topics and regions itself)."""
    queryset = model.objects.all()
    queryset = visible_to(queryset, partner) if restrict_to_partner else queryset.live().public()
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
