from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "plugins.funding"
    label = "funding"
    verbose_name = "Förderinformationen"
    default_auto_field = "django.db.models.BigAutoField"
