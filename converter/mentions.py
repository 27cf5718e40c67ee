"""Stage 2: who is mentioned where. Segments → actors, actor mentions (with coreference), times, quantities.

Each sentence is read in document order. Its tokens become categorized units
(:func:`converter.actors.build_units`); recognizers propose *candidates* (a token range plus what actor
it names); overlapping candidates are settled by rule priority, then length; the chosen ones create or
join actors in a registry. Then the leftovers are resolved against what is already known: short
names and acronyms, definite descriptions ("the agency") and pronouns. Reading in order is what lets
"Ryder" find "Maj. Gen. Pat Ryder" and "he" find the last person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from lark import Tree

from .actors import ActorWords, Unit, build_units, is_capitalized, load_actor_words, longest_parse, merged_words
from .lexicon import GazetteerEntry, Lexicon, WordEntry
from .times import find_quantities, find_times
from .model import Actor, ActorMention, ActorType, Mentions, QuantityMention, RuleRef, Segments, Sentence, Span, TimeMention

#: Candidate priorities: a lower number wins an overlap (then the longer span, then the earlier).
PRIORITY = {
    "actors.person.titled": 0, "actors.org.head_noun": 1, "actors.group.demonym_noun": 2,
    "actors.group.owned": 2, "actors.location.head_noun": 3, "actors.location.locative": 3, "actors.gazetteer": 4,
    "actors.coref.elliptic": 4, "actors.org.acronym": 4, "actors.person.apposition": 5, "actors.person.name": 6,
    "actors.org.bare_acronym": 7,
}
_OWNER = frozenset({"DEMONYM", "COUNTRY", "ORG"})
_PERSON_WINDOW = 6  # units between a candidate start and its first title
_PRONOUN_REACH = 2  # sentences back that a pronoun may reach
_DEFINITE_REACH = 3  # sentences back that "the agency" may reach


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Spec:
    """What a candidate says about its actor; the registry turns it into (or merges it with) an actor."""

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


@dataclass(frozen=True)
class Candidate:
    """A token range ``[start, end)`` of one sentence that names an actor."""

    start: int
    end: int
    spec: Spec

    @property
    def rank(self) -> tuple[int, int, int]:
        return (PRIORITY.get(self.spec.rule, 9), self.start - self.end, self.start)


@dataclass(frozen=True)
class Enrichment:
    """Extra titles/affiliation an appositive gives the person whose name ends at token ``name_end``."""

    name_end: int
    titles: tuple[str, ...]
    affiliation: str | None
    country: str | None
    sector: str | None


@dataclass
class _Sentence:
    """One sentence being read: its tokens, their texts, units and the article text."""

    sentence: Sentence
    texts: list[str]
    units: list[Unit]
    text: str

    def surface(self, start: int, end: int) -> str:
        tokens = self.sentence.tokens
        return self.text[tokens[start].span.start : tokens[end - 1].span.end]

    def span(self, start: int, end: int) -> Span:
        tokens = self.sentence.tokens
        return Span(tokens[start].span.start, tokens[end - 1].span.end)


def entry_key(entry: GazetteerEntry) -> str:
    """Stable key of a gazetteer actor: its canonical name and type."""
    return f"{entry.name.lower()}|{entry.type}"


def entry_spec(entry: GazetteerEntry, rule: str = "actors.gazetteer") -> Spec:
    return Spec(type=entry.type, name=entry.name, rule=rule, key=entry_key(entry),  # type: ignore[arg-type]
                country=entry.country, sector=entry.sector, wikidata=entry.wikidata, entry_id=entry.id)


def _attr(entry: object, name: str) -> object:
    attrs = getattr(entry, "attrs", None)
    return attrs.get(name) if attrs is not None else None


# --------------------------------------------------------------------------- the registry


@dataclass
class _Draft:
    key: str
    name: str
    type: ActorType
    rule: RuleRef
    country: str | None
    sector: str | None
    titles: list[str] = field(default_factory=list)
    affiliation: str | None = None
    wikidata: str | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())


@dataclass
class _Registry:
    """Actors found so far, in order of first mention, with the aliases and entries already seen."""

    words: ActorWords
    drafts: dict[str, _Draft] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    entries_seen: set[str] = field(default_factory=set)

    def add(self, spec: Spec) -> str:
        key = self._find(spec) or spec.key or self._new_key(spec)
        draft = self.drafts.get(key)
        if draft is None:
            draft = _Draft(key, spec.name, spec.type, RuleRef(spec.rule, self.words.version(spec.rule)),
                           spec.country, spec.sector, wikidata=spec.wikidata)
            self.drafts[key] = draft
        self._merge(draft, spec)
        if spec.alias:
            self.aliases[spec.alias] = key
        if spec.entry_id:
            self.entries_seen.add(spec.entry_id)
        return key

    def _new_key(self, spec: Spec) -> str:
        if spec.rule.startswith("actors.group.") and spec.country and spec.sector:
            return f"{spec.country.lower()} {spec.sector}|{spec.type}"  # "Russian forces" = "Russian troops"
        return f"{spec.name.lower()}|{spec.type}"

    def _find(self, spec: Spec) -> str | None:
        """A person named by part of an earlier person's name ("Yoon", "President Yoon") is that person."""
        if spec.type != "person":
            return None
        new = tuple(spec.name.split())
        for draft in reversed(list(self.drafts.values())):
            if draft.type == "person" and _name_part(new, draft.words):
                return draft.key
        return None

    def shortens(self, spec: Spec) -> bool:
        """True when ``spec`` names a known person by part of the name ("President Yoon" after "Yoon Suk Yeol")."""
        key = self._find(spec)
        return key is not None and len(spec.name.split()) < len(self.drafts[key].words)

    def _merge(self, draft: _Draft, spec: Spec) -> None:
        if len(spec.name.split()) > len(draft.words) and draft.type == "person":
            draft.name = spec.name
        draft.titles.extend(t for t in spec.titles if t not in draft.titles)
        draft.country = draft.country or spec.country
        draft.sector = draft.sector or spec.sector
        draft.affiliation = draft.affiliation or spec.affiliation

    def person_word(self, word: str) -> str | None:
        """The most recent person whose first or last name word is ``word``."""
        for draft in reversed(list(self.drafts.values())):
            if draft.type == "person" and word in (draft.words[0], draft.words[-1]):
                return draft.key
        return None

    def enrich(self, key: str, extra: Enrichment) -> None:
        draft = self.drafts[key]
        self._merge(draft, Spec(draft.type, draft.name, draft.rule.id, titles=extra.titles,
                                affiliation=extra.affiliation, country=extra.country, sector=extra.sector))

    def freeze(self, order: Sequence[str]) -> tuple[Actor, ...]:
        actors = []
        for key in dict.fromkeys(order):
            d = self.drafts[key]
            affiliation = d.affiliation if d.affiliation in self.drafts and d.affiliation != key else None
            actors.append(Actor(d.key, d.name, d.type, d.rule, d.country, d.sector, tuple(d.titles),
                                affiliation, d.wikidata))
        return tuple(actors)


