"""The rule pattern language: parse (lark, LALR), compile once, match with a Pike VM.

A pattern such as ``$source ..4 ~visit $target`` is parsed by ``grammars/pattern.lark``
into a small tree of nodes, compiled to a program of VM instructions, and run over a
sentence's token stream (mentions collapsed into single tokens, see ``tokens.py``).

Why a Pike VM (Thompson NFA simulation with capture slots, as in RE2) and not a
backtracking matcher: rules are written by contributors and run on unseen articles, so
a careless ``(... | ...)*`` must never hang the converter. The VM keeps at most one
thread per instruction per token, so the cost is O(tokens x program size); each step is
counted against a :class:`Budget` so a slow rule is stopped and reported, not waited for.
Matches are leftmost, and among matches at the same start the one preferred by the
greedy/lazy priorities wins (leftmost-first, like Perl/RE2 semantics).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Protocol, get_args

import yaml
from lark import Lark, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark import Token as LarkToken
from lark.exceptions import UnexpectedToken, VisitError

from converter.errors import Location, PatternError, RuleError
from converter.model import ActorType, Mentions, Token, TokenKind
from converter.resources import data_path, grammar_path

# --------------------------------------------------------------------------- limits

#: VM steps one rule may spend on one article before it is stopped (env AEC_STEP_BUDGET overrides).
DEFAULT_STEP_BUDGET = 2_000_000
#: Largest N accepted in a bounded gap ``..N``: longer gaps are almost always a mistake for ``...``.
MAX_GAP = 50

_KINDS: frozenset[str] = frozenset(get_args(TokenKind))
_ANCHORS = frozenset({"start", "end"})
_ACTOR_TYPES: frozenset[str] = frozenset(get_args(ActorType))
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def normalize(text: str) -> str:
    """Case- and apostrophe-fold a token or pattern word so ``Russia's`` == ``russia’s``."""
    return text.lower().translate(_APOSTROPHES)


# --------------------------------------------------------------------------- word lists & inflections


class WordEntryLike(Protocol):
    """What the matcher needs from a word-list entry (``converter.lexicon.WordEntry``)."""

    tokens: tuple[str, ...]


class WordListLike(Protocol):
    """What the matcher needs from a word list (``converter.lexicon.WordList``)."""

    entries: tuple[Any, ...]


@dataclass(frozen=True)
class SuffixRule:
    """One regular inflection rule: ``re.sub(match, replace, lemma)``; ``also`` keeps trying later rules."""

    form: str
    match: str
    replace: str
    also: bool = False


@dataclass(frozen=True)
class Inflections:
    """Verb inflection data from ``rules/lexicon/inflections.yaml`` plus the coordinators of actor lists.

    Kept as data so contributors add an irregular verb without touching Python.
    """

    suffix_rules: tuple[SuffixRule, ...] = ()
    irregular: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    coordinators: tuple[str, ...] = ()

    @cached_property
    def fingerprint(self) -> str:
        """A stable digest of the content, so compiled patterns can be cached across loads."""
        irregular = sorted((k, sorted(v.items())) for k, v in self.irregular.items())
        return repr((self.suffix_rules, irregular, self.coordinators))

    def forms(self, lemma: str) -> frozenset[str]:
        """Every surface form of ``lemma``: the lemma, the regular forms, and the irregular table's forms.

        An irregular entry for a form (e.g. ``past: [sent]``) replaces the regular forms of that form only.
        """
        lemma = normalize(lemma)
        special = self.irregular.get(lemma, {})
        out = {lemma}
        for form in dict.fromkeys(rule.form for rule in self.suffix_rules):
            out.update(special[form] if form in special else self._regular(lemma, form))
        for form, words in special.items():
            out.update(words)
        return frozenset(out)

    def _regular(self, lemma: str, form: str) -> list[str]:
        made = []
        for rule in self.suffix_rules:
            if rule.form == form and re.search(rule.match, lemma):
                made.append(re.sub(rule.match, rule.replace, lemma, count=1))
                if not rule.also:
                    break
        return made


