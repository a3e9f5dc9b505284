"""How projects enter the search index."""

from plugins.projects.selectors import projects
from search.documents import stream_text
from search.registry import IndexDefinition


class ProjectIndex(IndexDefinition):
    selector = staticmethod(projects)
    extra_mapping = {
        "project_status": {"type": "keyword"},
    }

    def extra_text(self, page):
        return stream_text(page, "goals")

    def related_names(self, page):
        organisations = [p.organisation for p in page.participants.all()]
        organisations += [f.organisation for f in page.funders.all()]
        return organisations

    def period(self, page):
        if page.start_date:
            return page.start_date, page.end_date
        return super().period(page)

    def extra_fields(self, page):
        return {"project_status": page.status}

