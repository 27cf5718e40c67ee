"""Loading rules: located errors, user overrides, versioning; and the example runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from converter.errors import PatternError, RuleError
from converter.rulefiles import parse_rule_text
from converter.rules import RULES_ENV, clear_cache, load_rules, rules_version
from converter.ruletest import FAIL, NOT_RUNNABLE, PASS, TODO, exit_code, format_report, run_rule_examples

EVENT_FILE = """\
kind: events
id: events.consult
description: User rules.
rules:
  - id: {rule_id}
    version: 2
    status: experimental
    description: A user rule.
    type: CONSULT
    mode: visit
    pattern: "{pattern}"
    examples:
      match:
        - text: "Lee visited Kim."
          expect: {{type: CONSULT, source: Lee, target: Kim}}
      no_match: ["Nobody came."]
      todo: ["Lee dropped by Kim's office."]
"""


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.delenv(RULES_ENV, raising=False)
    clear_cache()
    yield
    clear_cache()


def user_dir(tmp_path: Path, rule_id: str = "user_visit", pattern: str = "$source ~visit $target") -> Path:
    (tmp_path / "events").mkdir(exist_ok=True)
    (tmp_path / "events" / "user.yaml").write_text(EVENT_FILE.format(rule_id=rule_id, pattern=pattern), encoding="utf-8")
    return tmp_path


def test_the_shipped_rules_load_and_compile_with_unique_global_ids():
    ruleset = load_rules()
    ids = [r.id for r in (*ruleset.events, *ruleset.claims, *ruleset.actors)]
    assert len(ids) == len(set(ids))
    assert all(r.pattern.program for r in (*ruleset.events, *ruleset.claims))
    assert ruleset.notices == ()


def test_loading_is_cached_per_directory_tuple_and_the_version_is_deterministic(tmp_path):
    shipped = load_rules()
    assert load_rules() is shipped
    assert rules_version(shipped.files) == rules_version(tuple(reversed(shipped.files))) == shipped.version
    assert len(shipped.version) == 12
    assert load_rules([user_dir(tmp_path)]).version != shipped.version


def test_a_user_rule_is_added_with_its_fields(tmp_path):
    rule = load_rules([user_dir(tmp_path)]).rule("events.consult.user_visit")
    assert (rule.type, rule.mode, rule.version, rule.status) == ("CONSULT", "visit", 2, "experimental")
    assert rule.source_pattern == "$source ~visit $target"
    assert rule.line == 5 and rule.file.endswith("user.yaml")


def test_a_user_rule_with_a_shipped_id_replaces_it_with_a_notice(tmp_path):
    shipped = load_rules().events[0]
    local_id = shipped.id.split(".")[-1]
    prefix = ".".join(shipped.id.split(".")[:-1])
    directory = user_dir(tmp_path, rule_id=local_id)
    path = directory / "events" / "user.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("events.consult", prefix), encoding="utf-8")
    ruleset = load_rules([directory])
    replaced = ruleset.rule(shipped.id)
    assert replaced.file == str(path.resolve()) or replaced.file.endswith("user.yaml")
    assert len([n for n in ruleset.notices if shipped.id in n]) == 1


def test_the_environment_variable_adds_rule_directories(tmp_path, monkeypatch):
    monkeypatch.setenv(RULES_ENV, str(user_dir(tmp_path)))
    assert load_rules().rule("events.consult.user_visit")


def test_a_bad_pattern_fails_loading_at_the_file_line_and_column(tmp_path):
    directory = user_dir(tmp_path, pattern="$source ~visit (")
    with pytest.raises(PatternError) as caught:
        load_rules([directory])
    loc = caught.value.location
    assert (Path(loc.path).name, loc.line, loc.column) == ("user.yaml", 11, 15 + len("$source ~visit ("))


def test_duplicate_ids_in_one_directory_are_an_error(tmp_path):
    directory = user_dir(tmp_path)
    (directory / "events" / "again.yaml").write_text(EVENT_FILE.format(rule_id="user_visit", pattern="~visit"), encoding="utf-8")
    with pytest.raises(RuleError, match="duplicate rule id 'events.consult.user_visit'"):
        load_rules([directory])


def test_schema_errors_name_the_field_and_its_position(tmp_path):
    directory = user_dir(tmp_path)
    path = directory / "events" / "user.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: experimental", "status: draft"), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules([directory])
    assert "found 'draft'; expected one of experimental, stable, deprecated" in caught.value.message
    assert (caught.value.location.line, caught.value.location.column) == (7, 13)


def test_yaml_errors_are_located_and_yaml_11_booleans_stay_words():
    with pytest.raises(RuleError) as caught:
        parse_rule_text("kind: events\nid: [a,\n", "x.yaml")
    assert caught.value.location.line == 3
    data = parse_rule_text("entries: [no, on, off, yes, true]\nwhen: 2024-11-05\n", "x.yaml").data
    assert data == {"entries": ["no", "on", "off", "yes", True], "when": "2024-11-05"}


def test_positions_point_at_every_value():
    rule_file = parse_rule_text(textwrap.dedent("""\
        kind: events
        rules:
          - id: a
            pattern: 'x y'
        """), "x.yaml")
    assert (rule_file.where(("rules", 0, "pattern")).line, rule_file.where(("rules", 0, "pattern")).column) == (4, 14)
    assert rule_file.text_start(("rules", 0, "pattern")).column == 15


# --------------------------------------------------------------------------- the example runner


def fake_convert(text, *, ruleset):
    """A stand-in pipeline: an event from the user rule whenever the text says 'visited'."""
    doc = {"actors": [{"id": "a1", "name": "Lee", "mentions": [{"text": "Lee"}]},
                      {"id": "a2", "name": "Kim", "mentions": [{"text": "Kim"}]}], "events": [], "claims": []}
    if "visited" in text:
        doc["events"].append({
            "type": "CONSULT", "mode": "visit", "modality": "asserted", "negated": False,
            "trigger": {"text": "visited"}, "rule": {"id": "events.consult.user_visit", "version": 2},
            "participants": [{"role": "source", "actor_ref": "a1"}, {"role": "target", "actor_ref": "a2"}],
        })
    return doc


def test_examples_pass_fail_and_todo_are_reported_per_rule(tmp_path):
    directory = user_dir(tmp_path)
    ruleset = load_rules([directory])
    results = run_rule_examples(ruleset, [directory / "events" / "user.yaml"], convert=fake_convert)
    assert [(r.group, r.status) for r in results] == [("match", PASS), ("no_match", PASS), ("todo", TODO)]
    assert exit_code(results) == 0


def test_a_wrong_expectation_fails_with_a_diff(tmp_path):
    directory = user_dir(tmp_path)
    path = directory / "events" / "user.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target: Kim", "target: Park"), encoding="utf-8")
    results = run_rule_examples(load_rules([directory]), [path], convert=fake_convert)
    assert results[0].status == FAIL
    report = format_report(results)
    assert "FAIL events.consult.user_visit (match)" in report and "'target': 'Park'" in report
    assert exit_code(results) == 1


def test_word_list_examples_without_a_runner_are_visibly_not_runnable(tmp_path):
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "cues.yaml").write_text(textwrap.dedent("""\
        kind: wordlists
        id: lexicon.user_cues
        description: Test cues.
        lists:
          user_cues: {entries: [reckoned]}
        examples:
          match: [{text: "He reckoned so.", expect: {list: user_cues}}]
        """), encoding="utf-8")
    results = run_rule_examples(load_rules([tmp_path]), [tmp_path / "lexicon" / "cues.yaml"], convert=fake_convert,
                                lexicon_runner=None)
    assert [r.status for r in results] == [NOT_RUNNABLE]
    assert "1 not runnable yet" in format_report(results)


def test_word_list_examples_go_through_the_lexicon_runner(tmp_path):
    calls = []

    def runner(data, example):
        calls.append((data["id"], example["text"]))
        return True, "@user_cues: reckoned"

    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "cues.yaml").write_text(textwrap.dedent("""\
        kind: wordlists
        id: lexicon.user_cues
        description: Test cues.
        lists:
          user_cues: {entries: [reckoned]}
        examples:
          match: ["He reckoned so."]
          no_match: ["He left."]
        """), encoding="utf-8")
    results = run_rule_examples(load_rules([tmp_path]), [tmp_path / "lexicon" / "cues.yaml"], convert=fake_convert,
                                lexicon_runner=runner)
    assert calls == [("lexicon.user_cues", "He reckoned so."), ("lexicon.user_cues", "He left.")]
    assert [r.status for r in results] == [PASS, FAIL]


def test_the_rule_index_offers_every_rule_that_matches_and_few_that_do_not():
    from converter.pipeline import analyse
    from converter.tokens import sentence_tokens

    rules = load_rules()
    text = ("Russian President Vladimir Putin visited Beijing on Monday. The weather in Seoul was mild, "
            "officials said. North Korea fired a missile toward Japan, the military said.")
    found = analyse(text, ruleset=rules)
    offered_total = 0
    for sentence in found.segments.sentences:
        tokens = sentence_tokens(sentence, found.mentions)
        for kind, every in (("events", rules.events), ("claims", rules.claims)):
            offered = rules.candidates(tokens, kind)
            offered_total += len(offered)
            matching = [r for r in every if r.pattern.find_all(tokens, mentions=found.mentions)]
            assert [r for r in offered if r in matching] == matching  # none lost, order kept
    assert offered_total < (len(rules.events) + len(rules.claims)) * len(found.segments.sentences) / 4
    with pytest.raises(ValueError, match="unknown rule kind"):
        rules.candidates((), "actors")


def _wordlist_file(tmp_path, examples: str):
    (tmp_path / "lexicon").mkdir()
    path = tmp_path / "lexicon" / "cues.yaml"
    path.write_text(textwrap.dedent("""\
        kind: wordlists
        id: lexicon.user_cues
        description: Test cues.
        lists:
          user_cues: {entries: [reckoned]}
        examples:
        """) + textwrap.indent(textwrap.dedent(examples), "  "), encoding="utf-8")
    return run_rule_examples(load_rules([tmp_path]), [path], convert=fake_convert)


def test_the_wordlist_runner_checks_only_the_named_list(tmp_path):
    results = _wordlist_file(tmp_path, """\
        runner: wordlist
        match: [{text: "He reckoned so.", expect: {list: user_cues}}]
        no_match:
          - {text: "He said so and the talks failed.", expect: {list: user_cues}}
          - {text: "He reckoned so.", expect: {list: user_cues}}
          - "He left."
        """)
    assert [r.status for r in results] == [PASS, PASS, FAIL, FAIL]
    assert "names the list it tests" in results[3].detail


def test_the_times_runner_compares_text_and_resolved_value(tmp_path):
    results = _wordlist_file(tmp_path, """\
        runner: times
        match:
          - {text: "They met on Tuesday.", published: "2024-11-05", expect: {text: on Tuesday, value: "2024-11-05"}}
          - {text: "They met on Tuesday.", published: "2024-11-05", expect: {value: "2024-11-12"}}
        no_match: ["They met in the hall.", "They met on Tuesday."]
        """)
    assert [r.status for r in results] == [PASS, FAIL, PASS, FAIL]


def test_the_segments_and_quantities_runners(tmp_path):
    results = _wordlist_file(tmp_path, """\
        runner: segments
        match: [{text: "He left. She stayed.", expect: {sentences: 2}}, {text: "He left.", expect: {sentences: 2}}]
        no_match: ["The U.S. Army left.", "He left. She stayed."]
        """)
    assert [r.status for r in results] == [PASS, FAIL, PASS, FAIL]


def test_the_quantities_runner_compares_value_unit_and_approximation(tmp_path):
    results = _wordlist_file(tmp_path, """\
        runner: quantities
        match:
          - {text: "They sent about 500 troops.", expect: {value: 500, approximate: true, unit: troops}}
          - {text: "They sent about 500 troops.", expect: {value: 500, approximate: false}}
        no_match: ["They sent troops."]
        """)
    assert [r.status for r in results] == [PASS, FAIL, PASS]


def test_an_unknown_runner_fails_every_example(tmp_path):
    (tmp_path / "lexicon").mkdir()
    path = tmp_path / "lexicon" / "cues.yaml"
    path.write_text(textwrap.dedent("""\
        kind: wordlists
        id: lexicon.user_cues
        description: Test cues.
        examples_runner: spelling
        lists:
          user_cues: {entries: [reckoned]}
        examples:
          match: ["He reckoned so."]
        """), encoding="utf-8")
    results = run_rule_examples(load_rules([tmp_path]), [path], convert=fake_convert)
    assert [r.status for r in results] == [FAIL]
    assert "unknown examples runner 'spelling'" in results[0].detail


def _mutations(data: object) -> list[object]:
    """``data`` with each value in turn replaced by something of another shape (mostly invalid)."""
    import copy

    found: list[object] = []

    def walk(node: object, path: tuple[object, ...]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            for odd in (None, 7, True, "Bad Id!", [], {"zz": 1}):
                changed = copy.deepcopy(data)
                parent = changed
                for step in path:
                    parent = parent[step]  # type: ignore[index]
                parent[key] = odd  # type: ignore[index]
                found.append(changed)
            walk(value, (*path, key))

    walk(data, ())
    return found


def test_fast_schema_check_agrees_with_python_jsonschema() -> None:
    """jsonschema-rs only decides validity at load time; it must never accept what the reference rejects."""
    from converter.resources import data_path
    from converter.rulefiles import _surely_valid, _validator, load_rule_file

    for path in sorted((data_path("rules") / "events").glob("*.yaml"))[:3]:
        data = load_rule_file(path).data
        for variant in [data, *_mutations(data)[:400]]:
            reference = next(iter(_validator().iter_errors(variant)), None) is None
            assert _surely_valid(variant) == reference, path


def test_fast_positions_equal_constructed_ones() -> None:
    from converter.rulefiles import Position, _position

    for style in (None, "'", "|"):
        fast, slow = _position(3, 14, style), Position(3, 14, style)
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)


def test_the_rule_index_checks_agree_with_worth_running_and_find_all_may_skip_them():
    """positions() tests each offered rule's other clauses as bits and its order inline; that must be
    exactly Pattern.worth_running, so find_all(checked=True) finds what the unchecked call finds."""
    from converter.pattern import token_view
    from converter.pipeline import analyse
    from converter.tokens import sentence_tokens

    rules = load_rules()
    text = Path(__file__).resolve().parent.parent.joinpath("seeds", "ap-north-korea-russia-troops.txt").read_text("utf-8")
    found = analyse(text, ruleset=rules)
    for index in (rules.event_index, rules.claim_index):
        for sentence in found.segments.sentences:
            tokens = sentence_tokens(sentence, found.mentions)
            hits = set(index.always)
            for feature in token_view(tokens).features & index.features:
                hits.update(index.by_feature[feature])
            positions = index.positions(tokens)
            assert positions == [i for i in sorted(hits) if index.rules[i].pattern.worth_running(tokens)]
            for i in positions:
                pattern = index.rules[i].pattern
                assert pattern.find_all(tokens, mentions=found.mentions, checked=True) == \
                    pattern.find_all(tokens, mentions=found.mentions)
