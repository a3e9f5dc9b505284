"""How funding information enters the search index: open calls rank above upcoming, upcoming above
closed, judged on the day of the search from the application rounds."""

import datetime

from plugins.funding.selectors import funding
from search.registry import IndexDefinition


class FundingIndex(IndexDefinition):
    selector = staticmethod(funding)
    extra_mapping = {
        "funding_status": {"type": "keyword"},
        "funding_rolling": {"type": "boolean"},
        "funding_deadlines": {"type": "date", "format": "strict_date"},
        "funding_kind": {"type": "keyword"},
    }

    def extra_text(self, page):
        return [text for text in (page.programme, page.eligible_applicants) if text]

    def related_names(self, page):
        return [page.funder] if page.funder_id else []

    def period(self, page):
        rounds = list(page.deadlines.all())
        if not rounds:
            return super().period(page)
        starts = [r.opens_on or r.closes_on for r in rounds]
        return min(starts), max(r.closes_on for r in rounds)

    def current_periods(self, page):
        if page.rolling:
            return [(None, None)]
        return [(r.opens_on, r.closes_on) for r in page.deadlines.all()]

    def coming_periods(self, page):
        return [(None, r.opens_on - datetime.timedelta(days=1)) for r in page.deadlines.all() if r.opens_on]

    def extra_fields(self, page):
        return {
            # As of indexing; ranking and filters use the rounds themselves, which do not go stale.
            "funding_status": getattr(page, "funding_status", None) or page.status,
            "funding_rolling": page.rolling,
            "funding_deadlines": [r.closes_on.isoformat() for r in page.deadlines.all()],
            "funding_kind": page.kind,
        }

