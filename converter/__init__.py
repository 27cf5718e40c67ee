"""aec — Actors, Events, Claims: English news articles to schema-valid JSON with hand-written rules.

Public API::

    from converter import convert, validate
    doc = convert(text, published="2024-11-05")
    issues = validate(doc)          # [] when the document follows schema v1
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "convert", "validate"]


def convert(text: str, **options: Any) -> dict[str, Any]:
    """Convert one article; see :func:`converter.pipeline.convert` for the options."""
    from converter.pipeline import convert as _convert

    return _convert(text, **options)


def validate(document: Any) -> list[Any]:
    """Return every schema and semantic issue of one document (an empty list when it is valid)."""
    from converter.validation import check_document

    return check_document(document)
