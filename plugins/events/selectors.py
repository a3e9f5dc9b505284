import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from plugins.events.models import BERLIN, EventPage
from plugins.shared.selectors import content_pages


def events(**kwargs) -> QuerySet[EventPage]:
    """Visible events by start, earliest first; kwargs as `content_pages`."""
    return (
        content_pages(EventPage, **kwargs)
        .select_related("organiser", "series")
        .order_by("start", "pk")
    )


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=BERLIN)


def between(queryset: QuerySet, date_from: datetime.date | None, date_to: datetime.date | None) -> QuerySet:
    """Events that take place (at least partly) between the two days, both inclusive, Berlin time."""
    queryset = queryset.annotate(effective_end_at=Coalesce("end", "start"))
    if date_from:
        queryset = queryset.filter(effective_end_at__gte=day_start(date_from))
    if date_to:
        queryset = queryset.filter(start__lt=day_start(date_to + datetime.timedelta(days=1)))
    return queryset


def upcoming(queryset: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Events that have not ended yet (all-day events last until the end of their day)."""
    now = now or timezone.now()
    today_start = day_start(timezone.localtime(now, BERLIN).date())
    return queryset.filter(
        Q(end__gte=now) | Q(end__isnull=True, start__gte=now) | Q(end__isnull=True, all_day=True,
                                                                  start__gte=today_start)
    )
