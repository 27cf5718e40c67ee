"""Reporters: print issues as text, JSON, SARIF 2.1.0 or GitHub workflow commands.

A reporter sees results one at a time (``result``) and the totals once (``finish``), so the
streaming formats (text, github) print as they go and memory stays constant; the document
formats (json, sarif) keep only the issues, never the records. Chosen by name through one
visible registry, ``REPORTER_BY_NAME``; ``aec rules lint`` can reuse them with any issue
object that has the same fields as :class:`converter.validation.Issue`.
"""

from __future__ import annotations

import json
from typing import IO, Any, Protocol

from converter import __version__
from converter.validation import Issue, RecordResult, Summary

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


class Reporter(Protocol):
    def result(self, result: RecordResult) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def where(issue: Issue) -> str:
    """'file:line: record N: /pointer' with whatever parts are known."""
    parts = []
    if issue.path:
        parts.append(f"{issue.path}:{issue.line}" if issue.line else issue.path)
    if issue.record is not None:
        parts.append(f"record {issue.record}")
    parts.append(issue.pointer or "/")
    return ": ".join(parts)


def summary_line(summary: Summary) -> str:
    kinds = ", ".join(f"{code} {count}" for code, count in sorted(summary.by_code.items()))
    line = f"{summary.records} records: {summary.valid} valid, {summary.invalid} invalid, {summary.unreadable} unreadable"
    return f"{line} ({kinds})" if kinds else line


def issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "code": issue.code,
        "severity": issue.severity,
        "message": issue.message,
        "path": issue.path,
        "line": issue.line,
        "record": issue.record,
        "pointer": issue.pointer,
        "schema_path": issue.schema_path,
        "hint": issue.hint,
    }


def summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "records": summary.records,
        "valid": summary.valid,
        "invalid": summary.invalid,
        "unreadable": summary.unreadable,
        "by_code": dict(sorted(summary.by_code.items())),
    }


class TextReporter:
    """One line per issue (best match first within a record), a hint line, and a summary."""

    def __init__(self, out: IO[str], verbose: bool = False) -> None:
        self.out = out
        self.verbose = verbose

    def result(self, result: RecordResult) -> None:
        for rank, issue in enumerate(result.issues):
            marker = " (best match)" if rank == 0 and len(result.issues) > 1 else ""
            self.out.write(f"{where(issue)}: {issue.severity}[{issue.code}]{marker}: {issue.message}\n")
            if issue.schema_path:
                self.out.write(f"    schema: {issue.schema_path}\n")
            if issue.hint:
                self.out.write(f"    expected: {issue.hint}\n")
        if self.verbose and not result.issues:
            self.out.write(f"{result.path}: record {result.record}: ok\n")

    def finish(self, summary: Summary) -> None:
        self.out.write(summary_line(summary) + "\n")


class GithubReporter:
    """GitHub Actions workflow commands, so errors are annotated on the pull request's files."""

    def __init__(self, out: IO[str], verbose: bool = False) -> None:
        self.out = out

    def result(self, result: RecordResult) -> None:
        for issue in result.issues:
            props = [f"file={_gh_escape(issue.path or '-', True)}"]
            if issue.line:
                props.append(f"line={issue.line}")
            props.append(f"title={_gh_escape(issue.code, True)}")
            text = f"{where(issue)}: {issue.message}"
            self.out.write(
                f"::{issue.severity if issue.severity != 'info' else 'notice'} {','.join(props)}::"
                f"{_gh_escape(text, False)}\n"
            )

    def finish(self, summary: Summary) -> None:
        self.out.write(summary_line(summary) + "\n")


def _gh_escape(value: str, is_property: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if is_property else value


class JsonReporter:
    """One JSON object: ``{status, summary, errors: [...]}`` (check-jsonschema's shape)."""

    def __init__(self, out: IO[str], verbose: bool = False) -> None:
        self.out = out
        self.issues: list[dict[str, Any]] = []

    def result(self, result: RecordResult) -> None:
        self.issues.extend(
            {**issue_json(issue), "best_match": rank == 0} for rank, issue in enumerate(result.issues)
        )

    def finish(self, summary: Summary) -> None:
        status = "ok" if summary.exit_code == 0 else "fail"
        json.dump(
            {"status": status, "summary": summary_json(summary), "errors": self.issues}, self.out, indent=2
        )
        self.out.write("\n")


class SarifReporter:
    """SARIF 2.1.0, for code-scanning dashboards; the JSON Pointer is the logical location."""

    def __init__(self, out: IO[str], verbose: bool = False) -> None:
        self.out = out
        self.results: list[dict[str, Any]] = []
        self.codes: set[str] = set()

    def result(self, result: RecordResult) -> None:
        for issue in result.issues:
            self.codes.add(issue.code)
            self.results.append(_sarif_result(issue))

    def finish(self, summary: Summary) -> None:
        driver = {
            "name": "aec",
            "version": __version__,
            "informationUri": "https://aec-project.github.io/",
            "rules": [{"id": code, "name": code} for code in sorted(self.codes)],
        }
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "results": self.results,
                    "properties": {"summary": summary_json(summary)},
                }
            ],
        }
        json.dump(log, self.out, indent=2)
        self.out.write("\n")


def _sarif_result(issue: Issue) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": issue.path or "stdin"}}
    if issue.line:
        physical["region"] = {"startLine": issue.line}
    message = issue.message + (f" (expected: {issue.hint})" if issue.hint else "")
    return {
        "ruleId": issue.code,
        "level": SARIF_LEVEL.get(issue.severity, "error"),
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": issue.pointer or "/", "kind": "member"}],
            }
        ],
        "properties": {"record": issue.record, "schemaPath": issue.schema_path},
    }


# One visible registry: --format NAME → reporter class.
REPORTER_BY_NAME: dict[str, type] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
}
