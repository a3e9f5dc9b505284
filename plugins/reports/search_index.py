"""How experience reports enter the search index."""

from plugins.reports.selectors import reports
from search.registry import IndexDefinition


class ExperienceReportIndex(IndexDefinition):
    selector = staticmethod(reports)
    extra_mapping = {
        "report_publication_date": {"type": "date", "format": "strict_date"},
    }

    def extra_text(self, page):
        return [text for text in (page.quote_text, page.quote_attribution) if text]

    def related_names(self, page):
        return [related for related in (page.author_name, page.author_organisation) if related]

    def period(self, page):
        return page.publication_date, page.publication_date

    def extra_fields(self, page):
        return {"report_publication_date": page.publication_date.isoformat()}

