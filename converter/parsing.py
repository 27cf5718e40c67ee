"""Parse time and quantity expressions in a token stream with the LALR grammars in converter/grammars/.

Why categories: the grammars must not contain English, and a running-text parser needs windows anyway
(lark 1.3 has no ``scan``). So a sentence's tokens are first mapped to *categories* -- the word lists of
rules/lexicon/time.yaml and numbers.yaml name terminals (``TIME_CATEGORIES``/``QUANTITY_CATEGORIES``,
the explicit registry), numbers get a category by their shape -- and the LALR parser runs over those
categories through a pass-through lexer. At each position the longest prefix that parses is taken
(leftmost-longest), so ``parse_time``/``parse_quantity`` are linear in the sentence length times the
longest expression.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple

from lark import Lark, Transformer, Tree
from lark import Token as LarkToken
from lark.exceptions import LarkError, UnexpectedInput, VisitError
from lark.lexer import Lexer

from .errors import GrammarError, Location
from .model import Span, Token
from .resources import data_path, grammar_path
from .segment import default_abbreviations, read_yaml, tokenize, wordlists_of
from .temporal import TimeExpr, possible_date

# list name in rules/lexicon/time.yaml -> grammar terminal (common.lark)
TIME_CATEGORIES: dict[str, str] = {
    "months": "MONTH", "weekdays": "WEEKDAY", "time_units": "UNIT", "deictic_days": "DEICTIC",
    "time_on": "ON", "time_in": "IN", "time_since": "SINCE", "time_between": "BETWEEN", "time_and": "AND",
    "time_last": "LAST", "time_next": "NEXT", "time_this": "THIS", "time_part": "PART", "time_ago": "AGO",
    "time_within": "WITHIN", "time_determiners": "DET", "number_words": "NUMWORD", "day_parts": "DAYPART",
    "time_recent": "RECENT", "time_at": "AT", "clock_suffixes": "CLOCK", "time_over": "OVER",
}
# list name in rules/lexicon/numbers.yaml -> grammar terminal (common.lark)
QUANTITY_CATEGORIES: dict[str, str] = {
    "number_words": "NUMWORD", "number_scales": "SCALE", "articles": "ARTICLE", "approximators": "APPROX",
    "vague_quantities": "VAGUE", "size_adjectives": "SIZE", "degree_adverbs": "DEGREE", "amount_nouns": "AMOUNT",
    "of_words": "OF", "currency_symbols": "CURSYM", "currency_words": "CURWORD", "percent_words": "PERCENT",
}

# grammar -> terminals of which every expression holds at least one (verified when the grammar loads):
# a sentence none of whose tokens can become one of them holds no expression, so it is not parsed at all.
ANCHOR_TERMINALS: dict[str, frozenset[str]] = {
    "time.lark": frozenset({"WEEKDAY", "MONTH", "DAYNUM", "YEAR", "ISODATE", "DECADE", "UNIT", "DEICTIC",
                            "DAYPART", "NUMWORD", "NUMBER"}),
    "quantity.lark": frozenset({"NUMBER", "NUMWORD", "YEAR", "DAYNUM", "SCALE", "VAGUE", "AMOUNT"}),
}

_PUNCT_SHAPES = {",": "COMMA", ":": "COLON"}
_SETTINGS = frozenset({"vague_plural_count"})
_ISODATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECADE_RE = re.compile(r"\d{3}0s")
_PLAIN_INT_RE = re.compile(r"\d+")
#: ``Cat(...)``/``Layout(...)`` without the generated ``__new__`` (an equal tuple, built about twice as fast)
_tuple_new = tuple.__new__
_NO_ENTRY: Mapping[str, Any] = MappingProxyType({})  # the entry of a category that comes from no word list
_FACTS_MAX = 100_000  # remembered token facts per categorizer (a bound for endless batch runs)


# builds the transformer of one parse from the word-list entries behind its tokens (keyed by start offset)
TransformerFactory = Callable[[Mapping[int, Mapping[str, Any]]], Transformer]


class Cat(NamedTuple):
    """One category token: its terminal, span, text, and the word-list entry it came from.

    A named tuple rather than a frozen dataclass: one is made per word of every sentence, twice
    (time and quantity), and a tuple is several times cheaper to build.
    """

    terminal: str
    span: Span
    text: str
    entry: Mapping[str, Any]


@dataclass(frozen=True)
class QuantityValue:
    """What a quantity expression means: a number (None when vague), whether it is inexact, what is counted."""

    value: float | None
    approximate: bool
    unit: str | None


@dataclass(frozen=True)
class Parsed:
    """A parsed expression: its span, its grammar rule (alias) and its meaning."""

    span: Span
    rule: str
    meaning: Any  # TimeExpr for times, QuantityValue for quantities


# --------------------------------------------------------------------------- categories


def _entry_text(entry: Any) -> str:
    return str(entry["text"]) if isinstance(entry, dict) else str(entry)


def _entry_attrs(entry: Any) -> Mapping[str, Any]:
    return entry if isinstance(entry, dict) else {}


class Fact(NamedTuple):
    """What a token, or a multi-word entry starting at it, is to a grammar: its terminal (None: outside every
    expression), the word-list entry behind it, and how many tokens it covers."""

    terminal: str | None
    entry: Mapping[str, Any]
    size: int


_PHRASE = "*"  # not a terminal name: the token may start a multi-word entry, so only its context decides
_UNSEEN = "?"  # not a terminal name: a token met for the first time


class _Starter(NamedTuple):
    """The fact of a token that may start a multi-word entry: what it is alone, and the (lower-cased) words
    that can follow it in one (any other next word, and it stays alone without a single dictionary probe)."""

    terminal: str  # always _PHRASE
    alone: Fact
    followers: frozenset[str]


class Layout(NamedTuple):
    """A sentence's categories as terminal names; the Cats behind them are built on demand.

    Why not a list of Cats: the parser only reads the terminals of most positions (a quantity sentence
    makes nearly every word WORD or PLURAL), and most sentences hold no anchor at all, so a :class:`Cat`
    (and the word-list entry behind it) is looked up only where lark or a transformer needs one.
    """

    categorizer: Categorizer
    tokens: Sequence[Token]
    terminals: list[str | None]
    starts: list[int] | None  # first token of each category; None when category ``j`` is token ``j``
    joined: dict[int, Fact]  # first token -> the fact of a multi-word entry starting there

    def cat(self, j: int) -> Cat | None:
        """Category ``j`` as a :class:`Cat` (None outside every expression); a multi-word entry is one Cat."""
        terminal = self.terminals[j]
        if terminal is None:
            return None
        first = j if self.starts is None else self.starts[j]
        token = self.tokens[first]
        fact = self.joined.get(first)
        if fact is None:
            return Cat(terminal, token.span, token.text, self.categorizer.fact_of(token).entry)
        words = self.tokens[first : first + fact.size]
        return Cat(terminal, Span(token.span.start, words[-1].span.end), " ".join(t.text for t in words), fact.entry)

    def cats(self, lo: int, hi: int) -> list[Cat | None]:
        """Categories ``lo`` to ``hi`` (exclusive) as Cats, as :meth:`cat` gives them."""
        if self.starts is not None:
            return [self.cat(j) for j in range(lo, hi)]
        fact_of = self.categorizer.fact_of  # no multi-word entry: category j is token j (the common case)
        return [None if terminal is None
                else _tuple_new(Cat, (terminal, token.span, token.text, fact_of(token).entry))
                for terminal, token in zip(self.terminals[lo:hi], self.tokens[lo:hi])]


@dataclass(frozen=True)
class Categorizer:
    """Maps word tokens to grammar categories using word lists (longest multi-word entry first)."""

    phrases: Mapping[tuple[str, ...], tuple[str, Mapping[str, Any]]]  # lower-cased words -> terminal, entry
    exact: Mapping[tuple[str, ...], tuple[str, Mapping[str, Any]]]  # case-sensitive lists, as written
    reach: Mapping[str, int]  # lower-cased first word -> longest entry starting with it
    open_words: bool  # quantity grammar: other words become WORD/PLURAL
    stopwords: frozenset[str]
    plural_endings: tuple[str, ...]
    #: token kind -> text -> the token's :class:`Fact` (or :class:`_Starter`), filled as words are met: its
    #: category depends on nothing but kind and text. (Two levels rather than a (kind, text) key: no tuple
    #: is built per token.)
    facts: defaultdict[str, dict[str, Fact | _Starter]] = field(
        default_factory=lambda: defaultdict(dict), compare=False, repr=False)
    #: the terminal of each fact above, filled with it: a sentence's terminals cost one look-up per token,
    #: and the facts themselves are read only where a Cat is built
    terminal_of: defaultdict[str, dict[str, str | None]] = field(
        default_factory=lambda: defaultdict(dict), compare=False, repr=False)
    #: lower-cased first word of a multi-word entry (either table) -> lower-cased second words
    followers: Mapping[str, frozenset[str]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        seconds: dict[str, set[str]] = {}
        for key in (*self.phrases, *self.exact):
            if len(key) > 1:
                seconds.setdefault(key[0].lower(), set()).add(key[1].lower())
        object.__setattr__(self, "followers", {first: frozenset(words) for first, words in seconds.items()})

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the per-token caches (they hold read-only entries, and refill on first use)."""
        return {**self.__dict__, "facts": defaultdict(dict), "terminal_of": defaultdict(dict)}

    def may_hold(self, tokens: Sequence[Token], anchors: frozenset[str]) -> bool:
        """False when no category of ``tokens`` is one of ``anchors``: no expression that needs one can be
        found, so the caller skips the sentence; True otherwise."""
        return not anchors.isdisjoint(self.layout(tokens).terminals)

    def categorize(self, tokens: Sequence[Token]) -> list[Cat | None]:
        """Categories in token order; None marks a token outside every expression (a multi-word entry is one Cat)."""
        layout = self.layout(tokens)
        return layout.cats(0, len(layout.terminals))

    def layout(self, tokens: Sequence[Token]) -> Layout:
        """The categories of ``tokens`` (see :class:`Layout`): cached terminals, context only after entry starters."""
        known = self.terminal_of
        terminals = [known[t.kind].get(t.text, _UNSEEN) for t in tokens]
        if _UNSEEN in terminals:
            terminals = [self._learn(t).terminal if c == _UNSEEN else c for t, c in zip(tokens, terminals)]
        if _PHRASE not in terminals:
            return _tuple_new(Layout, (self, tokens, terminals, None, {}))  # one per sentence and grammar
        return self._join_phrases(tokens, terminals)

    def fact_of(self, token: Token) -> Fact:
        """The fact of ``token`` on its own (a starter without the longer entry it may start)."""
        fact = self.facts[token.kind].get(token.text) or self._learn(token)
        return fact.alone if isinstance(fact, _Starter) else fact

    def _learn(self, token: Token) -> Fact | _Starter:
        facts, terminals = self.facts[token.kind], self.terminal_of[token.kind]
        if len(facts) >= _FACTS_MAX:
            facts.clear()
            terminals.clear()
        fact = facts[token.text] = self._token_fact(token)
        terminals[token.text] = fact.terminal
        return fact

    def _token_fact(self, token: Token) -> Fact | _Starter:
        """A token's fact on its own: an entry of one word or its shape; a :class:`_Starter` when a longer
        entry may start with it (compared folded, a final period optional, as :meth:`_phrase_at` does)."""
        first = token.text.lower()
        longest = max(self.reach.get(first, 0), self.reach.get(first.rstrip("."), 0))
        found = self._phrase_at((token,), 0, first) if longest else None
        alone = Fact(self._shape_terminal(token), _NO_ENTRY, 1) if found is None else Fact(found[1], found[2], 1)
        return _Starter(_PHRASE, alone, self.followers.get(first, frozenset())) if longest > 1 else alone

    def _join_phrases(self, tokens: Sequence[Token], terminals: list[str | None]) -> Layout:
        """The layout once each :class:`_Starter` is resolved in context, left to right: the longest entry
        starting there becomes one category for its words (a starter inside it is dropped), or the starter
        is what it is alone. Only starter positions are visited."""
        joined: dict[int, Fact] = {}
        end = 0
        for i in [i for i, terminal in enumerate(terminals) if terminal == _PHRASE]:
            if i >= end:
                fact = self._resolve(tokens, i)
                terminals[i] = fact.terminal
                end = i + fact.size
                if fact.size > 1:
                    joined[i] = fact
        if not joined:
            return Layout(self, tokens, terminals, None, joined)
        starts = list(range(len(tokens)))
        for i in reversed(joined):
            del starts[i + 1 : i + joined[i].size]
        return Layout(self, tokens, [terminals[i] for i in starts], starts, joined)

    def _resolve(self, tokens: Sequence[Token], i: int) -> Fact:
        """The fact of the starter at token ``i``: the longest entry starting there, or the starter alone.

        The next word is checked against the starter's followers first (folded, a final period optional,
        which accepts at least what :meth:`_phrase_at` accepts), so most starters ("a", "at") cost no probe.
        """
        token = tokens[i]
        starter: Any = self.facts[token.kind].get(token.text) or self._learn(token)  # a _Starter, as its terminal said
        if i + 1 < len(tokens):
            second = tokens[i + 1].text.lower()
            if second in starter.followers or second.rstrip(".") in starter.followers:
                found = self._phrase_at(tokens, i, token.text.lower())
                if found is not None and found[0] > 1:
                    return Fact(found[1], found[2], found[0])
        return starter.alone

    def _phrase_at(self, tokens: Sequence[Token], i: int, first: str) -> tuple[int, str, Mapping[str, Any]] | None:
        """The longest entry starting at token ``i`` (``first`` is its lower-cased text): size, terminal, entry.

        At one size, a case-sensitive entry as written wins over one without the last word's period, which
        wins over a case-folded entry. Most entries are one word, so that size skips the tuple building.
        """
        exact, phrases = self.exact, self.phrases
        longest = max(self.reach.get(first, 0), self.reach.get(first.rstrip("."), 0))
        for size in range(min(longest, len(tokens) - i), 1, -1):
            words = tuple(t.text for t in tokens[i : i + size])
            stripped = (*words[:-1], words[-1].rstrip(".") or words[-1])
            for key in (words, stripped):
                if key in exact:
                    return size, *exact[key]
            lowered = tuple(w.lower() for w in words)
            if lowered in phrases:
                return size, *phrases[lowered]
        text = tokens[i].text
        for key in ((text,), (text.rstrip(".") or text,)):
            if key in exact:
                return 1, *exact[key]
        found = phrases.get((first,))
        return None if found is None else (1, *found)

    def _shape_terminal(self, token: Token) -> str | None:
        """Category from the token's shape: numbers, ISO dates, decades, compound number words, open words."""
        return _number_shape(token) if token.kind == "number" else self._word_shape(token)

    def _word_shape(self, token: Token) -> str | None:
        text = token.text
        if token.kind == "punct":
            return _PUNCT_SHAPES.get(text)
        if text[:1].isdigit():  # both patterns begin with a digit; most words are spared two regex calls
            if _ISODATE_RE.fullmatch(text):
                return "ISODATE"
            if _DECADE_RE.fullmatch(text):
                return "DECADE"
        lower = text.lower()
        if "-" in lower and all(self.phrases.get((p,), ("",))[0] == "NUMWORD" for p in lower.split("-")):
            return "NUMWORD"
        if not self.open_words or lower in self.stopwords or not text[:1].isalpha():
            return None
        return "PLURAL" if lower.endswith(self.plural_endings) else "WORD"


