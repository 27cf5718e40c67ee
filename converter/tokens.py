"""The token stream that rule patterns run over: a sentence's words with each mention collapsed.

Patterns say ``$source ~visit $target``, not "a capitalised word sequence, then visit...": by the
time rules run, mention finding has decided what is an actor, a time or a quantity, so each such
mention becomes ONE token (``kind`` actor/time/quantity, ``ref`` = the mention). This keeps
patterns short and lets a ``$role`` slot or ``%time`` consume a whole "Foreign Minister Choe Son Hui"
or "on Monday" in one step.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from itertools import pairwise
from operator import attrgetter

from converter.model import ActorMention, Mentions, QuantityMention, Sentence, Span, TimeMention, Token

AnyMention = ActorMention | TimeMention | QuantityMention

_KIND_OF = {ActorMention: "actor", TimeMention: "time", QuantityMention: "quantity"}
_START, _END = attrgetter("span.start"), attrgetter("span.end")


def _preference(mention: AnyMention) -> tuple[int, int, int]:
    """Sort key for overlapping mentions: actors first, then the longer, then the earlier."""
    is_actor = 0 if isinstance(mention, ActorMention) else 1
    return (is_actor, -(mention.span.end - mention.span.start), mention.span.start)


def choose_mentions(candidates: Sequence[AnyMention]) -> list[AnyMention]:
    """Keep a non-overlapping subset of mentions, preferring actors, then longer spans; sorted by start."""
    kept: list[AnyMention] = []
    for mention in sorted(candidates, key=_preference):
        if not any(mention.span.overlaps(other.span) for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.span.start)


class _ByStart:
    """An article's non-empty mentions sorted by start, so each sentence finds its own by bisection
    instead of scanning every mention of the article (which made long articles quadratic)."""

    def __init__(self, mentions: Mentions) -> None:
        self.mentions = mentions
        every = [m for group in (mentions.actor_mentions, mentions.times, mentions.quantities)
                 for m in group if m.span.end > m.span.start]
        self.sorted: list[AnyMention] = sorted(every, key=lambda m: m.span.start)
        self.starts = [m.span.start for m in self.sorted]
        self.longest = max((m.span.end - m.span.start for m in every), default=0)
        #: sentence index -> (sentence, its collapsed stream): events and claims both ask for every sentence
        self.streams: dict[int, tuple[Sentence, tuple[Token, ...]]] = {}

    def overlapping(self, span: Span) -> list[AnyMention]:
        """Mentions overlapping ``span``: those starting before its end and within the longest
        mention's length before its start, checked exactly."""
        low = bisect.bisect_left(self.starts, span.start - self.longest)
        high = bisect.bisect_left(self.starts, span.end)
        start = span.start
        # each of these starts before the span ends, so Span.overlaps reduces to ending after its start
        return [m for m in self.sorted[low:high] if m.span.end > start]


#: The index of the last Mentions seen (the pipeline asks for every sentence of one article in a row).
_LAST: list[_ByStart] = []


def _index_of(mentions: Mentions) -> _ByStart:
    index = _LAST[0] if _LAST and _LAST[0].mentions is mentions else None
    if index is None:
        index = _ByStart(mentions)
        _LAST[:] = [index]
    return index


def _in_sentence(sentence: Sentence, mentions: Mentions) -> list[AnyMention]:
    """The mentions overlapping ``sentence`` (through the article's index)."""
    return _index_of(mentions).overlapping(sentence.span)


def _joined_text(tokens: Sequence[Token]) -> str:
    """The covered tokens' text, with a space wherever the original text had a gap between them."""
    parts = [tokens[0].text]
    for before, token in pairwise(tokens):
        parts.append((" " if token.span.start > before.span.end else "") + token.text)
    return "".join(parts)


def _collapsed(mention: AnyMention, covered: Sequence[Token]) -> Token:
    first, last, own = covered[0].span, covered[-1].span, mention.span
    # most mentions cover whole tokens: their own span is the result, spared a new frozen Span
    span = own if first.start >= own.start and last.end <= own.end else \
        Span(min(own.start, first.start), max(own.end, last.end))
    text = covered[0].text if len(covered) == 1 else _joined_text(covered)
    return Token(span, text, _KIND_OF[type(mention)], mention)  # type: ignore[arg-type]


def sentence_tokens(sentence: Sentence, mentions: Mentions) -> tuple[Token, ...]:
    """The sentence's tokens with every actor, time and quantity mention collapsed into one token.

    A word token overlapped by a chosen mention is absorbed into that mention's token (so a mention
    whose edge falls inside a word still yields whole tokens). Where mentions overlap, the actor
    mention wins, then the longer one. Tokens keep their order; offsets stay absolute.

    Args:
        sentence: a sentence from ``segment.segment``.
        mentions: the article's mentions from ``mentions.find_mentions``.

    Returns:
        The token stream patterns are matched against (``Pattern.find_all``). Asked again for the same
        sentence and mentions (events, then claims), it returns the same tuple without recomputing.
    """
    index = _index_of(mentions)
    known = index.streams.get(sentence.index)
    if known is not None and known[0] is sentence:
        return known[1]  # the same tuple again, so pattern.token_view's per-tuple cache also hits
    stream = _collapse(sentence.tokens, _chosen(index.overlapping(sentence.span)))
    index.streams[sentence.index] = (sentence, stream)
    return stream


def _chosen(by_start: list[AnyMention]) -> Sequence[AnyMention]:
    """:func:`choose_mentions` of mentions sorted by start: when none overlaps the next (the usual
    case), all of them, as they are; the preference sort is only needed to settle overlaps."""
    for before, after in pairwise(by_start):
        if after.span.start < before.span.end:
            return choose_mentions(by_start)
    return by_start


def _collapse(tokens: tuple[Token, ...], chosen: Sequence[AnyMention]) -> tuple[Token, ...]:
    """``tokens`` with the tokens each chosen (non-overlapping, sorted) mention covers replaced by one token."""
    if not chosen:
        return tokens
    # a sentence's tokens are in order and never overlap, so their starts and ends both ascend:
    # bisection (keyed by C-level attrgetters, no per-token list) finds each mention's tokens
    out: list[Token] = []
    i = 0
    for mention in chosen:
        first = bisect.bisect_right(tokens, mention.span.start, i, key=_END)  # first token ending after the start
        out.extend(tokens[i:first])
        i = bisect.bisect_left(tokens, mention.span.end, first, key=_START)  # first starting at/after the end
        if i > first:
            out.append(_collapsed(mention, tokens[first:i]))
    out.extend(tokens[i:])
    return tuple(out)
