"""check_document's semantic checks and issue details, and `aec validate` over files on disk."""

from __future__ import annotations

import argparse
import copy
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from converter import jsonio
from converter.commands import validate as command
from converter.errors import OutputInvalidError
from converter.validation import (
    REF_PLACES,
    SPAN_PLACES,
    bundle_schema,
    check_document,
    is_clean,
    schema_dir,
    semantic_issues,
    validate_document_or_raise,
)

DATASETS = Path(__file__).parent / "files" / "datasets"
VALID_FILES = sorted(p for p in (DATASETS / "valid").iterdir())


@pytest.fixture()
def document() -> dict[str, Any]:
    case = json.loads(
        (schema_dir() / "examples" / "valid" / "full-document.json").read_text(encoding="utf-8")
    )
    return copy.deepcopy(case["data"])


def _codes(document: Any) -> list[str]:
    return [issue.code for issue in check_document(document)]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers(dest="command"))
    code = command.run(parser.parse_args(["validate", *argv]))
    return code, capsys.readouterr().out


def _json_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out = _run(capsys, "--format", "json", *argv)
    return code, json.loads(out)


# --------------------------------------------------------------------------- semantic checks


def test_a_valid_document_has_no_issues(document: dict[str, Any]) -> None:
    assert check_document(document) == []
    validate_document_or_raise(document)


def test_a_reference_to_an_item_of_the_wrong_collection_is_caught(document: dict[str, Any]) -> None:
    claim_id = document["claims"][0]["id"]
    document["events"][0]["id"] = "actor--" + claim_id.removeprefix("claim--")
    document["events"][0]["participants"][0]["actor_ref"] = document["events"][0]["id"]
    assert "wrong-ref-kind" in _codes(document)


def test_duplicate_ids_across_collections_are_caught(document: dict[str, Any]) -> None:
    document["claims"][1]["id"] = document["claims"][0]["id"]
    assert _codes(document) == ["duplicate-id"]
    assert check_document(document)[0].pointer == "/claims/1/id"


def test_span_checks_cover_extended_spans_like_time_and_hedges(document: dict[str, Any]) -> None:
    document["events"][0]["time"]["text"] = "on Monday"
    document["claims"][1]["hedges"][0]["start"] += 1
    issues = check_document(document)
    assert [(i.code, i.pointer) for i in issues] == [
        ("span-text-mismatch", "/events/0/time/text"),
        ("span-text-mismatch", "/claims/1/hedges/0/text"),
    ]


def test_spans_count_code_points_not_bytes(document: dict[str, Any]) -> None:
    assert "—" in document["text"]  # a multi-byte character before later spans
    assert check_document(document) == []


def test_spans_are_not_checked_against_text_when_text_is_absent(document: dict[str, Any]) -> None:
    del document["text"]
    document["events"][0]["trigger"]["text"] = "anything"
    assert check_document(document) == []


def test_free_form_metadata_is_not_checked_as_spans(document: dict[str, Any]) -> None:
    document["article"]["metadata"] = {"start": 5, "end": 1, "actor_ref": "actor--nothing"}
    assert check_document(document) == []


def test_the_best_match_comes_first_and_every_error_is_listed(document: dict[str, Any]) -> None:
    document["events"][0]["type"] = "MEET"
    document["actors"][0]["country"] = "ken"
    del document["claims"][0]["content"]
    issues = check_document(document)
    assert {i.code for i in issues} == {"schema-enum", "schema-pattern", "schema-required"}
    assert all(i.pointer and i.schema_path.startswith("#/") and i.hint for i in issues)
    assert issues[0].pointer in {"/events/0/type", "/actors/0/country", "/claims/0"}


def test_an_anyof_error_is_explained_by_the_alternative_that_fits_the_value(document: dict[str, Any]) -> None:
    document["actors"][1]["affiliation_ref"] = "Kenya"
    issues = check_document(document)
    assert [(i.code, i.pointer) for i in issues] == [("schema-pattern", "/actors/1/affiliation_ref")]
    assert "'Kenya'" in issues[0].message


