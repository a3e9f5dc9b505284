import datetime

from django.db.models import Case, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from plugins.funding.models import FundingDeadline, FundingPage, FundingStatus
from plugins.shared.selectors import content_pages


def with_status(queryset: QuerySet, day: datetime.date | None = None) -> QuerySet:
    """Annotates `funding_status` (open, upcoming, closed) and `next_deadline_on`, derived from the rounds."""
    day = day or timezone.localdate()
    rounds = FundingDeadline.objects.filter(page_id=OuterRef("pk"))
    open_round = rounds.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day), closes_on__gte=day)
    later_round = rounds.filter(opens_on__gt=day)
    return queryset.annotate(
        has_open_round=Exists(open_round),
        has_later_round=Exists(later_round),
        next_deadline_on=Min("deadlines__closes_on", filter=Q(deadlines__closes_on__gte=day)),
    ).annotate(
        funding_status=Case(
            When(Q(rolling=True) | Q(has_open_round=True), then=Value(FundingStatus.OPEN)),
            When(has_later_round=True, then=Value(FundingStatus.UPCOMING)),
            default=Value(FundingStatus.CLOSED),
        ),
        status_rank=Case(
            When(Q(rolling=True) | Q(has_open_round=True), then=Value(0)),
            When(has_later_round=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def funding(day: datetime.date | None = None, **kwargs) -> QuerySet[FundingPage]:
    """Visible funding information: open first, then upcoming, then closed; each by next deadline."""
    return (
        with_status(content_pages(FundingPage, **kwargs), day)
        .select_related("funder")
        .prefetch_related("deadlines", "related_projects__project")
        .order_by("status_rank", F("next_deadline_on").asc(nulls_last=True), "-last_published_at", "pk")
    )


def with_funding_status(queryset: QuerySet, status: str) -> QuerySet:
    return queryset.filter(funding_status=status)
