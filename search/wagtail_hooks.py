"""The search's admin: synonyms and abbreviations per language, under Settings."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    add_to_settings_menu = True
    menu_order = 900
    list_display = ["terms", "language", "updated_at"]
    list_filter = ["language"]
    list_per_page = 100


register_snippet(SearchSynonymViewSet)
