from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Documents and what belongs to them. Depends on `people`, never the reverse."""

    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from archive.health import register_health_check
        from documents import history_registration  # noqa: F401  (every write path records history)
        from documents.models import Subject
        from documents.search.engine.checking import health
        from documents.services import (
            receivers,  # noqa: F401  (search upkeep no service sees)
            scan_dimensions,  # noqa: F401  (image sizes stored on upload, for IIIF)
            tombstones,  # noqa: F401  (documents that stop being public, for OAI-PMH)
        )
        from people.signals import track_slug_changes

        # /health/: this node's search index (optional: the rest of the site works without it)
        register_health_check("search", health, critical=False)

        track_slug_changes(Subject)  # renamed subjects keep their old address (301)
