from django.utils.translation import gettext_lazy as _

from plugins.shared import content_types


class ProjectsConfig(content_types.ContentTypeConfig):
    name = "plugins.projects"
    label = "projects"
    verbose_name = _("Projects")