@pytest.mark.parametrize(
    "value", [None, [], "text", 3, 2.5, True, {"actors": "x"}, {"actors": [None, 1, []]}]
)
def test_any_json_value_gives_issues_not_exceptions(value: Any) -> None:
    issues = check_document(value)
    assert issues and all(issue.code.startswith("schema-") for issue in issues)


def test_a_deeply_nested_record_is_reported_not_raised(document: dict[str, Any]) -> None:
    deep: Any = []
    for _ in range(50_000):
        deep = [deep]
    document["actors"] = deep
    assert _codes(document)[0] in {"schema-type", "too-deep"}


def test_huge_messages_are_shortened(document: dict[str, Any]) -> None:
    document["events"][0]["type"] = "X" * 100_000
    assert len(check_document(document)[0].message) < 400


def test_validate_document_or_raise_names_the_first_problem(document: dict[str, Any]) -> None:
    document["events"][0]["participants"][0]["actor_ref"] = "actor--00000000-0000-5000-8000-000000000000"
    with pytest.raises(OutputInvalidError) as raised:
        validate_document_or_raise(document)
    assert "dangling-ref" in str(raised.value)
    assert raised.value.location.pointer == "/events/0/participants/0/actor_ref"


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("path", VALID_FILES, ids=[p.name for p in VALID_FILES])
def test_every_valid_dataset_file_passes(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out = _run(capsys, str(path))
    assert code == 0, out
    assert " 0 invalid, 0 unreadable" in out.splitlines()[-1]


def test_a_folder_is_searched_recursively_by_extension(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json_run(capsys, str(DATASETS / "valid"))
    assert code == 0 and report["status"] == "ok"
    assert report["summary"]["records"] == 10


def test_a_malformed_jsonl_line_is_reported_and_the_rest_still_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = _json_run(capsys, str(DATASETS / "invalid" / "malformed-line.jsonl"))
    assert code == 2
    found = [(e["line"], e["record"], e["code"]) for e in report["errors"]]
    assert found == [(2, 2, "malformed-json"), (3, 3, "dangling-ref")]
    assert report["summary"] == {
        "records": 4,
        "valid": 2,
        "invalid": 1,
        "unreadable": 1,
        "by_code": {"dangling-ref": 1, "malformed-json": 1},
    }


@pytest.mark.parametrize(
    ("name", "expected_code", "exit_code"),
    [
        ("event-unknown-type.json", "schema-enum", 1),
        ("dangling.jsonl.gz", "dangling-ref", 1),
        ("span-shifted.yaml", "span-text-mismatch", 1),
        ("malformed.yaml", "malformed-yaml", 2),
        ("truncated.json", "malformed-json", 2),
        ("too-deep.json", "too-deep", 2),
    ],
)
def test_each_invalid_dataset_file_reports_its_mistake(
    capsys: pytest.CaptureFixture[str], name: str, expected_code: str, exit_code: int
) -> None:
    code, report = _json_run(capsys, str(DATASETS / "invalid" / name))
    assert code == exit_code
    assert report["errors"][0]["code"] == expected_code
    assert report["errors"][0]["best_match"] is True
    assert report["errors"][0]["path"].endswith(name)


def test_text_report_says_where_what_and_what_was_expected(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, str(DATASETS / "invalid" / "event-unknown-type.json"))
    first, schema_line, expected_line, summary = out.splitlines()
    assert code == 1
    assert (
        "event-unknown-type.json:1: record 1: /events/0/type: error[schema-enum]: 'MEET' is not one of"
        in first
    )
    assert schema_line.strip() == "schema: #/properties/events/items/properties/type/enum"
    assert expected_line.strip().startswith("expected: PLOVER event type")
    assert summary == "1 records: 0 valid, 1 invalid, 0 unreadable (schema-enum 1)"


def test_sarif_report_is_sarif_2_1_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--format", "sarif", str(DATASETS / "invalid"))
    log = json.loads(out)
    assert code == 2 and log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {
        rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]
    }
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)


