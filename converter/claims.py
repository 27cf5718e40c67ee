"""Stage 4: who claimed what — direct quotes, indirect speech, "according to", unattributed passives.

The words live in YAML: attribution patterns in ``rules/claims/*.yaml``, cue words in
``rules/lexicon/reporting_verbs.yaml`` and hedges in ``rules/lexicon/hedges.yaml``. This module is the
mechanism the pattern language cannot express:

* every quotation is collapsed into ONE token of kind ``quote`` so patterns say ``<content: %quote>``,
  and quote rules run over a window (previous sentence, the quote's sentences, next sentence) because a
  multi-sentence quote has its attribution in its last sentence or the one after;
* conflicts between rules: each cue is claimed once, by the first rule in precedence order, and a cue
  inside another claim's content is nested speech of that claim, not a claim of its own;
* filters: negated speech ("he said nothing", "declined to say"), passive reporting verbs ("X is reported
  to", which is unattributed, not X speaking), and contents too short to be a proposition;
* quotes nobody is found to have said keep a null speaker, or make the claim they sit in ``mixed``;
* hedges and certainty, and ``about`` (events whose trigger lies in the content).

Precision comes first: a speaker is only ever taken from a ``$speaker`` capture (or a named person heading
a captured ``speaker_phrase``), never guessed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from operator import attrgetter
from typing import Any

from converter.events import possessive_head
from converter.model import (
    ActorMention,
    Claim,
    ClaimKind,
    Event,
    Hedge,
    Mentions,
    Quote,
    RuleRef,
    Segments,
    Sentence,
    Span,
    Token,
)
from converter.pattern import normalize, token_view
from converter.tokens import sentence_tokens

PRECEDENCE: tuple[str, ...] = (
    "claims.quote.",
    "claims.indirect.said_that_relayed",
    "claims.indirect.group_said_that_relayed",
    "claims.indirect.but_mentioned",
    "claims.according_to.",
    "claims.indirect.",
    "claims.unattributed.",
)
"""Rule ids (prefixes) in the order they may claim a cue. Quotes are the most explicit attribution. Nested
speech ("A indicated that C, as elaborated by B") keeps A, so the relayed rules come first; otherwise an
explicit source phrase ("C, as highlighted by B", "according to B, C") beats a reporting verb inside C.
A second, coordinated reporting verb ("A accused B of X and said C, according to a statement") is A's own
claim, so ``but_mentioned`` comes before a trailing "according to" that would swallow the whole sentence."""

QUOTE_PREFIX = "claims.quote."
UNATTRIBUTED_PREFIX = "claims.unattributed."
CONTINUED_RULE = RuleRef("claims.quote.continued", 1)

MIN_CONTENT_TOKENS = 2
"""An indirect content of fewer non-punctuation tokens is not a proposition ("..., officials said Monday")."""

MIN_UNATTRIBUTED_QUOTE_WORDS = 4
"""An unattributed quote shorter than this is a scare quote or a title, not a claim ("so-called “peace”")."""

MAX_NEXT_SENTENCE_TAIL = 4
"""An attribution found in the sentence after a quote must end that sentence within this many tokens,
so "“We are ready.” Russia said it would send troops." does not hand the quote to Russia."""

TRIM_CHARS = " \t\n,.;:"
"""Characters stripped from both ends of a content span (the comma before “, X said”, the final period)."""

PUNCT_KINDS = frozenset({"punct"})

MAX_CLAUSE_LEAD = 4
"""A second attribution after a clause break ("..., while on Monday Hamas said") must start within this
many tokens of the connective; a reporting verb deeper in the clause is speech nested in the first content."""

MAX_CLAUSE_COMBINATIONS = 4096
"""Bound of :attr:`RuleGroup.chosen` (distinct combinations of rule clauses met by a sentence)."""


# --------------------------------------------------------------------------- lexicon views


@dataclass(frozen=True)
class HedgeCue:
    """One hedge entry: its lower-cased words, what it expresses, and how uncertain it makes a claim."""

    words: tuple[str, ...]
    kind: str
    certainty: str


@dataclass(frozen=True)
class Lists:
    """The word lists claims.py itself needs (patterns reach the rest through ``@name``)."""

    hedges: tuple[HedgeCue, ...]
    certainty_order: tuple[str, ...]
    negated: tuple[tuple[str, ...], ...]
    passive: tuple[tuple[str, ...], ...]
    openers: tuple[tuple[str, ...], ...]
    non_clause: tuple[tuple[str, ...], ...]
    hedge_index: Mapping[str, tuple[HedgeCue, ...]]
    contrasts: frozenset[str] = frozenset()
    subject_starts: frozenset[str] = frozenset()
    clause_breaks: tuple[tuple[str, ...], ...] = ()
    renaming: tuple[tuple[str, ...], ...] = ()

    # The filters below run on every rule match; the lists are turned into phrase sets once per lexicon
    # (cached_property writes the instance dict directly, which a frozen dataclass allows).

    @cached_property
    def negated_set(self) -> PhraseSet:
        return PhraseSet.of(self.negated)

    @cached_property
    def passive_set(self) -> PhraseSet:
        return PhraseSet.of(self.passive)

    @cached_property
    def not_content_set(self) -> PhraseSet:
        """What may not open a content: a negation or a non-clause start ("of a famine")."""
        return PhraseSet.of((*self.negated, *self.non_clause))

    @cached_property
    def opener_set(self) -> PhraseSet:
        return PhraseSet.of(self.openers)

    @cached_property
    def clause_break_set(self) -> PhraseSet:
        return PhraseSet.of(self.clause_breaks)

    @cached_property
    def renaming_set(self) -> PhraseSet:
        return PhraseSet.of(self.renaming)


@dataclass(frozen=True)
class PhraseSet:
    """Word sequences grouped by length, longest first: "does one of them end (or start) here" is one
    set look-up per distinct length instead of slicing and comparing the token words for every phrase."""

    by_length: tuple[tuple[int, frozenset[tuple[str, ...]]], ...]

    @classmethod
    def of(cls, phrases: Iterable[tuple[str, ...]]) -> PhraseSet:
        groups: dict[int, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            if phrase:  # an empty entry never matches (it would match everywhere)
                groups.setdefault(len(phrase), set()).add(phrase)
        return cls(tuple((n, frozenset(groups[n])) for n in sorted(groups, reverse=True)))

    def ends_at(self, norms: Sequence[str], index: int) -> bool:
        """True when a phrase ends right before position ``index`` of ``norms``."""
        return any(n <= index and tuple(norms[index - n : index]) in group for n, group in self.by_length)

    @cached_property
    def word_sets(self) -> tuple[frozenset[str], ...]:
        """Each phrase's words as a set: a phrase occurs only where all of them do (see :meth:`may_occur`)."""
        return tuple(frozenset(phrase) for _, group in self.by_length for phrase in group)

    def may_occur(self, features: frozenset[str]) -> bool:
        """False when no phrase can occur in a stream whose words are among ``features`` (a
        ``TokenView.features``). Why: the phrases' first words may be common (the comma of ", but"), so
        the subset tests, at C speed, spare most sentences the walk over their tokens."""
        return any(words <= features for words in self.word_sets)

    @cached_property
    def firsts(self) -> frozenset[str]:
        """The first words of the phrases: no phrase starts at a word outside this set."""
        return frozenset(phrase[0] for _, group in self.by_length for phrase in group)

    def longest_at(self, norms: Sequence[str], index: int, end: int) -> int:
        """Length of the longest phrase starting at ``index`` and ending by ``end``; 0 when none does."""
        for n, group in self.by_length:
            if index + n <= end and tuple(norms[index : index + n]) in group:
                return n
        return 0


