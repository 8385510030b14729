"""COinS for list pages: one OpenURL ContextObject per result, which Zotero's COinS translator
reads, so a page of results saves as several items at once."""

from urllib.parse import urlencode

from django.db.models import Value
from django.urls import reverse

from documents.citations import Creator, one_line, zotero_name
from documents.models import Document, DocumentOrganization, DocumentPerson, Role


def authors_by_document(docs) -> dict[int, list[Creator]]:
    """The authors of each of `docs`, organizations first as on the document page, in one
    query (for list pages, whose rows do not load their links)."""
    ids = [doc.pk for doc in docs]
    people = DocumentPerson.objects.filter(document_id__in=ids, role=Role.AUTHOR).values_list(
        "document_id",
        Value(1),
        "person__sort_name",
        "person__name",
        "person__slug",
    )
    orgs = DocumentOrganization.objects.filter(document_id__in=ids, role=Role.AUTHOR).values_list(
        "document_id",
        Value(0),
        "organization__name",
        "organization__name",
        "organization__slug",
    )
    authors: dict[int, list[Creator]] = {pk: [] for pk in ids}
    for doc_id, is_person, sort_name, name, slug in sorted(people.union(orgs, all=True)):
        kind = "Person" if is_person else "Organization"
        url = reverse(f"{kind.lower()}_detail", args=[slug])
        authors[doc_id].append(Creator(name=name, sort_name=sort_name or name, url=url, kind=kind))
    return authors


def coins_context(doc: Document, permalink: str, authors: list[Creator], item_type: str) -> str:
    """The KEV ContextObject (Dublin Core format) of one document, as Zotero's COinS
    translator reads it: `rft.type` is a Zotero item type, organizations are `rft.aucorp`."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rft.type", item_type),
        ("rft.title", one_line(doc.title)),
    ]
    for creator in authors:
        if creator.kind == "Organization":
            pairs.append(("rft.aucorp", one_line(creator.name)))
        else:  # Zotero splits `rft.au` with its name parser, as it does Highwire authors
            pairs.append(("rft.au", one_line(zotero_name(creator))))
    if not doc.date.is_undated:
        pairs.append(("rft.date", doc.date.iso()))
    if doc.summary:
        pairs.append(("rft.description", one_line(doc.summary)))
    pairs.append(("rft_id", permalink))
    return urlencode([(key, value) for key, value in pairs if value])