def _number_shape(token: Token) -> str:
    text = token.text
    if _PLAIN_INT_RE.fullmatch(text):
        number = int(text)
        if len(text) == 4 and 1000 <= number <= 2999:
            return "YEAR"
        if 1 <= number <= 31 and not text.startswith("0"):
            return "DAYNUM"
    return "NUMBER"


def _entry_words(text: str) -> tuple[str, ...]:
    """An entry as the segmenter would tokenize it ("US$" is two tokens, "per cent" two words)."""
    return tuple(raw[3] for raw in tokenize(text, 0, len(text), default_abbreviations()))


def build_categorizer(
    wordlists: Mapping[str, Sequence[Any]], categories: Mapping[str, str], *, open_words: bool = False
) -> Categorizer:
    """Compile word lists into a :class:`Categorizer` for one grammar.

    Args:
        wordlists: ``{list name: entries}`` (entries are strings or mappings with ``text``); lists named in
            ``case_sensitive`` (a list of list names) keep their case.
        categories: which list feeds which terminal.
        open_words: whether other words become WORD/PLURAL (the quantity grammar's counted nouns).
    """
    case_sensitive = set(wordlists.get("case_sensitive", ()))
    phrases: dict[tuple[str, ...], tuple[str, Mapping[str, Any]]] = {}
    exact: dict[tuple[str, ...], tuple[str, Mapping[str, Any]]] = {}
    for name, terminal in categories.items():
        for entry in wordlists.get(name, ()):
            words = _entry_words(_entry_text(entry))
            if not words:
                continue
            if name in case_sensitive:
                exact.setdefault(words, (terminal, _entry_attrs(entry)))
            else:
                phrases.setdefault(tuple(w.lower() for w in words), (terminal, _entry_attrs(entry)))
    reach: dict[str, int] = {}
    for key in (*phrases, *exact):
        reach[key[0].lower()] = max(reach.get(key[0].lower(), 0), len(key))
    return Categorizer(
        phrases=phrases, exact=exact, reach=reach, open_words=open_words,
        stopwords=frozenset(str(w).lower() for w in wordlists.get("unit_stopwords", ())),
        plural_endings=tuple(str(w).lower() for w in wordlists.get("plural_suffixes", ())),
    )


