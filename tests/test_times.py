"""Time and quantity mentions: every example in rules/lexicon/time.yaml and numbers.yaml, plus the seed."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.model import Span, TimeMention
from converter.parsing import load_wordlists
from converter.resources import data_path
from converter.segment import segment
from converter.temporal import TimeExpr, resolve
from converter.times import find_quantities, find_times

LEXICON = data_path("rules") / "lexicon"
TIME_VALUE = re.compile(
    json.loads((data_path("schema") / "v1" / "common.schema.json").read_text())["$defs"]["timeValue"]["pattern"])
SEED = Path(__file__).resolve().parent.parent / "seeds" / "ap-north-korea-russia-troops.txt"


def rule_examples(file: str, kind: str) -> list[Any]:
    """(rule id or None, example) for every example of every rule in a lexicon file, plus file examples."""
    data = yaml.safe_load((LEXICON / file).read_text(encoding="utf-8"))
    prefix = "time" if file == "time.yaml" else "quantity"
    cases = []
    for rule in data.get("rules", []):
        for example in rule["examples"].get(kind, []):
            cases.append(pytest.param(f"{prefix}.{rule['id']}", example, id=f"{rule['id']}:{_label(example)}"))
    for example in data.get("examples", {}).get(kind, []):
        cases.append(pytest.param(None, example, id=f"file:{_label(example)}"))
    return cases


def _label(example: Any) -> str:
    return (example["text"] if isinstance(example, dict) else example)[:40]


def times_of(text: str, published: date | None = None) -> tuple[TimeMention, ...]:
    return find_times(segment(text), published=published)


def quantities_of(text: str) -> list[tuple[str, float | None, bool, str | None, str]]:
    segments = segment(text)
    found = find_quantities(segments, times=find_times(segments))
    return [(q.span.slice(text), q.value, q.approximate, q.unit, q.rule.id if q.rule else "") for q in found]


@pytest.mark.parametrize(("rule", "example"), rule_examples("time.yaml", "match"))
def test_time_examples_match_with_their_rule_and_value(rule: str | None, example: dict) -> None:
    text, expect = example["text"], example["expect"]
    found = {(m.span.slice(text), m.value, m.rule.id if m.rule else None) for m in times_of(text, example.get("published"))}
    matching = [f for f in found if f[0] == expect["text"] and (rule is None or f[2] == rule)]
    assert matching, f"no {rule} mention {expect['text']!r} in {found}"
    assert matching[0][1] == expect["value"]


@pytest.mark.parametrize(("rule", "text"), rule_examples("time.yaml", "no_match"))
def test_time_no_match_examples_have_no_time(rule: str | None, text: str) -> None:
    assert times_of(text, date(2024, 11, 5)) == ()


@pytest.mark.parametrize(("rule", "example"), rule_examples("numbers.yaml", "match"))
def test_quantity_examples_match_with_their_rule_value_and_unit(rule: str | None, example: dict) -> None:
    text, expect = example["text"], example["expect"]
    found = quantities_of(text)
    matching = [f for f in found if f[0] == expect["text"] and (rule is None or f[4] == rule)]
    assert matching, f"no {rule} quantity {expect['text']!r} in {found}"
    _, value, approximate, unit, _ = matching[0]
    assert (value, approximate, unit) == (expect["value"], expect["approximate"], expect["unit"])


@pytest.mark.parametrize(("rule", "text"), rule_examples("numbers.yaml", "no_match"))
def test_quantity_no_match_examples_have_no_quantity(rule: str | None, text: str) -> None:
    assert quantities_of(text) == []


def test_seed_article_times_resolve_against_publication() -> None:
    text = SEED.read_text(encoding="utf-8")
    found = {(m.span.slice(text), m.value) for m in times_of(text, date(2024, 11, 5))}
    assert {("on Tuesday", "2024-11-05"), ("on Monday", "2024-11-04"), ("last November", "2023-11"),
            ("in 2022", "2022"), ("in March", "2024-03"),
            ("within the forthcoming weeks", "2024-11-05/2024-11-26")} <= found


def test_seed_article_quantities() -> None:
    found = quantities_of(SEED.read_text(encoding="utf-8"))
    assert ("approximately 10,000 troops", 10000, True, "troops", "quantity.approx_number") in found
    assert ("millions of artillery shells", None, True, "artillery shells", "quantity.vague") in found
    assert ("relatively small number", None, True, None, "quantity.vague_amount") in found


def test_without_publication_only_absolute_times_resolve() -> None:
    values = {m.span.slice(t): m.value for t in ["On Tuesday, in 2022 and on Nov. 5, 2024 it rained."]
              for m in times_of(t)}
    assert values == {"On Tuesday": None, "in 2022": "2022", "on Nov. 5, 2024": "2024-11-05"}


def test_numbers_inside_times_are_not_quantities() -> None:
    assert quantities_of("It happened on Nov. 5, 2024, two weeks ago, in 2022.") == []


def test_mentions_carry_sentence_index_and_sorted_spans() -> None:
    text = "Talks began on Monday. They end next week."
    mentions = times_of(text, date(2024, 11, 5))
    assert [m.sentence for m in mentions] == [0, 1]
    assert [m.span for m in mentions] == sorted(m.span for m in mentions)


def test_caller_word_lists_extend_the_grammar_without_code() -> None:
    words = load_wordlists()
    words["deictic_days"] = [*words["deictic_days"], {"text": "overmorrow", "offset": 2}]
    (mention,) = find_times(segment("They return overmorrow."), words, date(2024, 11, 5))
    assert mention.value == "2024-11-07" and mention.rule is not None and mention.rule.id == "time.deictic"


@pytest.mark.parametrize(
    ("expr", "published", "value"),
    [
        (TimeExpr("weekday", weekday=6), date(2024, 11, 5), "2024-11-03"),
        (TimeExpr("weekday_relative", weekday=1, shift=1), date(2024, 11, 5), "2024-11-12"),
        (TimeExpr("weekday_relative", weekday=1, shift=-1), date(2024, 11, 5), "2024-10-29"),
        (TimeExpr("month_relative", month=11, shift=1), date(2024, 11, 5), "2025-11"),
        (TimeExpr("relative_unit", unit="month", shift=-1), date(2024, 1, 15), "2023-12"),
        (TimeExpr("relative_unit", unit="week", shift=-1), date(2024, 11, 5), "2024-10-28/2024-11-03"),
        (TimeExpr("ago", unit="month", count=3), date(2024, 5, 31), "2024-02"),
        (TimeExpr("date_month_day", month=2, day=29), date(2025, 3, 1), "2024-02-29"),
        (TimeExpr("date_month_day", month=2, day=29, year=2023), None, None),
        (TimeExpr("decade", year=1990), None, "1990/1999"),
        (TimeExpr("unknown-rule"), date(2024, 11, 5), None),
    ],
)
def test_resolution_follows_news_conventions(expr: TimeExpr, published: date | None, value: str | None) -> None:
    assert resolve(expr, published) == value


def test_time_spans_are_absolute_offsets() -> None:
    text = "SEOUL, South Korea (AP) — Talks began on Monday."
    (mention,) = times_of(text)
    assert mention.span == Span(text.index("on Monday"), len(text) - 1)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(
    ["on ", "in ", "the ", "last ", "next ", "Tuesday ", "May ", "5 ", "2024 ", ", ", "weeks ", "about ", "10,000 ",
     "troops ", "of ", "millions ", "a ", "small ", "number ", "$", "since ", "and ", "ago ", "at ", "p.m. ", ". ",
     "“", "”", "\n", "é", "\x00"]), max_size=30).map("".join))
def test_finders_are_total_and_spans_lie_in_sentences(text: str) -> None:
    segments = segment(text)
    times = find_times(segments, published=date(2024, 2, 29))
    for mention in (*times, *find_quantities(segments, times=times)):
        assert segments.sentences[mention.sentence].span.contains(mention.span)
    for time in times:
        assert time.value is None or TIME_VALUE.fullmatch(time.value), time


@pytest.mark.parametrize("published", [date(2024, 1, 1), date(2024, 2, 29), date(2023, 12, 31), None])
def test_every_rule_resolves_to_a_schema_time_value(published: date | None) -> None:
    text = ("On Sunday, last Monday, next Friday night, on Feb. 29, 31 December 2023, 2024-02-29, in January, "
            "last December, next January, in 2022, in the 1990s, next week, last month, this year, within the coming "
            "weeks, in recent days, two months ago, yesterday, last night, at 9 p.m. Sunday, since March, "
            "between December and January, from 2014 to 2022.")
    times = times_of(text, published)
    assert len(times) >= 20
    for time in times:
        assert time.value is None or TIME_VALUE.fullmatch(time.value), time
