from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plugins.reports"
    label = "reports"
    verbose_name = "Erfahrungsberichte"
    default_auto_field = "django.db.models.BigAutoField"