def load_wordlists(names: Iterable[str] = ("time", "numbers")) -> dict[str, list[Any]]:
    """Read rules/lexicon/<name>.yaml word lists into one mapping, plus ``case_sensitive`` (list names)."""
    merged: dict[str, list[Any]] = {"case_sensitive": []}
    for name in names:
        path = data_path("rules") / "lexicon" / f"{name}.yaml"
        data = read_yaml(path)  # parsed once, read three ways
        merged.update(wordlists_of(data, path))
        merged.update(_file_settings(data))
        merged["case_sensitive"] += _case_sensitive_lists(data)
    return merged


def _case_sensitive_lists(data: Any) -> list[str]:
    lists = (data.get("lists") if isinstance(data, dict) else None) or {}
    return [name for name, body in lists.items() if isinstance(body, dict) and body.get("case_sensitive")]


def _file_settings(data: Any) -> dict[str, Any]:
    """Scalar settings at the top of a word-list file (e.g. time.yaml ``vague_plural_count``)."""
    return {key: value for key, value in data.items() if key in _SETTINGS} if isinstance(data, dict) else {}


@cache
def default_wordlists() -> dict[str, list[Any]]:
    """The shipped time and number word lists, read once."""
    return load_wordlists()


@cache
def default_categorizers() -> tuple[Categorizer, Categorizer]:
    """(time, quantity) categorizers over the shipped word lists, built once."""
    words = default_wordlists()
    return build_categorizer(words, TIME_CATEGORIES), build_categorizer(words, QUANTITY_CATEGORIES, open_words=True)


