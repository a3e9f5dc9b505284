from search.registry import IndexDefinition
from tests.joboffers.selectors import job_offers


class JobOfferIndex(IndexDefinition):
    selector = staticmethod(job_offers)
    extra_mapping = {"job_closes_on": {"type": "date", "format": "strict_date"}}

    def extra_text(self, page):
        return [page.workplace]

    def related_names(self, page):
        return [page.employer] if page.employer else []

    def current_periods(self, page):
        return [(None, page.closes_on)]

    def extra_fields(self, page):
        return {"job_closes_on": page.closes_on.isoformat()}
