"""The OAI-PMH endpoint: one URL, six verbs, GET or POST, always XML with HTTP 200.

Protocol errors are answered as the specification requires (an `<error>` in a 200 response);
only a method other than GET, HEAD or POST is an HTTP error (405).
"""

import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from documents.oai import records, tokens
from documents.oai.dublin_core import description_dc, oai_dc
from documents.oai.protocol import (
    GRANULARITY,
    METADATA_FORMATS,
    OAI_IDENTIFIER_NS,
    OAI_IDENTIFIER_SCHEMA,
    XSI_NS,
    OAIError,
    check_format,
    format_datestamp,
    parse_range,
    parse_request,
)
from documents.oai.xml import add, add_errors, add_header, add_token, clean, envelope, serialize

CONTENT_TYPE = "text/xml; charset=utf-8"
# A repositoryIdentifier the oai-identifier scheme accepts (a domain name).
_DOMAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")
# Characters a host name may have that an OAI identifier's namespace may not (IPv6 colons).
_NOT_NAMESPACE = re.compile(r"[^A-Za-z0-9.\-]+")


@dataclass(frozen=True)
class Context:
    request: object
    base_url: str
    namespace: str

    def identifier(self, record_number: int) -> str:
        return records.identifier(self.namespace, record_number)


def namespace(request) -> str:
    """The repository identifier in `oai:<it>:<record number>`: the `OAI_REPOSITORY_IDENTIFIER`
    setting (set it in production so identifiers never depend on the host name used), else the
    requested host without its port."""
    configured = (settings.OAI_REPOSITORY_IDENTIFIER or "").strip()
    if configured:
        return configured
    host, _port = split_domain_port(request.get_host())
    return _NOT_NAMESPACE.sub("-", host.strip("[]")).strip("-") or "localhost"


@csrf_exempt
def endpoint(request):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    params = request.POST if request.method == "POST" else request.GET
    base_url = request.build_absolute_uri(reverse("oai"))
    context = Context(request, base_url, namespace(request))
    try:
        verb, args = parse_request(params)
    except OAIError as error:
        return _respond(_error_response(base_url, None, error))
    root = envelope(base_url, {"verb": verb, **args})
    try:
        HANDLERS[verb](context, root, args)
    except OAIError as error:
        echo = None if error.code == "badArgument" else {"verb": verb, **args}
        root = _error_response(base_url, echo, error)
    return _respond(root)


def _error_response(base_url, attributes, error):
    root = envelope(base_url, attributes)
    add_errors(root, [error])
    return root


def _respond(root) -> HttpResponse:
    response = HttpResponse(serialize(root), content_type=CONTENT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response


# --- the verbs -----------------------------------------------------------------------------


def identify(context: Context, root, args) -> None:
    element = add(root, "Identify")
    add(element, "repositoryName", settings.ARCHIVE_NAME)
    add(element, "baseURL", context.base_url)
    add(element, "protocolVersion", "2.0")
    for email in admin_emails(context):
        add(element, "adminEmail", email)
    earliest = records.earliest_datestamp() or timezone.now()
    add(element, "earliestDatestamp", format_datestamp(earliest))
    add(element, "deletedRecord", "persistent")
    add(element, "granularity", GRANULARITY)
    if _DOMAIN.match(context.namespace):
        _identifier_description(add(element, "description"), context)


def admin_emails(context: Context) -> list[str]:
    emails = list(settings.OAI_ADMIN_EMAILS) or [email for _, email in settings.ADMINS]
    return emails or [f"webmaster@{context.namespace}"]


def _identifier_description(parent, context: Context) -> None:
    """The oai-identifier description: how this repository's identifiers are made."""
    ns = OAI_IDENTIFIER_NS
    element = etree.SubElement(parent, f"{{{ns}}}oai-identifier", nsmap={None: ns, "xsi": XSI_NS})
    element.set(f"{{{XSI_NS}}}schemaLocation", f"{ns} {OAI_IDENTIFIER_SCHEMA}")
    for name, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", context.namespace),
        ("delimiter", ":"),
        ("sampleIdentifier", context.identifier(1)),
    ):
        etree.SubElement(element, f"{{{ns}}}{name}").text = text


