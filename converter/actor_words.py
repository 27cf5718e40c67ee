"""Actor word lists: ``rules/actors/*.yaml`` (lists and rule metadata) merged with the lexicon's lists.

Recognizers ask :class:`ActorWords` whether a word is a title, a group noun, an organization head ...
The lists are read once and their lookup sets cached, because every sentence asks the same questions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import Location, RuleError
from .lexicon import Lexicon, WordEntry, WordList, load_yaml_with_lines, lower_key, parse_word_entry
from .resources import data_path

#: Word lists every recognizer needs; a missing one is a broken installation, reported by name.
#: The first six are shared with other stages and live in rules/lexicon; the rest in rules/actors.
REQUIRED_LISTS = (
    "titles",
    "name_particles",
    "org_head_nouns",
    "group_nouns",
    "pronouns",
    "definite_descriptions",
    "determiners",
    "affiliation_prepositions",
    "non_names",
    "sector_words",
    "name_connectors",
    "org_name_words",
    "common_acronyms",
    "possessive_markers",
    "group_modifiers",
    "head_followers",
    "head_follower_endings",
    "blocs",
    "coordinators",
    "place_heads",
    "place_prefixes",
    "locative_prepositions",
    "definite_articles",
    "expletive_pronouns",
    "expletive_followers",
    "expletive_completers",
)

#: Overlap priority of a rule that does not set ``params.priority`` (lower numbers win).
DEFAULT_PRIORITY = 9

# --------------------------------------------------------------------------- word lists


@dataclass(frozen=True)
class ActorRuleInfo:
    """One recognition rule of ``rules/actors/*.yaml``: its global id, version, overlap priority, examples."""

    id: str
    version: int
    description: str
    examples: Mapping[str, Any]
    priority: int = DEFAULT_PRIORITY


@dataclass(frozen=True, eq=False)
class ActorWords:
    """The actor word lists (``rules/actors`` merged with same-named lexicon lists) and the rules."""

    lists: Mapping[str, WordList]
    rules: Mapping[str, ActorRuleInfo]
    #: the sets :meth:`texts` and :meth:`exact` built so far, by list name: recognizers ask for them
    #: tens of times per sentence, so one dict look-up each is all they should cost
    _texts: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)
    _exact: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        # Load-time work: every list's sets are built once here, and ``texts``/``exact`` become the bound
        # ``__getitem__`` of their tables (C-level calls that shadow the methods below, with the same
        # answers and the same KeyError for an unknown list): recognizers ask them ~20 times per sentence.
        self._texts.update((name, _texts_cached(self, name)) for name in self.lists)
        self._exact.update((name, _exact_cached(self, name)) for name in self.lists)
        object.__setattr__(self, "texts", self._texts.__getitem__)
        object.__setattr__(self, "exact", self._exact.__getitem__)

    def __getitem__(self, name: str) -> WordList:
        return self.lists[name]

    def texts(self, name: str) -> frozenset[str]:
        """Lower-cased entries of list ``name`` (for one-word membership tests)."""
        found = self._texts.get(name)
        if found is None:
            found = self._texts[name] = _texts_cached(self, name)
        return found

    def exact(self, name: str) -> frozenset[str]:
        """Entries of list ``name`` exactly as written (for case-sensitive tests such as non-names)."""
        found = self._exact.get(name)
        if found is None:
            found = self._exact[name] = _exact_cached(self, name)
        return found

    def match(self, name: str, texts: Sequence[str], i: int) -> WordEntry | None:
        """Longest entry of list ``name`` at token ``i``; a first-word check skips most positions cheaply."""
        if lower_key(texts[i]) not in first_words(self, name):
            return None
        return self.lists[name].match_at(texts, i)

    def match_keys(self, name: str, keys: Sequence[str], i: int) -> WordEntry | None:
        """:meth:`match` over tokens already keyed by :func:`converter.lexicon.lower_key`."""
        if keys[i] not in first_words(self, name):
            return None
        return self.lists[name].match_keys(keys, i)

    def priority(self, rule_id: str) -> int:
        """Overlap priority of a rule (``params.priority``); lower numbers win."""
        return self.rules[rule_id].priority if rule_id in self.rules else DEFAULT_PRIORITY

    def priorities(self) -> Mapping[str, int]:
        """Every rule's :meth:`priority` by id (others have ``DEFAULT_PRIORITY``), for ranking many
        candidates with one dict look-up each; built once per word set."""
        return _priorities_cached(self)

    def version(self, rule_id: str) -> int:
        """The version of an actors rule (1 for ids without a YAML entry, e.g. the gazetteer)."""
        return self.rules[rule_id].version if rule_id in self.rules else 1


@cache
def _priorities_cached(words: ActorWords) -> Mapping[str, int]:
    return MappingProxyType({rule_id: info.priority for rule_id, info in words.rules.items()})


@cache
def _texts_cached(words: ActorWords, name: str) -> frozenset[str]:
    return words.lists[name].texts()


@cache
def first_words(words: ActorWords, name: str) -> frozenset[str]:
    """First tokens of every entry of list ``name``: a word outside this set starts no entry."""
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
            raise RuleError(
                f"list {name!r} needs an `entries:` list", Location(str(path), getattr(body, "line", None))
            )
        yield str(name), [_word(path, item) for item in body["entries"]]


def _word(path: Path, item: Any) -> WordEntry:
    """A list entry is a string or ``{text: ..., <attribute>: ...}``, read exactly as lexicon word lists are."""
    return parse_word_entry(path, {}, item)


def _file_rules(path: Path, doc: Mapping[str, Any]) -> Iterator[ActorRuleInfo]:
    for raw in doc.get("rules") or ():
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise RuleError(
                f"a rule needs a string `id`, got {raw!r}", Location(str(path), getattr(raw, "line", None))
            )
        yield ActorRuleInfo(
            id=f"{doc['id']}.{raw['id']}",
            version=int(raw.get("version", 1)),
            description=str(raw.get("description", "")),
            examples=MappingProxyType(dict(raw.get("examples") or {})),
            priority=int((raw.get("params") or {}).get("priority", DEFAULT_PRIORITY)),
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


def attr(entry: object, name: str) -> object:
    """An attribute of a word-list entry (None for gazetteer entries and plain words)."""
    attrs = getattr(entry, "attrs", None)
    return attrs.get(name) if attrs is not None else None
