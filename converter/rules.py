"""Load every rule file once into a :class:`RuleSet`: schema-checked, ids unique, patterns compiled.

The shipped ``rules/`` directory comes first; directories passed as ``extra_dirs`` and those
named in ``$AEC_RULES`` (``os.pathsep``-separated) follow, so a newsroom can add rules, or
replace a shipped rule by giving theirs the same global id (a notice records each replacement).
Compiling every pattern here, once, is what lets the matcher run per sentence without re-parsing,
and lets a broken pattern fail at load time with its file:line:column instead of mid-article.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from converter.errors import Location, RuleError
from converter.lexicon import Lexicon, load_lexicon
from converter.model import Token
from converter.pattern import (
    Clause,
    Inflections,
    Pattern,
    best_clause,
    compile_pattern,
    in_order,
    inflections_from_data,
    shipped_inflections,
    token_view,
    with_determiners,
)
from converter.resources import data_path
from converter.rulefiles import RuleFile, check_rule_file, load_rule_file

#: Environment variable naming extra rule directories.
RULES_ENV = "AEC_RULES"


@dataclass(frozen=True)
class EventRule:
    """An events rule, pattern compiled; ``id`` is global (``<file id>.<rule id>``)."""

    id: str
    version: int
    status: str
    description: str
    type: str
    mode: str | None
    modality: str | None
    pattern: Pattern
    source_pattern: str
    examples: Mapping[str, Any]
    file: str
    line: int | None
    roles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimRule:
    """A claims rule, pattern compiled; ``claim_kind`` is direct | indirect | according_to | mixed."""

    id: str
    version: int
    status: str
    description: str
    claim_kind: str
    pattern: Pattern
    source_pattern: str
    examples: Mapping[str, Any]
    file: str
    line: int | None


@dataclass(frozen=True)
class ActorRule:
    """An actors rule: documented and tested here, applied by ``mentions.py`` using its ``params``."""

    id: str
    version: int
    status: str
    description: str
    params: Mapping[str, Any]
    examples: Mapping[str, Any]
    file: str
    line: int | None


class _HasPattern(Protocol):
    @property
    def pattern(self) -> Pattern: ...


R = TypeVar("R", bound=_HasPattern)


class RuleIndex(Generic[R]):
    """Rules filed under the token features of their most selective required clause.

    Running every rule on every sentence spent most of the pipeline finding out that most rules cannot
    match; the index turns that into a few dict look-ups per sentence: a sentence only reaches the
    rules one of its tokens can trigger, and those are then checked with :meth:`Pattern.worth_running`.
    """

    def __init__(self, rules: Sequence[R]) -> None:
        self.rules: tuple[R, ...] = tuple(rules)
        by_feature: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(self.rules):
            clause = best_clause(rule.pattern.clauses)
            if clause is None:
                always.append(i)
            for feature in clause or ():
                by_feature.setdefault(feature, []).append(i)
        self.by_feature = {f: tuple(ix) for f, ix in by_feature.items()}
        #: every feature some rule is filed under (a sentence's other features reach no rule)
        self.features = frozenset(self.by_feature)
        self.always = tuple(always)
        #: :attr:`by_feature` and :attr:`always` as bit masks of rule positions (each position once: sum is OR)
        self.rule_bits = {f: sum(1 << i for i in ix) for f, ix in self.by_feature.items()}
        self.always_mask = sum(1 << i for i in self.always)
        #: per rule, :meth:`Pattern.worth_running`'s checks minus the clause it is filed under (a rule the
        #: index offers already has it): its other clauses as bits of a clause mask, and its order check
        bits: dict[Clause, int] = {}
        self.needs: tuple[int, ...] = tuple(
            sum({1 << bits.setdefault(c, len(bits)) for c in _other_clauses(rule.pattern.clauses)})  # a set: sum is OR
            for rule in self.rules
        )
        self.orders: tuple[tuple[Clause, ...], ...] = tuple(
            rule.pattern.ordered if len(rule.pattern.ordered) > 1 else () for rule in self.rules
        )
        #: per rule that is an alternation, per option its clauses as bits and its order check: the rule
        #: is offered only when some option passes both (see :attr:`Pattern.alternatives`)
        self.options: tuple[tuple[tuple[int, tuple[Clause, ...]], ...], ...] = tuple(
            tuple((sum({1 << bits.setdefault(c, len(bits)) for c in clauses}), order if len(order) > 1 else ())
                  for clauses, order in rule.pattern.alternatives)
            for rule in self.rules
        )
        #: feature -> the bits of the clauses it satisfies: one pass over a sentence's features tells
        #: which clauses hold, instead of one set test per clause per offered rule
        self.clause_bits: dict[str, int] = {}
        for clause, bit in bits.items():
            for feature in clause:
                self.clause_bits[feature] = self.clause_bits.get(feature, 0) | 1 << bit
        self.clause_features = frozenset(self.clause_bits)
        #: feature -> (:attr:`rule_bits`, :attr:`clause_bits`) of it, for the features in either: one set
        #: intersection per sentence finds both the rules it offers and the clauses it satisfies
        self.feature_bits: dict[str, tuple[int, int]] = {
            f: (self.rule_bits.get(f, 0), self.clause_bits.get(f, 0)) for f in self.features | self.clause_features
        }
        self.bit_features = frozenset(self.feature_bits)

    def positions(self, tokens: Sequence[Token]) -> list[int]:
        """Indices (into :attr:`rules`, ascending) of the rules worth running on ``tokens``
        (:meth:`Pattern.worth_running` is true of each: ``find_all(..., checked=True)`` may skip it)."""
        view = token_view(tokens)
        hits = self.always_mask  # the offered rules as bits of one int: no set to build and sort per sentence
        held = 0  # the clauses this sentence satisfies, as bits
        feature_bits = self.feature_bits
        for feature in view.features & self.bit_features:  # set intersection: C speed
            rules, clauses = feature_bits[feature]
            hits |= rules
            held |= clauses
        if not hits:
            return []
        needs, orders, options = self.needs, self.orders, self.options
        out = []
        while hits:  # lowest bit first: ascending rule order
            low = hits & -hits
            hits ^= low
            i = low.bit_length() - 1
            if needs[i] & ~held or (orders[i] and not in_order(orders[i], view)):
                continue
            if options[i] and not any(not (wanted & ~held) and (not order or in_order(order, view))
                                      for wanted, order in options[i]):
                continue
            out.append(i)
        return out

    def candidates(self, tokens: Sequence[Token]) -> list[R]:
        """The rules worth running on ``tokens``, in their original order (every rule that can match)."""
        return [self.rules[i] for i in self.positions(tokens)]


def _other_clauses(clauses: Sequence[Clause]) -> tuple[Clause, ...]:
    """``clauses`` without the one :func:`best_clause` files the rule under."""
    best = best_clause(clauses)
    return tuple(c for c in clauses if c != best)


@dataclass(frozen=True)
class RuleSet:
    """Everything the pipeline needs from ``rules/``: compiled rules, the lexicon, provenance."""

    events: tuple[EventRule, ...]
    claims: tuple[ClaimRule, ...]
    lexicon: Lexicon
    files: tuple[RuleFile, ...]
    version: str
    notices: tuple[str, ...] = ()
    actors: tuple[ActorRule, ...] = ()
    inflections: Inflections = field(default_factory=Inflections)

    @cached_property
    def event_index(self) -> RuleIndex[EventRule]:
        """:attr:`events` indexed by required tokens (see :class:`RuleIndex`)."""
        return RuleIndex(self.events)

    @cached_property
    def claim_index(self) -> RuleIndex[ClaimRule]:
        """:attr:`claims` indexed by required tokens (see :class:`RuleIndex`)."""
        return RuleIndex(self.claims)

    def candidates(self, tokens: Sequence[Token], kind: str = "events") -> list[Any]:
        """The ``events`` or ``claims`` rules that can match ``tokens``, in rule order; the others are
        certain to find nothing, so matchers may skip them (``find_all`` would return [] anyway)."""
        index = {"events": self.event_index, "claims": self.claim_index}.get(kind)
        if index is None:
            raise ValueError(f"unknown rule kind {kind!r}; expected 'events' or 'claims'")
        return index.candidates(tokens)

    def rule(self, rule_id: str) -> EventRule | ClaimRule | ActorRule:
        """The rule with global id ``rule_id``; KeyError if none."""
        for rule in (*self.events, *self.claims, *self.actors):
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def rule_dirs(extra_dirs: Sequence[Path | str] = ()) -> tuple[Path, ...]:
    """The shipped rules directory, then ``extra_dirs``, then ``$AEC_RULES`` entries; resolved, de-duplicated."""
    env = [p for p in os.environ.get(RULES_ENV, "").split(os.pathsep) if p.strip()]
    dirs = [data_path("rules"), *map(Path, extra_dirs), *map(Path, env)]
    for directory in dirs:
        if not directory.is_dir():
            raise RuleError("rules directory not found; expected a directory of rule YAML files", Location(str(directory)))
    return tuple(dict.fromkeys(d.resolve() for d in dirs))


def load_rules(extra_dirs: Sequence[Path | str] = ()) -> RuleSet:
    """Load, check and compile the shipped rules plus user rule directories (cached per directory tuple).

    Args:
        extra_dirs: user rule directories (``events/``, ``claims/``, ``lexicon/`` inside, or YAML files directly).

    Returns:
        The :class:`RuleSet`; ``notices`` lists shipped rules replaced by user rules.

    Raises:
        RuleError: a file is not YAML, fails the rules schema, repeats an id, or has a bad pattern
            (:class:`~converter.errors.PatternError`), located at file:line:column.
    """
    return _load_cached(rule_dirs(extra_dirs))


def clear_cache() -> None:
    """Forget loaded rule sets (tests and long-running tools that edit rule files)."""
    _load_cached.cache_clear()


@cache
def _load_cached(dirs: tuple[Path, ...]) -> RuleSet:
    layers = [[_checked(path) for path in sorted(d.rglob("*.yaml"))] for d in dirs]
    files = tuple(f for layer in layers for f in layer)
    lexicon = load_lexicon(_lexicon_dirs(dirs[1:]))
    inflections = _inflections(files)
    chosen: dict[str, tuple[int, Any]] = {}
    notices: list[str] = []
    for layer_no, layer in enumerate(layers):
        seen: dict[str, str] = {}
        for rule_file in layer:
            for rule in build_rules(rule_file, lexicon, inflections):
                _place(rule, layer_no, seen, chosen, notices)
    rules = [rule for _, rule in chosen.values()]
    return RuleSet(
        events=tuple(r for r in rules if isinstance(r, EventRule)),
        claims=tuple(r for r in rules if isinstance(r, ClaimRule)),
        lexicon=lexicon,
        files=files,
        version=rules_version(files),
        notices=tuple(notices),
        actors=tuple(r for r in rules if isinstance(r, ActorRule)),
        inflections=inflections,
    )


#: File kinds this module builds from, so their schema errors stop loading. Lexicon kinds
#: (gazetteer, wordlists) are checked by ``lexicon.py`` as it reads them and by ``aec rules lint``.
_STRICT_KINDS = frozenset({"events", "claims", "actors", "inflections"})


def _checked(path: Path) -> RuleFile:
    rule_file = load_rule_file(path)
    if not isinstance(rule_file.data, dict):
        raise RuleError("a rule file must be a mapping with `kind`, `id` and `description`", rule_file.where())
    if rule_file.data.get("kind") in _STRICT_KINDS or "kind" not in rule_file.data:
        check_rule_file(rule_file)
    return rule_file


def _lexicon_dirs(user_dirs: Sequence[Path]) -> list[Path]:
    """User word lists/gazetteers may sit in ``<dir>/lexicon/`` or directly in ``<dir>``."""
    return [d for base in user_dirs for d in (base, base / "lexicon") if d.is_dir()]


def _inflections(files: Sequence[RuleFile]) -> Inflections:
    """The last ``kind: inflections`` file wins, so a user directory may replace the shipped table; its
    coordination determiners default to the actor files' ``determiners`` list."""
    found = [f for f in files if f.data.get("kind") == "inflections"]
    inflections = inflections_from_data(found[-1].data) if found else shipped_inflections()
    return with_determiners(inflections, [f.data for f in files if f.data.get("kind") == "actors"])


