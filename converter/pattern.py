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

import bisect
import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from operator import attrgetter
from typing import Any, Protocol, get_args

import yaml
from lark import Lark, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark import Token as LarkToken
from lark.exceptions import UnexpectedToken, VisitError

from converter.errors import Location, PatternError
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
    """Case- and apostrophe-fold a token or pattern word so ``Russia's`` == ``russia’s``.

    Memoized: the same few thousand token texts recur in every article, and folding them once per
    process instead of once per rule per sentence was a tenth of the pipeline's time.
    """
    folded = _FOLDED.get(text)
    if folded is None:
        folded = text.lower().translate(_APOSTROPHES)
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        _FOLDED[text] = folded
    return folded


_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 200_000


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
    #: Words allowed before a coordinated actor ("the United States and *the* Philippines").
    determiners: tuple[str, ...] = ()

    @cached_property
    def fingerprint(self) -> str:
        """A stable digest of the content, so compiled patterns can be cached across loads."""
        irregular = sorted((k, sorted(v.items())) for k, v in self.irregular.items())
        return repr((self.suffix_rules, irregular, self.coordinators, self.determiners))

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
    determiners = tuple(normalize(str(w)) for w in data.get("determiners") or ())
    return Inflections(rules, irregular, coordinators, determiners)


def with_determiners(inflections: Inflections, actor_files: Iterable[Mapping[str, Any]]) -> Inflections:
    """``inflections``, taking its coordination determiners from the actor files' ``determiners`` word
    list when the inflections file names none (one list of noun-phrase determiners, kept in one place)."""
    if inflections.determiners:
        return inflections
    for data in actor_files:
        entries = ((data.get("lists") or {}).get(ACTOR_DETERMINERS_LIST) or {}).get("entries") or ()
        words = tuple(normalize(str(e["text"] if isinstance(e, Mapping) else e)) for e in entries)
        if words:
            return Inflections(inflections.suffix_rules, inflections.irregular, inflections.coordinators, words)
    return inflections


#: The word list of ``kind: actors`` files that :func:`with_determiners` falls back on.
ACTOR_DETERMINERS_LIST = "determiners"


@cache
def shipped_inflections() -> Inflections:
    """The inflections shipped in ``rules/lexicon/inflections.yaml`` (used when a caller passes none),
    with the shipped actor files' determiners (see :func:`with_determiners`)."""
    rules_dir = data_path("rules")
    with (rules_dir / "lexicon" / "inflections.yaml").open(encoding="utf-8") as handle:
        inflections = inflections_from_data(yaml.safe_load(handle) or {})
    actor_files = []
    for path in sorted((rules_dir / "actors").glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if isinstance(data, Mapping):
            actor_files.append(data)
    return with_determiners(inflections, actor_files)


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

# Opcodes. Those below _CONSUMING consume one token; the others are empty transitions.
WORDS, KIND, ACTOR, ANY, DISPATCH = range(5)
SPLIT, JMP, SAVE, ASSERT_START, ASSERT_END, TRIG_START, TRIG_END, MATCH = range(5, 13)
_CONSUMING = 5
_UNSET = -1


class Instr:
    """One VM instruction. ``x``/``y``: jump targets or capture slot; ``arg``: what a token must be.

    WORDS: ``arg`` is a frozenset of normalized words; KIND: a token kind; ACTOR: a frozenset of actor
    types (empty = any actor); DISPATCH: a dict word → next pc (a word-list trie node, so a list of
    hundreds of phrases costs one step per token instead of one per entry).
    """

    __slots__ = ("arg", "op", "x", "y")

    def __init__(self, op: int, x: int = 0, y: int = 0, arg: Any = None) -> None:
        self.op, self.x, self.y, self.arg = op, x, y, arg

    def signature(self) -> tuple[Any, ...]:
        """What the instruction does, hashable: lint compares programs with it."""
        arg = tuple(sorted(self.arg.items())) if isinstance(self.arg, dict) else self.arg
        return (self.op, self.x, self.y, arg)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Instr) and self.signature() == other.signature()

    def __hash__(self) -> int:
        return hash(self.signature())

    def __repr__(self) -> str:
        return f"Instr{self.signature()!r}"


