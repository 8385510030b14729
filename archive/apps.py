from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The project itself: site-wide views, context and commands. It holds no models."""

    name = "archive"
    verbose_name = "Archive site"

    def ready(self):
        from django.conf import settings

        from archive import health

        # /health/: the primary is required; a replica is optional (reads fall back).
        health.register_health_check("database", health.database_check("default"))
        for alias in settings.DATABASE_REPLICAS:
            health.register_health_check(alias, health.database_check(alias), critical=False)
