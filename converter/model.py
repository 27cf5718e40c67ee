"""Frozen, typed values passed from one pipeline stage to the next.

The pipeline is ``text -> Segments -> Mentions -> events -> claims -> document``.
Every stage receives what the previous stage returned and never mutates it; all
offsets are absolute code-point offsets into the article text, half-open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

_Frozen = TypeVar("_Frozen")


def built(cls: type[_Frozen], **fields: Any) -> _Frozen:
    """``cls(**fields)`` for a frozen dataclass, without its generated ``__init__``.

    Why: that ``__init__`` sets each field through ``object.__setattr__``; filling ``__dict__`` gives an
    equal object (same fields, eq and hash) about twice as fast, which counts for the values made per
    mention or per rule-file node. Every field must be given (defaults are not applied).
    tests/test_model.py compares the result with the real constructor.
    """
    made = object.__new__(cls)
    made.__dict__.update(fields)
    return made

ActorType = Literal["person", "organization", "country", "group", "location"]
Modality = Literal[
    "asserted", "reported", "alleged", "planned", "expected", "possible", "hypothetical", "denied", "negated"
]
ClaimKind = Literal["direct", "indirect", "according_to", "mixed"]
TokenKind = Literal["word", "number", "punct", "actor", "time", "quantity", "quote"]


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range ``[start, end)`` of code points in the article text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class RuleRef:
    """Provenance: the id and version of the rule that produced an item."""

    id: str
    version: int


# --------------------------------------------------------------------------- stage 1: segments


@dataclass(frozen=True)
class Token:
    """A word, number or punctuation mark; or, after mentions, a collapsed mention.

    ``ref`` points at the Mention/Quote a collapsed token stands for (None for plain tokens).
    """

    span: Span
    text: str
    kind: TokenKind
    ref: object | None = None

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Sentence:
    index: int
    span: Span
    paragraph: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class Paragraph:
    index: int
    span: Span


@dataclass(frozen=True)
class Quote:
    """A quotation: ``span`` includes the quote marks, ``content`` excludes them.

    A quote may run across sentences and, when a paragraph opens with a quote mark and
    the previous paragraph's quote was left open, across paragraphs (``continued``).
    """

    index: int
    span: Span
    content: Span
    continued: bool = False


@dataclass(frozen=True)
class Dateline:
    span: Span
    place: str | None
    agency: str | None


@dataclass(frozen=True)
class Segments:
    text: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    dateline: Dateline | None
    body_start: int = 0  # first offset after the dateline


# --------------------------------------------------------------------------- stage 2: mentions


@dataclass(frozen=True)
class Actor:
    """One real-world actor; ``key`` is stable within the article and becomes the id seed."""

    key: str
    name: str
    type: ActorType
    rule: RuleRef
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: str | None = None
    titles: tuple[str, ...] = ()
    affiliation: str | None = None  # key of another Actor
    wikidata: str | None = None


@dataclass(frozen=True)
class ActorMention:
    """A stretch of text that refers to an actor. Pronoun mentions are resolved but not
    listed among the actor's mentions in the output (they are used for speakers/roles)."""

    span: Span
    actor: str  # Actor.key
    sentence: int
    pronoun: bool = False
    rule: RuleRef | None = None


@dataclass(frozen=True)
class TimeMention:
    span: Span
    sentence: int
    value: str | None  # ISO 8601 date, partial date ("2024-11", "2022") or interval "a/b"; None if unresolved
    rule: RuleRef | None = None


@dataclass(frozen=True)
class QuantityMention:
    span: Span
    sentence: int
    value: float | None
    approximate: bool
    unit: str | None
    rule: RuleRef | None = None


@dataclass(frozen=True)
class Mentions:
    actors: tuple[Actor, ...]
    actor_mentions: tuple[ActorMention, ...]  # sorted by span
    times: tuple[TimeMention, ...]
    quantities: tuple[QuantityMention, ...]

    def actor(self, key: str) -> Actor:
        for actor in self.actors:
            if actor.key == key:
                return actor
        raise KeyError(key)


# --------------------------------------------------------------------------- stage 3: events


@dataclass(frozen=True)
class Participant:
    role: str  # source | target | location | intermediary
    actor: str  # Actor.key
    span: Span | None = None  # the mention that filled the role


@dataclass(frozen=True)
class Event:
    type: str  # one of the 16 PLOVER types
    trigger: Span
    evidence: Span  # the sentence
    sentence: int
    participants: tuple[Participant, ...]
    modality: Modality
    rule: RuleRef
    mode: str | None = None
    time: TimeMention | None = None
    quantity: QuantityMention | None = None
    negated: bool = False


# --------------------------------------------------------------------------- stage 4: claims


@dataclass(frozen=True)
class Hedge:
    span: Span
    kind: str  # e.g. hearsay, uncertainty, belief


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    content: Span
    rule: RuleRef
    speaker: str | None = None  # Actor.key, None when unattributed
    speaker_span: Span | None = None
    cue: Span | None = None
    hedges: tuple[Hedge, ...] = ()
    certainty: str = "certain"  # certain | probable | possible | doubtful
    about: tuple[int, ...] = field(default=())  # indices into the events tuple
