"""Bulk import and export in the admin. (Curation work fills this in.)

`DocumentAdmin` includes `ImportExportAdminMixin`.
"""


class ImportExportAdminMixin:
    pass
