"""Language data: gazetteers (named actors) and word lists, compiled from ``rules/lexicon/*.yaml``.

Every English word aec knows lives in those YAML files; this module only reads them and builds two
lookup structures that later stages share:

* a :class:`Gazetteer`, a longest-match phrase index over token texts (``find_all``), built from every
  ``kind: gazetteer`` file; proper names match case-sensitively, so "US" never fires on "us";
* :class:`WordList` objects, one per list name, gathered generically from every ``kind: wordlists``
  file (lists with the same name in several files are merged), matched case-insensitively.

Files in later directories override entries with the same global id (``<file id>.<entry id>``) and
add new ones, so a user can extend the shipped lexicon without editing it. Loading is cached per
directory tuple because every stage asks for the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Container, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import yaml

from .errors import Location, RuleError
from .resources import data_path

Form = Literal["name", "alias", "demonym", "people", "metonym", "elliptic"]

#: Entry fields that hold surface forms, in the order a shared form is attributed (a name beats an alias).
FORM_FIELDS: tuple[tuple[str, Form], ...] = (
    ("name", "name"),
    ("aliases", "alias"),
    ("metonyms", "metonym"),
    ("demonyms", "demonym"),
    ("people", "people"),
    ("elliptic", "elliptic"),
)
_ENTRY_KEYS = frozenset(
    {"id", "name", "type", "country", "sector", "aliases", "demonyms", "people", "metonyms", "elliptic",
     "wikidata", "affiliation", "ambiguous", "description", "subtype"}
)
_ACTOR_TYPES = frozenset({"person", "organization", "country", "group", "location"})

# Token shapes the segmenter produces: dotted abbreviations (U.S., Maj.) and words with inner
# hyphens/apostrophes stay whole; a clitic 's is its own token; every other mark is one token.
_PHRASE_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # U.S.  U.N.  U.K.
    r"|[’']s\b"  # clitic
    r"|\w+(?:[-’'&]\w+)*?(?=[’']s\b)"  # word before a clitic
    r"|\w+(?:[-’'&.]\w+)*\.?"  # word, hyphenated word, abbreviation with its period
    r"|[^\w\s]"
)


# --------------------------------------------------------------------------- YAML with line numbers


class _LineDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers the 1-based line where it started, for located errors."""

    line: int | None = None


class _LineLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader whose mappings carry their source line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _LineDict:  # type: ignore[override]
        mapping = _LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
