"""Stage 1 segmentation: sentences, tokens, quotes, datelines; totality and offsets under hypothesis."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.model import Span, Token
from converter.resources import data_path
from converter import segment as segment_module
from converter.segment import default_abbreviations, segment, tokenize, tokenize_by_match

SEED = Path(__file__).resolve().parent.parent / "seeds" / "ap-north-korea-russia-troops.txt"
ABBREVIATIONS = yaml.safe_load((data_path("rules") / "lexicon" / "abbreviations.yaml").read_text())


def sentence_texts(text: str) -> list[str]:
    segments = segment(text)
    return [s.span.slice(text) for s in segments.sentences]


def token_texts(text: str) -> list[str]:
    return [t.text for s in segment(text).sentences for t in s.tokens]


@pytest.mark.parametrize(
    "example", ABBREVIATIONS["examples"]["match"], ids=lambda e: e["text"][:40]
)
def test_abbreviation_file_examples_split_as_expected(example: dict) -> None:
    assert len(segment(example["text"]).sentences) == example["expect"]["sentences"]


@pytest.mark.parametrize("text", ABBREVIATIONS["examples"]["no_match"])
def test_abbreviation_file_no_match_examples_stay_one_sentence(text: str) -> None:
    assert len(segment(text).sentences) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maj. Gen. Pat Ryder spoke. Lt. Col. Smith agreed.", ["Maj. Gen. Pat Ryder spoke.", "Lt. Col. Smith agreed."]),
        ("It rose 2.5 percent. Then it fell.", ["It rose 2.5 percent.", "Then it fell."]),
        ("Mr. Lee and Dr. Kim met Sen. Park.", ["Mr. Lee and Dr. Kim met Sen. Park."]),
        ("He lives at No. 10 Downing St. in London.", ["He lives at No. 10 Downing St. in London."]),
        ("The talks ended. “Next week we meet,” he said.", ["The talks ended.", "“Next week we meet,” he said."]),
        ("“Why?” he asked. Nobody answered.", ["“Why?” he asked.", "Nobody answered."]),
        ('He said. "We will go." She left.', ["He said.", '"We will go."', "She left."]),
        ("Wait... what happened? Nothing!", ["Wait... what happened?", "Nothing!"]),
        ("A headline without period\nThe body", ["A headline without period", "The body"]),
        ("the U.S.-led\ncoalition struck.\nIt ended.", ["the U.S.-led\ncoalition struck.", "It ended."]),
    ],
)
def test_sentences_split_at_terminals_but_not_after_abbreviations(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


def test_hard_wrapped_lines_join_one_paragraph_but_lines_are_paragraphs_otherwise() -> None:
    text = "Officials said the\ncoalition struck.\nA new paragraph.\n\n“Quoted,” he said."
    assert [p.span.slice(text) for p in segment(text).paragraphs] == [
        "Officials said the\ncoalition struck.", "A new paragraph.", "“Quoted,” he said."]


def test_tokens_keep_hyphens_acronyms_numbers_and_split_clitics() -> None:
    text = "Lee Seong-kweun’s U.S.-led plan: 10,000 troops, 2.5 million in 1988 (U.N.'s)."
    assert token_texts(text) == [
        "Lee", "Seong-kweun", "’s", "U.S.-led", "plan", ":", "10,000", "troops", ",", "2.5", "million",
        "in", "1988", "(", "U.N.", "'s", ")", ".",
    ]
    kinds = {t.text: t.kind for s in segment(text).sentences for t in s.tokens}
    assert kinds["10,000"] == kinds["2.5"] == kinds["1988"] == "number"
    assert kinds["("] == kinds["."] == "punct"


def test_fast_tokens_equal_regular_tokens() -> None:
    (token,) = segment("Word").sentences[0].tokens
    assert token == Token(Span(0, 4), "Word", "word")
    assert hash(token) == hash(Token(Span(0, 4), "Word", "word"))
    with pytest.raises(AttributeError):
        token.text = "changed"  # type: ignore[misc]


def test_quote_marks_are_punctuation_tokens() -> None:
    assert token_texts('“Go,” he said "now".') == ["“", "Go", ",", "”", "he", "said", '"', "now", '"', "."]


def test_quote_running_across_sentences_is_one_quote() -> None:
    text = "“We came. We saw,” Lee said."
    segments = segment(text)
    assert len(segments.sentences) == 2
    (quote,) = segments.quotes
    assert quote.span.slice(text) == "“We came. We saw,”"
    assert quote.content.slice(text) == "We came. We saw,"


def test_straight_quotes_pair_by_alternation() -> None:
    text = 'He said "yes" and then "no".'
    contents = [q.content.slice(text) for q in segment(text).quotes]
    assert contents == ["yes", "no"]


def test_quote_continued_into_next_paragraph() -> None:
    text = "“The first part goes on.\n\n“And the second part ends,” she said.\nNo quote here."
    quotes = segment(text).quotes
    assert [(q.content.slice(text), q.continued) for q in quotes] == [
        ("The first part goes on.", False),
        ("And the second part ends,", True),
    ]


def test_unclosed_quote_without_continuation_is_dropped() -> None:
    text = "“This never closes.\nA new paragraph.\n“Closed,” he said."
    quotes = segment(text).quotes
    assert [(q.content.slice(text), q.continued) for q in quotes] == [("Closed,", False)]


@pytest.mark.parametrize("text", ["”stray close” “", '"""', "“a “b “c", 'x " y', "” ” ”"])
def test_unbalanced_quotes_give_well_formed_spans(text: str) -> None:
    for quote in segment(text).quotes:
        assert quote.span.contains(quote.content)
        assert quote.span.start < quote.content.start <= quote.content.end < quote.span.end


