"""The search's admin: synonyms and abbreviations per language (under Settings), promotions and query
insights (the Search menu, search.admin_views)."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from search.admin_views import SYNONYM_QUERY_PARAMETER, SearchAdminGroup
from search.models import SearchSynonym


class SearchSynonymCreateView(CreateView):
    """The add form, its terms prefilled from `?terms=` (the insights report's "add a synonym")."""

    def get_initial(self):
        initial = super().get_initial()
        terms = self.request.GET.get(SYNONYM_QUERY_PARAMETER, "").strip()
        if terms:
            initial["terms"] = terms
        return initial


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    add_to_settings_menu = True
    menu_order = 900
    list_display = ["terms", "language", "updated_at"]
    list_filter = ["language"]
    list_per_page = 100
    add_view_class = SearchSynonymCreateView


register_snippet(SearchSynonymViewSet)


@hooks.register("register_admin_viewset")
def register_search_admin():
    return SearchAdminGroup()


@hooks.register("register_permissions")
def search_insight_permissions():
    """"Can view search insight" in the admin's group editor: who may read the insights report."""
    return Permission.objects.filter(content_type__app_label="kulturhub_search", codename="view_searchinsight")