# YAML 1.2 booleans: only true/false. Word lists hold words like "no", "yes", "on", "off" that YAML 1.1
# would silently turn into booleans; dates stay strings, as in JSON.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml_with_lines(path: Path) -> Any:
    """Parse a YAML file safely; mappings get a ``line`` attribute so errors can point at the entry.

    Raises:
        RuleError: the file cannot be read or is not valid YAML (with the line and column of the problem).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read lexicon file: {exc.strerror}", Location(str(path))) from exc
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _construct(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
        raise RuleError(f"invalid YAML: {exc.problem}", where) from exc
    finally:
        loader.dispose()


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG


def _construct(loader: _LineLoader, node: yaml.Node) -> Any:
    """The value of ``node``, as ``yaml.load`` with :class:`_LineLoader` would build it, only faster.

    Word lists are tens of thousands of plain strings; PyYAML's generic constructor spends most of the
    start-up time on its bookkeeping for each of them, so strings, lists and mappings are built here
    directly and only other scalars (numbers, booleans, null) go through the loader.
    """
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR_TAG else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
        return [_construct(loader, item) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
        loader.flatten_mapping(node)
        mapping = _LineDict()
        for key_node, value_node in node.value:
            key = _construct(loader, key_node)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                )
            mapping[key] = _construct(loader, value_node)
        mapping.line = node.start_mark.line + 1
        return mapping
    return loader.construct_object(node, deep=True)


def _line_of(value: object) -> int | None:
    return getattr(value, "line", None)


# --------------------------------------------------------------------------- tokens


def phrase_tokens(text: str) -> tuple[str, ...]:
    """Split a lexicon phrase into the token texts the segmenter would produce for it."""
    return tuple(_PHRASE_TOKEN.findall(text))


def _key(token: str, folds: Mapping[str, str]) -> str:
    """Normalize a token for gazetteer lookup: curly apostrophes are straight, and a word of the
    ``gazetteer_case_folded`` list (rules/lexicon/matching.yaml) capitalized or in capitals is lower-cased.

    Only those words are case-folded, so that "The Hague" and sentence-initial "The North" still match;
    proper names themselves stay case-sensitive.
    """
    if "’" in token:
        token = token.replace("’", "'")
    return folds.get(token, token)


def case_folds(words: Iterable[str]) -> dict[str, str]:
    """The capitalized and upper-case spellings of each lower-case word, mapped to the word."""
    return {spelling: word for word in words for spelling in (word.capitalize(), word.upper()) if spelling != word}


def _lower_key(token: str) -> str:
    """``_key(token, folds).lower()`` in one step, for case-insensitive word lists (the capitalized article
    needs no special case once everything is lower case)."""
    return token.replace("’", "'").lower() if "’" in token else token.lower()


lower_key = _lower_key  # the public name, for modules that test words against a list's first words


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class GazetteerEntry:
    """One named actor or place. ``id`` is global (``<file id>.<entry id>``); ``local_id`` is the file's."""

    id: str
    local_id: str
    name: str
    type: str
    source: str
    country: str | None = None
    sector: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    elliptic: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    wikidata: str | None = None
    affiliation: str | None = None
    subtype: str | None = None
    line: int | None = None

    def forms(self) -> Iterator[tuple[str, Form]]:
        """Yield every surface form with its kind (name first)."""
        for key, form in FORM_FIELDS:
            value = getattr(self, key)
            for text in (value,) if isinstance(value, str) else value:
                yield text, form


class GazetteerHit(NamedTuple):
    """A gazetteer match over tokens ``[start_tok, end_tok)``.

    ``alternatives`` lists the other entries that share the same surface form (e.g. "Congo"), as
    ``(entry, form)`` pairs; ``entry`` is the first one defined. An immutable named tuple rather than
    a frozen dataclass: one is built for every name of every sentence, and tuples are cheaper to build.
    """

    start_tok: int
    end_tok: int
    entry: GazetteerEntry
    form: Form
    alternatives: tuple[tuple[GazetteerEntry, Form], ...] = ()


_Targets = tuple[tuple[GazetteerEntry, Form], ...]