def _name_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """True when ``short`` equals ``full`` or is its leading or trailing words."""
    n = len(short)
    return short == full or (0 < n < len(full) and (full[:n] == short or full[-n:] == short))


# --------------------------------------------------------------------------- recognizers: people


def _titles_from(tree: Tree, s: _Sentence) -> tuple[list[str], str | None]:
    """Titles (a qualifier such as "Defense" joins the first title) and their implied sector."""
    titles = [s.units[i].text for t in tree.find_data("title") for i in _indexes(t)]
    sector = next((str(_attr(s.units[i].entry, "sector")) for t in tree.find_data("title") for i in _indexes(t)
                   if _attr(s.units[i].entry, "sector")), None)
    qualifier = next(tree.find_data("qualifier"), None)
    if qualifier is not None and titles:
        q = _indexes(qualifier)
        titles[0] = f"{s.surface(s.units[q[0]].start, s.units[q[-1]].end)} {titles[0]}"
    return [_title_surface(s, t) for t in titles], sector


def _title_surface(s: _Sentence, title: str) -> str:
    return title.replace(" .", ".").replace(" - ", "-")


def _indexes(tree: Tree) -> list[int]:
    return [tok.start_pos for tok in tree.scan_values(lambda v: hasattr(v, "start_pos"))]


def _name_ok(s: _Sentence, first: int, last: int, words: ActorWords) -> bool:
    """A person's name never ends in an organization or place head ("General Assembly", "Kursk Region")."""
    end_word = s.units[last].text
    return end_word not in words.exact("org_head_nouns") and end_word.lower() not in words.texts("place_heads")


def titled_people(s: _Sentence, words: ActorWords) -> Iterator[Candidate]:
    """``actors.person.titled``: [owner] title+ name, parsed by ``person.lark``."""
    u = 0
    while u < len(s.units):
        tree = _titled_at(s, u)
        if tree is None:
            u += 1
            continue
        found = list(_titled_candidates(s, tree, words))
        yield from found
        u = max(_indexes(tree)) + 1


