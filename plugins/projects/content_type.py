"""The projects content type: what the hub needs to know about it (see plugins.shared.content_types)."""

from plugins.shared.content_types import ContentTypeDescriptor, IndexPage


def describe() -> ContentTypeDescriptor:
    from plugins.projects.api import ProjectsAPI
    from plugins.projects.models import ProjectIndexPage, ProjectPage
    from plugins.projects.search_index import ProjectIndex

    return ContentTypeDescriptor(
        name="projects",
        page_model=ProjectPage,
        index_model=ProjectIndexPage,
        index_pages={"de": IndexPage("Projekte", "projekte"), "en": IndexPage("Projects", "projects")},
        labels={"de": ("Projekt", "Projekte"), "en": ("Project", "Projects")},
        search_index=ProjectIndex(),
        api=ProjectsAPI(),
        factory="plugins.projects.factories.ProjectPageFactory",
        demo="plugins.projects.demo",
        order=10,
    )
