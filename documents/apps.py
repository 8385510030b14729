from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Documents and what belongs to them. Depends on `people`, never the reverse."""

    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from archive.health import register_health_check
        from documents import history_registration  # noqa: F401  (every write path records history)
        from documents.models import Subject
        from documents.search import engine
        from documents.services import (
            receivers,  # noqa: F401  (search upkeep no service sees)
            scan_dimensions,  # noqa: F401  (image sizes stored on upload, for IIIF)
            tombstones,  # noqa: F401  (documents that stop being public, for OAI-PMH)
        )
        from people.signals import track_slug_changes

        track_slug_changes(Subject)  # renamed subjects keep their old address (301)
        # Without an index the lists answer 503 but documents, entities and the admin work:
        # the node is degraded, not down (every node usually shares the cause: a rebuild).
        register_health_check("search", engine.health, critical=False)