def _titled_at(s: _Sentence, u: int) -> Tree | None:
    window = s.units[u : u + _PERSON_WINDOW]
    if s.units[u].cat not in _OWNER | {"TITLE", "NAME"} or not any(x.cat == "TITLE" for x in window):
        return None
    return longest_parse(s.units, u, "titled")


def _titled_candidates(s: _Sentence, tree: Tree, words: ActorWords) -> Iterator[Candidate]:
    name_idx = _indexes(next(tree.find_data("name")))
    first_title = _indexes(next(tree.find_data("title")))[0]
    if not _name_ok(s, name_idx[0], name_idx[-1], words):
        return
    owner = _owner_unit(tree, s)
    kinds = {_attr(s.units[i].entry, "kind") for i in _indexes(tree) if s.units[i].cat == "TITLE"}
    if owner is None and kinds == {"role"}:
        return  # "the official Xinhua": a role noun needs an owner ("North Korean leader Kim") to title a name
    titles, sector = _titles_from(tree, s)
    start = s.units[_indexes(tree)[0]].start
    affiliation = country = None
    if owner is not None and isinstance(owner.entry, GazetteerEntry):
        country, sector = owner.entry.country, sector or owner.entry.sector
        if owner.cat != "DEMONYM":  # the owner is an actor of its own; the person mention starts after it
            yield Candidate(owner.start, owner.end, entry_spec(owner.entry))
            affiliation = entry_key(owner.entry)
            start = s.units[_after_owner(tree, first_title)].start
    name = s.surface(s.units[name_idx[0]].start, s.units[name_idx[-1]].end)
    spec = Spec("person", name, "actors.person.titled", titles=tuple(titles), sector=sector, country=country,
                affiliation=affiliation)
    yield Candidate(start, s.units[name_idx[-1]].end, spec)


def _owner_unit(tree: Tree, s: _Sentence) -> Unit | None:
    affiliation = next(tree.find_data("affiliation"), None)
    if affiliation is None:
        return None
    first = s.units[_indexes(affiliation)[0]]
    return first if first.cat in _OWNER else None


def _after_owner(tree: Tree, first_title: int) -> int:
    """The first unit after the owner and its possessive: the qualifier if any, else the first title."""
    qualifier = next(tree.find_data("qualifier"), None)
    return _indexes(qualifier)[0] if qualifier is not None else first_title


def appositions(s: _Sentence, words: ActorWords) -> Iterator[tuple[Candidate, Enrichment]]:
    """``actors.person.apposition``: name , [det] modifiers title — the title describes the name."""
    for u, unit in enumerate(s.units):
        if unit.cat != "NAME" or (u > 0 and s.units[u - 1].cat in ("NAME", "PARTICLE")):
            continue
        run_end = _name_run_end(s.units, u)
        if run_end >= len(s.units) or s.units[run_end].cat != "COMMA":
            continue
        tree = longest_parse(s.units, u, "apposition")
        if tree is None:
            continue
        name_idx = _indexes(next(tree.find_data("name")))
        after = max(_indexes(tree)) + 1
        if not _name_ok(s, name_idx[0], name_idx[-1], words) or (after < len(s.units) and s.units[after].cat == "NAME"):
            continue  # "Lloyd Austin, Secretary of State Antony Blinken": the title belongs to the next name
        titles = tuple(s.units[i].text for t in tree.find_data("title") for i in _indexes(t))
        owners = [s.units[_indexes(o)[0]] for o in tree.find_data("owner")]
        owner = owners[0] if owners and isinstance(owners[0].entry, GazetteerEntry) else None
        sector = next((str(_attr(s.units[i].entry, "sector")) for t in tree.find_data("title")
                       for i in _indexes(t) if _attr(s.units[i].entry, "sector")), None)
        end = s.units[name_idx[-1]].end
        name = s.surface(s.units[name_idx[0]].start, end)
        affiliation = entry_key(owner.entry) if owner and owner.cat != "DEMONYM" else None
        country = owner.entry.country if owner else None
        spec = Spec("person", name, "actors.person.apposition", titles=titles, sector=sector, country=country,
                    affiliation=affiliation)
        yield Candidate(unit.start, end, spec), Enrichment(end, titles, affiliation, country, sector)


def bare_names(s: _Sentence, words: ActorWords) -> Iterator[Candidate]:
    """``actors.person.name``: two to four title-case name words not headed like an org or place."""
    u = 0
    while u < len(s.units):
        end = _name_run_end(s.units, u)
        if end - u >= 2 and _plausible_name(s, u, end, words):
            name = s.surface(s.units[u].start, s.units[end - 1].end)
            yield Candidate(s.units[u].start, s.units[end - 1].end, Spec("person", name, "actors.person.name"))
        u = max(end, u + 1)