def known_lists(name: str, wordlists: Mapping[str, Any]) -> str:
    """Suggest the closest list names (a full list of ~200 names helps nobody)."""
    close = difflib.get_close_matches(name, list(wordlists), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join("@" + c for c in close) + "?"
    return f"none of the {len(wordlists)} loaded lists is close; word lists live in rules/lexicon/*.yaml"


def _entries(wordlist: WordListLike) -> list[tuple[str, ...]]:
    """The list's entries as folded word tuples.

    Memoized per entries tuple (kept in the memo, so its id is never reused while remembered): a
    list such as @reporting_verbs is referenced by dozens of patterns, and folding it again for each
    reference was a fifth of rule loading. Callers never change the returned list.
    """
    raw = wordlist.entries
    if not isinstance(raw, tuple):
        return [tuple(normalize(t) for t in e.tokens) for e in raw if e.tokens]
    known = _ENTRIES.get(id(raw))
    if known is None or known[0] is not raw:
        if len(_ENTRIES) >= _ENTRIES_MAX:
            _ENTRIES.clear()
        known = _ENTRIES[id(raw)] = (raw, [tuple(normalize(t) for t in e.tokens) for e in raw if e.tokens])
    return known[1]


_ENTRIES: dict[int, tuple[tuple[Any, ...], list[tuple[str, ...]]]] = {}
_ENTRIES_MAX = 4096  # remembered word lists (a bound for processes that load many lexicons, e.g. tests)


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
        self.words: set[str] = set()  # every word the pattern can match (literals and ~lemma forms)
        self.literals: set[str] = set()  # the words written literally (lint: can each be one token?)
        self.empty_lists: list[str] = []

    def error(self, node: Node, message: str) -> PatternError:
        return pattern_error(message, self.src, node.column, self.where)

    def emit(self, op: int, x: int = 0, y: int = 0, arg: Any = None) -> int:
        self.prog.append(Instr(op, x, y, arg))
        return len(self.prog) - 1

    def patch(self, pc: int, **changes: int) -> None:
        for name, value in changes.items():
            setattr(self.prog[pc], name, value)

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
    def words_op(self, words: Iterable[str]) -> None:
        self.emit(WORDS, arg=frozenset(words))

    def c_literal(self, node: Literal) -> None:
        self.words.add(node.text)
        self.literals.add(node.text)
        self.triggered(lambda: self.words_op({node.text}))

    def c_lemma(self, node: Lemma) -> None:
        forms = self.inflections.forms(node.lemma)
        self.words.update(forms)
        self.triggered(lambda: self.words_op(forms))

    def c_wordlistref(self, node: WordListRef) -> None:
        if node.name not in self.wordlists:
            raise self.error(node, f"unknown word list @{node.name}; {known_lists(node.name, self.wordlists)}")
        entries = _entries(self.wordlists[node.name])
        if not entries:
            self.empty_lists.append(node.name)
        self.triggered(lambda: self.phrases(entries))

    def phrases(self, entries: Sequence[tuple[str, ...]]) -> None:
        """Any of the word sequences, as a trie of DISPATCH instructions; continuing is preferred to
        stopping at every node, so the longest entry wins."""
        if not entries:
            self.words_op(())
            return
        exits: list[Callable[[int], None]] = []
        self.dispatch(_trie(entries), exits)
        end = len(self.prog)
        for point_to_end in exits:
            point_to_end(end)

    def dispatch(self, node: Mapping[str, tuple[bool, Mapping[str, Any]]], exits: list[Callable[[int], None]]) -> int:
        table: dict[str, int] = {}
        here = self.emit(DISPATCH, arg=table)
        for word, (terminal, children) in sorted(node.items()):
            if not children:
                exits.append(lambda end, w=word: table.__setitem__(w, end))
            elif terminal:
                split = self.emit(SPLIT)
                table[word] = split
                self.patch(split, x=self.dispatch(children, exits))
                exits.append(lambda end, pc=split: self.patch(pc, y=end))
            else:
                table[word] = self.dispatch(children, exits)
        return here

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
            self.emit(KIND, arg=node.kind)
        else:
            expected = ", ".join("%" + k for k in sorted(_KINDS | _ANCHORS))
            raise self.error(node, f"unknown token kind %{node.kind}; expected one of {expected}")

    def c_slot(self, node: Slot) -> None:
        bad = [t for t in node.types if t not in _ACTOR_TYPES]
        if bad:
            raise self.error(node, f"unknown actor type {bad[0]!r} in ${node.role}; expected one of "
                                   + ", ".join(sorted(_ACTOR_TYPES)))
        slot = self.slot(node.role)
        types = frozenset(node.types)
        self.emit(SAVE, slot)
        self.emit(ACTOR, arg=types)
        if self.inflections.coordinators:
            self.coordination(types)
        self.emit(SAVE, slot + 1)

    def coordination(self, types: frozenset[str]) -> None:
        """``( "," DET? A )* ","? COORD DET? A`` — optional and greedy, so ``A , B and C`` is one phrase,
        and so is "the United States and the Philippines" (a determiner may open each later member;
        one before the first member is the surrounding pattern's business)."""
        determiners = self.inflections.determiners

        def member() -> None:
            if determiners:
                self.optional(lambda: self.words_op(determiners), greedy=True)
            self.emit(ACTOR, arg=types)

        def tail() -> None:
            self.star(lambda: (self.words_op({","}), member()), greedy=True)
            self.optional(lambda: self.words_op({","}), greedy=True)
            self.words_op(self.inflections.coordinators)
            member()

        self.optional(tail, greedy=True)

    def c_gap(self, node: Gap) -> None:
        if node.limit is None:
            self.star(lambda: self.emit(ANY), greedy=False)
            return
        if node.limit > MAX_GAP:
            raise self.error(node, f"gap ..{node.limit} is longer than {MAX_GAP}; use ... for any length")
        self.bounded(lambda: self.emit(ANY), node.limit, greedy=False)

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


# --------------------------------------------------------------------------- prefilter
#
# Most rules cannot match most sentences: "$source ..4 ~visit $target" needs a form of "visit" and an
# actor. Running the VM to find that out cost three quarters of the pipeline, so every pattern carries,
# computed once at compile time, what any match must contain: a conjunction of clauses, each a set of
# token features of which at least one must occur. A token's features are its folded text and its kind
# (written with a NUL prefix, so no word can collide with a kind).

#: Prefix that turns a token kind into a feature (a folded word never contains NUL).
KIND_MARK = "\x00"

Clause = frozenset[str]


def kind_feature(kind: str) -> str:
    """The feature a token of ``kind`` contributes (``%actor``, ``$role`` … require it)."""
    return KIND_MARK + kind


_KIND_MARKS: dict[str, str] = {kind: kind_feature(kind) for kind in _KINDS}
_TEXT, _KIND = attrgetter("text"), attrgetter("kind")


def _weak(feature: str) -> bool:
    """A feature nearly every sentence has: a kind, punctuation, or a short function word (``,`` ``the``)."""
    return feature.startswith(KIND_MARK) or len(feature) <= 3 or not feature.replace("-", "").isalpha()


def _clause_rank(clause: Clause) -> tuple[bool, bool, int]:
    """Selectivity, lower is better: word clauses beat kind clauses (nearly every sentence has an actor),
    clauses of content words beat those that accept a comma or "the", then the smaller the better."""
    return (any(f.startswith(KIND_MARK) for f in clause), any(_weak(f) for f in clause), len(clause))


def best_clause(clauses: Sequence[Clause]) -> Clause | None:
    """The most selective clause (the one a rule index files the rule under), None when there is none."""
    return min(clauses, key=_clause_rank) if clauses else None


#: At most this many clauses per option enter the cross product of an alternation (more adds little).
_ALT_CLAUSES = 3


def requirements(node: Node, wordlists: Mapping[str, WordListLike], inflections: Inflections) -> tuple[Clause, ...]:
    """What every match of ``node`` must contain, as clauses that must all intersect the sentence's features.

    Sound by construction: a clause is only added when every path through ``node`` consumes a token
    with one of its features, so a pattern whose clauses fail cannot match (an empty tuple: no filter).
    An alternation ``A | B`` needs, for every clause a of A and b of B, a token from ``a ∪ b``.
    """
    if isinstance(node, Seq):
        found = [c for item in node.items for c in requirements(item, wordlists, inflections)]
        return tuple(dict.fromkeys(found))
    if isinstance(node, Alt):
        per_option = [sorted(requirements(o, wordlists, inflections), key=_clause_rank)[:_ALT_CLAUSES]
                      for o in node.options]
        if any(not option for option in per_option):
            return ()
        product: list[Clause] = [frozenset()]
        for option in per_option:
            product = [done | clause for done in product for clause in option]
        return tuple(dict.fromkeys(sorted(product, key=_clause_rank)[:_ALT_CLAUSES]))
    if isinstance(node, WordListRef) and node.name in wordlists:
        # a match holds every word of the entry it matched, so the rarest-looking one will do; and, as
        # a second clause, another word of each phrase when it has one that is no entry's first pick:
        # a sentence holding only the common word of a phrase ('against' of 'railed against') is no match
        entries = list(_entries(wordlists[node.name]))
        telling = frozenset(_telling_word(e) for e in entries)
        other = frozenset(_telling_word([w for w in e if w not in telling] or e) for e in entries)
        return (telling,) if other == telling else (telling, other)
    if isinstance(node, (Repeat, Capture)):
        return requirements(node.body, wordlists, inflections) if getattr(node, "min", 1) > 0 else ()
    return chain(node, wordlists, inflections)


def _telling_word(entry: Sequence[str]) -> str:
    """The word of a phrase least likely to be in any sentence: a long content word (``statement`` in
    "in a statement") rather than a function word."""
    return min(entry, key=lambda w: (_weak(w), -len(w)))


def chain(node: Node, wordlists: Mapping[str, WordListLike], inflections: Inflections) -> tuple[Clause, ...]:
    """Clauses that every match satisfies with distinct tokens in this order (a subsequence check).

    Each element contributes the clause of the first token it consumes; a sequence concatenates its
    items' chains; an alternation contributes one clause, the union of its options' best clauses.
    """
    if isinstance(node, Literal):
        return (frozenset({node.text}),)
    if isinstance(node, Lemma):
        return (inflections.forms(node.lemma),)
    if isinstance(node, WordListRef):
        wordlist = wordlists.get(node.name)
        return (frozenset(e[0] for e in _entries(wordlist)),) if wordlist is not None else ()
    if isinstance(node, Slot):
        return (frozenset({kind_feature("actor")}),)
    if isinstance(node, Kind):
        return (frozenset({kind_feature(node.kind)}),) if node.kind in _KINDS else ()
    if isinstance(node, Seq):
        return tuple(c for item in node.items for c in chain(item, wordlists, inflections))
    if isinstance(node, Alt):
        picks = [best_clause(chain(o, wordlists, inflections)) for o in node.options]
        return () if any(p is None for p in picks) else (frozenset().union(*picks),)
    if isinstance(node, Repeat):
        return chain(node.body, wordlists, inflections) if node.min > 0 else ()
    if isinstance(node, Capture):
        return chain(node.body, wordlists, inflections)
    return ()  # Gap and anything zero-width


def in_order(clauses: Sequence[Clause], view: TokenView) -> bool:
    """True when distinct tokens satisfy ``clauses`` left to right (greedy earliest is exact here)."""
    if not clauses:
        return True
    i, clause, last = 0, clauses[0], len(clauses) - 1
    for word, mark in zip(view.norms, view.marks, strict=True):
        if word in clause or mark in clause:
            if i == last:
                return True
            i += 1
            clause = clauses[i]
    return False


def first_features(program: Sequence[Instr]) -> frozenset[str] | None:
    """The features the first token of any match must have, or None when a match may start anywhere.

    Followed statically from pc 0 through every empty transition (assertions treated as passable, so
    the set is a superset of what any position allows); reaching ANY or MATCH means no restriction.
    """
    out: set[str] = set()
    seen: set[int] = set()
    stack = [0]
    while stack:
        pc = stack.pop()
        if pc in seen:
            continue
        seen.add(pc)
        ins = program[pc]
        if ins.op in (ANY, MATCH):
            return None
        if ins.op == WORDS or ins.op == DISPATCH:
            out.update(ins.arg)
        elif ins.op == KIND:
            out.add(kind_feature(ins.arg))
        elif ins.op == ACTOR:
            out.add(kind_feature("actor"))
        elif ins.op == SPLIT:
            stack.extend((ins.y, ins.x))
        elif ins.op == JMP:
            stack.append(ins.x)
        else:  # SAVE, ASSERT_*, TRIG_*: empty transitions to the next instruction
            stack.append(pc + 1)
    return frozenset(out)


class TokenView:
    """What every rule needs from one token sequence, computed once and shared by all rules.

    ``norms`` (folded texts), ``kinds``, ``marks`` (kinds as features) and ``features`` (their union, for prefilters); actor types are
    resolved on first use per ``Mentions``. Obtain one with :func:`token_view`.
    """

    __slots__ = ("_mentions", "_starts", "_types", "features", "kinds", "marks", "norms", "tokens")

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        # a view is built per token stream: normalize()'s memo is looked up inline, and attributes and
        # kind marks are read by map() with C-level getters rather than per-token Python expressions
        folded = _FOLDED
        self.norms = [folded.get(text) or normalize(text) for text in map(_TEXT, tokens)]
        self.kinds = list(map(_KIND, tokens))
        marks = list(map(_KIND_MARKS.get, self.kinds))
        self.marks = marks if None not in marks else [kind_feature(k) for k in self.kinds]
        self.features = frozenset(self.norms).union(self.marks)
        self._mentions: Mentions | None = None
        self._types: list[str | None] | None = None
        self._starts: dict[frozenset[str], list[int]] | None = None  # made on first use: most views need none

    def starts(self, first: frozenset[str]) -> list[int]:
        """Positions (ascending) of the tokens whose text or kind is in ``first`` (a :attr:`Pattern.first`).

        Kept per set: many rules open with the same element (``$source``), so their matchers share the
        list instead of each scanning the sentence again. Callers never change it.
        """
        if self._starts is None:
            self._starts = {}
        found = self._starts.get(first)
        if found is None:
            marks = self.marks
            found = self._starts[first] = [i for i, word in enumerate(self.norms) if word in first or marks[i] in first]
        return found

    def actor_types(self, mentions: Mentions | None) -> list[str | None]:
        """The actor type of each actor token (None elsewhere), cached for the last ``mentions`` seen."""
        if self._types is None or self._mentions is not mentions:
            self._types = _actor_types(self.tokens, mentions, self.kinds)
            self._mentions = mentions
        return self._types


#: Recent views by id(tokens); the entry keeps the tokens alive, so an id is never reused while cached.
#: Events and then claims visit every sentence of an article, so the bound exceeds a long article's
#: sentence count: otherwise the claim pass would rebuild every view the event pass made.
_VIEWS: dict[int, TokenView] = {}
_VIEWS_MAX = 512


def token_view(tokens: Sequence[Token]) -> TokenView:
    """The shared :class:`TokenView` of ``tokens``.

    Callers run a hundred rules over the same tuple in a row, so views of tuples are cached by identity
    (a tuple cannot change); other sequences get a fresh view each time.
    """
    if not isinstance(tokens, tuple):
        return TokenView(tokens)
    view = _VIEWS.get(id(tokens))
    if view is not None and view.tokens is tokens:
        return view
    view = TokenView(tokens)
    if len(_VIEWS) >= _VIEWS_MAX:
        _VIEWS.clear()
    _VIEWS[id(tokens)] = view
    return view


# --------------------------------------------------------------------------- matching


class Budget:
    """A per-rule, per-article allowance of VM steps; shared by every sentence the rule is run on.

    When it runs out, matching stops (``exceeded`` becomes True) and the caller records a warning.
    """

    def __init__(self, limit: int | None = None) -> None:
        if limit is None:  # the environment is read only when asked: callers make a budget per rule and article
            env = os.environ.get("AEC_STEP_BUDGET", "")
            limit = int(env) if env.isdigit() else DEFAULT_STEP_BUDGET
        self.limit = limit
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
    #: What any match must contain (see :func:`requirements`); empty: no prefilter.
    clauses: tuple[Clause, ...] = ()
    #: Clauses any match satisfies in this order with distinct tokens (see :func:`chain`).
    ordered: tuple[Clause, ...] = ()
    #: The features a match's first token must have; None: a match may start at any token.
    first: frozenset[str] | None = None
    #: For a pattern that is an alternation ``A | B | ...``, per option its :attr:`clauses` and
    #: :attr:`ordered`: a match is a match of one option, so a sentence none of them passes holds none
    #: (the whole pattern's clauses are only what all options share); empty for other patterns.
    alternatives: tuple[tuple[tuple[Clause, ...], tuple[Clause, ...]], ...] = ()

    def could_match(self, features: frozenset[str] | set[str]) -> bool:
        """False when ``features`` (a :attr:`TokenView.features`) lacks something every match needs.

        Cheap (a few set intersections), and True whenever a match is possible, so a caller may skip the
        pattern on False without changing any result.
        """
        for clause in self.clauses:
            if clause.isdisjoint(features):
                return False
        return True

    def worth_running(self, tokens: Sequence[Token]) -> bool:
        """False when no match is possible in ``tokens``: a required word or kind is missing, or the
        required ones are not in order (of the pattern, or of each option of an alternation). True does
        not promise a match; it means the VM must decide."""
        view = _VIEWS.get(id(tokens))  # token_view and could_match inlined: this runs per rule per sentence
        if view is None or view.tokens is not tokens:
            view = token_view(tokens)
        features = view.features
        for clause in self.clauses:
            if clause.isdisjoint(features):
                return False
        if len(self.ordered) > 1 and not in_order(self.ordered, view):
            return False
        return not self.alternatives or any(
            all(not clause.isdisjoint(features) for clause in clauses) and (len(order) < 2 or in_order(order, view))
            for clauses, order in self.alternatives)

    @cached_property
    def reach(self) -> Reach:
        """The capture-free bit-parallel simulation that tells whether any match exists."""
        return Reach(self.flat, self.first)

    @cached_property
    def flat(self) -> Flat:
        """The program as parallel tuples (opcode, x, y, arg per pc): the VM's inner loop indexes these
        instead of reading attributes of :class:`Instr` objects."""
        prog = self.program
        return Flat(tuple(i.op for i in prog), tuple(i.x for i in prog), tuple(i.y for i in prog),
                    tuple(i.arg for i in prog))

    @property
    def capture_names(self) -> tuple[str, ...]:
        return tuple(self.slots)

    @property
    def nslots(self) -> int:
        return 4 + 2 * len(self.slots)

    @cached_property
    def start_threads(self) -> tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...]:
        """The threads a match starting mid-sentence begins with, computed once.

        Starting a thread at every token is the unanchored search's main cost; away from the
        sentence edges the start closure is always the same, up to the position written into
        its capture slots (``_HERE`` below, replaced by the real position when used).
        """
        out: list[tuple[int, tuple[int, ...]]] = []
        _closure(self.program, 0, (_UNSET,) * self.nslots, _HERE, -1, [0] * len(self.program), 1, out)
        return tuple((pc, caps, tuple(i for i, c in enumerate(caps) if c == _HERE)) for pc, caps in out)

    def find_all(self, tokens: Sequence[Token], *, mentions: Mentions | None = None,
                 budget: Budget | None = None, prefilter: bool = True, checked: bool = False,
                 reached: bool = False) -> list[Match]:
        """All non-overlapping leftmost matches, left to right.

        Args:
            tokens: one sentence's tokens, mentions collapsed (``tokens.sentence_tokens``).
            mentions: resolves actor types for ``$role:type`` slots; without it typed slots never match.
            budget: step allowance, shared by all calls for one rule and one article; when exhausted,
                returns the matches found so far and sets ``budget.exceeded``.
            prefilter: False runs the VM from every position whatever the sentence holds (the same
                matches, only slower: tests and the slow-rule lint measure the VM itself with it).
            checked: the caller has found :meth:`worth_running` true (``RuleIndex.positions`` does), so
                its checks are not repeated here.
            reached: the caller has found ``reach.any_match`` true for these tokens and ``mentions``, so
                the VM runs at once.
        """
        view = token_view(tokens)
        if prefilter and not checked:
            for clause in self.clauses:  # could_match, inlined: this runs for every rule on every sentence
                if clause.isdisjoint(view.features):
                    return []
            if len(self.ordered) > 1 and not in_order(self.ordered, view):
                return []
        types = view.actor_types(mentions)
        if prefilter and not reached and not self.reach.any_match(view, types):
            return []
        budget = budget if budget is not None else Budget()
        vm = _VM(self, view, types, budget, use_starts=prefilter)
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
                if prefilter and not self.reach.any_match(view, types, pos):
                    break  # nothing further: spare the VM a pass over the rest of the sentence
        except _OutOfSteps:
            budget.exceeded = True
        return found

    def _match(self, caps: Sequence[int]) -> Match:
        named = {n: (caps[s], caps[s + 1]) for n, s in self.slots.items() if caps[s] >= 0 and caps[s + 1] >= 0}
        trigger = (caps[2], caps[3]) if caps[2] >= 0 and caps[3] >= 0 else None
        return Match(caps[0], caps[1], named, trigger)


