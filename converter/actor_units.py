"""Token units: a sentence's tokens grouped into categorized runs, and the person grammar over them.

Each unit is a gazetteer hit, a multi-word title or a single word, with a category (TITLE, NAME,
DEMONYM, PERSONNAME, ...). Recognizers (:mod:`converter.actors`) look at categories, never at
English words; ``grammars/person.lark`` parses runs of categories into titled names and appositives.
Units are built once per sentence from token keys computed once (:func:`build_units`).
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple, TypeVar

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput
from lark.lexer import Lexer
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_parser_state import ParserState

from .actor_words import ActorWords, attr, first_words
from .errors import GrammarError, Location
from .lexicon import Form, GazetteerEntry, Lexicon, WordEntry
from .parsing import refill_tree, tree_shape
from .resources import grammar_path


class Unit(NamedTuple):
    """A run of tokens ``[start, end)`` of one sentence with one category.

    ``entry`` is the gazetteer entry (DEMONYM/COUNTRY/ORG/LOC/PLACE) or the word-list entry (TITLE);
    ``form`` is the gazetteer form ("name", "alias", "demonym", "metonym", ...). An immutable named
    tuple rather than a frozen dataclass: one is built per token of every sentence, and tuples are
    several times cheaper to build.
    """

    cat: str
    start: int
    end: int
    text: str
    entry: GazetteerEntry | WordEntry | None = None
    form: str | None = None


_GAZ_CATEGORY = {
    "country": "COUNTRY",
    "organization": "ORG",
    "location": "LOC",
    "group": "GROUPNAME",
    "person": "PERSONNAME",
}


def gazetteer_category(entry: GazetteerEntry, form: str) -> str:
    """Demonyms are adjectives whatever the entry's type; other forms take the entry's type."""
    if form == "demonym":
        return "DEMONYM"
    return _GAZ_CATEGORY.get(entry.type, "ORG")


def is_capitalized(text: str) -> bool:
    """First character upper case."""
    return bool(text) and text[0].isupper()


def build_units(
    texts: Sequence[str], lexicon: Lexicon, words: ActorWords, elliptic_ok: Container[str]
) -> list[Unit]:
    """Group one sentence's token texts into categorized units (linear: one longest match per position)."""
    units: list[Unit] = []
    keys = lexicon.gazetteer.keys(texts)  # token features computed once per sentence, not per lookup
    title_firsts = first_words(words, "titles")
    titles = words.lists["titles"]
    gazetteer = lexicon.gazetteer
    gazetteer_firsts = gazetteer.first_keys
    plain = _plain_words(lexicon, words)
    alone = _alone_words(lexicon, words)
    sole = _sole_units(lexicon)
    n = len(texts)
    i = 0
    while i < n:
        text = texts[i]
        category = plain.get(text)
        if category is not None:  # the common case: a word known to start no title and no name
            units.append(_tuple_new(Unit, (category, i, i + 1, text, None, None)))
            i += 1
            continue
        known = alone.get(text)
        if known is not None and (i + 1 == n or keys[i + 1] not in known[3]):  # one token, as below
            units.append(_tuple_new(Unit, (known[0], i, i + 1, text, known[1], known[2])))
            i += 1
            continue
        key = keys[i]
        title_first = key.lower() in title_firsts
        title = titles.match_at(texts, i) if title_first else None
        if title is None and (key not in gazetteer_firsts or not gazetteer.may_match(keys, i)):
            category = _word_category(text, words)  # what _unit_at gives when nothing matches
            if not title_first and key not in gazetteer_firsts and len(plain) < _PLAIN_MAX:
                plain[text] = category
            elif not title_first and gazetteer.only_longer(key) and len(alone) < _PLAIN_MAX:
                alone[text] = (category, None, None, gazetteer.seconds(key))
            units.append(_tuple_new(Unit, (category, i, i + 1, text, None, None)))
            i += 1
            continue
        found = sole.get(key) if not title_first else None
        if found is not None and len(alone) < _PLAIN_MAX:
            alone[text] = (*found, gazetteer.seconds(key))
        if found is not None and not gazetteer.continues(keys, i):  # a one-token name: no look-up needed
            units.append(_tuple_new(Unit, (found[0], i, i + 1, text, found[1], found[2])))
            i += 1
            continue
        after_title = bool(units) and units[-1].cat == "TITLE"
        unit = _unit_at(texts, keys, i, lexicon, words, _EVERY_ID if after_title else elliptic_ok, title)
        if unit.form == "elliptic" and after_title and unit.entry is not None and unit.entry.type != "person":
            unit = _unit_at(texts, keys, i, lexicon, words, elliptic_ok, title)
        units.append(unit)
        i = unit.end
    return units