def _name_run_end(units: Sequence[Unit], u: int) -> int:
    if units[u].cat != "NAME":
        return u
    end = u + 1
    while end < len(units) and (units[end].cat == "NAME" or (
            units[end].cat == "PARTICLE" and end + 1 < len(units) and units[end + 1].cat in ("NAME", "PARTICLE"))):
        end += 1
    return end


def _plausible_name(s: _Sentence, u: int, end: int, words: ActorWords) -> bool:
    names = [x.text for x in s.units[u:end] if x.cat == "NAME"]
    full = [n for n in names if not _initial(n)]
    if not 2 <= len(names) <= 4 or len(full) < 2 or not all(_title_case(n) for n in full) or _initial(names[0]):
        return False
    places = words.texts("place_heads")
    if any(n.lower() in places for n in names):
        return False  # "Camp Hurriya", "Tabqa Dam"
    if u > 0 and (s.units[u - 1].cat in ("DET", "TITLE") or is_capitalized(s.units[u - 1].text)):
        return False  # "the Kursk Oblast", "Operation Inherent Resolve": not a person's name
    following = s.units[end].text if end < len(s.units) else ""
    heads = words.exact("org_head_nouns")
    return not any(n in heads for n in names) and not is_capitalized(following) and \
        following.lower() not in words.texts("place_heads")


def _initial(word: str) -> bool:
    """A middle initial such as "W." in "George W. Bush"."""
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _title_case(word: str) -> bool:
    return is_capitalized(word) and any(ch.islower() for ch in word)


# --------------------------------------------------------------------------- recognizers: organizations


def _org_run_end(s: _Sentence, u: int, words: ActorWords) -> int:
    """End of a run of capitalized units, allowing connectors ("of", "for") between capitalized words."""
    end = u
    connectors = words.texts("name_connectors")
    while end < len(s.units):
        unit = s.units[end]
        if unit.cat in ("NAME", "DEMONYM", "COUNTRY", "ORG", "LOC") or unit.text in words.exact("org_name_words"):
            end += 1
        elif unit.text.lower() in connectors and end > u and end + 1 < len(s.units) and \
                s.units[end + 1].cat in ("NAME", "COUNTRY", "ORG", "DEMONYM", "LOC"):
            end += 1
        else:
            break
    return end


def head_noun_orgs(s: _Sentence, words: ActorWords) -> Iterator[Candidate]:
    """``actors.org.head_noun``: capitalized words with an organization head ("Ministry of Defense")."""
    u = 0
    while u < len(s.units):
        end = _org_run_end(s, u, words)
        run = s.units[u:end]
        head_at = [i for i, x in enumerate(run) if x.cat == "NAME" and x.text in words.exact("org_head_nouns")]
        if head_at and len(run) >= 2 and s.units[u].cat != "PARTICLE":
            yield _org_candidate(s, u, end, words.match("org_head_nouns", [run[head_at[-1]].text], 0), words)
        elif head_at and u > 0 and s.units[u - 1].text.lower() == "the":  # "the Coalition", "the Senate"
            yield _org_candidate(s, u, end, words.match("org_head_nouns", [run[0].text], 0), words)
        u = max(end, u + 1)


def _org_candidate(s: _Sentence, u: int, end: int, head: WordEntry | None, words: ActorWords) -> Candidate:
    run = s.units[u:end]
    owner = next((x for x in run if x.cat in _OWNER | {"LOC"} and isinstance(x.entry, GazetteerEntry)), None)
    owner = owner or _possessive_owner(s, u)
    sector = next((str(_attr(e, "sector")) for x in run if (e := words.match("sector_words", [x.text], 0))), None)
    sector = sector or (str(_attr(head, "sector")) if _attr(head, "sector") else None)
    name = s.surface(s.units[u].start, s.units[end - 1].end)
    country = owner.entry.country if owner is not None else None
    affiliation = entry_key(owner.entry) if owner is not None and owner.cat in ("COUNTRY", "ORG") else None
    rule = "actors.org.possessive" if owner is not None and owner not in run else "actors.org.head_noun"
    spec = Spec("organization", name, rule, country=country, sector=sector, affiliation=affiliation)
    return Candidate(s.units[u].start, s.units[end - 1].end, spec)


def _possessive_owner(s: _Sentence, u: int) -> Unit | None:
    """"South Korea's [state-run] National Intelligence Service": the owner before 's (two words may intervene)."""
    for back in range(u - 1, max(u - 4, 0) - 1, -1):
        unit = s.units[back]
        if unit.cat == "POSS":
            owner = s.units[back - 1] if back > 0 else None
            return owner if owner is not None and owner.cat in ("COUNTRY", "ORG") else None
        if unit.cat != "WORD":
            return None
    return None


