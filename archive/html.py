"""Sanitizing archivist-entered HTML (full text, original text).

Transcriptions are pasted from word processors and other archives, so they arrive with
anything in them. `Document.save()` runs both text fields through `sanitize_html`, which keeps
only the markup a scholarly edition needs (paragraphs, emphasis, lists, tables, footnotes,
language spans) and drops the rest, so templates can render the stored text as HTML.
`html_to_text` gives the plain text for meta descriptions and citations.

Ids in archivists' text live in their own namespace: `id="fn1"` becomes `id="text-fn1"` and
`href="#fn1"` becomes `href="#text-fn1"`, so footnotes still work but a pasted `id="main"`
can never collide with (or hijack links to) the page's own ids. `name` attributes are dropped.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "div", "br", "hr",
        "em", "strong", "i", "b", "u", "sub", "sup", "span",
        "ul", "ol", "li", "blockquote",
        "h2", "h3", "h4",
        "a", "section", "aside",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

# Dropped together with their content (the other unknown tags lose the tag, keep the text).
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "noscript", "object", "embed", "textarea"}
)

ALLOWED_ATTRIBUTES = {
    # `id` anchors footnotes (namespaced, see ID_PREFIX); `lang`/`dir` mark passages in another
    # language or script.
    "*": {"id", "lang", "dir"},
    "a": {"href"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Every id in sanitized text starts with this; no id of the site's own pages does.
ID_PREFIX = "text-"

# The page title is the only h1, and h5/h6 add nothing an edition needs: keep such headings
# as the nearest allowed level instead of flattening them into the text around them.
_HEADING = re.compile(r"(</?)h([1-6])\b", re.IGNORECASE)
_ID = re.compile(r"[A-Za-z][\w:.-]{0,63}\Z")
_LANG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")
_NUMBER = re.compile(r"[1-9]\d{0,2}\Z")
_DIR = frozenset({"ltr", "rtl", "auto"})
_SCOPE = frozenset({"row", "col", "rowgroup", "colgroup"})


def _href(value: str) -> str | None:
    """Footnote fragments and absolute http(s)/mailto links only: no relative paths that
    would point into this site, no other schemes."""
    value = value.strip()
    if value.startswith("#"):
        anchor = _namespaced_id(value[1:])
        return f"#{anchor}" if anchor else None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in URL_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return value


def _namespaced_id(value: str) -> str | None:
    """`fn1` -> `text-fn1` (and `text-fn1` stays as it is, so sanitizing is idempotent)."""
    bare = value.removeprefix(ID_PREFIX)
    return ID_PREFIX + bare if _ID.match(bare) else None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Check the values nh3 cannot check by itself; `None` drops the attribute."""
    value = value.strip()
    if attribute == "href":
        return _href(value)
    if attribute == "id":
        return _namespaced_id(value)
    if attribute == "lang":
        return value if _LANG.match(value) else None
    if attribute == "dir":
        return value.lower() if value.lower() in _DIR else None
    if attribute in ("colspan", "rowspan", "start"):
        return value if _NUMBER.match(value) else None
    if attribute == "scope":
        return value.lower() if value.lower() in _SCOPE else None
    return value


def _demote_heading(match: re.Match) -> str:
    level = min(max(int(match.group(2)), 2), 4)
    return f"{match.group(1)}h{level}"


def sanitize_html(value: str | None) -> str:
    """The stored, safe-to-render form of archivist HTML; idempotent."""
    if not value:
        return ""
    # NUL bytes cannot be stored in PostgreSQL text; drop them with the rest of the junk.
    value = _HEADING.sub(_demote_heading, value.replace("\x00", ""))
    return nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_BLOCK_TAGS = frozenset(
    {
        "p", "br", "hr", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
        "section", "aside", "table", "caption", "tr", "th", "td", "div",
    }
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "textarea"})


class _TextExtractor(HTMLParser):
    """Collects text, with a space at block boundaries so "<p>a</p><p>b</p>" reads "a b",
    and leaves out footnote reference markers (`<sup><a href="#fn1">1</a></sup>`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag in ("br", "hr"):
            return
        in_sup = any(name == "sup" for name, _ in self._stack)
        href = dict(attrs).get("href") or ""
        skip = tag in _SKIPPED_TAGS or (tag == "a" and in_sup and href.startswith("#"))
        self._stack.append((tag, skip))
        if skip:
            self._skip_depth += 1

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        # Close the innermost matching open tag (tolerates unclosed tags inside it).
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                for _name, skip in self._stack[index:]:
                    if skip:
                        self._skip_depth -= 1
                del self._stack[index:]
                break

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text of (sanitized or not) HTML on one line, whitespace collapsed, entities
    decoded: for meta descriptions, citations and other non-HTML uses. Escape it on output
    like any other text."""
    if not value:
        return ""
    parser = _TextExtractor()
    parser.feed(value.replace("\x00", ""))
    parser.close()
    return " ".join("".join(parser.parts).split())
