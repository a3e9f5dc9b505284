"""How events enter the search index: upcoming events rank above past ones."""

import datetime

from django.utils import timezone

from plugins.events.models import BERLIN
from plugins.events.selectors import events
from search.documents import stream_text
from search.registry import IndexDefinition


class EventIndex(IndexDefinition):
    selector = staticmethod(events)
    extra_mapping = {
        "event_start": {"type": "date"},
        "event_end": {"type": "date"},
        "event_all_day": {"type": "boolean"},
        "event_format": {"type": "keyword"},
    }

    def days(self, page) -> tuple[datetime.date, datetime.date]:
        start = timezone.localtime(page.start, BERLIN).date()
        return start, timezone.localtime(page.effective_end, BERLIN).date()

    def extra_text(self, page):
        texts = [page.venue, page.address, page.online_access, page.moderation]
        texts += stream_text(page, "agenda") + stream_text(page, "documentation")
        return [text for text in texts if text]

    def related_names(self, page):
        return [related for related in (page.organiser, page.series) if related is not None]

    def period(self, page):
        return self.days(page)

    def current_periods(self, page):
        return [(None, self.days(page)[1])]

    def extra_fields(self, page):
        return {
            "event_start": page.start.isoformat(),
            "event_end": page.effective_end.isoformat(),
            "event_all_day": page.all_day,
            "event_format": page.event_format,
        }

