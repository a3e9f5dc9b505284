"""Loosely coupled reactions of the partner API: bump the versions of the content scopes whose answers
may have changed (invalidates their server-side cache and ETags, see caching.py), and allow CORS for
partners' origins."""

import logging

from django.db import DatabaseError, transaction
from wagtail.models import Page, PageViewRestriction, Site, TranslatableMixin

from frontend_api.partners import origin_or_none

logger = logging.getLogger("kulturhub.api")


def bump_scopes(scopes) -> None:
    """Bumps the versions of `scopes` (None: the global one, i.e. every answer) in the current transaction."""
    from frontend_api.caching import forget_content_version
    from frontend_api.models import ContentScope

    forget_content_version()
    transaction.on_commit(forget_content_version)  # readers in between may have re-read the old versions
    scopes = scopes if scopes is not None else [ContentScope.GLOBAL]
    for attempt in range(BUMP_ATTEMPTS):
        try:
            with transaction.atomic():
                ContentScope.bump(scopes)
            return
        except DatabaseError:
            if not scope_table_exists():  # during migrations, before the table exists: nothing is cached yet
                logger.warning("could not bump the API content versions", exc_info=True)
                return
            # Two transactions bumping overlapping scopes in different orders can deadlock; the victim's
            # savepoint is rolled back and tried again. A change must never commit without its bump (its
            # answers would stay cached), so the last failure fails the change.
            if attempt == BUMP_ATTEMPTS - 1:
                raise
            logger.warning("bumping the API content versions failed; trying again", exc_info=True)


BUMP_ATTEMPTS = 3


def scope_table_exists() -> bool:
    from django.db import connection

    from frontend_api.models import ContentScope

    return ContentScope._meta.db_table in connection.introspection.table_names()


def bump_content_version(**kwargs) -> None:
    """Everything changes: every answer is cold."""
    bump_scopes(None)


def page_scopes(page) -> set[str] | None:
    """The scopes whose answers a change of `page` (its publication, place, audience, translation
    state) can change: the lists of its type; the details of every page of its translation group
    (a detail answers in any locale of the group and lists the group's translations) and of the pages
    linking to one of them (Wagtail's reference index: related pages, rich-text links, page choosers,
    which show the linked page's title and URL). None -- every answer -- for a page the API does not
    serve (an index page: its children's URLs) and for a page with children (their URLs, restrictions
    and audience follow it)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from frontend_api import registry
    from frontend_api.caching import page_scope, type_scope
    from plugins.shared import content_types

    if page is None or getattr(page, "numchild", 0):
        return None
    model = page.specific_class if type(page) is Page else type(page)
    api = registry.for_model(model) if model is not None else None
    if api is None:
        return None
    group = {page.pk}
    if page.translation_key:
        group |= set(Page.objects.filter(translation_key=page.translation_key).values_list("pk", flat=True))
    page_type = ContentType.objects.get_for_model(Page)
    linking = ReferenceIndex.objects.filter(
        to_content_type=page_type, to_object_id__in=[str(pk) for pk in group], base_content_type=page_type
    ).values_list("object_id", flat=True)
    linking = {int(pk) for pk in linking}
    if linking:  # a detail answers in any locale of its group: the linking pages' translations answer too
        keys = Page.objects.filter(pk__in=linking).exclude(translation_key=None).values("translation_key")
        linking |= set(Page.objects.filter(translation_key__in=keys).values_list("pk", flat=True))
    pages = group | linking
    # the lists of its type, and of any type whose page model it derives from (they list it too)
    types = {d.api.name for d in content_types.all() if d.api is not None and issubclass(model, d.page_model)}
    return {*(type_scope(name) for name in sorted(types)), *(page_scope(pk) for pk in sorted(pages))}


def on_page_changed(sender, instance, **kwargs) -> None:
    """Published, unpublished or moved (the page's and its linked pages' URL)."""
    bump_scopes(page_scopes(instance))


def on_page_published(sender, instance, **kwargs) -> None:
    """Also brings the page's own links in Wagtail's reference index up to date now (Wagtail updates it
    on the task queue): a page it newly links to, published a moment later, must find it there."""
    from wagtail.models import ReferenceIndex

    try:
        with transaction.atomic():
            ReferenceIndex.create_or_update_for_object(instance)
    except DatabaseError:
        logger.warning("could not update the reference index of page %s", instance.pk, exc_info=True)
    on_page_changed(sender, instance, **kwargs)
    page_id = instance.pk
    transaction.on_commit(lambda: enqueue_preparing(page_id))


def enqueue_preparing(page_id: int) -> None:
    """Prepares the page's API items (and its translations') in the background once the publish is
    committed; losing this costs only speed (frontend_api.prepared builds on read)."""
    from frontend_api.tasks import prepare_pages

    try:
        prepare_pages.enqueue([page_id])
    except Exception:  # noqa: BLE001 - a queue outage must not fail a committed publish
        logger.warning("could not enqueue preparing the API items of page %s", page_id, exc_info=True)


def page_of(page_id: int | None):
    if page_id is None:
        return None
    return Page.objects.filter(pk=page_id).first()


def on_page_level_change(instance) -> None:
    page = page_of(instance.page_id)
    if page is not None:  # else the page is being deleted, which bumps its own scopes
        bump_scopes(page_scopes(page))


def is_content_model(instance) -> bool:
    """Changes to these alter API answers without a page being published: snippets (topics, regions,
    organisations, contacts …), images, documents, sites, partners. (A page's view restrictions,
    sharing and translation state are page-level: `page_level_model`.)"""
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage

    from plugins.shared.models import Partner

    if isinstance(instance, Page) or page_level_model(instance):
        return False  # drafts do not change answers; publish/unpublish/delete/move signals cover pages
    content_models = (TranslatableMixin, AbstractImage, AbstractDocument, Site, Partner)
    return isinstance(instance, content_models)


def page_level_model(instance) -> bool:
    """A page's view restrictions, its sharing with partners however it is changed (admin, import,
    shell; a publish rewrites it), and its translation's recorded state (whether it is answered as its
    language): they change the answers that show that page."""
    from plugins.shared.models import PagePartner, PageTranslationState

    return isinstance(instance, PageViewRestriction | PagePartner | PageTranslationState)


def on_model_saved_or_deleted(sender, instance, **kwargs) -> None:
    if page_level_model(instance):
        on_page_level_change(instance)
    elif is_content_model(instance):
        bump_content_version()


def on_page_deleted(sender, instance, **kwargs) -> None:
    """Sent for the base Page row and the specific row alike."""
    if isinstance(instance, Page):
        bump_scopes(page_scopes(instance))


def partner_origins(partner) -> set[str]:
    return {origin_or_none(origin) for origin in partner.origins} - {None}


def all_partner_origins() -> set[str]:
    from plugins.shared.models import Partner

    origins = set()
    for text in Partner.objects.filter(active=True).values_list("allowed_origins", flat=True):
        origins |= {origin_or_none(line) for line in text.splitlines() if line.strip()}
    return origins - {None}


def cors_allowed(sender, request, **kwargs) -> bool:
    """A keyed answer carries CORS headers only for its partner's origins; preflights and unkeyed
    answers (health, 401s) for any active partner's origins."""
    if not request.path_info.startswith("/api/"):
        return False
    origin = request.headers.get("Origin")
    if not origin:
        return False
    origin = origin_or_none(origin)
    if origin is None:
        return False
    partner = getattr(request, "kulturhub_partner", None)
    if partner is not None:
        return origin in partner_origins(partner)
    return origin in all_partner_origins()
