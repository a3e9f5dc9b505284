import datetime

import factory

from plugins.reports.models import ExperienceReportPage
from plugins.shared.factories import ContentPageFactory


class ExperienceReportPageFactory(ContentPageFactory):
    class Meta:
        model = ExperienceReportPage

    title = factory.Sequence(lambda n: f"Erfahrungsbericht {n}")
    author_name = "Team Beispiel"
    publication_date = datetime.date(2024, 6, 1)
