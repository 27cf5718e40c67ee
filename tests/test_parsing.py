"""Grammars and the category lexer: loading, categories, positions, and from_lark round trips."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from converter.errors import GrammarError
from converter.model import Span
from converter.parsing import (
    ANCHOR_TERMINALS,
    QUANTITY_CATEGORIES,
    TIME_CATEGORIES,
    QuantityTransformer,
    TimeTransformer,
    anchor_terminals,
    build_categorizer,
    default_categorizers,
    default_wordlists,
    find_expressions,
    load_grammar,
    parse_quantity,
    parse_time,
)
from converter.segment import segment


def tokens_of(text: str) -> tuple:
    return tuple(t for s in segment(text).sentences for t in s.tokens)


def categories_of(text: str, time: bool = True) -> list[str | None]:
    categorizer = default_categorizers()[0 if time else 1]
    return [c.terminal if c else None for c in categorizer.categorize(tokens_of(text))]


def test_grammars_load_once_and_strict() -> None:
    assert load_grammar("time.lark") is load_grammar("time.lark")
    assert load_grammar("quantity.lark").options.strict


def test_missing_grammar_is_a_located_grammar_error() -> None:
    with pytest.raises(GrammarError) as info:
        load_grammar("no-such.lark")
    assert "no-such.lark" in str(info.value)


def test_case_sensitive_lists_keep_modal_may_out_of_months() -> None:
    assert categories_of("May 5 they may march in March") == ["MONTH", "DAYNUM", None, None, None, "IN", "MONTH"]


def test_multi_word_entries_become_one_category() -> None:
    assert categories_of("more than 300 troops", time=False) == ["APPROX", "NUMBER", "PLURAL"]


def test_number_shapes() -> None:
    assert categories_of("1988 31 32 10,000 2024-11-05 1990s twenty-five") == [
        "YEAR", "DAYNUM", "NUMBER", "NUMBER", "ISODATE", "DECADE", "NUMWORD"]


def test_hyphenated_number_words_add_up() -> None:
    (parsed,) = parse_quantity(tokens_of("twenty-five soldiers"))
    assert parsed.meaning.value == 25


def test_leftmost_longest_and_absolute_positions() -> None:
    text = "Xx on Nov. 5, 2024 and in 2022."
    spans = [p.span.slice(text) for p in parse_time(tokens_of(text))]
    assert spans == ["on Nov. 5, 2024", "in 2022"]


def test_since_needs_a_point_after_it() -> None:
    assert parse_time(tokens_of("they have since adopted it")) == []


# --------------------------------------------------------------------------- from_lark round trips

WORDS = default_wordlists()
SHAPES: dict[str, st.SearchStrategy[str]] = {
    "NUMBER": st.sampled_from(["10,000", "2.5", "300", "45"]),
    "YEAR": st.integers(1000, 2999).map(str),
    "DAYNUM": st.integers(1, 28).map(str),
    "ISODATE": st.dates(date(1000, 1, 1), date(2999, 12, 31)).map(date.isoformat),
    "DECADE": st.integers(100, 299).map(lambda d: f"{d}0s"),
    "COMMA": st.just(","),
    "COLON": st.just(":"),
    "WORD": st.sampled_from(["military", "North", "Korean", "artillery"]),
    "PLURAL": st.sampled_from(["troops", "shells", "people", "battalions"]),
}


def _single_words(list_name: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """Single-word entries only: two generated words must not fuse into a multi-word entry."""
    texts = [e["text"] if isinstance(e, dict) else e for e in WORDS[list_name]
             if not (isinstance(e, dict) and e.get("needs_unit"))]
    return [t for t in texts if " " not in t and t not in exclude]


def explicit(categories: dict[str, str]) -> dict[str, st.SearchStrategy[str]]:
    strategies: dict[str, st.SearchStrategy[str]] = dict(SHAPES)
    for list_name, terminal in categories.items():
        strategies[terminal] = st.sampled_from(_single_words(list_name))
    return {name: s.map(lambda w: f" {w} ") for name, s in strategies.items()}


def _grammar_strategy(name: str, categories: dict[str, str]) -> st.SearchStrategy[str]:
    grammar = load_grammar(name)
    terminals = {sym.name for rule in grammar.rules for sym in rule.expansion if sym.is_term}
    return from_lark(grammar, start="start", explicit={k: v for k, v in explicit(categories).items() if k in terminals})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_grammar_strategy("time.lark", TIME_CATEGORIES))
def test_every_generated_time_expression_parses_whole(text: str) -> None:
    tokens = tokens_of(text)
    parsed = parse_time(tokens)
    assert len(parsed) == 1, (text, parsed)
    assert parsed[0].span.start == tokens[0].span.start and parsed[0].span.end == tokens[-1].span.end


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_grammar_strategy("quantity.lark", QUANTITY_CATEGORIES))
def test_every_generated_quantity_expression_parses_whole(text: str) -> None:
    tokens = tokens_of(text)
    parsed = parse_quantity(tokens)
    assert len(parsed) == 1, (text, parsed)
    assert parsed[0].span.start == tokens[0].span.start and parsed[0].span.end == tokens[-1].span.end


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["on", "in", "last", "Tuesday", "May", "5", "2024", ",", "the", "weeks", "about",
                                 "10,000", "troops", "of", "millions", "a", "small", "number", "$", "since", "and"]),
                max_size=12))
def test_parsers_are_total_over_word_soup(words: list[str]) -> None:
    text = " ".join(words)
    tokens = tokens_of(text)
    for parsed in parse_time(tokens) + parse_quantity(tokens):
        assert 0 <= parsed.span.start < parsed.span.end <= len(text)


# --------------------------------------------------------------------------- speed paths keep results


def _unfiltered(tokens: tuple, time: bool) -> list:
    """What parse_time/parse_quantity return without the anchor skip (every sentence parsed)."""
    categorizer = default_categorizers()[0 if time else 1]
    grammar = load_grammar("time.lark" if time else "quantity.lark")
    return find_expressions(grammar, TimeTransformer if time else QuantityTransformer, categorizer.categorize(tokens))


_EVERY_ENTRY = sorted({str(e["text"] if isinstance(e, dict) else e)
                       for name in {**TIME_CATEGORIES, **QUANTITY_CATEGORIES} for e in WORDS.get(name, ())})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*_EVERY_ENTRY, "5", "2024", "10,000", "1990s", "2024-11-05", "twenty-five",
                                 ",", ":", "troops", "said", "Jan.", "the", "a"]), max_size=10))
def test_anchor_skip_and_meaning_reuse_change_no_result(words: list[str]) -> None:
    tokens = tokens_of(" ".join(words))
    assert parse_time(tokens) == _unfiltered(tokens, time=True)
    assert parse_quantity(tokens) == _unfiltered(tokens, time=False)


def test_a_sentence_without_anchor_words_is_not_parsed_but_one_with_them_is() -> None:
    time_words, _ = default_categorizers()
    anchors = anchor_terminals("time.lark")
    assert not time_words.may_hold(tokens_of("He said so in the end, at the border."), anchors)
    assert time_words.may_hold(tokens_of("He said so two weeks ago."), anchors)
    assert parse_time(tokens_of("He said so two weeks ago."))[0].rule == "ago"


def test_anchors_that_miss_an_expression_fail_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ANCHOR_TERMINALS, "time.lark", frozenset({"MONTH", "WEEKDAY"}))  # "2024" has neither
    anchor_terminals.cache_clear()
    try:
        with pytest.raises(GrammarError, match="without any of the anchor terminals"):
            anchor_terminals("time.lark")
    finally:
        monkeypatch.undo()
        anchor_terminals.cache_clear()


def test_a_reused_meaning_gets_the_new_span_and_its_own_entries() -> None:
    first, second = parse_time(tokens_of("On Monday and again on Monday.")), parse_time(tokens_of("x on Monday"))
    assert [p.span for p in first] == [Span(0, 9), Span(20, 29)] and second[0].span == Span(2, 11)
    assert first[0].meaning == first[1].meaning == second[0].meaning
    shifted = {**WORDS, "weekdays": [{"text": "Monday", "value": 3}]}  # another lexicon, same words
    other = build_categorizer(shifted, TIME_CATEGORIES)
    assert parse_time(tokens_of("on Monday"), other)[0].meaning.weekday == 3
    assert parse_time(tokens_of("on Monday"))[0].meaning.weekday == first[0].meaning.weekday != 3
