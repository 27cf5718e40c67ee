"""Read records from JSON, JSONL, YAML (optionally gzipped), stdin and folders.

Reading never raises for bad data: a file or line that cannot be read becomes a ``Record``
whose ``error`` says what was found and where, and reading goes on with the next one
(check-jsonschema's "errors are data"). JSONL is streamed line by line, so memory stays
constant however long the file is.
"""

from __future__ import annotations

import gzip
import importlib
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml


def _optional_module(name: str) -> Any:
    """The module, or None when it is not installed (the caller then uses the standard library)."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - depends on the environment
        return None


orjson: Any = _optional_module("orjson")
"""Optional: parses about 2x faster than json; only results json.loads would give are used (see _quick_parse)."""

JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
GZIP_SUFFIX = ".gz"
STDIN = "-"
# A single record larger than this is refused with a clear message instead of exhausting memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024
# Read buffer of a file: with the default 8 KiB, reading one ~13 KiB JSONL line cost 5x more (the line
# is assembled from several buffer fills), a fifth of the time of validating it.
READ_BUFFER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ReadError:
    """Why a record could not be read: a stable code, a message with found/expected, a hint."""

    code: str
    message: str
    hint: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Record:
    """One parsed input record, or the error that stopped it from being parsed.

    ``number`` is 1-based within its file; ``line`` is the 1-based line it starts on when known.
    """

    path: str
    number: int | None
    line: int | None
    data: Any = None
    error: ReadError | None = None


def iter_records(paths: Iterable[str]) -> Iterator[Record]:
    """Every record of every path in order; folders are searched recursively by extension."""
    for path in paths:
        if path == STDIN:
            yield from _read_stdin()
        elif Path(path).is_dir():
            for file in _data_files(Path(path)):
                yield from read_file(file)
        else:
            yield from read_file(Path(path))


def _data_files(folder: Path) -> list[Path]:
    known = JSON_SUFFIXES | JSONL_SUFFIXES | YAML_SUFFIXES
    return sorted(p for p in folder.rglob("*") if p.is_file() and _format_suffix(p) in known)


def _format_suffix(path: Path) -> str:
    """The suffix that names the format: 'x.jsonl.gz' → '.jsonl'."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == GZIP_SUFFIX:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_file(path: Path) -> Iterator[Record]:
    """Records of one file; an unreadable file yields one error record."""
    try:
        handle = _open_binary(path)
    except OSError as error:
        yield Record(
            str(path), None, None, error=ReadError("unreadable", f"cannot open: {error.strerror or error}")
        )
        return
    with handle:
        yield from _read_stream(handle, str(path), _format_suffix(path))


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == GZIP_SUFFIX:
        return gzip.open(path, "rb")
    return path.open("rb", buffering=READ_BUFFER_BYTES)


def _read_stream(handle: IO[bytes], name: str, suffix: str) -> Iterator[Record]:
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(handle, name)
        elif suffix in YAML_SUFFIXES:
            yield from _read_yaml(_read_limited(handle), name)
        else:
            yield from _read_json(_read_limited(handle), name)
    except _TooLarge:
        yield Record(name, None, None, error=_too_large())
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        yield Record(name, None, None, error=ReadError("unreadable", f"cannot read: {error}"))


def _read_stdin() -> Iterator[Record]:
    """Standard input: JSONL when its first line is a whole JSON object; JSON when it opens
    with a bracket; YAML otherwise."""
    handle = sys.stdin.buffer
    first = handle.readline()
    rest = io.BufferedReader(_Chain(first, handle)) if first else handle
    if _is_json_object_line(first):
        suffix = ".jsonl"
    else:
        suffix = ".json" if first.lstrip()[:1] in (b"{", b"[") else ".yaml"
    yield from _read_stream(rest, STDIN, suffix)


