"""``aec rules test``: run every example of every rule through the whole pipeline.

A rule's ``examples`` are its tests (semgrep's ``ruleid``/``ok``/``todoruleid``): a ``match``
example must yield an item produced by THAT rule whose fields agree with ``expect``; a
``no_match`` example must yield nothing from that rule; ``todo`` examples record known gaps and
are reported, never failed. Running the full pipeline (not the bare pattern) is deliberate: a
rule is only useful if segmentation and mention finding give it the tokens it expects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from converter.rules import RuleSet

Convert = Callable[..., Mapping[str, Any]]
#: Runs one word-list example: (list-file data, example) -> (passed, what was found). Provided by lexicon.py.
LexiconRunner = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[bool, str]]

PASS, FAIL, TODO, NOT_RUNNABLE = "pass", "fail", "todo", "not runnable yet"
#: expect keys naming a participant role of an event.
ROLE_KEYS = ("source", "target", "location", "intermediary")


@dataclass(frozen=True)
class ExampleResult:
    """The outcome of one example: which rule, which list (match/no_match/todo), status, and a diff."""

    rule: str
    file: str
    group: str
    text: str
    status: str
    expected: Mapping[str, Any] = field(default_factory=dict)
    got: tuple[Mapping[str, Any], ...] = ()
    detail: str = ""


def _norm(value: Any) -> str:
    """Compare expectations case- and diacritic-insensitively ("Erdogan" names "Erdoğan"), spacing and
    edge punctuation ignored: examples are typed by people on plain keyboards."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", str(value)) if not unicodedata.combining(c))
    return " ".join(folded.casefold().split()).strip(" .,;:\"'“”‘’")


def _actor_names(doc: Mapping[str, Any], ref: str | None) -> set[str]:
    """An actor is named by its canonical name or any of its mention texts (compared case-insensitively)."""
    for actor in doc.get("actors", ()):
        if actor["id"] == ref:
            return {_norm(actor["name"])} | {_norm(m["text"]) for m in actor.get("mentions", ())}
    return set()


def _event_view(doc: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, set[str]]:
    view = {k: {_norm(item.get(k))} for k in ("type", "mode", "modality", "negated")}
    for role in ROLE_KEYS:
        view[role] = set()
    for part in item.get("participants", ()):
        names = _actor_names(doc, part.get("actor_ref"))
        if part.get("mention"):
            names.add(_norm(part["mention"]["text"]))
        view.setdefault(part["role"], set()).update(names)
    for key in ("time", "quantity"):
        if item.get(key):
            view[key] = {_norm(item[key]["text"]), _norm(item[key].get("value"))}
    view["trigger"] = {_norm(item["trigger"]["text"])}
    return view


def _claim_view(doc: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, set[str]]:
    speaker = _actor_names(doc, item.get("speaker_ref"))
    if item.get("speaker"):
        speaker.add(_norm(item["speaker"]["text"]))
    return {
        "kind": {_norm(item.get("kind"))}, "certainty": {_norm(item.get("certainty"))},
        "content": {_norm(item["content"]["text"])}, "speaker": speaker or {_norm(None)},
        "cue": {_norm(item["cue"]["text"])} if item.get("cue") else {_norm(None)},
        "hedges": {_norm(h["text"]) for h in item.get("hedges", ())},
    }


def _actor_view(doc: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, set[str]]:
    view = {k: {_norm(item.get(k))} for k in ("type", "country", "sector")}
    view["actor"] = _actor_names(doc, item["id"])
    view["titles"] = {_norm(t) for t in item.get("titles", ())}
    view["mentions"] = {_norm(m["text"]) for m in item.get("mentions", ())}
    return view


#: document list and field view per rule-file kind.
VIEWS: dict[str, tuple[str, Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, set[str]]]]] = {
    "events": ("events", _event_view),
    "claims": ("claims", _claim_view),
    "actors": ("actors", _actor_view),
    "gazetteer": ("actors", _actor_view),
}


