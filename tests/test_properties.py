"""Properties of the whole converter: for any text the output validates, spans slice back, runs repeat."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter import convert, validate

NEWS_WORDS = st.sampled_from(
    [
        "North Korea", "Russia", "President", "Yoon", "said", "“", "”", '"', ",", ".", "troops", "on Tuesday",
        "Maj. Gen.", "U.N.", "sent", "10,000", "according to", "officials", "may", "visited", "Moscow", "he",
        "\n", "\n\n", "(AP) —", "SEOUL,", "the agency", "denied", "approximately", "in March", "Ukraine",
    ]
)
news_like = st.lists(NEWS_WORDS, max_size=60).map(" ".join)
any_text = st.one_of(
    st.text(max_size=300),
    news_like,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.just(""),
    st.just("“unbalanced quote, he said."),
    st.integers(1, 3).map(lambda n: "word " * (2_000 * n)),  # one huge line
)


def spans(node: Any) -> list[dict[str, Any]]:
    """Every object in the document that carries start/end/text."""
    if isinstance(node, dict):
        found = [node] if {"start", "end", "text"} <= node.keys() and isinstance(node.get("start"), int) else []
        return found + [s for value in node.values() for s in spans(value)]
    if isinstance(node, list):
        return [s for value in node for s in spans(value)]
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_any_text_gives_a_valid_document_whose_spans_slice_back(text: str) -> None:
    document = convert(text)
    assert validate(document) == []
    for span in spans({k: v for k, v in document.items() if k != "text"}):
        assert text[span["start"] : span["end"]] == span["text"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_like)
def test_two_runs_give_identical_json(text: str) -> None:
    assert json.dumps(convert(text)) == json.dumps(convert(text))