def _entry_words(entry: Any) -> tuple[str, ...]:
    tokens = getattr(entry, "tokens", None)
    if tokens:
        return tuple(normalize(t) for t in tokens)
    text = entry if isinstance(entry, str) else getattr(entry, "text", "")
    return tuple(normalize(t) for t in str(text).split())


def _entry_attrs(entry: Any) -> Mapping[str, Any]:
    attrs = getattr(entry, "attrs", None)
    return attrs if attrs is not None else (entry if isinstance(entry, Mapping) else {})


def _phrases(wordlists: Mapping[str, Any], name: str) -> tuple[tuple[str, ...], ...]:
    wordlist = wordlists.get(name)
    return tuple(_entry_words(e) for e in wordlist.entries) if wordlist is not None else ()


def load_lists(wordlists: Mapping[str, Any]) -> Lists:
    """Read the hedge table and the filter lists from the lexicon's word lists."""
    hedge_list = wordlists.get("hedges")
    hedges = tuple(
        HedgeCue(_entry_words(e), str(_entry_attrs(e).get("kind", "uncertainty")),
                 str(_entry_attrs(e).get("certainty", "possible")))
        for e in (hedge_list.entries if hedge_list is not None else ())
    )
    order = tuple(" ".join(p) for p in _phrases(wordlists, "certainty_order")) or (
        "certain", "probable", "possible", "doubtful")
    return Lists(hedges, order, _phrases(wordlists, "negated_speech"),
                 _phrases(wordlists, "passive_auxiliaries"), _phrases(wordlists, "discourse_openers"),
                 _phrases(wordlists, "non_clause_starts"), hedge_index(hedges),
                 _words(wordlists, "contrast_clauses"), _words(wordlists, "subject_starts"),
                 _phrases(wordlists, "speech_clause_breaks"), _phrases(wordlists, "content_renaming_nouns"))


def _words(wordlists: Mapping[str, Any], name: str) -> frozenset[str]:
    return frozenset(" ".join(p) for p in _phrases(wordlists, name))


_LISTS: dict[int, tuple[Mapping[str, Any], Lists]] = {}


def cached_lists(wordlists: Mapping[str, Any]) -> Lists:
    """:func:`load_lists` once per lexicon (a ruleset is loaded once and used for every article)."""
    cached = _LISTS.get(id(wordlists))
    if cached is not None and cached[0] is wordlists:
        return cached[1]
    lists = load_lists(wordlists)
    if len(_LISTS) > 16:
        _LISTS.clear()
    _LISTS[id(wordlists)] = (wordlists, lists)
    return lists


# --------------------------------------------------------------------------- token streams


def collapse_quotes(tokens: Sequence[Token], quotes: Sequence[Quote], text: str) -> tuple[Token, ...]:
    """Replace the tokens inside each quotation (marks included) by one ``quote`` token.

    Why: a rule can then name the quote as one element (``<content: %quote>``), and no indirect
    rule ever fires on words inside a quotation (those words belong to the quoted speaker).
    """
    if not tokens:
        return ()
    first, last = tokens[0].span.start, tokens[-1].span.end
    near = [q for q in quotes if q.span.start <= last and q.span.end >= first]  # most windows: none
    if not near:
        return tuple(tokens)
    if _disjoint(near):
        return _collapse_sorted(tokens, near, text)
    return _collapse_any(tokens, near, text)


def _collapse_any(tokens: Sequence[Token], near: Sequence[Quote], text: str) -> tuple[Token, ...]:
    """:func:`collapse_quotes` for quotes in any order: each token is tested against the quotes."""
    low, high = min(q.span.start for q in near), max(q.span.end for q in near)
    out: list[Token] = []
    for token in tokens:
        # tokens outside every near quote are kept as they are, without looking at each quote
        quote = _quote_of(token.span, near) if low <= token.span.start <= high else None
        if quote is None:
            out.append(token)
        elif not (out and out[-1].kind == "quote" and out[-1].ref is quote):
            out.append(Token(quote.span, quote.span.slice(text), "quote", quote))
    return tuple(out)


def _disjoint(quotes: Sequence[Quote]) -> bool:
    """Quotes in text order that never overlap, as ``segment`` makes them."""
    return all(a.span.end <= b.span.start for a, b in pairwise(quotes))


_START, _END = attrgetter("span.start"), attrgetter("span.end")


def _collapse_sorted(tokens: Sequence[Token], quotes: Sequence[Quote], text: str) -> tuple[Token, ...]:
    """:func:`collapse_quotes` for disjoint quotes in text order over a sentence's tokens (in order, never
    overlapping, so their starts and ends both ascend): the tokens inside each quote are one slice, found
    by two bisections, instead of a test of every token against the quotes."""
    out: list[Token] = []
    i = 0
    for quote in quotes:
        first = bisect.bisect_left(tokens, quote.span.start, i, key=_START)  # first token starting inside
        stop = bisect.bisect_right(tokens, quote.span.end, first, key=_END)  # first token ending after it
        if stop > first:
            out.extend(tokens[i:first])
            out.append(Token(quote.span, quote.span.slice(text), "quote", quote))
            i = stop
    out.extend(tokens[i:])
    return tuple(out)