@dataclass(frozen=True)
class Flat:
    """A program unpacked into parallel tuples indexed by pc (see :attr:`Pattern.flat`).

    ``edges`` caches, per (pc, at sentence end), where the empty transitions from pc lead: the VM
    follows them with a table look-up instead of walking SPLIT/JMP/SAVE chains for every thread.
    """

    ops: tuple[int, ...]
    xs: tuple[int, ...]
    ys: tuple[int, ...]
    args: tuple[Any, ...]
    edges: dict[int, Edges] = field(default_factory=dict, compare=False, hash=False, repr=False)


#: What following the empty transitions from one pc gives: the number of pcs visited (for the budget)
#: and, in priority order, each consuming/MATCH pc reached with the capture writes on the way there
#: (slot index, or _TRIG_OPEN / _TRIG_CLOSE for the implicit trigger).
Edges = tuple[int, tuple[tuple[int, tuple[int, ...]], ...]]
_TRIG_OPEN, _TRIG_CLOSE = -1, -2


def _edges(flat: Flat, pc: int, at_end: bool) -> Edges:
    """The empty-transition closure of ``pc`` at a position after the first (so %start fails), as in
    :func:`_closure` but with the capture writes recorded instead of applied.

    Equivalent to walking the closure per thread: a pc the walk visits twice is only followed the
    first time, exactly as :func:`_closure` does with its marks, and which transitions exist does not
    depend on the captures, only on the position (``at_end`` for %end).
    """
    ops, xs, ys = flat.ops, flat.xs, flat.ys
    seen: set[int] = set()
    out: list[tuple[int, tuple[int, ...]]] = []
    stack: list[tuple[int, tuple[int, ...]]] = [(pc, ())]
    while stack:
        pc, writes = stack.pop()
        if pc in seen:
            continue
        seen.add(pc)
        op = ops[pc]
        if op < _CONSUMING or op == MATCH:
            out.append((pc, writes))
        elif op == SPLIT:
            stack.append((ys[pc], writes))
            stack.append((xs[pc], writes))
        elif op == JMP:
            stack.append((xs[pc], writes))
        elif op == SAVE:
            stack.append((pc + 1, (*writes, xs[pc])))
        elif op == ASSERT_END:
            if at_end:
                stack.append((pc + 1, writes))
        elif op == TRIG_START:
            stack.append((pc + 1, (*writes, _TRIG_OPEN)))
        elif op == TRIG_END:
            stack.append((pc + 1, (*writes, _TRIG_CLOSE)))
        # ASSERT_START: never true after the first position
    return len(seen), tuple(out)


