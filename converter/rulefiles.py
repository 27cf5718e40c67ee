"""Read rule YAML files keeping the line and column of every value, and check them against the rules schema.

Rule files are edited by hand by contributors, so every problem must point at the exact place:
``rules/events/consult.yaml:14:14: ...``. PyYAML's ``compose`` keeps a mark on every node; we
construct the data from that node tree and record each value's position under its path.

Booleans follow YAML 1.2 (only ``true``/``false``): in YAML 1.1 an unquoted ``no``, ``on`` or
``off`` in a word list silently becomes a boolean, which is never what a word-list author means.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import yaml
from jsonschema.exceptions import ValidationError

from converter.errors import Location, RuleError
from converter.model import built
from converter.resources import data_path

JsonPath = tuple[str | int, ...]

#: Unquoted scalars YAML 1.1 would read as booleans; we keep them strings and lint flags them.
YAML11_BOOLEANS = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """SafeLoader with YAML 1.2 booleans (true/false only) and dates kept as strings (JSON data model)."""


_NOT_RESOLVED = frozenset({"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"})


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NOT_RESOLVED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Position:
    """Where a value starts in its file (1-based); ``style`` is the YAML scalar style (``'``, ``"``, ``|``, ``>`` or None)."""

    line: int
    column: int
    style: str | None = None


@dataclass(frozen=True)
class RuleFile:
    """A parsed rule file: its data and the position of every value, keyed by JSON path."""

    path: Path
    data: Any
    positions: dict[JsonPath, Position] = field(default_factory=dict)
    text: str = ""

    def where(self, path: JsonPath = ()) -> Location:
        """The location of the value at ``path``, or of its nearest located ancestor."""
        for cut in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:cut]))
            if pos is not None:
                return Location(str(self.path), pos.line, pos.column, pointer=_pointer(path))
        return Location(str(self.path), pointer=_pointer(path))

    def text_start(self, path: JsonPath) -> Location:
        """Where the first character of a string value's content is (after an opening quote).

        Used to point pattern errors at the very character; block scalars start on the next line.
        """
        pos = self.positions.get(tuple(path))
        if pos is None:
            return self.where(path)
        if pos.style in ("'", '"'):
            return Location(str(self.path), pos.line, pos.column + 1)
        if pos.style in ("|", ">"):
            return Location(str(self.path), pos.line + 1, None)
        return Location(str(self.path), pos.line, pos.column)


def _pointer(path: JsonPath) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path) if path else ""


_STR_TAG = "tag:yaml.org,2002:str"


def _position(line: int, column: int, style: str | None) -> Position:
    """``Position(line, column, style)``, one per value of every rule file at start-up: see
    :func:`converter.model.built`."""
    return built(Position, line=line, column=column, style=style)


def _build(loader: _Loader, node: yaml.Node, path: JsonPath, positions: dict[JsonPath, Position],
           source: str) -> Any:
    """Construct the value of ``node`` and record the position of it and of everything inside it."""
    mark = node.start_mark
    style = getattr(node, "style", None)
    # plain scalars have style None (PyYAML) or "" (libyaml): both mean "unquoted"
    positions[path] = _position(mark.line + 1, mark.column + 1, style or None if isinstance(style, str) else None)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            plain = isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR_TAG
            key = key_node.value if plain else loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise _located(source, key_node, "a mapping key must be a plain value")
            if key in out:
                raise _located(source, key_node, f"duplicate key {key!r}; each key may appear once in a mapping")
            out[key] = _build(loader, value_node, (*path, str(key)), positions, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), positions, source) for i, item in enumerate(node.value)]
    if node.tag == _STR_TAG:  # the common case, without the generic constructor's per-node bookkeeping
        return node.value
    return loader.construct_object(node, deep=True)


def _located(source: str, node: yaml.Node, message: str) -> RuleError:
    return RuleError(message, Location(source, node.start_mark.line + 1, node.start_mark.column + 1))


