from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from plugins.shared import admin_i18n  # noqa: F401  (its hooks: the admin's strings in the editor's language)
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