class Reach:
    """Does the pattern match anywhere in a sentence? Answered without captures or priorities.

    Most sentences that pass the prefilter still hold no match, and finding that out with the Pike VM
    (a thread per pc, each carrying its capture tuple) was most of the matcher's time. Here the set of
    live pcs is one integer used as a bit set, each token's accepting pcs come from dictionaries built
    once per pattern, and the empty-transition closure of each pc is a cached mask. A match exists iff
    MATCH is reachable, which the VM's priorities and marks never change, so ``False`` is exact.
    """

    def __init__(self, flat: Flat, first: frozenset[str] | None) -> None:
        self.flat = flat
        self.first = first
        self.words: dict[str, int] = {}  # folded word -> WORDS and DISPATCH pcs accepting it
        self.kinds: dict[str, int] = {}  # token kind -> KIND pcs accepting it
        self.any = 0  # ANY pcs
        self.actor_any = 0  # untyped ACTOR pcs
        self.actor_typed: dict[str, int] = {}  # actor type -> typed ACTOR pcs accepting it
        self.match = 0
        for pc, (op, arg) in enumerate(zip(flat.ops, flat.args, strict=True)):
            bit = 1 << pc
            if op == WORDS or op == DISPATCH:
                for word in arg:
                    self.words[word] = self.words.get(word, 0) | bit
            elif op == KIND:
                self.kinds[arg] = self.kinds.get(arg, 0) | bit
            elif op == ANY:
                self.any |= bit
            elif op == ACTOR:
                if not arg:
                    self.actor_any |= bit
                for kind in arg:
                    self.actor_typed[kind] = self.actor_typed.get(kind, 0) | bit
            elif op == MATCH:
                self.match |= bit
        self._closures: dict[tuple[int, bool, bool], int] = {}
        self._mid = [-1] * len(flat.ops)  # closure(pc, False, False), filled on first use
        self._end = [-1] * len(flat.ops)  # closure(pc, False, True)
        self.dispatch = sum(1 << pc for pc, op in enumerate(flat.ops) if op == DISPATCH)
        #: live set after a token, by the set of pcs that accepted it, away from / at the sentence end
        #: (see :meth:`advance`); the sets a pattern reaches are few, so this is a small lazy DFA
        self._steps: tuple[dict[int, int], dict[int, int]] = ({}, {})
        self._mid[0] = self.closure(0, False, False)
        self._end[0] = self.closure(0, False, True)
        #: what :meth:`any_match` reads on every call, in one tuple: the start closures are those of a
        #: match starting mid-sentence, at the end, at the first token and in an empty sentence
        self._walk = (first, self.words, self.kinds, self.actor_typed, self.match, self.any, self.actor_any,
                      self.dispatch, self._steps[0], self._mid[0], self._end[0], self.closure(0, True, False),
                      self.closure(0, True, True))

    def closure(self, pc: int, at_start: bool, at_end: bool) -> int:
        """The consuming and MATCH pcs reachable from ``pc`` by empty transitions, as a bit mask."""
        key = (pc, at_start, at_end)
        mask = self._closures.get(key)
        if mask is not None:
            return mask
        ops, xs, ys = self.flat.ops, self.flat.xs, self.flat.ys
        seen: set[int] = set()
        stack, mask = [pc], 0
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op = ops[pc]
            if op < _CONSUMING or op == MATCH:
                mask |= 1 << pc
            elif op == SPLIT:
                stack += (xs[pc], ys[pc])
            elif op == JMP:
                stack.append(xs[pc])
            elif (op != ASSERT_START or at_start) and (op != ASSERT_END or at_end):
                stack.append(pc + 1)  # SAVE, TRIG_*, and assertions that hold here
        self._closures[key] = mask
        return mask

    def any_match(self, view: TokenView, types: Sequence[str | None], start: int = 0) -> bool:
        """True when some match (possibly empty) starting at or after ``start`` exists in the sentence.

        This runs for every offered rule on every sentence and most calls walk the whole sentence to
        answer False, so the per-call set-up is one tuple unpack (:attr:`_walk`, made at load time) and
        the last token is stepped apart from the others: only there do the end-of-sentence closures and
        step table apply, so the loop over the rest tests no position against the end.
        """
        norms, kinds, marks = view.norms, view.kinds, view.marks
        n = len(norms)
        (first, words, kind_masks, actor_typed, match, any_pcs, actor_any, dispatch, steps,
         restart, restart_end, opening, opening_end) = self._walk
        if start >= n:
            return start == n and bool((opening_end if n == 0 else restart_end) & match)
        live = opening if start == 0 else restart
        last = n - 1
        for i in range(start, last):
            if not live:  # nothing in progress: only a match starting at the next token can revive it
                if first is None or (norms[i + 1] in first or marks[i + 1] in first):
                    live = restart
                continue
            if live & match:
                return True
            word, kind = norms[i], kinds[i]
            accept = words.get(word, 0) | any_pcs
            if kind_masks:  # most patterns have no %kind element
                accept |= kind_masks.get(kind, 0)
            if kind == "actor":
                accept |= actor_any | actor_typed.get(types[i] or "", 0)
            alive = live & accept
            if alive & dispatch:  # where a DISPATCH pc leads depends on the word
                live = self.advance(alive, word, False)
            else:
                live = steps.get(alive, -1)
                if live < 0:
                    if len(steps) >= _STEPS_MAX:
                        steps.clear()
                    live = steps[alive] = self.advance(alive, word, False)
            # a match may also start at the next position (unanchored search)
            if first is None or (norms[i + 1] in first or marks[i + 1] in first):
                live |= restart
        if live:  # the last token
            if live & match:
                return True
            live = self._step(live, norms[last], kinds[last], types[last], True)
        return bool((live | restart_end) & match)

    def _step(self, live: int, word: str, kind: str, actor_type: str | None, at_end: bool) -> int:
        """The live set after one token (``word``: its folded text), before any new match is started."""
        accept = self.words.get(word, 0) | self.kinds.get(kind, 0) | self.any
        if kind == "actor":
            accept |= self.actor_any | self.actor_typed.get(actor_type or "", 0)
        alive = live & accept
        if alive & self.dispatch:
            return self.advance(alive, word, at_end)
        steps = self._steps[1 if at_end else 0]
        found = steps.get(alive, -1)
        if found < 0:
            if len(steps) >= _STEPS_MAX:
                steps.clear()
            found = steps[alive] = self.advance(alive, word, at_end)
        return found

    def advance(self, alive: int, word: str, at_end: bool) -> int:
        """The live set after a token that the pcs in ``alive`` accepted (``word``: its folded text)."""
        args, ops = self.flat.args, self.flat.ops
        table = self._end if at_end else self._mid
        live = 0
        while alive:
            low = alive & -alive
            pc = low.bit_length() - 1
            alive ^= low
            nxt = args[pc][word] if ops[pc] == DISPATCH else pc + 1
            mask = table[nxt]
            if mask < 0:
                mask = table[nxt] = self.closure(nxt, False, at_end)
            live |= mask
        return live


