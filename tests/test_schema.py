"""The published schema: well-formed, portable, documented, bundled, and its examples hold."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator

from converter import model
from converter.validation import (
    BASE_URI,
    BUNDLE_FILE,
    bundle_schema,
    bundle_text,
    check_document,
    reference_validator,
    schema_dir,
    schema_parts,
)

EXAMPLES = sorted((schema_dir() / "examples").glob("*/*.json"))
FORBIDDEN_KEYWORDS = {
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentSchemas",
    "dependentRequired",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "format",
}


def _walk(node: Any, path: str = "#") -> list[tuple[str, Any]]:
    found = [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _walk(value, f"{path}/{index}")
    return found


def _case(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _all_schemas() -> list[tuple[str, dict[str, Any]]]:
    return [*schema_parts().items(), (BUNDLE_FILE, bundle_schema())]


@pytest.mark.parametrize(("name", "schema"), _all_schemas(), ids=[n for n, _ in _all_schemas()])
def test_every_schema_file_is_a_valid_draft_2020_12_schema(name: str, schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_schema_file_has_an_immutable_versioned_id() -> None:
    for stem, schema in schema_parts().items():
        assert schema["$id"] == f"{BASE_URI}{stem}.schema.json"
    assert re.fullmatch(
        r"https://aec-project\.github\.io/schema/v1/[a-z]+\.schema\.json", bundle_schema()["$id"]
    )


@pytest.mark.parametrize(("name", "schema"), _all_schemas(), ids=[n for n, _ in _all_schemas()])
def test_schemas_use_only_the_portable_subset(name: str, schema: dict[str, Any]) -> None:
    for path, node in _walk(schema):
        if isinstance(node, dict):
            assert not FORBIDDEN_KEYWORDS & set(node), f"{name} {path} uses {FORBIDDEN_KEYWORDS & set(node)}"
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                assert not re.search(r"\\[dDwWsSpP]", pattern), f"{name} {path}: use ASCII classes like [0-9]"
                assert pattern.isascii()


def _resolve_local(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A property documented only through its $ref target ('start' → span's $defs/start) counts too."""
    ref = node.get("$ref", "")
    if "title" in node or "/$defs/" not in ref:
        return node
    target, _, name = ref.partition("#/$defs/")
    owner = schema_parts()[target.removesuffix(".schema.json")] if target else schema
    return owner["$defs"][name]


def test_every_property_has_a_title_and_a_description() -> None:
    missing = []
    for name, schema in _all_schemas():
        for path, node in _walk(schema):
            if isinstance(node, dict) and path.endswith("/properties"):
                for key, value in node.items():
                    target = _resolve_local(schema, value)
                    if not (target.get("title") and target.get("description")):
                        missing.append(f"{name} {path}/{key}")
    assert missing == []


def test_objects_reject_unknown_properties_except_free_form_metadata() -> None:
    open_objects = []
    for path, node in _walk(bundle_schema()):
        if isinstance(node, dict) and node.get("type") == "object" and "additionalProperties" not in node:
            open_objects.append(path)
    assert open_objects == ["#/properties/article/properties/metadata"]


def test_bundle_is_self_contained() -> None:
    refs = [node["$ref"] for _, node in _walk(bundle_schema()) if isinstance(node, dict) and "$ref" in node]
    assert refs and all(ref.startswith("#") for ref in refs)
    for ref in refs:  # every local reference lands somewhere
        target: Any = bundle_schema()
        for part in ref[2:].split("/") if ref != "#" else []:
            target = target[part]
        assert isinstance(target, dict)


def test_regenerating_the_bundle_gives_the_committed_file() -> None:
    committed = (schema_dir() / BUNDLE_FILE).read_text(encoding="utf-8")
    assert committed == bundle_text(), "run: python -m converter.validation --bundle"


def _enum(stem: str, *path: str) -> list[str]:
    node: Any = schema_parts()[stem]
    for part in path:
        node = node[part]
    return node["enum"]


def test_enums_match_the_data_model() -> None:
    assert set(_enum("actor", "properties", "type")) == set(get_args(model.ActorType))
    assert set(_enum("event", "properties", "modality")) == set(get_args(model.Modality))
    assert set(_enum("claim", "properties", "kind")) == set(get_args(model.ClaimKind))
    assert len(_enum("event", "properties", "type")) == 16


@pytest.mark.parametrize("path", EXAMPLES, ids=[f"{p.parent.name}/{p.stem}" for p in EXAMPLES])
def test_example_gives_exactly_the_issue_it_is_named_for(path: Path) -> None:
    case = _case(path)
    assert set(case) <= {"description", "data", "valid", "code"} and case["description"]
    assert case["valid"] == (path.parent.name == "valid")
    codes = [issue.code for issue in check_document(case["data"])]
    assert codes == ([] if case["valid"] else [case["code"]])


@pytest.mark.parametrize("path", EXAMPLES, ids=[f"{p.parent.name}/{p.stem}" for p in EXAMPLES])
def test_both_engines_and_both_schema_forms_agree_on_example(path: Path) -> None:
    data = _case(path)["data"]
    by_python_split = reference_validator().is_valid(data)
    by_python_bundle = Draft202012Validator(bundle_schema()).is_valid(data)
    committed = json.loads((schema_dir() / BUNDLE_FILE).read_text(encoding="utf-8"))
    by_rust = jsonschema_rs.validator_for(committed).is_valid(data)
    assert by_python_split == by_python_bundle == by_rust


def test_there_are_semantic_invalid_examples_for_every_semantic_check() -> None:
    codes = {_case(p).get("code") for p in EXAMPLES}
    assert {
        "dangling-ref",
        "duplicate-id",
        "span-text-mismatch",
        "span-order",
        "span-out-of-range",
        "sha256-mismatch",
    } <= codes


def test_json_ld_context_maps_actor_types_and_ids_to_schema_org() -> None:
    context = json.loads((schema_dir() / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    type_terms = context["type"]["@context"]
    assert set(get_args(model.ActorType)) <= set(type_terms)
    assert all(type_terms[t].startswith("schema:") for t in get_args(model.ActorType))
    assert set(_enum("event", "properties", "type")) <= set(type_terms)
    assert context["id"] == "@id"
