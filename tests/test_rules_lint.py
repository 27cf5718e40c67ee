"""`aec rules lint`: the shipped rules lint clean; every broken file gives its expected coded message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from converter.commands.rules import run_lint
from converter.lint import CATALOGUE, VALIDATORS, exit_code, lint_rules

BAD = Path(__file__).parent / "files" / "bad_rules"
CASES = sorted(BAD.glob("*.yaml"))


def test_the_shipped_rules_have_no_lint_errors():
    errors = [str(i) for i in lint_rules() if i.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_broken_rule_file_produces_its_expected_message(path):
    code, prefix = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()[:2]
    issues = [i for i in lint_rules([path]) if i.code == code]
    assert issues, f"{path.name}: no {code} in {[str(i) for i in lint_rules([path])]}"
    rendered = [str(i).replace(str(path), path.name) for i in issues]
    assert any(r.startswith(prefix) for r in rendered), rendered


def test_every_bad_rules_case_has_an_expected_file_and_every_code_is_catalogued():
    for path in CASES:
        assert path.with_suffix(".expected").is_file(), path
        code = path.with_suffix(".expected").read_text(encoding="utf-8").split()[0]
        assert code in CATALOGUE


def test_exit_codes_distinguish_clean_errors_and_unreadable():
    assert exit_code(lint_rules([BAD / "missing-examples.yaml"])) == 0  # warnings only
    assert exit_code(lint_rules([BAD / "bad-pattern.yaml"])) == 1


def test_json_format_lists_issues_with_codes_and_positions():
    out = io.StringIO()
    assert run_lint([str(BAD / "bad-pattern.yaml")], "json", out) == 1
    report = json.loads(out.getvalue())
    assert report["status"] == "error"
    assert report["issues"][0]["code"] == "AEC-R003"
    assert (report["issues"][0]["line"], report["issues"][0]["column"]) == (10, 34)


def test_a_slow_rule_is_flagged(tmp_path, monkeypatch):
    from converter import lint

    monkeypatch.setattr(lint, "SLOW_RULE_STEPS", 10)
    source = (BAD / "missing-examples.yaml").read_text(encoding="utf-8")
    target = tmp_path / "slow.yaml"
    target.write_text(source, encoding="utf-8")
    assert "AEC-R011" in {i.code for i in lint.lint_rules([target])}


def test_validators_are_registered_in_one_explicit_dict():
    assert next(iter(VALIDATORS)) == "pattern_compiles"  # compile first: later checks use the program


def _constructs(node, path="#"):
    if isinstance(node, dict):
        is_name_map = path.split("/")[-1] in ("properties", "$defs")
        if any(k in node for k in ("type", "enum", "oneOf")) and not is_name_map:
            yield path, node
        for key, value in node.items():
            if key not in ("if", "then"):
                yield from _constructs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _constructs(value, f"{path}/{i}")


def test_every_construct_of_the_rules_schema_has_a_title_and_description_for_editors():
    from converter.rulefiles import rules_schema

    missing = [p for p, node in _constructs(rules_schema()) if not (node.get("title") and node.get("description"))]
    assert missing == []


def test_the_cli_runs_rules_lint_with_the_documented_exit_codes(capsys):
    from converter.cli import main

    assert main(["rules", "lint", str(BAD / "missing-examples.yaml")]) == 0
    assert main(["rules", "lint", str(BAD / "unknown-type.yaml")]) == 1
    assert "AEC-R009" in capsys.readouterr().out
    assert main(["rules", "lint", str(BAD / "no-such-file.yaml")]) == 2
    assert main(["rules"]) == 2


def test_a_rule_without_an_anchor_word_is_reported_as_info(tmp_path):
    path = tmp_path / "loose.yaml"
    rule = """\
kind: events
id: events.user
description: User rules.
rules:
  - id: {id}
    version: 1
    status: experimental
    description: A user rule.
    type: CONSULT
    pattern: "{pattern}"
    examples:
      match: [{{text: "Lee met Kim.", expect: {{type: CONSULT}}}}]
      no_match: ["Nobody came."]
"""
    path.write_text(rule.format(id="loose", pattern="$source %word+ $target"), encoding="utf-8")
    found = [i for i in lint_rules([path]) if i.code == "AEC-R014"]
    assert [(i.severity, i.rule) for i in found] == [("info", "events.user.loose")]
    path.write_text(rule.format(id="anchored", pattern="$source ~meet $target"), encoding="utf-8")
    assert [i for i in lint_rules([path]) if i.code == "AEC-R014"] == []
