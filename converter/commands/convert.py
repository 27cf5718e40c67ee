"""``aec convert``: articles in, schema-valid documents out.

One text file (or stdin text) gives one JSON document; a JSONL stream, a folder or several files give
JSONL in input order (or one ``<id>.json`` per article when ``-o`` is a folder).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from converter.batch import (
    DEFAULT_MAX_CHARS,
    Outcome,
    Record,
    convert_all,
    default_jobs,
    expand_inputs,
    is_jsonl_path,
    iter_records,
)
from converter.errors import InputError, Location


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "convert",
        help="convert news articles into actors, events and claims (schema v1 JSON)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE|DIR|-", help="text file, JSONL file (.jsonl[.gz]), folder, or - for stdin")
    parser.add_argument("-o", "--output", help="output file (JSON or JSONL), or a folder for one file per article; default stdout")
    parser.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, to resolve 'on Tuesday' (JSONL records may carry their own)")
    parser.add_argument("--pretty", action="store_true", help="indent JSON output (single documents and folder output)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--resume", action="store_true", help="skip articles whose id is already in the JSONL output, append the rest")
    parser.add_argument("--errors", metavar="FILE", help="also write a JSONL report of the records that failed")
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="reject texts longer than this (default %(default)s)")
    parser.add_argument("--html", metavar="FILE", help="also write an HTML view (single article; with a folder output, one per article)")
    parser.add_argument("--rules", metavar="DIR", action="append", default=[],
                        help="extra rule folder: adds rules, or replaces shipped ones with the same id (repeatable; "
                        "also $AEC_RULES)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")


def run(args: argparse.Namespace) -> int:
    _use_rule_dirs(args.rules)
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError("no .txt or .jsonl files found", Location(path=", ".join(args.inputs)))
    batch = len(paths) > 1 or any(is_jsonl_path(p) for p in paths) or _stdin_is_jsonl(paths)
    records = (_with_default_date(item, args.published) for item in iter_records(paths, max_chars=args.max_chars))
    if args.output and (Path(args.output).is_dir() or args.output.endswith(("/", "\\"))):
        return _run_to_folder(records, args, _known_total(paths))
    if not batch:
        return _run_single(records, args)
    return _run_jsonl(records, args, _known_total(paths))


def _use_rule_dirs(directories: list[str]) -> None:
    """Put --rules folders on $AEC_RULES, so worker processes load the same rules; load once here to
    report errors early and say which shipped rules the user's rules replace."""
    if not directories:
        return
    for directory in directories:
        if not Path(directory).is_dir():
            raise InputError("rule folder not found", Location(path=directory))
    from converter.pipeline import default_ruleset
    from converter.rules import RULES_ENV

    existing = [d for d in os.environ.get(RULES_ENV, "").split(os.pathsep) if d]
    os.environ[RULES_ENV] = os.pathsep.join([*directories, *existing])
    default_ruleset.cache_clear()
    for notice in default_ruleset().notices:
        print(f"aec convert: {notice}", file=sys.stderr)


def _stdin_is_jsonl(paths: list[str]) -> bool:
    """Stdin holding JSONL is a batch; the check peeks without consuming."""
    if paths != ["-"]:
        return False
    buffer = sys.stdin.buffer
    peek = getattr(buffer, "peek", None)
    return bool(peek) and peek(4096)[:4096].lstrip().startswith(b"{")


def _with_default_date(item: Any, published: str | None) -> Any:
    if published and isinstance(item, Record) and item.published is None:
        return Record(item.id, item.text, item.location, published, item.title, item.source, item.metadata)
    return item


def _run_single(records: Iterator[Any], args: argparse.Namespace) -> int:
    outcome = next(convert_all(records, jobs=1))
    if outcome.error is not None:
        _report(outcome, args)
        return 1
    document = json.loads(outcome.document or "{}")
    text = json.dumps(document, ensure_ascii=False, indent=2 if args.pretty else None) + "\n"
    _write_text(args.output, text)
    if args.html:
        _write_html(document, Path(args.html))
    return 0


