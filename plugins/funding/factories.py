import datetime

import factory

from plugins.funding.models import FundingDeadline, FundingPage
from plugins.shared.factories import ContentPageFactory


class FundingPageFactory(ContentPageFactory):
    """`rounds` takes (opens_on, closes_on) pairs."""

    class Meta:
        model = FundingPage

    title = factory.Sequence(lambda n: f"Förderprogramm {n}")
    kind = FundingPage.Kind.GRANT

    @classmethod
    def _create(cls, model_class, *args, rounds=(), **kwargs):
        kwargs.setdefault("rolling", not rounds)
        deadlines = [FundingDeadline(opens_on=o, closes_on=c, sort_order=i) for i, (o, c) in enumerate(rounds)]
        return super()._create(model_class, *args, deadlines=deadlines, **kwargs)


def a_round(days_from_now_open: int, days_from_now_close: int) -> tuple[datetime.date, datetime.date]:
    today = datetime.date.today()
    return today + datetime.timedelta(days=days_from_now_open), today + datetime.timedelta(days=days_from_now_close)
