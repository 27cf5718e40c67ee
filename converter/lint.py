"""``aec rules lint``: check rule files like code — schema, ids, patterns, examples, cost.

Each check is a small validator class (``validate(rule) -> list[LintIssue]`` per rule, and
``finalize() -> list[LintIssue]`` for checks across rules), registered in :data:`VALIDATORS`.
Every issue has a stable code from :data:`CATALOGUE`, so CI logs, docs and suppressions can
refer to ``AEC-R006`` forever even if the wording improves.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converter.errors import Location, PatternError, RuleError
from converter.lexicon import load_lexicon
from converter.model import Span, Token
from converter.pattern import (
    KIND_MARK,
    Budget,
    Inflections,
    Node,
    Pattern,
    WordListRef,
    best_clause,
    compile_pattern,
    known_lists,
    parse_pattern,
    shipped_inflections,
    walk,
)
from converter.resources import data_path
from converter.rulefiles import YAML11_BOOLEANS, RuleFile, parse_rule_text, schema_errors

#: Code → (severity, message template). The one place where lint wording lives.
CATALOGUE: dict[str, tuple[str, str]] = {
    "AEC-R000": ("error", "cannot read file: {detail}"),
    "AEC-R001": ("error", "not a YAML rule file: {detail}"),
    "AEC-R002": ("error", "schema: {detail}"),
    "AEC-R003": ("error", "{detail}"),
    "AEC-R004": ("error", "duplicate rule id {id}; first defined at {first}"),
    "AEC-R005": ("warning", "rule {id} has the same pattern as {other} ({how}); one of them never adds anything"),
    "AEC-R006": ("warning", "rule {id} can never match: {reason}"),
    "AEC-R007": ("warning", "rule {id} has no positive example; add one under examples.match"),
    "AEC-R008": ("warning", "rule {id} has no negative example; add one under examples.no_match"),
    "AEC-R009": ("error", "unknown PLOVER type {found!r}; expected one of {expected}"),
    "AEC-R010": ("error", "rule {id} uses unknown word list @{name}; {known}"),
    "AEC-R011": ("warning", "rule {id} is slow: {steps} VM steps on the {tokens}-token synthetic article (limit {limit})"),
    "AEC-R012": ("warning", "unquoted {word!r} is a boolean in YAML 1.1 loaders; write it quoted"),
    "AEC-R013": ("info", "rule {id} is deprecated; remove it once nothing depends on it"),
    "AEC-R014": ("info", ("rule {id} requires no particular word, so it runs on every sentence; "
                          "an anchor word (a literal, ~lemma or @list outside optional parts) lets it be skipped")),
}

SEVERITIES = ("error", "warning", "info")
#: VM steps a rule may spend on the synthetic article before AEC-R011 (100 per token; shipped rules
#: measured 1-35 per token when this was set).
SLOW_RULE_STEPS = 200_000
SYNTHETIC_TOKENS = 2_000


@dataclass(frozen=True)
class LintIssue:
    """One finding: a stable code, its severity, the rendered message and where it is."""

    code: str
    severity: str
    message: str
    location: Location
    rule: str | None = None

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {"code": self.code, "severity": self.severity, "message": self.message, "rule": self.rule,
                "path": loc.path, "line": loc.line, "column": loc.column}

    def __str__(self) -> str:
        loc = self.location
        where = ":".join(str(p) for p in (loc.path, loc.line, loc.column) if p is not None) or "<unknown>"
        return f"{where}: {self.severity} {self.code} {self.message}"


def issue(code: str, location: Location, rule: str | None = None, **fields: Any) -> LintIssue:
    """Render catalogue entry ``code`` with ``fields``."""
    severity, template = CATALOGUE[code]
    return LintIssue(code, severity, template.format(**fields), location, rule)


@dataclass
class LintRule:
    """What validators see of one rule: its file, raw mapping, global id and compiled pattern (if any)."""

    file: RuleFile
    index: int
    raw: Mapping[str, Any]
    id: str
    kind: str
    pattern: Pattern | None = None
    tree: Node | None = None

    def where(self, *sub: str | int) -> Location:
        return self.file.where(("rules", self.index, *sub))


@dataclass
class LintContext:
    """Shared inputs: word lists, inflections and the synthetic article."""

    wordlists: Mapping[str, Any]
    inflections: Inflections
    synthetic: list[list[Token]] = field(default_factory=list)


# --------------------------------------------------------------------------- validators


class Validator:
    """Base class: per-rule ``validate`` and cross-rule ``finalize``; both return issues."""

    def __init__(self, context: LintContext) -> None:
        self.context = context

    def validate(self, rule: LintRule) -> list[LintIssue]:
        return []

    def finalize(self) -> list[LintIssue]:
        return []


class PatternCompiles(Validator):
    """Parses and compiles the pattern (AEC-R003), naming unknown word lists separately (AEC-R010)."""

    def validate(self, rule: LintRule) -> list[LintIssue]:
        if "pattern" not in rule.raw:
            return []
        where = rule.file.text_start(("rules", rule.index, "pattern"))
        try:
            rule.tree = parse_pattern(rule.raw["pattern"], where)
            unknown = [n for n in walk(rule.tree) if isinstance(n, WordListRef) and n.name not in self.context.wordlists]
            if unknown:
                known = known_lists(unknown[0].name, self.context.wordlists)
                return [issue("AEC-R010", where, rule.id, id=rule.id, name=unknown[0].name, known=known)]
            rule.pattern = compile_pattern(rule.raw["pattern"], self.context.wordlists, self.context.inflections,
                                           where=where)
        except PatternError as err:
            return [issue("AEC-R003", err.location, rule.id, detail=err.message)]
        return []


class NeverMatches(Validator):
    """A pattern that needs an empty word list, or a literal the segmenter never produces as one token."""

    def validate(self, rule: LintRule) -> list[LintIssue]:
        if rule.pattern is None:
            return []
        reasons = [f"word list @{n} is empty" for n in rule.pattern.empty_lists]
        reasons += [self.reason(w) for w in sorted(rule.pattern.literals)]
        return [issue("AEC-R006", rule.where("pattern"), rule.id, id=rule.id, reason=r) for r in reasons if r]

    @staticmethod
    def reason(word: str) -> str:
        if any(c.isspace() for c in word):
            return f"{word!r} contains a space, but a token never does; write the words separately"
        pieces = _segmenter_tokens(word) if word[:1].isalnum() else [word]
        if len(pieces) > 1:
            return f"{word!r} is split into tokens {pieces} by the segmenter; write them separately"
        return ""


def _segmenter_tokens(word: str) -> list[str]:
    """How the pipeline's segmenter tokenizes ``word`` on its own (the word itself if it is not available)."""
    try:
        from converter.segment import segment  # lazy: lint works before the segmenter exists
    except ImportError:  # pragma: no cover
        return [word]
    return [t.text for sentence in segment(word).sentences for t in sentence.tokens] or [word]


