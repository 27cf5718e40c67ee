"""Batch reading and ordered, bounded conversion: bad records are values, never crashes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from converter.batch import BadRecord, Outcome, Record, convert_all, expand_inputs, iter_records
from converter.errors import InputError


def _fake_convert(record: Record) -> Outcome:
    return Outcome(record.id, record.location, document=json.dumps({"id": record.id, "n": len(record.text)}))


def test_a_jsonl_file_with_bad_lines_yields_every_good_record_and_locates_the_bad_ones(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": "a", "text": "One."}\n'
        b"not json\n"
        b'{"id": "b", "text": ""}\n'
        b'{"id": "c", "text": "Two.", "lang": "en", "published": "2024-11-05"}\n'
        b'{"id": "d", "text": "\xff\xfe"}\n'
        b"[1, 2]\n"
    )
    items = list(iter_records([str(source)]))
    good = [item for item in items if isinstance(item, Record)]
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [r.id for r in good] == ["a", "c"]
    assert good[1].metadata == {"lang": "en"} and good[1].published == "2024-11-05"
    assert [b.location.line for b in bad] == [2, 3, 5, 6]
    assert "not JSON" in bad[0].message and "empty text" in bad[1].message
    assert "UTF-8" in bad[2].message and "JSON object" in bad[3].message


def test_text_files_gzip_and_folders_are_read_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second article.", "utf-8")
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress("First article.".encode()))
    (tmp_path / "notes.md").write_text("ignored", "utf-8")
    items = list(iter_records(expand_inputs([str(tmp_path)])))
    assert [(i.id, i.text) for i in items] == [("a", "First article."), ("b", "Second article.")]


def test_a_missing_input_is_an_input_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt"):
        expand_inputs([str(tmp_path / "nope.txt")])


def test_a_text_longer_than_the_limit_is_rejected_not_truncated(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 100, "utf-8")
    (item,) = iter_records([str(tmp_path / "big.txt")], max_chars=50)
    assert isinstance(item, BadRecord) and "longer than the limit" in item.message


def test_parallel_conversion_keeps_input_order_and_passes_bad_records_through(tmp_path: Path) -> None:
    items: list[Record | BadRecord] = [Record(f"r{i}", "x" * i, _loc(i)) for i in range(1, 30)]
    items.insert(5, BadRecord(_loc(99), "broken", "bad"))
    outcomes = list(convert_all(items, jobs=2, convert_one=_fake_convert))
    assert [o.id for o in outcomes] == [getattr(i, "id", None) for i in items]
    assert outcomes[5].error == "broken"


@pytest.mark.parametrize("chunk", [1, 3, 8])
def test_chunked_parallel_conversion_keeps_order_with_bad_records_anywhere(chunk: int) -> None:
    items: list[Record | BadRecord] = [Record(f"r{i}", "x" * i, _loc(i)) for i in range(1, 12)]
    for at in (0, 3, 4, 5, 13):  # first; with chunk=3 a chunk of only bad records; last
        items.insert(at, BadRecord(_loc(100 + at), f"broken {at}", f"bad{at}"))
    outcomes = list(convert_all(items, jobs=2, convert_one=_fake_convert, chunk=chunk))
    assert [o.id for o in outcomes] == [getattr(i, "id", None) for i in items]
    assert [o.error for o in outcomes if o.error] == [f"broken {at}" for at in (0, 3, 4, 5, 13)]


def _loc(line: int):
    from converter.errors import Location

    return Location(path="in.jsonl", line=line)