#: Per word set: word texts that start no title and no gazetteer form, with their category. Whether a
#: word is plain depends on its text alone, so most tokens of an article cost one dict look-up.
_PLAIN: dict[int, tuple[Lexicon, ActorWords, dict[str, str]]] = {}
_PLAIN_MAX = 1 << 17


def _plain_words(lexicon: Lexicon, words: ActorWords) -> dict[str, str]:
    """The (growing) plain-word table of ``lexicon`` and ``words``, kept for the latest few pairs."""
    return _table_of(_PLAIN, lexicon, words)


_Table = TypeVar("_Table")


def _table_of(cache: dict[int, tuple[Lexicon, ActorWords, _Table]], lexicon: Lexicon, words: ActorWords) -> _Table:
    """The growing per-word table that ``cache`` keeps for ``lexicon`` and ``words`` (the latest few pairs)."""
    cached = cache.get(id(words))
    if cached is not None and cached[0] is lexicon and cached[1] is words:
        return cached[2]
    if len(cache) >= 8:
        cache.clear()
    table: Any = {}
    cache[id(words)] = (lexicon, words, table)  # the entry keeps both alive, so the id is not reused
    return table


#: Per word set: word texts that start no title and whose unit is one token unless the next key is one
#: of a few (a one-token form that longer ones may continue, "Korea" in "Korea Central News Agency", or an
#: article that only longer forms start, "the"): text -> (category, entry, form, those next keys). What
#: build_units finds for them depends on the text and the next key alone, so most are one look-up each.
_ALONE: dict[int, tuple[Lexicon, ActorWords, dict[str, _Alone]]] = {}
_Alone = tuple[str, GazetteerEntry | None, Form | None, frozenset[str]]


def _alone_words(lexicon: Lexicon, words: ActorWords) -> dict[str, _Alone]:
    """The (growing) table of one-token-unless-continued words of ``lexicon`` and ``words``."""
    return _table_of(_ALONE, lexicon, words)


_SOLE: dict[int, tuple[Lexicon, dict[str, tuple[str, GazetteerEntry, Form]]]] = {}


def _sole_units(lexicon: Lexicon) -> dict[str, tuple[str, GazetteerEntry, Form]]:
    """Per gazetteer key with one sure one-token target (:meth:`Gazetteer.sole_forms`): the unit's
    category, entry and form, which :func:`_unit_at` would find. Built once per lexicon: most names in
    a text ("Iraq", "NATO") are such keys, and need neither a look-up nor a hit object."""
    cached = _SOLE.get(id(lexicon))
    if cached is not None and cached[0] is lexicon:
        return cached[1]
    if len(_SOLE) >= 8:
        _SOLE.clear()
    table = {
        key: (gazetteer_category(entry, form), entry, form)
        for key, (entry, form) in lexicon.gazetteer.sole_forms().items()
    }
    _SOLE[id(lexicon)] = (lexicon, table)  # the entry keeps the lexicon alive, so the id is not reused
    return table


#: ``Unit(...)`` without the generated ``__new__`` (an equal tuple, built about twice as fast): one is
#: built for every token of every sentence.
_tuple_new = tuple.__new__


class _EveryId:
    """An ``elliptic_ok`` that admits every entry: after a title ("Secretary Kerry") a public figure's
    shared surname needs no earlier full name, the title says a person is meant."""

    def __contains__(self, entry_id: object) -> bool:
        return True


_EVERY_ID = _EveryId()


def _unit_at(
    texts: Sequence[str],
    keys: Sequence[str],
    i: int,
    lexicon: Lexicon,
    words: ActorWords,
    elliptic_ok: Container[str],
    title: WordEntry | None,
) -> Unit:
    hit = lexicon.gazetteer.match_keys(keys, i, elliptic_ok=elliptic_ok)
    title_len = len(title.tokens) if title else 0
    if hit is not None and hit.end_tok - i >= title_len:
        return Unit(
            gazetteer_category(hit.entry, hit.form),
            i,
            hit.end_tok,
            " ".join(texts[i : hit.end_tok]),
            hit.entry,
            hit.form,
        )
    if title is not None and _title_case_ok(texts[i], title):
        return Unit("TITLE", i, i + title_len, " ".join(texts[i : i + title_len]), title)
    return Unit(_word_category(texts[i], words), i, i + 1, texts[i])