def list_metadata_formats(context: Context, root, args) -> None:
    if "identifier" in args:
        _header_for(context, args["identifier"], with_document=False)
    element = add(root, "ListMetadataFormats")
    for prefix, (schema, namespace_uri) in METADATA_FORMATS.items():
        entry = add(element, "metadataFormat")
        add(entry, "metadataPrefix", prefix)
        add(entry, "schema", schema)
        add(entry, "metadataNamespace", namespace_uri)


def list_sets(context: Context, root, args) -> None:
    if "resumptionToken" in args:  # this repository never issues one for sets
        raise OAIError("badResumptionToken", "The resumption token is not valid.")
    sets = records.list_sets()
    if not sets:
        raise OAIError("noSetHierarchy", "This repository has no sets yet.")
    element = add(root, "ListSets")
    for spec, name, description in sets:
        entry = add(element, "set")
        add(entry, "setSpec", spec)
        add(entry, "setName", name)
        if clean(description):
            add(entry, "setDescription").append(description_dc(description))


def get_record(context: Context, root, args) -> None:
    check_format(args["metadataPrefix"])
    header = _header_for(context, args["identifier"], with_document=True)
    _add_record(context, add(root, "GetRecord"), header)


def _header_for(context: Context, identifier: str, *, with_document: bool):
    number = records.record_number_of(identifier, context.namespace)
    header = records.get(number, with_document=with_document) if number else None
    if header is None:
        raise OAIError("idDoesNotExist", f"No record has the identifier “{identifier[:100]}”.")
    return header


def _add_record(context: Context, parent, header) -> None:
    record = add(parent, "record")
    add_header(record, header, context.identifier(header.record_number))
    if not header.deleted:
        add(record, "metadata").append(oai_dc(header.document, context.request))


def list_identifiers(context: Context, root, args) -> None:
    _list(context, root, args, "ListIdentifiers")


def list_records(context: Context, root, args) -> None:
    _list(context, root, args, "ListRecords")


def _first_state(verb: str, args) -> tokens.ListState:
    """The list a first request (no token) asks for, frozen at this moment."""
    prefix = check_format(args["metadataPrefix"])
    start, end = parse_range(args.get("from"), args.get("until"))
    spec = args.get("set")
    if spec is not None:
        if not records.list_sets():
            raise OAIError("noSetHierarchy", "This repository has no sets yet.")
        if not records.known_set(spec):
            raise OAIError("noRecordsMatch", f"There is no set “{spec[:100]}”.")
    now = timezone.now()
    end = min(end, now) if end else now
    total = records.count(records.Selection(spec, start, end))
    if not total:
        raise OAIError("noRecordsMatch", "No records match the request.")
    return tokens.ListState(verb, prefix, spec, start, end, None, 0, total)


def _list(context: Context, root, args, verb: str) -> None:
    if "resumptionToken" in args:
        state = tokens.decode(args["resumptionToken"], verb)
    else:
        state = _first_state(verb, args)
    size = int(settings.OAI_PAGE_SIZE)
    selection = records.Selection(state.set_spec, state.start, state.end)
    headers = records.page(selection, state.after, size + 1, with_documents=verb == "ListRecords")
    more, headers = len(headers) > size, headers[:size]
    if not headers:  # everything left in the list changed after it was frozen
        raise OAIError("noRecordsMatch", "No records remain in this list.")
    element = add(root, verb)
    for header in headers:
        if verb == "ListRecords":
            _add_record(context, element, header)
        else:
            add_header(element, header, context.identifier(header.record_number))
    if more or state.after is not None:
        sent = state.cursor + len(headers)
        following = replace(state, after=headers[-1].key, cursor=sent)
        add_token(
            element,
            tokens.encode(following) if more else "",
            cursor=state.cursor,
            total=max(state.total, sent),
            expires=tokens.expires_at(),
        )


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
