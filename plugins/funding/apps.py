from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "plugins.funding"
    label = "funding"
    verbose_name = _("Funding opportunities")
    default_auto_field = "django.db.models.BigAutoField"
