"""Run the converter on a Dask cluster when one machine is not enough.

A Dask bag of JSONL lines (or of ``{id, text, ...}`` dicts) is converted partition by partition:
``map_partitions`` lets each worker load the rules once (they are cached per process) and convert
many articles with them. Bad records come back as error lines instead of failing the job, exactly
as in ``aec convert``::

    import dask.bag as db
    from converter.distributed import convert_bag
    lines = db.read_text("s3://archive/2024-*.jsonl.gz")       # any Dask-readable source
    convert_bag(lines).to_textfiles("out/*.jsonl")

Each output line is either a schema-v1 document or ``{"error": ..., "id": ..., "record": N}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from converter.batch import DEFAULT_MAX_CHARS, BadRecord, Record, convert_record, parse_jsonl_line, record_from_object
from converter.errors import Location


def convert_partition(items: Iterable[str | bytes | dict[str, Any]], max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[str]:
    """Convert one partition of JSONL lines or dicts into output JSON lines (documents or errors)."""
    for number, item in enumerate(items, start=1):
        record = _as_record(item, number, max_chars)
        if isinstance(record, BadRecord):
            yield json.dumps({"error": record.message, "id": record.id, "record": number})
            continue
        outcome = convert_record(record)
        if outcome.error is not None:
            yield json.dumps({"error": outcome.error, "id": outcome.id, "record": number})
        else:
            yield outcome.document or ""


def _as_record(item: str | bytes | dict[str, Any], number: int, max_chars: int) -> Record | BadRecord:
    location = Location(record=number)
    if isinstance(item, dict):
        return record_from_object(item, location, max_chars)
    raw = item.encode("utf-8") if isinstance(item, str) else item
    return parse_jsonl_line(raw, location, max_chars)


def convert_bag(bag: Any) -> Any:
    """Return a Dask bag of output JSON lines, one per input item, in the input's partition order."""
    return bag.map_partitions(lambda part: list(convert_partition(part)))
