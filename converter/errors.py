"""Typed, located errors. Every error says what was found, where, and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file (and line/column), or a record of a batch (and JSON pointer)."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    record: int | str | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.pointer is not None:
            parts.append(f"at {self.pointer or '/'}")
        return ", ".join(parts) or "<unknown>"


class AecError(ValueError):
    """Base class of every error aec raises on purpose; the CLI prints these without a traceback."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()

    def __str__(self) -> str:
        where = str(self.location)
        return self.message if where == "<unknown>" else f"{where}: {self.message}"


class InputError(AecError):
    """An input file or record cannot be read or is not what the command expects."""


class RuleError(AecError):
    """A rule file is malformed: bad YAML, fails the rules schema, or duplicates an id."""


class PatternError(RuleError):
    """A rule's pattern does not parse or refers to an unknown word list."""


class GrammarError(AecError):
    """A shipped .lark grammar failed to load (a bug in aec, not in the input)."""


class OutputInvalidError(AecError):
    """The converter produced a document that fails the schema: always a bug in aec."""
