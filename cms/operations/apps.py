from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the hub unattended: the worker's periodic jobs (scheduled publishing, recovery of tasks
    whose worker died, index reconciliation) and worker liveness. Top layer: it may know every app."""

    name = "cms.operations"
    label = "operations"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"