def bare_acronyms(s: _Sentence, words: ActorWords, registry: _Registry) -> Iterator[Candidate]:
    """``actors.org.bare_acronym``: "ISIL", "CJTF-OIR"; an acronym given earlier joins its actor."""
    for unit in s.units:
        if unit.cat != "NAME" or not _acronym(unit.text) or unit.text in words.exact("common_acronyms"):
            continue
        key = registry.aliases.get(unit.text)
        if key is not None:
            draft = registry.drafts[key]
            spec = Spec(draft.type, draft.name, "actors.org.acronym", key=key)
        else:
            spec = Spec("organization", unit.text, "actors.org.bare_acronym")
        yield Candidate(unit.start, unit.end, spec)


def acronyms(s: _Sentence, chosen: Sequence[Candidate]) -> Iterator[Candidate]:
    """``actors.org.acronym``: "Syrian Democratic Forces (SDF)" — the acronym becomes an alias."""
    for cand in chosen:
        if cand.spec.type not in ("organization", "group"):
            continue
        i = cand.end
        texts = s.texts
        if i + 2 < len(texts) and texts[i] == "(" and texts[i + 2] == ")" and _acronym(texts[i + 1]):
            spec = replace(cand.spec, rule="actors.org.acronym", alias=texts[i + 1])
            yield Candidate(i + 1, i + 2, spec)


def _acronym(word: str) -> bool:
    """Upper-case letters (digits and inner hyphens allowed, no dots), two to six of them: "SDF", "CJTF-OIR"."""
    letters = [ch for ch in word if ch.isalpha()]
    return 2 <= len(letters) <= 6 and all(ch.isupper() for ch in letters) and word[0].isalpha() and "." not in word


# --------------------------------------------------------------------------- recognizers: groups, places


def demonym_groups(s: _Sentence, words: ActorWords) -> Iterator[Candidate]:
    """``actors.group.demonym_noun``: "North Korean troops", "South Korean and Western officials"."""
    for u, unit in enumerate(s.units):
        if not _group_owner(unit, words) or (u > 0 and _group_owner(s.units[u - 1], words)):
            continue
        owners, v = _owner_chain(s, u, words)
        if len(owners) > 1 and owners[0].cat == "COUNTRY":  # "South Korea and Western nations": two actors
            continue
        tok = s.units[v].start if v < len(s.units) else len(s.texts)
        found = _group_noun(s, tok, words)
        if found is not None and found[0] - unit.start <= 8:
            end, noun = found
            yield Candidate(unit.start, end, _group_spec(s, unit.start, end, owners, noun))


def owned_groups(s: _Sentence, words: ActorWords) -> Iterator[Candidate]:
    """``actors.group.owned``: "Israel's military", "Hamas fighters", "NATO allies".

    After a possessive the owner keeps its own mention and the group mention starts after 's.
    """
    for u, unit in enumerate(s.units):
        if unit.cat not in ("COUNTRY", "ORG") or not isinstance(unit.entry, GazetteerEntry):
            continue
        poss = u + 1 < len(s.units) and s.units[u + 1].cat == "POSS"
        if unit.cat == "COUNTRY" and not poss:
            continue  # "U.S. forces" is a demonym-like owner: actors.group.demonym_noun
        v = u + 2 if poss else u + 1
        tok = s.units[v].start if v < len(s.units) else len(s.texts)
        found = _group_noun(s, tok, words)
        if found is None or found[0] - tok > 4:
            continue
        end, noun = found
        spec = _group_spec(s, unit.start, end, [unit], noun)
        yield Candidate(tok if poss else unit.start, end,
                        replace(spec, rule="actors.group.owned", affiliation=entry_key(unit.entry),
                                sector=spec.sector or unit.entry.sector))


def _group_noun(s: _Sentence, tok: int, words: ActorWords) -> tuple[int, WordEntry] | None:
    """The furthest lower-case group noun after optional modifiers ("military personnel", "military")."""
    best = None
    while tok < len(s.texts) and not is_capitalized(s.texts[tok]):
        noun = words.match("group_nouns", s.texts, tok)
        if noun is not None and _heads_phrase(s, tok + len(noun.tokens), noun, words):
            best = (tok + len(noun.tokens), noun)
        if s.texts[tok].lower() not in words.texts("group_modifiers"):
            break
        tok += 1
    return best


