import datetime
import operator
from functools import reduce

from django.db.models import Case, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from plugins.funding.models import STATUS_RULES, FundingDeadline, FundingPage, FundingStatus
from plugins.shared.selectors import content_pages


def with_status(queryset: QuerySet, day: datetime.date | None = None) -> QuerySet:
    """Annotates `funding_status` (open, upcoming, closed) and `next_deadline_on`, derived from the rounds."""
    day = day or timezone.localdate()
    rounds = FundingDeadline.objects.filter(page_id=OuterRef("pk"))
    facts = {"rolling": Q(rolling=True), "open_round": Q(has_open_round=True), "later_round": Q(has_later_round=True)}
    holds = [reduce(operator.or_, (facts[fact] for fact in any_of)) for _status, any_of in STATUS_RULES]
    return queryset.annotate(
        has_open_round=Exists(rounds.filter(FundingDeadline.open_on_q(day))),
        has_later_round=Exists(rounds.filter(FundingDeadline.opens_later_q(day))),
        next_deadline_on=Min("deadlines__closes_on", filter=Q(deadlines__closes_on__gte=day)),
    ).annotate(
        funding_status=Case(
            *(When(condition, then=Value(status)) for condition, (status, _) in zip(holds, STATUS_RULES, strict=True)),
            default=Value(FundingStatus.CLOSED),
        ),
        status_rank=Case(
            *(When(condition, then=Value(rank)) for rank, condition in enumerate(holds)),
            default=Value(len(holds)),
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