def inflections_from_data(data: Mapping[str, Any]) -> Inflections:
    """Build :class:`Inflections` from the parsed ``kind: inflections`` file (already schema-checked)."""
    rules = tuple(
        SuffixRule(form, r["match"], r["replace"], bool(r.get("also", False)))
        for form, items in (data.get("suffix_rules") or {}).items()
        for r in items
    )
    irregular: dict[str, dict[str, tuple[str, ...]]] = {}
    for lemma, value in (data.get("irregular") or {}).items():
        table = {"past": value} if isinstance(value, list) else value
        irregular[normalize(str(lemma))] = {k: tuple(normalize(str(w)) for w in v) for k, v in table.items()}
    coordinators = tuple(normalize(str(w)) for w in data.get("coordinators") or ())
    return Inflections(rules, irregular, coordinators)


@cache
def shipped_inflections() -> Inflections:
    """The inflections shipped in ``rules/lexicon/inflections.yaml`` (used when a caller passes none)."""
    path = data_path("rules") / "lexicon" / "inflections.yaml"
    with path.open(encoding="utf-8") as handle:
        return inflections_from_data(yaml.safe_load(handle) or {})


# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Node:
    """A parsed pattern element; ``column`` (0-based offset in the pattern text) locates compile errors."""

    column: int


@dataclass(frozen=True)
class Literal(Node):
    text: str


@dataclass(frozen=True)
class Lemma(Node):
    lemma: str


@dataclass(frozen=True)
class WordListRef(Node):
    name: str


@dataclass(frozen=True)
class Slot(Node):
    role: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class Kind(Node):
    kind: str


@dataclass(frozen=True)
class Gap(Node):
    limit: int | None  # None: any length


