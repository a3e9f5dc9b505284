import datetime

import factory

from plugins.events.models import BERLIN, EventPage
from plugins.shared.factories import ContentPageFactory


class EventPageFactory(ContentPageFactory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Veranstaltung {n}")
    start = datetime.datetime(2025, 3, 6, 14, 0, tzinfo=BERLIN)
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=2))
    event_format = EventPage.Format.ONLINE
    online_access = "Online per Videokonferenz; der Link kommt nach der Anmeldung."
