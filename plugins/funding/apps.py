from django.utils.translation import gettext_lazy as _

from plugins.shared import content_types


class FundingConfig(content_types.ContentTypeConfig):
    name = "plugins.funding"
    label = "funding"
    verbose_name = _("Funding opportunities")
