"""Dashboard panel: the next application deadlines, so editors miss none."""

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from plugins.funding.models import FundingDeadline


class UpcomingDeadlinesPanel(Component):
    name = "kulturhub_upcoming_deadlines"
    order = 51
    template_name = "funding/admin/deadlines_panel.html"

    def get_context_data(self, parent_context=None):
        deadlines = (
            FundingDeadline.objects.filter(page__locale=Locale.get_default(), closes_on__gte=timezone.localdate())
            .select_related("page")
            .order_by("closes_on")
        )
        return {"deadlines": deadlines[:5]}