def _place(rule: Any, layer: int, seen: dict[str, str], chosen: dict[str, tuple[int, Any]],
           notices: list[str]) -> None:
    """Add a rule: a repeated id in the same layer is an error; a later layer's rule replaces the earlier."""
    where = f"{rule.file}:{rule.line}"
    if rule.id in seen:
        raise RuleError(f"duplicate rule id {rule.id!r}; first defined at {seen[rule.id]}; rule ids must be unique",
                        Location(rule.file, rule.line))
    seen[rule.id] = where
    if rule.id in chosen:
        old = chosen[rule.id][1]
        notices.append(f"rule {rule.id} from {where} replaces the one at {old.file}:{old.line}")
    chosen[rule.id] = (layer, rule)


def rules_version(files: Sequence[RuleFile]) -> str:
    """A short, deterministic hash of every rule file's content (independent of where rules are installed)."""
    digest = hashlib.sha256()
    for text in sorted(f.text for f in files):
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:12]


# --------------------------------------------------------------------------- one file → rules


def build_rules(rule_file: RuleFile, lexicon: Lexicon, inflections: Inflections) -> list[Any]:
    """The compiled rules of one schema-checked file (none for lexicon kinds); PatternError if a pattern is bad."""
    builder = _BUILDERS.get(rule_file.data.get("kind"))
    if builder is None:
        return []
    prefix = rule_file.data["id"]
    return [builder(rule_file, prefix, i, raw, lexicon, inflections) for i, raw in enumerate(rule_file.data["rules"])]