def _quote_of(span: Span, quotes: Sequence[Quote]) -> Quote | None:
    for quote in quotes:
        if quote.span.contains(span):
            return quote
    return None


def join_streams(streams: Iterable[tuple[Token, ...]]) -> tuple[Token, ...]:
    """Consecutive sentences' quote-collapsed streams as one stream: a quote running across a sentence
    boundary stays ONE token, exactly as :func:`collapse_quotes` of the joined raw tokens would give."""
    out: list[Token] = []
    for stream in streams:
        if stream and out and stream[0].kind == "quote" and out[-1].kind == "quote" and stream[0].ref is out[-1].ref:
            out.extend(stream[1:])
        else:
            out.extend(stream)
    return tuple(out)


TokenTable = Mapping[int, tuple[Token, ...]]
"""Each sentence's tokens with mentions collapsed, by sentence index: computed once per article."""


def token_table(segments: Segments, mentions: Mentions) -> dict[int, tuple[Token, ...]]:
    """``tokens.sentence_tokens`` of every sentence, computed once (quote windows and hedges reuse them)."""
    return {sentence.index: sentence_tokens(sentence, mentions) for sentence in segments.sentences}


RankedRules = Sequence[tuple[tuple[int, int], Any]]


@dataclass(frozen=True)
class RuleGroup:
    """The quote rules, or the other claim rules, in precedence order, with what each rule requires.

    Every rule's pattern has clauses (``Pattern.clauses``): sets of token features a sentence must meet
    one of, each. Each clause of the group gets one bit; a feature maps to the bits of the clauses it
    meets, so one pass over a sentence's features tells which rules can match at all (``could_match``
    for every rule at once), and the others are never handed to ``find_all``.
    """

    ranked: tuple[tuple[tuple[int, int], Any], ...]
    #: Per rule (as in ``ranked``): the bits of its clauses; None when the rule set is not indexed,
    #: and then every rule runs (``find_all`` still skips what cannot match).
    needs: tuple[int, ...] | None = None
    #: Feature -> the bits of the clauses it meets.
    meets: Mapping[str, int] = field(default_factory=dict)
    #: The keys of ``meets``, as a set to intersect with.
    known: frozenset[str] = frozenset()
    #: The runnable rules by the clause bits a sentence meets: sentences meet few distinct combinations
    #: (most meet none), so the per-rule test runs once per combination. Bounded, see ``runnable``.
    chosen: dict[int, tuple[tuple[tuple[int, int], Any], ...]] = field(default_factory=dict, compare=False,
                                                                        repr=False)

    @classmethod
    def of(cls, ranked: Sequence[tuple[tuple[int, int], Any]], indexed: bool) -> RuleGroup:
        if not indexed:
            return cls(tuple(ranked))
        meets: dict[str, int] = {}
        needs: list[int] = []
        bit = 1
        for _, rule in ranked:
            need = 0
            for clause in rule.pattern.clauses:
                need |= bit
                for feature in clause:
                    meets[feature] = meets.get(feature, 0) | bit
                bit <<= 1
            needs.append(need)
        return cls(tuple(ranked), tuple(needs), meets, frozenset(meets))

    def runnable(self, tokens: Sequence[Token]) -> Sequence[tuple[tuple[int, int], Any]]:
        """The rules, in precedence order, whose required words and kinds ``tokens`` all hold."""
        needs = self.needs
        if needs is None:
            return self.ranked
        meets = self.meets
        met = 0
        for feature in token_view(tokens).features & self.known:  # set intersection: C speed
            met |= meets[feature]
        found = self.chosen.get(met)
        if found is None:
            if len(self.chosen) >= MAX_CLAUSE_COMBINATIONS:
                self.chosen.clear()
            found = self.chosen[met] = tuple(pair for pair, need in zip(self.ranked, needs) if met & need == need)
        return found


@dataclass(frozen=True)
class PreparedRules:
    """A rule set's claim rules ranked, split into quote and other rules, and indexed: once per rule set."""

    ranked: RankedRules
    quotes: RuleGroup
    others: RuleGroup


def prepare_rules(ruleset: Any) -> PreparedRules:
    """Rank and split the claim rules; index each group when the rule set is indexed (``claim_index``)."""
    ranked = ranked_rules(ruleset)
    indexed = getattr(ruleset, "claim_index", None) is not None

    def group(quotes: bool) -> RuleGroup:
        return RuleGroup.of([(rank, rule) for rank, rule in ranked if rule.id.startswith(QUOTE_PREFIX) == quotes],
                            indexed)

    return PreparedRules(ranked, group(True), group(False))


_PREPARED: dict[int, tuple[Any, PreparedRules]] = {}


def cached_rules(ruleset: Any) -> PreparedRules:
    """:func:`prepare_rules` once per rule set (a rule set is loaded once and used for every article)."""
    cached = _PREPARED.get(id(ruleset))
    if cached is not None and cached[0] is ruleset:
        return cached[1]
    prepared = prepare_rules(ruleset)
    if len(_PREPARED) > 16:
        _PREPARED.clear()
    _PREPARED[id(ruleset)] = (ruleset, prepared)
    return prepared