# --------------------------------------------------------------------------- grammars


class _PassThroughLexer(Lexer):
    """The input is already a list of lark Tokens (our categories); hand them to the parser unchanged."""

    def __init__(self, lexer_conf: Any) -> None:  # lark's Lexer API
        self.lexer_conf = lexer_conf

    def lex(self, data: Any) -> Iterable[LarkToken]:  # type: ignore[override]
        return iter(data)


@cache
def load_grammar(name: str) -> Lark:
    """Load a shipped grammar once: LALR, strict (conflicts are errors), positions propagated."""
    path = grammar_path(name)
    try:
        return Lark.open(str(path), parser="lalr", lexer=_PassThroughLexer, strict=True,
                         propagate_positions=True, start="start")
    except (LarkError, OSError) as exc:
        raise GrammarError(f"grammar {name} failed to load: {exc}", Location(path=str(path))) from exc


def _lark_token(cat: Cat) -> LarkToken:
    start, end = cat.span.start, cat.span.end
    return LarkToken(cat.terminal, cat.text, start_pos=start, line=1, column=start + 1,
                     end_line=1, end_column=end + 1, end_pos=end)


_DEAD, _LIVE, _ACCEPTS = 0, 1, 2  # a prefix of terminals: a parse error / may go on / is a whole expression
_PREFIXES_MAX = 200_000  # remembered prefixes per grammar (a bound for endless batch runs)