class HasExamples(Validator):
    """Every pattern rule ships at least one positive and one negative example."""

    def validate(self, rule: LintRule) -> list[LintIssue]:
        examples = rule.raw.get("examples") or {}
        found = []
        if not examples.get("match"):
            found.append(issue("AEC-R007", rule.where(), rule.id, id=rule.id))
        if not examples.get("no_match"):
            found.append(issue("AEC-R008", rule.where(), rule.id, id=rule.id))
        return found


class Deprecated(Validator):
    def validate(self, rule: LintRule) -> list[LintIssue]:
        if rule.raw.get("status") == "deprecated":
            return [issue("AEC-R013", rule.where("status"), rule.id, id=rule.id)]
        return []


class UniqueIds(Validator):
    """Global rule ids are unique across all linted files."""

    def __init__(self, context: LintContext) -> None:
        super().__init__(context)
        self.first: dict[str, Location] = {}

    def validate(self, rule: LintRule) -> list[LintIssue]:
        if rule.id in self.first:
            return [issue("AEC-R004", rule.where("id"), rule.id, id=rule.id, first=self.first[rule.id])]
        self.first[rule.id] = rule.where("id")
        return []


class DistinctPatterns(Validator):
    """Two rules of the same kind with the same pattern text or the same compiled program shadow each other."""

    def __init__(self, context: LintContext) -> None:
        super().__init__(context)
        self.by_text: dict[tuple[str, str], str] = {}
        self.by_program: dict[tuple[str, tuple[Any, ...]], str] = {}

    def validate(self, rule: LintRule) -> list[LintIssue]:
        if rule.pattern is None:
            return []
        text_key = (rule.kind, " ".join(rule.pattern.source.split()))
        program_key = (rule.kind, rule.pattern.program)
        other, how = self.by_text.get(text_key), "same text"
        if other is None:
            other, how = self.by_program.get(program_key), "same compiled program"
        self.by_text.setdefault(text_key, rule.id)
        self.by_program.setdefault(program_key, rule.id)
        if other is None or other == rule.id:
            return []
        return [issue("AEC-R005", rule.where("pattern"), rule.id, id=rule.id, other=other, how=how)]


