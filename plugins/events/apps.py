from plugins.shared import content_types


class EventsConfig(content_types.ContentTypeConfig):
    name = "plugins.events"
    label = "events"
    verbose_name = "Veranstaltungen"
