"""IIIF Presentation 3.0 manifests for documents with page images, so IIIF viewers (Mirador,
Universal Viewer) and aggregators can show the scans.

`manifest` builds the JSON from a document and its scans; `views` serves it at
`/documents/<record number>/manifest.json` under the document page's own visibility rule. Images
are referenced as full images with their pixel size (stored on the scan), served through the
access-checked scan view; PDFs are offered as `rendering` downloads.
"""
