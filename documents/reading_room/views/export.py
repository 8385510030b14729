"""A whole result set as a file: `/documents/export.<ris|bib|csv|json>?<the list's parameters>`.

The list's own parameters choose the documents (`documents.reading_room.result_set`), at most
`EXPORT_LIMIT` of them in the list's order, published documents only, for every reader alike
(staff previews are not exported). RIS and BibTeX are the citation downloads' writers
(`documents.citations`) once per document; CSV and JSON are the public import/export layout
of the bulk downloads (`documents.interchange.bulk`: no internal notes), so a file can be read
back with `import_documents`.
"""

import csv
import io
import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone

from documents.citations import DocumentCitation, canonical_path
from documents.interchange.bulk import PUBLIC_CSV_COLUMNS, public_record
from documents.interchange.exporting import csv_row, with_related
from documents.reading_room import result_set
from documents.selectors import document_queryset, published_documents

FORMATS = {
    "ris": "application/x-research-info-systems; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def _in_order(queryset, ids: list[int]) -> list:
    found = {doc.pk: doc for doc in queryset.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _citations(request, ids) -> list[DocumentCitation]:
    docs = _in_order(document_queryset(), ids)  # the public's documents, links loaded
    return [DocumentCitation(d, request.build_absolute_uri(canonical_path(d))) for d in docs]


def _ris(request, ids) -> str:
    return "".join(citation.ris() for citation in _citations(request, ids))


def _bibtex(request, ids) -> str:
    return "\n".join(citation.bibtex() for citation in _citations(request, ids))


def _csv(request, ids) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(
        stream, fieldnames=PUBLIC_CSV_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for doc in _in_order(with_related(published_documents()), ids):
        writer.writerow(csv_row(doc))
    return stream.getvalue()


def _json(request, ids, total: int) -> str:
    documents = [public_record(doc) for doc in _in_order(with_related(published_documents()), ids)]
    query = request.GET.urlencode()
    listed = reverse("document_list") + (f"?{query}" if query else "")
    data = {
        "dataset": settings.ARCHIVE_NAME,
        "exported_at": timezone.now().isoformat(),
        "list": request.build_absolute_uri(listed),
        "total": total,
        "count": len(documents),
        "documents": documents,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def export_results(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404("Export as ris, bib, csv or json.")
    results = result_set.result_ids(request.GET, limit=result_set.EXPORT_LIMIT)
    if results.error:
        return HttpResponse(results.error, status=400, content_type="text/plain; charset=utf-8")
    writers = {"ris": _ris, "bib": _bibtex, "csv": _csv}
    if fmt == "json":
        body = _json(request, results.ids, results.total)
    else:
        body = writers[fmt](request, results.ids)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="documents-{stamp}.{fmt}"'
    response["X-Total-Count"] = str(results.total)
    response["X-Exported-Count"] = str(len(results.ids))
    response["X-Export-Limit"] = str(result_set.EXPORT_LIMIT)
    return response