# the slice [lo, hi) of a sentence's categories as Cats, built only when lark or a transformer reads them
# (always inside one run of categories, so it holds no None)
CatsBetween = Callable[[int, int], Sequence[Cat]]


class _PrefixTrie:
    """What the LALR parser made of each terminal sequence seen so far: ``{terminal: (status, child)}``.

    Why a trie: whether a prefix parses depends only on its terminals (the LALR automaton never looks at
    token text), and the same short sequences ("ON WEEKDAY", "NUMBER PLURAL") recur in every article, so
    each is run through lark once per process, and extending a prefix by one terminal is one look-up.
    """

    __slots__ = ("root", "size")

    def __init__(self) -> None:
        self.root: dict[str, tuple[int, dict[str, Any]]] = {}
        self.size = 0


@cache
def _prefix_trie(parser: Lark) -> _PrefixTrie:
    return _PrefixTrie()


def _longest_prefix(
    parser: Lark, trie: _PrefixTrie, terminals: Sequence[str | None], i: int, cats_between: CatsBetween
) -> int:
    """Length of the longest run of categories from ``i`` that parses as a whole expression (0 if none);
    a None terminal (a token outside every expression) ends the run. ``trie`` is the parser's."""
    node = trie.root
    interactive = None
    fed = best = 0
    for k in range(i, len(terminals)):
        terminal = terminals[k]
        if terminal is None:
            break
        step = node.get(terminal)
        if step is None:
            if interactive is None:
                interactive = parser.parse_interactive()
            status, fed = _feed_up_to(interactive, cats_between(i, k + 1), fed, k + 1 - i)
            step = node[terminal] = (status, {})
            trie.size += 1
        status, node = step
        if status == _DEAD:
            break
        if status == _ACCEPTS:
            best = k + 1 - i
    return best


def _feed_up_to(interactive: Any, cats: Sequence[Cat], fed: int, length: int) -> tuple[int, int]:
    """Feed ``cats[fed:length]`` to the parser; the status of the prefix of ``length`` and how many are fed."""
    while fed < length:
        try:
            interactive.feed_token(_lark_token(cats[fed]))
        except UnexpectedInput:
            return _DEAD, fed
        fed += 1
    state = interactive.parser_state.copy(deepcopy_values=False)
    try:
        state.feed_token(LarkToken("$END", "", 0, 1, 1), True)
    except UnexpectedInput:
        return _LIVE, fed
    return _ACCEPTS, fed


def find_expressions(parser: Lark, transformer: TransformerFactory, cats: Sequence[Cat | None]) -> list[Parsed]:
    """Leftmost-longest parses inside the category stream; a parse the transformer rejects is skipped."""
    terminals = [c.terminal if c is not None else None for c in cats]
    return _find(parser, transformer, terminals, lambda lo, hi: cats[lo:hi])  # type: ignore[arg-type,return-value]


def _find(parser: Lark, transformer: TransformerFactory, terminals: Sequence[str | None],
          cats_between: CatsBetween) -> list[Parsed]:
    """:func:`find_expressions` over terminal names; only positions whose terminal can begin an expression
    are tried, and a found expression's inner positions are skipped."""
    found: list[Parsed] = []
    first = first_terminals(parser)
    trie = _prefix_trie(parser)
    if trie.size >= _PREFIXES_MAX:
        trie.root, trie.size = {}, 0
    end = 0
    for i in [i for i, terminal in enumerate(terminals) if terminal in first]:
        if i < end:
            continue
        length = _longest_prefix(parser, trie, terminals, i, cats_between)
        parsed = _transform(parser, transformer, cats_between(i, i + length)) if length else None
        if parsed is not None:
            found.append(parsed)
            end = i + length
    return found


