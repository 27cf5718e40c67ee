"""Stage 3: PLOVER events from the event rules in ``rules/events/*.yaml``.

Every sentence is turned into a token stream in which each mention is one token
(``tokens.sentence_tokens``); every event rule's compiled pattern is run over it, and each
match becomes an :class:`~converter.model.Event`. The words live in YAML: patterns in
``rules/events/``, cue words for modality and negation in ``rules/lexicon/modality.yaml``
(word list ``modality_cues``, each entry carrying a ``modality`` attribute).

Precision comes first: a participant is only ever taken from a ``$source`` / ``$target`` /
``$location`` / ``$intermediary`` capture (never guessed), and when several matches claim the
same trigger words only the most specific one is kept.

Modality comes from the nearest cue before the trigger (``modality_cues``) and, failing that,
from the governing clause, read from the reporting word lists (rules/lexicon/reporting_verbs.yaml)
without consulting the claims stage: an event under a reporting verb, after "according to" + a
source, or before a closing "…, X said" is ``reported``; under a denial it is ``denied``.
Control and raising frames ("stands accused of supplying", "is believed to be receiving") sit
between subject and verb in the patterns (``@control_frames``), so the subject is the source.

Each rule has a per-article step budget (``pattern.Budget``); a rule that exhausts it is skipped
for the rest of the article and reported (:func:`match_events_with_warnings`, or a
:class:`RuleBudgetWarning` from :func:`match_events`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from converter.model import (
    ActorMention,
    Event,
    Mentions,
    Modality,
    Participant,
    QuantityMention,
    RuleRef,
    Segments,
    Sentence,
    Span,
    TimeMention,
    Token,
)
from converter.pattern import Budget, token_view
from converter.tokens import sentence_tokens

if TYPE_CHECKING:  # imported for annotations only: rules.py imports the whole rule machinery
    from converter.rules import RuleSet

ROLES: tuple[str, ...] = ("source", "target", "location", "intermediary")
"""Capture names that become participants, in output order."""

MODALITY_LIST = "modality_cues"
"""Name of the word list (rules/lexicon/modality.yaml) whose entries carry a ``modality``."""

ULTIMATUM_LIST = "ultimatum_cues"
"""Word list (rules/lexicon/modality.yaml) of words that turn an announced act into an ultimatum."""

THREATEN = "THREATEN"

PASSIVE_LIST = "passive_aux"
"""Word list of passive auxiliaries ("was attacked"): the actor before them is acted upon."""

ACTIVE_SUFFIX_LIST = "active_suffixes"
"""Word list of verb endings that stay active after "be" ("were attacking")."""

BREAKS_LIST = "clause_breaks"
"""Name of the word list (rules/lexicon/event_words.yaml) of words that open a new clause."""

GOVERNING_TYPES: frozenset[str] = frozenset({"AGREE", "REQUEST", "REJECT", "THREATEN", "PROTEST"})
"""Verbal acts whose complement is an action, not a separate event ("threatened to impose …",
"rejected an invitation to attend …", "staged protests to demand …")."""

GOVERNING_REACH = 10
"""How many tokens after a verbal act's trigger its complement may reach."""

CUE_WINDOW = 6
"""How many tokens before the trigger may hold a modality cue ("is believed to be receiving")."""

NEGATION_WINDOW = 3
"""Negation binds tighter than modality: "has not sent", "never withdrew"."""

FUTURE_MODALITIES: frozenset[str] = frozenset({"expected", "planned", "hypothetical"})
"""Modalities that put an event in the future (or a conditional future) for PLOVER's recoding."""

FUTURE_TYPE: Mapping[str, str] = {
    "CONSULT": "AGREE",
    "SUPPORT": "AGREE",
    "COOPERATE": "AGREE",
    "AID": "AGREE",
    "RETREAT": "CONCEDE",
    "COERCE": "THREATEN",
    "SANCTION": "THREATEN",
    "PROTEST": "THREATEN",
}
"""PLOVER type codes that change when the event is promised rather than done: promised
cooperation is AGREE, an announced retreat CONCEDE, and an announced coercive measure, sanction
or protest action ("will extend the curfew", "would boycott all contact") a THREATEN."""

COMMITTABLE_TYPES: frozenset[str] = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"})
"""Types an actor can commit itself to; under a commitment cue they are coded AGREE."""

AGREE = "AGREE"

TIME_REACH = 8
"""A time mention further than this many tokens from the trigger is not the event's time."""

NEGATED: Modality = "negated"
ASSERTED: Modality = "asserted"
REPORTED: Modality = "reported"
DENIED: Modality = "denied"

REPORTING_LIST = "reporting_verbs"
"""Word list (rules/lexicon/reporting_verbs.yaml) of verbs whose complement is reported speech:
an event after one of them in the same sentence ("Seoul said Pyongyang sent troops") is reported."""

PARTICIPLE_LIST = "participle_cues"
"""Word list of reporting participles; they govern only when they open a clause after punctuation
("…, saying that C"), not inside a phrase ("will aid in denying ISIL safe haven")."""

NON_CLAUSE_LIST = "non_clause_starts"
"""Word list of words that, right after a reporting verb, show it takes no clause ("claimed by")."""

CLOSING_LISTS: tuple[str, ...] = ("reporting_verbs", "quote_verbs")
"""Word lists of verbs that close a sentence with its attribution ("…, officials said.")."""

ACCORDING_LIST = "according_to_phrases"
"""Word list of prepositional source phrases ("according to X")."""

SPEAKER_LISTS: tuple[str, ...] = ("group_speakers", "speaker_heads", "speech_nouns")
"""Word lists of nouns that name a source without a named actor ("officials", "a statement")."""

TAILS_LIST = "attribution_tails"
"""Word list of words that may follow a closing reporting verb ("said on Monday", "said in")."""

OPENERS_LIST = "discourse_openers"
"""Word list of connectives ("and", "but"): after one, a reporting verb opens a new clause."""

