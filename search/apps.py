from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "kulturhub_search"
    verbose_name = "Suche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search import signal_handlers

        signal_handlers.connect()
