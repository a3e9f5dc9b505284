import datetime

import factory

from plugins.projects.models import ProjectPage
from plugins.shared.factories import ContentPageFactory


class ProjectPageFactory(ContentPageFactory):
    class Meta:
        model = ProjectPage

    title = factory.Sequence(lambda n: f"Projekt {n}")
    status = ProjectPage.Status.RUNNING
    start_date = datetime.date(2024, 1, 1)
