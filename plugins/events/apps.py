from django.utils.translation import gettext_lazy as _

from plugins.shared import content_types


class EventsConfig(content_types.ContentTypeConfig):
    name = "plugins.events"
    label = "events"
    verbose_name = _("Events")
