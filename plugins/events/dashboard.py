"""Dashboard panel: the next events, so editors miss none."""

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from plugins.events.models import EventPage


class UpcomingEventsPanel(Component):
    name = "kulturhub_upcoming_events"
    order = 50
    template_name = "events/admin/upcoming_panel.html"

    def get_context_data(self, parent_context=None):
        events = EventPage.objects.filter(locale=Locale.get_default(), start__gte=timezone.now()).order_by("start")
        return {"events": events[:5]}
