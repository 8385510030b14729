"""Review workflow: draft -> in review -> published, withdrawn; who may do what.
(Curation work fills this in.) `DocumentAdmin` includes `WorkflowAdminMixin`.
"""


class WorkflowAdminMixin:
    pass
