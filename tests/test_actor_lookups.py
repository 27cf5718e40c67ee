"""The shortcuts the actor stage takes for speed give the answers of the plain look-ups they replace.

Covers converter/lexicon.py (second-word filters, keyed word-list matches, sure one-token gazetteer
forms), converter/actor_units.py (parse-table ends of the person grammar) and converter/actors.py and
converter/mentions.py (per-sentence facts, the person-word index).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token
from lark.exceptions import UnexpectedInput

from converter.actor_units import (
    _GRAMMAR_TERMINALS,
    Unit,
    _possible_ends,
    _terminal,
    build_units,
    person_parser,
)
from converter.actor_words import load_actor_words, merged_words
from converter.actors import SentenceView, Spec
from converter.lexicon import Lexicon, load_lexicon, lower_key
from converter.mentions import _Registry
from converter.segment import segment

SEED = Path(__file__).parent.parent / "seeds" / "ap-north-korea-russia-troops.txt"


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="module")
def seed_sentences() -> list[list[str]]:
    segments = segment(SEED.read_text("utf-8"))
    return [[t.text for t in s.tokens] for s in segments.sentences if s.tokens]


def test_keyed_word_list_matches_equal_the_plain_matches(
    lex: Lexicon, seed_sentences: list[list[str]]
) -> None:
    words = merged_words(load_actor_words(), lex)
    for name, wordlist in words.lists.items():
        phrases = [list(entry.tokens) + ["."] for entry in wordlist.entries[:50]]
        for texts in [*seed_sentences, *phrases]:
            keys = [lower_key(t) for t in texts]
            for i in range(len(texts)):
                assert wordlist.match_keys(keys, i) == wordlist.match_at(texts, i), (name, texts, i)
                assert words.match_keys(name, keys, i) == words.match(name, texts, i), (name, texts, i)


def test_gazetteer_shortcuts_agree_with_the_look_up(lex: Lexicon, seed_sentences: list[list[str]]) -> None:
    gazetteer = lex.gazetteer
    for texts in seed_sentences:
        keys = [t.replace("’", "'") for t in texts]
        keys = ["the" if k in ("The", "THE") else k for k in keys]
        for i in range(len(keys)):
            hit = gazetteer.match_keys(keys, i)
            if not gazetteer.may_match(keys, i):
                assert hit is None, (texts, i)
            if not gazetteer.continues(keys, i) and hit is not None:
                assert hit.end_tok == i + 1, (texts, i)


def test_a_sure_one_token_form_is_what_the_gazetteer_finds(lex: Lexicon) -> None:
    sole = lex.gazetteer.sole_forms()
    assert sole, "the shipped gazetteer has one-token names"
    for key, (entry, form) in list(sole.items())[:400]:
        hit = lex.gazetteer.match_keys([key, "zzz"], 0)
        assert hit is not None and (hit.entry, hit.form, hit.end_tok) == (entry, form, 1), key


def _lark_ends(units: list[Unit], first: int, start: str) -> list[int]:
    """The reference: Lark's interactive parser fed unit by unit, noting where $END may come."""
    parser = person_parser().parse_interactive(None, start=start)
    ends = []
    for index in range(first, min(len(units), first + 14)):
        if units[index].cat not in _GRAMMAR_TERMINALS:
            break
        try:
            parser.feed_token(_terminal(units, index))
        except UnexpectedInput:
            break
        if "$END" in parser.choices():
            ends.append(index)
    return ends


CATEGORIES = sorted(_GRAMMAR_TERMINALS | {"PERSONNAME", "LOC", "PUNCT"})


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=12),
    st.sampled_from(["titled", "apposition"]),
)
def test_parse_table_ends_equal_the_interactive_parser(cats: list[str], start: str) -> None:
    units = [Unit(cat, i, i + 1, f"w{i}") for i, cat in enumerate(cats)]
    assert _possible_ends(units, 0, start, 14) == _lark_ends(units, 0, start)


def test_titled_shapes_reach_an_end() -> None:
    cats = ["DEMONYM", "TITLE", "NAME", "NAME", "WORD"]
    units = [Unit(cat, i, i + 1, f"w{i}") for i, cat in enumerate(cats)]
    ends = _possible_ends(units, 0, "titled", 14)
    assert ends == _lark_ends(units, 0, "titled") and ends[-1] == 3  # "South Korean President Yoon Suk"
    assert isinstance(_terminal(units, 0), Token)


def test_sentence_facts_match_the_units(lex: Lexicon, seed_sentences: list[list[str]]) -> None:
    words = merged_words(load_actor_words(), lex)
    segments = segment(SEED.read_text("utf-8"))
    for sentence in segments.sentences:
        texts = [t.text for t in sentence.tokens]
        units = build_units(texts, lex, words, frozenset())
        s = SentenceView(sentence, texts, units, segments.text)
        assert s.unit_texts == [u.text for u in units]
        assert s.unit_lowers == [u.text.lower() for u in units]
        assert s.cats == [u.cat for u in units] and s.cat_set == {u.cat for u in units}
        assert s.lowers == [t.lower() for t in texts] and s.keys == [lower_key(t) for t in texts]