@dataclass(frozen=True)
class Gazetteer:
    """Longest-match phrase index: first token → candidate phrases, longest first.

    A second index, built once, groups each first token's phrases by length (longest first) in dicts,
    so a lookup costs one slice and one hash per distinct length instead of a scan over every phrase
    that shares the first word ("the" starts hundreds).
    """

    by_first: Mapping[str, tuple[tuple[tuple[str, ...], _Targets], ...]]
    #: spelling -> lower-case word, for the words matched whatever their case (see :func:`case_folds`).
    folds: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, tuple[tuple[int, dict[tuple[str, ...], _Targets]], ...]] = {}
        for first, phrases in self.by_first.items():
            by_len: dict[int, dict[tuple[str, ...], _Targets]] = {}
            for phrase, targets in phrases:
                by_len.setdefault(len(phrase), {})[phrase] = targets
            index[first] = tuple(sorted(by_len.items(), key=lambda item: -item[0]))
        longest = max((n for groups in index.values() for n, _ in groups), default=1)
        # first token → second tokens of its longer phrases: when the next token is none of them, only
        # the one-token group can match ("the" starts hundreds of phrases, most tokens after it none)
        seconds = {
            first: frozenset(phrase[1] for n, phrases in groups if n > 1 for phrase in phrases)
            for first, groups in index.items()
        }
        singles = {first: tuple(g for g in groups if g[0] == 1) for first, groups in index.items()}
        object.__setattr__(self, "_seconds", seconds)
        object.__setattr__(self, "_singles", singles)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_max_len", longest)
        object.__setattr__(self, "first_keys", frozenset(index))
        object.__setattr__(self, "articles", frozenset(self.folds.values()))

    #: the case-folded words (articles): a form they open yields to a longer name one token later (set in
    #: __post_init__).
    articles: frozenset[str] = field(init=False, default=frozenset(), compare=False, repr=False)
    #: every normalized first token of a form: a token outside it starts no match (set in __post_init__).
    first_keys: frozenset[str] = field(init=False, default=frozenset(), compare=False, repr=False)

    def keys(self, tokens: Sequence[str]) -> list[str]:
        """The lookup keys of a sentence's tokens, computed once and passed to :meth:`match_keys`."""
        folds = self.folds
        if "’" not in "".join(tokens):  # the common case: each key is a fold or the token, one C-level map
            return list(map(folds.get, tokens, tokens))
        # _key inlined: one call per token of every sentence adds up; only curly apostrophes need the call
        return [_key(t, folds) if "’" in t else folds.get(t, t) for t in tokens]

    def continues(self, keys: Sequence[str], i: int) -> bool:
        """True when a form longer than one token may start at token ``i`` (its next key goes on one)."""
        return i + 1 < len(keys) and keys[i + 1] in self._seconds.get(keys[i], ())  # type: ignore[attr-defined]

    def seconds(self, key: str) -> frozenset[str]:
        """The second keys of the forms longer than one token that start with ``key`` (none: empty):
        :meth:`continues` is true at a token exactly when the next key is one of them."""
        return self._seconds.get(key, frozenset())  # type: ignore[attr-defined,no-any-return]

    def only_longer(self, key: str) -> bool:
        """True when ``key`` starts forms, all of them longer than one token: :meth:`may_match` is then
        true exactly when the next key is one of :meth:`seconds`."""
        return key in self.first_keys and not self._singles[key]  # type: ignore[attr-defined]

    def sole_forms(self) -> dict[str, tuple[GazetteerEntry, Form]]:
        """One-token forms with a single target that is not elliptic, by key: where no longer form
        continues, :meth:`match_keys` finds exactly this target whatever the article has seen (the
        normalized article is left out: :meth:`match_keys` looks one token further after it)."""
        sole = {}
        for first, groups in self._singles.items():  # type: ignore[attr-defined]
            if first in self.articles:  # an article alone names nothing
                continue
            for _, phrases in groups:
                targets = phrases[(first,)]
                if len(targets) == 1 and targets[0][1] != "elliptic":
                    sole[first] = targets[0]
        return sole

    def may_match(self, keys: Sequence[str], i: int) -> bool:
        """False when no form starts at token ``i``: its key starts none, or it starts no one-token form
        and no longer form goes on with the next key (most "the" of a text), so no lookup is needed."""
        first = keys[i]
        if first not in self.first_keys:
            return False
        return bool(self._singles[first]) or (  # type: ignore[attr-defined]
            i + 1 < len(keys) and keys[i + 1] in self._seconds[first]  # type: ignore[attr-defined]
        )

    def match_keys(
        self, keys: Sequence[str], i: int, *, elliptic_ok: Container[str] = ()
    ) -> GazetteerHit | None:
        """:meth:`match_at` over tokens already normalized by :meth:`keys` (the fast path)."""
        hit = self._longest_keys(keys, i, elliptic_ok)
        if hit is None or keys[i] not in self.articles or i + 1 >= len(keys):
            return hit
        later = self._longest_keys(keys, i + 1, elliptic_ok)
        return None if later is not None and later.end_tok > hit.end_tok else hit

    def _longest_keys(self, keys: Sequence[str], i: int, elliptic_ok: Container[str]) -> GazetteerHit | None:
        first = keys[i]
        groups = self._index.get(first)  # type: ignore[attr-defined]
        if groups is None:
            return None
        if i + 1 >= len(keys) or keys[i + 1] not in self._seconds[first]:  # type: ignore[attr-defined]
            groups = self._singles[first]  # type: ignore[attr-defined]
        for n, phrases in groups:
            targets = phrases.get(tuple(keys[i : i + n])) if i + n <= len(keys) else None
            if targets is None:
                continue
            if len(targets) == 1 and targets[0][1] != "elliptic":  # the common case, without a filter
                return GazetteerHit(i, i + n, targets[0][0], targets[0][1], ())
            usable = tuple(t for t in targets if t[1] != "elliptic" or t[0].id in elliptic_ok)
            if usable:
                (entry, form), *rest = usable
                return GazetteerHit(i, i + n, entry, form, tuple(rest))
        return None

    def match_at(
        self, tokens: Sequence[str], i: int, *, elliptic_ok: Container[str] = ()
    ) -> GazetteerHit | None:
        """Return the longest hit that starts at token ``i``, or None.

        An article-led form yields to a name that starts one token later and runs further, so that
        "the West Bank" is West Bank (found at ``i + 1``), not "the West" + "Bank", and "the South China
        Sea" is not "the South".

        Args:
            tokens: token texts of one sentence.
            i: the start index.
            elliptic_ok: ids of entries already mentioned in full in the article; only their elliptic
                forms ("the North") may match, because such forms are ambiguous out of context.
        """
        window = self.keys(tokens[i : i + self._max_len + 1])  # type: ignore[attr-defined]
        hit = self.match_keys(window, 0, elliptic_ok=elliptic_ok)
        if hit is None:
            return None
        return GazetteerHit(hit.start_tok + i, hit.end_tok + i, hit.entry, hit.form, hit.alternatives)

    def compound_head(self, token: str) -> tuple[GazetteerEntry, Form, str] | None:
        """Read a hyphenated compound whose first part is a one-token form: "U.S.-led", "Iran-backed".

        The segmenter keeps such compounds as one token, so ``find_all`` cannot see the name inside;
        mentions use this to give "Iran-backed militias" a country. Returns (entry, form, the part
        after the hyphen) or None; only a lower-case remainder counts, so "Guinea-Bissau" is not split.
        """
        head, sep, rest = token.rpartition("-")
        if not sep or not head or not rest or not rest.islower():
            return None
        for phrase, targets in self.by_first.get(_key(head, self.folds), ()):
            if len(phrase) == 1 and targets[0][1] != "elliptic":
                return targets[0][0], targets[0][1], rest
        return None

    def find_all(self, tokens: Sequence[str], *, elliptic_ok: Container[str] = ()) -> list[GazetteerHit]:
        """Scan left to right and return non-overlapping longest matches (linear in ``len(tokens)``)."""
        hits: list[GazetteerHit] = []
        keys = self.keys(tokens)
        i = 0
        while i < len(tokens):
            hit = self.match_keys(keys, i, elliptic_ok=elliptic_ok)
            if hit is None:
                i += 1
            else:
                hits.append(hit)
                i = hit.end_tok
        return hits


