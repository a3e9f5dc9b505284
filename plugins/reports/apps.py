from django.utils.translation import gettext_lazy as _

from plugins.shared import content_types


class ReportsConfig(content_types.ContentTypeConfig):
    name = "plugins.reports"
    label = "reports"
    verbose_name = _("Experience reports")
