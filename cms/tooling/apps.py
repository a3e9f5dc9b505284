from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolingConfig(AppConfig):
    """What stands above the content types and may know them all: demo content, importers, the
    dashboard panels' registration and the demo partner site."""

    name = "cms.tooling"
    label = "tooling"
    verbose_name = _("Kulturhub: tools")
    default_auto_field = "django.db.models.BigAutoField"
