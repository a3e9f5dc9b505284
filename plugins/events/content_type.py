"""The events content type: what the hub needs to know about it (see plugins.shared.content_types)."""

from plugins.shared.content_types import ContentTypeDescriptor, IndexPage


def describe() -> ContentTypeDescriptor:
    from plugins.events.api import EventsAPI
    from plugins.events.models import EventIndexPage, EventPage
    from plugins.events.search_index import EventIndex

    return ContentTypeDescriptor(
        name="events",
        page_model=EventPage,
        index_model=EventIndexPage,
        index_pages={"de": IndexPage("Veranstaltungen", "veranstaltungen"), "en": IndexPage("Events", "events")},
        labels={"de": ("Veranstaltung", "Veranstaltungen"), "en": ("Event", "Events")},
        search_index=EventIndex(),
        api=EventsAPI(),
        factory="plugins.events.factories.EventPageFactory",
        demo="plugins.events.demo",
        importer="plugins.events.importing",
        dashboard_panel="plugins.events.dashboard.UpcomingEventsPanel",
        order=30,
    )
