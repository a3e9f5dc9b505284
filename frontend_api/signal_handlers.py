"""Loosely coupled reactions of the partner API: bump the content version when anything an answer
shows may have changed (invalidates the server-side cache and every ETag), and allow CORS for
partners' origins."""

import logging

from django.db import DatabaseError, transaction
from wagtail.models import Page, PageViewRestriction, Site, TranslatableMixin

from frontend_api.partners import origin_or_none

logger = logging.getLogger("kulturhub.api")


def bump_content_version(**kwargs) -> None:
    from frontend_api.caching import forget_content_version
    from frontend_api.models import ContentVersion

    forget_content_version()
    transaction.on_commit(forget_content_version)  # readers in between may have re-read the old version
    try:
        with transaction.atomic():
            ContentVersion.bump()
    except DatabaseError:  # e.g. during migrations, before the table exists
        logger.warning("could not bump the API content version", exc_info=True)


def is_content_model(instance) -> bool:
    """Changes to these alter API answers without a page being published: snippets (topics, regions,
    organisations, contacts …), images, documents, view restrictions, sites, partners, a page's
    sharing however it is changed (admin, import, shell), and a translation's recorded state (whether
    it is answered as its language)."""
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage

    from plugins.shared.models import PagePartner, PageTranslationState, Partner

    if isinstance(instance, Page):
        return False  # drafts do not change answers; publish/unpublish/delete/move signals cover pages
    content_models = (
        TranslatableMixin, AbstractImage, AbstractDocument, PageViewRestriction, Site, Partner, PagePartner,
        PageTranslationState)
    return isinstance(instance, content_models)


def on_model_saved_or_deleted(sender, instance, **kwargs) -> None:
    if is_content_model(instance):
        bump_content_version()


def on_page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        bump_content_version()


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