def _build_gazetteer(entries: Sequence[GazetteerEntry], folded: Iterable[str] = ()) -> Gazetteer:
    """Index every surface form of every entry by its first (normalized) token; ``folded`` lists the
    lower-case words matched whatever their case."""
    folds = case_folds(folded)
    phrases: dict[tuple[str, ...], list[tuple[GazetteerEntry, Form]]] = {}
    for entry in entries:
        for text, form in entry.forms():
            key = tuple(_key(t, folds) for t in phrase_tokens(text))
            if key and (entry, form) not in phrases.setdefault(key, []):
                phrases[key].append((entry, form))
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[tuple[GazetteerEntry, Form], ...]]]] = {}
    for key, targets in phrases.items():
        by_first.setdefault(key[0], []).append((key, tuple(targets)))
    frozen = {k: tuple(sorted(v, key=lambda item: -len(item[0]))) for k, v in by_first.items()}
    return Gazetteer(MappingProxyType(frozen), MappingProxyType(folds))


# --------------------------------------------------------------------------- word lists


@dataclass(frozen=True)
class WordEntry:
    """One word-list entry: its text, lower-cased tokens and free attributes (sector, kind, ...)."""

    text: str
    tokens: tuple[str, ...]
    attrs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class WordList:
    """A named list of words or phrases (``@name`` in patterns), matched case-insensitively."""

    name: str
    entries: tuple[WordEntry, ...]
    description: str = ""

    def __post_init__(self) -> None:
        index = {entry.tokens: entry for entry in self.entries}  # a later definition overrides
        lengths: dict[str, set[int]] = {}
        for tokens in index:
            lengths.setdefault(tokens[0], set()).add(len(tokens))
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_max_len", max((len(t) for t in index), default=0))
        # first word → entry lengths, longest first: a position whose word starts no entry costs one lookup
        object.__setattr__(self, "_lengths", {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()})
        # first word → second words of its longer entries: a next word outside them leaves one-word entries
        seconds: dict[str, set[str]] = {}
        for tokens in index:
            if len(tokens) > 1:
                seconds.setdefault(tokens[0], set()).add(tokens[1])
        object.__setattr__(self, "_seconds", {k: frozenset(v) for k, v in seconds.items()})

    def lookup(self, tokens: Sequence[str]) -> WordEntry | None:
        """Return the entry whose tokens equal ``tokens`` (any case), or None."""
        return self._index.get(tuple([_lower_key(t) for t in tokens]))  # type: ignore[attr-defined]

    def contains_phrase(self, tokens: Sequence[str]) -> bool:
        """True when ``tokens`` (any case) is exactly one entry of this list."""
        return self.lookup(tokens) is not None

    def match_at(self, tokens: Sequence[str], i: int) -> WordEntry | None:
        """Return the longest entry that starts at token ``i``, or None."""
        first = _lower_key(tokens[i])
        lengths = self._lengths.get(first)  # type: ignore[attr-defined]
        if lengths is None:
            return None
        index = self._index  # type: ignore[attr-defined]
        if lengths[0] > 1 and (
            i + 1 >= len(tokens) or _lower_key(tokens[i + 1]) not in self._seconds[first]  # type: ignore[attr-defined]
        ):
            return index.get((first,))  # no longer entry continues with the next word
        window = [_lower_key(t) for t in tokens[i : i + lengths[0]]]  # keyed once, longest first
        for n in lengths:
            entry = index.get(tuple(window[:n])) if n <= len(window) else None
            if entry is not None:
                return entry
        return None

    def match_keys(self, keys: Sequence[str], i: int) -> WordEntry | None:
        """:meth:`match_at` over tokens already keyed by :func:`lower_key` (a sentence's keys, computed
        once, instead of keying the window again at every look-up)."""
        first = keys[i]
        lengths = self._lengths.get(first)  # type: ignore[attr-defined]
        if lengths is None:
            return None
        index = self._index  # type: ignore[attr-defined]
        seconds = self._seconds  # type: ignore[attr-defined]
        if lengths[0] > 1 and (i + 1 >= len(keys) or keys[i + 1] not in seconds[first]):
            return index.get((first,))
        for n in lengths:
            entry = index.get(tuple(keys[i : i + n])) if i + n <= len(keys) else None
            if entry is not None:
                return entry
        return None

    def texts(self) -> frozenset[str]:
        """The lower-cased entry texts, for quick single-word membership tests."""
        return frozenset(" ".join(e.tokens) for e in self.entries)