def _heads_phrase(s: _Sentence, end: int, noun: WordEntry, words: ActorWords) -> bool:
    """A noun that can also modify ("military") heads the phrase only before punctuation or a listed word."""
    if " ".join(noun.tokens) not in words.texts("group_modifiers") or end >= len(s.texts):
        return True
    following = s.texts[end]
    return not following[:1].isalpha() or is_capitalized(following) or following.lower() in words.texts("head_followers")


def _group_owner(unit: Unit, words: ActorWords) -> bool:
    return unit.cat in ("DEMONYM", "COUNTRY") or unit.text in words.exact("blocs")


def _owner_chain(s: _Sentence, u: int, words: ActorWords) -> tuple[list[Unit], int]:
    """Demonyms joined by "and"/commas, or simply juxtaposed ("Syrian Arab"); returns them and the next unit."""
    owners = [s.units[u]]
    v = u + 1
    while v < len(s.units):
        if _group_owner(s.units[v], words):
            owners.append(s.units[v])
            v += 1
        elif (s.units[v].text.lower() in words.texts("coordinators") or s.units[v].cat == "COMMA") and \
                v + 1 < len(s.units) and _group_owner(s.units[v + 1], words):
            v += 1
        else:
            break
    return owners, v


def _group_spec(s: _Sentence, start: int, end: int, owners: list[Unit], noun: WordEntry) -> Spec:
    countries = {o.entry.country for o in owners if isinstance(o.entry, GazetteerEntry)}
    known = [o for o in owners if isinstance(o.entry, GazetteerEntry)]
    country = countries.pop() if len(countries) == 1 and len(known) == len(owners) else None
    affiliation = entry_key(known[0].entry) if country and known[0].entry.type == "country" else None
    sector = str(_attr(noun, "sector")) if _attr(noun, "sector") else None
    kind = "organization" if _attr(noun, "actor_type") == "organization" else "group"
    return Spec(kind, s.surface(start, end), "actors.group.demonym_noun", country=country, sector=sector,
                affiliation=affiliation)


def place_heads(s: _Sentence, words: ActorWords) -> Iterator[Candidate]:
    """``actors.location.head_noun``: "the Kursk region", "Idlib province"."""
    for u, unit in enumerate(s.units):
        if unit.cat not in ("NAME", "LOC") or (u > 0 and s.units[u - 1].cat in ("NAME", "LOC")):
            continue
        end = u
        while end < len(s.units) and end - u < 3 and s.units[end].cat in ("NAME", "LOC"):
            end += 1
        if end < len(s.units) and s.units[end].text.lower() in words.texts("place_heads"):
            last = s.units[end]
            spec = Spec("location", s.surface(unit.start, last.end), "actors.location.head_noun",
                        country=unit.entry.country if isinstance(unit.entry, GazetteerEntry) else None)
            yield Candidate(unit.start, last.end, spec)


def locatives(s: _Sentence, words: ActorWords, registry: _Registry) -> Iterator[Candidate]:
    """``actors.location.locative``: a capital or unknown name right after "in"/"near"... is a place."""
    preps = words.texts("locative_prepositions")
    for u, unit in enumerate(s.units[1:], start=1):
        if s.units[u - 1].text.lower() not in preps:
            continue
        if unit.cat == "COUNTRY" and unit.form == "metonym" and isinstance(unit.entry, GazetteerEntry):
            spec = Spec("location", unit.text, "actors.location.locative", country=unit.entry.country)
            yield Candidate(unit.start, unit.end, spec)
        elif unit.cat == "NAME" and _title_case(unit.text) and registry.person_word(unit.text) is None:
            end = _name_run_end(s.units, u)
            following = s.units[end].text if end < len(s.units) else ""
            if end - u <= 3 and following not in words.exact("possessive_markers") | words.exact("org_head_nouns"):
                yield Candidate(unit.start, s.units[end - 1].end,
                                Spec("location", s.surface(unit.start, s.units[end - 1].end), "actors.location.locative"))


def gazetteer_actors(s: _Sentence, registry: _Registry) -> Iterator[Candidate]:
    """Gazetteer hits that are actors by themselves (demonyms only qualify other mentions)."""
    for unit in s.units:
        if not isinstance(unit.entry, GazetteerEntry) or unit.cat == "DEMONYM":
            continue
        if unit.text in registry.aliases:  # the article defined this acronym itself
            draft = registry.drafts[registry.aliases[unit.text]]
            yield Candidate(unit.start, unit.end, Spec(draft.type, draft.name, "actors.org.acronym", key=draft.key))
            continue
        rule = "actors.coref.elliptic" if unit.form == "elliptic" else "actors.gazetteer"
        if unit.form == "people":
            spec = Spec("group", unit.text, rule, country=unit.entry.country, affiliation=entry_key(unit.entry))
        else:
            spec = entry_spec(unit.entry, rule)
        yield Candidate(unit.start, unit.end, spec)


