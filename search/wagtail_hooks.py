"""The search's admin: one "Search" menu with synonyms and abbreviations per language, promotions and
query insights (search.admin_views)."""

from django.contrib.auth.models import Permission
from wagtail import hooks

from search.admin_views import SearchAdminGroup


@hooks.register("register_admin_viewset")
def register_search_admin():
    return SearchAdminGroup()


@hooks.register("register_permissions")
def search_insight_permissions():
    """ "Can view search insight" in the admin's group editor: who may read the insights report."""
    return Permission.objects.filter(content_type__app_label="kulturhub_search", codename="view_searchinsight")
