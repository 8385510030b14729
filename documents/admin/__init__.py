"""The documents app's admin: documents, their vocabularies, and the people app's entities
re-registered with the documents that link to them (`people` may not import `documents`)."""

from documents.admin import documents, entities, pending  # noqa: F401  (registers every model admin)