@dataclass(frozen=True)
class SpanIndex:
    """Starts and ends of an article's sentences (or quotes), so the ones near a span are found by
    bisection, not by a scan of all of them per quote, per sentence and per claim. Spans out of order
    (never made by ``segment``) fall back to all of them; callers check overlap exactly either way."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    ordered: bool

    @classmethod
    def of(cls, spans: Iterable[Span]) -> SpanIndex:
        pairs = [(span.start, span.end) for span in spans]
        starts, ends = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
        ordered = list(starts) == sorted(starts) and list(ends) == sorted(ends)  # sorted(): C, linear when sorted
        return cls(starts, ends, ordered)

    def around(self, span: Span) -> range:
        """Indices of the spans that may overlap ``span``: a superset, in order."""
        if not self.ordered:
            return range(len(self.starts))
        return range(bisect.bisect_right(self.ends, span.start), bisect.bisect_left(self.starts, span.end))

    def touching(self, start: int, end: int) -> range:
        """Indices of the spans that may overlap or touch ``[start, end]``: a superset, in order."""
        if not self.ordered:
            return range(len(self.starts))
        return range(bisect.bisect_left(self.ends, start), bisect.bisect_right(self.starts, end))

    def overlapping(self, sentences: Sequence[Sentence], span: Span) -> list[int]:
        """Indices of the sentences overlapping ``span``, in order."""
        return [i for i in self.around(span) if sentences[i].span.overlaps(span)]


@dataclass(frozen=True)
class Context:
    """What every step needs about one article: its segments and mentions, the per-sentence tokens,
    the word lists claims.py reads, and the claim rules in precedence order."""

    segments: Segments
    mentions: Mentions
    table: TokenTable
    lists: Lists
    rules: PreparedRules
    #: Quote-rule candidates by window (first, last sentence index): quotes in the same sentences share
    #: one window, so their rules run once (see :func:`window_quote_matches`).
    windows: dict[tuple[int, int], WindowMatches] = field(default_factory=dict, compare=False, repr=False)
    #: Each sentence's stream with quotes collapsed, by sentence index: a sentence is in the sentence pass
    #: and in up to three quote windows, and is collapsed once.
    streams: dict[int, tuple[Token, ...]] = field(default_factory=dict, compare=False, repr=False)
    #: Hedge cues of each sentence, by sentence index: every claim over the sentence asks again.
    hedges: dict[int, list[tuple[Span, HedgeCue]]] = field(default_factory=dict, compare=False, repr=False)
    #: Keys of the article's person actors: a named person heading a speaker phrase is the speaker.
    people: frozenset[str] = frozenset()
    #: Keys of the article's places, which never speak for a group ("Officials in Kyiv said").
    speaking: SpeakingGroups = field(default_factory=lambda: SpeakingGroups())

    @cached_property
    def sentence_index(self) -> SpanIndex:
        return SpanIndex.of(s.span for s in self.segments.sentences)

    @cached_property
    def quote_index(self) -> SpanIndex:
        return SpanIndex.of(q.span for q in self.segments.quotes)

    def runnable(self, tokens: Sequence[Token], quotes: bool) -> Sequence[tuple[tuple[int, int], Any]]:
        """The quote rules (``quotes``) or the other rules, in precedence order, that can match ``tokens``."""
        return (self.rules.quotes if quotes else self.rules.others).runnable(tokens)

    def stream(self, sentence: Sentence) -> tuple[Token, ...]:
        """The sentence's tokens with quotes collapsed (see :func:`window_tokens`)."""
        found = self.streams.get(sentence.index)
        if found is None:
            tokens, quotes = self.table[sentence.index], self.segments.quotes
            if tokens and quotes:  # hand collapse_quotes only the quotes near the sentence (it checks them)
                near = self.quote_index.touching(tokens[0].span.start, tokens[-1].span.end)
                quotes = quotes[near.start : near.stop]
            found = self.streams[sentence.index] = collapse_quotes(tokens, quotes, self.segments.text)
        return found

    def sentence_hedges(self, sentence: Sentence) -> list[tuple[Span, HedgeCue]]:
        """:func:`hedge_hits` of one sentence, computed once per article."""
        found = self.hedges.get(sentence.index)
        if found is None:
            found = self.hedges[sentence.index] = hedge_hits(self.table[sentence.index], self.lists.hedge_index)
        return found


def window_tokens(ctx: Context, sentences: Sequence[Sentence]) -> tuple[Token, ...]:
    """Tokens of consecutive sentences, mentions and quotes collapsed (one stream across sentences).

    One sentence without quotes gives back the very tuple events ran on, so ``pattern.token_view``'s
    per-tuple cache serves the claim rules too instead of building a second view of the same tokens.
    """
    if len(sentences) == 1:
        return ctx.stream(sentences[0])
    return join_streams(ctx.stream(sentence) for sentence in sentences)


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class SpeakingGroups:
    """The places of the article, which must never speak in a group's stead ("Officials in Kyiv said": the
    officials spoke, not Kyiv); a group capture that is an actor mention hands the claim to that actor."""

    places: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A rule match turned into a claim, before conflicts between rules are resolved."""

    claim: Claim
    rank: tuple[int, int]  # (file precedence, rule position): lower wins
    region: Span  # the whole match: where hedges of the attribution are looked for
    quote: Quote | None = None  # for direct claims: the quote attributed


def rule_rank(rule_id: str, position: int) -> tuple[int, int]:
    """Order of precedence of a rule: its file's place in PRECEDENCE, then its place in the rule set."""
    for index, prefix in enumerate(PRECEDENCE):
        if rule_id.startswith(prefix):
            return (index, position)
    return (len(PRECEDENCE), position)


def capture_span(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]], name: str) -> Span | None:
    """The character span covered by a capture's tokens, or None when the capture is absent or empty."""
    start, end = captures.get(name, (0, 0))
    if end <= start:
        return None
    return Span(tokens[start].span.start, tokens[end - 1].span.end)


def speaker_of(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]],
               people: frozenset[str] = frozenset(),
               speaking: SpeakingGroups | None = None) -> ActorMention | None:
    """The first actor mention inside the ``speaker`` capture (a coordination speaks through its head).

    A rule may capture the whole noun phrase before the verb as ``speaker_phrase``; a named person in it
    (the last one: the head of "Kenyan government spokesman Isaac Mwaura") is who spoke, while the
    organization or the possessive before the title ("his spokesman X") only says whose spokesman.
    A ``group`` capture that is an actor ("analysts say") speaks when no actor is captured as speaker,
    or when the captured one is a place that only locates the group ("Officials in Kyiv said").
    """
    phrase = captures.get("speaker_phrase")
    if phrase is not None:
        named = [t.ref for t in tokens[phrase[0]:phrase[1]] if t.kind == "actor" and isinstance(t.ref, ActorMention)
                 and not t.ref.pronoun and t.ref.actor in people]
        if named:
            return named[-1]
    start, end = captures.get("speaker", (0, 0))
    speaker = None
    for index in range(start, end):
        token = tokens[possessive_head(tokens, index)]
        if tokens[index].kind == "actor" and isinstance(token.ref, ActorMention):
            speaker = token.ref
            break
    speaking = speaking or SpeakingGroups()
    group = group_speaker(tokens, captures, speaking)
    if group is not None and (speaker is None or speaker.actor in speaking.places):
        return group
    return speaker


