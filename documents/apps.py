from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Documents and what belongs to them. Depends on `people`, never the reverse."""

    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from archive.cache import bump_on_writes_to, register_content_lifetime
        from archive.health import register_health_check
        from documents import (
            history_registration,  # noqa: F401  (every write path records history)
            models,
        )
        from documents.models import Subject
        from documents.reading_room.cached import seconds_until_an_embargo_lifts
        from documents.search.engine.checking import health
        from documents.services import (
            receivers,  # noqa: F401  (search upkeep no service sees)
            scan_dimensions,  # noqa: F401  (image sizes stored on upload, for IIIF)
            tombstones,  # noqa: F401  (documents that stop being public, for OAI-PMH)
        )
        from people.signals import track_slug_changes

        # /health/: this node's search index. Without one the lists answer 503 but documents,
        # entities and the admin work: the node is degraded, not down.
        register_health_check("search", health, critical=False)
        # Cached pages: any write to what public pages show makes them stale; an embargo
        # lifting changes them with no write.
        machinery = (models.SearchOutbox, models.SearchFollower, models.SearchOutboxFloor,
                     models.CollectionExport, models.DocumentTombstone)  # fmt: skip
        bump_on_writes_to(["documents", "people"], except_models=machinery)
        register_content_lifetime(seconds_until_an_embargo_lifts)

        track_slug_changes(Subject)  # renamed subjects keep their old address (301)
