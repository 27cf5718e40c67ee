"""``aec validate``: check documents against schema v1 and the semantic rules.

Reads JSON (one document, or an array of documents), JSONL (streamed, one document per line),
YAML (one record per YAML document), any of them gzipped (.gz), stdin (-) and folders
(recursively, by extension). Every issue of every record is reported, best match first.

Exit status: 0 every record valid; 1 some record invalid; 2 some input could not be read or
parsed (a malformed JSONL line is reported with its line number, and the rest is still checked).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from converter.jsonio import iter_records
from converter.report import REPORTER_BY_NAME
from converter.validation import Summary, validate_records


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "validate",
        help="check documents against schema v1 (ids, references, spans, digest too)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH|-",
        help="JSON/JSONL/YAML file (optionally .gz), folder, or - for stdin",
    )
    parser.add_argument(
        "--format", choices=sorted(REPORTER_BY_NAME), default="text", help="report format (default: text)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="text format: also list valid records")
    return parser


def run(args: argparse.Namespace) -> int:
    """Validate every record of every path; the exit code follows the module docstring."""
    reporter = REPORTER_BY_NAME[args.format](sys.stdout, verbose=args.verbose)
    summary = Summary()
    for result in validate_records(iter_records(args.paths)):
        summary.add(result)
        reporter.result(result)
    reporter.finish(summary)
    if summary.records == 0:
        print(
            "aec validate: error: no JSON, JSONL or YAML records found in " + ", ".join(args.paths),
            file=sys.stderr,
        )
        return 2
    return summary.exit_code


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m converter.commands.validate``) until cli.py registers us."""
    parser = argparse.ArgumentParser(prog="aec")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
