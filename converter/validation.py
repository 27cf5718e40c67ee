"""Stage 6: check a document against schema v1, then against what a schema cannot say.

Two engines, one answer. jsonschema-rs (Rust) decides *whether* a document is valid, fast
enough for bulk runs; python-jsonschema, the reference implementation, is asked only about
invalid documents, to *explain* every error with its path and the best match first. A test
checks both engines agree on every shipped example.

Semantic checks cover what JSON Schema cannot express: ids are unique, every ``*_ref``
resolves to an item of the right kind, every span lies inside the text, ``end > start``,
``text[start:end] == span.text``, and ``article.text_sha256`` is the digest of ``text``.

The schema is always loaded from the shipped files through a ``referencing`` registry:
validation never touches the network.

Run ``python -m converter.validation --bundle`` to regenerate ``schema/v1/aec.schema.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match, relevance
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from converter.errors import Location, OutputInvalidError
from converter.jsonio import Record
from converter.resources import data_path

BASE_URI = "https://aec-project.github.io/schema/v1/"
DOCUMENT_ID = BASE_URI + "document.schema.json"
BUNDLE_ID = BASE_URI + "aec.schema.json"
BUNDLE_FILE = "aec.schema.json"
SCHEMA_SUFFIX = ".schema.json"
# Collections whose items carry ids; a reference "<kind>--<uuid>" must point into "<kind>s".
COLLECTIONS = ("actors", "events", "claims")
# A path is a linked tuple (parent path, key) built while walking; it becomes a JSON Pointer
# only when an issue is found, which keeps the walk cheap on valid documents.
Path_ = tuple[Any, Any] | None
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Issue:
    """One problem with one record: what is wrong, where, and how to fix it.

    ``pointer`` is a JSON Pointer into the record; ``schema_path`` is the failing keyword's
    location in the schema (empty for semantic checks); ``record``/``path``/``line`` say which
    input record it came from when the document was read from a file.
    """

    code: str
    message: str
    pointer: str = ""
    severity: str = "error"
    schema_path: str = ""
    record: int | None = None
    path: str | None = None
    line: int | None = None
    hint: str | None = None

    @property
    def location(self) -> Location:
        return Location(path=self.path, line=self.line, record=self.record, pointer=self.pointer)


# --------------------------------------------------------------------------- loading and bundling


def schema_dir() -> Path:
    return data_path("schema") / "v1"


@cache
def schema_parts() -> dict[str, dict[str, Any]]:
    """The split schema files by stem ('document', 'actor', ...), read once; the bundle excluded."""
    parts = {}
    for path in sorted(schema_dir().glob("*" + SCHEMA_SUFFIX)):
        if path.name != BUNDLE_FILE:
            parts[path.name[: -len(SCHEMA_SUFFIX)]] = json.loads(path.read_text(encoding="utf-8"))
    return parts


@cache
def schema_registry() -> Registry:
    """An offline registry holding every split schema under its ``$id``."""
    resources = [(part["$id"], DRAFT202012.create_resource(part)) for part in schema_parts().values()]
    return Registry().with_resources(resources)


@cache
def reference_validator() -> Draft202012Validator:
    """python-jsonschema over the split files: slower, but explains errors well."""
    return Draft202012Validator(schema_parts()["document"], registry=schema_registry())


@cache
def fast_validator() -> Any:
    """jsonschema-rs over the bundled schema: self-contained, so no retrieval is ever needed."""
    return jsonschema_rs.Draft202012Validator(bundle_schema())


def bundle_schema() -> dict[str, Any]:
    """Inline every split file into one self-contained schema rooted at the document.

    References are rewritten to local pointers (``actor.schema.json`` → ``#/$defs/actor``,
    ``span.schema.json#/$defs/start`` → ``#/$defs/span.start``) rather than embedding ``$id``
    resources, because plain local ``$ref`` is what every tool, old or new, resolves.
    """
    parts = schema_parts()
    document = parts["document"]
    defs: dict[str, Any] = {}
    for stem, part in parts.items():
        if stem != "document" and "type" in part:
            defs[stem] = _rewrite_refs(_strip_resource_keys(part), stem)
        for name, subschema in part.get("$defs", {}).items():
            defs[f"{stem}.{name}"] = _rewrite_refs(subschema, stem)
    root = _rewrite_refs(_strip_resource_keys(document), "document")
    return {
        "$schema": document["$schema"],
        "$id": BUNDLE_ID,
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _strip_resource_keys(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key not in ("$schema", "$id", "$defs")}


def _rewrite_refs(node: Any, stem: str) -> Any:
    if isinstance(node, list):
        return [_rewrite_refs(item, stem) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _local_ref(value, stem) if key == "$ref" else _rewrite_refs(value, stem)
        for key, value in node.items()
    }


def _local_ref(ref: str, stem: str) -> str:
    target, _, fragment = ref.partition("#")
    target_stem = target[: -len(SCHEMA_SUFFIX)] if target else stem
    prefix = "/$defs/"
    if fragment.startswith(prefix):
        return f"#/$defs/{target_stem}.{fragment[len(prefix) :]}"
    return "#" if target_stem == "document" else f"#/$defs/{target_stem}"


def bundle_text() -> str:
    """The exact contents of ``schema/v1/aec.schema.json``."""
    return json.dumps(bundle_schema(), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- checking one document


def check_document(document: Any) -> list[Issue]:
    """Return every schema and semantic issue of one document; ``[]`` when it is valid.

    Schema issues come first, the most relevant one (python-jsonschema ``best_match``) at the
    head; semantic checks run even on schema-invalid documents and never raise on odd shapes.
    """
    try:
        if _fast_is_valid(document):
            return semantic_issues(document, schema_valid=True)
        return _explained_schema_issues(document) + semantic_issues(document)
    except RecursionError:
        return [Issue("too-deep", "the record is nested too deeply to check", hint="flatten the data")]


def schema_issues(document: Any) -> list[Issue]:
    """Schema errors, best match first, then the rest in document order."""
    return [] if _fast_is_valid(document) else _explained_schema_issues(document)


def _explained_schema_issues(document: Any) -> list[Issue]:
    """The reference engine's account of a document the fast engine rejected."""
    errors = list(reference_validator().iter_errors(document))
    if not errors:
        # Only the Rust engine, which works on JSON values, rejects it: a value JSON cannot hold.
        return [
            Issue(
                "non-json-value",
                "the record holds a value JSON cannot represent (NaN, Infinity or a non-JSON Python type)",
                hint="write only JSON values: no NaN/Infinity",
            )
        ]
    # best_match() takes the max by relevance, then descends into anyOf/oneOf sub-errors;
    # we pick the same top-level error and let _deepest() do the descent for every error.
    best = max(errors, key=relevance)
    rest = sorted((e for e in errors if e is not best), key=lambda e: _document_order(e.absolute_path))
    return [_schema_issue(error) for error in [best, *rest]]


def _document_order(path: Iterable[Any]) -> list[tuple[int, int | str]]:
    """Sort key for JSON paths: array indexes numerically (/actors/2 before /actors/10)."""
    return [(0, part) if isinstance(part, int) else (1, str(part)) for part in path]


def _fast_is_valid(document: Any) -> bool:
    """The bulk check; a value the Rust engine cannot convert goes to the reference engine."""
    try:
        return bool(fast_validator().is_valid(document))
    except (ValueError, OverflowError, TypeError):
        return False


def _schema_issue(error: ValidationError) -> Issue:
    shown = _deepest(error)
    return Issue(
        code=f"schema-{shown.validator}",
        message=_shorten(shown.message),
        pointer=_pointer(shown.absolute_path),
        schema_path="#" + _pointer(shown.absolute_schema_path),
        hint=_hint(shown),
    )


def _deepest(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf, the sub-error that explains best (e.g. the pattern, not 'not null')."""
    return best_match([error]) if error.context else error


def _hint(error: ValidationError) -> str | None:
    """What was expected, in the schema's own words: the failing field's title and description."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = [name for name in error.validator_value if repr(name) in error.message]
        schema = schema.get("properties", {}).get(missing[0], {}) if missing else schema
    if error.validator == "additionalProperties":
        return "allowed properties: " + ", ".join(sorted(schema.get("properties", {})))
    description = schema.get("description")
    title = schema.get("title")
    if description and title:
        return f"{title}: {description}"
    return description or title


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _shorten(message: str) -> str:
    if len(message) <= _MAX_MESSAGE:
        return message
    half = _MAX_MESSAGE // 2
    return f"{message[:half]} … {message[-half:]}"


# --------------------------------------------------------------------------- semantic checks


def semantic_issues(document: Any, *, schema_valid: bool = False) -> list[Issue]:
    """Checks JSON Schema cannot express; tolerant of any shape (schema errors are reported apart).

    ``schema_valid=True`` (the caller knows the document passed the schema) allows the quick pass
    of :func:`is_clean`; only a document it cannot clear is walked in full to name its issues.
    """
    if not isinstance(document, dict):
        return []
    if schema_valid and is_clean(document):
        return []
    ids, issues = _index_ids(document)
    text = document.get("text") if isinstance(document.get("text"), str) else None
    issues += _digest_issues(document, text)
    issues += _walk_issues(document, ids, text)
    return issues


SPAN_PLACES: frozenset[tuple[str, str]] = frozenset({
    ("document.dateline", "span"), ("actor", "mentions"), ("event", "trigger"), ("event", "time"),
    ("event", "quantity"), ("event", "evidence"), ("event.participant", "mention"), ("claim", "speaker"),
    ("claim", "cue"), ("claim", "content"), ("claim", "hedges"),
})
"""(schema definition, property) pairs that hold a span, a list of spans or null: the places
:func:`is_clean` visits. Every object of schema v1 except ``article.metadata`` and ``external_ids``
is closed, so in a schema-valid document no span can be elsewhere; ``test_validate`` derives the
same set from the schema files, so a schema change that adds a span fails a test until it is added."""

REF_PLACES: frozenset[tuple[str, str]] = frozenset({
    ("actor", "affiliation_ref"), ("event.participant", "actor_ref"), ("claim", "speaker_ref"),
    ("claim", "about_refs"),
})
"""(schema definition, property) pairs that hold a reference or a list of references."""


def is_clean(document: dict[str, Any]) -> bool:
    """True when a schema-valid document has no semantic issue, decided in one pass.

    Why: bulk validation meets valid documents almost always, so this pass only answers yes or
    no, visiting just :data:`SPAN_PLACES` and :data:`REF_PLACES` with no per-node dispatch. It
    answers no whenever it is unsure (text absent, an odd offset, any mismatch, a shape the schema
    forbids); the full walk then finds and words the issues, so the result never depends on which
    pass ran.
    """
    try:
        text = document["text"]
        article = document["article"]
        if type(text) is not str or not _digest_matches(article, text):
            return False
        good = _typed_ids(document)
        if good is None:
            return False
        spans: list[Any] = []
        refs: list[Any] = []
        dateline = article.get("dateline")
        if dateline is not None:
            spans.append(dateline["span"])
        if not _collect_actors(document.get("actors", ()), spans, refs):
            return False
        _collect_events(document.get("events", ()), spans, refs)
        _collect_claims(document.get("claims", ()), spans, refs)
        return good.issuperset(refs) and _spans_fit(spans, text)
    except (KeyError, TypeError, AttributeError):
        return False


def _digest_matches(article: dict[str, Any], text: str) -> bool:
    found = article.get("text_sha256")
    return not isinstance(found, str) or found == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _typed_ids(document: dict[str, Any]) -> set[str] | None:
    """Ids whose prefix names their own collection (so a reference to one resolves); None on a duplicate."""
    good: set[str] = set()
    count = 0
    for collection in COLLECTIONS:
        prefix = collection[:-1] + "--"
        ids = [item["id"] for item in document.get(collection, ())]
        count += len(ids)
        good.update(item_id for item_id in ids if item_id.startswith(prefix))
        if len(good) < count:  # a duplicate, or an id of the wrong shape: let the full walk decide
            return None
    return good


def _collect_actors(actors: Iterable[dict[str, Any]], spans: list[Any], refs: list[Any]) -> bool:
    """Mentions and affiliations; False when ``external_ids`` holds a key the full walk reads as a reference."""
    for actor in actors:
        spans += actor["mentions"]
        ref = actor.get("affiliation_ref")
        if ref is not None:
            refs.append(ref)
        external = actor.get("external_ids")
        if external and any(name.endswith("_ref") for name in external):
            return False
    return True


def _collect_events(events: Iterable[dict[str, Any]], spans: list[Any], refs: list[Any]) -> None:
    add = spans.append
    for event in events:
        add(event["trigger"])
        for key in ("time", "quantity", "evidence"):
            span = event.get(key)
            if span is not None:
                add(span)
        for participant in event["participants"]:
            refs.append(participant["actor_ref"])
            mention = participant.get("mention")
            if mention is not None:
                add(mention)


def _collect_claims(claims: Iterable[dict[str, Any]], spans: list[Any], refs: list[Any]) -> None:
    add = spans.append
    for claim in claims:
        add(claim["content"])
        for key in ("speaker", "cue"):
            span = claim.get(key)
            if span is not None:
                add(span)
        spans += claim.get("hedges", ())
        ref = claim.get("speaker_ref")
        if ref is not None:
            refs.append(ref)
        refs += claim.get("about_refs", ())


def _spans_fit(spans: list[Any], text: str) -> bool:
    """Every span has int offsets with 0 <= start < end <= len(text), and its text, if any, matches."""
    size = len(text)
    for span in spans:
        start = span["start"]
        end = span["end"]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= size:
            return False
        found = span.get("text")
        if found is not None and found != text[start:end]:
            return False
    return True


def _index_ids(document: dict[str, Any]) -> tuple[dict[str, str], list[Issue]]:
    """Map every item id to its collection; a second item with the same id is an issue."""
    ids: dict[str, str] = {}
    issues: list[Issue] = []
    for collection in COLLECTIONS:
        items = document.get(collection)
        for index, item in enumerate(items if isinstance(items, list) else []):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                continue
            if item_id in ids:
                issues.append(
                    Issue(
                        "duplicate-id",
                        f"id {item_id!r} is used more than once (already in {ids[item_id]})",
                        f"/{collection}/{index}/id",
                        hint="every actor, event and claim needs its own id",
                    )
                )
            else:
                ids[item_id] = collection
    return ids, issues


def _digest_issues(document: dict[str, Any], text: str | None) -> list[Issue]:
    article = document.get("article")
    found = article.get("text_sha256") if isinstance(article, dict) else None
    if text is None or not isinstance(found, str):
        return []
    expected = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if found == expected:
        return []
    return [
        Issue(
            "sha256-mismatch",
            f"text_sha256 is {found!r}, but the SHA-256 of the UTF-8 text is {expected!r}",
            "/article/text_sha256",
            hint="recompute the digest after any change to 'text'",
        )
    ]


def _walk_issues(document: dict[str, Any], ids: dict[str, str], text: str | None) -> list[Issue]:
    """Check every span and reference of the document, in document order.

    Generic over the shape (any object with integer start/end is a span, any ``*_ref`` /
    ``*_refs`` member a reference), iterative so no nesting depth can overflow the stack, and
    written as one loop because it visits every object of every record in bulk runs.
    Free-form ``article.metadata`` is skipped.
    """
    issues: list[Issue] = []
    stack: list[tuple[Any, Path_]] = [(document, None)]
    while stack:
        node, path = stack.pop()
        if type(node) is list:
            stack.extend(
                (node[i], (path, i)) for i in reversed(range(len(node))) if type(node[i]) in _CONTAINERS
            )
            continue
        if "start" in node:
            issues += _span_issues(node, path, text)
        children = []
        for key, value in node.items():
            kind = type(value)
            if kind is str and key.endswith("_ref"):
                issues += _ref_issues(value, ids, path, key)
            elif kind in _CONTAINERS and not (key == "metadata" and path == _ARTICLE):
                if kind is list and key.endswith("_refs"):
                    issues += _list_ref_issues(value, ids, path, key)
                children.append((value, (path, key)))
        stack.extend(reversed(children))
    return issues


_CONTAINERS = (dict, list)
_ARTICLE = (None, "article")


def _list_ref_issues(values: list[Any], ids: dict[str, str], path: Path_, key: str) -> list[Issue]:
    issues: list[Issue] = []
    for index, item in enumerate(values):
        if isinstance(item, str):
            issues += _ref_issues(item, ids, path, key, index)
    return issues


def _path_pointer(path: Path_, *more: Any) -> str:
    keys: list[Any] = list(reversed(more))
    while path is not None:
        path, key = path
        keys.append(key)
    return _pointer(reversed(keys))


def _is_offset(value: Any) -> bool:
    """A usable offset; anything else (negative, float, bool) is left to the schema to report."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _span_issues(node: dict[str, Any], path: Path_, text: str | None) -> list[Issue]:
    """Spans are any object with integer start and end; time, quantity and hedges included."""
    start, end = node.get("start"), node.get("end")
    if not (_is_offset(start) and _is_offset(end)):
        return []
    found = node.get("text")
    if text is not None and end <= len(text) and start < end and (found is None or found == text[start:end]):
        return []  # the fast path: a good span
    pointer = _path_pointer(path)
    if end <= start:
        return [
            Issue(
                "span-order",
                f"span end {end} is not after start {start}",
                pointer + "/end",
                hint="spans are half-open [start, end) and never empty",
            )
        ]
    if text is None:
        return []
    if end > len(text):
        return [
            Issue(
                "span-out-of-range",
                f"span end {end} is past the end of the text ({len(text)} code points)",
                pointer + "/end",
                hint="offsets count Unicode code points, not bytes",
            )
        ]
    if isinstance(found, str) and found != text[start:end]:
        return [
            Issue(
                "span-text-mismatch",
                f"span text is {_shorten(repr(found))}, but text[{start}:{end}] is {_shorten(repr(text[start:end]))}",
                pointer + "/text",
                hint="offsets count Unicode code points; check for an off-by-one shift",
            )
        ]
    return []


def _ref_issues(ref: str, ids: dict[str, str], path: Path_, *keys: Any) -> list[Issue]:
    """A reference '<kind>--<uuid>' must name an item of the collection '<kind>s'."""
    expected = ref.partition("--")[0] + "s"
    found = ids.get(ref)
    if found == expected or expected not in COLLECTIONS:
        return []  # resolves, or is not shaped like an id at all (the schema's pattern reports that)
    pointer = _path_pointer(path, *keys)
    if found is None:
        return [
            Issue(
                "dangling-ref",
                f"{ref!r} does not match the id of any item in this document",
                pointer,
                hint=f"add the item to '{expected}' or fix the id",
            )
        ]
    if found != expected:
        return [
            Issue(
                "wrong-ref-kind", f"{ref!r} names an item of '{found}', expected one of '{expected}'", pointer
            )
        ]
    return []


def validate_document_or_raise(document: Any) -> None:
    """Raise OutputInvalidError when the converter is about to write an invalid document (a bug in aec)."""
    issues = [issue for issue in check_document(document) if issue.severity == "error"]
    if not issues:
        return
    first = issues[0]
    more = f" (and {len(issues) - 1} more issues)" if len(issues) > 1 else ""
    raise OutputInvalidError(f"output fails schema v1: [{first.code}] {first.message}{more}", first.location)


# --------------------------------------------------------------------------- many records


@dataclass(frozen=True)
class RecordResult:
    """The outcome for one input record; ``unreadable`` when it could not even be parsed."""

    path: str | None
    record: int | None
    line: int | None
    issues: tuple[Issue, ...]
    unreadable: bool = False

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)


@dataclass
class Summary:
    """Running totals over a batch: records, valid, invalid, unreadable, and issues by code."""

    records: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0
    by_code: Counter[str] = field(default_factory=Counter)

    def add(self, result: RecordResult) -> None:
        self.records += 1
        if result.unreadable:
            self.unreadable += 1
        elif result.valid:
            self.valid += 1
        else:
            self.invalid += 1
        self.by_code.update(issue.code for issue in result.issues)

    @property
    def exit_code(self) -> int:
        """0 all valid, 1 some record invalid, 2 some input unreadable."""
        return 2 if self.unreadable else 1 if self.invalid else 0


def check_record(record: Record) -> RecordResult:
    """Check one input record, stamping each issue with the record's file, number and line."""
    where = {"path": record.path, "record": record.number, "line": record.line}
    if record.error is not None:
        issue = Issue(record.error.code, record.error.message, "", **where, hint=record.error.hint)
        return RecordResult(record.path, record.number, record.line, (issue,), unreadable=True)
    issues = tuple(replace(issue, **where) for issue in check_document(record.data))
    return RecordResult(record.path, record.number, record.line, issues)


def validate_records(records: Iterable[Record]) -> Iterator[RecordResult]:
    """Check records one at a time, so a JSONL stream is validated in constant memory."""
    for record in records:
        yield check_record(record)


def validate_paths(paths: Iterable[str]) -> Iterator[RecordResult]:
    """Read and check every record of every path ('-' for stdin; folders recursively)."""
    from converter.jsonio import iter_records

    return validate_records(iter_records(paths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m converter.validation")
    parser.add_argument("--bundle", action="store_true", help="regenerate schema/v1/aec.schema.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if aec.schema.json is out of date")
    args = parser.parse_args(argv)
    target = schema_dir() / BUNDLE_FILE
    if args.check:
        return 0 if target.read_text(encoding="utf-8") == bundle_text() else 1
    if args.bundle:
        target.write_text(bundle_text(), encoding="utf-8")
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
