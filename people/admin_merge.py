"""Merge action for duplicate entities in the admin. (Curation work fills this in.)

Admin classes for Person, Organization, Place and Subject include `MergeActionMixin`.
"""


class MergeActionMixin:
    pass