def group_speaker(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]],
                  speaking: SpeakingGroups) -> ActorMention | None:
    """The actor the ``group`` capture stands on ("analysts say", "the authorities said"), if any.

    The actors stage makes an unnamed group an actor only when it acts in the sentence (or resolves it to
    an institution), so a group capture that is one of its mentions is a real speaker; a vague one
    ("sources said") is no actor and stays null. A place is never a group's voice.
    """
    start, end = captures.get("group", (0, 0))
    for token in tokens[start:end]:
        if (token.kind == "actor" and isinstance(token.ref, ActorMention) and not token.ref.pronoun
                and token.ref.actor not in speaking.places):
            return token.ref
    return None


def trim_span(span: Span, text: str) -> Span:
    """Strip separators and the final period from both ends so the content slices exactly what was said."""
    start, end = span.start, span.end
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return Span(start, end)


def strip_opener(tokens: Sequence[Token], start: int, end: int, openers: PhraseSet) -> int:
    """Skip a sentence-opening connective ("Furthermore ,") at the start of a content capture."""
    length = openers.longest_at(token_view(tokens).norms, start, end)
    if not length:
        return start
    start += length
    while start < end and tokens[start].kind in PUNCT_KINDS:
        start += 1
    return start


def is_negated(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]], lists: Lists) -> bool:
    """"He said nothing", "she did not say", "declined to say": a speech act that claims nothing; "warned
    of a famine": a verb with a prepositional object, not a claimed clause."""
    cue = captures.get("cue")
    content = captures.get("content")
    norms = token_view(tokens).norms  # the folded words find_all already computed for these tokens
    if cue and lists.negated_set.ends_at(norms, cue[0]):
        return True
    return bool(content and lists.not_content_set.longest_at(norms, content[0], len(norms)))


def is_passive(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]], lists: Lists) -> bool:
    """"North Korea is reported to ...": the actor before a passive reporting verb is its topic, not its
    speaker; "He was told that ...", "Officials were told that ...": the subject (a speaker or a group) is
    the listener, and whoever spoke is not named."""
    cue = captures.get("cue")
    subject = "speaker" in captures or "group" in captures
    return bool(cue and subject and lists.passive_set.ends_at(token_view(tokens).norms, cue[0]))


def renames(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]], lists: Lists) -> bool:
    """"C, a charge Iran denies": a closing phrase that opens with a noun renaming C (a charge, an
    allegation) holds a relative clause about C; its verb is no attribution, and its subject did not say C."""
    phrase = captures.get("speaker_phrase")
    return bool(phrase and lists.renaming_set.longest_at(token_view(tokens).norms, phrase[0], phrase[1]))


def content_range(tokens: Sequence[Token], captures: Mapping[str, tuple[int, int]],
                  lists: Lists) -> tuple[int, int] | None:
    """The token range of the content, without a leading connective; None when too short to be a claim."""
    if "content" not in captures:
        return None
    start, end = captures["content"]
    if start < end and tokens[start].text == ",":
        return None  # "X said, vowing to …": a participle clause after the verb is no claimed content
    start = strip_opener(tokens, start, end, lists.opener_set)
    end = renaming_cut(tokens, start, contrast_cut(tokens, start, end, lists), lists)
    kinds = token_view(tokens).kinds[start:end]
    solid = len(kinds) - kinds.count("punct")  # list.count: no per-token Python test
    if solid == 1 and "quote" in kinds:  # the one non-punctuation token is the quote
        return (start, end)
    return (start, end) if solid >= MIN_CONTENT_TOKENS else None


def contrast_cut(tokens: Sequence[Token], start: int, end: int, lists: Lists) -> int:
    """The content's end, moved before a ", while <subject> ..." clause the reporter adds beside the claim.

    "Germany announced it would send a system, while the EU imposed sanctions": the EU's act is not what
    Germany announced. A contrast conjunction (``contrast_clauses``) counts only after a comma and before
    a subject of its own (an actor or a ``subject_starts`` word); "..., while also noting that" stays.
    """
    norms, contrasts = token_view(tokens).norms, lists.contrasts
    if contrasts.isdisjoint(norms[start + 1 : end - 1]):
        return end  # no contrast word at all: the usual case, decided by one set operation
    for index in range(start + 1, end - 1):
        if tokens[index - 1].text != "," or norms[index] not in contrasts:
            continue
        after = tokens[index + 1]
        if after.kind == "actor" or (after.kind == "word" and norms[index + 1] in lists.subject_starts):
            return index - 1
    return end


def renaming_cut(tokens: Sequence[Token], start: int, end: int, lists: Lists) -> int:
    """The content's end, moved before a ", an accusation Moscow rejects" apposition (see :func:`renames`):
    the reporter's note on the claim is not part of it."""
    norms, renaming = token_view(tokens).norms, lists.renaming_set
    if renaming.firsts.isdisjoint(norms[start + 2 : end]):
        return end  # no renaming noun can start after a comma here: the usual case, one set operation
    for index in range(start + 1, end - 1):
        if tokens[index].text == "," and renaming.longest_at(norms, index + 1, end):
            return index
    return end


def content_span(tokens: Sequence[Token], start: int, end: int, text: str) -> Span:
    """Character span of a content token range; a lone quote gives the quote's words without the marks."""
    quote = _lone_quote(tokens, start, end)
    if quote is not None:
        return trim_span(quote.content, text)
    return trim_span(Span(tokens[start].span.start, tokens[end - 1].span.end), text)


def claim_kind(rule: Any, tokens: Sequence[Token], start: int, end: int) -> ClaimKind:
    """The rule's kind, except that an indirect content holding a quotation is ``mixed``."""
    kind: ClaimKind = rule.claim_kind
    if kind != "direct" and "quote" in token_view(tokens).kinds[start:end]:
        return "mixed"
    return kind


