"""What Zotero's Embedded Metadata translator saves from a page's meta tags, modelled in Python.

A faithful reduction of three files of Zotero's own code, kept to the parts that decide what
this archive's pages become (read from zotero/translators and zotero/utilities):

- `Embedded Metadata.js`: `init()` turns `prefix.name` / `prefix:name` meta tags whose prefix
  is a known namespace into RDF statements, and `citation_*` tags into a Highwire type
  (`hwType`, which wins over everything) or a guess (`hwTypeGuess`, the RDF default);
  `addHighwireMetadata()` then takes the Highwire fields (`processFields`) and authors
  (`processHighwireCreators`), which replace the RDF creators whenever there are any.
- `RDF.js`: `detectType()` (`z:itemType` first, then `dc:type`, `og:type`, the default, the
  guesses) and `importItem()` (`dc:source` as publication title, `dc:type` as the item's
  manuscript/letter/report type, every `z:*` statement copied to the field of that name).
- `utilities.js`: `cleanAuthor()`, the name splitter.

Namespaces this archive never emits (bib, bibo, prism, eprints, schema.org) are left out of
the type decision; `unmodelled_prefixes()` lets a test check that they stay absent.
"""

import re

from lxml import html as lxml_html

# `_prefixes` of Embedded Metadata.js: the meta tag prefixes read as RDF namespaces.
PREFIXES = {
    "bib": "http://purl.org/net/biblio#",
    "bibo": "http://purl.org/ontology/bibo/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "prism": "http://prismstandard.org/namespaces/1.2/basic/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://nwalsh.com/rdf/vCard#",
    "link": "http://purl.org/rss/1.0/modules/link/",
    "z": "http://www.zotero.org/namespaces/export#",
    "eprint": "http://purl.org/eprint/terms/",
    "eprints": "http://purl.org/eprint/terms/",
    "og": "http://ogp.me/ns#",
    "article": "http://ogp.me/ns/article#",
    "book": "http://ogp.me/ns/book#",
    "music": "http://ogp.me/ns/music#",
    "video": "http://ogp.me/ns/video#",
    "so": "http://schema.org/",
    "codemeta": "https://codemeta.github.io/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
UNMODELLED = {"bib", "bibo", "prism", "eprint", "eprints", "so", "codemeta", "rdf"}
_CAPS = "A-Z\u0400-\u042f"  # cleanAuthor's capitals: Latin and Cyrillic
Z, DC, DCTERMS, OG = PREFIXES["z"], PREFIXES["dc"], PREFIXES["dcterms"], PREFIXES["og"]

# The `switch (shortTag)` in `init()`.
HIGHWIRE_TYPES = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}
HIGHWIRE_GUESSES = {
    "citation_title": "journalArticle",
    "citation_series_title": "journalArticle",
    "citation_isbn": "book",
}
# `HIGHWIRE_MAPPINGS` entries that name a container or publisher.
HIGHWIRE_CONTAINERS = {
    "citation_journal_title": "publicationTitle",
    "citation_inbook_title": "publicationTitle",
    "citation_book_title": "bookTitle",
    "citation_publisher": "publisher",
    "citation_technical_report_institution": "institution",
}

# Zotero's item types (`ZU.itemTypeExists`).
ITEM_TYPES = set(
    "journalArticle book bookSection magazineArticle newspaperArticle webpage blogPost thesis "
    "report patent artwork audioRecording videoRecording podcast presentation conferencePaper "
    "document letter manuscript interview film tvBroadcast radioBroadcast map statute case bill "
    "hearing email instantMessage forumPost encyclopediaArticle dictionaryEntry software "
    "computerProgram preprint dataset standard".split()
)
# `detectType()`: dc:type values (lower case, no spaces) that are not item type names.
DC_TYPES = {
    "book": "book",
    "patent": "patent",
    "report": "report",
    "thesis": "thesis",
    "bookitem": "bookSection",
    "conferenceitem": "conferencePaper",
    "conferencepaper": "conferencePaper",
    "article": "journalArticle",
    "journalarticle": "journalArticle",
    "newsitem": "newspaperArticle",
    "webpage": "webpage",
    "map": "map",
    "workingpaper": "report",
}
DC_GUESSES = {"text": "journalArticle", "image": "artwork", "sound": "audioRecording"}
OG_TYPES = {"book": "book", "website": "webpage", "video.movie": "videoRecording"}
OG_GUESSES = {"article": "journalArticle"}