@cache
def anchor_terminals(name: str) -> frozenset[str]:
    """The verified :data:`ANCHOR_TERMINALS` of a shipped grammar (empty when none are declared).

    Verified by a productivity fixpoint: with the anchors removed, ``start`` must derive no terminal
    string at all; otherwise an edit to the grammar made an expression possible without an anchor, and
    skipping anchor-free sentences would lose it, so loading fails instead.
    """
    anchors = ANCHOR_TERMINALS.get(name, frozenset())
    if not anchors:
        return anchors
    parser = load_grammar(name)
    productive: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in parser.rules:
            origin = rule.origin.name
            if origin not in productive and all(
                (sym.name not in anchors) if sym.is_term else (sym.name in productive) for sym in rule.expansion
            ):
                productive.add(origin)
                changed = True
    if "start" in productive:
        raise GrammarError(
            f"grammar {name}: an expression can be parsed without any of the anchor terminals "
            f"{sorted(anchors)}; add the missing terminal to ANCHOR_TERMINALS in converter/parsing.py",
            Location(path=str(grammar_path(name))),
        )
    return anchors


@cache
def first_terminals(parser: Lark) -> frozenset[str]:
    """Terminals that can begin an expression: only there is a parse worth trying (a cheap trigger scan)."""
    return frozenset(parser.parse_interactive().choices())


# (grammar, transformer, (terminal, text, entry id) per category) -> (entries, (rule, meaning) or None)
_Meanings = dict[tuple[Any, ...], tuple[tuple[Mapping[str, Any], ...], tuple[str, Any] | None]]
_MEANINGS_MAX = 50_000  # remembered expressions per process (a bound for endless batch runs)


@cache
def _meaning_table() -> _Meanings:
    return {}


def _transform(parser: Lark, transformer: TransformerFactory, cats: Sequence[Cat]) -> Parsed | None:
    """Parse and interpret ``cats``; the meaning of an expression already seen is reused.

    Why the table: a meaning depends only on each category's terminal, text and word-list entry (the
    trees carry no offsets into the meaning), and "on Monday", "last year", "two" recur in every
    article, so lark builds and transforms each distinct expression once per process. An entry is
    keyed by its id and kept in the table beside the meaning: while it is kept alive no other object
    can have that id, so a key that matches names the very same entries.
    """
    table = _meaning_table()
    key = (parser, transformer, *[(c.terminal, c.text, id(c.entry) if c.entry else 0) for c in cats])
    known = table.get(key)
    if known is None:
        if len(table) >= _MEANINGS_MAX:
            table.clear()
        known = table[key] = (tuple(c.entry for c in cats), _interpret(parser, transformer, cats))
    found = known[1]
    if found is None:
        return None
    return Parsed(Span(cats[0].span.start, cats[-1].span.end), found[0], found[1])


def _interpret(parser: Lark, transformer: TransformerFactory, cats: Sequence[Cat]) -> tuple[str, Any] | None:
    """(grammar rule alias, meaning) of a category sequence that parses; None when the transformer rejects it."""
    tree = _parse_tree(parser, cats)
    entries = {c.span.start: c.entry for c in cats}
    try:
        meaning = transformer(entries).transform(tree)
    except VisitError:
        return None
    if meaning is None:
        return None
    rule = tree.children[0].data if isinstance(tree.children[0], Tree) else "start"
    return str(rule), meaning


# terminal sequence -> (lark's tree of its first parse, input position of each token leaf in tree order),
# or None when that tree's leaves could not be traced back to the input
_TreeShapes = dict[tuple[str, ...], tuple[Tree, tuple[int, ...]] | None]
_TREES_MAX = 20_000  # remembered tree shapes per grammar (a bound for endless batch runs)


@cache
def _tree_shapes(parser: Lark) -> _TreeShapes:
    return {}


def _parse_tree(parser: Lark, cats: Sequence[Cat]) -> Tree:
    """lark's tree of ``cats``; a terminal sequence met before reuses that tree's shape with the new tokens.

    Why: the LALR tree depends only on the terminals (the pass-through lexer gives lark nothing else), and
    numbers make most expressions new ("300 troops", "250 troops") while their shapes recur, so lark
    parses each shape once and a new expression costs a copy of a few nodes.
    """
    tokens = [_lark_token(c) for c in cats]
    shapes = _tree_shapes(parser)
    key = tuple(c.terminal for c in cats)
    if key in shapes:
        shape = shapes[key]
        if shape is not None:
            template, positions = shape
            return refill_tree(template, iter([tokens[i] for i in positions]))
        return parser.parse(tokens)
    tree = parser.parse(tokens)
    if len(shapes) >= _TREES_MAX:
        shapes.clear()
    shapes[key] = tree_shape(tree, tokens)
    return tree


def tree_shape(tree: Tree, tokens: Sequence[LarkToken]) -> tuple[Tree, tuple[int, ...]] | None:
    """``tree`` as a template for :func:`refill_tree`, with the input position of each token leaf (in
    leaf order); None when a leaf is not one of ``tokens`` (such a tree cannot be refilled)."""
    position = {id(token): i for i, token in enumerate(tokens)}
    positions = tuple(position.get(id(leaf), -1) for leaf in tree_leaves(tree))
    return None if -1 in positions else (tree, positions)