class NotSlow(Validator):
    """Runs the pattern on a synthetic ~2,000-token article and flags rules above :data:`SLOW_RULE_STEPS`."""

    def validate(self, rule: LintRule) -> list[LintIssue]:
        if rule.pattern is None:
            return []
        budget = Budget(SLOW_RULE_STEPS * 10)
        # measured without the prefilter: the synthetic soup lacks most rules' words, real articles don't
        for sentence in self.context.synthetic:
            rule.pattern.find_all(sentence, budget=budget, prefilter=False)
            if budget.exceeded:
                break
        if budget.used <= SLOW_RULE_STEPS:
            return []
        return [issue("AEC-R011", rule.where("pattern"), rule.id, id=rule.id, steps=budget.used,
                      tokens=SYNTHETIC_TOKENS, limit=SLOW_RULE_STEPS)]


#: Token kinds nearly every sentence has: requiring only these filters nothing out.
_EVERYWHERE = frozenset(KIND_MARK + k for k in ("word", "punct", "actor", "number"))


class HasAnchor(Validator):
    """Flags (info) a pattern whose prefilter requires only token kinds: it is run on every sentence."""

    def validate(self, rule: LintRule) -> list[LintIssue]:
        if rule.pattern is None:
            return []
        clause = best_clause(rule.pattern.clauses)
        if clause is not None and not clause <= _EVERYWHERE:
            return []
        return [issue("AEC-R014", rule.where("pattern"), rule.id, id=rule.id)]


#: The validators `aec rules lint` runs, in order (explicit registry; order matters: compile first).
VALIDATORS: dict[str, type[Validator]] = {
    "pattern_compiles": PatternCompiles,
    "never_matches": NeverMatches,
    "has_examples": HasExamples,
    "deprecated": Deprecated,
    "unique_ids": UniqueIds,
    "distinct_patterns": DistinctPatterns,
    "not_slow": NotSlow,
    "has_anchor": HasAnchor,
}


# --------------------------------------------------------------------------- synthetic article


def synthetic_article(wordlists: Mapping[str, Any], inflections: Inflections, size: int = SYNTHETIC_TOKENS,
                      seed: int = 0) -> list[list[Token]]:
    """Sentences of news-like token soup built from the lexicon's own words (so cue words do occur).

    Deterministic (fixed seed) so step counts are comparable between runs and machines.
    """
    rng = random.Random(seed)
    words = sorted({e.tokens[0] for wl in wordlists.values() for e in wl.entries if len(e.tokens) == 1})
    words += sorted(f for lemma in sorted(inflections.irregular)[:40] for f in inflections.forms(lemma))
    words = words or ["x"]
    kinds = ["word"] * 6 + ["actor", "actor", "punct", "time", "quantity", "quote"]
    sentences, pos, count = [], 0, 0
    while count < size:
        sentence = []
        for _ in range(rng.randint(12, 40)):
            kind = rng.choice(kinds)
            text = rng.choice(words) if kind == "word" else ("," if kind == "punct" else kind.upper())
            sentence.append(Token(Span(pos, pos + 1), text, kind))  # type: ignore[arg-type]
            pos += 2
        sentence.append(Token(Span(pos, pos + 1), ".", "punct"))
        pos += 2
        count += len(sentence)
        sentences.append(sentence)
    return sentences


