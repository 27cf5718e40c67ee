"""Actor recognizers: within one sentence, propose token ranges that name an actor.

Recognizers read the sentence's units (:mod:`converter.actor_units`) and the word lists
(:mod:`converter.actor_words`), and propose :class:`Candidate` token ranges with a :class:`Spec` of the
actor they name; the words live in ``rules/actors/*.yaml`` and ``rules/lexicon/*.yaml`` (``titles``,
``group_nouns``, ``org_head_nouns``, ... and the gazetteers). :mod:`converter.mentions` settles overlaps
between candidates, registers actors and resolves coreference across sentences.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import NamedTuple, Protocol

from lark import Tree

from .actor_units import Unit, is_capitalized, longest_parse, name_case, title_case
from .actor_words import ActorWords, attr, first_words
from .lexicon import GazetteerEntry, WordEntry, lower_key
from .model import ActorType, Sentence, Span, built

_OWNER = frozenset({"DEMONYM", "COUNTRY", "ORG"})
_CAT, _TEXT = itemgetter(0), itemgetter(3)  # Unit.cat, Unit.text
_PERSON_WINDOW = 6  # units between a candidate start and its first title


# --------------------------------------------------------------------------- candidates


class Spec(NamedTuple):
    """What a candidate says about its actor; the registry turns it into (or merges it with) an actor.

    An immutable named tuple rather than a frozen dataclass (as :class:`Unit`): recognizers build
    several per sentence, and a frozen dataclass sets each of its eleven fields through
    ``object.__setattr__``, several times slower. Change one with ``spec._replace(...)``.
    """

    type: ActorType
    name: str
    rule: str
    key: str | None = None
    country: str | None = None
    sector: str | None = None
    titles: tuple[str, ...] = ()
    affiliation: str | None = None
    wikidata: str | None = None
    alias: str | None = None
    entry_id: str | None = None


class Candidate(NamedTuple):
    """A token range ``[start, end)`` of one sentence that names an actor.

    ``priority`` comes from the rule's ``params.priority`` in rules/actors (lower wins an overlap).
    A named tuple for the reason :class:`Spec` is one.
    """

    start: int
    end: int
    spec: Spec
    priority: int = 9

    @property
    def rank(self) -> tuple[int, int, int]:
        """Overlap order: rule priority, then the longer span, then the earlier."""
        return (self.priority, self.start - self.end, self.start)


@dataclass(frozen=True)
class Enrichment:
    """Extra titles/affiliation an appositive gives the person whose name ends at token ``name_end``."""

    name_end: int
    titles: tuple[str, ...]
    affiliation: str | None
    country: str | None
    sector: str | None


@dataclass
class SentenceView:
    """One sentence being read: its tokens, their texts, units and the article text.

    The derived fields are computed once per sentence because every recognizer asks the same
    questions (is this word in a list, is there a title at all): with them a recognizer skips a
    sentence, or all positions but a few, through set operations instead of a loop per unit.
    """

    sentence: Sentence
    texts: list[str]
    units: list[Unit]
    text: str
    #: token texts lower-cased, and keyed for word-list look-ups (curly apostrophes straight)
    lowers: list[str] = field(init=False, repr=False)
    keys: list[str] = field(init=False, repr=False)
    #: unit texts as written, and lower-cased
    unit_texts: list[str] = field(init=False, repr=False)
    unit_lowers: list[str] = field(init=False, repr=False)
    #: unit categories, in order and as a set
    cats: list[str] = field(init=False, repr=False)
    cat_set: frozenset[str] = field(init=False, repr=False)
    _at: dict[str | tuple[str, ...], list[int]] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # map over a C method or itemgetter: no Python-level loop per token
        self.lowers = list(map(str.lower, self.texts))
        self.keys = [lower_key(t) for t in self.texts] if "’" in "".join(self.texts) else self.lowers
        if len(self.units) == len(self.texts):  # units cover the tokens in order: here one token each
            self.unit_texts, self.unit_lowers = self.texts, self.lowers
        else:
            self.unit_texts = list(map(_TEXT, self.units))
            self.unit_lowers = list(map(str.lower, self.unit_texts))
        self.cats = list(map(_CAT, self.units))
        self.cat_set = frozenset(self.cats)
        self._at = None

    def at(self, *cats: str) -> list[int]:
        """Indexes of the units of categories ``cats``, in order (shared: callers only read it). Each
        category's (or set of categories') list is built once: several recognizers start only at names
        (or titles, or countries)."""
        index = self._at
        if index is None:  # one scan for every category at once, on the first question
            index = self._at = {}
            for i, cat in enumerate(self.cats):
                positions = index.get(cat)
                if positions is None:
                    index[cat] = [i]
                else:
                    positions.append(i)
        key = cats[0] if len(cats) == 1 else cats
        found = index.get(key)
        if found is None:  # an absent category, or a set of them: merged once and kept
            found = []
            if len(cats) > 1:
                for cat in cats:
                    found += index.get(cat, ())
                found.sort()
            index[key] = found
        return found

    def surface(self, start: int, end: int) -> str:
        """The article text of tokens ``[start, end)``, spacing as written."""
        tokens = self.sentence.tokens
        return self.text[tokens[start].span.start : tokens[end - 1].span.end]

    def span(self, start: int, end: int) -> Span:
        """The character span of tokens ``[start, end)``."""
        tokens = self.sentence.tokens
        return _span(tokens[start].span.start, tokens[end - 1].span.end)


def _span(start: int, end: int) -> Span:
    """``Span(start, end)``, made for every actor mention: see :func:`converter.model.built`."""
    return built(Span, start=start, end=end)


def entry_key(entry: GazetteerEntry) -> str:
    """Stable key of a gazetteer actor: its canonical name and type."""
    return f"{entry.name.lower()}|{entry.type}"


def entry_spec(entry: GazetteerEntry, rule: str = "actors.gazetteer") -> Spec:
    """The spec of a gazetteer actor: its canonical name, type, country, sector and Wikidata id.

    Built once per entry and rule (it depends on nothing else): the same few countries and
    organizations are named in sentence after sentence.
    """
    cached = _ENTRY_SPECS.get((id(entry), rule))
    if cached is not None and cached[0] is entry:
        return cached[1]
    spec = Spec(
        type=entry.type,  # type: ignore[arg-type]
        name=entry.name,
        rule=rule,
        key=entry_key(entry),
        country=entry.country,
        sector=entry.sector,
        wikidata=entry.wikidata,
        entry_id=entry.id,
    )
    if len(_ENTRY_SPECS) >= _ENTRY_SPECS_MAX:
        _ENTRY_SPECS.clear()
    _ENTRY_SPECS[(id(entry), rule)] = (entry, spec)  # the entry is kept alive, so its id is not reused
    return spec


_ENTRY_SPECS: dict[tuple[int, str], tuple[GazetteerEntry, Spec]] = {}
_ENTRY_SPECS_MAX = 1 << 14


class Known(Protocol):
    """What recognizers may ask about the actors already found (implemented by the mentions registry)."""

    def alias(self, text: str) -> Spec | None:
        """The actor an acronym defined earlier in the article stands for."""

    def person_word(self, word: str) -> str | None:
        """The key of the latest person whose first or last name word is ``word``."""


# --------------------------------------------------------------------------- recognizers: people


class _Parsed:
    """A person-grammar tree with its subtrees indexed by rule name once. The recognizers ask for
    several (name, title, qualifier, affiliation, owner) and each ``Tree.find_data`` walks the whole
    tree; :meth:`find_data` gives the same subtrees in the same order from the index."""

    __slots__ = ("_by_data", "tree")

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._by_data: dict[str, list[Tree]] = {}
        for sub in tree.iter_subtrees():
            self._by_data.setdefault(sub.data, []).append(sub)

    def find_data(self, data: str) -> Iterator[Tree]:
        return iter(self._by_data.get(data, ()))


def _title_units(tree: _Parsed, s: SentenceView) -> list[Unit]:
    return [s.units[i] for t in tree.find_data("title") for i in _indexes(t)]


def _title_sector(titles: Sequence[Unit]) -> str | None:
    """The sector the first title that implies one implies ("Maj. Gen." → military)."""
    return next((str(attr(t.entry, "sector")) for t in titles if attr(t.entry, "sector")), None)


def _titles_from(tree: _Parsed, s: SentenceView) -> tuple[list[str], str | None]:
    """Titles as written (a qualifier such as "Defense" joins the first title) and their implied sector."""
    units = _title_units(tree, s)
    titles = [s.surface(t.start, t.end) for t in units]
    qualifier = next(tree.find_data("qualifier"), None)
    if qualifier is not None and titles:
        q = _indexes(qualifier)
        titles[0] = f"{s.surface(s.units[q[0]].start, s.units[q[-1]].end)} {titles[0]}"
    return titles, _title_sector(units)


def _indexes(tree: Tree) -> list[int]:
    """Unit indexes of the terminals under ``tree``, in order (``Tree.scan_values`` without its nested
    generators: this runs several times per parsed name)."""
    found: list[int] = []
    for child in tree.children:
        if isinstance(child, Tree):
            found += _indexes(child)
        elif hasattr(child, "start_pos"):
            found.append(child.start_pos)
    return found


def _name_ok(s: SentenceView, first: int, last: int, words: ActorWords) -> bool:
    """A person's name has title-case words (initials aside) and never ends in an organization or place
    head ("General Assembly", "Kursk Region"); all-capital words are headline text ("KYIV MAYOR SPEAKS").
    A particle-prefixed word is read by its stem ("Maj. Gen. Ahmed al-Mismari")."""
    names = [u.text for u in s.units[first : last + 1] if u.cat == "NAME"]
    if not all(name_case(n, words) or _initial(n) for n in names):
        return False
    end_word = s.units[last].text
    return end_word not in words.exact("org_head_nouns") and end_word.lower() not in words.texts(
        "place_heads"
    )


def titled_people(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.person.titled``: [owner] title+ name, parsed by ``person.lark``."""
    if "TITLE" not in s.cat_set:
        return
    if "POSS" in s.cat_set and "COMMA" in s.cat_set:  # first: on a tie with a titled name it wins
        yield from _fronted_people(s, words)
    resume = 0  # the unit after the last parse: parses do not overlap
    for u in _titled_starts(_named_titles(s.cats, s.at("TITLE"))):
        tree = _titled_at(s, u) if u >= resume else None
        if tree is not None:
            parsed = _indexes(tree)
            yield from list(_titled_candidates(s, _Parsed(tree), parsed, words))
            resume = max(parsed) + 1


