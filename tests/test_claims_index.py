"""The claims stage's load-time indexes and per-article shortcuts give exactly what the plain scans gave.

Each shortcut in converter/claims.py (phrase sets by length, clause bits per rule, span bisection, quote
streams joined per sentence, quote rules run on demand) is checked here against the straightforward
computation it replaced, on real rules and real sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converter import claims, pipeline
from converter.claims import (
    Candidate,
    Context,
    PhraseSet,
    RuleGroup,
    SpanIndex,
    SpeakingGroups,
    cached_lists,
    cached_rules,
    collapse_quotes,
    is_orphan,
    join_streams,
    next_tail,
    quote_window,
    token_table,
)
from converter.model import Quote, Sentence, Span, Token
from converter.pattern import token_view
from converter.rules import load_rules
from converter.segment import segment

WORDS = ("a", "b", "c", "d")

TEXTS = (
    ("“We will not retreat,” the minister said on Monday. “The talks,” he added, “are over.” Officials declined "
     "to comment."),
    "The army said it had taken the town. According to residents, the shelling continued overnight.",
    "“This is the first sentence of a long quote. And this is its second,” Ana Ruiz told reporters. She left.",
    "Analysts say the sanctions have barely dented oil exports, while the EU imposed new measures.",
    "It is believed that the talks will resume. “Never again” was the motto.",
)


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return load_rules()


def _naive_ends(phrases: Sequence[tuple[str, ...]], words: Sequence[str], index: int) -> bool:
    before = list(words[:index])
    return any(p and tuple(before[-len(p):]) == p for p in phrases)


def _naive_longest(phrases: Sequence[tuple[str, ...]], words: Sequence[str], index: int, end: int) -> int:
    window = list(words[index:end])
    for phrase in sorted(phrases, key=len, reverse=True):
        if phrase and tuple(window[: len(phrase)]) == phrase:
            return len(phrase)
    return 0


@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=3).map(tuple), max_size=5),
       st.lists(st.sampled_from(WORDS), max_size=8), st.data())
def test_a_phrase_set_answers_as_comparing_every_phrase(phrases: list[tuple[str, ...]], words: list[str],
                                                        data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(words)))
    end = data.draw(st.integers(index, len(words)))
    found = PhraseSet.of(phrases)
    assert found.ends_at(words, index) == _naive_ends(phrases, words, index)
    assert found.longest_at(words, index, end) == _naive_longest(phrases, words, index, end)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10)), max_size=8), st.integers(0, 50),
       st.integers(0, 10))
def test_a_span_index_finds_every_overlapping_span(pairs: list[tuple[int, int]], start: int, width: int) -> None:
    spans = [Span(s, s + w) for s, w in pairs]
    target = Span(start, start + width)
    index = SpanIndex.of(spans)
    overlapping = [i for i in index.around(target) if spans[i].overlaps(target)]
    assert overlapping == [i for i, span in enumerate(spans) if span.overlaps(target)]
    touching = [i for i in index.touching(target.start, target.end)
                if spans[i].start <= target.end and spans[i].end >= target.start]
    assert touching == [i for i, s in enumerate(spans) if s.start <= target.end and s.end >= target.start]


@pytest.mark.parametrize("text", TEXTS)
def test_joined_sentence_streams_equal_collapsing_the_joined_tokens(text: str, rules) -> None:  # type: ignore[no-untyped-def]
    segments = segment(text)
    mentions = pipeline.find_mentions(segments, rules.lexicon, None)
    table = token_table(segments, mentions)
    sentences = segments.sentences
    for first in range(len(sentences)):
        for last in range(first, len(sentences)):
            raw = [t for s in sentences[first : last + 1] for t in table[s.index]]
            parts = [collapse_quotes(table[s.index], segments.quotes, text) for s in sentences[first : last + 1]]
            assert join_streams(parts) == collapse_quotes(raw, segments.quotes, text)


@pytest.mark.parametrize("text", TEXTS)
def test_clause_bits_choose_the_rules_that_could_match(text: str, rules) -> None:  # type: ignore[no-untyped-def]
    prepared = cached_rules(rules)
    segments = segment(text)
    mentions = pipeline.find_mentions(segments, rules.lexicon, None)
    for tokens in token_table(segments, mentions).values():
        features = token_view(tokens).features
        for group in (prepared.quotes, prepared.others):
            expected = [pair for pair in group.ranked if pair[1].pattern.could_match(features)]
            assert list(group.runnable(tokens)) == expected


def test_an_unindexed_group_runs_every_rule(rules) -> None:  # type: ignore[no-untyped-def]
    ranked = cached_rules(rules).others.ranked
    group = RuleGroup.of(ranked, indexed=False)
    assert group.runnable((Token(Span(0, 1), "x", "word"),)) == ranked


def _eager_attribution(ctx: Context, quote: Quote) -> Candidate | None:
    """The quote attribution as it was computed before rules ran on demand: every quote rule, then choose."""
    window, last_inside = quote_window(ctx.segments, quote)
    if not window:
        return None
    tokens = claims.window_tokens(ctx, window)
    found = [pair for rank, rule in ctx.runnable(tokens, quotes=True)
             for pair in claims.quote_matches(ctx, tokens, rank, rule)]
    limit = window[last_inside].span.end
    matches = [(c, end) for c, end in found if c.quote is quote]
    inside = [c for c, end in matches if end <= limit and not is_orphan(c)]
    outside = [c for c, end in matches if end > limit and not is_orphan(c)
               and next_tail(tokens, end, window[-1].span.end)]
    chosen = inside or outside or [c for c, _ in matches if is_orphan(c)]
    return chosen[0] if chosen else None


@pytest.mark.parametrize("text", TEXTS)
def test_quote_rules_run_on_demand_attribute_as_running_them_all(text: str, rules) -> None:  # type: ignore[no-untyped-def]
    segments = segment(text)
    mentions = pipeline.find_mentions(segments, rules.lexicon, None)

    def context() -> Context:
        return Context(segments, mentions, token_table(segments, mentions), cached_lists(rules.lexicon.wordlists),
                       cached_rules(rules), speaking=SpeakingGroups())

    lazy, eager = context(), context()
    for quote in segments.quotes:
        assert claims.attribute_quote(lazy, quote) == _eager_attribution(eager, quote)


def test_sentences_out_of_order_fall_back_to_a_full_scan() -> None:
    sentences = [Sentence(0, Span(10, 20), 0, ()), Sentence(1, Span(0, 9), 0, ())]
    index = SpanIndex.of(s.span for s in sentences)
    assert not index.ordered
    assert index.overlapping(sentences, Span(5, 15)) == [0, 1]


@pytest.mark.parametrize("text", TEXTS)
def test_quotes_collapsed_by_bisection_equal_the_token_by_token_test(text: str, rules) -> None:  # type: ignore[no-untyped-def]
    segments = segment(text)
    mentions = pipeline.find_mentions(segments, rules.lexicon, None)
    table = token_table(segments, mentions)
    for sentence in segments.sentences:
        tokens = table[sentence.index]
        if segments.quotes:
            assert claims._collapse_sorted(tokens, segments.quotes, text) == claims._collapse_any(
                tokens, segments.quotes, text)
        expected = claims._collapse_any(tokens, segments.quotes, text) if segments.quotes else tuple(tokens)
        assert collapse_quotes(tokens, segments.quotes, text) == expected


@given(st.lists(st.sampled_from(("a", "but", ",", ";", "while", "b")), max_size=12))
def test_clause_breaks_agree_with_a_scan_of_every_position(words: list[str]) -> None:
    breaks = cached_lists(pipeline.default_ruleset().lexicon.wordlists).clause_break_set
    tokens = tuple(Token(Span(2 * i, 2 * i + 1), w, "punct" if w in ",;" else "word") for i, w in enumerate(words))
    expected, index = [], 0
    while index < len(words):
        length = breaks.longest_at(words, index, len(words))
        expected.append((index, index + length)) if length else None
        index += length or 1
    assert claims.clause_breaks(tokens, breaks) == expected