def tree_leaves(tree: Tree) -> Iterator[LarkToken]:
    """The token leaves of ``tree``, depth first, left to right (the order :func:`refill_tree` fills them in)."""
    for child in tree.children:
        if isinstance(child, Tree):
            yield from tree_leaves(child)
        elif isinstance(child, LarkToken):
            yield child


def refill_tree(template: Tree, leaves: Iterator[LarkToken]) -> Tree:
    """A copy of ``template`` whose token leaves are taken from ``leaves`` in order (the template is kept)."""
    return Tree(template.data, [
        refill_tree(child, leaves) if isinstance(child, Tree) else next(leaves) if isinstance(child, LarkToken) else child
        for child in template.children])


# --------------------------------------------------------------------------- transformers


class _EntryTransformer(Transformer):
    """Base: gives rules access to the word-list entry behind each category token."""

    def __init__(self, entries: Mapping[int, Mapping[str, Any]]) -> None:
        super().__init__()
        self.entries = entries

    def attr(self, token: LarkToken, key: str, default: Any = None) -> Any:
        return self.entries.get(token.start_pos or 0, {}).get(key, default)

    def start(self, children: list[Any]) -> Any:
        return children[0]


def _tokens(children: Sequence[Any], *types: str) -> list[LarkToken]:
    return [c for c in children if isinstance(c, LarkToken) and c.type in types]


def _first(children: Sequence[Any], *types: str) -> LarkToken | None:
    found = _tokens(children, *types)
    return found[0] if found else None


_SHIFT = {"LAST": -1, "THIS": 0, "NEXT": 1}


class TimeTransformer(_EntryTransformer):
    """One method per time.lark alias; each returns a :class:`TimeExpr` (resolution is temporal.py's job)."""

    def _point(self, rule: str, children: Sequence[Any], **extra: Any) -> TimeExpr | None:
        """A calendar point; None (reject the parse) for impossible dates such as "31 February"."""
        month, weekday = _first(children, "MONTH"), _first(children, "WEEKDAY")
        day, year, iso = _first(children, "DAYNUM"), _first(children, "YEAR"), _first(children, "ISODATE")
        if iso is not None:
            year_s, month_s, day_s = str(iso).split("-")
            expr = TimeExpr(rule, year=int(year_s), month=int(month_s), day=int(day_s))
        else:
            expr = TimeExpr(
                rule,
                year=int(year) if year is not None else None,
                month=self.attr(month, "value") if month is not None else None,
                day=int(day) if day is not None else None,
                weekday=self.attr(weekday, "value") if weekday is not None else None,
                **extra,
            )
        return expr if possible_date(expr) else None

    def _shift(self, children: Sequence[Any]) -> int:
        token = _first(children, "LAST", "THIS", "NEXT")
        return _SHIFT[token.type] if token is not None else 0

    def _unit(self, children: Sequence[Any]) -> str | None:
        unit = _first(children, "UNIT")
        return self.attr(unit, "unit") if unit is not None else None

    def _count(self, children: Sequence[Any]) -> int | None:
        counts = [c for c in children if isinstance(c, int) and not isinstance(c, bool)]
        return counts[0] if counts else None

    def weekday(self, c: list[Any]) -> TimeExpr | None:
        return self._point("weekday", c)

    def weekday_relative(self, c: list[Any]) -> TimeExpr | None:
        return self._point("weekday_relative", c, shift=self._shift(c))

    def date_month_day(self, c: list[Any]) -> TimeExpr | None:
        return self._point("date_month_day", c)

    def date_day_month(self, c: list[Any]) -> TimeExpr | None:
        return self._point("date_day_month", c)

    def date_iso(self, c: list[Any]) -> TimeExpr | None:
        return self._point("date_iso", c)

    def month_year(self, c: list[Any]) -> TimeExpr | None:
        return self._point("month_year", c)

    def month(self, c: list[Any]) -> TimeExpr | None:
        return self._point("month", c)

    def month_relative(self, c: list[Any]) -> TimeExpr | None:
        return self._point("month_relative", c, shift=self._shift(c))

    def year(self, c: list[Any]) -> TimeExpr | None:
        return self._point("year", c)

    def decade(self, c: list[Any]) -> TimeExpr:
        decade = _first(c, "DECADE")
        return TimeExpr("decade", year=int(str(decade)[:4]) if decade is not None else None)

    def relative_unit(self, c: list[Any]) -> TimeExpr:
        return TimeExpr("relative_unit", unit=self._unit(c), shift=self._shift(c))

    def within(self, c: list[Any]) -> TimeExpr:
        """A singular unit without a number is one unit ("the past week"); a plural one stays vague."""
        shift = -1 if _first(c, "LAST", "RECENT") is not None else 1
        unit = _first(c, "UNIT")
        singular = unit is not None and not self.attr(unit, "plural", False)
        count = self._count(c) or (1 if singular else None)
        return TimeExpr("within", unit=self._unit(c), shift=shift, count=count)

    def ago(self, c: list[Any]) -> TimeExpr:
        return TimeExpr("ago", unit=self._unit(c), shift=-1, count=self._count(c))

    def deictic(self, c: list[Any]) -> TimeExpr:
        return TimeExpr("deictic", offset=self.attr(c[0], "offset", 0))

    def over(self, c: list[Any]) -> TimeExpr:
        return TimeExpr("over", unit=self._unit(c))

    def day_part(self, c: list[Any]) -> TimeExpr:
        return TimeExpr("day_part", shift=self._shift(c))

    def clock(self, c: list[Any]) -> TimeExpr | None:
        return self._point("clock", c)

    def since(self, c: list[Any]) -> TimeExpr | None:
        points = tuple(x for x in c if isinstance(x, TimeExpr))
        return TimeExpr("since", points=points) if len(points) == 1 else None

    def range(self, c: list[Any]) -> TimeExpr | None:
        points = tuple(x for x in c if isinstance(x, TimeExpr))
        return TimeExpr("range", points=points) if len(points) == 2 else None

    def point(self, c: list[Any]) -> TimeExpr | None:
        return self._point("point", c)

    def count(self, c: list[Any]) -> int:
        token = c[0]
        if token.type == "NUMWORD":
            return int(_word_number(self, token))
        return int(float(str(token).replace(",", "")))


