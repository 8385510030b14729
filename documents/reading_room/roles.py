"""Role-aware entity pages: a person's or organization's documents by role.

The role filter is the list's `role` parameter (`?role=author`), so a filtered page is a
shareable address; the search engine counts and filters on role-qualified ids
(`schema.ROLE_FIELDS`). Each row of the page shows this entity's role(s) in it, read with
one statement for the page's rows only.
"""

from dataclasses import dataclass

from documents.models import DocumentOrganization, DocumentPerson, Role
from documents.search.engine import role_counts

LINKS = {"person": DocumentPerson, "organization": DocumentOrganization}


@dataclass
class RoleOption:
    value: str  # "" for every role
    label: str
    count: int
    url: str
    current: bool


def role_options(listing, kind_key: str) -> list[RoleOption]:
    """ "All roles" and each role with its count and the address choosing it (none when
    this kind has no roles or the list could not be read)."""
    if kind_key not in LINKS or listing.search_request is None:
        return []
    counts = role_counts(listing.search_request)
    chosen = listing.path_query.get("role", [])
    options = [RoleOption("", "All roles", 0, listing.url(role=None), not chosen)]
    for role in Role:
        url = listing.url(role=role.value)
        options.append(
            RoleOption(role.value, role.label, counts[role.value], url, chosen == [role.value])
        )
    options[0].count = listing.total if not chosen else 0
    return options


def attach_roles(listing, kind_key: str, entity) -> None:
    """Give each row of the page `entity_roles`: [(label, uncertain)] of `entity` in it."""
    link = LINKS.get(kind_key)
    rows = listing.documents if listing.page else []
    if link is None or not rows:
        return
    by_document: dict[int, list] = {row.pk: [] for row in rows}
    labels = dict(Role.choices)
    order = {role: i for i, role in enumerate(Role.values)}
    pairs = link.objects.filter(
        document_id__in=list(by_document), **{link.ENTITY_FIELD: entity}
    ).values_list("document_id", "role", "uncertain")
    for document_id, role, uncertain in sorted(pairs, key=lambda p: (p[0], order.get(p[1], 9))):
        by_document[document_id].append((labels.get(role, role), uncertain))
    for row in rows:
        row.entity_roles = by_document[row.pk]