PASSIVE_SPEECH_LIST = "passive_auxiliaries"
"""Word list of words before a reporting verb that make it no speech act ("is reported to")."""

PLACE_LIST = "place_modifiers"
POSSESSIVE_PRONOUN_LIST = "possessive_pronouns"
VERB_LINK_LIST = "verb_links"
PAST_ENDING_LIST = "past_endings"
EMBEDDED_LIST = "embedded_clause_words"
"""Word list (rules/lexicon/event_words.yaml) of prepositions by which a place modifies an actor."""

CONTRAST_LIST = "contrast_clauses"
"""Word list of conjunctions ("while") that, after a comma and before a subject, open an independent clause."""

SUBJECT_STARTS_LIST = "subject_starts"
"""Word list of words that start a subject noun phrase ("the", "it")."""

STANCE_MODALITY: Mapping[str, Modality] = {"negative": "denied"}
"""A reporting verb's ``stance`` attribute → the modality of the events it governs ("denied that
it had sent troops" is ``denied``); every other stance gives ``reported``."""

SPEAKER_REACH = 4
"""How many tokens after "according to" the named source must start."""

CLOSING_REACH = 6
"""How many tokens the speaker of a closing attribution ("…, the foreign ministry said") may take."""


@dataclass(frozen=True)
class Cue:
    """One modality cue: the lower-cased words to look for and the modality they signal."""

    words: tuple[str, ...]
    modality: Modality
    commitment: bool = False  # "willing to", "agreed to": the actor commits itself (PLOVER AGREE)


@dataclass(frozen=True)
class Voice:
    """The words that tell a passive verb from an active one, read from the word lists."""

    passive_aux: frozenset[str] = frozenset()
    active_suffixes: tuple[str, ...] = ()

    def is_passive(self, tokens: Sequence[Token], trigger_start: int) -> bool:
        """True when the trigger verb follows a passive auxiliary and is not an -ing form."""
        if trigger_start == 0 or tokens[trigger_start - 1].lower not in self.passive_aux:
            return False
        word = tokens[trigger_start].lower
        return not any(word.endswith(suffix) for suffix in self.active_suffixes)


@dataclass(frozen=True)
class Governors:
    """Word lists that tell whether a clause is reported or denied speech, read from the lexicon.

    ``verbs`` maps each reporting verb or phrase (lower-cased words) to the modality of what it
    governs; ``closing`` holds the verbs that may end a sentence with its attribution.
    """

    verbs: Mapping[tuple[str, ...], Modality] = field(default_factory=dict)
    participles: Mapping[tuple[str, ...], Modality] = field(default_factory=dict)
    non_clause: frozenset[str] = frozenset()
    closing: frozenset[tuple[str, ...]] = frozenset()
    according: frozenset[tuple[str, ...]] = frozenset()
    speakers: frozenset[tuple[str, ...]] = frozenset()
    tails: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()
    passive: frozenset[str] = frozenset()
    longest: int = 1  # the most words of any verb or participle phrase: how far back a match must look
    closing_by_first: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    speakers_by_first: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    according_by_first: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: last word of a verb or participle phrase -> the lengths of those phrases, longest first
    speech_sizes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    ultimatums: frozenset[tuple[str, ...]] = frozenset()
    contrasts: frozenset[str] = frozenset()  # ", while <subject> …" opens a clause no earlier verb governs
    places: frozenset[str] = frozenset()  # "Police in Bangladesh": prepositions of a place modifying an actor
    possessive_pronouns: frozenset[str] = frozenset()  # "demanded their release": the owner is no target
    verb_links: frozenset[str] = frozenset()  # "rejected … and called on": one subject, two verbs
    past_endings: tuple[str, ...] = ()
    embedded: frozenset[str] = frozenset()  # "who", "that": a clause with its own subject
    subject_starts: frozenset[str] = frozenset()


@dataclass
class EventResult:
    """Events plus the warnings matching produced (rules stopped by their step budget)."""

    events: tuple[Event, ...]
    warnings: list[str] = field(default_factory=list)


class RuleBudgetWarning(UserWarning):
    """An event rule ran out of its per-article step budget; its later matches were skipped."""


@dataclass(frozen=True)
class Candidate:
    """A rule match before conflicts between rules are resolved."""

    event: Event
    match_length: int
    slots: int
    order: int  # position of the rule in the rule set: the final tie-break
    trigger_tokens: tuple[int, int] = (0, 0)
    has_mode: bool = False


def match_events(segments: Segments, mentions: Mentions, ruleset: RuleSet) -> tuple[Event, ...]:
    """Apply every event rule to every sentence and return the events in text order.

    A rule that exhausts its per-article step budget (``pattern.Budget``, ``AEC_STEP_BUDGET``) is
    stopped for the rest of the article and a :class:`RuleBudgetWarning` is issued; use
    :func:`match_events_with_warnings` to get those warnings as data instead.

    Args:
        segments: stage-1 output; each sentence is matched on its own.
        mentions: stage-2 output; actors, times and quantities become single tokens.
        ruleset: a ``converter.rules.RuleSet`` (``.events`` and ``.lexicon.wordlists``).

    Returns:
        Events sorted by trigger position, then type and rule id (deterministic).
    """
    result = match_events_with_warnings(segments, mentions, ruleset)
    for message in result.warnings:
        warnings.warn(message, RuleBudgetWarning, stacklevel=2)
    return result.events


