"""converter.model.built makes the same frozen values as the dataclasses' own constructors."""

from __future__ import annotations

from converter.model import Actor, ActorMention, RuleRef, Span, built
from converter.rulefiles import Position


def test_built_values_equal_constructed_ones_and_hash_alike() -> None:
    rule = RuleRef("actors.gazetteer", 1)
    pairs = [
        (built(Span, start=3, end=9), Span(3, 9)),
        (
            built(ActorMention, span=Span(0, 4), actor="k", sentence=2, pronoun=False, rule=rule),
            ActorMention(Span(0, 4), "k", 2, False, rule),
        ),
        (
            built(Actor, key="k", name="Iraq", type="country", rule=rule, country="IRQ", sector=None,
                  titles=(), affiliation=None, wikidata=None),
            Actor(key="k", name="Iraq", type="country", rule=rule, country="IRQ", sector=None,
                  titles=(), affiliation=None, wikidata=None),
        ),
        (built(Position, line=1, column=2, style=None), Position(1, 2, None)),
    ]
    for fast, slow in pairs:
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)


def test_a_built_value_stays_frozen() -> None:
    import dataclasses

    import pytest

    with pytest.raises(dataclasses.FrozenInstanceError):
        built(Span, start=1, end=2).start = 5  # type: ignore[misc]