def test_person_word_index_follows_new_and_renamed_people(lex: Lexicon) -> None:
    words = merged_words(load_actor_words(), lex)
    registry = _Registry(words)

    def scanned(word: str) -> str | None:
        for draft in reversed(list(registry.drafts.values())):
            if draft.type == "person" and word in (draft.words[0], draft.words[-1]):
                return draft.key
        return None

    steps = [
        Spec("person", "Ryder", "actors.person.name"),
        Spec("organization", "Ryder Group", "actors.org.head_noun"),
        Spec("person", "Pat Ryder", "actors.person.titled"),  # renames "Ryder"
        Spec("person", "Lee Ryder", "actors.person.name"),
        Spec("person", "Choe Son Hui", "actors.person.titled"),
    ]
    for spec in steps:
        registry.add(spec)
        for word in ("Ryder", "Pat", "Lee", "Choe", "Hui", "Son", "Group"):
            assert registry.person_word(word) == scanned(word), (spec, word)


def test_units_read_from_the_word_tables_equal_units_found_afresh(
    lex: Lexicon, seed_sentences: list[list[str]]
) -> None:
    from converter import actor_units

    words = merged_words(load_actor_words(), lex)
    warm = [build_units(texts, lex, words, frozenset()) for texts in seed_sentences]
    warm = [build_units(texts, lex, words, frozenset()) for texts in seed_sentences]  # tables filled now
    saved = dict(actor_units._PLAIN), dict(actor_units._ALONE)
    try:
        actor_units._PLAIN.clear()
        actor_units._ALONE.clear()
        for texts, units in zip(seed_sentences, warm):
            actor_units._PLAIN.clear()
            actor_units._ALONE.clear()
            assert build_units(texts, lex, words, frozenset()) == units, texts
    finally:
        actor_units._PLAIN.update(saved[0])
        actor_units._ALONE.update(saved[1])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=10),
    st.sampled_from(["titled", "apposition", "fronted"]),
)
def test_a_person_parse_met_again_equals_lark_s_own_parse(cats: list[str], start: str) -> None:
    from converter.actor_units import _lark_parse, _parse_run

    units = [Unit(cat, i, i + 1, f"w{i}") for i, cat in enumerate(["WORD", "WORD", *cats])]
    if not all(cat in _GRAMMAR_TERMINALS or cat == "PERSONNAME" for cat in cats):
        return
    fresh = _lark_parse([_terminal(units, i) for i in range(2, len(units))], start)
    for _ in range(2):  # the first parse fills the shape table, the second reads it (at another offset)
        tree = _parse_run(units, 2, len(units) - 1, start)
        assert tree == fresh
        if tree is not None:
            assert [t.start_pos for t in tree.scan_values(lambda v: isinstance(v, Token))] == [
                t.start_pos for t in fresh.scan_values(lambda v: isinstance(v, Token))
            ]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=16))
def test_titled_starts_of_named_titles_hold_every_start_that_may_parse(cats: list[str]) -> None:
    from converter.actors import _may_be_titled, _named_titles, _titled_starts

    units = [Unit(cat, i, i + 1, f"w{i}") for i, cat in enumerate(cats)]
    titles = [i for i, cat in enumerate(cats) if cat == "TITLE"]
    possible = {u for u in range(len(units)) if _may_be_titled(units, u)}
    assert possible <= set(_titled_starts(_named_titles(cats, titles)))


def test_a_quickly_made_span_equals_the_dataclass_one() -> None:
    from converter.actors import _span
    from converter.model import Span

    made, expected = _span(3, 9), Span(3, 9)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert made < Span(4, 5) and made.slice("0123456789") == "345678"


def test_a_quickly_made_mention_equals_the_dataclass_one() -> None:
    from converter.mentions import _actor_mention
    from converter.model import ActorMention, RuleRef, Span

    rule = RuleRef("actors.gazetteer", 1)
    made = _actor_mention(Span(0, 4), "iran|country", 2, False, rule)
    expected = ActorMention(Span(0, 4), "iran|country", 2, False, rule)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)


def test_frozen_actors_equal_the_dataclass_ones(lex: Lexicon) -> None:
    from converter.model import Actor

    registry = _Registry(merged_words(load_actor_words(), lex))
    key = registry.add(
        Spec("person", "Pat Ryder", "actors.person.titled", titles=("Maj. Gen.",), sector="military")
    )
    (made,) = registry.freeze([key])
    draft = registry.drafts[key]
    expected = Actor(key, "Pat Ryder", "person", draft.rule, None, "military", ("Maj. Gen.",), None, None)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=16),
    st.lists(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True), max_size=6),
)
def test_unit_positions_by_category_equal_a_plain_scan(cats: list[str], asked: list[list[str]]) -> None:
    from converter.model import Sentence, Span

    units = [Unit(cat, i, i + 1, f"w{i}") for i, cat in enumerate(cats)]
    view = SentenceView(Sentence(0, Span(0, 0), 0, ()), [u.text for u in units], units, "")
    for wanted in [*asked, *asked]:  # asked twice: the second answers come from the kept lists
        assert view.at(*wanted) == [i for i, cat in enumerate(cats) if cat in wanted]