def parse_rule_text(text: str, source: str) -> RuleFile:
    """Parse YAML text into a :class:`RuleFile`; raise a located :class:`RuleError` if it is not YAML."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as err:
        raise _reader_error(text, source, err) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise RuleError("empty file; expected a mapping with `kind`, `id` and `description`", Location(source, 1, 1))
        positions: dict[JsonPath, Position] = {}
        data = _build(loader, node, (), positions, source)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source, 1)
        found = " ".join(p for p in (err.context, err.problem) if p)
        raise RuleError(f"invalid YAML: {found}", where) from None
    except yaml.reader.ReaderError as err:
        raise _reader_error(text, source, err) from None
    finally:
        loader.dispose()
    return RuleFile(Path(source), data, positions, text)


def _reader_error(text: str, source: str, err: yaml.reader.ReaderError) -> RuleError:
    """A character YAML does not allow (control characters, for example), located by its offset."""
    line = text.count("\n", 0, err.position) + 1
    column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
    return RuleError(f"invalid YAML: character {chr(err.character)!r} is not allowed in a YAML file"
                     if isinstance(err.character, int) else f"invalid YAML: {err.reason}", Location(source, line, column))


def load_rule_file(path: Path | str) -> RuleFile:
    """Read one rule file (YAML) keeping positions; :class:`RuleError` if unreadable or not YAML."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RuleError(f"cannot read rule file: {err}", Location(str(path))) from None
    return parse_rule_text(text, str(path))


# --------------------------------------------------------------------------- schema


@cache
def rules_schema() -> dict[str, Any]:
    """The published schema of rule files, ``schema/rules.v1.schema.json``."""
    with (data_path("schema") / "rules.v1.schema.json").open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(rules_schema())


@cache
def _fast_validator() -> Any:
    return jsonschema_rs.Draft202012Validator(rules_schema())


def _surely_valid(data: Any) -> bool:
    """True when jsonschema-rs accepts ``data``: it decides validity many times faster than
    python-jsonschema, which loading every rule file at start-up would otherwise wait on. Anything else
    (invalid, or data it cannot read) goes to python-jsonschema, the reference, which also explains errors."""
    try:
        return bool(_fast_validator().is_valid(data))
    except (ValueError, TypeError, jsonschema_rs.ValidationError):
        return False


def _relevance(error: ValidationError) -> tuple[int, int]:
    """Show the deepest error first: it names the exact field; ties keep schema order."""
    return (-len(error.absolute_path), 0)


def _leaf_errors(error: ValidationError) -> Iterator[ValidationError]:
    """For oneOf/anyOf failures, the sub-errors of the branch that got furthest (if any) are more useful."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        if deepest > len(error.absolute_path):
            yield from (e for e in error.context if len(e.absolute_path) == deepest)
            return
    yield error


def _describe(error: ValidationError) -> str:
    value = error.instance
    if error.validator in ("oneOf", "anyOf"):
        options = " or ".join(s.get("title", s.get("type", "?")) for s in error.validator_value)
        message = f"found {json.dumps(value, default=str)[:60]}; expected {options.lower()}"
    elif error.validator == "enum":
        message = f"found {value!r}; expected one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "required":
        message = error.message.replace("is a required property", "is required here")
    else:
        message = error.message
    if isinstance(value, bool):
        message += " (YAML reads unquoted yes/no/on/off/true/false as booleans: quote the word)"
    return message


def schema_errors(rule_file: RuleFile) -> list[RuleError]:
    """Every place where the file breaks ``schema/rules.v1.schema.json``, located, deepest first."""
    if _surely_valid(rule_file.data):
        return []
    found: list[RuleError] = []
    for error in sorted(_validator().iter_errors(rule_file.data), key=_relevance):
        for leaf in _leaf_errors(error):
            where = rule_file.where(tuple(leaf.absolute_path))
            found.append(RuleError(_describe(leaf), where))
    return found


def check_rule_file(rule_file: RuleFile) -> None:
    """Raise the most relevant schema error of the file, if it has any."""
    errors = schema_errors(rule_file)
    if errors:
        raise errors[0]