# --------------------------------------------------------------------------- the lexicon


@dataclass(frozen=True)
class Lexicon:
    """Everything in ``rules/lexicon``: the gazetteer, its entries by global id, and the word lists."""

    gazetteer: Gazetteer
    entries_by_id: Mapping[str, GazetteerEntry]
    wordlists: Mapping[str, WordList]
    files: tuple[str, ...] = ()
    #: per word-list file: (its path, the list names it defines, its examples), for run_example.
    wordlist_files: tuple[tuple[str, tuple[str, ...], Any], ...] = ()

    def wordlist(self, name: str) -> WordList:
        """Return the word list ``name``; a RuleError names the lists that exist when it is missing."""
        try:
            return self.wordlists[name]
        except KeyError:
            known = ", ".join(sorted(self.wordlists))
            raise RuleError(f"unknown word list @{name}; expected one of: {known}") from None


#: The word list of words that open gazetteer forms and match whatever their case ("The Hague").
CASE_FOLDED_LIST = "gazetteer_case_folded"


def default_lexicon_dir() -> Path:
    """The shipped ``rules/lexicon`` directory."""
    return data_path("rules") / "lexicon"


def load_lexicon(dirs: Sequence[Path] = ()) -> Lexicon:
    """Load the shipped lexicon plus ``dirs`` (later directories override and extend earlier ones).

    Args:
        dirs: extra lexicon directories; the shipped one is always loaded first.

    Returns:
        The compiled lexicon (cached per directory tuple).

    Raises:
        RuleError: a file is malformed, with its path and line.
    """
    resolved = (default_lexicon_dir().resolve(), *(Path(d).resolve() for d in dirs))
    return _load_cached(tuple(dict.fromkeys(resolved)))


