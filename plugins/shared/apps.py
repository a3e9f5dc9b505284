from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SharedConfig(AppConfig):
    name = "plugins.shared"
    label = "shared"
    verbose_name = "Kulturhub: gemeinsame Inhalte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from plugins.shared.signal_handlers import ensure_site_after_migrate

        post_migrate.connect(ensure_site_after_migrate, sender=self, dispatch_uid="kulturhub-ensure-site")
