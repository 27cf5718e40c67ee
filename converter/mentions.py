"""Stage 2: who is mentioned where. Segments → actors, actor mentions (with coreference), times, quantities.

Each sentence is read in document order. Its tokens become categorized units
(:func:`converter.actor_units.build_units`); recognizers propose *candidates* (a token range plus what actor
it names); overlapping candidates are settled by rule priority, then length; the chosen ones create or
join actors in a registry. Then the leftovers are resolved against what is already known: short
names and acronyms, definite descriptions ("the agency") and pronouns. Reading in order is what lets
"Ryder" find "Maj. Gen. Pat Ryder" and "he" find the last person.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import attrgetter, itemgetter

from .actor_units import Unit, build_units, name_case, name_stem
from .actor_words import DEFAULT_PRIORITY, ActorWords, attr, first_words, load_actor_words, merged_words
from .actors import (
    Candidate,
    Enrichment,
    SentenceView,
    Spec,
    acronyms,
    appositions,
    bare_acronyms,
    bare_groups,
    bare_names,
    demonym_groups,
    entry_spec,
    gazetteer_actors,
    head_noun_orgs,
    leader_governments,
    locatives,
    owned_groups,
    place_heads,
    possessed_group,
    reporting_subjects,
    titled_people,
)
from .lexicon import GazetteerEntry, Lexicon, WordEntry, lower_key
from .model import (
    Actor,
    ActorMention,
    ActorType,
    Dateline,
    Mentions,
    QuantityMention,
    RuleRef,
    Segments,
    Sentence,
    Span,
    TimeMention,
    built,
)
from .times import find_quantities, find_times

_PRONOUN_REACH = 2  # sentences back that a pronoun may reach
_DEFINITE_REACH = 3  # sentences back that "the agency" may reach
_RECENT_MENTIONS = 64  # mentions a pronoun scans back through at most (the reach in sentences still applies)


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
    #: the name's words, kept with the name (:meth:`rename`): a person's are compared with every new
    #: person's name, so they are split once per name, not once per comparison
    words: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.words = tuple(self.name.split())

    def rename(self, name: str) -> None:
        self.name = name
        self.words = tuple(name.split())


@dataclass
class _Registry:
    """Actors found so far, in order of first mention, with the aliases and entries already seen."""

    words: ActorWords
    drafts: dict[str, _Draft] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    entries_seen: set[str] = field(default_factory=set)
    home: GazetteerEntry | None = None  # the dateline's country, which "the government" means by default
    #: the person drafts, in order of creation (:meth:`_find` compares a new person with these only)
    persons: list[_Draft] = field(default_factory=list)
    #: first and last name words → the latest person so named (:meth:`person_word`, asked for every
    #: capitalized word); rebuilt after a person is added or renamed, which is rare
    _person_words: dict[str, str] | None = field(default=None, repr=False)

    def add(self, spec: Spec) -> str:
        """Create the actor ``spec`` names, or join an existing one (same key, or a known person's short name)."""
        return self._add(spec, self._find(spec))

    def register(self, spec: Spec) -> tuple[str, bool]:
        """:meth:`add` ``spec``, and say whether it names a known person by part of the name
        (:meth:`shortens`, asked before adding); the earlier actor is looked for once for both."""
        found = self._find(spec)
        short = (
            spec.type == "person"
            and found is not None
            and len(spec.name.split()) < len(self.drafts[found].words)
        )
        return self._add(spec, found), short

    def _add(self, spec: Spec, found: str | None) -> str:
        key = found or spec.key or self._new_key(spec)
        draft = self.drafts.get(key)
        if draft is None:
            draft = _Draft(
                key,
                spec.name,
                spec.type,
                _rule_ref(spec.rule, self.words),
                spec.country,
                spec.sector,
                wikidata=spec.wikidata,
            )
            self.drafts[key] = draft
            self._person_words = None
            if draft.type == "person":
                self.persons.append(draft)
            initials = _initials(spec.name) if draft.type == "organization" else None
            if initials:  # "the RSF" after "Rapid Support Forces": the article's own reading of the letters
                self.aliases.setdefault(initials, key)
        self._merge(draft, spec)
        if spec.alias:
            self.aliases[spec.alias] = key
        if spec.entry_id:
            self.entries_seen.add(spec.entry_id)
        return key

    def _new_key(self, spec: Spec) -> str:
        if spec.rule.startswith("actors.group.") and spec.country and spec.sector and spec.type == "group":
            # "Russian forces" = "Russian troops"; a body ("Philippine coast guard") is not "Philippine military"
            return f"{spec.country.lower()} {spec.sector}|{spec.type}"
        return f"{spec.name.lower()}|{spec.type}"

    def _find(self, spec: Spec) -> str | None:
        """A person named by part of an earlier person's name ("Yoon", "President Yoon") is that person;
        so is a full name whose first or last word an earlier one-word name was ("President Biden" … "Joe Biden")."""
        if spec.rule == "actors.group.bare":
            return self._owned_group(spec.name.lower())
        if spec.type != "person":
            return None
        new = tuple(spec.name.split())
        for draft in reversed(self.persons):
            if _name_part(new, draft.words) or (len(draft.words) == 1 and _name_part(draft.words, new)):
                return draft.key
        return None

    def _owned_group(self, noun: str) -> str | None:
        """ "the police" after "Kenyan police": a bare group noun is the latest group it heads."""
        for draft in reversed(self.drafts.values()):
            if draft.type == "group" and (
                draft.name.lower() == noun or draft.name.lower().endswith(" " + noun)
            ):
                return draft.key
        return None

    def shortens(self, spec: Spec) -> bool:
        """True when ``spec`` names a known person by part of the name ("President Yoon" after "Yoon Suk Yeol")."""
        key = self._find(spec) if spec.type == "person" else None
        return key is not None and len(spec.name.split()) < len(self.drafts[key].words)

    def _merge(self, draft: _Draft, spec: Spec) -> None:
        if draft.type == "person" and len(spec.name.split()) > len(draft.words):
            draft.rename(spec.name)
            self._person_words = None
        if spec.titles:
            draft.titles.extend(t for t in spec.titles if t not in draft.titles)
        draft.country = draft.country or spec.country
        draft.sector = draft.sector or spec.sector
        draft.affiliation = draft.affiliation or spec.affiliation

    def alias(self, text: str) -> Spec | None:
        """The actor an acronym defined earlier stands for, as a spec that joins it."""
        key = self.aliases.get(text)
        if key is None:
            return None
        draft = self.drafts[key]
        return Spec(draft.type, draft.name, "actors.org.acronym", key=key)

    def person_word(self, word: str) -> str | None:
        """The most recent person whose first or last name word is ``word``; a surname with a particle
        prefix is also found by its stem ("Al-Mismari", "Mismari" for "Ahmed al-Mismari")."""
        if self._person_words is None:
            index = {}
            for draft in self.drafts.values():  # in order of creation: a later person overrides
                if draft.type == "person":
                    last = draft.words[-1]
                    index[name_stem(last, self.words)] = index[draft.words[0]] = index[last] = draft.key
            self._person_words = index
        return self._person_words.get(word) or self._person_words.get(name_stem(word, self.words))

    def enrich(self, key: str, extra: Enrichment) -> None:
        """Add what an appositive says (titles, owner) to a person found by another rule."""
        draft = self.drafts[key]
        self._merge(
            draft,
            Spec(
                draft.type,
                draft.name,
                draft.rule.id,
                titles=extra.titles,
                affiliation=extra.affiliation,
                country=extra.country,
                sector=extra.sector,
            ),
        )

    def freeze(self, order: Sequence[str]) -> tuple[Actor, ...]:
        """Frozen actors in ``order`` (first mention); affiliations to actors never mentioned are dropped."""
        actors = []
        for key in dict.fromkeys(order):
            d = self.drafts[key]
            affiliation = d.affiliation if d.affiliation in self.drafts and d.affiliation != key else None
            actor = built(
                Actor,
                key=d.key,
                name=d.name,
                type=d.type,
                rule=d.rule,
                country=d.country,
                sector=d.sector,
                titles=tuple(d.titles),
                affiliation=affiliation,
                wikidata=d.wikidata,
            )
            actors.append(actor)
        return tuple(actors)


@lru_cache(maxsize=256)
def _rule_ref(rule: str, words: ActorWords) -> RuleRef:
    """The (immutable) reference to an actors rule and its version, built once per rule, not per mention."""
    return RuleRef(rule, words.version(rule))


def _initials(name: str) -> str | None:
    """The acronym a multi-word organization name implies ("Rapid Support Forces" -> "RSF"), or None.

    Only names whose words are all capitalized, apart from short lower-case links ("Forces for Freedom and
    Change" -> "FFC"), with no possessive, period or digit: a description ("South Korea's parliament") or
    an abbreviated name implies nothing. Two to six letters, like the acronyms actors.py recognizes.
    """
    parts = name.replace("-", " ").split()
    if any(not part.isalpha() for part in parts):
        return None
    capitals = [part for part in parts if part[0].isupper()]
    if len(capitals) != len([p for p in parts if not (p.islower() and len(p) <= 3)]):
        return None  # a long lower-case word: a description, not a name
    letters = "".join(part[0] for part in capitals)
    return letters if 2 <= len(letters) <= 6 and len(capitals) >= 2 else None


def _name_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """True when ``short`` equals ``full`` or is its leading or trailing words."""
    n = len(short)
    return short == full or (0 < n < len(full) and (full[:n] == short or full[-n:] == short))


# --------------------------------------------------------------------------- choosing and coreference


def choose(candidates: Sequence[Candidate], taken: list[bool], words: ActorWords) -> list[Candidate]:
    """Keep non-overlapping candidates: best rule priority first, then the longer, then the earlier."""
    kept = []
    priorities = words.priorities()
    # Candidate.rank with the rule's priority, as plain tuples sorted without a key function; the
    # candidate's index last keeps the input order on ties, as a stable sort by rank does
    ranked = sorted(
        [
            (priorities.get(c.spec.rule, DEFAULT_PRIORITY), c.start - c.end, c.start, k)
            for k, c in enumerate(candidates)
        ]
    )
    for priority, _, start, k in ranked:
        end = candidates[k].end
        if end > start and True not in taken[start:end]:
            taken[start:end] = [True] * (end - start)
            kept.append(_tuple_new(Candidate, (start, end, candidates[k].spec, priority)))
    kept.sort(key=_START)
    return kept


_START = itemgetter(0)  # Candidate.start
_tuple_new = tuple.__new__  # Candidate(...) without the generated __new__ (an equal tuple)


def _named(s: SentenceView, words: ActorWords, registry: _Registry, taken: list[bool]) -> list[ActorMention]:
    """Recognize the sentence's named actors and register them (document order)."""
    appos = list(appositions(s, words))
    candidates = [
        *titled_people(s, words),
        *head_noun_orgs(s, words),
        *leader_governments(s, words),
        *demonym_groups(s, words),
        *owned_groups(s, words),
        *bare_groups(s, words),
        *place_heads(s, words),
        *locatives(s, words, registry),
        *gazetteer_actors(s, registry),
        *bare_names(s, words),
        *reporting_subjects(s, words),
        *(c for c, _ in appos),
        *bare_acronyms(s, words, registry),
    ]
    described = {extra.name_end for _, extra in appos}
    if described:  # _describes needs an appositive's name before it
        candidates = [c for c in candidates if not _describes(s, c, described, words)]
    chosen = [_homed(s, c, words, registry.home) for c in choose(candidates, taken, words)]
    for acr in list(acronyms(s, chosen)):  # an acronym defined in the text beats the gazetteer's reading
        chosen = [c for c in chosen if (c.start, c.end) != (acr.start, acr.end)]
        if not any(taken[acr.start : acr.end]) or acr.end - acr.start == 1:
            taken[acr.start : acr.end] = [True] * (acr.end - acr.start)
            chosen.append(acr)
    chosen.sort(key=lambda c: c.start)
    found = []
    ends: dict[int, str] = {}
    for cand in chosen:
        key, short = registry.register(cand.spec)
        rule = "actors.coref.short_name" if short else cand.spec.rule
        ends[cand.end] = key
        span = s.span(cand.start, cand.end)
        found.append(_actor_mention(span, key, s.sentence.index, False, _rule_ref(rule, words)))
    for _, extra in appos:
        key = ends.get(extra.name_end)
        if key is not None and registry.drafts[key].type == "person":
            registry.enrich(key, extra)
    return found


def _homed(s: SentenceView, cand: Candidate, words: ActorWords, home: GazetteerEntry | None) -> Candidate:
    """ "the Interior Ministry said" in a datelined report is the dateline country's ministry: an
    ownerless state body (head noun of a state sector) takes the home country, unless a place or owner
    follows ("the Defense Ministry in Moscow")."""
    spec = cand.spec
    if home is None or spec.rule != "actors.org.head_noun" or spec.country or spec.affiliation:
        return cand
    if spec.sector not in words.texts("state_sectors") or _owner_follows(s, cand.end, words):
        return cand
    return cand._replace(spec=spec._replace(country=home.country))


def _describes(s: SentenceView, cand: Candidate, name_ends: set[int], words: ActorWords) -> bool:
    """ "Lula, the Brazilian president, ...": an unnamed-person reading of an appositive describes the
    name before the comma (which the apposition enriches); it is not a second person."""
    if cand.spec.rule != "actors.person.anonymous":
        return False
    k = cand.start - 1
    if k >= 0 and s.texts[k].lower() in words.texts("determiners"):
        k -= 1
    return k >= 0 and s.texts[k] == "," and k in name_ends


def _mention(
    s: SentenceView, unit: Unit, key: str, rule: str, words: ActorWords, pronoun: bool = False
) -> ActorMention:
    span = s.span(unit.start, unit.end)
    return _actor_mention(span, key, s.sentence.index, pronoun, _rule_ref(rule, words))


def _actor_mention(span: Span, actor: str, sentence: int, pronoun: bool, rule: RuleRef) -> ActorMention:
    """``ActorMention(...)``, one per mention of an article: see :func:`converter.model.built`."""
    return built(ActorMention, span=span, actor=actor, sentence=sentence, pronoun=pronoun, rule=rule)


def _coreferent(
    s: SentenceView, words: ActorWords, registry: _Registry, taken: list[bool], earlier: list[ActorMention]
) -> None:
    """Short names, acronyms, definite descriptions and pronouns left over after recognition.

    Found mentions are appended to ``earlier`` (the article's mentions so far, in reading order), so a
    pronoun can refer to a name resolved just before it.
    """
    cues = _cues(words)
    articles, pronoun_firsts = words.texts("definite_articles"), first_words(words, "pronouns")
    aliases = registry.aliases
    lowers = s.unit_lowers
    # cheap test first: most units are plain words no coreference rule looks at
    names = [u for u in s.at("NAME") if not taken[s.units[u].start]]  # a name unit is one token
    cue_units = [u for u in s.at(*_CUE_CATEGORIES) if lowers[u] in cues]
    looked_at = sorted(names + cue_units)
    if aliases:  # acronyms defined earlier in the article
        looked_at = sorted({*looked_at, *(u for u, text in enumerate(s.unit_texts) if text in aliases)})
    for u in looked_at:
        unit = s.units[u]
        if any(taken[unit.start : unit.end]):
            continue
        lower = lowers[u]
        cue = lower in cues or lower.replace("’", "'") in cues  # else neither an article nor a pronoun
        mention = _short_name(s, unit, words, registry)
        if mention is None and cue:
            # each resolver's own first test, asked here: "the" is no pronoun, "he" opens no description
            mention = _definite(s, u, words, registry, earlier) if lower in articles else None
            if mention is None and lower_key(unit.text) in pronoun_firsts:
                mention = _pronoun(s, u, words, registry, earlier)
        if mention is None:
            continue
        tokens, stop = s.sentence.tokens, unit.start
        while stop < len(tokens) and tokens[stop].span.end <= mention.span.end:
            stop += 1  # token ends grow along the sentence: the covered tokens are a run from the unit on
        covered = range(unit.start, stop)
        if not any(taken[k] for k in covered):  # "the Ministry" may already be a named organization
            for k in covered:
                taken[k] = True
            earlier.append(mention)
            if mention.pronoun:
                _pronoun_owned(s, stop, mention, words, registry, taken, earlier)


#: Unit categories a pronoun or an article has (names and acronyms given earlier are tested apart).
_CUE_CATEGORIES = ("WORD", "DET")


@lru_cache(maxsize=8)
def _cues(words: ActorWords) -> frozenset[str]:
    """Words that can start a definite description or be a pronoun (built once per word set)."""
    return words.texts("definite_articles") | words.texts("pronouns")


def _short_name(s: SentenceView, unit: Unit, words: ActorWords, registry: _Registry) -> ActorMention | None:
    """``actors.coref.short_name``: "Ryder", "Choe's" and acronyms given earlier in parentheses."""
    if unit.text in registry.aliases:
        return _mention(s, unit, registry.aliases[unit.text], "actors.org.acronym", words)
    if unit.cat == "NAME" and name_case(unit.text, words):
        key = registry.person_word(unit.text)
        if key is not None:
            return _mention(s, unit, key, "actors.coref.short_name", words)
    return None


def _recent(
    mentions: Sequence[ActorMention], before: int, since: int, fits: Callable[[str], bool]
) -> str | None:
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
    plural = attr(entry, "number") == "plural"
    return tuple(t for t in attr(entry, "refers_to") or () if not (plural and t == "person"))


def _plural(entry: WordEntry) -> bool:
    """ "they", "the rebels": plural words, which may stand for a coordination ("A and B")."""
    return attr(entry, "number") == "plural"


def _coordinated(
    mention: ActorMention,
    mentions: Sequence[ActorMention],
    text: str,
    joins: frozenset[str],
    commas: bool = True,
) -> bool:
    """True when ``mention`` is one conjunct of "A and B" (or "A, B" when ``commas``) with one of ``mentions``."""
    for other in mentions:
        if other.sentence != mention.sentence or other.pronoun or other is mention:
            continue
        a, b = sorted((other.span, mention.span))
        between = text[a.end : b.start].strip()
        if (
            a.end <= b.start
            and between
            and between.strip(" ,").lower() in (joins | {""} if commas else joins)
        ):
            return True
    return False


def _plural_antecedent(
    mentions: Sequence[ActorMention],
    before: int,
    since: int,
    registry: _Registry,
    fits: Callable[[str], bool],
    joins: tuple[frozenset[str], str],
) -> str | None:
    """A plural pronoun or description ("they", "the allies") names the latest plural-capable actor,
    unless the sentence of that mention also holds a coordination of such actors ("Pyongyang and
    Moscow dismissed reports of North Korean troops. They ..."): the plural may mean the pair, and the
    model holds one actor per mention, so precision leaves it unresolved rather than half right.
    Only groups and organizations stand for "they"; one country or one person is "it" or "he"/"she"."""
    window = _fitting_window(mentions, before, since, fits)
    if not window:
        return None
    latest = max(window, key=lambda m: m.span.start)
    rivals = [m for m in window if m.sentence >= latest.sentence]
    if any(_coordinated(m, rivals, joins[1], joins[0]) for m in rivals):
        return None
    return latest.actor if registry.drafts[latest.actor].type in ("group", "organization") else None


def _definite(
    s: SentenceView, u: int, words: ActorWords, registry: _Registry, earlier: Sequence[ActorMention]
) -> ActorMention | None:
    """``actors.coref.definite``: "the agency" → the most recent actor of a fitting type and name head."""
    if s.units[u].text.lower() not in words.texts("definite_articles"):
        return None
    entry = words.match_keys("definite_descriptions", s.keys, s.units[u].start)
    if entry is None or len(entry.tokens) < 2:
        return None
    if attr(entry, "count") is not None:
        return None  # "the two nations", "both leaders": several actors, which one mention cannot hold
    types = _agreeing(entry)
    heads = tuple(attr(entry, "heads") or ())
    start = s.sentence.tokens[s.units[u].start].span.start

    role = str(attr(entry, "title") or entry.tokens[-1]).lower()
    sector = attr(entry, "sector")

    def fits(key: str) -> bool:
        d = registry.drafts[key]
        if d.type == "person":  # "the minister" is someone titled so ("Foreign Minister Choe")
            return d.type in types and any(t.lower().endswith(role) for t in d.titles)
        return (
            d.type in types
            and (not heads or any(h in d.name.split() for h in heads))
            and (sector is None or d.sector in (None, sector))  # "the rebels" are not the Pentagon
        )

    since = s.sentence.index - _DEFINITE_REACH
    if attr(entry, "home") and _owner_follows(s, s.units[u].start + len(entry.tokens), words):
        return None  # "the government of Sudan": its own country is named right after it
    if attr(entry, "home"):
        key = _home_country(registry, earlier, start, since)
    elif _plural(entry):
        key = _plural_antecedent(earlier, start, since, registry, fits, _joins(words, s))
    else:
        key = _recent(earlier, start, since, fits)
    if key is None:
        return None
    end = s.units[u].start + len(entry.tokens)
    return ActorMention(
        s.span(s.units[u].start, end),
        key,
        s.sentence.index,
        False,
        _rule_ref("actors.coref.definite", words),
    )


def _owner_follows(s: SentenceView, end: int, words: ActorWords) -> bool:
    """True when "of" + a country or organization follows token ``end`` ("the government of Sudan")."""
    if end + 1 >= len(s.texts) or s.texts[end].lower() not in words.texts("owner_prepositions"):
        return False
    return any(x.start == end + 1 and x.cat in ("COUNTRY", "ORG", "NAME") for x in s.units)


def _home_country(
    registry: _Registry, earlier: Sequence[ActorMention], before: int, since: int
) -> str | None:
    """ "the government" of a news report is the dateline country's, else the latest country named
    (never a parliament or a bloc that happens to be nearer)."""
    if registry.home is not None:
        return registry.add(entry_spec(registry.home, "actors.coref.definite"))
    return _recent(earlier, before, since, lambda k: registry.drafts[k].type == "country")


def _dateline_country(dateline: Dateline | None, lexicon: Lexicon) -> GazetteerEntry | None:
    """The country a dateline names ("NAIROBI, Kenya", "JERUSALEM"): its words in title case are
    looked up in the gazetteer, and the first country (or capital standing for one) wins."""
    if dateline is None or not dateline.place:
        return None
    words = dateline.place.replace(",", " , ").split()
    tokens = [w.capitalize() if w.isupper() and len(w) > 3 else w for w in words]
    hits = lexicon.gazetteer.find_all(tokens)
    return next((h.entry for h in hits if h.entry.type == "country"), None)


def _pronoun(
    s: SentenceView, u: int, words: ActorWords, registry: _Registry, earlier: Sequence[ActorMention]
) -> ActorMention | None:
    """``actors.coref.pronoun``: he/she/it/they → the most recent fitting actor within two sentences."""
    unit = s.units[u]
    entry = words.match("pronouns", [unit.text], 0) if unit.cat in ("WORD", "DET", "NAME") else None
    if entry is None or attr(entry, "person") == 1 or _expletive(s, u, words):
        return None  # first person ("we", "our") is the speaker's: claims attribution resolves it
    types = _agreeing(entry)
    start = s.sentence.tokens[unit.start].span.start
    since = s.sentence.index - _PRONOUN_REACH

    plural, drafts = _plural(entry), registry.drafts  # asked once, not for every mention in the window

    def fits(k: str) -> bool:
        draft = drafts[k]
        return draft.type in types and (plural or not _plural_group(draft, words))

    if plural:
        key = _plural_antecedent(earlier, start, since, registry, fits, _joins(words, s))
    else:
        key = _singular_antecedent(
            earlier, start, since, fits, _joins(words, s), words.texts("oblique_markers"),
            words.texts("definite_articles"),
        )
    return _mention(s, unit, key, "actors.coref.pronoun", words, pronoun=True) if key else None


def _plural_group(draft: _Draft, words: ActorWords) -> bool:
    """ "security forces", "Armenian protesters": a group headed by a plural noun is "they", never "it"."""
    return draft.type == "group" and _plural_name(draft.name, words)


@lru_cache(maxsize=4096)
def _plural_name(name: str, words: ActorWords) -> bool:
    """True when the last one or two words of ``name`` are a plural group noun (cached: names repeat)."""
    names = name.split()
    for n in (2, 1):
        noun = words.match("group_nouns", names, len(names) - n) if len(names) >= n else None
        if noun is not None and len(noun.tokens) == n:
            return attr(noun, "number") == "plural"
    return False


def _fitting_window(
    mentions: Sequence[ActorMention], before: int, since: int, fits: Callable[[str], bool]
) -> list[ActorMention]:
    """The recent named mentions a pronoun at ``before`` may refer to: since sentence ``since``, fitting.

    ``mentions`` are in reading order, so those of sentence ``since`` on are a tail found by bisection.
    """
    recent = mentions[-_RECENT_MENTIONS:]
    tail = recent[bisect_left(recent, since, key=_SENTENCE) :]
    return [m for m in tail if not m.pronoun and m.span.end <= before and fits(m.actor)]


_SENTENCE = attrgetter("sentence")


def _singular_antecedent(
    mentions: Sequence[ActorMention],
    before: int,
    since: int,
    fits: Callable[[str], bool],
    joins: tuple[frozenset[str], str],
    obliques: frozenset[str] = frozenset(),
    articles: frozenset[str] = frozenset(),
) -> str | None:
    """ "he" after "Putin and Xi met": either may be meant, so a singular pronoun whose latest fitting
    antecedent is joined by "and"/"or" to another fitting actor stays unresolved (commas do not count:
    "In Kyiv, the ministry said it ..." is no coordination)."""
    window = _fitting_window(mentions, before, since, fits)
    if not window:
        return None
    latest = max(window, key=lambda m: m.span.start)
    chosen = _subject(window, latest.sentence, joins[1], obliques, articles) or latest
    rivals = [m for m in window if m.sentence == chosen.sentence and m.actor != chosen.actor]
    return None if _coordinated(chosen, rivals, joins[1], joins[0], commas=False) else chosen.actor


def _subject(
    window: Sequence[ActorMention],
    sentence: int,
    text: str,
    obliques: frozenset[str],
    articles: frozenset[str],
) -> ActorMention | None:
    """The subject-like mention of ``sentence``: its first fitting mention that is not the object of a
    preposition ("In Kyiv, ...") nor an owner before 's ("Russia's ministry"). Readers take a pronoun
    to continue the previous subject ("Odinga urged Ruto to quit. He said ..." → Odinga)."""
    for m in sorted((m for m in window if m.sentence == sentence), key=lambda m: m.span.start):
        before = [w.lower() for w in text[max(0, m.span.start - 32) : m.span.start].split()]
        if before and before[-1] in articles:  # "to the United Nations"
            before.pop()
        after = text[m.span.end : m.span.end + 2]
        if (before and before[-1] in obliques) or after in ("'s", "’s"):
            continue
        return m
    return None


def _joins(words: ActorWords, s: SentenceView) -> tuple[frozenset[str], str]:
    """Words that join conjuncts ("and", "or") and the article text, for :func:`_coordinated`."""
    return words.texts("coordinators"), s.text


def _expletive(s: SentenceView, u: int, words: ActorWords) -> bool:
    """ "it remains to be seen": a dummy "it" + verb, confirmed by a completer within three words."""
    if s.units[u].text.lower() not in words.texts("expletive_pronouns") or u + 1 >= len(s.units):
        return False
    if s.units[u + 1].text.lower() not in words.texts("expletive_followers"):
        return False
    window = [x.text.lower() for x in s.units[u + 2 : u + 5]]
    return any(w in words.texts("expletive_completers") for w in window)


#: Antecedent types that own a state body or force after a possessive pronoun ("its army"), as the
#: countries and organizations before 's do (actors.group.owned); a person's "his army" is not his.
_GROUP_OWNERS = frozenset({"country", "organization"})
_BARE_GROUP = "actors.group.bare"  # the ownerless reading of a group noun, which an owner replaces


def _pronoun_owned(
    s: SentenceView,
    tok: int,
    pronoun: ActorMention,
    words: ActorWords,
    registry: _Registry,
    taken: list[bool],
    earlier: list[ActorMention],
) -> None:
    """ "Egypt condemned the raid. Its foreign ministry said ...": the group noun at token ``tok``, right
    after a resolved possessive pronoun, is the antecedent's, as in "Egypt's foreign ministry". The
    owned mention is appended to ``earlier``; it replaces the ownerless reading of the same words
    ("Russia said its troops had pulled back": not just some troops)."""
    if s.text[pronoun.span.start : pronoun.span.end].lower() not in words.texts("possessive_determiners"):
        return
    owner = registry.drafts[pronoun.actor]
    if owner.type not in _GROUP_OWNERS or tok >= len(s.texts):
        return
    spec = Spec(owner.type, owner.name, owner.rule.id, owner.key, owner.country, owner.sector)
    cand = possessed_group(s, tok, words, spec)
    if cand is None or owner.name.lower().endswith(s.surface(cand.start, cand.end).lower()):
        return  # "the foreign ministry ... its foreign ministry": a body does not own itself
    span = s.span(cand.start, cand.end)
    bare = next((i for i, m in enumerate(earlier) if m.span == span and m.rule.id == _BARE_GROUP), None)
    if bare is None and any(taken[cand.start : cand.end]):
        return
    taken[cand.start : cand.end] = [True] * (cand.end - cand.start)
    key = registry.add(cand.spec)
    mention = ActorMention(span, key, s.sentence.index, rule=_rule_ref(cand.spec.rule, words))
    if bare is None:
        earlier.append(mention)
    else:
        earlier[bare] = mention


def _possessed(
    s: SentenceView,
    resolved: Sequence[ActorMention],
    mentions: Sequence[ActorMention],
    words: ActorWords,
    registry: _Registry,
) -> None:
    """ "his spokesman Hussein Mohamed": a titled person right after a resolved possessive pronoun is
    affiliated with the pronoun's actor (the possessor), as after "Kenya's" or "the Pentagon"; so is
    an ownerless named body ("Egypt ... Its Foreign Ministry said"), which also takes its country."""
    owners = words.texts("possessive_determiners")
    if not any(p.pronoun and s.text[p.span.start : p.span.end].lower() in owners for p in resolved):
        return
    starts = {m.span.start: m for m in mentions if m.sentence == s.sentence.index and not m.pronoun}
    tokens = s.sentence.tokens
    for p in resolved:
        k = next((i for i, t in enumerate(tokens) if t.span.start == p.span.start), None)
        if not p.pronoun or k is None or k + 1 >= len(tokens) or tokens[k].text.lower() not in owners:
            continue
        owned = starts.get(tokens[k + 1].span.start)
        if owned is None or owned.actor == p.actor:
            continue
        draft, owner = registry.drafts[owned.actor], registry.drafts[p.actor]
        if draft.type == "person":
            registry.enrich(owned.actor, Enrichment(0, (), p.actor, None, None))
        elif _ownerless_body(draft, owner):
            registry.enrich(owned.actor, Enrichment(0, (), p.actor, owner.country, None))


def _ownerless_body(draft: _Draft, owner: _Draft) -> bool:
    """True when ``draft`` is a body named by its head noun alone ("Foreign Ministry", never a listed
    organization) whose country, if it has one (the dateline's, say), is the possessor's; a country or
    organization possesses it."""
    return (
        draft.rule.id == "actors.org.head_noun"
        and owner.type in _GROUP_OWNERS
        and draft.affiliation is None
        and draft.country in (None, owner.country)
    )


# --------------------------------------------------------------------------- the stage


def _read(
    sentence: Sentence, text: str, lexicon: Lexicon, words: ActorWords, registry: _Registry
) -> SentenceView:
    texts = list(map(_TOKEN_TEXT, sentence.tokens))
    # the registry's own set, not a copy: build_units only reads it, and it grows only after the units
    units = build_units(texts, lexicon, words, registry.entries_seen)
    return SentenceView(sentence, texts, units, text)


_TOKEN_TEXT = attrgetter("text")


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
    registry = _Registry(words, home=_dateline_country(segments.dateline, lexicon))
    mentions: list[ActorMention] = []
    for sentence in segments.sentences:
        if not sentence.tokens:
            continue
        s = _read(sentence, segments.text, lexicon, words, registry)
        taken = [False] * len(s.texts)
        mentions.extend(_named(s, words, registry, taken))
        before = len(mentions)
        _coreferent(s, words, registry, taken, mentions)
        _possessed(s, mentions[before:], mentions, words, registry)
    mentions.sort(key=lambda m: (m.span.start, m.span.end))
    actors = registry.freeze([m.actor for m in mentions if not m.pronoun] + [m.actor for m in mentions])
    times, quantities = _times_and_quantities(segments, published)
    return Mentions(actors, tuple(mentions), times, quantities)


def _times_and_quantities(
    segments: Segments, published: date | None
) -> tuple[tuple[TimeMention, ...], tuple[QuantityMention, ...]]:
    """Times first, then quantities that do not overlap them (``converter.times``, shipped word lists)."""
    times = find_times(segments, None, published)
    return tuple(times), tuple(find_quantities(segments, None, times))