def _title_case_ok(first: str, title: WordEntry) -> bool:
    """News style lower-cases titles after a name ("Saudi Arabia's crown prince"), so any case will do,
    except for ranks, whose lower-case forms are mostly adjectives ("a major threat", "in general")."""
    return is_capitalized(first) or first == title.text.split()[0] or attr(title, "kind") != "rank"


@lru_cache(maxsize=1 << 16)
def _word_category(text: str, words: ActorWords) -> str:
    """The category of a word outside any gazetteer or title match; it depends on the text alone, so
    it is cached (news vocabulary repeats)."""
    lower = text.replace("’", "'").lower()
    if lower in words.texts("possessive_markers"):
        return "POSS"
    if text == ",":
        return "COMMA"
    if text in words.exact("name_particles"):
        return "PARTICLE"
    stem = name_stem(text, words)
    if stem != text and is_capitalized(stem):
        return "NAME"  # "al-Abadi", "el-Sisi"
    if lower in words.texts("determiners"):
        return "DET"
    if text in words.exact("affiliation_prepositions"):
        return "PREP"
    if not any(ch.isalpha() for ch in text):
        return "PUNCT"
    if (
        is_capitalized(text)
        and text.rstrip(".") not in words.exact("non_names")
        and text not in words.exact("non_names")
    ):
        return "NAME"
    return "WORD"


# --------------------------------------------------------------------------- the person grammar


