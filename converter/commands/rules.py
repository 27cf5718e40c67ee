"""``aec rules lint|test``: check rule files, and run the examples every rule carries.

  aec rules lint [PATH...] [--format text|json]   schema, ids, patterns, examples, cost (codes AEC-Rxxx)
  aec rules test [PATH...]                        run examples through the pipeline; per-rule table + diffs

Without PATH both work on the shipped rules plus $AEC_RULES. Exit status: 0 clean, 1 errors or
failing examples, 2 unreadable input or usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from converter import lint, ruletest
from converter.errors import Location, RuleError
from converter.rules import load_rules


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("rules", help="lint rule files or run their examples", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="rules_action", metavar="ACTION")
    lint_parser = actions.add_parser("lint", help="check rule files (schema, ids, patterns, examples, cost)")
    lint_parser.add_argument("paths", nargs="*", metavar="PATH", help="rule files or folders (default: shipped rules)")
    lint_parser.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    test_parser = actions.add_parser("test", help="run every rule's examples through the pipeline")
    test_parser.add_argument("paths", nargs="*", metavar="PATH", help="only rules in these files/folders")
    test_parser.add_argument("--rules", dest="rule_dirs", action="append", default=[], metavar="DIR",
                             help="extra rule directory to load (repeatable; also $AEC_RULES)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Dispatch to lint or test; exit codes as in the module docstring."""
    action = getattr(args, "rules_action", None)
    if action == "lint":
        return run_lint(args.paths, args.format)
    if action == "test":
        return run_test(args.paths, args.rule_dirs)
    print("aec rules: choose an action: lint or test", file=sys.stderr)
    return 2


def run_lint(paths: list[str], fmt: str, out: Any = None) -> int:
    out = out or sys.stdout
    issues = lint.lint_rules(paths)
    if fmt == "json":
        status = "error" if lint.exit_code(issues) else "ok"
        json.dump({"status": status, "issues": [i.as_dict() for i in issues]}, out, indent=2)
        out.write("\n")
    else:
        for found in issues:
            out.write(f"{found}\n")
        counts = {s: sum(1 for i in issues if i.severity == s) for s in lint.SEVERITIES}
        out.write(", ".join(f"{n} {s}(s)" for s, n in counts.items()) + "\n")
    return lint.exit_code(issues)


def run_test(paths: list[str], rule_dirs: list[str], out: Any = None) -> int:
    out = out or sys.stdout
    files = lint.expand_paths(paths) if paths else []
    extra = sorted({_rules_root(f) for f in files} | {Path(d) for d in rule_dirs})
    ruleset = load_rules(extra)
    for notice in ruleset.notices:
        out.write(f"notice: {notice}\n")
    results = ruletest.run_rule_examples(ruleset, files)
    if paths and not results:
        raise RuleError("no rule examples found in the given paths", Location(", ".join(paths)))
    out.write(ruletest.format_report(results) + "\n")
    return ruletest.exit_code(results)


def _rules_root(path: Path) -> Path:
    """The rules directory a file belongs to (its folder's parent when in events/claims/actors/lexicon)."""
    parent = path.resolve().parent
    return parent.parent if parent.name in ("events", "claims", "actors", "lexicon") else parent
