from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontendApiConfig(AppConfig):
    name = "frontend_api"
    verbose_name = _("Partner API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from corsheaders.signals import check_request_enabled
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from frontend_api.authentication import forget_keys
        from frontend_api.models import PartnerAPIKey
        from frontend_api.signal_handlers import (
            cors_allowed,
            on_model_saved_or_deleted,
            on_page_changed,
            on_page_deleted,
            on_page_published,
        )
        from plugins.shared.models import Partner

        page_published.connect(on_page_published, dispatch_uid="kulturhub-api-published")
        page_unpublished.connect(on_page_changed, dispatch_uid="kulturhub-api-unpublished")
        post_page_move.connect(on_page_changed, dispatch_uid="kulturhub-api-moved")
        post_delete.connect(on_page_deleted, dispatch_uid="kulturhub-api-page-deleted")
        post_save.connect(on_model_saved_or_deleted, dispatch_uid="kulturhub-api-saved")
        post_delete.connect(on_model_saved_or_deleted, dispatch_uid="kulturhub-api-deleted")
        check_request_enabled.connect(cors_allowed, dispatch_uid="kulturhub-api-cors")
        for model in (PartnerAPIKey, Partner):
            uid = f"kulturhub-api-keys-{model.__name__}"
            post_save.connect(forget_keys, sender=model, dispatch_uid=f"{uid}-saved")
            post_delete.connect(forget_keys, sender=model, dispatch_uid=f"{uid}-deleted")

        from django.db.models.signals import pre_delete
        from wagtail.models import PageViewRestriction

        from frontend_api import changes
        from plugins.shared.models import PagePartner

        page_published.connect(changes.on_page_published, dispatch_uid="kulturhub-changes-published")
        page_unpublished.connect(changes.on_page_unpublished, dispatch_uid="kulturhub-changes-unpublished")
        pre_delete.connect(changes.on_page_pre_delete, dispatch_uid="kulturhub-changes-deleted")
        post_page_move.connect(changes.on_page_moved, dispatch_uid="kulturhub-changes-moved")
        for signal, suffix in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(changes.on_restriction_changed, sender=PageViewRestriction,
                           dispatch_uid=f"kulturhub-changes-restriction-{suffix}")
            signal.connect(changes.on_partner_link_changed, sender=PagePartner,
                           dispatch_uid=f"kulturhub-changes-sharing-{suffix}")
        post_save.connect(changes.on_partner_saved, sender=Partner, dispatch_uid="kulturhub-changes-new-partner")