def _fronted_people(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.person.titled`` with the owner's title fronted before a comma: "Kenya's interior
    minister, Kipchumba Murkomen" (``fronted`` in person.lark) is Kenya's, as "Kenyan Interior Minister
    Kipchumba Murkomen" is; the longer reading wins over the titled name after the comma."""
    cats = s.cats
    for p in s.at("POSS"):
        if 0 < p < len(cats) - 1 and cats[p + 1] == "TITLE":
            tree = longest_parse(s.units, _owner_start(cats, p), "fronted")
            yield from _fronted_candidates(s, _Parsed(tree), words) if tree is not None else ()


def _owner_start(cats: Sequence[str], poss: int) -> int:
    """The first unit of the owner before the 's at ``poss``: the listed owner, or up to three names."""
    u = poss - 1
    while cats[u] == "NAME" and u > 0 and cats[u - 1] == "NAME" and poss - u < 3:
        u -= 1
    return u


def _fronted_candidates(s: SentenceView, tree: _Parsed, words: ActorWords) -> list[Candidate]:
    """The person of a fronted parse, and its listed owner as an actor of its own."""
    name_idx = _indexes(next(tree.find_data("name")))
    parsed, after = _indexes(tree.tree), name_idx[-1] + 1
    if not _name_ok(s, name_idx[0], name_idx[-1], words) or (after < len(s.units) and s.cats[after] in _NAMES):
        return []
    if any(s.cats[i] == "PERSONNAME" for i in parsed[: parsed.index(name_idx[0])]):
        return []  # "Putin's spokesman, Dmitry Peskov": the owner is a person, an actor of its own
    title_units = _title_units(tree, s)
    titles, sector = tuple(s.surface(t.start, t.end) for t in title_units), _title_sector(title_units)
    found, start, country, affiliation = [], s.units[parsed[0]].start, None, None
    owner = next(tree.find_data("owner"), None)
    unit = s.units[_indexes(owner)[0]] if owner is not None else None
    if unit is not None and isinstance(unit.entry, GazetteerEntry):
        # a listed owner keeps its mention and the title phrase is an appositive: the person's mention
        # starts after the comma, as "Pat Ryder" before ", the Pentagon press secretary" (claims read
        # ", X, said" so), with any title there ("Sheikh Tamim bin Hamad al-Thani")
        comma = next(i for i in parsed if s.cats[i] == "COMMA")
        country, sector, start = unit.entry.country, sector or unit.entry.sector, s.units[comma + 1].start
        if unit.cat != "DEMONYM":
            found.append(Candidate(unit.start, unit.end, entry_spec(unit.entry)))
            affiliation = entry_key(unit.entry)
    # an unlisted owner is no actor of its own: as a titled name's qualifier, it stays in the mention
    spec = _person_spec(s, name_idx, "actors.person.titled", titles, sector, country, affiliation)
    return [*found, Candidate(start, s.units[name_idx[-1]].end, spec)]


def _titled_starts(titles: Sequence[int]) -> list[int]:
    """Units a titled parse may start at: its first title (of those at ``titles``) stands fewer than
    ``_PERSON_WINDOW`` units on (see :func:`_may_be_titled`), so only the few units before each title
    need trying."""
    return sorted({u for t in titles for u in range(max(0, t - _PERSON_WINDOW + 1), t + 1)})


def _named_titles(cats: Sequence[str], titles: Sequence[int]) -> list[int]:
    """The titles (of those at ``titles``) whose run of titles a name follows. A titled parse needs one
    (:func:`_may_be_titled`: the first title it reaches, then titles, then a name), and most titles in
    news text stand before no name ("the minister said"), so their starts need no trying at all."""
    named, n = [], len(cats)
    for t in titles:
        v = t + 1
        while v < n and cats[v] == "TITLE":
            v += 1
        if v < n and cats[v] in _NAMES:
            named.append(t)
    return named


def _titled_at(s: SentenceView, u: int) -> Tree | None:
    if not _may_be_titled(s.units, u):
        return None
    return longest_parse(s.units, u, "titled")


_NAMES = ("NAME", "PERSONNAME")


def _may_be_titled(units: Sequence[Unit], u: int) -> bool:
    """A cheap test of the shape ``person.lark`` needs from ``u`` — [owner] [names] ['s] title+ name —
    so the parser only runs where it can succeed (it would fail on most starts of a sentence)."""
    n, v = len(units), u
    if units[v].cat in _OWNER:
        v += 1
    while v < n and units[v].cat in _NAMES:
        v += 1
    if v < n and units[v].cat == "POSS":
        v += 1
    if v >= n or units[v].cat != "TITLE" or v - u >= _PERSON_WINDOW:
        return False
    while v < n and units[v].cat == "TITLE":
        v += 1
    return v < n and units[v].cat in _NAMES


def _titled_candidates(
    s: SentenceView, tree: _Parsed, parsed: Sequence[int], words: ActorWords
) -> Iterator[Candidate]:
    """The person (and its owner, an actor of its own) of a titled parse whose units are ``parsed``."""
    name_idx = _indexes(next(tree.find_data("name")))
    first_title = _indexes(next(tree.find_data("title")))[0]
    if not _name_ok(s, name_idx[0], name_idx[-1], words):
        return
    owner = _owner_unit(tree, s)
    kinds = {attr(s.units[i].entry, "kind") for i in parsed if s.units[i].cat == "TITLE"}
    first = parsed[0]
    owned = first > 0 and s.units[first - 1].text.lower() in words.texts("possessive_determiners")
    after_article = first > 0 and s.units[first - 1].cat == "DET" and not owned
    known = _known_person(s, name_idx)
    if owner is None and kinds == {"role"} and (after_article or (len(name_idx) < 2 and known is None)):
        return  # "the official Xinhua": after an article a role noun needs an owner ("the army spokesman X");
        # "his spokesman Hussein Mohamed" has one: the possessor, set once the pronoun is resolved
    titles, sector = _titles_from(tree, s)
    start = s.units[first].start
    affiliation = country = None
    if owner is not None and isinstance(owner.entry, GazetteerEntry):
        country, sector = owner.entry.country, sector or owner.entry.sector
        if owner.cat != "DEMONYM":  # the owner is an actor of its own; the person mention starts after it
            yield Candidate(owner.start, owner.end, entry_spec(owner.entry))
            affiliation = entry_key(owner.entry)
            start = s.units[_after_owner(tree, first_title)].start
    spec = _person_spec(s, name_idx, "actors.person.titled", tuple(titles), sector, country, affiliation)
    yield Candidate(start, s.units[name_idx[-1]].end, spec)


def _known_person(s: SentenceView, name_idx: Sequence[int]) -> GazetteerEntry | None:
    """The gazetteer entry when the parsed name ends in a public figure's unit ("Macron", "Vladimir
    Putin", "Tony Blinken" where only "Blinken" is listed)."""
    unit = s.units[name_idx[-1]]
    if unit.cat == "PERSONNAME" and isinstance(unit.entry, GazetteerEntry):
        return unit.entry
    return None


def _person_spec(
    s: SentenceView,
    name_idx: Sequence[int],
    rule: str,
    titles: tuple[str, ...],
    sector: str | None,
    country: str | None,
    affiliation: str | None,
) -> Spec:
    """A titled or appositive person; a known public figure keeps the gazetteer's name, key and ids, so
    "President Macron" and a later bare "Macron" are one actor."""
    entry = _known_person(s, name_idx)
    if entry is not None:
        base = entry_spec(entry, rule)
        return base._replace(
            titles=titles,
            sector=base.sector or sector,
            country=base.country or country,
            affiliation=affiliation,
        )
    name = s.surface(s.units[name_idx[0]].start, s.units[name_idx[-1]].end)
    return Spec("person", name, rule, titles=titles, sector=sector, country=country, affiliation=affiliation)


def _owner_unit(tree: _Parsed, s: SentenceView) -> Unit | None:
    affiliation = next(tree.find_data("affiliation"), None)
    if affiliation is None:
        return None
    first = s.units[_indexes(affiliation)[0]]
    return first if first.cat in _OWNER else None


def _after_owner(tree: _Parsed, first_title: int) -> int:
    """The first unit after the owner and its possessive: the qualifier if any, else the first title."""
    qualifier = next(tree.find_data("qualifier"), None)
    return _indexes(qualifier)[0] if qualifier is not None else first_title


def appositions(s: SentenceView, words: ActorWords) -> Iterator[tuple[Candidate, Enrichment]]:
    """``actors.person.apposition``: name , [det] modifiers title — the title describes the name."""
    if "TITLE" not in s.cat_set or "COMMA" not in s.cat_set:
        return
    cats = s.cats
    for u in s.at("NAME", "PERSONNAME"):
        if u > 0 and cats[u - 1] in ("NAME", "PARTICLE"):
            continue
        run_end = u + 1 if cats[u] == "PERSONNAME" else _name_run_end(s.units, u)
        # the comma first: most names are followed by none, and need no window of units
        if (
            run_end < len(cats)
            and cats[run_end] == "COMMA"
            and "TITLE" in cats[run_end + 1 : run_end + _PERSON_WINDOW + 2]
        ):
            tree = longest_parse(s.units, u, "apposition")
            found = _apposition(s, _Parsed(tree), words) if tree is not None else None
            if found is not None:
                yield found


def _apposition(s: SentenceView, tree: _Parsed, words: ActorWords) -> tuple[Candidate, Enrichment] | None:
    name_idx = _indexes(next(tree.find_data("name")))
    after = max(_indexes(tree.tree)) + 1
    if not _name_ok(s, name_idx[0], name_idx[-1], words):
        return None
    if after < len(s.units) and s.units[after].cat in ("NAME", "PERSONNAME"):
        return None  # "Lloyd Austin, Secretary of State Antony Blinken": the title belongs to the next name
    title_units = _title_units(tree, s)
    titles = tuple(s.surface(t.start, t.end) for t in title_units)
    owners = [s.units[_indexes(o)[0]] for o in tree.find_data("owner")]
    owner = owners[0].entry if owners and isinstance(owners[0].entry, GazetteerEntry) else None
    affiliation = entry_key(owner) if owner and owners[0].cat != "DEMONYM" else None
    country, sector = (owner.country if owner else None), _title_sector(title_units)
    start, end = s.units[name_idx[0]].start, s.units[name_idx[-1]].end
    spec = _person_spec(s, name_idx, "actors.person.apposition", titles, sector, country, affiliation)
    return Candidate(start, end, spec), Enrichment(end, titles, affiliation, country, sector)


def bare_names(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.person.name``: two to four title-case name words not headed like an org or place."""
    starts = s.at("NAME")  # where _name_run_end finds a run
    if len(starts) < 2:
        return  # a name needs two name words (see _plausible_name)
    units, resume = s.units, 0
    for u in starts:
        if u < resume:
            continue  # inside the run just read
        end = _name_run_end(units, u)
        if end - u >= 2 and _plausible_name(s, u, end, words):
            name = s.surface(s.units[u].start, s.units[end - 1].end)
            yield Candidate(
                s.units[u].start, s.units[end - 1].end, Spec("person", name, "actors.person.name")
            )
        resume = end


_PLACE_LIKE = ("COUNTRY", "LOC")  # given names that are also places: "Jordan", "Chad", "Georgia", "Victoria"


def reporting_subjects(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.person.reporting_subject``: an unknown two-to-four-word name right before a reporting
    verb ("Jordan Bardella said") or an appositive title (", a lawmaker"), or right after a reporting
    verb at the clause end ("..., said Chad Ellis.").

    Unlike :func:`bare_names`, a word of the name may also be a place in the gazetteer: the speech verb
    or the title is the evidence that a person is meant. Precision guards: every word is title case, one
    word at least is an ordinary name, nothing is an organization or place head, and the run does not
    follow a capitalized word, article or title (it would be part of a longer name).
    """
    verbs = words.texts("reporting_verbs")
    commas = "TITLE" in s.cat_set  # a comma counts only with a title after it (_title_follows)
    if verbs.isdisjoint(s.unit_lowers) and not (commas and "COMMA" in s.cat_set):
        return
    cats = s.cats
    for v in [i for i, low in enumerate(s.unit_lowers) if low in verbs or (commas and cats[i] == "COMMA")]:
        verb = s.units[v]
        if verb.cat == "COMMA" and _title_follows(s.units, v):
            start = v
            while start > 0 and v - start < 4 and _name_like(s.units[start - 1], words):
                start -= 1
            placed = any(x.cat in _PLACE_LIKE for x in s.units[start:v])  # else the apposition rule reads it
            if placed and _reporting_name_ok(s, start, v, words):
                yield _reporting_candidate(s, start, v)
            continue
        if s.unit_lowers[v] not in verbs:
            continue
        start = v
        while start > 0 and v - start < 4 and _name_like(s.units[start - 1], words):
            start -= 1
        if _reporting_name_ok(s, start, v, words):
            yield _reporting_candidate(s, start, v)
        end = v + 1
        while end < len(s.units) and end - v <= 4 and _name_like(s.units[end], words):
            end += 1
        closes = end >= len(s.units) or s.units[end].cat in ("COMMA", "PUNCT")
        if closes and _reporting_name_ok(s, v + 1, end, words):
            yield _reporting_candidate(s, v + 1, end)


def _title_follows(units: Sequence[Unit], comma: int) -> bool:
    """ ", a lawmaker", ", the army spokesman", ", Brazil's foreign minister": an article or an owner,
    a few modifiers, then a title, right after the comma."""
    window = units[comma + 1 : comma + 5]
    if not window or window[0].cat not in ("DET", "DEMONYM", "COUNTRY", "ORG", "TITLE"):
        return False
    for unit in window:
        if unit.cat == "TITLE":
            return True
        if unit.cat not in ("DET", "WORD", "DEMONYM", "COUNTRY", "ORG", "POSS"):
            return False
    return False


def _name_like(unit: Unit, words: ActorWords) -> bool:
    """One title-case word that may belong to a person's name (a listed place is allowed here; so is a
    particle-prefixed word such as "al-Kuwaiti")."""
    return unit.end - unit.start == 1 and name_case(unit.text, words) and unit.cat in ("NAME", *_PLACE_LIKE)


def _reporting_name_ok(s: SentenceView, first: int, end: int, words: ActorWords) -> bool:
    run = s.units[first:end]
    if not 2 <= len(run) <= 4 or not any(x.cat == "NAME" for x in run) or not is_capitalized(run[0].text):
        return False  # a lower-case particle word continues a name, it never opens one
    if run[0].cat != "NAME" and run[-1].cat != "NAME":
        return False  # "Russia Ukraine said": two places, no name
    if first > 0 and (
        s.units[first - 1].cat in ("DET", "TITLE", "POSS") or is_capitalized(s.units[first - 1].text)
    ):
        return False  # "the Kyiv Independent said", "Pentagon Press Secretary ..."
    heads = words.exact("org_head_nouns")
    places = words.texts("place_heads")
    return not any(x.text in heads or x.text.lower() in places for x in run)


def _reporting_candidate(s: SentenceView, first: int, end: int) -> Candidate:
    start, stop = s.units[first].start, s.units[end - 1].end
    return Candidate(start, stop, Spec("person", s.surface(start, stop), "actors.person.reporting_subject"))


def _name_run_end(units: Sequence[Unit], u: int) -> int:
    """The end of the name run from ``u``: name words, and particles only between two of them
    ("Maria de la Cruz"; "Juan Carlos de la said" ends before "de")."""
    if units[u].cat != "NAME":
        return u
    end = u + 1
    while end < len(units):
        after = _past_particles(units, end)
        if after >= len(units) or units[after].cat != "NAME":
            break
        end = after + 1
    return end


def _past_particles(units: Sequence[Unit], u: int) -> int:
    """The first unit from ``u`` on that is not a name particle."""
    while u < len(units) and units[u].cat == "PARTICLE":
        u += 1
    return u


def _plausible_name(s: SentenceView, u: int, end: int, words: ActorWords) -> bool:
    names = [x.text for x in s.units[u:end] if x.cat == "NAME"]
    full = [n for n in names if not _initial(n)]
    if (
        not 2 <= len(names) <= 4
        or len(full) < 2
        or not all(name_case(n, words) for n in full)
        or _initial(names[0])
        or not is_capitalized(names[0])  # a lower-case particle word continues a name, never opens it
    ):
        return False
    places = words.texts("place_heads")
    if any(n.lower() in places for n in names):
        return False  # "Camp Hurriya", "Tabqa Dam"
    if u > 0 and (s.units[u - 1].cat in ("DET", "TITLE") or is_capitalized(s.units[u - 1].text)):
        return False  # "the Kursk Oblast", "Operation Inherent Resolve": not a person's name
    following = s.units[end].text if end < len(s.units) else ""
    heads = words.exact("org_head_nouns")
    return (
        not any(n in heads for n in names)
        and not is_capitalized(following)
        and following.lower() not in words.texts("place_heads")
    )


def _initial(word: str) -> bool:
    """A middle initial such as "W." in "George W. Bush"."""
    return len(word) == 2 and word[0].isupper() and word[1] == "."


# --------------------------------------------------------------------------- recognizers: organizations


#: unit categories that continue an organization's name run
_RUN_CATS = frozenset({"NAME", "DEMONYM", "COUNTRY", "ORG", "LOC"})


def _org_run_end(s: SentenceView, u: int, words: ActorWords) -> int:
    """End of a run of capitalized units, allowing connectors ("of", "for") between capitalized words."""
    end = u
    connectors = words.texts("name_connectors")
    while end < len(s.units):
        unit = s.units[end]
        if (
            unit.cat in _RUN_CATS
            or unit.text in words.exact("org_name_words")
            or (
                unit.text.lower() in connectors
                and end > u
                and end + 1 < len(s.units)
                and s.units[end + 1].cat in ("NAME", "COUNTRY", "ORG", "DEMONYM", "LOC")
            )
        ):
            end += 1
        else:
            break
    return end


def head_noun_orgs(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.org.head_noun``: capitalized words with an organization head ("Ministry of Defense")."""
    heads = words.exact("org_head_nouns")
    if heads.isdisjoint(s.unit_texts):
        return  # most sentences name no ministry or agency: skip the run scan
    texts = s.unit_texts
    last_head = max((i for i in s.at("NAME") if texts[i] in heads), default=-1)
    # a run opens only at a unit _org_run_end accepts first; runs after the last head hold none
    names = words.exact("org_name_words")
    opens = [cat in _RUN_CATS or text in names for cat, text in zip(s.cats, s.unit_texts)]
    u = 0
    while u <= last_head:
        if not opens[u]:
            u += 1
            continue
        end = _org_run_end(s, u, words)
        run = s.units[u:end]
        head_at = [i for i, x in enumerate(run) if x.cat == "NAME" and x.text in heads]
        if head_at and len(run) == 1 and _possessor_name(s, u):
            # "the Ombudsman's Office", "the President's Office": the possessor's name opens the organization
            yield _org_candidate(s, u - 2, end, words.match("org_head_nouns", [run[0].text], 0), words)
        elif head_at and len(run) >= 2 and s.units[u].cat != "PARTICLE":
            yield _org_candidate(s, u, end, words.match("org_head_nouns", [run[head_at[-1]].text], 0), words)
        elif head_at and u > 0 and s.units[u - 1].text.lower() in words.texts("definite_articles"):
            # "the Coalition", "the Senate": a lone head noun is a name only after the article
            yield _org_candidate(s, u, end, words.match("org_head_nouns", [run[0].text], 0), words)
        u = max(end, u + 1)


def _possessor_name(s: SentenceView, u: int) -> bool:
    """True when unit ``u`` follows a single capitalized title-like word and 's ("Ombudsman's Office")."""
    return (
        u >= 2
        and s.units[u - 1].cat == "POSS"
        and s.units[u - 2].cat in ("NAME", "TITLE")
        and (u == 2 or s.units[u - 3].cat == "DET" or not is_capitalized(s.units[u - 3].text))
    )


def _org_candidate(s: SentenceView, u: int, end: int, head: WordEntry | None, words: ActorWords) -> Candidate:
    run = s.units[u:end]
    owner = next((x for x in run if x.cat in _OWNER | {"LOC"} and isinstance(x.entry, GazetteerEntry)), None)
    owner = owner or _possessive_owner(s, u)
    sector = next(
        (str(attr(e, "sector")) for x in run if (e := words.match("sector_words", [x.text], 0))), None
    )
    sector = sector or (str(attr(head, "sector")) if attr(head, "sector") else None)
    name = s.surface(s.units[u].start, s.units[end - 1].end)
    country = owner.entry.country if owner is not None else None
    affiliation = entry_key(owner.entry) if owner is not None and owner.cat in ("COUNTRY", "ORG") else None
    rule = "actors.org.possessive" if owner is not None and owner not in run else "actors.org.head_noun"
    spec = Spec("organization", name, rule, country=country, sector=sector, affiliation=affiliation)
    return Candidate(s.units[u].start, s.units[end - 1].end, spec)


def leader_governments(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.org.leader_government``: "the Netanyahu government", "the Sharif administration" — a
    leader's surname before a government noun names that government (an organization of the leader's
    country), not the leader, so no person mention is made for the name alone."""
    nouns = words.texts("leader_government_nouns")
    if nouns.isdisjoint(s.texts):
        return  # no "government"/"administration" in the sentence
    for u, unit in enumerate(s.units[1:-1], start=1):
        if unit.cat not in _NAMES or s.units[u - 1].text.lower() not in words.texts("definite_articles"):
            continue
        head = s.units[u + 1]
        if (
            head.text not in nouns
        ):  # lower case only: "the Netanyahu Government" is rare, "Sinn Fein Government" a name
            continue
        country = unit.entry.country if isinstance(unit.entry, GazetteerEntry) else None
        name = s.surface(unit.start, head.end)
        spec = Spec(
            "organization", name, "actors.org.leader_government", country=country, sector="government"
        )
        yield Candidate(unit.start, head.end, spec)


def _possessive_owner(s: SentenceView, u: int) -> Unit | None:
    """ "South Korea's [state-run] National Intelligence Service": the owner before 's (two words may intervene)."""
    for back in range(u - 1, max(u - 4, 0) - 1, -1):
        unit = s.units[back]
        if unit.cat == "POSS":
            owner = s.units[back - 1] if back > 0 else None
            return owner if owner is not None and owner.cat in ("COUNTRY", "ORG") else None
        if unit.cat != "WORD":
            return None
    return None


def bare_acronyms(s: SentenceView, words: ActorWords, known: Known) -> Iterator[Candidate]:
    """``actors.org.bare_acronym``: "ISIL", "CJTF-OIR"; an acronym given earlier joins its actor."""
    # an acronym is upper case (str.isupper holds): one comprehension finds the few candidates
    texts = s.unit_texts
    upper = [u for u in s.at("NAME") if texts[u].isupper()]
    for u in upper:
        unit = s.units[u]
        if not _acronym(unit.text) or unit.text in words.exact("common_acronyms"):
            continue
        neighbours = [s.units[v].text for v in (u - 1, u + 1) if 0 <= v < len(s.units)]
        if any(_shouting(w) for w in neighbours) and known.alias(unit.text) is None:
            continue  # "BREAKING NEWS", "QUESTION:" — upper-case text, not an acronym
        spec = known.alias(unit.text) or Spec("organization", unit.text, "actors.org.bare_acronym")
        yield Candidate(unit.start, unit.end, spec)


def acronyms(s: SentenceView, chosen: Sequence[Candidate]) -> Iterator[Candidate]:
    """``actors.org.acronym``: "Syrian Democratic Forces (SDF)" — the acronym becomes an alias."""
    for cand in chosen:
        if cand.spec.type not in ("organization", "group"):
            continue
        i = cand.end
        texts = s.texts
        if i + 2 < len(texts) and texts[i] == "(" and texts[i + 2] == ")" and _acronym(texts[i + 1]):
            spec = cand.spec._replace(rule="actors.org.acronym", alias=texts[i + 1])
            yield Candidate(i + 1, i + 2, spec)


def _shouting(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and "." not in word


def _acronym(word: str) -> bool:
    """Upper-case letters (digits and inner hyphens allowed, no dots), two to six of them: "SDF", "CJTF-OIR"."""
    letters = [ch for ch in word if ch.isalpha()]
    return (
        2 <= len(letters) <= 6
        and all(ch.isupper() for ch in letters)
        and word[0].isalpha()
        and "." not in word
    )


# --------------------------------------------------------------------------- recognizers: groups, places


def demonym_groups(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.group.demonym_noun``: "North Korean troops", "South Korean and Western officials"."""
    blocs = words.exact("blocs")
    if "DEMONYM" not in s.cat_set and "COUNTRY" not in s.cat_set and blocs.isdisjoint(s.unit_texts):
        return  # no owner at all (_group_owner)
    if first_words(words, "group_nouns").isdisjoint(s.keys) and first_words(words, "titles").isdisjoint(s.keys):
        return  # nothing to head the phrase: no group noun (_group_noun), no title (_anonymous_person)
    owner_at = s.at("DEMONYM", "COUNTRY")  # _group_owner, by position
    if not blocs.isdisjoint(s.unit_texts):
        owner_at = sorted({*owner_at, *(i for i, text in enumerate(s.unit_texts) if text in blocs)})
    owned = set(owner_at)
    chain_starts = [i for i in owner_at if i - 1 not in owned]  # a chain's first owner
    for u in chain_starts:
        unit = s.units[u]
        owners, v = _owner_chain(s, u, words)
        if len(owners) > 1 and owners[0].cat == "COUNTRY":  # "South Korea and Western nations": two actors
            continue
        tok = s.units[v].start if v < len(s.units) else len(s.texts)
        if not _may_head(s, tok, words, titles=True):
            continue  # "Iraq said": no group noun and no title can follow (as the two below would find)
        found = _group_noun(s, tok, words)
        if found is not None and found[0] - unit.start <= 8:
            end, noun = found
            yield Candidate(unit.start, end, _group_spec(s, unit.start, end, owners, noun))
        elif len(owners) == 1 and isinstance(unit.entry, GazetteerEntry):
            yield from _anonymous_person(s, unit, unit.entry, tok, words)


def _anonymous_person(
    s: SentenceView, owner: Unit, entry: GazetteerEntry, tok: int, words: ActorWords
) -> Iterator[Candidate]:
    """``actors.person.anonymous``: "a Jordanian official", "the Israeli prime minister" — a person
    known by nationality and role only (the title must not be followed by a name, else it is titled)."""
    while tok < len(s.texts) and s.texts[tok].lower() in words.texts("group_modifiers"):
        tok += 1
    title = words.match_keys("titles", s.keys, tok) if tok < len(s.texts) else None
    if title is None or is_capitalized(s.texts[tok]):
        return
    end = tok + len(title.tokens)
    if end < len(s.texts) and is_capitalized(s.texts[end]):
        return
    sector = str(attr(title, "sector")) if attr(title, "sector") else entry.sector
    spec = Spec(
        "person",
        s.surface(owner.start, end),
        "actors.person.anonymous",
        country=entry.country,
        sector=sector,
        titles=(s.surface(tok, end),),
    )
    yield Candidate(owner.start, end, spec)


def owned_groups(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.group.owned``: "Israel's military", "Hamas fighters", "NATO allies".

    The owner keeps its own mention (so the group's affiliation points at an actor of the article) and
    the group mention starts after it, or after its 's.
    """
    if first_words(words, "group_nouns").isdisjoint(s.keys):
        return  # no group noun to own (_group_noun)
    for u in s.at("COUNTRY", "ORG"):
        unit = s.units[u]
        if not isinstance(unit.entry, GazetteerEntry):
            continue
        poss = u + 1 < len(s.units) and s.units[u + 1].cat == "POSS"
        if unit.cat == "COUNTRY" and not poss:
            continue  # "U.S. forces" is a demonym-like owner: actors.group.demonym_noun
        v = u + 2 if poss else u + 1
        tok = s.units[v].start if v < len(s.units) else len(s.texts)
        found = _group_noun(s, tok, words) if _may_head(s, tok, words, titles=False) else None
        if found is None or found[0] - tok > 4:
            continue
        end, noun = found
        spec = _group_spec(s, unit.start, end, [unit], noun)
        owned = spec._replace(
            rule="actors.group.owned",
            affiliation=entry_key(unit.entry),
            sector=spec.sector or unit.entry.sector,
            country=_owned_country(noun, spec.country),
        )
        yield Candidate(tok, end, owned)


def _owned_country(noun: WordEntry, owner_country: str | None) -> str | None:
    """An owned group is of its owner's country, except other states ("Israel's allies", "its
    neighbours": nouns that refer to countries), which are only affiliated with the owner."""
    return None if attr(noun, "refers_to") == "country" else owner_country


def possessed_group(s: SentenceView, tok: int, words: ActorWords, owner: Spec) -> Candidate | None:
    """``actors.group.owned`` after a possessive pronoun: "Egypt condemned the raid. Its foreign ministry
    said ..." — the group noun from token ``tok`` belongs to ``owner``, the pronoun's antecedent, which
    coreference finds only after recognition. The name is written as after "Egypt's", so an article
    that says both names one actor."""
    found = _group_noun(s, tok, words)
    if found is None or found[0] - tok > 4:
        return None
    end, noun = found
    spec = Spec(
        "organization" if attr(noun, "actor_type") == "organization" else "group",
        f"{owner.name}'s {s.surface(tok, end)}",
        "actors.group.owned",
        country=_owned_country(noun, owner.country),
        sector=str(attr(noun, "sector")) if attr(noun, "sector") else owner.sector,
        affiliation=owner.key,
    )
    return Candidate(tok, end, spec)


def bare_groups(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.group.bare``: a group noun with no owner that acts ("Police arrested ...", "Thousands
    of protesters gathered", "security forces had detained").

    The mention is the noun alone, so a quantity before it ("at least 200") stays a quantity. The noun
    must be followed by a verb-like word (an auxiliary, a reporting verb, a listed irregular past or a
    past-tense ending) that is not a passive ("protesters killed by police"): an object ("fired at
    demonstrators in Nairobi") is no actor. Nouns that name one institution ("the government") or
    states ("allies") are left to coreference; so is "the rebels" when it is a listed definite description.
    """
    starts = first_words(words, "group_nouns")
    if starts.isdisjoint(s.lowers):
        return
    # most words start no group noun: one comprehension finds the few that do, before any list lookup
    for tok in [i for i, lower in enumerate(s.lowers) if lower in starts]:
        noun = words.match_keys("group_nouns", s.keys, tok)
        if noun is None:
            continue
        end = tok + len(noun.tokens)
        verb = _past_place(s, end, words)
        located = verb > end  # "the rebels in Darfur": a place names the group, it does not refer back
        if (_acts(s, verb, words) or _sourced(s, tok, words)) and _bare_noun(s, tok, noun, words, located):
            sector = str(attr(noun, "sector")) if attr(noun, "sector") else None
            country = _place_country(s, end, verb)
            spec = Spec("group", s.surface(tok, end), "actors.group.bare", country=country, sector=sector)
            yield Candidate(tok, end, spec)


def _acts(s: SentenceView, verb: int, words: ActorWords) -> bool:
    """True when token ``verb`` is a verb-like word in the active voice ("officials said" speaks, so it acts:
    the group is the claim's speaker)."""
    following = s.lowers[verb] if verb < len(s.texts) else ""
    acts = following in words.texts("acting_followers") or (
        following.endswith(_verb_endings(words))
        and following.isalpha()
        and following not in words.texts("non_acting_words")
    )
    if not acts:
        return False
    return not (verb + 1 < len(s.texts) and s.lowers[verb + 1] in words.texts("passive_agents"))


@cache
def _verb_endings(words: ActorWords) -> tuple[str, ...]:
    """Word endings that make a verb-like word (built once per word set, not per group noun)."""
    return tuple(words.texts("head_follower_endings") | words.texts("acting_endings"))


def _sourced(s: SentenceView, tok: int, words: ActorWords) -> bool:
    """True when a listed source marker ends right before token ``tok`` ("according to witnesses"):
    the group is who reports, an actor as much as a group that speaks."""
    for back in range(1, min(tok, 3) + 1):
        entry = words.match_keys("source_markers", s.keys, tok - back)
        if entry is not None and len(entry.tokens) == back:
            return True
    return False


def _past_place(s: SentenceView, end: int, words: ActorWords) -> int:
    """Where the verb of a bare group should stand: right after the noun, or after a place that
    locates the group ("Police in Bangladesh fired", "Rebels from Tigray seized")."""
    if end >= len(s.texts) or s.texts[end].lower() not in words.texts("group_place_prepositions"):
        return end
    k = end + 1
    if k < len(s.texts) and s.texts[k].lower() in words.texts("definite_articles"):
        k += 1
    first = k
    while k < len(s.texts) and k - first < 4 and is_capitalized(s.texts[k]):
        k += 1
    return k if k > first else end


def _place_country(s: SentenceView, start: int, end: int) -> str | None:
    """The country of the place between a bare group and its verb ("Police in Bangladesh" → BGD)."""
    for unit in s.units:
        if start <= unit.start < end and isinstance(unit.entry, GazetteerEntry) and unit.entry.country:
            return unit.entry.country
    return None


def _bare_noun(s: SentenceView, tok: int, noun: WordEntry, words: ActorWords, located: bool = False) -> bool:
    """A group noun that may stand alone here: not an institution or a state, not excluded, not after
    a listed definite article reading ("the rebels" corefers) unless a place follows (``located``), and
    not the tail of a longer noun."""
    text = " ".join(noun.tokens)
    if attr(noun, "actor_type") or attr(noun, "refers_to") or text in words.texts("bare_group_exclusions"):
        return False
    if tok > 0 and words.match_keys("group_nouns", s.keys, tok - 1) is not None:
        return False  # "security forces": the longer noun starts one word earlier
    for back in (1, 2) if not located else ():  # "the rebels", "the two leaders" corefer or stay open
        if tok >= back and words.match_keys("definite_descriptions", s.keys, tok - back) is not None:
            return False
    prev = s.texts[tok - 1] if tok > 0 else ""
    if tok > 1 and (is_capitalized(prev) or prev in words.texts("closing_brackets")):
        return (
            False  # "Montenegro Municipality Association (AKK) officials": an owner's group, not a bare one
        )
    return prev.lower() not in words.texts("possessive_markers")


def _may_head(s: SentenceView, tok: int, words: ActorWords, titles: bool) -> bool:
    """False when neither :func:`_group_noun` (nor, with ``titles``, :func:`_anonymous_person`) can find
    anything from token ``tok``: its word starts no group noun (no title) and is no modifier to skip.
    Owners are mostly followed by a verb or a preposition, so one set test each spares the look-ups."""
    if tok >= len(s.texts):
        return False
    key = s.keys[tok]
    return (
        key in first_words(words, "group_nouns")
        or s.lowers[tok] in words.texts("group_modifiers")
        or (titles and key in first_words(words, "titles"))
    )


def _group_noun(s: SentenceView, tok: int, words: ActorWords) -> tuple[int, WordEntry] | None:
    """The furthest lower-case group noun after optional modifiers ("military personnel", "military")."""
    best = None
    while tok < len(s.texts) and not is_capitalized(s.texts[tok]):
        noun = words.match_keys("group_nouns", s.keys, tok)
        if noun is not None and _heads_phrase(s, tok + len(noun.tokens), noun, words):
            best = (tok + len(noun.tokens), noun)
        if s.texts[tok].lower() not in words.texts("group_modifiers"):
            break
        tok += 1
    return best


def _heads_phrase(s: SentenceView, end: int, noun: WordEntry, words: ActorWords) -> bool:
    """A noun that can also modify ("military") heads the phrase only before punctuation or a listed word."""
    if " ".join(noun.tokens) not in words.texts("group_modifiers") or end >= len(s.texts):
        return True
    following = s.texts[end]
    return (
        not following[:1].isalpha()
        or is_capitalized(following)
        or following.lower() in words.texts("head_followers")
        or following.lower().endswith(tuple(words.texts("head_follower_endings")))
    )


def _group_owner(unit: Unit, words: ActorWords) -> bool:
    return unit.cat in ("DEMONYM", "COUNTRY") or unit.text in words.exact("blocs")


def _owner_chain(s: SentenceView, u: int, words: ActorWords) -> tuple[list[Unit], int]:
    """Demonyms joined by "and"/commas, or simply juxtaposed ("Syrian Arab"); returns them and the next unit."""
    owners = [s.units[u]]
    v = u + 1
    while v < len(s.units):
        if _group_owner(s.units[v], words):
            owners.append(s.units[v])
            v += 1
        elif (
            (s.units[v].text.lower() in words.texts("coordinators") or s.units[v].cat == "COMMA")
            and v + 1 < len(s.units)
            and _group_owner(s.units[v + 1], words)
        ):
            v += 1
        else:
            break
    return owners, v


def _group_spec(s: SentenceView, start: int, end: int, owners: list[Unit], noun: WordEntry) -> Spec:
    countries = {o.entry.country for o in owners if isinstance(o.entry, GazetteerEntry)}
    known = [o for o in owners if isinstance(o.entry, GazetteerEntry)]
    country = countries.pop() if len(countries) == 1 and len(known) == len(owners) else None
    affiliation = entry_key(known[0].entry) if country and known[0].entry.type == "country" else None
    sector = str(attr(noun, "sector")) if attr(noun, "sector") else None
    kind = "organization" if attr(noun, "actor_type") == "organization" else "group"
    return Spec(
        kind,
        s.surface(start, end),
        "actors.group.demonym_noun",
        country=country,
        sector=sector,
        affiliation=affiliation,
    )


def place_heads(s: SentenceView, words: ActorWords) -> Iterator[Candidate]:
    """``actors.location.head_noun``: "the Kursk region", "Idlib province"."""
    if words.texts("place_heads").isdisjoint(s.unit_lowers) and words.exact("place_prefixes").isdisjoint(
        s.unit_texts
    ):
        return  # neither a head after a name nor a prefix before one
    for u in s.at("NAME", "LOC"):  # a place starts at a name or a listed location
        unit = s.units[u]
        if u > 0 and s.units[u - 1].cat in ("NAME", "LOC"):
            continue
        end = u
        while end < len(s.units) and end - u < 3 and s.units[end].cat in ("NAME", "LOC"):
            end += 1
        if end < len(s.units) and s.units[end].text.lower() in words.texts("place_heads"):
            last = s.units[end]
            spec = Spec(
                "location",
                s.surface(unit.start, last.end),
                "actors.location.head_noun",
                country=unit.entry.country if isinstance(unit.entry, GazetteerEntry) else None,
            )
            yield Candidate(unit.start, last.end, spec)
        elif unit.text in words.exact("place_prefixes") and end - u >= 2:  # "Camp Hurriya", "Mount Sinjar"
            spec = Spec("location", s.surface(unit.start, s.units[end - 1].end), "actors.location.head_noun")
            yield Candidate(unit.start, s.units[end - 1].end, spec)


def locatives(s: SentenceView, words: ActorWords, known: Known) -> Iterator[Candidate]:
    """``actors.location.locative``: a capital or unknown name right after "in"/"near"..., or after a motion
    verb and its preposition ("travel to Cairo"), is a place (a capital keeps its country)."""
    preps = words.texts("locative_prepositions")
    directions, lowers = words.texts("motion_prepositions"), s.unit_lowers
    # only a name or capital right after one of these prepositions can be a locative (cheap filter)
    after_prep = [
        i for i in s.at("NAME", "COUNTRY") if i and (lowers[i - 1] in preps or lowers[i - 1] in directions)
    ]
    for u in after_prep:
        unit = s.units[u]
        motion = _after_motion(s.units, u, words)
        if lowers[u - 1] not in preps and not motion:
            continue
        if unit.cat == "COUNTRY" and unit.form == "metonym" and isinstance(unit.entry, GazetteerEntry):
            spec = Spec("location", unit.text, "actors.location.locative", country=unit.entry.country)
            yield Candidate(unit.start, unit.end, spec)
        elif unit.cat == "NAME" and title_case(unit.text) and known.person_word(unit.text) is None:
            end = _name_run_end(s.units, u)
            following = s.units[end].text if end < len(s.units) else ""
            if end - u <= 3 and following not in words.exact("possessive_markers") | words.exact(
                "org_head_nouns"
            ):
                yield Candidate(
                    unit.start,
                    s.units[end - 1].end,
                    Spec("location", s.surface(unit.start, s.units[end - 1].end), "actors.location.locative"),
                )


def _after_motion(units: Sequence[Unit], u: int, words: ActorWords) -> bool:
    """ "travel to Kherson", "flew to Bakhmut", "left for Goma": a motion verb and its directional
    preposition make the next unknown name or capital a destination (a place), though "to" alone does
    not ("said to Smith"). A capital there ("travel to Cairo") is where one goes, not the government that
    acts; ``events.consult.travel_to`` takes such a place as the visit's target."""
    return (
        u >= 2
        and units[u - 1].text.lower() in words.texts("motion_prepositions")
        and units[u - 2].text.lower() in words.texts("motion_verbs")
    )


def gazetteer_actors(s: SentenceView, known: Known) -> Iterator[Candidate]:
    """Gazetteer hits that are actors by themselves (demonyms only qualify other mentions)."""
    if s.cat_set.isdisjoint(_GAZETTEER_ACTOR_CATS):
        return
    for u in s.at(*_GAZETTEER_ACTOR_CATS):
        unit = s.units[u]
        if not isinstance(unit.entry, GazetteerEntry):
            continue
        alias = known.alias(unit.text)
        if alias is not None:  # the article defined this acronym itself
            yield Candidate(unit.start, unit.end, alias)
            continue
        rule = "actors.coref.elliptic" if unit.form == "elliptic" else "actors.gazetteer"
        if unit.form == "people":
            spec = Spec(
                "group", unit.text, rule, country=unit.entry.country, affiliation=entry_key(unit.entry)
            )
        else:
            spec = entry_spec(unit.entry, rule)
        yield Candidate(_given_name_start(s, u, unit), unit.end, spec)


#: unit categories of gazetteer hits (actor_units.gazetteer_category), demonyms aside
_GAZETTEER_ACTOR_CATS = ("COUNTRY", "ORG", "LOC", "GROUPNAME", "PERSONNAME")


def _given_name_start(s: SentenceView, u: int, unit: Unit) -> int:
    """A listed public figure's surname may follow a given name the gazetteer lacks ("Tony Blinken",
    "Sergei V. Lavrov"): the mention starts at the given name when one title-case name word (and an
    initial) stand right before it, with no further name before them."""
    if unit.cat != "PERSONNAME" or unit.end - unit.start != 1:
        return unit.start
    v = u - 1
    if v >= 1 and _initial(s.units[v].text):
        v -= 1
    given = s.units[v] if v >= 0 else None
    if given is None or given.cat != "NAME" or not title_case(given.text) or _initial(given.text):
        return unit.start
    if v > 0 and s.units[v - 1].cat in ("NAME", "PARTICLE", "PERSONNAME"):
        return unit.start
    return given.start
