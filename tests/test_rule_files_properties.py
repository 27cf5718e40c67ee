"""Whatever a contributor writes, loading a rule file ends in rules or in a located RuleError — nothing else."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.errors import RuleError
from converter.lexicon import load_lexicon
from converter.pattern import shipped_inflections
from converter.rulefiles import check_rule_file, parse_rule_text
from converter.rules import build_rules

PATTERN_PIECES = ["$source", "$target:person|country", "~visit", "@reporting_verbs", "@nope", "%time", "%bogus",
                  "%end", "(", ")", "|", "[", "]", "?", "*", "+?", "..3", "...", "..99", '","', "<content:", ">",
                  "said", "#", "'s", '"']
patterns = st.lists(st.sampled_from(PATTERN_PIECES), max_size=8).map(" ".join)
scalars = st.one_of(st.text(max_size=12), st.integers(-3, 5), st.booleans(), st.none())
examples = st.one_of(
    scalars,
    st.fixed_dictionaries({}, optional={"match": st.lists(st.one_of(st.text(min_size=1, max_size=20), scalars), max_size=2),
                                        "no_match": st.lists(st.text(max_size=20), max_size=2)}),
)
rules = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.sampled_from(["visit", "a_b", "Bad Id"]), scalars),
        "version": st.one_of(st.just(1), scalars),
        "status": st.sampled_from(["stable", "experimental", "wip"]),
        "description": st.one_of(st.just("d"), scalars),
        "type": st.sampled_from(["CONSULT", "ASSAULT", "HUG"]),
        "claim_kind": st.sampled_from(["direct", "indirect", "rumour"]),
        "pattern": st.one_of(patterns, scalars),
        "examples": examples,
        "surprise": scalars,
    },
)
files = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from(["events", "claims", "actors", "wordlists", "gazetteer", "mystery"]),
        "id": st.sampled_from(["events.x", "claims.y", "Bad.Id"]),
        "description": st.one_of(st.just("A file."), scalars),
        "rules": st.one_of(st.lists(st.one_of(rules, scalars), max_size=3), scalars),
    },
)
texts = st.one_of(files.map(lambda d: yaml.safe_dump(d, sort_keys=False)), st.text(max_size=80))

LEXICON = load_lexicon()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_any_rule_file_loads_or_fails_with_a_located_rule_error(text):
    try:
        rule_file = parse_rule_text(text, "fuzz.yaml")
        if not isinstance(rule_file.data, dict):
            return
        check_rule_file(rule_file)
        build_rules(rule_file, LEXICON, shipped_inflections())
    except RuleError as err:
        assert err.location.path == "fuzz.yaml"
        assert err.location.line is not None and err.location.line >= 1
        assert err.message
