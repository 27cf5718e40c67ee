"""The ``aec`` command line: parse arguments → run one command → exit code.

Exit codes are shared by every command: 0 success, 1 invalid data found (or some records failed),
2 usage error or unreadable input. Expected failures print one located message, never a traceback
(set AEC_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from converter import __version__
from converter.commands import convert, explain, render, rules, validate
from converter.errors import AecError

# One visible registry: the subcommand name → the module that implements it
# (each module exposes add_parser(subparsers) and run(args) -> int).
COMMANDS: dict[str, ModuleType] = {
    "convert": convert,
    "validate": validate,
    "explain": explain,
    "rules": rules,
    "render": render,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aec",
        description="Actors, Events, Claims: turn English news articles into schema-valid JSON with hand-written rules.",
    )
    parser.add_argument("--version", action="version", version=f"aec {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return COMMANDS[args.command].run(args)
    except AecError as error:
        if os.environ.get("AEC_DEBUG"):
            raise
        print(f"aec {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"aec {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `aec convert ... | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0
    except OSError as error:  # a path the system refuses (too long, no permission, a device gone)
        if os.environ.get("AEC_DEBUG"):
            raise
        name = str(error.filename or "")
        where = f"{name[:100]}{'…' if len(name) > 100 else ''}: " if name else ""
        print(f"aec {args.command}: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