# --------------------------------------------------------------------------- driver


def expand_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Files as given, folders searched recursively for ``*.yaml``; missing paths raise :class:`RuleError`."""
    found: list[Path] = []
    for raw in paths or [data_path("rules")]:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.yaml")))
        elif path.is_file():
            found.append(path)
        else:
            raise RuleError("no such file or directory; expected a rule file or a folder of them", Location(str(path)))
    return found


def _file_issues(rule_file: RuleFile) -> list[LintIssue]:
    found = []
    for err in schema_errors(rule_file):
        pointer = err.location.pointer or ""
        if rule_file.data.get("kind") == "events" and pointer.endswith("/type") and pointer.startswith("/rules/"):
            expected = ", ".join(_plover_types())
            value = _value_at(rule_file.data, pointer)
            found.append(issue("AEC-R009", err.location, found=value, expected=expected))
        else:
            found.append(issue("AEC-R002", err.location, detail=err.message))
    found += _yaml11_booleans(rule_file)
    return found


def _plover_types() -> list[str]:
    from converter.rulefiles import rules_schema

    return list(rules_schema()["$defs"]["event_rule"]["properties"]["type"]["enum"])


def _value_at(data: Any, pointer: str) -> Any:
    for part in pointer.strip("/").split("/"):
        data = data[int(part)] if isinstance(data, list) else data.get(part)
    return data


def _yaml11_booleans(rule_file: RuleFile) -> list[LintIssue]:
    """Unquoted yes/no/on/off: we read them as strings, other YAML tools as booleans."""
    found = []
    for path, pos in rule_file.positions.items():
        value = _value_at(rule_file.data, "/" + "/".join(map(str, path))) if path else None
        if pos.style is None and isinstance(value, str) and YAML11_BOOLEANS.match(value):
            found.append(issue("AEC-R012", rule_file.where(path), word=value))
    return found


def _rules_of(rule_file: RuleFile) -> list[LintRule]:
    data = rule_file.data
    if data.get("kind") not in ("events", "claims", "actors") or not isinstance(data.get("rules"), list):
        return []
    return [LintRule(rule_file, i, raw, f"{data.get('id')}.{raw.get('id')}", data["kind"])
            for i, raw in enumerate(data["rules"]) if isinstance(raw, dict)]


def lint_rules(paths: Sequence[Path | str] = (), *, lexicon_dirs: Sequence[Path] = (),
               validators: Mapping[str, type[Validator]] = VALIDATORS) -> list[LintIssue]:
    """Lint rule files (default: the shipped ``rules/``); issues sorted by file, line, code.

    Raises:
        RuleError: a path does not exist (a usage problem, exit 2), not a problem inside a file.
    """
    files = expand_paths(paths)
    lexicon = load_lexicon(tuple(lexicon_dirs) + tuple(sorted({f.parent for f in files if f.parent.name == "lexicon"})))
    context = LintContext(lexicon.wordlists, shipped_inflections())
    context.synthetic = synthetic_article(context.wordlists, context.inflections)
    checks = [cls(context) for cls in validators.values()]
    found: list[LintIssue] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            found.append(issue("AEC-R000", Location(str(path)), detail=err))
            continue
        try:
            rule_file = parse_rule_text(text, str(path))
        except RuleError as err:
            found.append(issue("AEC-R001", err.location, detail=err.message))
            continue
        file_issues = _file_issues(rule_file)
        found += file_issues
        if any(i.severity == "error" for i in file_issues):
            continue
        for rule in _rules_of(rule_file):
            for check in checks:
                found += check.validate(rule)
    for check in checks:
        found += check.finalize()
    return sorted(found, key=lambda i: (i.location.path or "", i.location.line or 0, i.code))


def exit_code(issues: Sequence[LintIssue]) -> int:
    """0 clean (warnings/info allowed), 1 at least one error, 2 a file could not be read at all."""
    if any(i.code == "AEC-R000" for i in issues):
        return 2
    return 1 if any(i.severity == "error" for i in issues) else 0