def _agrees(view: Mapping[str, set[str]], expect: Mapping[str, Any]) -> bool:
    for key, wanted in expect.items():
        have = view.get(key, set())
        values = wanted if isinstance(wanted, list) else [wanted]
        if not all(_norm(v) in have for v in values):
            return False
    return True


def _items(doc: Mapping[str, Any], kind: str, rule_id: str | None) -> list[Mapping[str, Any]]:
    """Items of the document produced by ``rule_id`` (any rule when None, for gazetteer examples)."""
    section, _ = VIEWS[kind]
    return [i for i in doc.get(section, ()) if rule_id is None or (i.get("rule") or {}).get("id") == rule_id]


def _summary(doc: Mapping[str, Any], kind: str, items: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    _, view = VIEWS[kind]
    return tuple({k: sorted(v) for k, v in view(doc, i).items() if v and v != {"none"}} for i in items)


def run_example(convert: Convert, ruleset: RuleSet, kind: str, rule_id: str | None, group: str,
                example: Any) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Run one example; returns (pass/fail, what the rule produced)."""
    text = example if isinstance(example, str) else example["text"]
    expect = {} if isinstance(example, str) else dict(example.get("expect") or {})
    doc = convert(text, ruleset=ruleset)
    items = _items(doc, kind, rule_id)
    _, view = VIEWS[kind]
    if group == "no_match":
        ok = not items
    else:
        ok = any(_agrees(view(doc, i), expect) for i in items)
    return (PASS if ok else FAIL), _summary(doc, kind, items)


Case = tuple[str, str, str, Mapping[str, Any], Mapping[str, Any]]


def _cases(ruleset: RuleSet, only: set[str] | None) -> Iterable[Case]:
    """(kind, rule or file id, file, examples, file data) for every rule, and for lexicon files with examples."""
    data_of = {str(f.path): f.data for f in ruleset.files}
    for rule in (*ruleset.events, *ruleset.claims, *ruleset.actors):
        if only is None or str(Path(rule.file).resolve()) in only:
            kind = "events" if rule in ruleset.events else "claims" if rule in ruleset.claims else "actors"
            yield kind, rule.id, rule.file, rule.examples, data_of.get(rule.file, {})
    for rule_file in ruleset.files:
        data = rule_file.data
        wanted = only is None or str(rule_file.path.resolve()) in only
        if data.get("kind") in ("gazetteer", "wordlists") and data.get("examples") and wanted:
            yield data["kind"], data["id"], str(rule_file.path), data["examples"], data


# --------------------------------------------------------------------------- word-list example runners
#
# A word list is data for some stage, and its examples are only meaningful when run by that stage: the
# abbreviations say where sentences do NOT end, the time words which times are read and resolved. A
# ``kind: wordlists`` file says which stage runs its examples with ``runner:`` inside its ``examples:``
# block (or a file-level ``examples_runner:``):
#
#   lexicon     (default) ``converter.lexicon.run_example``: an entry of the file's lists (or of
#               ``expect.list``) agreeing with ``expect`` occurs in the text; a ``no_match`` example
#               says no entry of any of the file's lists occurs (strict: common words trip it).
#   wordlist    the list named in ``expect: {list: NAME}`` (plus ``entry``/``word`` or entry attributes)
#               matches somewhere in the text; a ``no_match`` example says that list does not. Every
#               example must name its list.
#   times       ``converter.times.find_times`` finds a time whose ``text``/``value`` equal ``expect``'s
#               (resolved against the example's ``published`` date); ``no_match``: it finds no time.
#   quantities  ``converter.times.find_quantities`` finds a quantity agreeing with ``expect`` (``text``,
#               ``value``, ``approximate``, ``unit``); ``no_match``: it finds no quantity.
#   segments    ``converter.segment.segment`` splits the text into ``expect: {sentences: N}`` sentences;
#               ``no_match``: it does not split the text at all (one sentence).
#
# Each runner answers (holds, what was found); holds is None when the example is malformed for that
# runner, which fails whatever its group.

#: One runner: (rule set, the file's data, the example as a mapping) -> (holds or None, what was found).
ExampleCheck = Callable[[RuleSet, Mapping[str, Any], Mapping[str, Any]], tuple[bool | None, str]]

#: The file-level key that picks a runner, and the runner used when a file does not say.
RUNNER_KEY, DEFAULT_RUNNER = "examples_runner", "lexicon"


def _published(example: Mapping[str, Any]) -> date | None:
    value = example.get("published")
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _fields_agree(found: Mapping[str, Any], expect: Mapping[str, Any]) -> bool:
    """Every expected field equals the found one (texts compared like other examples, numbers as numbers)."""
    for key, wanted in expect.items():
        have = found.get(key)
        if isinstance(wanted, bool) or isinstance(have, bool):
            if bool(wanted) != bool(have) or have is None:
                return False
        elif isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
            if not isinstance(have, (int, float)) or abs(float(have) - float(wanted)) > 1e-9:
                return False
        elif _norm(wanted) != _norm(have):
            return False
    return True


def _check_times(ruleset: RuleSet, data: Mapping[str, Any], example: Mapping[str, Any]) -> tuple[bool | None, str]:
    from converter.segment import segment  # lazy: only example runs need the stages
    from converter.times import find_times

    segments = segment(str(example["text"]))
    found = [{"text": t.span.slice(segments.text), "value": t.value}
             for t in find_times(segments, None, _published(example))]
    expect = dict(example.get("expect") or {})
    holds = any(_fields_agree(f, expect) for f in found)
    return holds, "; ".join(f"{f['text']!r} = {f['value']}" for f in found) or "no time found"


def _check_quantities(ruleset: RuleSet, data: Mapping[str, Any],
                      example: Mapping[str, Any]) -> tuple[bool | None, str]:
    from converter.segment import segment
    from converter.times import find_quantities, find_times

    segments = segment(str(example["text"]))
    times = find_times(segments, None, _published(example))
    found = [{"text": q.span.slice(segments.text), "value": q.value, "approximate": q.approximate, "unit": q.unit}
             for q in find_quantities(segments, None, times)]
    expect = dict(example.get("expect") or {})
    holds = any(_fields_agree(f, expect) for f in found)
    return holds, "; ".join(f"{f['text']!r} = {f['value']} {f['unit']}" for f in found) or "no quantity found"


def _check_segments(ruleset: RuleSet, data: Mapping[str, Any],
                    example: Mapping[str, Any]) -> tuple[bool | None, str]:
    from converter.segment import segment

    segments = segment(str(example["text"]))
    texts = [s.span.slice(segments.text) for s in segments.sentences]
    expect = example.get("expect")
    if expect is None:  # a bare text: holds when it is split (so a no_match text must stay one sentence)
        return len(texts) > 1, " | ".join(texts)
    if not isinstance(expect.get("sentences"), int):
        return None, "a segments example expects {sentences: N}"
    return len(texts) == expect["sentences"], " | ".join(texts)


def _check_lexicon(ruleset: RuleSet, data: Mapping[str, Any],
                   example: Mapping[str, Any]) -> tuple[bool | None, str]:
    from converter.lexicon import run_example

    return run_example(data, example, ruleset.lexicon)


def _check_wordlist(ruleset: RuleSet, data: Mapping[str, Any],
                    example: Mapping[str, Any]) -> tuple[bool | None, str]:
    from converter.lexicon import run_example

    expect = dict(example.get("expect") or {})
    if not isinstance(expect.get("list"), str):
        return None, "a wordlist example names the list it tests: expect: {list: NAME}"
    if expect["list"] not in ruleset.lexicon.wordlists:
        return None, f"unknown word list {expect['list']!r}"
    return run_example(data, {"text": example["text"], "expect": expect}, ruleset.lexicon)


#: examples_runner value -> runner. Add a stage here (and to the schema's enum) to test its lists.
EXAMPLE_RUNNERS: dict[str, ExampleCheck] = {
    "lexicon": _check_lexicon,
    "wordlist": _check_wordlist,
    "times": _check_times,
    "quantities": _check_quantities,
    "segments": _check_segments,
}


def runner_name(data: Mapping[str, Any]) -> str:
    """The runner a word-list file names: ``examples: {runner: ...}`` or a file-level ``examples_runner``."""
    examples = data.get("examples")
    named = examples.get("runner") if isinstance(examples, Mapping) else None
    return str(named or data.get(RUNNER_KEY) or DEFAULT_RUNNER)


def runner_for(data: Mapping[str, Any]) -> ExampleCheck | None:
    """The runner a word-list file names (None for an unknown name, reported as a failure)."""
    return EXAMPLE_RUNNERS.get(runner_name(data))


def _lexicon_runner() -> LexiconRunner | None:
    try:
        from converter import lexicon
    except ImportError:  # pragma: no cover
        return None
    return getattr(lexicon, "run_example", None)


#: Default for ``lexicon_runner``: use ``converter.lexicon.run_example`` when it exists.
AUTO = "auto"


def run_rule_examples(ruleset: RuleSet, files: Sequence[Path | str] = (), *, convert: Convert | None = None,
                      lexicon_runner: LexiconRunner | str | None = AUTO) -> list[ExampleResult]:
    """Run the examples of every rule (or only of rules in ``files``).

    Args:
        ruleset: the rules to test (examples run with exactly these rules).
        files: restrict to rules defined in these files.
        convert: the pipeline (default ``converter.pipeline.convert``, imported lazily); tests inject a fake.
        lexicon_runner: runs word-list file examples; AUTO: ``converter.lexicon.run_example`` if it exists;
            None: none (those examples are reported "not runnable yet").
    """
    if convert is None:
        from converter import pipeline  # lazy: the pipeline imports converter.rules

        convert = pipeline.convert
    runner = lexicon_runner if lexicon_runner != AUTO else _lexicon_runner()
    only = {str(Path(f).resolve()) for f in files} or None
    results: list[ExampleResult] = []
    for kind, rule_id, path, examples, data in _cases(ruleset, only):
        for group in ("match", "no_match", "todo"):
            for example in examples.get(group) or ():
                results.append(_one(convert, runner, ruleset, (kind, rule_id, path, data), group, example))
    return results


def example_ids(ruleset: RuleSet) -> list[str]:
    """The global id of every rule, and of every lexicon file, that carries examples (test ids)."""
    return [rule_id for _kind, rule_id, _path, examples, _data in _cases(ruleset, None) if examples]


def run_examples_of(ruleset: RuleSet, rule_id: str, *, convert: Convert | None = None) -> list[ExampleResult]:
    """Run the examples of one rule or lexicon file (by global id), as ``run_rule_examples`` does.

    Raises:
        KeyError: no rule or lexicon file has that id.
    """
    if convert is None:
        from converter import pipeline

        convert = pipeline.convert
    for kind, case_id, path, examples, data in _cases(ruleset, None):
        if case_id == rule_id:
            runner = _lexicon_runner()
            return [_one(convert, runner, ruleset, (kind, case_id, path, data), group, example)
                    for group in ("match", "no_match", "todo") for example in examples.get(group) or ()]
    raise KeyError(rule_id)


def _scope(kind: str, rule_id: str, group: str) -> str | None:
    """Whose items an example looks at: the rule's own, or (None) any item of the document.

    Gazetteer entries are used by every actor rule; and an actor is credited to the rule that named it,
    while actor rules such as coreference only add mentions — so their positive examples look at every
    actor. Negative examples always look at the rule's own items.
    """
    if kind == "gazetteer" or (kind == "actors" and group != "no_match"):
        return None
    return rule_id


def _one(convert: Convert, runner: LexiconRunner | None, ruleset: RuleSet, case: tuple[str, str, str, Any],
         group: str, example: Any) -> ExampleResult:
    kind, rule_id, path, _data = case
    text = example if isinstance(example, str) else example["text"]
    expect = {} if isinstance(example, str) else dict(example.get("expect") or {})
    if kind == "wordlists":
        return _one_wordlist(runner, ruleset, case, group, example)
    status, got = run_example(convert, ruleset, kind, _scope(kind, rule_id, group), group, example)
    if group == "todo":
        status = TODO
    return ExampleResult(rule_id, path, group, text, status, expect, got)


def _one_wordlist(runner: LexiconRunner | None, ruleset: RuleSet, case: tuple[str, str, str, Any], group: str,
                  example: Any) -> ExampleResult:
    """A word-list file's example, run by the stage its ``examples_runner`` names (see EXAMPLE_RUNNERS).

    ``runner`` is None when word-list examples cannot run (reported as not runnable); a caller-supplied
    runner other than the lexicon's own replaces the ``wordlist`` check (tests inject one).
    """
    _kind, rule_id, path, data = case
    as_map = dict(example) if isinstance(example, Mapping) else {"text": example}
    text, expect = str(as_map["text"]), dict(as_map.get("expect") or {})
    if runner is None:
        return ExampleResult(rule_id, path, group, text, NOT_RUNNABLE, expect)
    check = runner_for(data)
    if check is _check_lexicon and runner is not _lexicon_runner():
        check = lambda _rules, file_data, ex: runner(file_data, ex)
    if check is None:
        known = ", ".join(sorted(EXAMPLE_RUNNERS))
        detail = f"unknown examples runner {runner_name(data)!r}; expected one of {known}"
        return ExampleResult(rule_id, path, group, text, FAIL, expect, (), detail)
    holds, found = check(ruleset, data, as_map)
    if group == "todo":
        status = TODO
    elif holds is None:
        status = FAIL
    else:
        status = PASS if holds == (group != "no_match") else FAIL
    return ExampleResult(rule_id, path, group, text, status, expect, (), found)


# --------------------------------------------------------------------------- report


def format_report(results: Sequence[ExampleResult]) -> str:
    """A per-rule pass/fail table, then each failure with expected vs got."""
    table: dict[str, dict[str, int]] = {}
    for r in results:
        row = table.setdefault(r.rule, {PASS: 0, FAIL: 0, TODO: 0, NOT_RUNNABLE: 0})
        row[r.status] += 1
    width = max((len(k) for k in table), default=4)
    lines = [f"{'rule':<{width}}  pass  fail  todo  not-runnable"]
    for rule, row in sorted(table.items()):
        lines.append(f"{rule:<{width}}  {row[PASS]:>4}  {row[FAIL]:>4}  {row[TODO]:>4}  {row[NOT_RUNNABLE]:>12}")
    for r in results:
        if r.status == FAIL:
            lines += ["", f"FAIL {r.rule} ({r.group}) {r.file}", f"  text:     {r.text}",
                      f"  expected: {dict(r.expected) if r.group != 'no_match' else 'nothing from this rule'}",
                      f"  got:      {r.detail or list(r.got) or 'nothing from this rule'}"]
    counts = {s: sum(1 for r in results if r.status == s) for s in (PASS, FAIL, TODO, NOT_RUNNABLE)}
    lines += ["", ", ".join(f"{n} {s}" for s, n in counts.items())]
    return "\n".join(lines)


def exit_code(results: Sequence[ExampleResult]) -> int:
    """1 if any example failed, else 0 (todo and not-runnable never fail)."""
    return 1 if any(r.status == FAIL for r in results) else 0