class _UnitLexer(Lexer):
    """Units are already tokens: the parser is fed them one by one."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


@cache
def person_parser() -> Lark:
    """The LALR parser of ``grammars/person.lark`` (loaded once)."""
    path = grammar_path("person.lark")
    try:
        return Lark(
            path.read_text(encoding="utf-8"), parser="lalr", lexer=_UnitLexer, start=["titled", "apposition", "fronted"]
        )
    except (OSError, LarkError) as exc:
        raise GrammarError(f"cannot load the person grammar: {exc}", Location(str(path))) from exc


_GRAMMAR_TERMINALS = frozenset(
    {
        "TITLE",
        "NAME",
        "PARTICLE",
        "DEMONYM",
        "COUNTRY",
        "ORG",
        "PERSONNAME",
        "POSS",
        "COMMA",
        "DET",
        "PREP",
        "WORD",
    }
)
#: Unit categories the grammar reads as another terminal: a listed public figure is a name to it
#: (recognizers still see PERSONNAME and take the gazetteer entry).
_AS_TERMINAL = {"PERSONNAME": "NAME"}


def longest_parse(units: Sequence[Unit], first: int, start: str, limit: int = 14) -> Tree | None:
    """Parse the longest run of units from ``first`` that the grammar rule ``start`` accepts.

    The grammar's LALR automaton is run over the units' categories, states only, and notes each point
    where the input could end (``$END`` among the state's actions); the longest such prefix is then
    parsed by Lark to build its tree. Re-feeding a few units is cheaper than copying the parser state at
    every possible end. This finds a name inside running text without a scanning grammar (positions on
    each terminal are unit indexes).
    """
    ends = _possible_ends(units, first, start, limit)
    for last in reversed(ends):  # LALR may list $END where finishing still fails: try the next shorter
        tree = _parse_run(units, first, last, start)
        if tree is not None:
            return tree
    return None


def _possible_ends(units: Sequence[Unit], first: int, start: str, limit: int) -> list[int]:
    """Unit indexes from ``first`` after which rule ``start`` could end, from the parse table alone.

    This is what Lark's interactive parser does on ``feed_token`` and ``choices()``, without building
    tokens, values or trees: it runs for every unit that may open a name, most of which parse nothing.
    """
    conf = _parse_conf(start)
    states, stack, ends = conf.states, [conf.start_state], []
    for index in range(first, min(len(units), first + limit)):
        cat = units[index].cat
        if cat not in _GRAMMAR_TERMINALS or not _shift(states, stack, _AS_TERMINAL.get(cat, cat)):
            break
        if "$END" in states[stack[-1]]:
            ends.append(index)
    return ends


def _shift(states: Any, stack: list[Any], terminal: str) -> bool:
    """Reduce as the table says, then shift ``terminal``; False when the state has no action for it."""
    while True:
        action = states[stack[-1]].get(terminal)
        if action is None:
            return False
        kind, arg = action
        if kind is Shift:
            stack.append(arg)
            return True
        size = len(arg.expansion)  # a reduction by rule ``arg``: pop its right side, go to its left side
        if size:
            del stack[-size:]
        stack.append(states[stack[-1]][arg.origin.name][1])


@cache
def _parse_conf(start: str) -> Any:
    """The parse table configuration of the person grammar for rule ``start`` (built once)."""
    return person_parser().parse_interactive(None, start=start).parser_state.parse_conf


def _terminal(units: Sequence[Unit], index: int) -> Token:
    unit = units[index]
    return Token(_AS_TERMINAL.get(unit.cat, unit.cat), unit.text, start_pos=index)


def _parse_run(units: Sequence[Unit], first: int, last: int, start: str) -> Tree | None:
    """The tree of units ``first..last`` as rule ``start``, or None when they do not form one.

    Why the shape table: the LALR tree depends only on the terminals (the parser never reads a unit's
    text), and the same few runs ("TITLE NAME NAME", "NAME COMMA DET TITLE") open names in every article,
    so lark parses each terminal sequence once per process and a run met again costs a copy of a few
    nodes holding its own tokens."""
    tokens = [_terminal(units, index) for index in range(first, last + 1)]
    key = (start, *[token.type for token in tokens])
    shape = _PERSON_SHAPES.get(key, _UNPARSED)
    if shape is _UNPARSED:
        tree = _lark_parse(tokens, start)
        if len(_PERSON_SHAPES) >= _PERSON_SHAPES_MAX:
            _PERSON_SHAPES.clear()
        shape = _PERSON_SHAPES[key] = _shape_of(tree, tokens)
        if shape is None or shape[0] is None:
            return tree
        return refill_tree(shape[0], iter(tokens[i] for i in shape[1]))  # the template itself stays unshared
    if shape is None:
        return None
    template, positions = shape
    if template is None:  # a tree whose leaves could not be traced to the input: parsed afresh each time
        return _lark_parse(tokens, start)
    return refill_tree(template, iter([tokens[i] for i in positions]))


#: (start rule, terminal, ...) -> (template tree, input position of each token leaf in tree order); None
#: when the run does not parse; (None, ()) when the tree's leaves could not be traced to the input
_PERSON_SHAPES: dict[tuple[str, ...], tuple[Tree | None, tuple[int, ...]] | None] = {}
_PERSON_SHAPES_MAX = 1 << 14  # a bound for endless batch runs
_UNPARSED = object()


def _lark_parse(tokens: Sequence[Token], start: str) -> Tree | None:
    """Lark's tree of ``tokens`` as rule ``start``, or None. The parser state is fed directly (what
    ``parse_interactive`` + ``feed_eof`` do, without building an interactive parser and a lexer thread
    that units do not need)."""
    state = ParserState(_parse_conf(start), None)  # type: ignore[arg-type]
    try:
        for token in tokens:
            state.feed_token(token)
        return state.feed_token(Token("$END", "", 0, 1, 1), True)  # type: ignore[no-any-return]
    except UnexpectedInput:
        return None


def _shape_of(tree: Tree | None, tokens: Sequence[Token]) -> tuple[Tree | None, tuple[int, ...]] | None:
    """The reusable shape of ``tree``: the tree itself as a template, and where each leaf came from."""
    if tree is None:
        return None
    return tree_shape(tree, tokens) or (None, ())


def terminal_indexes(tree: Tree) -> list[int]:
    """Unit indexes of every terminal under ``tree``, in order."""
    return [tok.start_pos for tok in tree.scan_values(lambda v: isinstance(v, Token))]


def title_case(word: str) -> bool:
    """Capitalized with some lower case ("Choe", "Seong-kweun"), unlike acronyms and headline text."""
    return is_capitalized(word) and any(ch.islower() for ch in word)


def name_stem(word: str, words: ActorWords) -> str:
    """The word a hyphenated name particle prefixes ("al-Mismari", "Al-Mismari" → "Mismari"),
    else ``word`` itself (the same object). Arabic and other names write such particles in lower case
    inside the name; the prefixes are language data (``name_particles`` in rules/lexicon/titles.yaml)."""
    hyphen = word.find("-")
    if hyphen > 0 and word[: hyphen + 1].lower() in words.exact("name_particles"):
        return word[hyphen + 1 :]  # "Al-Mismari" opening a sentence is the same name
    return word


@lru_cache(maxsize=1 << 15)
def name_case(word: str, words: ActorWords) -> bool:
    """:func:`title_case`, reading a particle-prefixed word by its stem: "al-Mismari" is written as a
    name is, "al-QAIDA" and "el-" alone are not. Cached: it depends on the word alone, and the
    recognizers and coreference ask it of the same capitalized words again and again."""
    return title_case(name_stem(word, words))
