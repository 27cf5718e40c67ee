"""Stage 4 (claims): quotes, indirect speech, according-to, unattributed passives, hedges, about.

Actors are named by hand in each test (``hand_mentions``) so a failure here is an attribution
failure, not a mention-finding one. Names, places and wording vary on purpose: rules must generalize.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.claims import attribute_claims
from converter.lexicon import Lexicon, load_lexicon
from converter.model import (
    Actor,
    ActorMention,
    ActorType,
    Claim,
    Event,
    Mentions,
    RuleRef,
    Segments,
    Span,
    TimeMention,
)
from converter.pattern import Pattern, compile_pattern
from converter.resources import data_path
from converter.rulefiles import load_rule_file
from converter.segment import segment

RULE = RuleRef("tests.actor", 1)


@dataclass(frozen=True)
class HandClaimRule:
    """The shape of ``converter.rules.ClaimRule`` that claims.py relies on."""

    id: str
    version: int
    claim_kind: str
    pattern: Pattern


@dataclass(frozen=True)
class HandRuleSet:
    claims: tuple[HandClaimRule, ...]
    lexicon: Lexicon


def claim_ruleset(extra: Sequence[Path] = ()) -> HandRuleSet:
    """The shipped rules/claims/*.yaml compiled against the shipped lexicon (plus ``extra`` files)."""
    lexicon = load_lexicon()
    rules: list[HandClaimRule] = []
    for path in [*sorted((data_path("rules") / "claims").glob("*.yaml")), *extra]:
        data = load_rule_file(path).data
        for rule in data["rules"]:
            pattern = compile_pattern(rule["pattern"], lexicon.wordlists)
            rules.append(HandClaimRule(f"{data['id']}.{rule['id']}", rule["version"], rule["claim_kind"], pattern))
    return HandRuleSet(tuple(rules), lexicon)


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]


def hand_mentions(segments: Segments, actors: Sequence[str], pronouns: Mapping[str, str],
                  times: Sequence[str] = (), types: Mapping[str, ActorType] | None = None) -> Mentions:
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
    kinds = types or {}
    people = tuple(Actor(key=n, name=n, type=kinds.get(n, "person"), rule=RULE)
                   for n in dict.fromkeys([*actors, *pronouns.values()]))
    moments = tuple(TimeMention(_span(s, e), _sentence(segments, s), None)
                    for phrase in times for s, e in _occurrences(text, phrase))
    return Mentions(people, tuple(sorted(found, key=lambda m: m.span)), moments, ())


def _longest_first(mentions: list[ActorMention]) -> list[ActorMention]:
    kept: list[ActorMention] = []
    for mention in sorted(mentions, key=lambda m: m.span.start - m.span.end):
        if not any(mention.span.overlaps(k.span) for k in kept):
            kept.append(mention)
    return kept


def _span(start: int, end: int) -> Span:
    return Span(start, end)


def _sentence(segments: Segments, offset: int) -> int:
    for sentence in segments.sentences:
        if sentence.span.start <= offset < sentence.span.end:
            return sentence.index
    return 0


def claims_of(text: str, actors: Sequence[str] = (), pronouns: Mapping[str, str] | None = None,
              events: tuple[Event, ...] = (), ruleset: HandRuleSet | None = None,
              times: Sequence[str] = (), types: Mapping[str, ActorType] | None = None) -> tuple[Claim, ...]:
    segments = segment(text)
    mentions = hand_mentions(segments, actors, pronouns or {}, times, types)
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


RULES = claim_ruleset()


def run(text: str, actors: tuple[str, ...] = (), pronouns: dict[str, str] | None = None,
        events: tuple[Event, ...] = ()) -> list[dict]:
    return [describe(text, c) for c in claims_of(text, actors, pronouns, events, RULES)]


def only(text: str, actors: tuple[str, ...] = (), pronouns: dict[str, str] | None = None) -> dict:
    found = run(text, actors, pronouns)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- direct quotes


def test_quote_then_speaker_and_verb_is_a_direct_claim_without_marks_or_comma() -> None:
    text = "“The ceasefire is holding for now,” Guterres said."
    claim = only(text, ("Guterres",))
    assert claim["kind"] == "direct"
    assert claim["speaker"] == "Guterres" and claim["cue"] == "said"
    assert claim["content"] == "The ceasefire is holding for now"


def test_inverted_attribution_after_a_quote() -> None:
    claim = only("“We will rebuild every school,” said Mayor Vitali Klitschko.", ("Mayor Vitali Klitschko",))
    assert (claim["speaker"], claim["cue"], claim["rule"]) == (
        "Mayor Vitali Klitschko", "said", "claims.quote.after_inverted")


def test_speaker_then_colon_then_quote() -> None:
    claim = only("In a televised address, Ruto said: “No one is above the law.”", ("Ruto",))
    assert (claim["kind"], claim["speaker"], claim["content"]) == ("direct", "Ruto", "No one is above the law")


def test_speaker_and_verb_directly_before_a_quote() -> None:
    claim = only("Sheinbaum told reporters “Mexico will not accept tariffs.”", ("Sheinbaum",))
    assert (claim["speaker"], claim["content"]) == ("Sheinbaum", "Mexico will not accept tariffs")


def test_split_quote_gives_one_claim_per_part_sharing_speaker_and_cue() -> None:
    text = "“We have no choice,” Erdogan said, “but to defend our borders.”"
    found = run(text, ("Erdogan",))
    assert [c["content"] for c in found] == ["We have no choice", "but to defend our borders"]
    assert {(c["speaker"], c["cue"], c["kind"]) for c in found} == {("Erdogan", "said", "direct")}


def test_pronoun_speaker_is_resolved_and_its_span_is_the_pronoun() -> None:
    text = "Albanese spoke in Canberra. “Australia stands with its partners,” he said."
    claim = only(text, ("Albanese",), {"he": "Albanese"})
    assert claim["speaker"] == "Albanese" and claim["speaker_text"] == "he"


def test_multi_sentence_quote_attributed_at_its_end() -> None:
    text = ("“The collusion poses a grave threat to the region. We must prepare countermeasures,” "
            "President Lai asserted during a security meeting in Taipei on Tuesday.")
    claim = only(text, ("President Lai", "Taipei"))
    assert claim["speaker"] == "President Lai" and claim["cue"] == "asserted"
    assert claim["content"] == ("The collusion poses a grave threat to the region. "
                                "We must prepare countermeasures")


def test_attribution_in_the_next_sentence() -> None:
    text = "“The border stays closed.” Orban said on Friday. The talks resume next week."
    claim = only(text, ("Orban",))
    assert (claim["speaker"], claim["content"]) == ("Orban", "The border stays closed")


def test_next_sentence_with_its_own_content_does_not_take_the_quote() -> None:
    text = "“We are ready for anything.” Moscow said it would send more troops to the region."
    found = run(text, ("Moscow",))
    quote = [c for c in found if c["kind"] == "direct"]
    assert quote and quote[0]["speaker"] is None
    assert any(c["kind"] == "indirect" and c["speaker"] == "Moscow" for c in found)


def test_quote_continued_into_the_next_paragraph_keeps_its_speaker() -> None:
    text = ("“We did everything we could,” Colonel Ahmed Saleh said. “We protected civilians.\n"
            "“There will be an inquiry and those responsible will answer for it.”")
    found = run(text, ("Colonel Ahmed Saleh",))
    assert [c["speaker"] for c in found] == ["Colonel Ahmed Saleh"] * 3
    assert [c["rule"] for c in found][1:] == ["claims.quote.after_previous", "claims.quote.continued"]
    assert found[2]["content"] == "There will be an inquiry and those responsible will answer for it"


def test_unattributed_quote_keeps_a_null_speaker() -> None:
    claim = only("“Nobody here has slept for three days.” The shelling continued overnight.")
    assert claim["kind"] == "direct" and claim["speaker"] is None and claim["cue"] is None


def test_scare_quotes_are_not_claims() -> None:
    assert run("Moscow calls the invasion a “special military operation.”".replace(".”", "”."), ("Moscow",)) == []


# --------------------------------------------------------------------------- indirect speech


@pytest.mark.parametrize(
    ("text", "actors", "speaker", "content"),
    [
        ("The Kremlin said on Thursday that the talks had been postponed.", ("The Kremlin",), "The Kremlin",
         "the talks had been postponed"),
        ("Modi told Reuters that India would not join the sanctions.", ("Modi", "Reuters", "India"), "Modi",
         "India would not join the sanctions"),
        ("Zelenskyy said Ukraine needed more air defense systems.", ("Zelenskyy", "Ukraine"), "Zelenskyy",
         "Ukraine needed more air defense systems"),
        ("Borrell emphasized that the aid package was unprecedented.", ("Borrell",), "Borrell",
         "the aid package was unprecedented"),
        ("Three soldiers were wounded in the attack, Pakistan's army said on Monday.", ("Pakistan",), "Pakistan",
         "Three soldiers were wounded in the attack"),
        ("Antonio Guterres, the U.N. secretary-general, stated that the blockade must end.", ("Antonio Guterres",),
         "Antonio Guterres", "the blockade must end"),
        ("Netanyahu's office said the delegation would travel to Cairo.", ("Netanyahu", "Cairo"), "Netanyahu",
         "the delegation would travel to Cairo"),
        ("Seoul revealed that two drones had crossed the border.", ("Seoul",), "Seoul",
         "two drones had crossed the border"),
    ],
)
def test_indirect_speech(text: str, actors: tuple[str, ...], speaker: str, content: str) -> None:
    claim = only(text, actors)
    assert (claim["kind"], claim["speaker"], claim["content"]) == ("indirect", speaker, content)


def test_pronoun_speaker_of_indirect_speech() -> None:
    text = "Merz arrived in Kyiv. He indicated that Germany would send more air defense."
    claim = only(text, ("Merz", "Kyiv", "Germany"), {"He": "Merz"})
    assert (claim["speaker"], claim["speaker_text"], claim["cue"]) == ("Merz", "He", "indicated")


def test_refrained_but_mentioned_that() -> None:
    text = "Kallas refrained from naming the countries but mentioned that three states had blocked the deal."
    claim = only(text, ("Kallas",))
    assert (claim["speaker"], claim["cue"], claim["content"]) == (
        "Kallas", "mentioned", "three states had blocked the deal")


def test_group_speaker_without_an_actor_stays_null() -> None:
    claim = only("The power plant was shelled overnight, officials said.")
    assert (claim["speaker"], claim["cue"], claim["content"]) == (None, "said", "The power plant was shelled overnight")


def test_group_speaker_from_an_actor_speaks_for_it() -> None:
    text = "Officials from Japan's defense ministry indicated that the missile landed at sea."
    claim = only(text, ("Japan",))
    assert (claim["speaker"], claim["content"]) == ("Japan", "the missile landed at sea")


def test_nested_relay_keeps_the_first_speaker_and_cuts_the_relay() -> None:
    text = ("Pentagon officials indicated that the brigade may redeploy soon, as elaborated by Jack Reed, "
            "a senator who attended the briefing.")
    claim = only(text, ("Pentagon", "Jack Reed"))
    assert (claim["speaker"], claim["content"], claim["rule"]) == (
        "Pentagon", "the brigade may redeploy soon", "claims.indirect.said_that_relayed")
    assert claim["hedges"] == [("may", "uncertainty")] and claim["certainty"] == "possible"


def test_partial_quote_inside_indirect_speech_is_mixed() -> None:
    text = ("Ramaphosa criticised the new tariffs, labeling them a potential “economic disaster” "
            "for the region.")
    claim = only(text, ("Ramaphosa",))
    assert claim["kind"] == "mixed"
    assert "“economic disaster”" in claim["content"]


@pytest.mark.parametrize(
    "text",
    ["Macron said nothing.", "She declined to say when the troops would leave.",
     "Asked about the report, Lavrov did not say whether Moscow had agreed."],
)
def test_negated_speech_is_no_claim(text: str) -> None:
    assert run(text, ("Macron", "Lavrov", "Moscow"), {"She": "Macron"}) == []


def test_passive_reporting_verb_does_not_make_the_subject_a_speaker() -> None:
    claim = only("Iran is reported to have supplied drones to Russia.", ("Iran", "Russia"))
    assert claim["speaker"] is None and claim["rule"] == "claims.unattributed.passive_hearsay"


# --------------------------------------------------------------------------- according to, relays


def test_according_to_leading_and_trailing() -> None:
    lead = only("According to the Red Cross, at least 40 people died in the floods.", ("the Red Cross",))
    trail = only("At least 40 people died in the floods, according to the Red Cross.", ("the Red Cross",))
    for claim in (lead, trail):
        assert (claim["kind"], claim["speaker"], claim["content"]) == (
            "according_to", "the Red Cross", "at least 40 people died in the floods".capitalize()
            if claim is trail else "at least 40 people died in the floods")
    assert lead["cue"] == "According to"


def test_closing_noun_phrase_speaks_through_its_actor_but_a_place_never_speaks() -> None:
    text = "The camp ran out of food on Friday, Kenyan relief officials in Nairobi said."
    found = claims_of(text, ("Kenyan", "Nairobi"), None, (), RULES, types={"Kenyan": "country", "Nairobi": "location"})
    assert [(describe(text, c)["speaker"], describe(text, c)["content"]) for c in found] == [
        ("Kenyan", "The camp ran out of food on Friday")]
    found = claims_of(text, ("Nairobi",), None, (), RULES, types={"Nairobi": "location"})
    assert [(c.speaker, c.rule.id) for c in found] == [(None, "claims.indirect.content_first_np")]


def test_relay_phrase_attaches_the_preceding_clause() -> None:
    text = "The two leaders agreed to exchange envoys, as highlighted by Lula's office."
    claim = only(text, ("Lula",))
    assert (claim["kind"], claim["speaker"], claim["cue"], claim["content"]) == (
        "according_to", "Lula", "as highlighted by", "The two leaders agreed to exchange envoys")


def test_relay_phrase_beats_a_reporting_verb_without_that_in_the_clause() -> None:
    text = "The two ministers confirmed their plan to reopen the consulates, as highlighted by Sanchez's office."
    claim = only(text, ("The two ministers", "Sanchez"))
    assert (claim["speaker"], claim["rule"]) == ("Sanchez", "claims.according_to.relay_trailing")


# --------------------------------------------------------------------------- unattributed, hedges


def test_impersonal_frame_keeps_a_fronted_phrase_in_the_content() -> None:
    claim = only("There are fears that in return for the aid, Minsk might host more troops.", ("Minsk",))
    assert (claim["speaker"], claim["cue"]) == (None, "There are fears")
    assert claim["content"] == "in return for the aid, Minsk might host more troops"
    assert claim["certainty"] == "possible"


@pytest.mark.parametrize(
    ("text", "cue", "hedge_kind", "certainty"),
    [
        ("Furthermore, Venezuela is believed to be receiving Iranian drones.", "is believed to", "belief", "probable"),
        ("Additionally, the militia stands accused of recruiting children.", "stands accused of", "hearsay", "possible"),
        ("The general is said to have fled the capital.", "is said to", "hearsay", "probable"),
    ],
)
def test_unattributed_passives(text: str, cue: str, hedge_kind: str, certainty: str) -> None:
    claim = only(text, ("Venezuela",))
    assert (claim["speaker"], claim["cue"], claim["certainty"]) == (None, cue, certainty)
    assert (cue, hedge_kind) in claim["hedges"]
    assert not claim["content"].lower().startswith(("furthermore", "additionally"))


def test_weakest_hedge_sets_certainty_and_a_month_is_no_hedge() -> None:
    text = "Nairobi said in May that the rebels had reportedly withdrawn and might regroup."
    found = claims_of(text, ("Nairobi",), None, (), RULES, times=("in May",))
    assert len(found) == 1
    claim = describe(text, found[0])
    assert [h for h, _ in claim["hedges"]] == ["reportedly", "might"]
    assert claim["certainty"] == "possible"


def test_reporting_verb_is_not_its_own_hedge() -> None:
    claim = only("Reuters reported that the port had reopened.", ("Reuters",))
    assert claim["hedges"] == [] and claim["certainty"] == "certain"


# --------------------------------------------------------------------------- about, spans


def test_about_lists_events_whose_trigger_is_in_the_content() -> None:
    text = "Oslo said that troops crossed the border. Troops crossed again."
    trigger_in = text.index("crossed")
    trigger_out = text.index("crossed", trigger_in + 1)
    events = tuple(
        Event("MOBILIZE", Span(t, t + 7), Span(0, len(text)), 0, (), "asserted", RuleRef("tests.event", 1))
        for t in (trigger_in, trigger_out)
    )
    claims = claims_of(text, ("Oslo",), None, events, RULES)
    assert [c.about for c in claims] == [(0,)]


NAMES = st.sampled_from(["Ruto", "Lula", "Meloni", "Albanese", "Sheinbaum", "Tusk", "Kagame"])
VERBS = st.sampled_from(["said", "stated", "noted", "warned", "insisted", "argued", "explained", "added"])
CLAUSES = st.sampled_from(["the talks had collapsed", "aid convoys were blocked near the border",
                           "the election would be held in June", "two ships were seized overnight"])


@settings(max_examples=40, deadline=None)
@given(name=NAMES, verb=VERBS, clause=CLAUSES, shape=st.integers(0, 3))
def test_spans_slice_exactly_and_exclude_the_attribution(name: str, verb: str, clause: str, shape: int) -> None:
    sentence = [f"{name} {verb} that {clause}.", f"{clause.capitalize()}, {name} {verb}.",
                f"“{clause.capitalize()},” {name} {verb}.", f"{name} {verb}: “{clause.capitalize()}.”"][shape]
    text = "In Geneva on Monday the talks went on. " + sentence
    claims = claims_of(text, (name,), None, (), RULES)
    assert len(claims) == 1
    claim = claims[0]
    assert claim.content.slice(text).lower() == clause.lower()
    assert claim.speaker_span is not None and claim.speaker_span.slice(text) == name
    assert claim.cue is not None and claim.cue.slice(text) == verb
    assert not claim.content.overlaps(claim.cue) and not claim.content.overlaps(claim.speaker_span)


PIECES = st.sampled_from(["Tusk", "said", "told", "that", "according to", ",", ".", "“", "”", ":", "\n",
                          "the talks", "is believed to", "may", "nothing", "officials", "he", "as noted by",
                          "failed", "in May", "'s", "office"])


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(PIECES, max_size=25))
def test_any_text_gives_well_formed_claims(pieces: list[str]) -> None:
    """Whatever the text, claims have non-empty, trimmed contents inside the text and never overlap their cue."""
    text = " ".join(pieces)
    for claim in claims_of(text, ("Tusk",), {"he": "Tusk"}, (), RULES):
        content = claim.content.slice(text)
        assert content and content == content.strip(" ,.;:\n")
        assert 0 <= claim.content.start < claim.content.end <= len(text)
        assert claim.cue is None or not claim.cue.overlaps(claim.content) or claim.rule.id.startswith(
            "claims.unattributed.")
        assert (claim.speaker is None) == (claim.speaker_span is None)
        assert claim.certainty in ("certain", "probable", "possible", "doubtful")


# --------------------------------------------------------------------------- rule examples


def _rule_examples() -> list:
    cases = []
    for path in sorted((data_path("rules") / "claims").glob("*.yaml")):
        data = load_rule_file(path).data
        for rule in data["rules"]:
            rule_id = f"{data['id']}.{rule['id']}"
            examples = rule.get("examples", {})
            cases += [pytest.param(rule_id, ex["text"], ex["expect"], id=f"{rule_id}:match{i}")
                      for i, ex in enumerate(examples.get("match", []))]
            cases += [pytest.param(rule_id, text, None, id=f"{rule_id}:no_match{i}")
                      for i, text in enumerate(examples.get("no_match", []))]
    return cases


@pytest.mark.parametrize(("rule_id", "text", "expect"), _rule_examples())
def test_rule_examples(rule_id: str, text: str, expect: dict | None) -> None:
    """Each example, with its expected speaker given as the only actor, yields (or not) a claim of its rule."""
    speaker = (expect or {}).get("speaker")
    if speaker:  # a mention includes the titles before a name ("President Emmanuel Macron")
        titled = re.search(r"(?:[A-Z][\w.]*\s+)*" + re.escape(speaker), text)
        speaker = titled.group(0) if titled else speaker
    found = run(text, (speaker,) if speaker else ())
    mine = [c for c in found if c["rule"] == rule_id]
    if expect is None:
        assert mine == [], found
        return
    wanted = {"kind": expect["kind"], "speaker": speaker, "content": expect["content"]}
    assert wanted in [{k: c[k] for k in wanted} for c in mine], found


def test_every_claim_rule_file_is_in_the_ruleset() -> None:
    ids = {r.id.rsplit(".", 1)[0] for r in RULES.claims}
    assert ids == {"claims.quote", "claims.indirect", "claims.according_to", "claims.unattributed"}
    assert Path(data_path("rules") / "lexicon" / "hedges.yaml").is_file()


# --------------------------------------------------------------------------- round 3: clause bounds, speaker heads


def test_content_stops_before_a_while_clause_with_its_own_subject() -> None:
    text = "Germany announced it would send another Patriot system to Ukraine, while the EU imposed sanctions."
    claim = only(text, ("Germany", "Ukraine", "EU"))
    assert (claim["speaker"], claim["content"]) == ("Germany", "it would send another Patriot system to Ukraine")


def test_a_while_clause_without_a_subject_stays_in_the_content() -> None:
    text = "Lee said the troops had arrived, while also noting that more were on the way."
    assert only(text, ("Lee",))["content"] == "the troops had arrived, while also noting that more were on the way"


def test_a_coordinated_second_reporting_verb_is_the_subjects_claim_despite_according_to() -> None:
    text = ("Hamas accused Israel of blocking aid and said it had not received any new proposal, "
            "according to a statement on its Telegram channel.")
    found = run(text, ("Hamas", "Israel"))
    assert {"speaker": "Hamas", "content": "it had not received any new proposal"} in [
        {"speaker": c["speaker"], "content": c["content"]} for c in found], found


def test_a_named_person_heading_the_speaker_phrase_is_the_speaker() -> None:
    text = "Odhiambo is expected to meet church leaders on Friday, his spokesman Peter Wekesa said."
    segments = segment(text)
    mentions = hand_mentions(segments, ("Odhiambo", "Peter Wekesa"), {"his": "Odhiambo"})
    claim = describe(text, attribute_claims(segments, mentions, (), RULES)[0])
    assert (claim["speaker"], claim["content"]) == ("Peter Wekesa", "Odhiambo is expected to meet church leaders on Friday")


def test_an_organization_in_the_speaker_phrase_yields_to_the_person() -> None:
    text = "The talks failed, Kenyan government spokesman Isaac Mwaura said."
    segments = segment(text)
    mentions = hand_mentions(segments, ("Kenyan government", "Isaac Mwaura"), {},
                             types={"Kenyan government": "organization", "Isaac Mwaura": "person"})
    assert describe(text, attribute_claims(segments, mentions, (), RULES)[0])["speaker"] == "Isaac Mwaura"


def test_the_claim_index_changes_no_claim() -> None:
    from converter.rules import load_rules

    rules = load_rules()

    class Unindexed:
        claims = rules.claims
        lexicon = rules.lexicon

    text = ("Hamas accused Israel of blocking aid and said it had not received any proposal. “We will continue,” "
            "Netanyahu told reporters. The strikes hit Lviv, regional governor Oleh Syniehubov said on Telegram.")
    segments = segment(text)
    mentions = hand_mentions(segments, ("Hamas", "Israel", "Netanyahu", "Lviv", "Oleh Syniehubov"), {})
    with_index = attribute_claims(segments, mentions, (), rules)
    assert with_index == attribute_claims(segments, mentions, (), Unindexed())
    assert len(with_index) >= 3


def test_a_speaking_group_actor_is_the_speaker() -> None:
    """"Analysts say C": when the actors stage made the group an actor, the group speaks (not null)."""
    text = "Analysts say the sanctions have barely dented oil exports."
    found = claims_of(text, ("Analysts",), None, (), RULES, types={"Analysts": "group"})
    assert [(c.speaker, c.content.slice(text)) for c in found] == [
        ("Analysts", "the sanctions have barely dented oil exports")]


def test_a_vague_group_that_is_no_actor_keeps_a_null_speaker() -> None:
    text = "Sources say the sanctions have barely dented oil exports."
    assert [c.speaker for c in claims_of(text, (), None, (), RULES)] == [None]


def test_a_place_after_a_speaking_group_does_not_speak_for_it() -> None:
    """"Officials in Kyiv said C": the officials spoke; Kyiv only places them."""
    text = "Officials in Kyiv said the strike hit a power plant."
    found = claims_of(text, ("Officials", "Kyiv"), None, (), RULES,
                      types={"Officials": "group", "Kyiv": "location"})
    assert [(c.speaker, c.content.slice(text)) for c in found] == [("Officials", "the strike hit a power plant")]


def test_a_place_speaks_when_no_group_actor_is_there() -> None:
    """Without a group actor the old reading stands: the group capture hands nothing over."""
    text = "Officials in Kyiv said the strike hit a power plant."
    found = claims_of(text, ("Kyiv",), None, (), RULES, types={"Kyiv": "location"})
    assert all(c.speaker != "Officials" for c in found)


# --------------------------------------------------------------------------- side-by-side attributions


def speakers_and_contents(text: str, actors: tuple[str, ...]) -> list[tuple[str | None, str]]:
    return [(c["speaker"], c["content"]) for c in run(text, actors)]


@pytest.mark.parametrize(("text", "actors", "expected"), [
    (("Prime Minister Benjamin Netanyahu said the offensive would continue, while Hamas said it had accepted "
      "the proposal."), ("Benjamin Netanyahu", "Hamas"),
     [("Benjamin Netanyahu", "the offensive would continue"), ("Hamas", "it had accepted the proposal")]),
    (("Moscow said the talks had collapsed, but Volodymyr Zelenskyy insisted that negotiations were still "
      "possible."), ("Moscow", "Volodymyr Zelenskyy"),
     [("Moscow", "the talks had collapsed"), ("Volodymyr Zelenskyy", "negotiations were still possible")]),
    ("The Health Ministry said the strike hit a weapons depot; Amina Yusuf said it destroyed a school.",
     ("Health Ministry", "Amina Yusuf"),
     [("Health Ministry", "the strike hit a weapons depot"), ("Amina Yusuf", "it destroyed a school")]),
    ("Israel said the convoy carried weapons, whereas the United Nations said it carried flour and medicine.",
     ("Israel", "United Nations"),
     [("Israel", "the convoy carried weapons"), ("United Nations", "it carried flour and medicine")]),
])
def test_each_of_two_side_by_side_attributions_is_a_claim(text: str, actors: tuple[str, ...],
                                                          expected: list[tuple[str, str]]) -> None:
    """"A said X, while B said Y": the first content stops before the connective and B's claim is kept."""
    assert speakers_and_contents(text, actors) == expected


def test_three_attributions_split_by_semicolons_are_three_claims() -> None:
    text = ("Kenya said the border would reopen; Somalia said it had not been told; Ethiopia said it would "
            "send observers.")
    assert speakers_and_contents(text, ("Kenya", "Somalia", "Ethiopia")) == [
        ("Kenya", "the border would reopen"), ("Somalia", "it had not been told"),
        ("Ethiopia", "it would send observers")]


def test_a_closing_attribution_after_the_connective_takes_only_its_own_clause() -> None:
    text = "Pedro Sanchez said the tax would rise, but the rate would stay low for families, Ana Ruiz said."
    assert speakers_and_contents(text, ("Pedro Sanchez", "Ana Ruiz")) == [
        ("Pedro Sanchez", "the tax would rise"), ("Ana Ruiz", "the rate would stay low for families")]


def test_a_but_clause_without_an_attribution_stays_in_the_content() -> None:
    text = "Olusegun Adeyemi said the army had advanced, but the rebels still held the town."
    assert speakers_and_contents(text, ("Olusegun Adeyemi",)) == [
        ("Olusegun Adeyemi", "the army had advanced, but the rebels still held the town")]


def test_a_second_verb_of_the_same_subject_after_but_is_not_a_clause_of_its_own() -> None:
    text = "Hezbollah rejected the plan, but said it would keep talking to mediators."
    assert speakers_and_contents(text, ("Hezbollah",)) == [("Hezbollah", "it would keep talking to mediators")]


def test_a_reporting_verb_deep_inside_the_clause_after_the_connective_is_nested_speech() -> None:
    text = ("Maria Lopez said the deal was close, but the details of the plan that Carlos Vega said he backed "
            "were still secret.")
    found = speakers_and_contents(text, ("Maria Lopez", "Carlos Vega"))
    assert found[0] == ("Maria Lopez", ("the deal was close, but the details of the plan that Carlos Vega said he "
                                        "backed were still secret"))


# --------------------------------------------------------------------------- passives of telling


@pytest.mark.parametrize("text", [
    "Officials were told that the border would stay closed until Friday.",
    "Residents were told they could return to their homes on Sunday.",
])
def test_a_group_told_in_the_passive_is_the_listener_not_the_speaker(text: str) -> None:
    """Whoever told them is not named: the group must not become the claim's source."""
    assert run(text) == []


# --------------------------------------------------------------------------- a noun renaming the content


def test_a_charge_the_subject_denies_is_no_claim_of_that_subject() -> None:
    """"C, a charge Iran denies": Iran denies C; it never said C (and a denial of C is not C)."""
    text = "The United States and Britain have accused Tehran of arming the rebels, a charge Iran denies."
    assert run(text, ("United States", "Britain", "Tehran", "Iran")) == []


def test_a_claim_stops_before_the_reporters_note_that_renames_it() -> None:
    text = "Kyiv says Russian troops shelled the power plant, an accusation Moscow rejects."
    assert speakers_and_contents(text, ("Kyiv", "Moscow")) == [("Kyiv", "Russian troops shelled the power plant")]


def test_an_organization_before_the_inverted_speaker_is_his_affiliation() -> None:
    from converter import convert

    doc = convert("“We are ready to reach an agreement,” said Hamas official Osama Hamdan, speaking in Beirut.")
    names = {a["id"]: a["name"] for a in doc["actors"]}
    assert [names[c["speaker_ref"]] for c in doc["claims"]] == ["Osama Hamdan"]