def build_candidate(rule: Any, rank: tuple[int, int], tokens: Sequence[Token], match: Any,
                    text: str, lists: Lists, people: frozenset[str] = frozenset(),
                    speaking: SpeakingGroups | None = None) -> Candidate | None:
    """Turn one pattern match into a candidate claim, or None when a filter rejects it."""
    captures = match.captures
    if is_negated(tokens, captures, lists) or is_passive(tokens, captures, lists) or renames(tokens, captures, lists):
        return None
    bounds = content_range(tokens, captures, lists)
    if bounds is None:
        return None
    content = content_span(tokens, *bounds, text)
    if content.end <= content.start:
        return None
    mention = speaker_of(tokens, captures, people, speaking)
    claim = Claim(
        kind=claim_kind(rule, tokens, *bounds),
        content=content,
        rule=RuleRef(rule.id, rule.version),
        speaker=mention.actor if mention else None,
        speaker_span=mention.span if mention else None,
        cue=capture_span(tokens, captures, "cue"),
    )
    quote = _lone_quote(tokens, *bounds)
    region = Span(tokens[match.start].span.start, tokens[match.end - 1].span.end)
    return Candidate(claim, rank, region, quote)


def _lone_quote(tokens: Sequence[Token], start: int, end: int) -> Quote | None:
    """The quote that is the only non-punctuation token of ``tokens[start:end]``, if it is one.

    Read from the view's kinds with list.count/index (C speed) rather than a test of every token.
    """
    kinds = token_view(tokens).kinds[start:end]
    if len(kinds) - kinds.count("punct") != 1 or "quote" not in kinds:
        return None
    ref = tokens[start + kinds.index("quote")].ref
    return ref if isinstance(ref, Quote) else None


# --------------------------------------------------------------------------- sentence rules


def ranked_rules(ruleset: Any) -> RankedRules:
    """Every claim rule with its precedence rank, most preferred first."""
    rules = [(rule_rank(rule.id, i), rule) for i, rule in enumerate(getattr(ruleset, "claims", ()))]
    return sorted(rules, key=lambda pair: pair[0])


def sentence_candidates(ctx: Context) -> list[Candidate]:
    """Indirect, according-to and unattributed rules, one sentence (or one clause of it) at a time."""
    found: list[Candidate] = []
    for sentence in ctx.segments.sentences:
        tokens = ctx.stream(sentence)
        # Most sentences meet no rule's required words; a clause of one holds a subset of its words, so
        # none of its clauses can match either and the clause cutting is skipped with the rules.
        rules = ctx.runnable(tokens, quotes=False)
        if rules:
            found.extend(clause_candidates(ctx, tokens, rules))
    return found


def stream_candidates(ctx: Context, tokens: tuple[Token, ...],
                      rules: Sequence[tuple[tuple[int, int], Any]] | None = None) -> list[Candidate]:
    """Every non-quote rule's candidates over one token stream (a sentence or one of its clauses);
    ``rules``: ``ctx.runnable(tokens, quotes=False)`` when the caller has it already."""
    found: list[Candidate] = []
    for rank, rule in ctx.runnable(tokens, quotes=False) if rules is None else rules:
        for match in rule.pattern.find_all(tokens, mentions=ctx.mentions):
            candidate = build_candidate(rule, rank, tokens, match, ctx.segments.text, ctx.lists, ctx.people,
                                        ctx.speaking)
            if candidate is not None:
                found.append(candidate)
    return found


def clause_candidates(ctx: Context, tokens: tuple[Token, ...],
                      rules: Sequence[tuple[tuple[int, int], Any]] | None = None) -> list[Candidate]:
    """The candidates of a sentence that may set several attributions side by side.

    Why: in "A said X, while B said Y" the rules run over the whole sentence make X run to the end of the
    sentence, and B's cue, lying inside it, counts as speech nested in A's claim, so B's claim is lost (or
    a closing-attribution rule reads "A said X" as B's content). So the sentence is cut at each
    ``speech_clause_breaks`` connective whose words up to the next cut open an attribution of their own
    (see :func:`opens_claim`), right to left, and the rules run on each clause: %start and %end are then
    the clause's edges and the first content stops before the connective.
    """
    end, found = len(tokens), []
    for start, after in reversed(clause_breaks(tokens, ctx.lists.clause_break_set)):
        if start == 0 or after >= end:
            continue
        tail = tokens[after:end]
        tail_found = stream_candidates(ctx, tail)
        if any(opens_claim(candidate, tail) for candidate in tail_found):
            found = tail_found + found
            end = start
    if end == len(tokens):
        return stream_candidates(ctx, tokens, rules) + found
    return stream_candidates(ctx, tokens[:end]) + found


def clause_breaks(tokens: Sequence[Token], breaks: PhraseSet) -> list[tuple[int, int]]:
    """Token ranges of the clause-break connectives of a stream, left to right, never overlapping."""
    view, found, index = token_view(tokens), [], 0
    if not breaks.may_occur(view.features):
        return found
    norms = view.norms
    firsts, n = breaks.firsts, len(norms)
    while index < n:
        if norms[index] in firsts:  # a set look-up per token; the phrase look-ups only where one may start
            length = breaks.longest_at(norms, index, n)
            if length:
                found.append((index, index + length))
                index += length
                continue
        index += 1
    return found


def opens_claim(candidate: Candidate, clause: Sequence[Token]) -> bool:
    """An attribution (not an unattributed passive) starting near the clause's start is a second
    speaker's claim; one deeper in the clause is nested speech of the first content."""
    if candidate.claim.rule.id.startswith(UNATTRIBUTED_PREFIX):
        return False
    lead = clause[min(MAX_CLAUSE_LEAD, len(clause) - 1)]
    return candidate.region.start <= lead.span.start


# --------------------------------------------------------------------------- quote rules


def quote_window(segments: Segments, quote: Quote, index: SpanIndex | None = None) -> tuple[list[Sentence], int]:
    """The sentences around a quote (one before, one after) and the index in the window of the last
    sentence the quote itself overlaps (an attribution beyond it is in the next sentence)."""
    sentences = segments.sentences
    inside = (index or SpanIndex.of(s.span for s in sentences)).overlapping(sentences, quote.span)
    if not inside:
        return [], -1
    first, last = max(inside[0] - 1, 0), min(inside[-1] + 1, len(sentences) - 1)
    return list(sentences[first : last + 1]), inside[-1] - first