#: Bound on each of a pattern's step tables (:attr:`Reach._steps`); a pathological pattern clears and refills.
_STEPS_MAX = 4096


def _written(caps: tuple[int, ...], writes: tuple[int, ...], pos: int) -> tuple[int, ...]:
    """``caps`` after the recorded writes at ``pos`` (the trigger opens once and closes once)."""
    out = list(caps)
    for w in writes:
        if w >= 0:
            out[w] = pos
        elif w == _TRIG_OPEN:
            if out[2] == _UNSET:
                out[2] = pos
        elif out[3] == _UNSET and out[2] != _UNSET:
            out[3] = pos
    return tuple(out)


#: Placeholder position in :attr:`Pattern.start_threads` (never a real token index).
_HERE = -7

Thread = tuple[int, tuple[int, ...]]


def _actor_types(tokens: Sequence[Token], mentions: Mentions | None,
                 kinds: Sequence[str] | None = None) -> list[str | None]:
    """The actor type of each actor token (via its ActorMention's actor key), None elsewhere.

    ``kinds`` (the tokens' kinds, as a view has them) lets list.index find the few actor tokens
    instead of a Python test of every token.
    """
    by_key = _types_by_key(mentions)
    kinds = kinds if kinds is not None else [t.kind for t in tokens]
    types: list[str | None] = [None] * len(tokens)
    i = -1
    for _ in range(kinds.count("actor")):
        i = kinds.index("actor", i + 1)
        types[i] = by_key.get(getattr(tokens[i].ref, "actor", None))
    return types