def match_events_with_warnings(segments: Segments, mentions: Mentions, ruleset: RuleSet) -> EventResult:
    """:func:`match_events`, returning the budget warnings (one per stopped rule) with the events."""
    lexicon = prepared_lexicon(_wordlists(ruleset))
    rules = tuple(ruleset.events)
    index = getattr(ruleset, "event_index", None)
    budgets: dict[str, Budget] = {}  # made on a rule's first run: most rules never run on an article
    limit = Budget().limit  # the environment is read once per article, not once per rule
    events: list[Event] = []
    hosts = host_countries(mentions)
    for sentence in segments.sentences:
        tokens = tuple(sentence_tokens(sentence, mentions))
        chosen = index.positions(tokens) if index is not None else None
        if chosen is not None and not chosen:
            continue  # no rule can match this sentence
        candidates = sentence_candidates(sentence, tokens, mentions, rules, lexicon.cues, lexicon.voice, budgets,
                                         lexicon.governors, chosen, limit)
        kept = drop_governed(resolve_conflicts(candidates), tokens, lexicon.breaks)
        events.extend(with_host_country(c.event, hosts) for c in kept)
    stopped = [
        f"{rule_id}: step budget of {budget.limit} exceeded; matches after that point were skipped"
        for rule_id, budget in sorted(budgets.items())
        if budget.exceeded
    ]
    return EventResult(tuple(sorted(events, key=event_sort_key)), stopped)


def host_countries(mentions: Mentions) -> dict[str, tuple[str, str]]:
    """Per place actor with a known country that the article also names: (place key -> country key, code)."""
    named = {m.actor for m in mentions.actor_mentions if not m.pronoun}
    by_code = {a.country: a.key for a in mentions.actors if a.type == "country" and a.country and a.key in named}
    return {
        a.key: (by_code[a.country], a.country)
        for a in mentions.actors
        if a.type == "location" and a.country in by_code
    }


def with_host_country(event: Event, hosts: Mapping[str, tuple[str, str]]) -> Event:
    """A place as target stands for its state, as PLOVER codes targets: "arrived in Beijing" has target
    China and location Beijing. Only when the article names that state, so the target is a listed actor."""
    targets = [p for p in event.participants if p.role == "target" and p.actor in hosts]
    if not targets:
        return event
    taken = {p.actor for p in event.participants if p.role == "target"}
    participants: list[Participant] = []
    for participant in event.participants:
        if participant in targets:
            participants.append(Participant("location", participant.actor, participant.span))
            country = hosts[participant.actor][0]
            if country not in taken:
                taken.add(country)
                participants.append(Participant("target", country))
        else:
            participants.append(participant)
    return replace(event, participants=tuple(participants))


@dataclass(frozen=True)
class EventLexicon:
    """Everything the events stage reads from the word lists, prepared once per rule set."""

    cues: tuple[Cue, ...]
    breaks: frozenset[str]
    voice: Voice
    governors: Governors


_PREPARED: dict[int, tuple[Mapping[str, Any], EventLexicon]] = {}


def prepared_lexicon(wordlists: Mapping[str, Any]) -> EventLexicon:
    """The word lists the stage needs, read once per word-list mapping (articles share a rule set).

    Keyed by identity and holding the mapping itself, so an entry can never be mistaken for a
    different rule set's (its id cannot be reused while the entry keeps it alive).
    """
    cached = _PREPARED.get(id(wordlists))
    if cached is not None and cached[0] is wordlists:
        return cached[1]
    prepared = EventLexicon(
        cues=modality_cues(wordlists),
        breaks=word_set(wordlists, BREAKS_LIST),
        voice=Voice(word_set(wordlists, PASSIVE_LIST), tuple(sorted(word_set(wordlists, ACTIVE_SUFFIX_LIST)))),
        governors=load_governors(wordlists),
    )
    if len(_PREPARED) > 8:  # a long-lived process that reloads rules keeps only recent sets
        _PREPARED.clear()
    _PREPARED[id(wordlists)] = (wordlists, prepared)
    return prepared


def load_governors(wordlists: Mapping[str, Any]) -> Governors:
    """Read the reporting-speech word lists that decide whether a clause is reported or denied."""
    verbs = stance_modalities(wordlists, REPORTING_LIST)
    participles = stance_modalities(wordlists, PARTICIPLE_LIST)
    closing = phrase_set(wordlists, CLOSING_LISTS)
    speakers = phrase_set(wordlists, SPEAKER_LISTS)
    according = phrase_set(wordlists, (ACCORDING_LIST,))
    return Governors(
        verbs=verbs,
        participles=participles,
        non_clause=word_set(wordlists, NON_CLAUSE_LIST),
        closing=closing,
        according=according,
        speakers=speakers,
        longest=max((len(p) for p in (*verbs, *participles)), default=1),
        closing_by_first=by_first_word(closing),
        speakers_by_first=by_first_word(speakers),
        according_by_first=by_first_word(according),
        speech_sizes=speech_sizes((*verbs, *participles)),
        ultimatums=phrase_set(wordlists, (ULTIMATUM_LIST,)),
        tails=word_set(wordlists, TAILS_LIST),
        openers=word_set(wordlists, OPENERS_LIST),
        passive=word_set(wordlists, PASSIVE_SPEECH_LIST),
        contrasts=word_set(wordlists, CONTRAST_LIST),
        places=word_set(wordlists, PLACE_LIST),
        possessive_pronouns=word_set(wordlists, POSSESSIVE_PRONOUN_LIST),
        verb_links=word_set(wordlists, VERB_LINK_LIST),
        past_endings=tuple(sorted(word_set(wordlists, PAST_ENDING_LIST))),
        embedded=word_set(wordlists, EMBEDDED_LIST),
        subject_starts=word_set(wordlists, SUBJECT_STARTS_LIST),
    )


def stance_modalities(wordlists: Mapping[str, Any], name: str) -> dict[tuple[str, ...], Modality]:
    """Each entry of a reporting word list → the modality its ``stance`` gives what it governs."""
    verbs: dict[tuple[str, ...], Modality] = {}
    for entry in getattr(wordlists.get(name), "entries", ()):
        words = _entry_words(entry)
        if words:
            verbs.setdefault(words, STANCE_MODALITY.get(_entry_attrs(entry).get("stance", ""), REPORTED))
    return verbs


def by_first_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases grouped by their first word, longest first, so a lookup tries only a handful."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(sorted(group, key=lambda p: (-len(p), p))) for word, group in grouped.items()}