@cache
def _load_cached(dirs: tuple[Path, ...]) -> Lexicon:
    entries: dict[str, GazetteerEntry] = {}
    lists: dict[str, list[WordEntry]] = {}
    descriptions: dict[str, str] = {}
    files: list[str] = []
    wordlist_files: list[tuple[str, tuple[str, ...], Any]] = []
    for layer, directory in enumerate(dirs):
        seen_here: dict[str, str] = {}
        for path in sorted(directory.glob("*.yaml")):
            files.append(str(path))
            doc = _load_file(path, entries, seen_here, lists, descriptions, override=layer > 0)
            if doc.get("kind") == "wordlists":
                wordlist_files.append((str(path), tuple(str(n) for n in doc["lists"]), doc.get("examples")))
    wordlists = {
        name: WordList(name, tuple(items), descriptions.get(name, "")) for name, items in lists.items()
    }
    return Lexicon(
        gazetteer=_build_gazetteer(
            tuple(entries.values()), (w.text.lower() for w in lists.get(CASE_FOLDED_LIST, ()))
        ),
        entries_by_id=MappingProxyType(entries),
        wordlists=MappingProxyType(wordlists),
        files=tuple(files),
        wordlist_files=tuple(wordlist_files),
    )


def _load_file(
    path: Path,
    entries: dict[str, GazetteerEntry],
    seen_here: dict[str, str],
    lists: dict[str, list[WordEntry]],
    descriptions: dict[str, str],
    *,
    override: bool,
) -> Mapping[str, Any]:
    """Add one lexicon file's content and return the parsed file; files of other kinds (inflections, ...)
    are left to their own loaders so every language-data file can share the folder."""
    doc = load_yaml_with_lines(path)
    if not isinstance(doc, dict):
        raise RuleError("a lexicon file must be a mapping with `kind`, `id` and content", Location(str(path)))
    kind = doc.get("kind")
    if kind == "gazetteer":
        for entry in _parse_gazetteer(path, doc):
            _add_entry(entry, entries, seen_here, override=override)
    elif kind == "wordlists":
        for name, description, items in _parse_wordlists(path, doc):
            lists.setdefault(name, []).extend(items)
            descriptions.setdefault(name, description)
    return doc


def _add_entry(
    entry: GazetteerEntry, entries: dict[str, GazetteerEntry], seen_here: dict[str, str], *, override: bool
) -> None:
    """Refuse a global id defined twice in one directory; across directories the later one wins."""
    if entry.id in seen_here:
        raise RuleError(
            f"duplicate gazetteer id {entry.id!r} (first defined in {seen_here[entry.id]}); ids must be unique",
            Location(entry.source, entry.line),
        )
    seen_here[entry.id] = entry.source
    if entry.id in entries and not override:
        raise RuleError(f"duplicate gazetteer id {entry.id!r}", Location(entry.source, entry.line))
    entries[entry.id] = entry