def attribute_quote(ctx: Context, quote: Quote) -> Candidate | None:
    """The first quote rule (in precedence order) that attributes this quote, if any.

    An attribution inside the quote's own sentences is preferred to one in the next sentence, whatever
    the rule order: in "“A,” she said, “B.” He left." the second part belongs to "she said". A rule that
    names nobody (``unattributed``) is only the fallback.

    Rules are asked in precedence order and the first attribution inside the quote's sentences ends the
    search, so the rules after it (the catch-all ``unattributed`` among them) run only on windows where
    some quote still needs them.
    """
    window, last_inside = quote_window(ctx.segments, quote, ctx.sentence_index)
    if not window:
        return None
    matches = window_quote_matches(ctx, window)
    limit, window_end = window[last_inside].span.end, window[-1].span.end
    outside: Candidate | None = None
    orphan: Candidate | None = None
    for found in matches.by_rule():
        for candidate, end in found:
            if candidate.quote is not quote:
                continue
            if is_orphan(candidate):
                orphan = orphan or candidate
            elif end <= limit:
                return candidate
            elif outside is None and next_tail(matches.tokens, end, window_end):
                outside = candidate
    return outside or orphan


class WindowMatches:
    """The quote-rule matches of one window, rule by rule in precedence order, each rule run only when a
    quote of the window asks past the rules before it (see :func:`attribute_quote`)."""

    def __init__(self, ctx: Context, tokens: tuple[Token, ...]) -> None:
        self.ctx = ctx
        self.tokens = tokens
        self.rules = ctx.runnable(tokens, quotes=True)
        #: matches of ``rules[i]`` (with their end offsets) for every rule run so far
        self.done: list[list[tuple[Candidate, int]]] = []

    def by_rule(self) -> Iterable[list[tuple[Candidate, int]]]:
        """Each runnable rule's matches that attribute some quote, in precedence order, run on demand."""
        for i, (rank, rule) in enumerate(self.rules):
            if i == len(self.done):
                self.done.append(list(quote_matches(self.ctx, self.tokens, rank, rule)))
            yield self.done[i]


def window_quote_matches(ctx: Context, window: Sequence[Sentence]) -> WindowMatches:
    """The window's tokens and its quote-rule matches; one per window (first, last sentence) and article."""
    key = (window[0].index, window[-1].index)
    cached = ctx.windows.get(key)
    if cached is None:
        cached = ctx.windows[key] = WindowMatches(ctx, window_tokens(ctx, window))
    return cached


def quote_matches(ctx: Context, tokens: Sequence[Token], rank: tuple[int, int],
                  rule: Any) -> Iterable[tuple[Candidate, int]]:
    """One quote rule's matches whose content is a quote, with the character offset where each ends."""
    for match in rule.pattern.find_all(tokens, mentions=ctx.mentions):
        candidate = build_candidate(rule, rank, tokens, match, ctx.segments.text, ctx.lists, ctx.people,
                                    ctx.speaking)
        if candidate is not None and candidate.quote is not None:
            yield candidate, tokens[match.end - 1].span.end


def next_tail(tokens: Sequence[Token], end: int, window_end: int) -> bool:
    """An attribution reaching into the next sentence must close it (see MAX_NEXT_SENTENCE_TAIL)."""
    tail = [t for t in tokens if end <= t.span.start < window_end and t.kind not in PUNCT_KINDS]
    return len(tail) <= MAX_NEXT_SENTENCE_TAIL


def quote_candidates(ctx: Context) -> list[Candidate]:
    """A candidate for every attributed quote; a continued quote inherits its opener's speaker and cue."""
    found: list[Candidate] = []
    previous: Candidate | None = None
    for quote in ctx.segments.quotes:
        candidate = attribute_quote(ctx, quote)
        unclaimed = candidate is None or is_orphan(candidate)
        if unclaimed and quote.continued and previous is not None:
            candidate, unclaimed = continued_candidate(previous, quote, ctx.segments.text), False
        if candidate is not None:
            found.append(candidate)
        previous = None if unclaimed else candidate
    return found


def continued_candidate(previous: Candidate, quote: Quote, text: str) -> Candidate:
    """A quote that reopens in a new paragraph is the same speaker still talking."""
    claim = replace(previous.claim, content=trim_span(quote.content, text), rule=CONTINUED_RULE, hedges=(),
                    certainty="certain", about=())
    return Candidate(claim, previous.rank, quote.span, quote)


# --------------------------------------------------------------------------- conflicts


def conflicts(candidate: Candidate, kept: Candidate) -> bool:
    """Two candidates compete when they share a cue, when one's cue is inside the other's content
    (nested speech belongs to the outer claim), or when they claim the same content."""
    a, b = candidate.claim, kept.claim
    if a.content == b.content:
        return True
    if candidate.quote is not None and kept.quote is not None:
        return candidate.quote is kept.quote  # split and continued quotes share one cue
    if a.cue is not None and b.cue is not None and a.cue.overlaps(b.cue):
        return True
    if a.cue is not None and b.content.contains(a.cue):
        return True
    return b.cue is not None and a.content.contains(b.cue)


def resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Keep candidates in precedence order, dropping any that competes with one already kept."""
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.rank, c.claim.content.start)):
        if not any(conflicts(candidate, other) for other in kept):
            kept.append(candidate)
    return kept


# --------------------------------------------------------------------------- quotes nobody claimed


def is_orphan(candidate: Candidate) -> bool:
    """A quote matched only by a rule that names no speaker and no cue (``claims.quote.unattributed``)."""
    claim = candidate.claim
    return candidate.quote is not None and claim.speaker is None and claim.cue is None and claim.kind == "direct"


def leftover_quotes(segments: Segments, kept: list[Candidate], orphans: Sequence[Candidate]) -> list[Candidate]:
    """Quotes no rule attributed: inside another claim they make it ``mixed``; alone, opening their
    sentence and long enough, they stay a direct claim with a null speaker (never guessed)."""
    claimed = {id(c.quote) for c in kept if c.quote is not None}
    result = list(kept)
    for orphan in orphans:
        quote = orphan.quote
        if quote is None or id(quote) in claimed:
            continue
        host = next((i for i, c in enumerate(result) if c.claim.content.contains(quote.content)), None)
        if host is not None:
            result[host] = mixed(result[host])
        elif standalone(segments, quote):
            result.append(orphan)
    return result


def standalone(segments: Segments, quote: Quote) -> bool:
    """A quote stands as a claim of its own when it opens its sentence and is clause-long; one inside a
    sentence ("protesters chanted “...”", "the so-called “...”") is a usage, not a claim."""
    opens = any(s.span.start == quote.span.start for s in segments.sentences)
    return opens and _word_count(quote.content.slice(segments.text)) >= MIN_UNATTRIBUTED_QUOTE_WORDS


def mixed(candidate: Candidate) -> Candidate:
    """An indirect claim that quotes some of its words is ``mixed``; a direct one stays direct."""
    if candidate.claim.kind == "direct":
        return candidate
    return replace(candidate, claim=replace(candidate.claim, kind="mixed"))


def _word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- hedges, about


def hedge_index(cues: Sequence[HedgeCue]) -> dict[str, tuple[HedgeCue, ...]]:
    """Hedge entries by first word, longest first, so each token is checked against a few entries only."""
    index: dict[str, list[HedgeCue]] = {}
    for cue in cues:
        if cue.words:
            index.setdefault(cue.words[0], []).append(cue)
    return {word: tuple(sorted(group, key=lambda c: -len(c.words))) for word, group in index.items()}


def hedge_hits(tokens: Sequence[Token], index: Mapping[str, Sequence[HedgeCue]]) -> list[tuple[Span, HedgeCue]]:
    """Longest hedge entry starting at each word token (mention tokens such as the month "May" never match)."""
    view = token_view(tokens)  # folded words and kinds, shared with the rules run on the same tokens
    norms, kinds = view.norms, view.kinds
    if index.keys().isdisjoint(norms):
        return []  # most sentences: no word that starts a hedge
    hits: list[tuple[Span, HedgeCue]] = []
    after = 0  # a hit's words are not looked at again
    for i in [i for i, word in enumerate(norms) if word in index]:  # only where some entry starts
        if i < after:
            continue
        best = _longest_cue(norms, kinds, i, index)
        if best is not None:
            hits.append((Span(tokens[i].span.start, tokens[i + len(best.words) - 1].span.end), best))
            after = i + len(best.words)
    return hits


def _longest_cue(norms: Sequence[str], kinds: Sequence[str], i: int,
                 index: Mapping[str, Sequence[HedgeCue]]) -> HedgeCue | None:
    if kinds[i] != "word":
        return None
    for cue in index.get(norms[i], ()):
        end = i + len(cue.words)
        if end <= len(norms) and tuple(norms[i:end]) == cue.words and all(k == "word" for k in kinds[i:end]):
            return cue
    return None


def find_hedges(ctx: Context, candidate: Candidate) -> list[tuple[Span, HedgeCue]]:
    """Hedge cues inside the content or the attribution of a claim, in text order."""
    claim = candidate.claim
    found: dict[Span, HedgeCue] = {}
    sentences, index = ctx.segments.sentences, ctx.sentence_index
    near_content, near_region = index.around(claim.content), index.around(candidate.region)
    for i in range(min(near_content.start, near_region.start), max(near_content.stop, near_region.stop)):
        sentence = sentences[i]
        if not (sentence.span.overlaps(claim.content) or sentence.span.overlaps(candidate.region)):
            continue
        for span, cue in ctx.sentence_hedges(sentence):
            if claim.content.contains(span) or in_attribution(span, candidate, ctx.segments.quotes):
                found.setdefault(span, cue)
    return sorted(found.items())


def in_attribution(span: Span, candidate: Candidate, quotes: Sequence[Quote]) -> bool:
    """A hedge in the attribution part of a match ("X reportedly said") qualifies the claim; one inside
    another quotation, or one that IS the reporting verb ("officials reported"), does not, except for the
    unattributed rules, whose cue ("is believed to") is the hedge."""
    claim = candidate.claim
    if not candidate.region.contains(span) or any(q.span.contains(span) for q in quotes):
        return False
    on_cue = claim.cue is not None and claim.cue.overlaps(span)
    return not on_cue or claim.rule.id.startswith(UNATTRIBUTED_PREFIX)


def certainty(cues: Sequence[HedgeCue], order: Sequence[str]) -> str:
    """The weakest certainty among the hedges ("may" beats "reportedly"); the strongest level without one."""
    known = [cue.certainty for cue in cues if cue.certainty in order]
    return max(known, key=order.index) if known else order[0]


def about(content: Span, events: Sequence[Event]) -> tuple[int, ...]:
    """Indices of the events whose trigger lies inside the claim's content."""
    return tuple(i for i, event in enumerate(events) if content.contains(event.trigger))


def finish(ctx: Context, events: Sequence[Event], candidate: Candidate) -> Claim:
    """Add hedges, certainty and linked events to a kept candidate."""
    hits = find_hedges(ctx, candidate)
    hedges = tuple(Hedge(span, cue.kind) for span, cue in hits)
    level = certainty([cue for _, cue in hits], ctx.lists.certainty_order)
    return replace(candidate.claim, hedges=hedges, certainty=level, about=about(candidate.claim.content, events))


# --------------------------------------------------------------------------- entry point


def attribute_claims(segments: Segments, mentions: Mentions, events: tuple[Event, ...],
                     ruleset: Any) -> tuple[Claim, ...]:
    """Find every claim of the article: who said what, how, how certainly, about which events.

    Args:
        segments: stage-1 output (sentences and quotations).
        mentions: stage-2 output; speakers are actor mentions, pronouns included.
        events: stage-3 output; a claim is about the events whose trigger lies in its content.
        ruleset: a ``converter.rules.RuleSet`` (``.claims`` rules and ``.lexicon.wordlists``).

    Returns:
        Claims sorted by content position, then rule id (deterministic).
    """
    lexicon = getattr(ruleset, "lexicon", None)
    lists = cached_lists(getattr(lexicon, "wordlists", {}) or {})
    ctx = Context(segments, mentions, token_table(segments, mentions), lists, cached_rules(ruleset),
                  people=frozenset(a.key for a in mentions.actors if a.type == "person"),
                  speaking=SpeakingGroups(frozenset(a.key for a in mentions.actors if a.type == "location")))
    candidates = quote_candidates(ctx) + sentence_candidates(ctx)
    orphans = [c for c in candidates if is_orphan(c)]
    kept = leftover_quotes(segments, resolve(c for c in candidates if not is_orphan(c)), orphans)
    claims = [finish(ctx, events, c) for c in kept]
    return tuple(sorted(_unique(claims), key=lambda c: (c.content, c.rule.id)))


def _unique(claims: Iterable[Claim]) -> list[Claim]:
    """One claim per (kind, content, rule): the document derives claim ids from exactly these."""
    seen: dict[tuple[str, Span, str], Claim] = {}
    for claim in claims:
        seen.setdefault((claim.kind, claim.content, claim.rule.id), claim)
    return list(seen.values())