def meta_tags(page: bytes) -> list[tuple[str, str]]:
    """(name or property, content) of every meta tag, in page order, as `init()` reads them."""
    tree = lxml_html.fromstring(page)
    tags = []
    for meta in tree.iter("meta"):
        name = meta.get("name") or meta.get("property")
        content = meta.get("content")
        if name and content:
            tags += [(tag, content) for tag in name.split()]
    return tags


def _statement(tag: str) -> str | None:
    """The RDF predicate a meta tag becomes, or None (`init()`'s prefix handling)."""
    parts = re.split(r"[.:_]", tag)
    prefix = parts[1].lower() if len(parts) > 2 else None
    length = len(parts[0]) + len(parts[1]) + 1 if prefix else 0
    if not prefix or prefix not in PREFIXES:
        prefix, length = parts[0].lower(), len(parts[0])
    if prefix not in PREFIXES:
        return None
    prop = tag[length + 1 :]
    return PREFIXES[prefix] + prop[:1].lower() + prop[1:]


def unmodelled_prefixes(tags: list[tuple[str, str]]) -> set[str]:
    """Prefixes on the page whose effect on the item type this model does not reproduce."""
    found = set()
    for tag, _ in tags:
        predicate = _statement(tag)
        found |= {p for p in UNMODELLED if predicate and predicate.startswith(PREFIXES[p])}
    return found


def clean_author(author: str, use_comma: bool) -> dict:
    """`ZU.cleanAuthor`: trim punctuation, then "Last, First" at the comma or split at the last
    space; initials in the first name get their periods."""
    author = re.sub(r"^[\s\u00a0.,/\[\]:]+", "", author)
    author = re.sub(r"[\s\u00a0.,/\[\]:]+$", "", author)
    author = re.sub(r"[\s\u00a0]+", " ", author, count=1)
    if use_comma:
        author = re.sub(r"\.([^ ])", r". \1", author, count=1)
        names = re.split(r", ?", author)
        last, first = (names[0], names[1]) if len(names) > 1 else (author, "")
    else:
        space = len(author)
        while True:
            space = author.rfind(" ", 0, max(space, 0))
            last, first = author[space + 1 :], author[: max(space, 0)]
            if last[:1].isalpha() or space <= 0:
                break
    return {"firstName": _initials(first, last), "lastName": last}


def _initials(first: str, last: str) -> str:
    """The initials part of `cleanAuthor`: "JS" -> "J. S.", "Akinwumi A" -> "Akinwumi A."."""
    if not first:
        return ""
    if re.fullmatch(f"[{_CAPS}]+", first) and len(first) < 4:
        if len(first) == 1 or last.upper() != last:
            first = " ".join(ch + "." for ch in first)
    first = re.sub(r"[\s,]+$", "", re.sub(r"^[\s.]+", "", first))
    first = re.sub(r"\s*([\u002D\u00AD\u2010-\u2015\u2212\u2E3A\u2E3B])\s*", "-", first, count=1)
    out = ""
    for name in re.split(r"(?:[\s.]+|(?=-))", first):
        out += name + ("." if re.fullmatch(f"-?[{_CAPS}]", name) else "") + " "
    return out.replace(" -", "-").strip()


def highwire_creators(values: list[str]) -> list[dict]:
    """`processHighwireCreators`: split at semicolons (and, for one author tag, at commas with
    words on both sides), skip empty and repeated names, then `cleanAuthor`."""
    creators, previous = [], None
    for value in values:
        names = re.split(r"\s*;\s*", value)
        if len(names) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", names[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                names = by_comma
        for name in names:
            name = name.strip()
            if not name or not re.search(r"[^\s,\-.;]", name) or name == previous:
                continue
            previous = name
            creators.append(clean_author(name, "," in name))
    return creators


