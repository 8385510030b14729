from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The project itself: site-wide views, context and commands. It holds no models."""

    name = "archive"
    verbose_name = "Archive site"

    def ready(self):
        from archive import health
        from archive.curation import newlines as signals

        signals.connect()
        # /health/: the primary database; apps register their own parts (the search index).
        health.register_health_check("database", health.database_check("default"))
