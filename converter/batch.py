"""Batch conversion: read articles from files, folders, JSONL streams or stdin; convert them in
worker processes with bounded memory; keep input order; record bad inputs as values, never stop.

A bad record (not UTF-8, not JSON, no text, too long) becomes a ``BadRecord`` carrying its location,
so one bad line is reported and the rest of the batch still converts.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from converter.errors import AecError, InputError, Location

DEFAULT_MAX_CHARS = 2_000_000  # ~300k words: far beyond any news article, small enough to stay fast
_RESERVED_FIELDS = ("id", "text", "published", "title", "source")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_TEXT_SUFFIXES = (".txt", ".txt.gz")


@dataclass(frozen=True)
class Record:
    """One article to convert."""

    id: str
    text: str
    location: Location
    published: str | None = None
    title: str | None = None
    source: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BadRecord:
    """An input that could not become a Record, with where it was and why."""

    location: Location
    message: str
    id: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of converting one record: a JSON line, or an error message."""

    id: str | None
    location: Location
    document: str | None = None
    error: str | None = None


# --------------------------------------------------------------------------- reading


def is_jsonl_path(path: str) -> bool:
    return path.lower().endswith(_JSONL_SUFFIXES)


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Folders become their ``.txt``/``.jsonl`` files (sorted, recursive); ``-`` stays stdin."""
    expanded: list[str] = []
    for path in paths:
        if path != "-" and Path(path).is_dir():
            files = sorted(p for p in Path(path).rglob("*") if p.is_file() and _convertible(p.name))
            expanded.extend(str(p) for p in files)
        elif path == "-" or Path(path).is_file():
            expanded.append(path)
        else:
            raise InputError("no such file or folder", Location(path=path))
    return expanded


def _convertible(name: str) -> bool:
    return name.lower().endswith(_JSONL_SUFFIXES + _TEXT_SUFFIXES)


def iter_records(paths: Sequence[str], *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Record | BadRecord]:
    """Yield every article of every input, in order; never raises for a bad record."""
    for path in paths:
        try:
            stream = _open_binary(path)
        except OSError as error:
            yield BadRecord(Location(path=path), f"cannot read: {error.strerror or error}")
            continue
        with stream:
            if path == "-":
                stream = _peekable(stream)
                jsonl = _looks_like_jsonl(stream)
            else:
                jsonl = is_jsonl_path(path)
            reader = _jsonl_records if jsonl else _text_record
            yield from reader(stream, path, max_chars)


def _open_binary(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")  # noqa: SIM115 - closed by the caller's `with`


def _peekable(stream: BinaryIO) -> io.BufferedReader:
    return stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]


def _looks_like_jsonl(stream: io.BufferedReader) -> bool:
    """Stdin is JSONL when its first non-blank byte opens an object."""
    head = stream.peek(4096)[:4096].lstrip()
    return head.startswith(b"{")


def _text_record(stream: BinaryIO, path: str, max_chars: int) -> Iterator[Record | BadRecord]:
    location = Location(path=path)
    article_id = "stdin" if path == "-" else _stem(path)
    try:
        raw = stream.read(max_chars * 4 + 4)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        yield BadRecord(location, f"not UTF-8 text (byte {error.start}: {raw[error.start:error.start + 1]!r})",
                        article_id)
        return
    except (OSError, EOFError) as error:  # e.g. a truncated gzip file
        yield BadRecord(location, f"cannot read: {error}", article_id)
        return
    problem = _text_problem(text, max_chars)
    if problem:
        yield BadRecord(location, problem, article_id)
    else:
        yield Record(article_id, text, location, source=None if path == "-" else path)


def _stem(path: str) -> str:
    name = Path(path).name
    for suffix in (".gz", ".txt"):
        name = name.removesuffix(suffix)
    return name


def _text_problem(text: str, max_chars: int) -> str | None:
    if not text.strip():
        return "empty text: expected an article"
    if len(text) > max_chars:
        return f"text of {len(text):,} characters is longer than the limit of {max_chars:,} (--max-chars)"
    return None


def _jsonl_records(stream: BinaryIO, path: str, max_chars: int) -> Iterator[Record | BadRecord]:
    line_number = 0
    try:
        for line_number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield parse_jsonl_line(raw, Location(path=path, line=line_number), max_chars)
    except (OSError, EOFError) as error:
        yield BadRecord(Location(path=path, line=line_number + 1), f"cannot read: {error}")


def parse_jsonl_line(raw: bytes, location: Location, max_chars: int) -> Record | BadRecord:
    if len(raw) > max_chars * 4 + 1024:
        return BadRecord(location, f"line of {len(raw):,} bytes is longer than the limit (--max-chars {max_chars:,})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return BadRecord(location, f"not UTF-8 (byte {error.start} of the line)")
    except (ValueError, RecursionError) as error:
        return BadRecord(location, f"not JSON: {error}")
    if not isinstance(data, dict):
        return BadRecord(location, f"expected a JSON object {{id, text, ...}}, found {type(data).__name__}")
    return record_from_object(data, location, max_chars)


def record_from_object(data: dict[str, Any], location: Location, max_chars: int) -> Record | BadRecord:
    article_id = data.get("id")
    article_id = str(article_id) if isinstance(article_id, (str, int)) else None
    text = data.get("text")
    if not isinstance(text, str):
        return BadRecord(location, 'missing "text": expected a string with the article', article_id)
    problem = _text_problem(text, max_chars)
    if problem:
        return BadRecord(location, problem, article_id)
    optional = {key: data.get(key) if isinstance(data.get(key), str) else None for key in _RESERVED_FIELDS[2:]}
    metadata = {key: value for key, value in data.items() if key not in _RESERVED_FIELDS}
    return Record(article_id or f"line-{location.line}", text, location, metadata=metadata, **optional)


# --------------------------------------------------------------------------- converting


def convert_record(record: Record) -> Outcome:
    """Convert one record into one JSON line (runs in a worker process)."""
    from converter.pipeline import convert

    try:
        document = convert(
            record.text,
            published=record.published,
            article_id=record.id,
            source=record.source,
            title=record.title,
            metadata=record.metadata,
        )
    except (AecError, ValueError) as error:  # ValueError: e.g. a malformed `published`
        return Outcome(record.id, record.location, error=str(error))
    except Exception as error:  # noqa: BLE001 - one buggy article must not stop an archive run
        message = f"internal error (a bug in aec, please report it): {type(error).__name__}: {error}"
        return Outcome(record.id, record.location, error=message)
    return Outcome(record.id, record.location, document=json.dumps(document, ensure_ascii=False))


def _warm_worker() -> None:
    """Load rules and grammars once per worker process, not once per article.

    Workers ignore Ctrl-C: the parent process decides how to stop (cancel pending work, keep the
    lines already written), so an interrupt never prints a traceback from every worker.
    """
    from converter.pipeline import default_ruleset

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    try:
        default_ruleset()
    except Exception:  # noqa: BLE001 - the same error is reported with each record it affects
        return


def convert_all(
    items: Iterable[Record | BadRecord],
    *,
    jobs: int = 1,
    convert_one: Callable[[Record], Outcome] = convert_record,
    warm_up: Callable[[], None] | None = None,
    chunk: int = 8,
) -> Iterator[Outcome]:
    """Convert records in input order; bad records pass through as error outcomes.

    With ``jobs > 1`` records travel to the workers ``chunk`` at a time (one round trip per chunk, not per
    article: on two cores the per-task overhead of the pool was a sixth of the work), and at most
    ``4 * jobs`` chunks are in flight at once (back-pressure), so memory stays bounded whatever the input size.
    """
    if jobs <= 1:
        for item in items:
            yield _bad_outcome(item) if isinstance(item, BadRecord) else convert_one(item)
        return
    window: deque[Future[list[Outcome]] | list[Outcome]] = deque()
    if warm_up is None and convert_one is convert_record:
        warm_up = _warm_worker
        _preload_in_parent()
    with ProcessPoolExecutor(max_workers=jobs, initializer=warm_up) as pool:
        try:
            for group in _chunks(items, max(1, chunk)):
                window.append(_submit(pool, convert_one, group))
                if len(window) >= 4 * jobs:
                    yield from _results(window.popleft())
            while window:
                yield from _results(window.popleft())
        except (KeyboardInterrupt, GeneratorExit):
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _chunks(items: Iterable[Record | BadRecord], size: int) -> Iterator[list[Record | BadRecord]]:
    group: list[Record | BadRecord] = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _submit(
    pool: ProcessPoolExecutor, convert_one: Callable[[Record], Outcome], group: list[Record | BadRecord]
) -> Future[list[Outcome]] | list[Outcome]:
    """A chunk of only bad records needs no worker; otherwise the worker converts the chunk in order."""
    if all(isinstance(item, BadRecord) for item in group):
        return [_bad_outcome(item) for item in group if isinstance(item, BadRecord)]
    return pool.submit(_convert_chunk, convert_one, group)


def _convert_chunk(convert_one: Callable[[Record], Outcome], group: list[Record | BadRecord]) -> list[Outcome]:
    """Runs in a worker: one outcome per item, in order (bad records become error outcomes)."""
    return [_bad_outcome(item) if isinstance(item, BadRecord) else convert_one(item) for item in group]


def _preload_in_parent() -> None:
    """Load the rules once before the pool starts: forked workers then share them instead of each
    spending half a second loading its own copy (on platforms that spawn, workers still load their own)."""
    import gc

    from converter.pipeline import default_ruleset

    try:
        default_ruleset()
    except Exception:  # noqa: BLE001 - the same error is reported with each record it affects
        return
    gc.freeze()  # shared pages stay shared: the collector does not touch (and copy) the loaded rules


def _bad_outcome(bad: BadRecord) -> Outcome:
    return Outcome(bad.id, bad.location, error=bad.message)


def _results(item: Future[list[Outcome]] | list[Outcome]) -> list[Outcome]:
    return item if isinstance(item, list) else item.result()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
