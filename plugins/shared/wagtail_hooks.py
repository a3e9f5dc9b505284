from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from plugins.shared.models import ContactPerson, Organisation, Region, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ContactPersonViewSet(SnippetViewSet):
    model = ContactPerson
    icon = "user"
    list_display = ["name", "role", "organisation"]
    search_fields = ["name"]


class MasterDataGroup(SnippetViewSetGroup):
    menu_label = _("Master data")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (OrganisationViewSet, ContactPersonViewSet, TopicViewSet, RegionViewSet)


register_snippet(MasterDataGroup)


class UpcomingPanel(Component):
    """Dashboard: what editors must not miss -- the next events and application deadlines."""

    name = "kulturhub_upcoming"
    order = 50
    template_name = "shared/admin/upcoming_panel.html"

    def get_context_data(self, parent_context=None):
        from plugins.events.models import EventPage
        from plugins.funding.models import FundingDeadline

        now = timezone.now()
        events = (
            EventPage.objects.filter(locale__language_code="de", start__gte=now)
            .order_by("start")[:5]
        )
        deadlines = (
            FundingDeadline.objects.filter(page__locale__language_code="de", closes_on__gte=timezone.localdate())
            .select_related("page")
            .order_by("closes_on")[:5]
        )
        return {"events": events, "deadlines": deadlines}


@hooks.register("construct_homepage_panels")
def add_upcoming_panel(request, panels):
    panels.append(UpcomingPanel())
