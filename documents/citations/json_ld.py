"""schema.org JSON-LD of a document: an `ArchiveComponent` held by the archive.

A mixin of `DocumentCitation`, which supplies the loaded document, its permalink and the
shared pieces (authors, subjects, dates, the archive and the IIIF manifest's address)."""

import json
import re

from django.utils.safestring import SafeString, mark_safe

from documents.models import PlaceRole, Role

# The escaping Django's `json_script` applies, so JSON can sit inside <script> safely.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

IIIF_MANIFEST_TYPE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def json_for_script(data) -> SafeString:
    """JSON that cannot close its <script> element early (`</script>`, `<!--`)."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


class JsonLd:
    def json_ld(self) -> dict:
        """schema.org `ArchiveComponent`: an item held by an archive, described here."""
        doc = self.doc
        data: dict = {
            "@context": "https://schema.org",
            "@type": "ArchiveComponent",
            "name": doc.title,
            "url": self.permalink,
            "identifier": self._json_ld_identifiers(),
            "publisher": {"@type": "Organization", "name": self.archive_name},
            "copyrightNotice": doc.rights_statement,
        }
        optional = {
            "dateCreated": self.iso_date,
            "description": doc.summary,
            "genre": doc.document_type.name if doc.document_type_id else "",
            "author": [
                {"@type": c.kind, "name": c.name, "url": self._absolute(c.url)}
                for c in self.authors
            ],
            "translator": (
                {"@type": "Person", "name": doc.translated_by} if doc.translated_by else None
            ),
            "holdingArchive": self._json_ld_archive(),
            "inLanguage": self._json_ld_languages(),
            "about": [
                {
                    "@type": "DefinedTerm",
                    "name": s.name,
                    "url": self._absolute(s.get_absolute_url()),
                }
                for s in self.subjects
            ],
            "mentions": _unique(self._json_ld_mentions()),
            "funder": [{"@type": "Organization", "name": n} for n in self.funder_names],
            "isPartOf": [
                {
                    "@type": "Collection",
                    "name": c.title,
                    "url": self._absolute(c.get_absolute_url()),
                }
                for c in doc.collections.all()
            ],
            "subjectOf": (
                {
                    "@type": "CreativeWork",
                    "name": "IIIF Presentation 3.0 manifest of the scans",
                    "url": self._absolute(self.iiif_manifest_path),
                    "encodingFormat": IIIF_MANIFEST_TYPE,
                }
                if self.iiif_manifest_path
                else None
            ),
        }
        if doc.date.circa:
            # schema.org dates are ISO 8601, which has no circa: the date as written beside it.
            optional["temporal"] = doc.date_display
        links = list(self.doc.place_links.all())
        optional["spatialCoverage"] = _unique([self._json_ld_place(link.place) for link in links])
        origins = [link.place for link in links if link.role == PlaceRole.ORIGIN]
        if origins:
            data["locationCreated"] = self._json_ld_place(origins[-1])
        data.update({key: value for key, value in optional.items() if value})
        return data

    def _absolute(self, path: str) -> str:
        return _absolute(self.permalink, path)

    def _json_ld_identifiers(self) -> list[dict]:
        identifiers = [
            {
                "@type": "PropertyValue",
                "propertyID": "record number",
                "value": str(self.doc.record_number),
            }
        ]
        if self.doc.source_citation:
            identifiers.append(
                {
                    "@type": "PropertyValue",
                    "propertyID": "archival locator",
                    "value": self.doc.source_citation,
                }
            )
        return identifiers

    def _json_ld_archive(self) -> dict | None:
        if not self.doc.repository_id:
            return None
        repo = self.doc.repository
        archive = {"@type": "ArchiveOrganization", "name": repo.name}
        if repo.abbreviation:
            archive["alternateName"] = repo.abbreviation
        if repo.url:
            archive["url"] = repo.url
        return archive

    def _json_ld_languages(self):
        codes = [lang.code for lang in self.languages]
        return codes[0] if len(codes) == 1 else codes

    def _json_ld_mentions(self) -> list[dict]:
        """People, then organizations, named in any role but author."""
        entities = [
            ("Person", link.person)
            for link in self.doc.person_links.all()
            if link.role != Role.AUTHOR
        ]
        entities += [
            ("Organization", link.organization)
            for link in self.doc.organization_links.all()
            if link.role != Role.AUTHOR
        ]
        return [
            {"@type": kind, "name": entity.name, "url": self._absolute(entity.get_absolute_url())}
            for kind, entity in entities
        ]

    def _json_ld_place(self, place) -> dict:
        return {
            "@type": "Place",
            "name": place.name,
            "url": self._absolute(place.get_absolute_url()),
        }

    def json_ld_script(self) -> SafeString:
        return json_for_script(self.json_ld())


def _absolute(permalink: str, path: str) -> str:
    """Join a site path to the permalink's scheme and host."""
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+", permalink, re.IGNORECASE)
    return (match.group(0) if match else "") + path


def _unique(entries: list[dict]) -> list[dict]:
    seen, out = set(), []
    for entry in entries:
        if entry["url"] not in seen:
            seen.add(entry["url"])
            out.append(entry)
    return out
