"""What the change history records, and what travels with a document's versions.

Loaded by `archive.curation.history.ensure_registered()` (from `HistoryAdminMixin` and the workflow
services) before reversion's admin could register anything on its own. A document's version
carries its typed links, subjects and scans, so reverting it restores those too.
"""

from archive.curation import history
from documents.models import (
    Collection,
    Document,
    DocumentOrganization,
    DocumentPerson,
    DocumentPlace,
    DocumentType,
    Funder,
    Language,
    Repository,
    Scan,
    Subject,
    TaggedDocument,
)
from people.models import Organization, Person, Place

history.register(
    Document,
    follow={
        "person_links": "People",
        "organization_links": "Organizations",
        "place_links": "Places",
        "subject_links": "Subjects",
        "scans": "Scans",
    },
    # Derived search columns are recomputed on save and meaningless in a diff; subjects travel
    # as `subject_links` rows (taggit's manager is not a plain many-to-many field).
    exclude=("entity_text", "subjects"),
)
for _model in (DocumentPerson, DocumentOrganization, DocumentPlace, TaggedDocument, Scan):
    history.register(_model)
for _model in (Person, Organization, Place):
    history.register(_model)
for _model in (Collection, Subject, Repository, DocumentType, Language, Funder):
    history.register(_model)