# --------------------------------------------------------------------------- choosing and coreference


def choose(candidates: Sequence[Candidate], taken: list[bool]) -> list[Candidate]:
    """Keep non-overlapping candidates: best priority first, then the longer, then the earlier."""
    kept = []
    for cand in sorted(candidates, key=lambda c: c.rank):
        if cand.end > cand.start and not any(taken[cand.start : cand.end]):
            taken[cand.start : cand.end] = [True] * (cand.end - cand.start)
            kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def _named(s: _Sentence, words: ActorWords, registry: _Registry, taken: list[bool]) -> list[ActorMention]:
    """Recognize the sentence's named actors and register them (document order)."""
    appos = list(appositions(s, words))
    candidates = [*titled_people(s, words), *head_noun_orgs(s, words), *demonym_groups(s, words), *owned_groups(s, words),
                  *place_heads(s, words), *locatives(s, words, registry), *gazetteer_actors(s, registry),
                  *bare_names(s, words), *(c for c, _ in appos), *bare_acronyms(s, words, registry)]
    chosen = choose(candidates, taken)
    for acr in list(acronyms(s, chosen)):  # an acronym defined in the text beats the gazetteer's reading
        chosen = [c for c in chosen if (c.start, c.end) != (acr.start, acr.end)]
        if not any(taken[acr.start : acr.end]) or acr.end - acr.start == 1:
            taken[acr.start : acr.end] = [True] * (acr.end - acr.start)
            chosen.append(acr)
    chosen.sort(key=lambda c: c.start)
    found = []
    ends: dict[int, str] = {}
    for cand in chosen:
        rule = "actors.coref.short_name" if registry.shortens(cand.spec) else cand.spec.rule
        key = registry.add(cand.spec)
        ends[cand.end] = key
        found.append(ActorMention(s.span(cand.start, cand.end), key, s.sentence.index,
                                  rule=RuleRef(rule, words.version(rule))))
    for _, extra in appos:
        key = ends.get(extra.name_end)
        if key is not None and registry.drafts[key].type == "person":
            registry.enrich(key, extra)
    return found


def _mention(s: _Sentence, unit: Unit, key: str, rule: str, words: ActorWords, pronoun: bool = False) -> ActorMention:
    return ActorMention(s.span(unit.start, unit.end), key, s.sentence.index, pronoun,
                        RuleRef(rule, words.version(rule)))


def _coreferent(s: _Sentence, words: ActorWords, registry: _Registry, taken: list[bool],
                earlier: list[ActorMention]) -> None:
    """Short names, acronyms, definite descriptions and pronouns left over after recognition.

    Found mentions are appended to ``earlier`` (the article's mentions so far, in reading order), so a
    pronoun can refer to a name resolved just before it.
    """
    for u, unit in enumerate(s.units):
        if any(taken[unit.start : unit.end]):
            continue
        mention = _short_name(s, unit, words, registry) or _definite(s, u, words, registry, earlier) \
            or _pronoun(s, u, words, registry, earlier)
        if mention is not None:
            for k in range(unit.start, len(s.texts)):
                if s.sentence.tokens[k].span.end > mention.span.end:
                    break
                taken[k] = True
            earlier.append(mention)


def _short_name(s: _Sentence, unit: Unit, words: ActorWords, registry: _Registry) -> ActorMention | None:
    """``actors.coref.short_name``: "Ryder", "Choe's" and acronyms given earlier in parentheses."""
    if unit.text in registry.aliases:
        return _mention(s, unit, registry.aliases[unit.text], "actors.org.acronym", words)
    if unit.cat == "NAME" and _title_case(unit.text):
        key = registry.person_word(unit.text)
        if key is not None:
            return _mention(s, unit, key, "actors.coref.short_name", words)
    return None


def _recent(mentions: Sequence[ActorMention], before: int, since: int, fits: Callable[[str], bool]) -> str | None:
    """The actor of the latest mention ending before offset ``before``, from sentence ``since`` on, that fits.

    ``mentions`` are in reading order (sentence by sentence), so the scan runs backwards and stops at the
    first older sentence: the cost depends on the window, not on the article's length.
    """
    best = None
    for m in reversed(mentions):
        if m.sentence < since:
            break
        if m.span.end <= before and fits(m.actor) and (best is None or m.span.start > best.span.start):
            best = m
    return best.actor if best is not None else None