def test_github_report_annotates_files_and_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--format", "github", str(DATASETS / "invalid" / "malformed-line.jsonl"))
    lines = out.splitlines()
    assert code == 2
    assert lines[0].startswith("::error file=") and ",line=2," in lines[0]
    assert lines[-1].startswith("4 records:")


def test_missing_file_and_empty_folder_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert _run(capsys, str(tmp_path / "missing.json"))[0] == 2
    assert _run(capsys, str(tmp_path))[0] == 2


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))


@pytest.mark.parametrize("name", ["batch.jsonl", "full.json", "documents.yaml", "array.json"])
def test_stdin_is_read_as_jsonl_json_or_yaml(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    _stdin(monkeypatch, (DATASETS / "valid" / name).read_bytes())
    code, out = _run(capsys, "-")
    assert code == 0, out


def test_a_record_over_the_size_limit_is_refused_clearly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(jsonio, "MAX_RECORD_BYTES", 1000)
    big = tmp_path / "big.jsonl.gz"
    small = json.dumps({"a": 1})
    with gzip.open(big, "wt") as handle:
        handle.write(small + "\n" + json.dumps({"a": "x" * 5000}) + "\n" + small + "\n")
    code, report = _json_run(capsys, str(big))
    assert code == 2
    codes = [(e["line"], e["code"]) for e in report["errors"]]
    assert (2, "too-large") in codes and report["summary"]["records"] == 3


def test_invalid_utf8_is_reported_with_its_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": "\xff"}\n')
    code, report = _json_run(capsys, str(path))
    assert code == 2 and (2, "not-utf8") in [(e["line"], e["code"]) for e in report["errors"]]


def test_nan_in_a_file_is_malformed_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "nan.jsonl"
    path.write_text('{"a": NaN}\n{"a": 1}\n', encoding="utf-8")
    code, report = _json_run(capsys, str(path))
    assert code == 2
    assert (report["errors"][0]["line"], report["errors"][0]["code"]) == (1, "malformed-json")
    assert "NaN" in report["errors"][0]["message"]


def test_a_value_json_cannot_hold_is_reported_not_missed(document: dict[str, Any]) -> None:
    document["events"][0]["quantity"] = {"start": 0, "end": 7, "text": "NAIROBI", "value": float("nan")}
    assert _codes(document) == ["non-json-value"]


def test_huge_integers_and_deep_free_form_metadata_are_accepted(document: dict[str, Any]) -> None:
    deep: Any = []
    for _ in range(2_000):
        deep = [deep]
    document["article"]["metadata"] = {"count": 10**100, "tree": deep}
    assert check_document(document) == []


# --------------------------------------------------------------------------- the quick pass for valid documents


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    """The object/array schemas a property may hold: $ref followed, anyOf split, null dropped."""
    if "$ref" in schema:
        ref = schema["$ref"]
        return _resolve(bundle_schema() if ref == "#" else defs[ref.removeprefix("#/$defs/")], defs)
    if "anyOf" in schema:
        return [found for option in schema["anyOf"] for found in _resolve(option, defs)]
    return [] if schema.get("type") == "null" else [schema]


def _schema_places() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(definition, property) pairs holding spans and references, read from the bundled schema."""
    defs = bundle_schema()["$defs"]
    spans: set[tuple[str, str]] = set()
    refs: set[tuple[str, str]] = set()
    todo = [("document", bundle_schema()), *defs.items()]
    while todo:
        name, schema = todo.pop()
        for prop, sub in schema.get("properties", {}).items():
            if prop.endswith(("_ref", "_refs")):
                refs.add((name, prop))
            for held in _resolve(sub, defs):
                held = _resolve(held["items"], defs)[0] if held.get("type") == "array" and "items" in held else held
                if {"start", "end"} <= set(held.get("properties", {})):
                    spans.add((name, prop))
                elif "properties" in held and not any(held is named for named in defs.values()):
                    todo.append((f"{name}.{prop}", held))  # an inline object, e.g. the article
    return spans, refs


def test_the_quick_pass_knows_every_place_the_schema_puts_a_span_or_a_reference() -> None:
    spans, refs = _schema_places()
    assert spans == SPAN_PLACES
    assert refs == REF_PLACES


def _span_objects(node: Any, key: str = "") -> list[dict[str, Any]]:
    if isinstance(node, dict) and key != "metadata":
        own = [node] if "start" in node else []
        return own + [span for k, value in node.items() for span in _span_objects(value, k)]
    if isinstance(node, list):
        return [span for value in node for span in _span_objects(value)]
    return []


def test_the_quick_pass_clears_a_valid_document_and_catches_every_broken_span(document: dict[str, Any]) -> None:
    assert is_clean(document)
    spans = _span_objects(document)
    assert len(spans) > 10 and any(s is document["article"]["dateline"]["span"] for s in spans)
    for span in spans:
        broken = copy.deepcopy(span)
        span["text"] = span["text"] + "x"
        assert not is_clean(document), span
        assert semantic_issues(document, schema_valid=True), span
        span.clear()
        span.update(broken)
    assert is_clean(document)


def test_the_quick_pass_catches_every_broken_reference_and_leaves_the_wording_to_the_full_walk(
    document: dict[str, Any],
) -> None:
    slots = [(a, "affiliation_ref") for a in document["actors"] if a.get("affiliation_ref")]
    slots += [(p, "actor_ref") for e in document["events"] for p in e["participants"]]
    slots += [(c, "speaker_ref") for c in document["claims"] if c.get("speaker_ref")]
    slots += [(c["about_refs"], i) for c in document["claims"] for i in range(len(c.get("about_refs", [])))]
    assert len(slots) > 3
    for owner, key in slots:
        kept = owner[key]
        owner[key] = kept.partition("--")[0] + "--00000000-0000-5000-8000-000000000000"
        assert not is_clean(document)
        assert [i.code for i in check_document(document)] == ["dangling-ref"]
        owner[key] = kept
    assert is_clean(document)


def test_the_quick_pass_defers_to_the_full_walk_when_unsure(document: dict[str, Any]) -> None:
    document["actors"][0]["external_ids"] = {"other_ref": "actor--nothing"}
    assert not is_clean(document)
    assert _codes(document) == ["dangling-ref"]  # the full walk reads any "*_ref" string as a reference
    del document["actors"][0]["external_ids"]
    document["claims"][1]["id"] = document["claims"][0]["id"]
    assert not is_clean(document)
    assert _codes(document) == ["duplicate-id"]


# --------------------------------------------------------------------------- reading JSON


@pytest.mark.parametrize(
    "raw",
    [
        b'{"n": 18446744073709551616, "m": -9223372036854775809}',  # orjson would give floats
        b'{"n": 1e400}',  # orjson refuses, json gives inf
        b'"\\ud800"',  # a lone surrogate: json accepts it
        b"\xef\xbb\xbf{}",  # a BOM
        b'{"a": 1, "a": 2, "x": [0.1, -0.0, 5e-324, 12345678901234567]}',
    ],
)
def test_the_fast_reader_gives_exactly_what_json_gives(raw: bytes) -> None:
    expected = json.loads(raw.decode("utf-8-sig"))
    assert repr(jsonio._parse_bytes(raw)) == repr(expected)


@pytest.mark.parametrize("raw", [b'{"a": NaN}', b'{"a": 1,}', b"\xff{}", b"[" * 5000])
def test_the_fast_reader_reports_errors_in_the_words_of_the_stdlib_reader(
    raw: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = jsonio._parse_bytes(raw)
    monkeypatch.setattr(jsonio, "orjson", None)
    assert fast == jsonio._parse_bytes(raw)
    assert isinstance(fast, jsonio.ReadError)
