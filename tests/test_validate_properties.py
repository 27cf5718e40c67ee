"""Properties: generated documents validate; each single mutation is caught; nothing crashes."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies_documents import documents, json_values

from converter import jsonio
from converter.validation import (
    bundle_schema,
    check_document,
    fast_validator,
    is_clean,
    reference_validator,
    schema_parts,
    semantic_issues,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ITEM_STEMS = {"actors": "actor", "events": "event", "claims": "claim"}


def _codes(document: Any) -> list[str]:
    return [issue.code for issue in check_document(document)]


def _required_slots(document: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every (object, key) whose key the schema requires, read from the schema itself."""
    slots = [(document, key) for key in schema_parts()["document"]["required"]]
    for collection, stem in ITEM_STEMS.items():
        for item in document[collection]:
            slots += [(item, key) for key in schema_parts()[stem]["required"]]
    return slots


def _refs(document: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(container, key-or-index) of every non-null reference."""
    found: list[tuple[Any, Any]] = []
    for actor in document["actors"]:
        if actor["affiliation_ref"]:
            found.append((actor, "affiliation_ref"))
    for event in document["events"]:
        found += [(p, "actor_ref") for p in event["participants"]]
    for claim in document["claims"]:
        if claim["speaker_ref"]:
            found.append((claim, "speaker_ref"))
        found += [(claim["about_refs"], i) for i in range(len(claim["about_refs"]))]
    return found


def _spans(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if {"start", "end", "text"} <= set(node) else []
        return own + [span for key, value in node.items() if key != "article" for span in _spans(value)]
    if isinstance(node, list):
        return [span for value in node for span in _spans(value)]
    return []


@SETTINGS
@given(documents())
def test_documents_that_follow_the_schema_validate(document: dict[str, Any]) -> None:
    assert check_document(document) == []
    assert is_clean(document)  # the quick pass, not the full walk, clears ordinary documents


@SETTINGS
@given(documents(), st.data())
def test_dropping_any_required_field_is_caught(document: dict[str, Any], data: st.DataObject) -> None:
    owner, key = data.draw(st.sampled_from(_required_slots(document)))
    del owner[key]
    assert "schema-required" in _codes(document)


@SETTINGS
@given(documents(), st.data(), st.uuids())
def test_breaking_any_reference_is_caught(document: dict[str, Any], data: st.DataObject, fresh: Any) -> None:
    refs = _refs(document)
    assume(refs)
    container, key = data.draw(st.sampled_from(refs))
    kind = container[key].partition("--")[0]
    container[key] = f"{kind}--{fresh}"
    assert "dangling-ref" in _codes(document)


@SETTINGS
@given(documents(), st.data(), st.integers(-3, 3).filter(bool))
def test_shifting_any_span_is_caught(document: dict[str, Any], data: st.DataObject, shift: int) -> None:
    spans = _spans(document)
    assume(spans)
    span = data.draw(st.sampled_from(spans))
    text = document["text"]
    start, end = span["start"] + shift, span["end"] + shift
    assume(start >= 0 and text[start:end] != span["text"])
    span["start"], span["end"] = start, end
    codes = set(_codes(document))
    assert codes & {"span-text-mismatch", "span-out-of-range"}


@SETTINGS
@given(documents())
def test_editing_the_text_breaks_the_digest(document: dict[str, Any]) -> None:
    document["text"] += "x"
    assert "sha256-mismatch" in _codes(document)


@SETTINGS
@given(json_values)
def test_arbitrary_json_never_crashes_and_engines_agree(value: Any) -> None:
    issues = check_document(value)
    assert isinstance(issues, list)
    rust = jsonschema_rs.validator_for(bundle_schema()).is_valid(value)
    assert rust == reference_validator().is_valid(value)


@SETTINGS
@given(documents(), st.data(), json_values)
def test_arbitrary_json_anywhere_in_a_document_never_crashes(
    document: dict[str, Any], data: st.DataObject, value: Any
) -> None:
    containers = [node for node in [document, *document["actors"], *document["events"], *document["claims"]]]
    target = data.draw(st.sampled_from(containers))
    key = data.draw(st.sampled_from(sorted(target)))
    mutated = copy.deepcopy(document)
    target[key] = value
    issues = check_document(document)
    rust = jsonschema_rs.validator_for(bundle_schema()).is_valid(document)
    assert rust == (reference_validator().is_valid(document))
    assert all(issue.code and issue.message for issue in issues)
    assert check_document(mutated) == []


@SETTINGS
@given(documents(), st.data(), json_values)
def test_the_quick_pass_never_clears_what_the_full_walk_would_flag(
    document: dict[str, Any], data: st.DataObject, value: Any
) -> None:
    spans = _spans(document)
    containers = [document, *document["actors"], *document["events"], *document["claims"], *spans]
    target = data.draw(st.sampled_from(containers))
    target[data.draw(st.sampled_from(sorted(target)))] = value
    if fast_validator().is_valid(document) and is_clean(document):
        assert semantic_issues(document) == []


@SETTINGS
@given(json_values)
def test_the_fast_json_reader_reads_what_the_stdlib_reads(value: Any) -> None:
    raw = json.dumps(value).encode()
    assert repr(jsonio._parse_bytes(raw)) == repr(json.loads(raw))
