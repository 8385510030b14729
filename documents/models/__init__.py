"""Documents and what belongs to them: vocabularies, typed entity links, scans.

Importable from here as before (`from documents.models import Document`); each model lives in
the module named for what it holds.
"""

from documents.models.curation import PendingRevision, WorkflowNote
from documents.models.document import (
    RECORD_NUMBER_SEQUENCE,
    Document,
    DocumentQuerySet,
    last_change,
)
from documents.models.exports import CollectionExport
from documents.models.links import (
    DocumentLink,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    PlaceRole,
    Role,
    TaggedDocument,
)
from documents.models.outbox import SearchFollower, SearchOutbox, SearchOutboxFloor
from documents.models.scans import Scan, scan_upload_to, thumbnail_upload_to
from documents.models.tombstones import DocumentTombstone
from documents.models.vocabularies import (
    Collection,
    DocumentType,
    Funder,
    Language,
    Repository,
    SlugNamed,
    Subject,
)

__all__ = [
    "RECORD_NUMBER_SEQUENCE",
    "Collection",
    "CollectionExport",
    "Document",
    "DocumentLink",
    "DocumentOrganization",
    "DocumentPerson",
    "DocumentPlace",
    "DocumentQuerySet",
    "DocumentTombstone",
    "DocumentType",
    "Funder",
    "Language",
    "PendingRevision",
    "PlaceRole",
    "Repository",
    "Role",
    "Scan",
    "SearchFollower",
    "SearchOutbox",
    "SearchOutboxFloor",
    "SlugNamed",
    "Subject",
    "TaggedDocument",
    "WorkflowNote",
    "last_change",
    "scan_upload_to",
    "thumbnail_upload_to",
]