@dataclass(frozen=True)
class Seq(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt(Node):
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat(Node):
    body: Node
    min: int
    max: int | None
    greedy: bool


@dataclass(frozen=True)
class Capture(Node):
    name: str
    body: Node


def _col(token: LarkToken) -> int:
    """0-based offset of a lark token in the pattern text (named column for brevity in nodes)."""
    return token.start_pos or 0


class _ToTree(Transformer):
    """One method per grammar rule: lark tokens and subtrees → :class:`Node` values."""

    def start(self, children: list[Node]) -> Node:
        return children[0]

    def alt(self, children: list[Node]) -> Node:
        return Alt(children[0].column, tuple(children))

    def seq(self, children: list[Node]) -> Node:
        return Seq(children[0].column, tuple(children))

    def repeat(self, children: list[Any]) -> Node:
        body, quant = children
        low, high = {"?": (0, 1), "*": (0, None), "+": (1, None)}[quant[0]]
        return Repeat(body.column, body, low, high, greedy=len(quant) == 1)

    def literal(self, children: list[LarkToken]) -> Node:
        return Literal(_col(children[0]), normalize(str(children[0])))

    def quoted(self, children: list[LarkToken]) -> Node:
        raw = str(children[0])[1:-1]
        return Literal(_col(children[0]), normalize(re.sub(r"\\(.)", r"\1", raw)))

    def lemma(self, children: list[LarkToken]) -> Node:
        return Lemma(_col(children[0]), str(children[0])[1:])

    def wordlist(self, children: list[LarkToken]) -> Node:
        return WordListRef(_col(children[0]), str(children[0])[1:])

    def slot(self, children: list[LarkToken]) -> Node:
        role, _, types = str(children[0])[1:].partition(":")
        return Slot(_col(children[0]), role, tuple(types.split("|")) if types else ())

    def kind(self, children: list[LarkToken]) -> Node:
        return Kind(_col(children[0]), str(children[0])[1:])

    def gap(self, children: list[LarkToken]) -> Node:
        text = str(children[0])
        return Gap(_col(children[0]), None if text == "..." else int(text[2:]))

    def group(self, children: list[Node]) -> Node:
        return children[0]

    def optional(self, children: list[Node]) -> Node:
        return Repeat(children[0].column, children[0], 0, 1, greedy=True)

    def capture(self, children: list[Any]) -> Node:
        opener, body = children
        name = str(opener)[1:-1].strip()
        return Capture(_col(opener), name, body)


@cache
def _parser() -> Lark:
    """The pattern parser, built once per process (LALR: linear-time parsing, clear errors)."""
    return Lark(grammar_path("pattern.lark").read_text(encoding="utf-8"), parser="lalr", propagate_positions=True)


#: How lark's terminal names read in an error message.
_TERMINAL_NAMES = {
    "WORD": "a word", "STRING": "a quoted string", "LEMMA": "~lemma", "WORDLIST": "@list", "SLOT": "$role",
    "KIND": "%kind", "GAP": "a gap (.. or ...)", "QUANT": "?, * or +", "LPAR": "'('", "RPAR": "')'",
    "LSQB": "'['", "RSQB": "']'", "VBAR": "'|'", "MORETHAN": "'>'", "CAPTURE_OPEN": "<name:", "$END": "end of pattern",
}


def _expected(names: Iterable[str]) -> str:
    return ", ".join(sorted(_TERMINAL_NAMES.get(n, n) for n in names))


def _parse_message(err: UnexpectedInput, src: str) -> str:
    if isinstance(err, UnexpectedCharacters):
        return f"unexpected character {src[err.pos_in_stream]!r}; a pattern element starts with a word, ~, @, $, %, \", (, [ or <"
    if isinstance(err, UnexpectedEOF):
        return f"pattern ends too early; expected {_expected(err.expected)}"
    assert isinstance(err, UnexpectedToken)
    found = "end of pattern" if err.token.type == "$END" else repr(str(err.token))
    return f"unexpected {found}; expected {_expected(err.expected)}"


def pattern_error(message: str, src: str, offset: int, where: Location | None) -> PatternError:
    """A located PatternError: file:line:column of the offending character, with a caret under it.

    ``offset`` is 0-based in ``src``; ``where`` is where ``src`` starts in its rule file.
    """
    where = where or Location()
    offset = max(0, min(offset, len(src)))
    line_no = src.count("\n", 0, offset)
    column = offset - (src.rfind("\n", 0, offset) + 1) + 1
    lines = src.splitlines() or [""]
    line_text = lines[min(line_no, len(lines) - 1)]
    located = where
    if where.line is not None:
        file_col = where.column + column - 1 if line_no == 0 and where.column is not None else column
        located = Location(where.path, where.line + line_no, file_col)
    caret = " " * (column - 1) + "^"
    return PatternError(f"pattern: {message}\n    {line_text}\n    {caret}", located)


def _error_offset(err: UnexpectedInput, src: str) -> int:
    if isinstance(err, UnexpectedCharacters):
        return err.pos_in_stream
    token = getattr(err, "token", None)
    if token is None or token.type == "$END" or token.start_pos is None:
        return len(src.rstrip())
    return token.start_pos


def parse_pattern(src: str, where: Location | None = None) -> Node:
    """Parse pattern text into its syntax tree, or raise a located :class:`PatternError`."""
    if not src.strip():
        raise pattern_error("empty pattern; expected at least one element", src, 0, where)
    try:
        tree = _parser().parse(src)
    except UnexpectedInput as err:
        raise pattern_error(_parse_message(err, src), src, _error_offset(err, src), where) from None
    try:
        return _ToTree().transform(tree)
    except VisitError as err:  # pragma: no cover - the grammar only produces well-formed trees
        raise pattern_error(str(err.orig_exc), src, 0, where) from err


# --------------------------------------------------------------------------- program

# opcodes
TOKEN, SPLIT, JMP, SAVE, ASSERT_START, ASSERT_END, TRIG_START, TRIG_END, MATCH = range(9)

#: A token test: (token, actor type of the token or None) -> bool.
Predicate = Callable[[Token, "str | None"], bool]


@dataclass(frozen=True)
class Instr:
    """One VM instruction; ``x``/``y`` are jump targets, ``slot`` a capture slot, ``test`` a token test.

    ``key`` is a hashable description of the test so identical programs compare equal (lint uses it).
    """

    op: int
    x: int = 0
    y: int = 0
    test: Predicate | None = field(default=None, compare=False)
    key: object = None


def _in_set(words: frozenset[str]) -> Predicate:
    return lambda tok, _t: normalize(tok.text) in words


def _is_kind(kind: str) -> Predicate:
    return lambda tok, _t: tok.kind == kind


def _is_actor(types: frozenset[str]) -> Predicate:
    if not types:
        return lambda tok, _t: tok.kind == "actor"
    return lambda tok, atype: tok.kind == "actor" and atype in types


def _any(tok: Token, _t: str | None) -> bool:
    return True


def _entries(wordlist: WordListLike) -> list[tuple[str, ...]]:
    return [tuple(normalize(t) for t in e.tokens) for e in wordlist.entries if e.tokens]


def _trie(entries: Sequence[tuple[str, ...]]) -> dict[str, Any]:
    """word → (an entry ends here, the words that may follow)."""
    root: dict[str, Any] = {}
    for entry in entries:
        node = root
        for i, word in enumerate(entry):
            terminal, children = node.get(word, (False, {}))
            node[word] = (terminal or i == len(entry) - 1, children)
            node = children
    return root


class _Compiler:
    """Emits VM instructions for a syntax tree (Thompson construction with priorities)."""

    def __init__(self, src: str, wordlists: Mapping[str, WordListLike], inflections: Inflections,
                 where: Location | None) -> None:
        self.src, self.wordlists, self.inflections, self.where = src, wordlists, inflections, where
        self.prog: list[Instr] = []
        self.slots: dict[str, int] = {}
        self.trigger_marked = False
        self.words: set[str] = set()  # every word the pattern can match (literals and ~lemma forms)
        self.literals: set[str] = set()  # the words written literally (lint: can each be one token?)
        self.empty_lists: list[str] = []

    def error(self, node: Node, message: str) -> PatternError:
        return pattern_error(message, self.src, node.column, self.where)

    def emit(self, op: int, x: int = 0, y: int = 0, test: Predicate | None = None, key: object = None) -> int:
        self.prog.append(Instr(op, x, y, test, key))
        return len(self.prog) - 1

    def patch(self, pc: int, **changes: int) -> None:
        old = self.prog[pc]
        self.prog[pc] = Instr(old.op, changes.get("x", old.x), changes.get("y", old.y), old.test, old.key)

    def slot(self, name: str) -> int:
        if name not in self.slots:
            self.slots[name] = 4 + 2 * len(self.slots)  # 0/1 whole match, 2/3 implicit trigger
        return self.slots[name]

    def program(self, root: Node) -> list[Instr]:
        self.emit(SAVE, 0)
        self.node(root)
        self.emit(SAVE, 1)
        self.emit(MATCH)
        return self.prog

    def node(self, node: Node) -> None:
        handler = getattr(self, "c_" + type(node).__name__.lower())
        handler(node)

    # -- elements that consume tokens
    def token(self, test: Predicate, key: object) -> None:
        self.emit(TOKEN, test=test, key=key)

    def c_literal(self, node: Literal) -> None:
        self.words.add(node.text)
        self.literals.add(node.text)
        self.triggered(lambda: self.token(_in_set(frozenset({node.text})), ("w", node.text)))

    def c_lemma(self, node: Lemma) -> None:
        forms = self.inflections.forms(node.lemma)
        self.words.update(forms)
        self.triggered(lambda: self.token(_in_set(forms), ("w", forms)))

    def c_wordlistref(self, node: WordListRef) -> None:
        if node.name not in self.wordlists:
            known = ", ".join(sorted(self.wordlists)) or "none loaded"
            raise self.error(node, f"unknown word list @{node.name}; known lists: {known}")
        entries = _entries(self.wordlists[node.name])
        if not entries:
            self.empty_lists.append(node.name)
        self.triggered(lambda: self.phrases(entries))

    def phrases(self, entries: Sequence[tuple[str, ...]]) -> None:
        """Any of the word sequences, compiled as a trie so shared prefixes cost one test.

        At every trie node, continuing is preferred to stopping, so the longest entry wins.
        """
        if not entries:
            self.token(lambda tok, _t: False, ("never",))
            return
        self.trie(_trie(entries))

    def trie(self, node: Mapping[str, tuple[bool, Mapping[str, Any]]]) -> None:
        leaves = frozenset(w for w, (_, children) in node.items() if not children)
        options: list[Callable[[], None]] = [
            (lambda w=w, t=t, c=c: self.trie_branch(w, t, c)) for w, (t, c) in sorted(node.items()) if c
        ]
        if leaves:
            options.append(lambda: self.token(_in_set(leaves), ("w", leaves)))
        self.alternatives(options)

    def trie_branch(self, word: str, terminal: bool, children: Mapping[str, Any]) -> None:
        self.token(_in_set(frozenset({word})), ("w", word))
        if terminal:
            self.optional(lambda: self.trie(children), greedy=True)
        else:
            self.trie(children)

    def triggered(self, body: Callable[[], None]) -> None:
        self.emit(TRIG_START)
        body()
        self.emit(TRIG_END)

    def c_kind(self, node: Kind) -> None:
        if node.kind == "start":
            self.emit(ASSERT_START)
        elif node.kind == "end":
            self.emit(ASSERT_END)
        elif node.kind in _KINDS:
            self.token(_is_kind(node.kind), ("k", node.kind))
        else:
            expected = ", ".join("%" + k for k in sorted(_KINDS | _ANCHORS))
            raise self.error(node, f"unknown token kind %{node.kind}; expected one of {expected}")

    def c_slot(self, node: Slot) -> None:
        bad = [t for t in node.types if t not in _ACTOR_TYPES]
        if bad:
            raise self.error(node, f"unknown actor type {bad[0]!r} in ${node.role}; expected one of "
                                   + ", ".join(sorted(_ACTOR_TYPES)))
        slot = self.slot(node.role)
        actor = _is_actor(frozenset(node.types))
        key = ("a", tuple(sorted(node.types)))
        self.emit(SAVE, slot)
        self.token(actor, key)
        if self.inflections.coordinators:
            self.coordination(actor, key)
        self.emit(SAVE, slot + 1)

    def coordination(self, actor: Predicate, key: object) -> None:
        """``( "," A )* ","? COORD A`` — optional and greedy, so ``A , B and C`` is one phrase."""
        coords = frozenset(self.inflections.coordinators)
        comma = _in_set(frozenset({","}))

        def tail() -> None:
            self.star(lambda: (self.token(comma, ("w", ",")), self.token(actor, key)), greedy=True)
            self.optional(lambda: self.token(comma, ("w", ",")), greedy=True)
            self.token(_in_set(coords), ("w", coords))
            self.token(actor, key)

        self.optional(tail, greedy=True)

    def c_gap(self, node: Gap) -> None:
        if node.limit is None:
            self.star(lambda: self.token(_any, ("any",)), greedy=False)
            return
        if node.limit > MAX_GAP:
            raise self.error(node, f"gap ..{node.limit} is longer than {MAX_GAP}; use ... for any length")
        self.bounded(lambda: self.token(_any, ("any",)), node.limit, greedy=False)

    # -- structure
    def c_seq(self, node: Seq) -> None:
        for item in node.items:
            self.node(item)

    def c_alt(self, node: Alt) -> None:
        self.alternatives([lambda o=o: self.node(o) for o in node.options])

    def c_capture(self, node: Capture) -> None:
        slot = self.slot(node.name)
        self.emit(SAVE, slot)
        self.node(node.body)
        self.emit(SAVE, slot + 1)

    def c_repeat(self, node: Repeat) -> None:
        body = lambda: self.node(node.body)
        if node.max == 1:
            self.optional(body, node.greedy)
        elif node.min == 0:
            self.star(body, node.greedy)
        else:
            self.node(node.body)
            self.star(body, node.greedy)

    # -- control-flow helpers (each takes thunks that emit a body)
    def alternatives(self, options: Sequence[Callable[[], None]]) -> None:
        jumps = []
        for option in options[:-1]:
            split = self.emit(SPLIT)
            option()
            jumps.append(self.emit(JMP))
            self.patch(split, x=split + 1, y=len(self.prog))
        options[-1]()
        for jump in jumps:
            self.patch(jump, x=len(self.prog))

    def optional(self, body: Callable[[], Any], greedy: bool) -> None:
        split = self.emit(SPLIT)
        body()
        self.split_to(split, split + 1, len(self.prog), greedy)

    def star(self, body: Callable[[], Any], greedy: bool) -> None:
        split = self.emit(SPLIT)
        body()
        self.emit(JMP, split)
        self.split_to(split, split + 1, len(self.prog), greedy)

    def bounded(self, body: Callable[[], Any], limit: int, greedy: bool) -> None:
        """Up to ``limit`` repetitions, nested (x (x (x)?)?)? so each extra token costs one split."""
        splits = []
        for _ in range(limit):
            splits.append(self.emit(SPLIT))
            body()
        end = len(self.prog)
        for split in splits:
            self.split_to(split, split + 1, end, greedy)

    def split_to(self, split: int, enter: int, leave: int, greedy: bool) -> None:
        self.patch(split, x=enter if greedy else leave, y=leave if greedy else enter)


# --------------------------------------------------------------------------- matching


class Budget:
    """A per-rule, per-article allowance of VM steps; shared by every sentence the rule is run on.

    When it runs out, matching stops (``exceeded`` becomes True) and the caller records a warning.
    """

    def __init__(self, limit: int | None = None) -> None:
        env = os.environ.get("AEC_STEP_BUDGET", "")
        self.limit = limit if limit is not None else (int(env) if env.isdigit() else DEFAULT_STEP_BUDGET)
        self.used = 0
        self.exceeded = False


class _OutOfSteps(Exception):
    """Internal: unwinds the VM when the budget runs out."""


@dataclass(frozen=True)
class Match:
    """A match of a pattern: token range ``[start, end)`` and named captures as token ranges."""

    start: int
    end: int
    captures: dict[str, tuple[int, int]]
    implicit_trigger: tuple[int, int] | None = None

    @property
    def trigger(self) -> tuple[int, int] | None:
        """The ``<trigger: ...>`` capture, else the first literal/~/@ element matched."""
        return self.captures.get("trigger", self.implicit_trigger)


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: run :meth:`find_all` on a token sequence."""

    source: str
    program: tuple[Instr, ...]
    slots: Mapping[str, int]
    words: frozenset[str] = frozenset()
    empty_lists: tuple[str, ...] = ()
    literals: frozenset[str] = frozenset()

    @property
    def capture_names(self) -> tuple[str, ...]:
        return tuple(self.slots)

    def find_all(self, tokens: Sequence[Token], *, mentions: Mentions | None = None,
                 budget: Budget | None = None) -> list[Match]:
        """All non-overlapping leftmost matches, left to right.

        Args:
            tokens: one sentence's tokens, mentions collapsed (``tokens.sentence_tokens``).
            mentions: resolves actor types for ``$role:type`` slots; without it typed slots never match.
            budget: step allowance; when exhausted, returns the matches found so far and sets ``exceeded``.
        """
        budget = budget if budget is not None else Budget()
        types = _actor_types(tokens, mentions)
        vm = _VM(self.program, tokens, types, budget, 4 + 2 * len(self.slots))
        found: list[Match] = []
        pos = 0
        try:
            while pos <= len(tokens):
                caps = vm.run(pos)
                if caps is None:
                    break
                if caps[1] > caps[0]:
                    found.append(self._match(caps))
                pos = caps[1] if caps[1] > caps[0] else caps[0] + 1
        except _OutOfSteps:
            budget.exceeded = True
        return found

    def _match(self, caps: Sequence[int]) -> Match:
        named = {n: (caps[s], caps[s + 1]) for n, s in self.slots.items() if caps[s] >= 0 and caps[s + 1] >= 0}
        trigger = (caps[2], caps[3]) if caps[2] >= 0 and caps[3] >= 0 else None
        return Match(caps[0], caps[1], named, trigger)


def _actor_types(tokens: Sequence[Token], mentions: Mentions | None) -> list[str | None]:
    """The actor type of each actor token (via its ActorMention's actor key), None elsewhere."""
    by_key = {a.key: a.type for a in mentions.actors} if mentions is not None else {}
    return [by_key.get(getattr(t.ref, "actor", None)) if t.kind == "actor" else None for t in tokens]


class _VM:
    """Pike VM over one token sequence; :meth:`run` finds the leftmost-first match at or after a position."""

    def __init__(self, prog: Sequence[Instr], tokens: Sequence[Token], types: list[str | None],
                 budget: Budget, nslots: int) -> None:
        self.prog, self.tokens, self.types, self.budget = prog, tokens, types, budget
        self.empty = (-1,) * nslots

    def spend(self, steps: int) -> None:
        self.budget.used += steps
        if self.budget.used > self.budget.limit:
            raise _OutOfSteps

    def run(self, start: int) -> tuple[int, ...] | None:
        n = len(self.tokens)
        matched: tuple[int, ...] | None = None
        clist: list[tuple[int, tuple[int, ...]]] = []
        self.add(clist, set(), 0, self.empty, start)
        pos = start
        while clist:
            nlist: list[tuple[int, tuple[int, ...]]] = []
            seen: set[int] = set()
            self.spend(len(clist))
            for pc, caps in clist:
                instr = self.prog[pc]
                if instr.op == MATCH:
                    matched = caps
                    break  # lower-priority threads are cut
                if pos < n and instr.test(self.tokens[pos], self.types[pos]):  # type: ignore[misc]
                    self.add(nlist, seen, pc + 1, caps, pos + 1)
            if pos >= n:
                break
            pos += 1
            if matched is None:
                self.add(nlist, seen, 0, self.empty, pos)
            clist = nlist
        return matched

    def add(self, out: list[tuple[int, tuple[int, ...]]], seen: set[int], pc: int,
            caps: tuple[int, ...], pos: int) -> None:
        """Follow empty transitions from ``pc`` in priority order, appending token/match threads to ``out``."""
        stack = [(pc, caps)]
        steps = 0
        n = len(self.tokens)
        while stack:
            pc, caps = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            steps += 1
            instr = self.prog[pc]
            op = instr.op
            if op == JMP:
                stack.append((instr.x, caps))
            elif op == SPLIT:
                stack.append((instr.y, caps))
                stack.append((instr.x, caps))
            elif op == SAVE:
                stack.append((pc + 1, caps[: instr.x] + (pos,) + caps[instr.x + 1 :]))
            elif op == ASSERT_START:
                if pos == 0:
                    stack.append((pc + 1, caps))
            elif op == ASSERT_END:
                if pos == n:
                    stack.append((pc + 1, caps))
            elif op == TRIG_START:
                stack.append((pc + 1, caps if caps[2] >= 0 else caps[:2] + (pos,) + caps[3:]))
            elif op == TRIG_END:
                done = caps[3] >= 0 or caps[2] < 0
                stack.append((pc + 1, caps if done else caps[:3] + (pos,) + caps[4:]))
            else:
                out.append((pc, caps))
        self.spend(steps)


# --------------------------------------------------------------------------- public entry point


def compile_pattern(src: str, wordlists: Mapping[str, WordListLike], inflections: Inflections | None = None,
                    *, where: Location | None = None) -> Pattern:
    """Parse and compile a rule pattern once; the result is reused for every sentence.

    Args:
        src: the pattern text, e.g. ``"$source ..4 ~visit $target"``.
        wordlists: word lists by name (``Lexicon.wordlists``) for ``@name`` elements.
        inflections: verb forms for ``~lemma``; defaults to the shipped ``inflections.yaml``.
        where: the location of the pattern in its rule file (line/column of its first character),
            so errors point at the offending character in the file.

    Raises:
        PatternError: the pattern does not parse, or names an unknown word list, kind or actor type.
    """
    tree = parse_pattern(src, where)
    inflections = inflections or shipped_inflections()
    key = (src, inflections.fingerprint, _lists_key(tree, wordlists))
    cached = _COMPILED.get(key)
    if cached is not None:
        return cached
    compiler = _Compiler(src, wordlists, inflections, where)
    program = compiler.program(tree)
    pattern = Pattern(src, tuple(program), dict(compiler.slots), frozenset(compiler.words),
                      tuple(compiler.empty_lists), frozenset(compiler.literals))
    if len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.clear()
    _COMPILED[key] = pattern
    return pattern


#: Compiled patterns by (source, inflections, content of the word lists used): loading a user rule
#: directory recompiles only what changed, since the same shipped pattern compiles to the same program.
_COMPILED: dict[tuple[Any, ...], Pattern] = {}
_COMPILED_MAX = 4096


def _lists_key(tree: Node, wordlists: Mapping[str, WordListLike]) -> tuple[Any, ...]:
    """The content of every word list ``tree`` refers to (unknown lists are left to the compiler to report)."""
    names = sorted({n.name for n in walk(tree) if isinstance(n, WordListRef)})
    return tuple((n, tuple(_entries(wordlists[n]))) if n in wordlists else (n, None) for n in names)


def walk(node: Node) -> Iterator[Node]:
    """Every node of a pattern's syntax tree, depth first (lint uses it to find word-list references)."""
    yield node
    for child in getattr(node, "items", None) or getattr(node, "options", None) or ():
        yield from walk(child)
    body = getattr(node, "body", None)
    if body is not None:
        yield from walk(body)


__all__ = [
    "DEFAULT_STEP_BUDGET", "Budget", "Inflections", "Match", "Pattern", "PatternError", "RuleError",
    "compile_pattern", "inflections_from_data", "normalize", "parse_pattern", "shipped_inflections",
]
