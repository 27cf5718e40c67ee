"""Build the inputs of claims.attribute_claims from a sentence and a hand-made list of actors.

Claims tests name the actors of each sentence themselves, so a failure points at attribution and not at
mention finding (stage 2 has its own tests). Pronouns are given with the actor they resolve to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from converter.claims import attribute_claims
from converter.lexicon import Lexicon, load_lexicon
from converter.model import Actor, ActorMention, Claim, Event, Mentions, RuleRef, Segments, TimeMention
from converter.pattern import Pattern, compile_pattern
from converter.resources import data_path
from converter.rulefiles import load_rule_file
from converter.segment import segment

RULE = RuleRef("tests.actor", 1)


@dataclass(frozen=True)
class TestClaimRule:
    """The shape of ``converter.rules.ClaimRule`` that claims.py relies on."""

    id: str
    version: int
    claim_kind: str
    pattern: Pattern


@dataclass(frozen=True)
class TestRuleSet:
    claims: tuple[TestClaimRule, ...]
    lexicon: Lexicon


def claim_ruleset(extra: Sequence[Path] = ()) -> TestRuleSet:
    """The shipped rules/claims/*.yaml compiled against the shipped lexicon (plus ``extra`` files)."""
    lexicon = load_lexicon()
    rules: list[TestClaimRule] = []
    for path in [*sorted((data_path("rules") / "claims").glob("*.yaml")), *extra]:
        data = load_rule_file(path).data
        for rule in data["rules"]:
            pattern = compile_pattern(rule["pattern"], lexicon.wordlists)
            rules.append(TestClaimRule(f"{data['id']}.{rule['id']}", rule["version"], rule["claim_kind"], pattern))
    return TestRuleSet(tuple(rules), lexicon)


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]


def hand_mentions(segments: Segments, actors: Sequence[str], pronouns: Mapping[str, str],
                  times: Sequence[str] = ()) -> Mentions:
    """Every occurrence of each actor name (and of each pronoun, resolved to its actor) becomes a mention;
    every occurrence of each of ``times`` a time mention."""
    text = segments.text
    found: list[ActorMention] = []
    for name in actors:
        found += [ActorMention(_span(s, e), name, _sentence(segments, s)) for s, e in _occurrences(text, name)]
    for word, name in pronouns.items():
        found += [ActorMention(_span(s, e), name, _sentence(segments, s), pronoun=True)
                  for s, e in _occurrences(text, word)]
    found = _longest_first(found)
    people = tuple(Actor(key=n, name=n, type="person", rule=RULE) for n in dict.fromkeys([*actors, *pronouns.values()]))
    moments = tuple(TimeMention(_span(s, e), _sentence(segments, s), None)
                    for phrase in times for s, e in _occurrences(text, phrase))
    return Mentions(people, tuple(sorted(found, key=lambda m: m.span)), moments, ())


def _longest_first(mentions: list[ActorMention]) -> list[ActorMention]:
    kept: list[ActorMention] = []
    for mention in sorted(mentions, key=lambda m: m.span.start - m.span.end):
        if not any(mention.span.overlaps(k.span) for k in kept):
            kept.append(mention)
    return kept


def _span(start: int, end: int) -> Any:
    from converter.model import Span

    return Span(start, end)


def _sentence(segments: Segments, offset: int) -> int:
    for sentence in segments.sentences:
        if sentence.span.start <= offset < sentence.span.end:
            return sentence.index
    return 0


def claims_of(text: str, actors: Sequence[str] = (), pronouns: Mapping[str, str] | None = None,
              events: tuple[Event, ...] = (), ruleset: TestRuleSet | None = None,
              times: Sequence[str] = ()) -> tuple[Claim, ...]:
    segments = segment(text)
    mentions = hand_mentions(segments, actors, pronouns or {}, times)
    return attribute_claims(segments, mentions, events, ruleset or claim_ruleset())


def describe(text: str, claim: Claim) -> dict[str, Any]:
    """A claim as the plain values a test compares: kind, speaker key, content/cue text, hedges, certainty."""
    return {
        "kind": claim.kind,
        "speaker": claim.speaker,
        "speaker_text": claim.speaker_span.slice(text) if claim.speaker_span else None,
        "cue": claim.cue.slice(text) if claim.cue else None,
        "content": claim.content.slice(text),
        "hedges": [(h.span.slice(text), h.kind) for h in claim.hedges],
        "certainty": claim.certainty,
        "rule": claim.rule.id,
    }
