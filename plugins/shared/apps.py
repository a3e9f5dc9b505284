from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SharedConfig(AppConfig):
    name = "plugins.shared"
    label = "shared"
    verbose_name = _("Kulturhub: shared content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        from plugins.shared.signal_handlers import ensure_site_after_migrate
        from plugins.shared.signal_handlers import page_published as record_translation_state

        post_migrate.connect(ensure_site_after_migrate, sender=self, dispatch_uid="kulturhub-ensure-site")
        page_published.connect(record_translation_state, dispatch_uid="kulturhub-translation-state")