@pytest.mark.parametrize(
    ("text", "place", "agency", "body"),
    [
        ("SEOUL, South Korea (AP) — North Korea said.", "SEOUL, South Korea", "AP", "North Korea said."),
        ("WASHINGTON (Reuters) - The Pentagon said.", "WASHINGTON", "Reuters", "The Pentagon said."),
        ("KYIV, Ukraine — Drones hit the city.", "KYIV, Ukraine", None, "Drones hit the city."),
        ("LONDON, Nov 5 (Reuters) - Prices rose.", "LONDON", "Reuters", "Prices rose."),
        ("NEW YORK (AP) — Stocks fell.", "NEW YORK", "AP", "Stocks fell."),
        ("BEIRUT/PARIS (Reuters) - Talks began.", "BEIRUT/PARIS", "Reuters", "Talks began."),
        ("KYIV, Ukraine, Nov. 5 (Reuters) - Drones hit.", "KYIV, Ukraine", "Reuters", "Drones hit."),
        ("A headline\nGAZA CITY, Gaza Strip (AP) — Strikes hit.", "GAZA CITY, Gaza Strip", "AP", "Strikes hit."),
    ],
)
def test_datelines_are_parsed_and_excluded_from_the_body(text: str, place: str, agency: str | None, body: str) -> None:
    segments = segment(text)
    assert segments.dateline is not None
    assert (segments.dateline.place, segments.dateline.agency) == (place, agency)
    assert text[segments.body_start :] == body
    assert sentence_texts(text)[-1] == body


def test_dateline_on_a_line_of_its_own() -> None:
    text = "WASHINGTON (AP) —\nThe Pentagon said."
    segments = segment(text)
    assert segments.dateline is not None and segments.dateline.place == "WASHINGTON"
    assert sentence_texts(text) == ["The Pentagon said."]


@pytest.mark.parametrize("text", ["North Korea - a pariah - fired.", "The U.N. (AP) said it.", "AP — ", ""])
def test_text_without_dateline_has_none(text: str) -> None:
    segments = segment(text)
    assert segments.dateline is None
    assert segments.body_start == 0