def _run_jsonl(records: Iterator[Any], args: argparse.Namespace, total: int | None) -> int:
    done = _existing_ids(args.output) if args.resume and args.output else set()
    pending = (r for r in records if not (isinstance(r, Record) and r.id in done))
    failures = 0
    with _open_output(args.output, append=bool(done)) as out, _Progress(args.quiet, total) as progress:
        for outcome in convert_all(pending, jobs=args.jobs or default_jobs()):
            if outcome.error is not None:
                failures += 1
                _report(outcome, args)
            else:
                out.write((outcome.document or "") + "\n")
                out.flush()  # whole lines only: an interrupted run leaves no half-written record
            progress.tick(outcome.error is None)
    return 1 if failures else 0


def _run_to_folder(records: Iterator[Any], args: argparse.Namespace, total: int | None) -> int:
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    failures = 0
    with _Progress(args.quiet, total) as progress:
        for outcome in convert_all(records, jobs=args.jobs or default_jobs()):
            if outcome.error is not None:
                failures += 1
                _report(outcome, args)
            else:
                _write_document_file(folder, outcome, args)
            progress.tick(outcome.error is None)
    return 1 if failures else 0


def _write_document_file(folder: Path, outcome: Outcome, args: argparse.Namespace) -> None:
    name = _safe_name(outcome.id or "article")
    document = json.loads(outcome.document or "{}")
    target = folder / f"{name}.json"
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2 if args.pretty else None) + "\n", "utf-8")
    if args.html:
        _write_html(document, folder / f"{name}.html")


def _safe_name(article_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in article_id).strip(".") or "article"


def _write_html(document: dict[str, Any], target: Path) -> None:
    from converter.render import render_html

    target.write_text(render_html(document), "utf-8")


def _existing_ids(output: str) -> set[str]:
    """Ids already converted by an earlier run; a final partial line (from a kill) is cut off first."""
    path = Path(output)
    if not path.is_file():
        return set()
    _truncate_partial_line(path)
    ids: set[str] = set()
    with path.open("rb") as handle:
        for raw in handle:
            try:
                ids.add(json.loads(raw)["article"]["id"])
            except (ValueError, KeyError, TypeError):
                continue  # a line we cannot read is converted again rather than trusted
    return ids


def _truncate_partial_line(path: Path) -> None:
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        path.write_bytes(data[: data.rfind(b"\n") + 1])


@contextmanager
def _open_output(output: str | None, *, append: bool) -> Iterator[IO[str]]:
    if output is None:
        yield sys.stdout
        return
    with open(output, "a" if append else "w", encoding="utf-8") as handle:
        yield handle


def _write_text(output: str | None, text: str) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, "utf-8")


def _report(outcome: Outcome, args: argparse.Namespace) -> None:
    print(f"aec convert: {outcome.location}: {outcome.error}", file=sys.stderr)
    if args.errors:
        entry = {"id": outcome.id, "location": str(outcome.location), "line": outcome.location.line,
                 "path": outcome.location.path, "error": outcome.error}
        with open(args.errors, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _known_total(paths: list[str]) -> int | None:
    """The number of articles when it is known up front (text files only), for the ETA."""
    return None if any(p == "-" or is_jsonl_path(p) for p in paths) else len(paths)


class _Progress:
    """A one-line progress display on a terminal (articles, articles/s, ETA when the total is known);
    silent when stderr is not a terminal, so logs and pipes stay clean."""

    def __init__(self, quiet: bool, total: int | None = None) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.total = total
        self.started = time.monotonic()
        self.converted = self.failed = 0

    def __enter__(self) -> _Progress:
        return self

    def tick(self, ok: bool) -> None:
        if ok:
            self.converted += 1
        else:
            self.failed += 1
        total = self.converted + self.failed
        if self.enabled and (total < 10 or total % 10 == 0):
            rate = total / max(time.monotonic() - self.started, 1e-6)
            line = f"\r{self.converted} converted, {self.failed} failed, {rate:.1f} articles/s"
            if self.total:
                line += f", {100 * total / self.total:.0f}%, ETA {max(self.total - total, 0) / rate:.0f}s"
            print(line, end="", file=sys.stderr, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            print(file=sys.stderr)