def _file_id(path: Path, doc: Mapping[str, Any]) -> str:
    file_id = doc.get("id")
    if not isinstance(file_id, str) or not file_id:
        raise RuleError("missing top-level `id` (a string such as lexicon.countries)", Location(str(path), 1))
    return file_id


def _parse_gazetteer(path: Path, doc: Mapping[str, Any]) -> Iterator[GazetteerEntry]:
    file_id = _file_id(path, doc)
    raw_entries = doc.get("entries")
    if not isinstance(raw_entries, list):
        raise RuleError("a gazetteer needs an `entries:` list", Location(str(path), _line_of(doc)))
    for raw in raw_entries:
        yield _parse_entry(path, file_id, raw)


def _strings(path: Path, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"`{key}` must be a list of non-empty strings, got {value!r}", Location(str(path), _line_of(raw)))
    return tuple(value)


def _optional_str(path: Path, raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise RuleError(f"`{key}` must be a string, got {value!r}", Location(str(path), _line_of(raw)))
    return value


def _parse_entry(path: Path, file_id: str, raw: Any) -> GazetteerEntry:
    """Check one gazetteer entry and turn it into a :class:`GazetteerEntry`."""
    where = Location(str(path), _line_of(raw))
    if not isinstance(raw, dict):
        raise RuleError(f"a gazetteer entry must be a mapping, got {raw!r}", where)
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise RuleError(f"unknown entry field(s) {unknown}; expected some of {sorted(_ENTRY_KEYS)}", where)
    for key in ("id", "name", "type"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise RuleError(f"gazetteer entry needs a string `{key}`, got {raw.get(key)!r}", where)
    if raw["type"] not in _ACTOR_TYPES:
        raise RuleError(f"entry type {raw['type']!r} is not one of {sorted(_ACTOR_TYPES)}", where)
    return GazetteerEntry(
        id=f"{file_id}.{raw['id']}",
        local_id=raw["id"],
        name=raw["name"],
        type=raw["type"],
        source=str(path),
        line=where.line,
        **{key: _optional_str(path, raw, key) for key in ("country", "sector", "wikidata", "affiliation", "subtype")},
        **{
            key: _strings(path, raw, key)
            for key in ("aliases", "demonyms", "people", "metonyms", "elliptic", "ambiguous")
        },
    )


def _parse_wordlists(path: Path, doc: Mapping[str, Any]) -> Iterator[tuple[str, str, list[WordEntry]]]:
    _file_id(path, doc)
    lists = doc.get("lists")
    if not isinstance(lists, dict):
        raise RuleError("a wordlists file needs a `lists:` mapping of name → {entries}", Location(str(path), _line_of(doc)))
    for name, body in lists.items():
        where = Location(str(path), _line_of(body) or _line_of(lists))
        if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
            raise RuleError(f"word list {name!r} needs an `entries:` list", where)
        items = [parse_word_entry(path, body, item) for item in body["entries"]]
        yield str(name), str(body.get("description", "")), items


def parse_word_entry(path: Path, body: Mapping[str, Any], item: Any) -> WordEntry:
    """A word-list entry is a string or a mapping ``{text: ..., <attribute>: ...}``."""
    if isinstance(item, str):
        text, attrs = item, {}
    elif isinstance(item, dict) and isinstance(item.get("text"), str):
        text, attrs = item["text"], {k: v for k, v in item.items() if k != "text"}
    else:
        raise RuleError(
            f"word-list entry must be a string or a mapping with `text`, got {item!r}",
            Location(str(path), _line_of(item) or _line_of(body)),
        )
    tokens = tuple(_lower_key(t) for t in phrase_tokens(text))
    if not tokens:
        raise RuleError(f"empty word-list entry {item!r}", Location(str(path), _line_of(body)))
    return WordEntry(text, tokens, MappingProxyType(attrs))


# --------------------------------------------------------------------------- examples of word-list files

#: expect keys that select rather than compare: the list to look in and the entry text.
_EXAMPLE_SELECTORS = ("list", "entry", "word")


def run_example(data: Mapping[str, Any], example: Mapping[str, Any], lexicon: Lexicon | None = None) -> tuple[bool, str]:
    """Check one example of a ``kind: wordlists`` file against the word lists (used by ``aec rules test``).

    The example's text is segmented, every entry of the file's lists found in it is collected, and the
    example holds when one found entry satisfies ``expect``: ``list`` names the list, ``entry``/``word``
    the entry text, ``titles`` entries of @titles that must all occur, and any other key an attribute
    value. Keys no found entry carries (``actor``, ``sentences``, ...) are checked by other stages, not here.

    Args:
        data: the file's content, or at least its ``examples`` (the file is then found by them).
        example: ``{text, expect?}``.
        lexicon: defaults to the shipped lexicon.

    Returns:
        (whether something matched and satisfied ``expect``, a short description of what was found).
    """
    lex = lexicon or load_lexicon()
    expect = dict(example.get("expect") or {})
    names = _example_lists(lex, data, expect)
    found = _found_entries(lex, names, str(example.get("text", "")))
    candidates = [(n, e) for n, e in found if _selected(e, expect)]
    ok = bool(candidates) and _titles_present(found, expect) and all(
        _attribute_holds(candidates, key, value)
        for key, value in expect.items()
        if key not in _EXAMPLE_SELECTORS and key != "titles"
    )
    return ok, "; ".join(f"@{n}: {e.text}" for n, e in found) or "no word-list entry found"


def _example_lists(lex: Lexicon, data: Mapping[str, Any], expect: Mapping[str, Any]) -> tuple[str, ...]:
    """The lists an example is about: ``expect.list``, else the file's own lists, else all of them."""
    if isinstance(expect.get("list"), str):
        return (expect["list"],)
    if isinstance(data.get("lists"), Mapping):
        return tuple(str(n) for n in data["lists"])
    for _path, names, examples in lex.wordlist_files:
        if examples is not None and examples == data.get("examples"):
            return names
    return tuple(lex.wordlists)


def _found_entries(lex: Lexicon, names: Sequence[str], text: str) -> list[tuple[str, WordEntry]]:
    from .segment import segment  # lazy: only `aec rules test` needs the segmenter

    found: list[tuple[str, WordEntry]] = []
    for sentence in segment(text).sentences:
        tokens = [t.text for t in sentence.tokens]
        for name in names:
            words = lex.wordlists.get(name)
            for i in range(len(tokens)) if words else ():
                entry = words.match_at(tokens, i)  # type: ignore[union-attr]
                if entry is not None:
                    found.append((name, entry))
    return found


def _selected(entry: WordEntry, expect: Mapping[str, Any]) -> bool:
    wanted = expect.get("entry", expect.get("word"))
    return wanted is None or phrase_tokens(str(wanted).lower()) == entry.tokens


def _titles_present(found: Sequence[tuple[str, WordEntry]], expect: Mapping[str, Any]) -> bool:
    texts = {e.tokens for n, e in found if n == "titles"}
    return all(tuple(t.lower() for t in phrase_tokens(title)) in texts for title in expect.get("titles", ()))


def _attribute_holds(candidates: Sequence[tuple[str, WordEntry]], key: str, value: Any) -> bool:
    carriers = [e for _n, e in candidates if key in e.attrs]
    if not carriers:
        return True  # not a word-list attribute: another stage checks it
    wanted = value if isinstance(value, list) else [value]
    return any(all(_has_value(e.attrs[key], w) for w in wanted) for e in carriers)


def _has_value(attr: Any, wanted: Any) -> bool:
    values = attr if isinstance(attr, list) else [attr]
    return any(str(v).lower() == str(wanted).lower() for v in values)
