"""The search app's admin screens (search.admin_views): promotions and query insights."""

from wagtail import hooks

from search.admin_views import SearchAdminGroup


@hooks.register("register_admin_viewset")
def register_search_admin():
    return SearchAdminGroup()
