"""The fast category layout and prefix search give what the plain algorithm gives.

The plain algorithm, written out here as the reference: walk the tokens, take the longest word-list entry
starting at each (else the token's shape), then at each position parse every prefix of the run with lark
and keep the longest that parses whole.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Transformer, Tree
from lark.exceptions import UnexpectedInput, VisitError

from converter import parsing
from converter.model import Token
from converter.parsing import (
    QUANTITY_CATEGORIES,
    TIME_CATEGORIES,
    Cat,
    Categorizer,
    QuantityTransformer,
    TimeTransformer,
    default_categorizers,
    default_wordlists,
    load_grammar,
    parse_quantity,
    parse_time,
)
from converter.segment import segment

WORDS = default_wordlists()
ENTRIES = sorted({str(e["text"] if isinstance(e, dict) else e)
                  for name in {**TIME_CATEGORIES, **QUANTITY_CATEGORIES} for e in WORDS.get(name, ())})
OTHERS = ["5", "2024", "10,000", "1990s", "2024-11-05", "twenty-five", ",", ":", ".", "troops", "said", "Jan.",
          "the", "a", "A", "AT", "More", "as.", "a.", "US$", "per", "cent"]
CASES = [str.lower, str.upper, str.capitalize, lambda w: w]


def tokens_of(text: str) -> tuple[Token, ...]:
    return tuple(t for s in segment(text).sentences for t in s.tokens)


def reference_categories(categorizer: Categorizer, tokens: tuple[Token, ...]) -> list[Cat | None]:
    """Longest entry at each token (else its shape), one step at a time, nothing cached."""
    cats: list[Cat | None] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        first = token.text.lower()
        found = categorizer._phrase_at(tokens, i, first) if (
            first in categorizer.reach or first.rstrip(".") in categorizer.reach) else None
        if found is not None:
            size, terminal, entry = found
            words = tokens[i : i + size]
            cats.append(Cat(terminal, parsing.Span(token.span.start, words[-1].span.end),
                            " ".join(t.text for t in words), entry))
            i += size
            continue
        shape = categorizer._shape_terminal(token)
        cats.append(None if shape is None else Cat(shape, token.span, token.text, parsing._NO_ENTRY))
        i += 1
    return cats


def reference_parse(time: bool, tokens: tuple[Token, ...]) -> list[parsing.Parsed]:
    """Leftmost-longest by brute force: every prefix of every run goes through lark's own parse."""
    categorizer = default_categorizers()[0 if time else 1]
    parser = load_grammar("time.lark" if time else "quantity.lark")
    transformer = TimeTransformer if time else QuantityTransformer
    cats = reference_categories(categorizer, tokens)
    found: list[parsing.Parsed] = []
    i = 0
    while i < len(cats):
        end = next((k for k in range(i, len(cats)) if cats[k] is None), len(cats))
        length = next((n for n in range(end - i, 0, -1) if _parses(parser, cats[i : i + n])), 0)
        meaning = reference_meaning(parser, transformer, cats[i : i + length]) if length else None  # type: ignore[arg-type]
        if meaning is None:
            i += 1
            continue
        found.append(parsing.Parsed(parsing.Span(cats[i].span.start, cats[i + length - 1].span.end), *meaning))  # type: ignore[union-attr]
        i += length
    return found


def reference_meaning(parser: Lark, transformer: type[Transformer], cats: list[Cat]) -> tuple[str, object] | None:
    """(rule alias, meaning) from lark's own parse of ``cats``; the tree reused by shape must equal it."""
    tree = parser.parse([parsing._lark_token(c) for c in cats])
    assert parsing._parse_tree(parser, cats) == tree
    try:
        meaning = transformer({c.span.start: c.entry for c in cats}).transform(tree)  # type: ignore[call-arg]
    except VisitError:
        return None
    if meaning is None:
        return None
    return str(tree.children[0].data if isinstance(tree.children[0], Tree) else "start"), meaning


def _parses(parser: object, cats: list[Cat | None]) -> bool:
    try:
        parser.parse([parsing._lark_token(c) for c in cats])  # type: ignore[attr-defined,arg-type]
    except UnexpectedInput:
        return False
    return True


word_soup = st.lists(st.tuples(st.sampled_from(ENTRIES + OTHERS), st.sampled_from(CASES)), max_size=12).map(
    lambda words: " ".join(case(word) for word, case in words))


@settings(max_examples=300, deadline=None)
@given(word_soup)
def test_categories_match_the_plain_longest_entry_walk(text: str) -> None:
    tokens = tokens_of(text)
    for categorizer in default_categorizers():
        assert categorizer.categorize(tokens) == reference_categories(categorizer, tokens)


@settings(max_examples=150, deadline=None)
@given(word_soup)
def test_expressions_match_brute_force_leftmost_longest(text: str) -> None:
    tokens = tokens_of(text)
    assert parse_time(tokens) == reference_parse(True, tokens)
    assert parse_quantity(tokens) == reference_parse(False, tokens)


def test_a_starter_without_its_follower_stays_alone_and_with_it_joins() -> None:
    _, quantity = default_categorizers()
    assert [c.terminal if c else None for c in quantity.categorize(tokens_of("more than 300 troops"))] == [
        "APPROX", "NUMBER", "PLURAL"]
    alone = quantity.categorize(tokens_of("more troops"))
    assert alone == reference_categories(quantity, tokens_of("more troops"))


def test_tiny_cache_bounds_change_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-token tables and the prefix trie are emptied when full, even in the middle of a sentence."""
    text = "More than 300 troops arrived on Monday, a dozen more in the past two weeks; about $5 million."
    expected_time, expected_quantity = parse_time(tokens_of(text)), parse_quantity(tokens_of(text))
    monkeypatch.setattr(parsing, "_FACTS_MAX", 2)
    monkeypatch.setattr(parsing, "_PREFIXES_MAX", 3)
    time_words = parsing.build_categorizer(WORDS, TIME_CATEGORIES)
    quantity_words = parsing.build_categorizer(WORDS, QUANTITY_CATEGORIES, open_words=True)
    for _ in range(2):
        assert parse_time(tokens_of(text), time_words) == expected_time
        assert parse_quantity(tokens_of(text), quantity_words) == expected_quantity


def test_expressions_of_one_shape_get_their_own_numbers() -> None:
    """The second "NUMBER PLURAL" reuses the first one's tree shape, never its values."""
    values = [p.meaning.value for text in ("300 troops", "250 troops", "7 ships") for p in parse_quantity(tokens_of(text))]
    assert values == [300, 250, 7]
    assert [p.meaning.day for text in ("on May 5", "on May 17") for p in parse_time(tokens_of(text))] == [5, 17]


def test_a_used_categorizer_still_pickles_and_parses_alike() -> None:
    tokens = tokens_of("On Monday a dozen ships sailed.")
    time_words = parsing.build_categorizer(WORDS, TIME_CATEGORIES)
    expected = parse_time(tokens, time_words)
    copy = pickle.loads(pickle.dumps(time_words))
    assert parse_time(tokens, copy) == expected
