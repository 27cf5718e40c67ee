"""Find the structured mentions that are not actors: time expressions and quantities.

converter/mentions.py calls :func:`find_times` then :func:`find_quantities` (passing the times, so a number
inside a date is not also a quantity) and stores both in ``Mentions``. Word lists default to
rules/lexicon/time.yaml and numbers.yaml; a caller with its own lexicon passes ``{list name: entries}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from .model import QuantityMention, RuleRef, Segments, Span, TimeMention
from .parsing import (
    QUANTITY_CATEGORIES,
    TIME_CATEGORIES,
    Categorizer,
    QuantityValue,
    build_categorizer,
    default_categorizers,
    default_wordlists,
    parse_quantity,
    parse_time,
)
from .temporal import VAGUE_PLURAL_COUNT, TimeExpr, resolve

TIME_RULE_VERSION = 1  # rules/lexicon/time.yaml `rules:` versions; bump with the grammar
QUANTITY_RULE_VERSION = 1


def _categorizer(lexicon_words: Mapping[str, Sequence[Any]] | None, time: bool) -> Categorizer:
    if lexicon_words is None:
        return default_categorizers()[0 if time else 1]
    categories = TIME_CATEGORIES if time else QUANTITY_CATEGORIES
    return build_categorizer(lexicon_words, categories, open_words=not time)


@cache
def _rule_ref(rule_id: str, version: int) -> RuleRef:
    """One shared (frozen) RuleRef per grammar alias: mentions of the same rule need not each build one."""
    return RuleRef(rule_id, version)


def _vague_count(lexicon_words: Mapping[str, Any] | None) -> int:
    words: Mapping[str, Any] = default_wordlists() if lexicon_words is None else lexicon_words
    setting = words.get("vague_plural_count")
    return int(setting) if isinstance(setting, int) else VAGUE_PLURAL_COUNT


def find_times(
    segments: Segments, lexicon_words: Mapping[str, Sequence[Any]] | None = None, published: date | None = None
) -> tuple[TimeMention, ...]:
    """Time expressions of every sentence, resolved against ``published``, in text order.

    Args:
        segments: stage-1 output.
        lexicon_words: ``{list name: entries}`` with the lists of rules/lexicon/time.yaml; None = shipped.
        published: publication date; relative expressions stay unresolved (value None) without it.
    """
    categorizer = _categorizer(lexicon_words, time=True)
    vague_count = _vague_count(lexicon_words)
    mentions: list[TimeMention] = []
    for sentence in segments.sentences:
        for parsed in parse_time(sentence.tokens, categorizer):
            expr: TimeExpr = parsed.meaning
            value = resolve(expr, published, vague_count)
            rule = _rule_ref(f"time.{parsed.rule}", TIME_RULE_VERSION)
            mentions.append(TimeMention(parsed.span, sentence.index, value, rule))
    return tuple(mentions)


def _is_bare_year(value: QuantityValue, text: str) -> bool:
    """A lone four-digit number like "2022" with nothing counted is a year, not a quantity."""
    return value.unit is None and not value.approximate and text.isdigit() and len(text) == 4


def find_quantities(
    segments: Segments,
    lexicon_words: Mapping[str, Sequence[Any]] | None = None,
    times: Sequence[TimeMention] = (),
) -> tuple[QuantityMention, ...]:
    """Quantities of every sentence in text order, skipping any that overlap a time mention.

    Args:
        segments: stage-1 output.
        lexicon_words: ``{list name: entries}`` with the lists of rules/lexicon/numbers.yaml; None = shipped.
        times: the article's time mentions (from :func:`find_times`); numbers inside them are not quantities.
    """
    categorizer = _categorizer(lexicon_words, time=False)
    time_spans = [t.span for t in times]
    mentions: list[QuantityMention] = []
    for sentence in segments.sentences:
        for parsed in parse_quantity(sentence.tokens, categorizer):
            value: QuantityValue = parsed.meaning
            if _overlaps_any(parsed.span, time_spans) or _is_bare_year(value, parsed.span.slice(segments.text)):
                continue
            rule = _rule_ref(f"quantity.{parsed.rule}", QUANTITY_RULE_VERSION)
            mentions.append(
                QuantityMention(parsed.span, sentence.index, value.value, value.approximate, value.unit, rule)
            )
    return tuple(mentions)


def _overlaps_any(span: Span, spans: Sequence[Span]) -> bool:
    return any(span.overlaps(other) for other in spans)
