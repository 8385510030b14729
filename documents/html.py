"""Sanitizing archivist-entered HTML (full text, original text)."""


def sanitize_html(value: str) -> str:
    return value or ""