def _compiled(rule_file: RuleFile, index: int, raw: Mapping[str, Any], lexicon: Lexicon,
              inflections: Inflections) -> Pattern:
    where = rule_file.text_start(("rules", index, "pattern"))
    return compile_pattern(raw["pattern"], lexicon.wordlists, inflections, where=where)


def _common(rule_file: RuleFile, prefix: str, index: int, raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{prefix}.{raw['id']}",
        "version": raw["version"],
        "status": raw["status"],
        "description": raw["description"],
        "examples": raw.get("examples") or {},
        "file": str(rule_file.path),
        "line": rule_file.where(("rules", index)).line,
    }


def _event_rule(rule_file: RuleFile, prefix: str, index: int, raw: Mapping[str, Any], lexicon: Lexicon,
                inflections: Inflections) -> EventRule:
    return EventRule(
        type=raw["type"], mode=raw.get("mode"), modality=raw.get("modality"), roles=dict(raw.get("roles") or {}),
        pattern=_compiled(rule_file, index, raw, lexicon, inflections), source_pattern=raw["pattern"],
        **_common(rule_file, prefix, index, raw),
    )


def _claim_rule(rule_file: RuleFile, prefix: str, index: int, raw: Mapping[str, Any], lexicon: Lexicon,
                inflections: Inflections) -> ClaimRule:
    return ClaimRule(
        claim_kind=raw["claim_kind"], source_pattern=raw["pattern"],
        pattern=_compiled(rule_file, index, raw, lexicon, inflections),
        **_common(rule_file, prefix, index, raw),
    )


def _actor_rule(rule_file: RuleFile, prefix: str, index: int, raw: Mapping[str, Any], lexicon: Lexicon,
                inflections: Inflections) -> ActorRule:
    return ActorRule(params=dict(raw.get("params") or {}), **_common(rule_file, prefix, index, raw))


#: File kind → builder of its rules (files of other kinds hold lexicon data, loaded by ``lexicon.py``).
_BUILDERS = {"events": _event_rule, "claims": _claim_rule, "actors": _actor_rule}