def _detect_type(rdf: dict[str, list[str]], default: str | None) -> str | None:
    """`detectType()` for the namespaces this archive uses."""
    t: dict[str, str] = {}
    zotero = (rdf.get(Z + "itemType") or rdf.get(Z + "type") or [None])[0]
    if zotero in ITEM_TYPES:
        t["zotero"] = zotero
    dc_type = (rdf.get(DC + "type") or rdf.get(DCTERMS + "type") or [None])[0]
    if dc_type in ITEM_TYPES:
        t["dc"] = dc_type
    elif dc_type:
        key = re.sub(r"\s", "", dc_type.lower())
        if key in DC_TYPES:
            t["dc"] = DC_TYPES[key]
        elif key in DC_GUESSES:
            t["dcGuess"] = DC_GUESSES[key]
    og_type = (rdf.get(OG + "type") or [None])[0]
    if og_type in OG_TYPES:
        t["og"] = OG_TYPES[og_type]
    elif og_type in OG_GUESSES:
        t["ogGuess"] = OG_GUESSES[og_type]
    order = [t.get("zotero"), t.get("og"), t.get("dc"), default, t.get("ogGuess")]
    return next((kind for kind in order + [t.get("dcGuess")] if kind), None)


def save(page: bytes) -> dict:
    """The item Zotero saves from `page`: item type, creators and the fields that matter here."""
    tags = meta_tags(page)
    rdf: dict[str, list[str]] = {}
    hw_type = hw_guess = None
    for tag, value in tags:
        predicate = _statement(tag)
        if predicate:
            rdf.setdefault(predicate, []).append(value)
            continue
        short = tag[tag.rfind("citation_") :] if "citation_" in tag else tag
        hw_type = HIGHWIRE_TYPES.get(short, hw_type)
        hw_guess = hw_guess or HIGHWIRE_GUESSES.get(short)
    default = hw_guess or ("webpage" if rdf else None)
    item_type = hw_type or _detect_type(rdf, default) or "journalArticle"

    def first(*predicates):
        return next((rdf[p][0] for p in predicates if rdf.get(p)), None)

    item = {
        "itemType": item_type,
        "title": first(DC + "title", DCTERMS + "title", OG + "title"),
        "publicationTitle": first(DC + "source", DCTERMS + "source"),
        "archiveLocation": first(DC + "coverage", DCTERMS + "coverage"),
        "date": first(DC + "date", DCTERMS + "date"),
        "creators": [clean_author(v, "," in v) for v in rdf.get(DC + "creator", [])],
    }
    for type_field in ("manuscriptType", "letterType", "reportType"):
        item[type_field] = first(DC + "type", DCTERMS + "type")
    for predicate, values in rdf.items():  # importItem(): "OTHER FIELDS", every z:* statement
        if predicate.startswith(Z):
            item[predicate[len(Z) :]] = values[0]
    item["itemType"] = hw_type or item_type  # "swap in hwType for itemType"
    _add_highwire(item, tags)
    if item["itemType"] in ("webpage", "blogPost", "newspaperArticle") and not item.get(
        "publicationTitle"
    ):
        item["publicationTitle"] = first(OG + "site_name")
    return item


def _add_highwire(item: dict, tags: list[tuple[str, str]]) -> None:
    """`addHighwireMetadata()`: Highwire fields over the RDF ones; its authors, when any,
    replace the RDF creators."""
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value)
    for tag, field in {"citation_title": "title", "citation_date": "date"}.items():
        if values.get(tag):
            item[field] = values[tag][0]
    for tag, field in HIGHWIRE_CONTAINERS.items():
        if values.get(tag):
            item[field] = values[tag][0]
    authors = values.get("citation_author") or values.get("citation_authors") or []
    creators = highwire_creators(authors)
    if creators:
        item["creators"] = creators