def speech_sizes(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """The lengths of the phrases ending in each word, longest first: a look-back for a reporting verb
    ending at a token tries only those lengths instead of every length up to the longest phrase."""
    sizes: dict[str, set[int]] = {}
    for phrase in phrases:
        sizes.setdefault(phrase[-1], set()).add(len(phrase))
    return {word: tuple(sorted(found, reverse=True)) for word, found in sizes.items()}


def phrase_set(wordlists: Mapping[str, Any], names: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Every entry of the named word lists as a tuple of lower-cased words."""
    phrases: set[tuple[str, ...]] = set()
    for name in names:
        wordlist = wordlists.get(name)
        phrases.update(_entry_words(entry) for entry in getattr(wordlist, "entries", ()))
    return frozenset(p for p in phrases if p)


def _wordlists(ruleset: RuleSet) -> Mapping[str, Any]:
    lexicon = getattr(ruleset, "lexicon", None)
    return getattr(lexicon, "wordlists", {}) or {}


def modality_cues(wordlists: Mapping[str, Any]) -> tuple[Cue, ...]:
    """Read the ``modality_cues`` word list; longest cues first so "is believed to" beats "to"."""
    wordlist = wordlists.get(MODALITY_LIST)
    if wordlist is None:
        return ()
    cues = [Cue(_entry_words(entry), _entry_attrs(entry)["modality"], bool(_entry_attrs(entry).get("commitment")))
            for entry in wordlist.entries]
    return tuple(sorted((c for c in cues if c.words), key=lambda c: (-len(c.words), c.words)))


def word_set(wordlists: Mapping[str, Any], name: str) -> frozenset[str]:
    """The single-word entries of a word list, lower-cased (empty when the list is missing)."""
    wordlist = wordlists.get(name)
    if wordlist is None:
        return frozenset()
    return frozenset(" ".join(_entry_words(entry)) for entry in wordlist.entries)


def _entry_words(entry: Any) -> tuple[str, ...]:
    tokens = getattr(entry, "tokens", None)
    if tokens:
        return tuple(t.lower() for t in tokens)
    text = entry if isinstance(entry, str) else getattr(entry, "text", "")
    return tuple(text.lower().split())


def _entry_attrs(entry: Any) -> Mapping[str, Any]:
    attrs = getattr(entry, "attrs", None)
    if attrs is None and isinstance(entry, Mapping):
        attrs = entry
    return attrs or {}


def sentence_candidates(
    sentence: Sentence,
    tokens: Sequence[Token],
    mentions: Mentions,
    rules: Iterable[Any],
    cues: Sequence[Cue],
    voice: Voice = Voice(),
    budgets: MutableMapping[str, Budget] | None = None,
    governors: Governors | None = None,
    chosen: Iterable[int] | None = None,
    limit: int | None = None,
) -> list[Candidate]:
    """Every match of every rule in one sentence, each already built into an Event.

    ``budgets`` maps rule ids to their step budgets for the whole article (created on first use),
    so one pathological rule cannot stall an article; a stopped rule is skipped from then on.
    ``chosen`` (positions in ``rules``, ascending, from ``RuleIndex.positions``) limits the run to the
    rules the index says can match this sentence, and lets ``find_all`` skip the checks the index made;
    a rule's position stays its tie-break order either way. ``limit`` is the step budget of a new
    rule budget (None: ``Budget``'s default).
    """
    found: list[Candidate] = []
    budgets = {} if budgets is None else budgets
    rules = tuple(rules)
    view = token_view(tokens)
    types = view.actor_types(mentions) if chosen is not None else None
    for order in range(len(rules)) if chosen is None else chosen:
        rule = rules[order]
        # the reachability check first: most offered rules fail it, and then find_all's set-up (and a
        # budget for the rule) would be spent for an empty answer
        if types is not None and not rule.pattern.reach.any_match(view, types):
            continue
        budget = budgets.get(rule.id)
        if budget is None:
            budget = budgets[rule.id] = Budget(limit)
        if budget.exceeded:
            continue
        for match in rule.pattern.find_all(tokens, mentions=mentions, budget=budget, checked=chosen is not None,
                                           reached=types is not None):
            candidate = build_candidate(sentence, tokens, rule, match, cues, order, voice, governors)
            if candidate is not None:
                found.append(candidate)
    return found


def build_candidate(
    sentence: Sentence,
    tokens: Sequence[Token],
    rule: Any,
    match: Any,
    cues: Sequence[Cue],
    order: int,
    voice: Voice = Voice(),
    governors: Governors | None = None,
) -> Candidate | None:
    """Turn one pattern match into a candidate Event; None when the match has no trigger words."""
    trigger = trigger_range(tokens, match)
    if trigger is None:
        return None
    participants = match_participants(tokens, match.captures, governors.places if governors else frozenset(),
                                      governors.possessive_pronouns if governors else frozenset())
    source = match.captures.get("source")
    passive = source is not None and source[1] <= trigger[0] and voice.is_passive(tokens, trigger[0])
    if passive:
        participants = passive_roles(participants)
    if governors is not None and source is None:
        participants = with_clause_subject(tokens, trigger[0], participants, voice, governors.openers)
        if not any(p.role == "source" for p in participants):
            participants = with_shared_subject(tokens, trigger[0], participants, governors)
    elif governors is not None and source is not None and not passive and 1 < source[0] < trigger[0]:
        participants = reduced_relative_subject(tokens, source[0], participants, voice, governors.openers)
    cue, negated = find_cue(tokens, trigger[0], cues)
    modality: Modality = cue.modality if cue else (NEGATED if negated else ASSERTED)
    if modality in (ASSERTED, NEGATED) and governors is not None:
        modality = governing_modality(tokens, trigger, governors) or modality
    if getattr(rule, "modality", None):
        modality = rule.modality
    commitment = bool(cue and cue.commitment)
    event_type = plover_type(rule.type, modality, negated, commitment=commitment)
    if (governors is not None and modality in FUTURE_MODALITIES and not (negated or commitment)
            and rule.type not in GOVERNING_TYPES and ultimatum_after(tokens, trigger[1], governors.ultimatums)):
        event_type = THREATEN
    event = Event(
        type=event_type,
        trigger=token_span(tokens, *trigger),
        evidence=sentence.span,
        sentence=sentence.index,
        participants=participants,
        modality=modality,
        rule=RuleRef(rule.id, rule.version),
        mode=getattr(rule, "mode", None),
        time=nearest_time(tokens, trigger, TIME_REACH),
        quantity=match_quantity(tokens, match.start, match.end),
        negated=negated,
    )
    slots = len({p.role for p in participants})
    return Candidate(event, match.end - match.start, slots, order, trigger, bool(event.mode))


def with_clause_subject(
    tokens: Sequence[Token],
    trigger_start: int,
    participants: tuple[Participant, ...],
    voice: Voice,
    openers: frozenset[str],
) -> tuple[Participant, ...]:
    """Give a participle clause the subject of its main clause as source.

    "Netanyahu said …, rejecting a ceasefire proposal" / "Russian forces launched an attack …,
    killing seven people": an -ing verb (``active_suffixes``) opening a clause after a comma has
    no subject of its own; English reads it as the sentence subject's act. Only a subject that
    opens the sentence counts (after openers such as "Meanwhile," and times), so no actor is guessed
    from the middle of a sentence; an actor that already fills another role is not taken twice.
    """
    if trigger_start < 2 or tokens[trigger_start - 1].kind != "punct" or tokens[trigger_start - 1].text != ",":
        return participants
    word = tokens[trigger_start].lower
    if not any(word.endswith(suffix) for suffix in voice.active_suffixes):
        return participants
    taken = {p.actor for p in participants}
    subject = tuple(p for p in sentence_subject(tokens, openers, trigger_start - 1) if p.actor not in taken)
    if not subject:
        return participants
    return tuple(sorted((*subject, *participants), key=lambda p: ROLES.index(p.role)))


def with_shared_subject(
    tokens: Sequence[Token],
    trigger_start: int,
    participants: tuple[Participant, ...],
    governors: Governors,
) -> tuple[Participant, ...]:
    """Give the second of two coordinated past-tense verbs the sentence subject as source.

    "Diallo rejected the results and called on his supporters …": the subject of "rejected" also
    calls. Precision first, so only when both verbs are regular past tenses (``past_endings``), the
    link word (``verb_links``) stands right before the trigger, and nothing between the first verb
    and the link could bring its own subject: no actor, no punctuation, no reporting verb and no
    word that opens an embedded clause ("who", "that").
    """
    link = trigger_start - 1
    if link < 2 or tokens[link].lower not in governors.verb_links or not governors.past_endings:
        return participants
    if not tokens[trigger_start].lower.endswith(governors.past_endings):
        return participants
    subject, verb = subject_phrase(tokens, governors.openers, link)
    if not subject or not tokens[verb].lower.endswith(governors.past_endings):
        return participants
    speech = {phrase[0] for phrase in governors.verbs}
    for token in tokens[verb:link]:
        if token.kind in ("actor", "punct") or token.lower in governors.embedded or token.lower in speech:
            return participants
    taken = {p.actor for p in participants}
    shared = tuple(p for p in subject if p.actor not in taken)
    return tuple(sorted((*shared, *participants), key=lambda p: ROLES.index(p.role)))


def sentence_subject(tokens: Sequence[Token], openers: frozenset[str], stop: int) -> tuple[Participant, ...]:
    """The actor phrase that opens the sentence ("Russia and China …"), as source participants.

    Leading openers, times and commas are skipped; the phrase is actor tokens joined by commas or
    "and"/"or" (``openers`` holds the connectives), and it must be followed by a word (its verb),
    not by a possessive or another noun phrase.
    """
    return subject_phrase(tokens, openers, stop)[0]


def subject_phrase(tokens: Sequence[Token], openers: frozenset[str], stop: int) -> tuple[tuple[Participant, ...], int]:
    """:func:`sentence_subject` and the index of the word after it (``stop`` when there is none)."""
    index = 0
    while index < stop and (tokens[index].kind in ("time", "punct") or tokens[index].lower in openers):
        index += 1
    found: list[Participant] = []
    while index < stop and tokens[index].kind == "actor" and isinstance(tokens[index].ref, ActorMention):
        mention = tokens[index].ref
        found.append(Participant("source", mention.actor, mention.span))
        index += 1
        if index + 1 < stop and (tokens[index].text == "," or tokens[index].lower in openers) \
                and tokens[index + 1].kind == "actor":
            index += 1
    if not found or index >= stop or tokens[index].kind != "word" or tokens[index].text[0] in "'’":
        return (), stop
    return tuple(found), index


def reduced_relative_subject(
    tokens: Sequence[Token],
    source_start: int,
    participants: tuple[Participant, ...],
    voice: Voice,
    openers: frozenset[str],
) -> tuple[Participant, ...]:
    """Replace a source that sits inside a participle phrase by the subject that phrase modifies.

    "Protesters demanding the resignation of President X blocked roads": X is the object of
    "demanding", not the one who blocked; the sentence subject followed directly by an -ing word
    (``active_suffixes``) and no punctuation up to the captured source is the real source.
    """
    subject, after = subject_phrase(tokens, openers, source_start)
    if not subject or after >= source_start or any(t.kind == "punct" for t in tokens[after:source_start]):
        return participants
    if not any(tokens[after].lower.endswith(suffix) for suffix in voice.active_suffixes):
        return participants
    kept = tuple(p for p in participants if p.role != "source" and p.actor not in {s.actor for s in subject})
    return tuple(sorted((*subject, *kept), key=lambda p: ROLES.index(p.role)))


def ultimatum_after(tokens: Sequence[Token], trigger_end: int, ultimatums: Iterable[tuple[str, ...]]) -> bool:
    """True when an ultimatum word ("unless") follows the trigger in the sentence.

    An announced act made conditional on the other side ("will withdraw its troops unless …") is
    a threat (PLOVER THREATEN: ultimatums), not the act itself.
    """
    words = word_texts(tokens)
    return any(tuple(words[i : i + len(u)]) == u for u in ultimatums for i in range(trigger_end, len(words)))


def passive_roles(participants: Sequence[Participant]) -> tuple[Participant, ...]:
    """An active rule matched a passive clause ("Kabul was attacked"): its subject is the target.

    The subject becomes the target when the rule found no other target; otherwise it is dropped,
    since it cannot be the source (precision first: no guessed roles).
    """
    has_target = any(p.role == "target" for p in participants)
    swapped: list[Participant] = []
    for participant in participants:
        if participant.role != "source":
            swapped.append(participant)
        elif not has_target:
            swapped.append(Participant("target", participant.actor, participant.span))
    return tuple(sorted(swapped, key=lambda p: ROLES.index(p.role)))


def plover_type(rule_type: str, modality: Modality, negated: bool = False, *, commitment: bool = False) -> str:
    """Apply PLOVER's future-tense conventions to a rule's type.

    PLOVER codes promised or planned cooperation (CONSULT, SUPPORT, COOPERATE, AID "will …")
    as AGREE, and an announced future RETREAT as CONCEDE (ontology: AGREE, CONCEDE ambiguities);
    an announced coercive step is coded as the threat it is (CAMEO 13 "threaten" family).
    A cue of commitment ("is willing to withdraw", "agreed to lift the ban") makes a cooperative
    step or a concession AGREE: the actor "indicates willingness or commitment" (AGREE), while a
    hostile act stays what it is ("is ready to strike" is no agreement).
    A negated future ("will not send troops") is no promise and keeps the rule's type.
    """
    if negated:
        return rule_type
    if commitment and rule_type in COMMITTABLE_TYPES:
        return AGREE
    if modality in FUTURE_MODALITIES:
        return FUTURE_TYPE.get(rule_type, rule_type)
    return rule_type


def trigger_range(tokens: Sequence[Token], match: Any) -> tuple[int, int] | None:
    """The ``trigger`` capture, else the first plain word of the match outside every capture.

    Rules should name their trigger; the fallback mirrors the documented default (the first
    lexical element) as closely as token ranges allow.
    """
    captured = getattr(match, "trigger", None) or match.captures.get("trigger")
    if captured is not None and captured[1] > captured[0]:
        return captured
    inside = [range(s, e) for s, e in match.captures.values()]
    for index in range(match.start, match.end):
        if tokens[index].kind == "word" and not any(index in r for r in inside):
            return (index, index + 1)
    return None


def token_span(tokens: Sequence[Token], start: int, end: int) -> Span:
    """The character span from the first to the last token of ``tokens[start:end]``."""
    return Span(tokens[start].span.start, tokens[end - 1].span.end)


POSSESSIVES: frozenset[str] = frozenset({"'s", "’s"})
"""The possessive clitic as tokenized: punctuation-like syntax, not an English word list."""


def possessive_head(tokens: Sequence[Token], index: int) -> int:
    """The token of the head actor when the actor at ``index`` is a possessor ("Niger 's army" → army).

    A capture may stop at the possessor; the phrase's head is the actor that acts or speaks.
    """
    while (index + 2 < len(tokens) and tokens[index + 1].text in POSSESSIVES
           and tokens[index + 2].kind == "actor" and isinstance(tokens[index + 2].ref, ActorMention)):
        index += 2
    return index


def located_head(tokens: Sequence[Token], index: int, places: frozenset[str]) -> int:
    """The token of the actor a place phrase modifies ("Police in Bangladesh" → Police), else ``index``.

    A source capture may start at the place; the head noun before the preposition is who acted.
    """
    if index >= 2 and tokens[index - 1].lower in places and tokens[index - 2].kind == "actor" \
            and isinstance(tokens[index - 2].ref, ActorMention):
        return index - 2
    return index


def match_participants(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]],
                       places: frozenset[str] = frozenset(),
                       possessives: frozenset[str] = frozenset()) -> tuple[Participant, ...]:
    """One Participant per actor token inside each role capture ("A, B and C" gives three); a possessor
    stands for its head ("Mali 's army launched" → the army).

    A possessive pronoun before a plain noun is no target ("called on his supporters": the supporters,
    not he, are asked), so it is skipped rather than guessed (precision first).
    """
    participants: list[Participant] = []
    for role in ROLES:
        if role not in captures:
            continue
        start, end = captures[role]
        seen: set[str] = set()
        for index in range(start, end):
            head = possessive_head(tokens, index) if tokens[index].kind == "actor" else index
            if role == "source" and index == start:
                head = located_head(tokens, head, places)
            token = tokens[head]
            mention = token.ref
            if token.kind != "actor" or not isinstance(mention, ActorMention) or mention.actor in seen:
                continue
            if role == "target" and owner_pronoun(tokens, head, possessives):
                continue
            seen.add(mention.actor)
            participants.append(Participant(role=role, actor=mention.actor, span=mention.span))
    return tuple(participants)


def owner_pronoun(tokens: Sequence[Token], index: int, possessives: frozenset[str]) -> bool:
    """True when the pronoun at ``index`` owns the plain word after it ("their release", "his supporters")."""
    mention = tokens[index].ref
    return (isinstance(mention, ActorMention) and mention.pronoun and tokens[index].lower in possessives
            and index + 1 < len(tokens) and tokens[index + 1].kind == "word")


def word_texts(tokens: Sequence[Token]) -> list[str]:
    """Each token's lower-cased text when it is a word, "" otherwise (what cue and phrase look-ups read).

    Every candidate of a sentence asks for the same list several times (cues, governing verbs,
    ultimatums), so the list of the last token tuple asked about is kept (for that sentence only:
    the next sentence replaces it); callers never change it.
    """
    last = _LAST_WORDS[0]
    if last is not None and last[0] is tokens:
        return last[1]
    words = [t.text.lower() if t.kind == "word" else "" for t in tokens]
    if isinstance(tokens, tuple):  # a list could change before the next call
        _LAST_WORDS[0] = (tokens, words)
    return words


#: The token sequence :func:`word_texts` saw last, with its words (holding it keeps its id from reuse).
_LAST_WORDS: list[tuple[Sequence[Token], list[str]] | None] = [None]


def find_modality(tokens: Sequence[Token], trigger_start: int, cues: Sequence[Cue]) -> tuple[Modality, bool]:
    """Modality from the nearest cue before the trigger, and whether the event is negated.

    The window stops at punctuation so a cue in a previous clause ("…, officials said it may")
    does not leak across a comma; a negation cue counts only within ``NEGATION_WINDOW`` tokens.
    """
    cue, negated = find_cue(tokens, trigger_start, cues)
    return (cue.modality if cue else (NEGATED if negated else ASSERTED)), negated


def find_cue(tokens: Sequence[Token], trigger_start: int, cues: Sequence[Cue]) -> tuple[Cue | None, bool]:
    """The nearest non-negation cue before the trigger (None if none), and whether the event is negated."""
    window_start = trigger_start
    while window_start > 0 and trigger_start - window_start < CUE_WINDOW:
        if tokens[window_start - 1].kind == "punct":
            break
        window_start -= 1
    words = word_texts(tokens)
    found: Cue | None = None
    negated = False
    for end in range(trigger_start, window_start, -1):
        cue = cue_ending_at(words, window_start, end, cues)
        if cue is None:
            continue
        if cue.modality == NEGATED:
            negated = negated or trigger_start - end < NEGATION_WINDOW
        elif found is None:
            found = cue
    return found, negated


def governing_modality(tokens: Sequence[Token], trigger: tuple[int, int], governors: Governors) -> Modality | None:
    """``reported`` or ``denied`` when the trigger sits in the complement of a speech act.

    Three frames, all read from the reporting word lists: a reporting verb earlier in the sentence
    ("Seoul said Pyongyang sent troops", "denied that it had sent"), a source phrase anywhere
    ("according to officials, …"), and a closing attribution after the trigger ("…, X said.").
    A nearer cue of its own (modality_cues) is applied first by the caller and wins over this.
    """
    words = word_texts(tokens)
    clause = clause_start(tokens, words, trigger[0], governors)
    earlier = reporting_verb_before(tokens, words, trigger[0], governors, clause)
    if earlier is not None:
        return earlier
    if according_to_source(tokens, words, governors) or closing_attribution(tokens, words, trigger[1], governors):
        return REPORTED
    return None


def clause_start(tokens: Sequence[Token], words: Sequence[str], trigger_start: int, governors: Governors) -> int:
    """Where the trigger's clause starts: after the last ", while <subject>" before it, else 0.

    "Germany announced it would send a system, while the EU imposed sanctions": "announced" does not
    govern the EU's sanctions, which the reporter states as fact.
    """
    for index in range(trigger_start - 1, 0, -1):
        if tokens[index - 1].text != "," or words[index] not in governors.contrasts or index + 1 >= len(tokens):
            continue
        after = tokens[index + 1]
        if after.kind == "actor" or words[index + 1] in governors.subject_starts:
            return index + 1
    return 0


def reporting_verb_before(
    tokens: Sequence[Token], words: Sequence[str], trigger_start: int, governors: Governors, lower: int = 0
) -> Modality | None:
    """The modality given by the nearest reporting verb before the trigger that is a speech act.

    A verb right after a passive auxiliary ("is reported to") is a hedge, left to modality_cues; one
    followed by a non-clause word ("claimed by", "warned of") takes no clause; a participle counts
    only when it opens a clause after punctuation ("…, denying that …"). No verb before ``lower`` (the
    start of the trigger's own clause) counts.
    """
    sizes_by_last = governors.speech_sizes or speech_sizes((*governors.verbs, *governors.participles))
    for end in range(trigger_start, lower, -1):
        for size in sizes_by_last.get(words[end - 1], ()):  # only lengths of phrases ending in this word
            if size > end - lower:
                continue
            start = end - size
            phrase = tuple(words[start:end])
            modality = governors.verbs.get(phrase)
            if modality is None and (start == 0 or tokens[start - 1].kind == "punct"):
                modality = governors.participles.get(phrase)
            if modality is None:
                continue
            if start > 0 and words[start - 1] in governors.passive:
                break
            if end < len(words) and words[end] in governors.non_clause:
                break
            return modality
    return None


def according_to_source(tokens: Sequence[Token], words: Sequence[str], governors: Governors) -> bool:
    """True when the sentence names its source with a phrase like "according to" + a speaker.

    The speaker must follow within ``SPEAKER_REACH`` tokens: an actor, or a source noun such as
    "officials" or "a statement" ("according to the plan" is no attribution).
    """
    by_first = governors.according_by_first or by_first_word(governors.according)
    for start, word in enumerate(words):
        for phrase in by_first.get(word, ()):  # only phrases that start with this word can match here
            if tuple(words[start : start + len(phrase)]) != phrase:
                continue
            after = start + len(phrase)
            if speaker_within(tokens, words, after, after + SPEAKER_REACH, governors):
                return True
    return False


def speaker_within(tokens: Sequence[Token], words: Sequence[str], start: int, stop: int, governors: Governors) -> bool:
    """True when an actor token or a source noun starts within ``tokens[start:stop]`` before any punctuation."""
    for index in range(start, min(stop, len(tokens))):
        if tokens[index].kind == "punct":
            return False
        if tokens[index].kind == "actor":
            return True
        if any(tuple(words[index : index + len(p)]) == p for p in governors.speakers_by_first.get(words[index], ())):
            return True
    return False


def closing_attribution(tokens: Sequence[Token], words: Sequence[str], trigger_end: int, governors: Governors) -> bool:
    """True for a closing attribution after the trigger: "…, officials said (on Monday)." / "…, said Lee."

    After a comma come at most ``CLOSING_REACH`` speaker tokens (no punctuation, no connective such
    as "and", which would open a new clause), a closing reporting verb, and then nothing, a tail
    word ("on", "in"), punctuation, or the inverted speaker.
    """
    for comma in range(trigger_end, len(tokens)):
        if tokens[comma].kind != "punct":
            continue
        for verb_start in range(comma + 1, min(comma + 2 + CLOSING_REACH, len(tokens))):
            between = range(comma + 1, verb_start)
            if any(tokens[i].kind == "punct" or words[i] in governors.openers for i in between):
                break
            for phrase in governors.closing_by_first.get(words[verb_start], ()):
                verb_end = verb_start + len(phrase)
                if tuple(words[verb_start:verb_end]) == phrase and _closes(tokens, words, verb_end, governors):
                    return True
    return False


def _closes(tokens: Sequence[Token], words: Sequence[str], index: int, governors: Governors) -> bool:
    if index >= len(tokens):
        return True
    token = tokens[index]
    return token.kind in ("punct", "actor", "time") or words[index] in governors.tails or speaker_within(
        tokens, words, index, index + 1, governors)


def cue_ending_at(words: Sequence[str], lower: int, end: int, cues: Sequence[Cue]) -> Cue | None:
    """The longest cue whose words end just before token ``end`` and start at or after ``lower``."""
    if end <= 0:
        return None
    for cue in cues_by_last_word(cues).get(words[end - 1], ()):
        start = end - len(cue.words)
        if start >= lower and tuple(words[start:end]) == cue.words:
            return cue
    return None


_CUE_INDEX: dict[int, tuple[Sequence[Cue], Mapping[str, tuple[Cue, ...]]]] = {}


def cues_by_last_word(cues: Sequence[Cue]) -> Mapping[str, tuple[Cue, ...]]:
    """The cues grouped by their last word, each group in the given (longest-first) order.

    Built once per cue sequence (kept alive with it, so its id cannot be reused): the cue test
    runs for every token before every trigger, and only a handful of cues share a last word.
    """
    cached = _CUE_INDEX.get(id(cues))
    if cached is not None and cached[0] is cues:
        return cached[1]
    grouped: dict[str, list[Cue]] = {}
    for cue in cues:
        grouped.setdefault(cue.words[-1], []).append(cue)
    index = {word: tuple(group) for word, group in grouped.items()}
    if len(_CUE_INDEX) > 8:
        _CUE_INDEX.clear()
    _CUE_INDEX[id(cues)] = (cues, index)
    return index


def nearest_time(tokens: Sequence[Token], trigger: tuple[int, int], reach: int = 0) -> TimeMention | None:
    """The time mention nearest the trigger; after the trigger wins a tie (news puts it there).

    With ``reach`` > 0, a time further than ``reach`` tokens from the trigger is ignored: a date at
    the other end of a long sentence usually belongs to another clause.
    """
    best: tuple[int, int, TimeMention] | None = None
    for index, token in enumerate(tokens):
        if token.kind != "time" or not isinstance(token.ref, TimeMention):
            continue
        after = index >= trigger[1]
        distance = index - trigger[1] if after else trigger[0] - index
        if reach and distance >= reach:
            continue
        key = (distance, 0 if after else 1, token.ref)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def match_quantity(tokens: Sequence[Token], start: int, end: int) -> QuantityMention | None:
    """A quantity inside the match, else one right next to it ("sent troops, about 10,000")."""
    for index in (*range(start, end), end, start - 1):
        ref = tokens[index].ref if 0 <= index < len(tokens) else None
        if isinstance(ref, QuantityMention):
            return ref
    return None


def resolve_conflicts(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep one event per trigger: the longest trigger, then most roles filled, then longest match.

    Two rules that fire on overlapping trigger words describe the same act (e.g. "agreed to
    cooperate" as AGREE and "cooperate" as COOPERATE); the more specific reading wins. Exact
    duplicates (same rule, same trigger) collapse too.
    """
    ranked = sorted(candidates, key=_specificity)
    kept: list[Candidate] = []
    for candidate in ranked:
        if not any(candidate.event.trigger.overlaps(other.event.trigger) for other in kept):
            kept.append(candidate)
    return kept


def _specificity(candidate: Candidate) -> tuple[int, int, int, int, int, Span]:
    trigger = candidate.event.trigger
    return (trigger.start - trigger.end, -candidate.slots, -candidate.match_length, -candidate.has_mode,
            candidate.order, candidate.event.trigger)


def drop_governed(candidates: Sequence[Candidate], tokens: Sequence[Token], breaks: frozenset[str]) -> list[Candidate]:
    """Drop events that are the complement of a verbal act in the same clause.

    "Israel threatened to ban voting" is one THREATEN: the ban is what is threatened, not a
    COERCE that happened; in "China demanded that the Philippines withdraw" nothing was withdrawn.
    A clause break keeps the second event ("X rejected the plan and Y attacked"), verbal acts
    never govern each other ("urged X to reject the deal" keeps both), and a denied event is kept
    with its modality ("dismissed reports that Y attacked Z": the attack is what is denied).
    """
    governors = [c for c in candidates if c.event.type in GOVERNING_TYPES]
    return [c for c in candidates if not any(_governs(g, c, tokens, breaks) for g in governors)]


def _governs(governor: Candidate, candidate: Candidate, tokens: Sequence[Token], breaks: frozenset[str]) -> bool:
    if governor is candidate or candidate.event.type in GOVERNING_TYPES or candidate.event.modality == DENIED:
        return False
    gap_start, gap_end = governor.trigger_tokens[1], candidate.trigger_tokens[0]
    if not 0 <= gap_end - gap_start <= GOVERNING_REACH:
        return False
    return not any(t.kind == "punct" or t.lower in breaks for t in tokens[gap_start:gap_end])


def event_sort_key(event: Event) -> tuple[int, int, str, str]:
    """Text order, then type and rule id, so equal inputs always give equal output."""
    return (event.trigger.start, event.trigger.end, event.type, event.rule.id)
