from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "plugins.projects"
    label = "projects"
    verbose_name = "Projekte"
    default_auto_field = "django.db.models.BigAutoField"
