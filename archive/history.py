"""Change history with field-level diffs and restore. (Curation work fills this in.)

Every curated model's admin class includes `HistoryAdminMixin`.
"""


class HistoryAdminMixin:
    pass
