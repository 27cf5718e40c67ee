"""Building blocks of actor recognition: the actor word lists, token units, and the person grammar.

A sentence's tokens are grouped into *units* (a gazetteer hit, a multi-word title, a single word),
each with a category (TITLE, NAME, DEMONYM, ...). The recognizers in :mod:`converter.mentions` then
look at categories, never at English words: the words live in ``rules/actors/*.yaml`` (lists such
as ``titles``, ``org_heads``, ``group_nouns``) and in the lexicon's gazetteer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput
from lark.lexer import Lexer

from .errors import GrammarError, Location, RuleError
from .lexicon import GazetteerEntry, Lexicon, WordEntry, WordList, load_yaml_with_lines, phrase_tokens
from .resources import data_path, grammar_path

#: Word lists every recognizer needs; a missing one is a broken installation, reported by name.
#: The first six are shared with other stages and live in rules/lexicon; the rest in rules/actors.
REQUIRED_LISTS = (
    "titles", "name_particles", "org_head_nouns", "group_nouns", "pronouns", "definite_descriptions",
    "determiners", "affiliation_prepositions", "non_names", "sector_words", "name_connectors", "org_name_words", "common_acronyms",
    "possessive_markers", "group_modifiers", "head_followers", "blocs", "coordinators", "place_heads", "locative_prepositions",
    "expletive_followers", "expletive_completers",
)

# --------------------------------------------------------------------------- word lists


@dataclass(frozen=True)
class ActorRuleInfo:
    """One recognition rule of ``rules/actors/*.yaml``: its global id, version and examples."""

    id: str
    version: int
    description: str
    examples: Mapping[str, Any]


@dataclass(frozen=True, eq=False)
class ActorWords:
    """The actor word lists (``rules/actors`` merged with same-named lexicon lists) and the rules."""

    lists: Mapping[str, WordList]
    rules: Mapping[str, ActorRuleInfo]

    def __getitem__(self, name: str) -> WordList:
        return self.lists[name]

    def texts(self, name: str) -> frozenset[str]:
        """Lower-cased entries of list ``name`` (for one-word membership tests)."""
        return _texts_cached(self, name)

    def exact(self, name: str) -> frozenset[str]:
        """Entries of list ``name`` exactly as written (for case-sensitive tests such as non-names)."""
        return _exact_cached(self, name)

    def match(self, name: str, texts: Sequence[str], i: int) -> WordEntry | None:
        """Longest entry of list ``name`` at token ``i``; a first-word check skips most positions cheaply."""
        if texts[i].replace("’", "'").lower() not in _first_words(self, name):
            return None
        return self.lists[name].match_at(texts, i)

    def version(self, rule_id: str) -> int:
        return self.rules[rule_id].version if rule_id in self.rules else 1


@cache
def _texts_cached(words: ActorWords, name: str) -> frozenset[str]:
    return words.lists[name].texts()


@cache
def _first_words(words: ActorWords, name: str) -> frozenset[str]:
    return frozenset(entry.tokens[0] for entry in words.lists[name].entries)


@cache
def _exact_cached(words: ActorWords, name: str) -> frozenset[str]:
    return frozenset(entry.text for entry in words.lists[name].entries)


def actors_dir() -> Path:
    """The shipped ``rules/actors`` directory."""
    return data_path("rules") / "actors"


@cache
def load_actor_words(directory: Path | None = None) -> ActorWords:
    """Read every ``rules/actors/*.yaml`` file: its ``lists`` and its ``rules`` (ids, versions, examples).

    Raises:
        RuleError: a file is malformed or a required list is missing, with the file and line.
    """
    lists: dict[str, list[WordEntry]] = {}
    rules: dict[str, ActorRuleInfo] = {}
    for path in sorted((directory or actors_dir()).glob("*.yaml")):
        doc = load_yaml_with_lines(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise RuleError("an actors file must be a mapping with a string `id`", Location(str(path), 1))
        for name, entries in _file_lists(path, doc):
            lists.setdefault(name, []).extend(entries)
        rules.update({info.id: info for info in _file_rules(path, doc)})
    frozen = {name: WordList(name, tuple(entries)) for name, entries in lists.items()}
    return ActorWords(MappingProxyType(frozen), MappingProxyType(rules))


def _file_lists(path: Path, doc: Mapping[str, Any]) -> Iterator[tuple[str, list[WordEntry]]]:
    for name, body in (doc.get("lists") or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
            raise RuleError(f"list {name!r} needs an `entries:` list", Location(str(path), getattr(body, "line", None)))
        yield str(name), [_word(path, item) for item in body["entries"]]


def _word(path: Path, item: Any) -> WordEntry:
    """A list entry is a string or ``{text: ..., <attribute>: ...}`` (same shape as lexicon word lists)."""
    if isinstance(item, str):
        text, attrs = item, {}
    elif isinstance(item, dict) and isinstance(item.get("text"), str):
        text, attrs = item["text"], {k: v for k, v in item.items() if k != "text"}
    else:
        raise RuleError(f"list entry must be a string or a mapping with `text`, got {item!r}", Location(str(path)))
    tokens = tuple(t.replace("’", "'").lower() for t in phrase_tokens(text))
    return WordEntry(text, tokens, MappingProxyType(attrs))


def _file_rules(path: Path, doc: Mapping[str, Any]) -> Iterator[ActorRuleInfo]:
    for raw in doc.get("rules") or ():
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise RuleError(f"a rule needs a string `id`, got {raw!r}", Location(str(path), getattr(raw, "line", None)))
        yield ActorRuleInfo(
            id=f"{doc['id']}.{raw['id']}",
            version=int(raw.get("version", 1)),
            description=str(raw.get("description", "")),
            examples=MappingProxyType(dict(raw.get("examples") or {})),
        )


_MERGED: dict[int, tuple[Lexicon, ActorWords, ActorWords]] = {}


def merged_words(words: ActorWords, lexicon: Lexicon) -> ActorWords:
    """The actor lists plus every lexicon word list (same-named lists are joined); cached per lexicon.

    Raises:
        RuleError: a list the recognizers need is in neither place.
    """
    cached = _MERGED.get(id(lexicon))
    if cached is not None and cached[0] is lexicon and cached[1] is words:
        return cached[2]
    lists = dict(lexicon.wordlists)
    for name, wordlist in words.lists.items():
        lists[name] = WordList(name, lists[name].entries + wordlist.entries) if name in lists else wordlist
    missing = [name for name in REQUIRED_LISTS if name not in lists]
    if missing:
        raise RuleError(f"word lists missing: {missing}; expected them in rules/lexicon or rules/actors")
    merged = ActorWords(MappingProxyType(lists), words.rules)
    _MERGED[id(lexicon)] = (lexicon, words, merged)
    return merged


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """A run of tokens ``[start, end)`` of one sentence with one category.

    ``entry`` is the gazetteer entry (DEMONYM/COUNTRY/ORG/LOC/PLACE) or the word-list entry (TITLE);
    ``form`` is the gazetteer form ("name", "alias", "demonym", "metonym", ...).
    """

    cat: str
    start: int
    end: int
    text: str
    entry: GazetteerEntry | WordEntry | None = None
    form: str | None = None


_GAZ_CATEGORY = {"country": "COUNTRY", "organization": "ORG", "location": "LOC", "group": "GROUPNAME",
                 "person": "PERSONNAME"}


def gazetteer_category(entry: GazetteerEntry, form: str) -> str:
    """Demonyms are adjectives whatever the entry's type; other forms take the entry's type."""
    if form == "demonym":
        return "DEMONYM"
    return _GAZ_CATEGORY.get(entry.type, "ORG")


def is_capitalized(text: str) -> bool:
    return bool(text) and text[0].isupper()


def build_units(texts: Sequence[str], lexicon: Lexicon, words: ActorWords, elliptic_ok: frozenset[str]) -> list[Unit]:
    """Group one sentence's token texts into categorized units (linear: one longest match per position)."""
    units: list[Unit] = []
    i = 0
    while i < len(texts):
        unit = _unit_at(texts, i, lexicon, words, elliptic_ok)
        units.append(unit)
        i = unit.end
    return units


def _unit_at(texts: Sequence[str], i: int, lexicon: Lexicon, words: ActorWords, elliptic_ok: frozenset[str]) -> Unit:
    hit = lexicon.gazetteer.match_at(texts, i, elliptic_ok=elliptic_ok)
    title = words.match("titles", texts, i)
    title_len = len(title.tokens) if title else 0
    if hit is not None and hit.end_tok - i >= title_len:
        return Unit(gazetteer_category(hit.entry, hit.form), i, hit.end_tok, " ".join(texts[i:hit.end_tok]),
                    hit.entry, hit.form)
    if title is not None and (is_capitalized(texts[i]) or texts[i] == title.text.split()[0]):
        return Unit("TITLE", i, i + title_len, " ".join(texts[i:i + title_len]), title)
    return Unit(_word_category(texts[i], i, words), i, i + 1, texts[i])


def _word_category(text: str, index: int, words: ActorWords) -> str:
    lower = text.replace("’", "'").lower()
    if lower in words.texts("possessive_markers"):
        return "POSS"
    if text == ",":
        return "COMMA"
    particles = words.exact("name_particles")
    if text in particles:
        return "PARTICLE"
    if "-" in text and text[: text.index("-") + 1] in particles and is_capitalized(text[text.index("-") + 1 :]):
        return "NAME"  # "al-Abadi", "el-Sisi"
    if lower in words.texts("determiners"):
        return "DET"
    if text in words.exact("affiliation_prepositions"):
        return "PREP"
    if not any(ch.isalpha() for ch in text):
        return "PUNCT"
    if is_capitalized(text) and text.rstrip(".") not in words.exact("non_names") and text not in words.exact("non_names"):
        return "NAME"
    return "WORD"


# --------------------------------------------------------------------------- the person grammar


class _UnitLexer(Lexer):
    """Units are already tokens: the parser is fed them one by one."""

    def __init__(self, lexer_conf: Any) -> None:  # noqa: D107 - lark's lexer protocol
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


@cache
def person_parser() -> Lark:
    """The LALR parser of ``grammars/person.lark`` (loaded once)."""
    path = grammar_path("person.lark")
    try:
        return Lark(path.read_text(encoding="utf-8"), parser="lalr", lexer=_UnitLexer,
                    start=["titled", "apposition"])
    except (OSError, LarkError) as exc:
        raise GrammarError(f"cannot load the person grammar: {exc}", Location(str(path))) from exc


_GRAMMAR_TERMINALS = frozenset({"TITLE", "NAME", "PARTICLE", "DEMONYM", "COUNTRY", "ORG", "POSS", "COMMA", "DET", "PREP",
                                "WORD"})


def longest_parse(units: Sequence[Unit], first: int, start: str, limit: int = 14) -> Tree | None:
    """Parse the longest run of units from ``first`` that the grammar rule ``start`` accepts.

    Lark's interactive parser is fed one unit at a time and remembers the last point where the input
    could end; this finds a name inside running text without a scanning grammar (positions on each
    terminal are unit indexes).
    """
    parser = person_parser().parse_interactive(None, start=start)
    best = None
    for index in range(first, min(len(units), first + limit)):
        unit = units[index]
        if unit.cat not in _GRAMMAR_TERMINALS:
            break
        try:
            parser.feed_token(Token(unit.cat, unit.text, start_pos=index))
        except UnexpectedInput:
            break
        try:
            best = parser.copy().feed_eof()
        except UnexpectedInput:
            continue
    return best


def terminal_indexes(tree: Tree) -> list[int]:
    """Unit indexes of every terminal under ``tree``, in order."""
    return [tok.start_pos for tok in tree.scan_values(lambda v: isinstance(v, Token))]
