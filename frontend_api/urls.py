"""/api/v1/: one list and one detail endpoint per registered content type, search, topics and regions,
the changes feed, drafts for partner previews, health, schema, docs.
Any other path below /api/v1/ answers a JSON 404."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from frontend_api import registry
from frontend_api.errors import not_found
from frontend_api.views.changes import ChangesView
from frontend_api.views.content import views_for
from frontend_api.views.health import HealthView
from frontend_api.views.page_ids import ID_PATTERN, PageIdConverter, UnknownIdView
from frontend_api.views.preview import PreviewView
from frontend_api.views.search import SearchView, SuggestView
from frontend_api.views.taxonomy import RegionListView, TopicListView

app_name = "frontend_api"
register_converter(PageIdConverter, "page_id")

content_patterns = []
for api in registry.content_types():
    list_view, detail_view = views_for(api)
    content_patterns += [
        path(f"{api.name}/", list_view.as_view(), name=f"{api.name}-list"),
        path(f"{api.name}/<page_id:id>/", detail_view.as_view(), name=f"{api.name}-detail"),
        re_path(rf"^{api.name}/(?P<id>{ID_PATTERN})/$", UnknownIdView.as_view(api=api)),
    ]

urlpatterns = [
    *content_patterns,
    path("search/", SearchView.as_view(), name="search"),
    path("search/suggest/", SuggestView.as_view(), name="search-suggest"),
    path("topics/", TopicListView.as_view(), name="topics-list"),
    path("regions/", RegionListView.as_view(), name="regions-list"),
    path("preview/", PreviewView.as_view(), name="preview"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("health/", HealthView.as_view(), name="health"),
    path(
        "schema/",
        SpectacularAPIView.as_view(),
        name="schema",
    ),
    path("docs/", SpectacularSwaggerView.as_view(url_name="frontend_api:schema"), name="docs"),
    re_path(r"^.*$", not_found),
]
