"""Sanitizing archivist-entered HTML (full text, original text). Filled in by the scans/HTML work."""


def sanitize_html(value: str) -> str:
    return value or ""