def _word_number(transformer: _EntryTransformer, token: LarkToken) -> float:
    """Value of a number word; hyphenated compounds ("twenty-five") add their parts."""
    value = transformer.attr(token, "value")
    if value is not None:
        return float(value)
    words = default_categorizers()[1].phrases
    return float(sum(words.get((part,), ("", {}))[1].get("value", 0) for part in str(token).lower().split("-")))


class QuantityTransformer(_EntryTransformer):
    """One method per quantity.lark alias; each returns a :class:`QuantityValue` (None rejects the parse)."""

    def count(self, c: list[Any]) -> tuple[float, bool]:
        head, scales = c[0], c[1:]
        if head.type == "ARTICLE":
            value, needs_unit = 1.0, False
        elif head.type == "NUMWORD":
            value, needs_unit = _word_number(self, head), bool(self.attr(head, "needs_unit", False))
        else:
            value, needs_unit = float(str(head).replace(",", "")), False
        for scale in scales:
            value *= float(self.attr(scale, "value", 1))
            needs_unit = False
        return value, needs_unit

    def unit(self, c: list[Any]) -> str:
        return " ".join(str(t) for t in c)

    def _approximate(self, c: Sequence[Any]) -> bool:
        approx = _first(c, "APPROX")
        return bool(self.attr(approx, "approximate", True)) if approx is not None else False

    def _number(self, c: Sequence[Any], unit: str | None) -> QuantityValue | None:
        (value, needs_unit), *_ = [x for x in c if isinstance(x, tuple)]
        units = [x for x in c if isinstance(x, str) and not isinstance(x, LarkToken)]
        counted = unit or (units[0] if units else None)
        if needs_unit and counted is None:
            return None
        return QuantityValue(value, self._approximate(c), counted)

    def approx_number(self, c: list[Any]) -> QuantityValue | None:
        return self._number(c, None)

    def number(self, c: list[Any]) -> QuantityValue | None:
        return self._number(c, None)

    def money(self, c: list[Any]) -> QuantityValue | None:
        currency = _first(c, "CURSYM", "CURWORD")
        return self._number(c, self.attr(currency, "code") if currency is not None else None)

    def percent(self, c: list[Any]) -> QuantityValue | None:
        return self._number(c, "percent")

    def vague(self, c: list[Any]) -> QuantityValue:
        units = [x for x in c if isinstance(x, str) and not isinstance(x, LarkToken)]
        return QuantityValue(None, True, units[-1] if units else None)

    def vague_amount(self, c: list[Any]) -> QuantityValue:
        return self.vague(c)


# --------------------------------------------------------------------------- public API


def parse_time(tokens: Sequence[Token], categorizer: Categorizer | None = None) -> list[Parsed]:
    """All time expressions in ``tokens`` (leftmost-longest, non-overlapping); meanings are TimeExpr.

    Args:
        tokens: a sentence's word tokens (segment.py), absolute offsets.
        categorizer: word lists compiled by :func:`build_categorizer`; defaults to rules/lexicon/time.yaml.
    """
    categorizer = categorizer or default_categorizers()[0]
    return _parse("time.lark", TimeTransformer, categorizer.layout(tokens))


def parse_quantity(tokens: Sequence[Token], categorizer: Categorizer | None = None) -> list[Parsed]:
    """All quantity expressions in ``tokens``; meanings are :class:`QuantityValue`."""
    categorizer = categorizer or default_categorizers()[1]
    return _parse("quantity.lark", QuantityTransformer, categorizer.layout(tokens))


def _parse(grammar: str, transformer: TransformerFactory, layout: Layout) -> list[Parsed]:
    """Expressions of one categorized sentence; one without any anchor terminal holds none, so it is not parsed."""
    if anchor_terminals(grammar).isdisjoint(layout.terminals):
        return []
    return _find(load_grammar(grammar), transformer, layout.terminals, layout.cats)  # type: ignore[arg-type]
