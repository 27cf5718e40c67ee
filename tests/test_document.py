"""The document builder: schema shape, deterministic ids, exact spans, stable order."""

from __future__ import annotations

from datetime import date

from converter.document import Article, Producer, build_document, stable_id
from converter.model import (
    Actor,
    ActorMention,
    Claim,
    Event,
    Mentions,
    Participant,
    QuantityMention,
    RuleRef,
    Segments,
    Span,
    TimeMention,
)

TEXT = "Ruritania sent 500 troops to Freedonia on Monday, its defence minister said. He denied it."
RULE = RuleRef("test.rule", 1)


def _find(word: str, start: int = 0) -> Span:
    at = TEXT.index(word, start)
    return Span(at, at + len(word))


def _build() -> dict:
    actors = (
        Actor("ruritania", "Ruritania", "country", RULE, country="RUR"),
        Actor("freedonia", "Freedonia", "country", RULE),
        Actor("minister", "defence minister", "person", RULE, titles=("defence minister",), affiliation="ruritania"),
    )
    mentions = Mentions(
        actors=actors,
        actor_mentions=(
            ActorMention(_find("Freedonia"), "freedonia", 0),
            ActorMention(_find("Ruritania"), "ruritania", 0),
            ActorMention(_find("defence minister"), "minister", 0),
            ActorMention(_find("He"), "minister", 1, pronoun=True),
        ),
        times=(TimeMention(_find("on Monday"), 0, "2024-11-04"),),
        quantities=(QuantityMention(_find("500 troops"), 0, 500.0, False, "troops"),),
    )
    event = Event(
        "AID", _find("sent"), Span(0, TEXT.index(".") + 1), 0,
        (Participant("source", "ruritania", _find("Ruritania")), Participant("target", "freedonia")),
        "reported", RULE, mode="military", time=mentions.times[0], quantity=mentions.quantities[0],
    )
    claim = Claim("indirect", Span(0, TEXT.index(",")), RULE, speaker="minister",
                  speaker_span=_find("defence minister"), cue=_find("said"), about=(0,))
    segments = Segments(TEXT, (), (), (), None)
    article = Article(id="a1", published=date(2024, 11, 5))
    return build_document(TEXT, article, Producer("aec", "0", "r"), segments, mentions, (event,), (claim,))


def test_building_twice_gives_identical_output() -> None:
    assert _build() == _build()


def test_actors_are_ordered_by_first_mention_and_pronouns_are_not_listed() -> None:
    document = _build()
    assert [a["name"] for a in document["actors"]] == ["Ruritania", "Freedonia", "defence minister"]
    minister = document["actors"][2]
    assert [m["text"] for m in minister["mentions"]] == ["defence minister"]
    assert minister["affiliation_ref"] == document["actors"][0]["id"]


def test_every_reference_resolves_and_every_span_slices_back() -> None:
    document = _build()
    ids = {a["id"] for a in document["actors"]} | {e["id"] for e in document["events"]}
    event, claim = document["events"][0], document["claims"][0]
    assert {p["actor_ref"] for p in event["participants"]} <= ids
    assert claim["speaker_ref"] in ids and claim["about_refs"] == [event["id"]]
    for span in (event["trigger"], event["time"], event["quantity"], claim["content"], claim["cue"]):
        assert TEXT[span["start"]:span["end"]] == span["text"]
    assert event["quantity"]["value"] == 500 and isinstance(event["quantity"]["value"], int)


def test_ids_depend_on_the_text_and_the_item() -> None:
    assert stable_id("actor", "abc", "x") == stable_id("actor", "abc", "x")
    assert stable_id("actor", "abc", "x") != stable_id("actor", "abd", "x")
    assert stable_id("actor", "abc", "x").startswith("actor--")
