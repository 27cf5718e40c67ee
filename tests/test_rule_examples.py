"""Every shipped rule's examples, one test per rule (test id = the rule's global id).

A rule's ``examples`` are its contract (see CONTRIBUTING.md): ``match`` texts must yield an item from
that rule agreeing with ``expect``, ``no_match`` texts nothing from it; ``todo`` texts are known gaps,
reported (``-rs`` shows them) and never failed. Word-list files are run by the stage their
``examples: runner:`` names (converter/ruletest.py EXAMPLE_RUNNERS).
"""

from __future__ import annotations

import pytest

from converter.rules import load_rules
from converter.ruletest import FAIL, NOT_RUNNABLE, TODO, example_ids, run_examples_of

RULES = load_rules()
IDS = example_ids(RULES)


def test_every_events_and_claims_rule_has_examples() -> None:
    ids = set(IDS)
    assert [r.id for r in (*RULES.events, *RULES.claims) if r.id not in ids] == []


@pytest.mark.parametrize("rule_id", IDS, ids=IDS)
def test_rule_examples(rule_id: str) -> None:
    results = run_examples_of(RULES, rule_id)
    assert results, f"{rule_id} has no examples"
    failures = [f"{r.group}: {r.text!r}\n    expected: {dict(r.expected) if r.group != 'no_match' else 'nothing'}"
                f"\n    got: {r.detail or list(r.got) or 'nothing from this rule'}"
                for r in results if r.status == FAIL]
    assert not failures, f"{rule_id}:\n  " + "\n  ".join(failures)
    assert all(r.status != NOT_RUNNABLE for r in results)
    gaps = [r.text for r in results if r.status == TODO]
    if gaps and all(r.group == "todo" for r in results):
        pytest.skip(f"{rule_id}: only known gaps ({len(gaps)} todo)")
