"""Wagtail and model signals that enqueue index updates (and bump the search's tuning version when
editors change synonyms or promotions); connected once in `SearchConfig.ready()`.

Handlers only enqueue (a row in the task table, inside the editor's transaction, so it commits or
rolls back with the change); they never talk to OpenSearch, and a failure to enqueue is logged
rather than failing the editor's request.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import ForeignObjectRel
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction, TranslatableMixin
from wagtail.signals import page_published, page_unpublished, post_page_move

from plugins.shared.commit_batches import collect_on_commit
from plugins.shared.models import PagePartner, Partner
from search import client, registry

logger = logging.getLogger("kulturhub.search")
DISPATCH_PREFIX = "kulturhub-search-"


def enqueue(task_obj, *args, **kwargs) -> None:
    try:
        with transaction.atomic():
            task_obj.enqueue(*args, **kwargs)
    except Exception:
        logger.exception("could not enqueue the search index update %s%r", task_obj.name, args)


def is_indexed(page) -> bool:
    model = page.specific_class if type(page) is Page else type(page)
    return model is not None and registry.for_model(model) is not None


def alias_of(page) -> str | None:
    model = page.specific_class if type(page) is Page else type(page)
    definition = registry.for_model(model) if model else None
    if definition is None or not page.locale_id:
        return None
    return client.alias_name(definition.type, page.locale.language_code)


def page_changed(sender, instance, **kwargs) -> None:
    """Publish and unpublish (translations synced by wagtail-localize are published the same way)."""
    from search.tasks import update_pages, update_subtree

    if is_indexed(instance):
        enqueue(update_pages, [instance.pk])
    elif Page.objects.descendant_of(instance).exists():
        enqueue(update_subtree, instance.pk)  # a parent's slug or status changes its children's URLs


def page_moved(sender, instance, **kwargs) -> None:
    from search.tasks import update_subtree

    enqueue(update_subtree, instance.pk)


def page_deleted(sender, instance, **kwargs) -> None:
    """Sent for the base Page row and the specific row alike; one update per page is enough."""
    from search.tasks import update_pages

    if not isinstance(instance, Page) or type(instance) is Page or not is_indexed(instance):
        return
    alias = alias_of(instance)
    enqueue(update_pages, [instance.pk], {str(instance.pk): alias} if alias else None)


def restriction_changed(sender, instance, **kwargs) -> None:
    from search.tasks import update_subtree

    if instance.page_id:
        enqueue(update_subtree, instance.page_id)


def sharing_changed(sender, instance, **kwargs) -> None:
    """A page's partners are its documents' audience; changed row by row (a publish rewrites them all,
    an import or a shell may change any), so the page is updated once, when the transaction commits."""
    from search.tasks import update_pages

    if instance.page_id:
        collect_on_commit("kulturhub-search-sharing", instance.page_id, lambda ids: enqueue(update_pages, ids))


def referencing_pages(instance, depth: int = 2) -> set[int]:
    """Ids of the pages whose documents show `instance` (in any of its languages: page links to
    snippets are synchronised to one language version): pages with a foreign key to it, pages with a
    child row pointing at it (project participants, page topics …), and, `depth` levels further, the
    pages showing a snippet that points at it (the contacts of a renamed organisation)."""
    model = instance._meta.concrete_model
    versions = model.objects.filter(translation_key=instance.translation_key).values("pk")
    page_ids: set[int] = set()
    for relation in model._meta.get_fields(include_hidden=True):  # hidden: related_name="+"
        if not isinstance(relation, ForeignObjectRel) or not (relation.one_to_many or relation.one_to_one):
            continue  # only the reverse side of foreign keys pointing here
        source, field = relation.related_model, relation.field.name
        rows = source._default_manager.filter(**{f"{field}__in": versions})
        if issubclass(source, Page):
            page_ids.update(rows.values_list("pk", flat=True))
        elif any(f.name == "page" and f.is_relation and issubclass(f.related_model, Page)
                 for f in source._meta.concrete_fields):
            page_ids.update(rows.values_list("page_id", flat=True))
        elif depth > 1 and issubclass(source, TranslatableMixin):
            for linked in rows.only("pk", "translation_key"):
                page_ids |= referencing_pages(linked, depth - 1)
    return page_ids


def snippet_changed(sender, instance, **kwargs) -> None:
    """A renamed organisation, topic, region, contact or series changes the documents of the pages
    that show it, in every language."""
    from search.tasks import update_pages

    page_ids = sorted(referencing_pages(instance))
    if page_ids:
        enqueue(update_pages, page_ids)


def snippet_deleted(sender, instance, **kwargs) -> None:
    """Collected before the row goes (its links go with it, or are set to null without signals);
    the pages are updated once the deletion commits."""
    from search.tasks import update_pages

    page_ids = sorted(referencing_pages(instance))
    if page_ids:
        transaction.on_commit(lambda: enqueue(update_pages, page_ids))


def snippet_models() -> list[type]:
    """Translatable models that are not pages: the snippets pages show (topics, organisations …)."""
    from django.apps import apps

    return [
        model for model in apps.get_models()
        if issubclass(model, TranslatableMixin) and not issubclass(model, Page) and not model._meta.abstract
    ]


def partner_deleted(sender, instance, **kwargs) -> None:
    """Pages shared only with a deleted partner become shared with every partner (the visibility
    rule): their documents' audience changes."""
    from search.tasks import update_pages

    page_ids = list(PagePartner.objects.filter(partner=instance).values_list("page_id", flat=True).distinct())
    if page_ids:
        transaction.on_commit(lambda: enqueue(update_pages, page_ids))


def connect() -> None:
    page_published.connect(page_changed, dispatch_uid=DISPATCH_PREFIX + "published")
    page_unpublished.connect(page_changed, dispatch_uid=DISPATCH_PREFIX + "unpublished")
    post_page_move.connect(page_moved, dispatch_uid=DISPATCH_PREFIX + "moved")
    post_delete.connect(page_deleted, dispatch_uid=DISPATCH_PREFIX + "deleted")
    post_save.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid=DISPATCH_PREFIX + "restricted"
    )
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid=DISPATCH_PREFIX + "unrestricted"
    )
    post_save.connect(sharing_changed, sender=PagePartner, dispatch_uid=DISPATCH_PREFIX + "shared")
    post_delete.connect(sharing_changed, sender=PagePartner, dispatch_uid=DISPATCH_PREFIX + "unshared")
    for model in snippet_models():
        uid = f"{DISPATCH_PREFIX}{model._meta.label_lower}"
        post_save.connect(snippet_changed, sender=model, dispatch_uid=uid)
        pre_delete.connect(snippet_deleted, sender=model, dispatch_uid=uid + "-deleted")
    pre_delete.connect(partner_deleted, sender=Partner, dispatch_uid=DISPATCH_PREFIX + "partner-deleted")
    connect_tuning()


def connect_tuning() -> None:
    """Every save or delete of a synonym, a promotion or a promoted page bumps the tuning version, in
    its transaction: every process's next search uses it (`search.tuning`)."""
    from search import tuning
    from search.models import PromotedPage, Promotion, SearchSynonym

    for model in (SearchSynonym, Promotion, PromotedPage):
        uid = f"{DISPATCH_PREFIX}tuning-{model._meta.model_name}"
        post_save.connect(tuning.changed, sender=model, dispatch_uid=uid)
        post_delete.connect(tuning.changed, sender=model, dispatch_uid=uid + "-deleted")
