from wagtail import hooks

from plugins.shared import content_types


@hooks.register("construct_homepage_panels")
def add_content_type_panels(request, panels):
    """Each content type's dashboard panel, if it has one (the next events, the next deadlines …)."""
    for descriptor in content_types.all():
        panel = descriptor.load("dashboard_panel")
        if panel is not None:
            panels.append(panel())
