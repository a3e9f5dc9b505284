def ensure_site_after_migrate(sender, app_config=None, using="default", **kwargs):
    """After `migrate`, every content language has its locale, home page and index pages."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # a partial migrate: the models may not match the tables yet

    from plugins.shared.site_structure import ensure_site_structure

    ensure_site_structure()


def page_published(sender, instance, **kwargs):
    """Every publish updates the translation state the honest-translation rule reads. Connected before the
    search and API handlers (this app comes first), so the index update it triggers reads the new state."""
    from plugins.shared.translation import record_publication

    record_publication(instance)