def _is_json_object_line(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


class _Chain(io.RawIOBase):
    """A raw stream that replays an already-read first line, then the rest of another stream."""

    def __init__(self, head: bytes, tail: IO[bytes]) -> None:
        self._head = head
        self._tail = tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._head[: len(buffer)] if self._head else self._tail.read(len(buffer))
        self._head = self._head[len(chunk) :] if self._head else b""
        buffer[: len(chunk)] = chunk
        return len(chunk)


class _TooLarge(Exception):
    pass


def _too_large() -> ReadError:
    return ReadError(
        "too-large",
        f"record is larger than {MAX_RECORD_BYTES // (1024 * 1024)} MiB",
        hint="split the input into one document per JSONL line",
    )


def _read_limited(handle: IO[bytes]) -> bytes:
    data = handle.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        raise _TooLarge
    return data


def _decode(data: bytes) -> str | ReadError:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return ReadError(
            "not-utf8", f"byte {error.start} is not valid UTF-8: {error.reason}", hint="save as UTF-8"
        )


_SHAPE = bytes(ord("0") if chr(i).isdigit() and i < 128 else ord("[") if chr(i) in "[{" else ord(" ") for i in range(256))
"""Byte map for one cheap look at a record: digits become 0, opening brackets [, the rest a space."""
# orjson reads an integer beyond 64 bits as a float where json keeps it exact; such a number has at
# least 19 digits, so any run of 19 digits (in a number or a string) sends the record to json.
_LONG_DIGIT_RUN = b"0" * 19
_NOT_QUICK = object()


def _quick_parse(raw: bytes) -> Any:
    """Parse with orjson when it surely agrees with json.loads; ``_NOT_QUICK`` otherwise.

    Why not orjson alone: its messages differ, and it rejects what json accepts (a BOM, lone
    surrogates, 1e400) or reads big integers as floats. Any such record simply takes the json
    path, so results and error messages stay exactly those of the standard library.
    """
    if orjson is None:
        return _NOT_QUICK
    shape = raw.translate(_SHAPE)
    if _LONG_DIGIT_RUN in shape or _may_nest_deeply(shape):
        return _NOT_QUICK
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _NOT_QUICK


def _may_nest_deeply(shape: bytes) -> bool:
    """Whether json.loads might run out of stack: it recurses once per nesting level where orjson
    allows 1024 levels, so a record with many brackets takes the json path to be refused the same way
    (counting brackets overestimates the depth, which only costs speed)."""
    return shape.count(b"[") >= sys.getrecursionlimit() // 2


def _parse_bytes(raw: bytes) -> Any:
    """Parse one JSON text given as bytes; a ReadError when it is not UTF-8 or not JSON."""
    value = _quick_parse(raw)
    if value is not _NOT_QUICK:
        return value
    text = _decode(raw)
    return text if isinstance(text, ReadError) else _parse_json(text)


def _parse_json(text: str) -> Any:
    """Parse one JSON text; the error explains what was found and where."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        return ReadError(
            "malformed-json", f"malformed JSON at column {error.colno}: {error.msg}", line=error.lineno
        )
    except RecursionError:
        return ReadError("too-deep", "JSON is nested too deeply to read", hint="flatten the data")


def _reject_constant(name: str) -> Any:
    """Python's json accepts NaN and Infinity; JSON (RFC 8259) does not."""
    raise json.JSONDecodeError(f"found {name}, which is not a JSON number", name, 0)


def _read_json(data: bytes, name: str) -> Iterator[Record]:
    """A JSON file holds one document, or an array of documents (one record each)."""
    value = _parse_bytes(data)
    if isinstance(value, ReadError):
        yield Record(name, 1, value.line, error=value)
    elif isinstance(value, list):
        yield from (Record(name, index, None, item) for index, item in enumerate(value, start=1))
    else:
        yield Record(name, 1, 1, value)


def _read_jsonl(handle: IO[bytes], name: str) -> Iterator[Record]:
    """One record per non-blank line; a bad line is reported by number and reading goes on."""
    number = 0
    for line_number, raw in enumerate(_limited_lines(handle), start=1):
        if raw is None:
            number += 1
            yield Record(name, number, line_number, error=_too_large())
            continue
        if not raw.strip():
            continue
        number += 1
        value = _parse_bytes(raw.strip())
        if isinstance(value, ReadError):
            yield Record(name, number, line_number, error=value)
        else:
            yield Record(name, number, line_number, value)


def _limited_lines(handle: IO[bytes]) -> Iterator[bytes | None]:
    """Lines of a stream; None stands for a line longer than the limit (its rest is skipped)."""
    while True:
        line = handle.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_RECORD_BYTES)
            yield None
        else:
            yield line


def _read_yaml(data: bytes, name: str) -> Iterator[Record]:
    """Each YAML document is a record; its line comes from the parser's marks."""
    text = _decode(data)
    if isinstance(text, ReadError):
        yield Record(name, 1, None, error=text)
        return
    loader = _StringDateLoader(text)
    number = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            number += 1
            line = node.start_mark.line + 1 if node is not None else None
            yield _construct_yaml(loader, node, name, number, line)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        yield Record(
            name,
            number + 1,
            line,
            error=ReadError("malformed-yaml", f"malformed YAML: {_yaml_problem(error)}"),
        )
    except RecursionError:
        yield Record(name, number + 1, None, error=ReadError("too-deep", "YAML is nested too deeply to read"))
    finally:
        loader.dispose()


class _StringDateLoader(yaml.SafeLoader):
    """YAML's implicit dates become strings, as they would be in JSON, so both formats validate alike."""


_StringDateLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _construct_yaml(loader: yaml.SafeLoader, node: Any, name: str, number: int, line: int | None) -> Record:
    try:
        return Record(name, number, line, loader.construct_document(node))
    except RecursionError:
        return Record(name, number, line, error=ReadError("too-deep", "YAML is nested too deeply to read"))
    except yaml.YAMLError as error:
        return Record(
            name, number, line, error=ReadError("malformed-yaml", f"malformed YAML: {_yaml_problem(error)}")
        )


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    return str(problem) if problem else str(error).splitlines()[0]