def test_seed_article_segments_sensibly() -> None:
    text = SEED.read_text(encoding="utf-8")
    segments = segment(text)
    assert segments.dateline is not None and segments.dateline.agency == "AP"
    assert len(segments.paragraphs) == text.strip().count("\n") + 1
    words = [t.text for s in segments.sentences for t in s.tokens]
    assert {"U.S.-led", "U.N.", "Maj.", "Gen.", "Seong-kweun", "’s", "10,000"} <= set(words)
    assert any(q.content.slice(text) == "relatively small number" for q in segments.quotes)


def check_invariants(text: str) -> None:
    segments = segment(text)
    previous_end = 0
    for index, sentence in enumerate(segments.sentences):
        assert sentence.index == index
        assert previous_end <= sentence.span.start < sentence.span.end <= len(text)
        previous_end = sentence.span.end
        paragraph = segments.paragraphs[sentence.paragraph]
        assert paragraph.span.contains(sentence.span)
        for token in sentence.tokens:
            assert sentence.span.contains(token.span)
            assert token.span.slice(text) == token.text and token.text.strip() == token.text
    for quote in segments.quotes:
        assert quote.span.contains(quote.content) and quote.span.end <= len(text)


NEWSY = st.text(alphabet=st.sampled_from(list('aZ. ,"“”’\'!?\n-—()0123456789U.S.Mr') + ["\x00", "\u2028", "é"]))


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_segment_is_total_and_spans_slice_back_for_any_text(text: str) -> None:
    check_invariants(text)


@settings(max_examples=150, deadline=None)
@given(NEWSY)
def test_segment_invariants_hold_for_punctuation_heavy_text(text: str) -> None:
    check_invariants(text)


def test_one_huge_line_is_linear_enough() -> None:
    text = "Mr. Lee said “no.” " * 20000
    segments = segment(text)
    assert len(segments.sentences) == 20000


TOKENY = st.lists(st.sampled_from(list("aZ1. ,'’-\u2010s\t\u3000_…\u00a0é") + ["ll", "U.S.", "No. 4", "Mr."])).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), NEWSY, TOKENY), st.integers(0, 5), st.integers(0, 5))
def test_tokens_by_findall_equal_tokens_by_match_objects(text: str, cut_start: int, cut_end: int) -> None:
    start, end = min(cut_start, len(text)), max(len(text) - cut_end, 0)
    abbreviations = default_abbreviations()
    assert tokenize(text, start, end, abbreviations) == tokenize_by_match(text, start, end, abbreviations)


def test_tokens_by_findall_equal_tokens_by_match_objects_on_the_seed() -> None:
    text = SEED.read_text(encoding="utf-8")
    abbreviations = default_abbreviations()
    assert tokenize(text, 0, len(text), abbreviations) == tokenize_by_match(text, 0, len(text), abbreviations)


def test_tokens_built_without_init_equal_tokens_built_by_the_dataclass() -> None:
    raws = [(0, 3, "word", "The"), (4, 6, "number", "10"), (6, 7, "punct", ".")]
    expected = tuple(Token(Span(s, e), t, kind) for s, e, kind, t in raws)  # type: ignore[arg-type]
    made = segment_module._make_tokens(raws)  # type: ignore[arg-type]
    assert made == expected and [hash(t) for t in made] == [hash(t) for t in expected]


@settings(max_examples=200, deadline=None)
@given(NEWSY)
def test_skipping_the_quote_scan_without_quote_marks_changes_nothing(text: str) -> None:
    fast = segment(text)
    original = segment_module._Builder._may_quote
    segment_module._Builder._may_quote = lambda self, raws: True  # type: ignore[method-assign]
    try:
        assert segment(text) == fast
    finally:
        segment_module._Builder._may_quote = original  # type: ignore[method-assign]