def _agreeing(entry: WordEntry) -> tuple[str, ...]:
    """Actor types a pronoun or description may refer to; a plural never refers to one person."""
    plural = _attr(entry, "number") == "plural"
    return tuple(t for t in _attr(entry, "refers_to") or () if not (plural and t == "person"))


def _definite(s: _Sentence, u: int, words: ActorWords, registry: _Registry,
              earlier: Sequence[ActorMention]) -> ActorMention | None:
    """``actors.coref.definite``: "the agency" → the most recent actor of a fitting type and name head."""
    if s.units[u].text.lower() != "the":
        return None
    entry = words.match("definite_descriptions", s.texts, s.units[u].start)
    if entry is None or entry.tokens[0] != "the" or len(entry.tokens) < 2:
        return None
    types = _agreeing(entry)
    heads = tuple(_attr(entry, "heads") or ())
    start = s.sentence.tokens[s.units[u].start].span.start

    def fits(key: str) -> bool:
        d = registry.drafts[key]
        return d.type in types and (not heads or any(h in d.name.split() for h in heads))

    key = _recent(earlier, start, s.sentence.index - _DEFINITE_REACH, fits)
    if key is None:
        return None
    end = s.units[u].start + len(entry.tokens)
    return ActorMention(s.span(s.units[u].start, end), key, s.sentence.index, False,
                        RuleRef("actors.coref.definite", words.version("actors.coref.definite")))


def _pronoun(s: _Sentence, u: int, words: ActorWords, registry: _Registry,
             earlier: Sequence[ActorMention]) -> ActorMention | None:
    """``actors.coref.pronoun``: he/she/it/they → the most recent fitting actor within two sentences."""
    unit = s.units[u]
    entry = words.match("pronouns", [unit.text], 0) if unit.cat in ("WORD", "DET", "NAME") else None
    if entry is None or _attr(entry, "person") == 1 or _expletive(s, u, words):
        return None  # first person ("we", "our") is the speaker's: claims attribution resolves it
    types = _agreeing(entry)
    start = s.sentence.tokens[unit.start].span.start
    key = _recent(earlier, start, s.sentence.index - _PRONOUN_REACH, lambda k: registry.drafts[k].type in types)
    return _mention(s, unit, key, "actors.coref.pronoun", words, pronoun=True) if key else None


def _expletive(s: _Sentence, u: int, words: ActorWords) -> bool:
    """"it remains to be seen": a dummy "it" + verb, confirmed by a completer within three words."""
    if s.units[u].text.lower() != "it" or u + 1 >= len(s.units):
        return False
    if s.units[u + 1].text.lower() not in words.texts("expletive_followers"):
        return False
    window = [x.text.lower() for x in s.units[u + 2 : u + 5]]
    return any(w in words.texts("expletive_completers") for w in window)


# --------------------------------------------------------------------------- the stage


def _read(sentence: Sentence, text: str, lexicon: Lexicon, words: ActorWords, registry: _Registry) -> _Sentence:
    texts = [t.text for t in sentence.tokens]
    units = build_units(texts, lexicon, words, frozenset(registry.entries_seen))
    return _Sentence(sentence, texts, units, text)


def find_mentions(segments: Segments, lexicon: Lexicon, published: date | None = None) -> Mentions:
    """Find every actor, time and quantity mention of an article.

    Args:
        segments: stage 1 output (sentences with word tokens).
        lexicon: the gazetteer and shared word lists.
        published: the publication date, which anchors relative times ("on Monday").

    Returns:
        Actors in order of first mention (one per real entity, with a stable ``key``), their mentions
        sorted by span (pronoun mentions flagged), and the times and quantities.
    """
    words = merged_words(load_actor_words(), lexicon)
    registry = _Registry(words)
    mentions: list[ActorMention] = []
    for sentence in segments.sentences:
        if not sentence.tokens:
            continue
        s = _read(sentence, segments.text, lexicon, words, registry)
        taken = [False] * len(s.texts)
        mentions.extend(_named(s, words, registry, taken))
        _coreferent(s, words, registry, taken, mentions)
    mentions.sort(key=lambda m: (m.span.start, m.span.end))
    actors = registry.freeze([m.actor for m in mentions if not m.pronoun] + [m.actor for m in mentions])
    times, quantities = _times_and_quantities(segments, published)
    return Mentions(actors, tuple(mentions), times, quantities)


def _times_and_quantities(segments: Segments, published: date | None) -> tuple[
        tuple[TimeMention, ...], tuple[QuantityMention, ...]]:
    """Times first, then quantities that do not overlap them (``converter.times``, shipped word lists)."""
    times = find_times(segments, None, published)
    return tuple(times), tuple(find_quantities(segments, None, times))
