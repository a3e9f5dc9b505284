import datetime

import factory

from plugins.shared.factories import ContentPageFactory
from tests.joboffers.models import JobOfferPage


class JobOfferPageFactory(ContentPageFactory):
    class Meta:
        model = JobOfferPage

    title = factory.Sequence(lambda n: f"Stellenangebot {n}")
    workplace = "Leipzig"
    closes_on = datetime.date(2030, 1, 31)
