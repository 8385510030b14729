from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The project itself: site-wide views, context and commands. It holds no models."""

    name = "archive"
    verbose_name = "Archive site"