def _types_by_key(mentions: Mentions | None) -> dict[str, str]:
    """Actor key → actor type for the article's actors, built once per article (every sentence asks)
    and kept for the last ``mentions`` only; the entry holds it, so its identity is never reused."""
    if mentions is None:
        return {}
    last = _LAST_TYPES[0]
    if last is not None and last[0] is mentions:
        return last[1]
    by_key = {a.key: a.type for a in mentions.actors}
    _LAST_TYPES[0] = (mentions, by_key)
    return by_key


_LAST_TYPES: list[tuple[Mentions, dict[str, str]] | None] = [None]


def _closure(prog: Sequence[Instr] | Flat, pc: int, caps: tuple[int, ...], pos: int, n: int, mark: list[int],
             gen: int, out: list[Thread]) -> int:
    """Follow empty transitions from ``pc`` in priority order; append token/match threads to ``out``.

    ``mark[pc] == gen`` means pc already has a (higher-priority) thread at this position. Returns the
    number of steps taken, for the budget.
    """
    flat = prog if isinstance(prog, Flat) else Flat(tuple(i.op for i in prog), tuple(i.x for i in prog),
                                                    tuple(i.y for i in prog), tuple(i.arg for i in prog))
    ops, xs, ys = flat.ops, flat.xs, flat.ys
    stack = [(pc, caps)]
    steps = 0
    while stack:
        pc, caps = stack.pop()
        if mark[pc] == gen:
            continue
        mark[pc] = gen
        steps += 1
        op = ops[pc]
        if op < _CONSUMING or op == MATCH:
            out.append((pc, caps))
        elif op == SPLIT:
            stack.append((ys[pc], caps))
            stack.append((xs[pc], caps))
        elif op == JMP:
            stack.append((xs[pc], caps))
        elif op == SAVE:
            x = xs[pc]
            stack.append((pc + 1, caps[:x] + (pos,) + caps[x + 1 :]))
        elif op == ASSERT_START:
            if pos == 0:
                stack.append((pc + 1, caps))
        elif op == ASSERT_END:
            if pos == n:
                stack.append((pc + 1, caps))
        elif op == TRIG_START:
            stack.append((pc + 1, caps if caps[2] != _UNSET else caps[:2] + (pos,) + caps[3:]))
        else:  # TRIG_END: close the implicit trigger opened by this element, once
            done = caps[3] != _UNSET or caps[2] == _UNSET
            stack.append((pc + 1, caps if done else caps[:3] + (pos,) + caps[4:]))
    return steps


