"""``aec render``: a converted document (JSON) in, a page for people out.

``--format html`` (default) gives one self-contained page: the article with actors, events, times,
quantities and claims highlighted, a side panel and filters. ``--format svg`` gives the actor–event
graph. Neither needs a network connection to view.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from converter.errors import InputError, Location
from converter.render import render_html, render_svg

# One visible registry: --format value → the renderer.
RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {"html": render_html, "svg": render_svg}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "render",
        help="render a converted document as an HTML page or an SVG actor-event graph",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("document", metavar="DOC.json",
                        help="a document written by `aec convert` (- for stdin)")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write the page; default stdout")
    parser.add_argument("--format", choices=sorted(RENDERERS), default=None,
                        help="html or svg (default: from the -o suffix, else html)")


def run(args: argparse.Namespace) -> int:
    document = load_document(args.document)
    fmt = args.format or _format_from_suffix(args.output)
    output = RENDERERS[fmt](document)
    if args.output:
        try:
            Path(args.output).write_text(output, encoding="utf-8")
        except OSError as error:
            where = Location(path=args.output)
            raise InputError(f"cannot write the {fmt} output: {error.strerror}", where) from error
    else:
        sys.stdout.write(output)
    return 0


def _format_from_suffix(output: str | None) -> str:
    return "svg" if output and output.lower().endswith(".svg") else "html"


def load_document(source: str) -> dict[str, Any]:
    """Read one document; anything but a JSON object with a string ``text`` is an ``InputError``."""
    raw = _read(source)
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        where = Location(path=source, line=error.lineno, column=error.colno)
        message = f"not JSON ({error.msg}); expected one document written by `aec convert`"
        raise InputError(message, where) from error
    if not isinstance(document, dict) or not isinstance(document.get("text"), str):
        found = "an object without a string 'text'" if isinstance(document, dict) else type(document).__name__
        message = f"found {found}; expected a document object with a 'text' string"
        raise InputError(message, Location(path=source))
    return document


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(f"cannot read the document: {reason}", Location(path=source)) from error
