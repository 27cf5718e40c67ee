"""Every shipped .lark grammar accepts every sentence it can generate (hypothesis.extra.lark round trips).

time.lark and quantity.lark are round-tripped with their category lexer in test_parsing.py; this file
covers the grammars of the rule pattern language and of person names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark, Token
from lark.exceptions import LarkError
from lark.lexer import Lexer

from converter.resources import grammar_path

PATTERN_GRAMMAR = Lark(grammar_path("pattern.lark").read_text("utf-8"), parser="lalr")


def _spaced(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Generated terminals are written with spaces around them, as rule authors write them."""
    return strategy.map(lambda text: f" {text} ")


PATTERN_TERMINALS = {
    "WORD": _spaced(st.sampled_from(["visited", "U.S", "al-Assad", "talks", "to"])),
    "LEMMA": _spaced(st.sampled_from(["~visit", "~send", "~meet"])),
    "WORDLIST": _spaced(st.sampled_from(["@reporting_verbs", "@aux"])),
    "SLOT": _spaced(st.sampled_from(["$source", "$target:country|group", "$speaker"])),
    "KIND": _spaced(st.sampled_from(["%time", "%quote", "%end"])),
    "GAP": _spaced(st.sampled_from(["...", "..3"])),
    "STRING": _spaced(st.sampled_from(['","', "\"'s\"", "':'"])),
    "CAPTURE_OPEN": _spaced(st.sampled_from(["<content:", "<trigger:"])),
    "QUANT": st.sampled_from(["?", "*", "+", "+?"]),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(PATTERN_GRAMMAR, explicit=PATTERN_TERMINALS))
def test_every_generated_pattern_parses(pattern: str) -> None:
    PATTERN_GRAMMAR.parse(pattern)


class _CategoryLexer(Lexer):
    """Feeds a space-separated string of category names as tokens of those categories."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: str) -> Iterator[Token]:  # type: ignore[override]
        for name in data.split():
            yield Token(name, name.lower())


PERSON_SOURCE = grammar_path("person.lark").read_text("utf-8")
PERSON_CATEGORIES = ("TITLE", "NAME", "PARTICLE", "DEMONYM", "COUNTRY", "ORG", "POSS", "COMMA", "DET", "PREP", "WORD")
PERSON_TERMINALS = {name: st.just(f" {name} ") for name in PERSON_CATEGORIES}


def _person_parser(start: str) -> Lark:
    return Lark(PERSON_SOURCE, parser="lalr", lexer=_CategoryLexer, start=start)


def _reachable_terminals(grammar: Lark, start: str) -> set[str]:
    """The terminals a derivation from ``start`` can use (from_lark rejects strategies for any other)."""
    seen, todo, terminals = {start}, [start], set()
    while todo:
        origin = todo.pop()
        for rule in grammar.rules:
            if rule.origin.name != origin:
                continue
            for symbol in rule.expansion:
                if symbol.is_term:
                    terminals.add(symbol.name)
                elif symbol.name not in seen:
                    seen.add(symbol.name)
                    todo.append(symbol.name)
    return terminals


def _person_strategy(start: str) -> st.SearchStrategy[str]:
    parser = _person_parser(start)
    used = _reachable_terminals(parser, start)
    return from_lark(parser, start=start, explicit={k: v for k, v in PERSON_TERMINALS.items() if k in used})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["titled", "apposition", "fronted"]).flatmap(lambda start: st.tuples(st.just(start), _person_strategy(start))))
def test_every_generated_person_phrase_parses(case: tuple[str, str]) -> None:
    start, categories = case
    _person_parser(start).parse(categories)


@pytest.mark.parametrize(
    ("categories", "parses"),
    [
        ("COUNTRY POSS TITLE COMMA NAME NAME", True),  # "Kenya's interior minister, Kipchumba Murkomen"
        ("NAME POSS TITLE COMMA TITLE NAME PARTICLE NAME", True),  # "Quatar's emir, Sheikh Hamad bin Khalifa"
        ("COUNTRY POSS TITLE COMMA DET TITLE", False),  # "Russia's foreign minister, the defense minister"
        ("COUNTRY POSS TITLE COMMA NAME PARTICLE", False),  # a particle never ends a name
    ],
)
def test_a_fronted_title_reads_owner_title_comma_name(categories: str, parses: bool) -> None:
    try:
        _person_parser("fronted").parse(categories)
    except LarkError:
        assert not parses
    else:
        assert parses