class _VM:
    """Pike VM over one token sequence; :meth:`run` finds the leftmost-first match at or after a position."""

    def __init__(self, pattern: Pattern, view: TokenView, types: list[str | None], budget: Budget,
                 use_starts: bool = True) -> None:
        self.prog = pattern.program
        self.flat = pattern.flat
        self.pattern = pattern
        self.norm = view.norms
        self.kinds = view.kinds
        self.types = types
        self.n = len(view.norms)
        self.budget = budget
        self.mark = [0] * len(self.prog)
        self.gen = 0
        self.empty = (_UNSET,) * pattern.nslots
        self.starts = view.starts(pattern.first) if use_starts and pattern.first is not None else None

    def next_start(self, pos: int) -> int:
        """The first position >= ``pos`` where a match may start (-1 if none); every position when unfiltered."""
        if self.starts is None:
            return pos
        i = bisect.bisect_left(self.starts, pos)
        return self.starts[i] if i < len(self.starts) else -1

    def spend(self, steps: int) -> None:
        self.budget.used += steps
        if self.budget.used > self.budget.limit:
            raise _OutOfSteps

    def seed(self, out: list[Thread], pos: int) -> int:
        """Add the lowest-priority thread that starts a match at ``pos``."""
        if pos == 0 or pos == self.n:
            return _closure(self.flat, 0, self.empty, pos, self.n, self.mark, self.gen, out)
        mark, gen = self.mark, self.gen
        for pc, caps, here in self.pattern.start_threads:
            if mark[pc] != gen:
                mark[pc] = gen
                filled = list(caps)
                for i in here:
                    filled[i] = pos
                out.append((pc, tuple(filled)))
        return len(self.pattern.start_threads)

    def run(self, start: int) -> tuple[int, ...] | None:
        n, mark, flat = self.n, self.mark, self.flat
        ops, args, edges = flat.ops, flat.args, flat.edges
        norm, kinds, types = self.norm, self.kinds, self.types
        start = self.next_start(start)
        if start < 0:
            return None
        allowed = self.starts_set
        matched: tuple[int, ...] | None = None
        clist: list[Thread] = []
        self.gen += 1
        self.spend(self.seed(clist, start))
        budget, limit = self.budget, self.budget.limit
        pos = start
        while clist:
            self.gen += 1
            gen = self.gen
            nlist: list[Thread] = []
            steps = len(clist)
            for pc, caps in clist:
                op = ops[pc]
                if op == MATCH:
                    matched = caps
                    break  # lower-priority threads are cut
                if pos >= n:
                    continue
                # consume token ``pos`` (inlined: this loop is the matcher's hot path)
                if op == WORDS:
                    nxt = pc + 1 if norm[pos] in args[pc] else -1
                elif op == DISPATCH:
                    nxt = args[pc].get(norm[pos], -1)
                elif op == KIND:
                    nxt = pc + 1 if kinds[pos] == args[pc] else -1
                elif op == ACTOR:
                    arg = args[pc]
                    nxt = pc + 1 if kinds[pos] == "actor" and (not arg or types[pos] in arg) else -1
                else:  # ANY
                    nxt = pc + 1
                if nxt < 0:
                    continue
                nop = ops[nxt]
                if nop < _CONSUMING or nop == MATCH:  # no empty transitions to follow
                    if mark[nxt] != gen:
                        mark[nxt] = gen
                        nlist.append((nxt, caps))
                        steps += 1
                    continue
                key = nxt * 2 + (pos + 1 == n)
                found = edges.get(key)
                if found is None:
                    found = edges[key] = _edges(flat, nxt, pos + 1 == n)
                steps += found[0]
                for target, writes in found[1]:
                    if mark[target] != gen:
                        mark[target] = gen
                        nlist.append((target, _written(caps, writes, pos + 1) if writes else caps))
            if pos >= n:
                self.spend(steps)
                break
            pos += 1
            if matched is None:
                if allowed is None or pos in allowed:
                    steps += self.seed(nlist, pos)
                elif not nlist:  # nothing alive: jump to where a match can start next
                    pos = self.next_start(pos)
                    if pos < 0:
                        self.spend(steps)
                        return None
                    self.gen += 1
                    steps += self.seed(nlist, pos)
            budget.used += steps  # self.spend, inlined: once per token position
            if budget.used > limit:
                raise _OutOfSteps
            clist = nlist
        return matched

    @cached_property
    def starts_set(self) -> frozenset[int] | None:
        return None if self.starts is None else frozenset(self.starts)




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
                      tuple(compiler.empty_lists), frozenset(compiler.literals),
                      tuple(sorted(requirements(tree, wordlists, inflections), key=_clause_rank)), chain(tree, wordlists, inflections),
                      first_features(program), _alternatives(tree, wordlists, inflections))
    if len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.clear()
    _COMPILED[key] = pattern
    return pattern


def _alternatives(tree: Node, wordlists: Mapping[str, WordListLike],
                  inflections: Inflections) -> tuple[tuple[tuple[Clause, ...], tuple[Clause, ...]], ...]:
    """:attr:`Pattern.alternatives` of a pattern's syntax tree."""
    if not isinstance(tree, Alt):
        return ()
    return tuple((tuple(sorted(requirements(option, wordlists, inflections), key=_clause_rank)),
                  chain(option, wordlists, inflections)) for option in tree.options)


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
    "DEFAULT_STEP_BUDGET",
    "Budget",
    "Inflections",
    "Match",
    "Pattern",
    "TokenView",
    "best_clause",
    "compile_pattern",
    "inflections_from_data",
    "kind_feature",
    "normalize",
    "parse_pattern",
    "shipped_inflections",
    "token_view",
    "walk",
    "with_determiners",
]
