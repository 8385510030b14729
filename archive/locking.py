"""Optimistic locking for admin edits. (Curation work fills this in.)

Admin classes for Document, Person, Organization, Place and Collection include
`OptimisticLockAdminMixin`.
"""


class OptimisticLockAdminMixin:
    pass
