"""Stage 3, events: the matcher's mechanics on hand-built tokens, then the shipped rules end to end."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.events import (
    Candidate,
    Cue,
    Voice,
    drop_governed,
    find_modality,
    match_events,
    match_participants,
    match_quantity,
    modality_cues,
    nearest_time,
    passive_roles,
    plover_type,
    resolve_conflicts,
    sentence_subject,
    with_clause_subject,
)
from converter.model import ActorMention, Event, Participant, QuantityMention, RuleRef, Span, TimeMention, Token

ROOT = Path(__file__).resolve().parent.parent
EVENT_RULE_FILES = sorted(glob.glob(str(ROOT / "rules" / "events" / "*.yaml")))
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
                "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "CONCEDE"}


# --------------------------------------------------------------------------- helpers


def tokens_of(*items: str | tuple[str, object]) -> tuple[Token, ...]:
    """Tokens laid out left to right with one space between; a (text, ref) pair is a mention token."""
    out: list[Token] = []
    pos = 0
    for item in items:
        text, ref = (item, None) if isinstance(item, str) else item
        if ref is None:
            kind = "punct" if text in {",", ".", ";", ":"} else "word"
        else:
            kind = {ActorMention: "actor", TimeMention: "time", QuantityMention: "quantity"}[type(ref)]
        out.append(Token(Span(pos, pos + len(text)), text, kind, ref))  # type: ignore[arg-type]
        pos += len(text) + 1
    return tuple(out)


def actor(key: str, start: int = 0) -> ActorMention:
    return ActorMention(Span(start, start + len(key)), key, 0)


def event(kind: str, start: int, end: int, *, source: str | None = None) -> Event:
    participants = () if source is None else (ParticipantFactory.source(source),)
    return Event(kind, Span(start, end), Span(0, 100), 0, participants, "asserted", RuleRef(f"events.{kind}", 1))


class ParticipantFactory:
    @staticmethod
    def source(key: str):
        from converter.model import Participant

        return Participant("source", key, Span(0, 1))


CUES = (
    Cue(("is", "believed", "to"), "possible"),
    Cue(("may",), "possible"),
    Cue(("reportedly",), "reported"),
    Cue(("plans", "to"), "planned"),
    Cue(("will",), "expected"),
    Cue(("not",), "negated"),
    Cue(("denied",), "denied"),
)


@dataclass(frozen=True)
class FakeEntry:
    text: str
    tokens: tuple[str, ...]
    attrs: dict


@dataclass(frozen=True)
class FakeList:
    entries: tuple[FakeEntry, ...]


# --------------------------------------------------------------------------- modality and negation


def test_the_nearest_cue_before_the_trigger_sets_the_modality() -> None:
    toks = tokens_of(("Chad", actor("chad")), "reportedly", "may", "send", "troops")
    assert find_modality(toks, 3, CUES) == ("possible", False)


def test_a_multiword_cue_is_matched_as_a_whole() -> None:
    toks = tokens_of(("Iran", actor("iran")), "is", "believed", "to", "be", "supplying", "drones")
    assert find_modality(toks, 5, CUES) == ("possible", False)


def test_a_cue_behind_punctuation_does_not_leak_into_the_next_clause() -> None:
    toks = tokens_of("officials", "may", "resign", ",", ("Peru", actor("peru")), "attacked")
    assert find_modality(toks, 5, CUES) == ("asserted", False)


def test_negation_close_to_the_trigger_sets_the_flag_and_the_modality() -> None:
    toks = tokens_of(("Peru", actor("peru")), "has", "not", "sent", "troops")
    assert find_modality(toks, 3, CUES) == ("negated", True)


def test_negation_with_another_cue_keeps_that_cue_as_modality() -> None:
    toks = tokens_of(("Peru", actor("peru")), "will", "not", "send", "troops")
    assert find_modality(toks, 3, CUES) == ("expected", True)


def test_no_cue_means_asserted() -> None:
    toks = tokens_of(("Peru", actor("peru")), "sent", "troops")
    assert find_modality(toks, 1, CUES) == ("asserted", False)


def test_modality_cues_are_read_from_the_word_list_longest_first() -> None:
    wordlist = FakeList((FakeEntry("may", ("may",), {"modality": "possible"}),
                         FakeEntry("plans to", ("plans", "to"), {"modality": "planned"})))
    cues = modality_cues({"modality_cues": wordlist})
    assert cues[0] == Cue(("plans", "to"), "planned")
    assert modality_cues({}) == ()


# --------------------------------------------------------------------------- PLOVER conventions


@pytest.mark.parametrize(
    ("rule_type", "modality", "expected"),
    [
        ("AID", "planned", "AGREE"),
        ("CONSULT", "expected", "AGREE"),
        ("SUPPORT", "hypothetical", "AGREE"),
        ("RETREAT", "expected", "CONCEDE"),
        ("AID", "asserted", "AID"),
        ("ASSAULT", "planned", "ASSAULT"),
        ("CONCEDE", "expected", "CONCEDE"),
    ],
)
def test_future_cooperation_is_coded_agree_and_future_retreat_concede(rule_type: str, modality: str,
                                                                       expected: str) -> None:
    assert plover_type(rule_type, modality) == expected  # type: ignore[arg-type]


def test_a_negated_promise_is_not_recoded() -> None:
    assert plover_type("AID", "expected", negated=True) == "AID"


# --------------------------------------------------------------------------- participants, time, quantity


def test_each_actor_of_a_coordination_becomes_its_own_participant() -> None:
    toks = tokens_of(("Russia", actor("russia")), ",", ("China", actor("china")), "and", ("Iran", actor("iran")),
                     "condemned", ("Israel", actor("israel")))
    roles = match_participants(toks, {"source": (0, 5), "target": (6, 7), "trigger": (5, 6)})
    assert [(p.role, p.actor) for p in roles] == [("source", "russia"), ("source", "china"), ("source", "iran"),
                                                  ("target", "israel")]


def test_a_role_never_lists_the_same_actor_twice() -> None:
    toks = tokens_of(("Kenya", actor("kenya")), "and", ("it", actor("kenya")), "attacked")
    assert len(match_participants(toks, {"source": (0, 3)})) == 1


def test_the_time_after_the_trigger_wins_a_tie() -> None:
    before = TimeMention(Span(0, 1), 0, "2024-01-01")
    after = TimeMention(Span(0, 1), 0, "2024-01-02")
    toks = tokens_of(("Monday", before), "talks", ("Tuesday", after))
    assert nearest_time(toks, (1, 2)) is after
    assert nearest_time(tokens_of("talks"), (0, 1)) is None


def test_a_time_beyond_the_reach_is_not_the_events_time() -> None:
    far = TimeMention(Span(0, 1), 0, "2024-01-02")
    toks = tokens_of("talks", "ended", "and", "troops", "will", "leave", ("next week", far))
    assert nearest_time(toks, (0, 1), reach=3) is None
    assert nearest_time(toks, (0, 1)) is far


def test_a_quantity_inside_the_match_is_attached() -> None:
    amount = QuantityMention(Span(0, 1), 0, 10000.0, True, "troops")
    toks = tokens_of(("Chad", actor("chad")), "sent", ("10,000 troops", amount), "to", ("Mali", actor("mali")))
    assert match_quantity(toks, 0, 5) is amount
    assert match_quantity(toks, 3, 5) is amount  # adjacent, just before the match
    assert match_quantity(tokens_of("sent"), 0, 1) is None


# --------------------------------------------------------------------------- voice


def test_a_past_participle_after_be_is_passive_but_an_ing_form_is_not() -> None:
    voice = Voice(frozenset({"was", "were"}), ("ing",))
    assert voice.is_passive(tokens_of(("Kabul", actor("kabul")), "was", "attacked"), 2)
    assert not voice.is_passive(tokens_of(("Kabul", actor("kabul")), "were", "attacking"), 2)
    assert not voice.is_passive(tokens_of(("Kabul", actor("kabul")), "attacked"), 1)


def test_the_subject_of_a_passive_becomes_the_target_or_is_dropped() -> None:
    from converter.model import Participant

    subject = Participant("source", "kabul", Span(0, 5))
    assert [(p.role, p.actor) for p in passive_roles((subject,))] == [("target", "kabul")]
    other = Participant("target", "herat", Span(20, 25))
    assert passive_roles((subject, other)) == (other,)


# --------------------------------------------------------------------------- conflicts between rules


def candidate(ev: Event, tokens: tuple[int, int], *, slots: int = 1, length: int = 3, order: int = 0) -> Candidate:
    return Candidate(ev, length, slots, order, tokens)


def test_the_longer_trigger_wins_on_overlapping_triggers() -> None:
    agree = candidate(event("AGREE", 10, 30), (2, 5))
    cooperate = candidate(event("COOPERATE", 20, 30), (4, 5), slots=2)
    kept = resolve_conflicts([cooperate, agree])
    assert [c.event.type for c in kept] == ["AGREE"]


def test_more_roles_win_when_triggers_are_equal() -> None:
    bare = candidate(event("ASSAULT", 10, 18), (2, 3), slots=0, order=0)
    full = candidate(event("ASSAULT", 10, 18), (2, 3), slots=2, order=5)
    assert resolve_conflicts([bare, full]) == [full]


def test_events_on_different_triggers_are_all_kept() -> None:
    one = candidate(event("ASSAULT", 10, 18), (2, 3))
    two = candidate(event("COERCE", 40, 48), (8, 9))
    assert len(resolve_conflicts([one, two])) == 2


def test_a_sourceless_complement_of_a_threat_is_dropped() -> None:
    toks = tokens_of(("Israel", actor("israel")), "threatened", "to", "ban", "voting")
    threat = candidate(event("THREATEN", 7, 17, source="israel"), (1, 2))
    ban = candidate(event("COERCE", 21, 24), (3, 4))
    assert drop_governed([threat, ban], toks, frozenset({"and"})) == [threat]


def test_a_clause_break_keeps_the_second_event() -> None:
    toks = tokens_of(("Mali", actor("mali")), "rejected", "the", "plan", "and", "attacked")
    reject = candidate(event("REJECT", 5, 13, source="mali"), (1, 2))
    attack = candidate(event("ASSAULT", 30, 38, source="mali"), (5, 6))
    assert len(drop_governed([reject, attack], toks, frozenset({"and"}))) == 2


def test_a_demanded_action_is_dropped_even_with_its_own_subject() -> None:
    toks = tokens_of(("China", actor("china")), "demanded", "that", ("Manila", actor("manila")), "withdraw")
    demand = candidate(event("REQUEST", 6, 14, source="china"), (1, 2))
    withdraw = candidate(event("RETREAT", 27, 35, source="manila"), (4, 5))
    assert drop_governed([demand, withdraw], toks, frozenset({"and"})) == [demand]


def test_verbal_acts_do_not_govern_each_other() -> None:
    toks = tokens_of(("Chad", actor("chad")), "urged", ("Mali", actor("mali")), "to", "reject", "the", "deal")
    urge = candidate(event("REQUEST", 5, 10, source="chad"), (1, 2))
    reject = candidate(event("REJECT", 20, 26), (4, 5))
    assert len(drop_governed([urge, reject], toks, frozenset())) == 2


# --------------------------------------------------------------------------- the shipped rules, end to end


@pytest.fixture(scope="module")
def pipeline():
    from converter.mentions import find_mentions
    from converter.rules import load_rules
    from converter.segment import segment

    rules = load_rules()

    def run(text: str):
        segments = segment(text)
        mentions = find_mentions(segments, rules.lexicon, None)
        names = {a.key: a.name for a in mentions.actors}
        return [
            (e, {p.role: names[p.actor] for p in e.participants}) for e in match_events(segments, mentions, rules)
        ]

    return run


@pytest.mark.parametrize(
    ("text", "kind", "source", "target", "modality"),
    [
        ("Ghana sent 300 troops to Liberia last year.", "AID", "Ghana", "Liberia", "asserted"),
        ("Azerbaijan reportedly shelled Armenia overnight.", "ASSAULT", "Azerbaijan", "Armenia", "reported"),
        ("Brazil may send troops to Haiti.", "AID", "Brazil", "Haiti", "possible"),
        ("Vietnam plans to send engineers and troops to South Sudan.", "AGREE", "Vietnam", "South Sudan", "planned"),
        ("Venezuela accused Guyana of provoking the crisis.", "ACCUSE", "Venezuela", "Guyana", "asserted"),
        ("Sweden imposed sanctions on Iran.", "SANCTION", "Sweden", "Iran", "asserted"),
        ("Hungary rejected Ukraine's proposal.", "REJECT", "Hungary", "Ukraine", "asserted"),
    ],
)
def test_shipped_rules_code_common_news_sentences(pipeline, text: str, kind: str, source: str, target: str,
                                                  modality: str) -> None:
    found = pipeline(text)
    assert any(e.type == kind and roles.get("source") == source and roles.get("target") == target
               and e.modality == modality for e, roles in found), found


OPENERS = frozenset({"meanwhile", "and"})
ING = Voice(active_suffixes=("ing",))


def test_a_participle_clause_takes_the_sentence_subject_as_source() -> None:
    toks = tokens_of(("Iran", actor("IRN")), "held", "drills", ",", "accusing", ("Israel", actor("ISR", 30)))
    target = Participant("target", "ISR", Span(30, 36))
    got = with_clause_subject(toks, 4, (target,), ING, OPENERS)
    assert [(p.role, p.actor) for p in got] == [("source", "IRN"), ("target", "ISR")]


def test_only_an_ing_verb_right_after_a_comma_takes_the_subject() -> None:
    toks = tokens_of(("Iran", actor("IRN")), "held", "drills", ",", "accused", ("Israel", actor("ISR", 30)))
    assert with_clause_subject(toks, 4, (), ING, OPENERS) == ()
    toks = tokens_of(("Iran", actor("IRN")), "held", "drills", "accusing", ("Israel", actor("ISR", 30)))
    assert with_clause_subject(toks, 3, (), ING, OPENERS) == ()


def test_the_subject_must_open_the_sentence_after_openers() -> None:
    opened = tokens_of("Meanwhile", ",", ("Hungary", actor("HUN")), "blocked", "it", ",", "citing")
    assert [p.actor for p in sentence_subject(opened, OPENERS, 5)] == ["HUN"]
    inner = tokens_of("Talks", "with", ("Hungary", actor("HUN")), "failed", ",", "citing")
    assert sentence_subject(inner, OPENERS, 4) == ()


def test_a_coordinated_subject_gives_every_actor() -> None:
    toks = tokens_of(("Russia", actor("RUS")), "and", ("China", actor("CHN")), "vetoed", "it", ",")
    assert [p.actor for p in sentence_subject(toks, OPENERS, 5)] == ["RUS", "CHN"]


def test_a_possessive_is_no_subject() -> None:
    toks = tokens_of(("Russia", actor("RUS")), "'s", "army", "attacked", ",")
    assert sentence_subject(toks, OPENERS, 4) == ()


@pytest.mark.parametrize(
    ("text", "kind", "source", "target"),
    [
        ("Russian forces launched a massive missile and drone attack on Ukraine's energy grid.", "ASSAULT",
         "Russian forces", "Ukraine"),
        ("Sudan's army launched a fresh ground offensive against the RSF.", "ASSAULT", None, None),
        ("Hungary blocked a joint EU statement on Tuesday.", "REJECT", "Hungary", None),
        ("Poland said it would send more air defense systems to Ukraine.", "AGREE", "Poland", "Ukraine"),
        ("Turkish President Recep Tayyip Erdogan is expected to meet opposition leaders.", "AGREE", None, None),
        ("Pakistan closed the border on Sunday, accusing Afghanistan of sheltering militants.", "ACCUSE",
         "Pakistan", "Afghanistan"),
        ("Israel said it would press on, rejecting a truce proposal from Qatar.", "REJECT", "Israel", None),
    ],
)
def test_round_three_gaps_are_coded(pipeline, text: str, kind: str, source: str | None, target: str | None) -> None:
    found = pipeline(text)
    assert any(e.type == kind and (source is None or roles.get("source") == source)
               and (target is None or roles.get("target") == target) for e, roles in found), found


def test_a_missile_test_stays_mobilize_but_a_missile_attack_is_assault(pipeline) -> None:
    assert {e.type for e, _ in pipeline("North Korea launched a ballistic missile into the sea on Thursday.")} == {"MOBILIZE"}
    assert "MOBILIZE" not in {e.type for e, _ in pipeline("Russia launched a missile attack on Kyiv.")}


def test_a_while_clause_with_its_own_subject_is_not_governed_by_the_earlier_reporting_verb(pipeline) -> None:
    found = pipeline("France said it was concerned, while the European Union imposed sanctions on Iran.")
    assert [(e.type, e.modality) for e, _ in found if e.type == "SANCTION"] == [("SANCTION", "asserted")]
    found = pipeline("France said the European Union imposed sanctions on Iran.")
    assert [(e.type, e.modality) for e, _ in found if e.type == "SANCTION"] == [("SANCTION", "reported")]


def test_a_source_inside_a_participle_phrase_yields_to_the_subject_it_modifies(pipeline) -> None:
    found = pipeline("Protesters demanding the resignation of President Dina Boluarte blocked roads in Puno.")
    assert [roles.get("source") for e, roles in found if e.type == "PROTEST"] == ["Protesters"]
    found = pipeline("Protesters demanding the resignation of President Dina Boluarte were attacked by police.")
    assert all(roles.get("source") != "Protesters" for e, roles in found if e.type == "ASSAULT"), found


def test_a_place_after_the_source_does_not_replace_it(pipeline) -> None:
    found = pipeline("Police in Bangladesh fired rubber bullets at striking garment workers.")
    assert [roles.get("source") for e, roles in found if e.type == "ASSAULT"] == ["Police"]
    found = pipeline("On Monday in Geneva, Iran rejected the proposal.")
    assert [roles.get("source") for e, roles in found if e.type == "REJECT"] == ["Iran"]


def test_blocking_a_road_is_no_rejection(pipeline) -> None:
    assert "REJECT" not in {e.type for e, _ in pipeline("Farmers blocked the highway with tractors.")}


def test_a_threatened_action_is_not_coded_as_done(pipeline) -> None:
    found = pipeline("Serbia threatened to impose a curfew in the north.")
    assert [e.type for e, _ in found] == ["THREATEN"]


def test_the_same_text_always_gives_the_same_events(pipeline) -> None:
    text = "Mali expelled the French ambassador. Tunisia may send troops to Libya on Monday."
    assert pipeline(text) == pipeline(text)


def test_sentences_without_events_give_none(pipeline) -> None:
    assert pipeline("The weather in Lisbon was mild.") == []


def test_events_are_sorted_and_spans_lie_in_their_sentence(pipeline) -> None:
    found = [e for e, _ in pipeline("Chile praised Peru. Peru attacked Bolivia and Chile condemned Peru.")]
    assert [e.trigger.start for e in found] == sorted(e.trigger.start for e in found)
    assert all(e.evidence.contains(e.trigger) for e in found)
    assert all(e.type in PLOVER_TYPES for e in found)


WORDS = ["Russia", "Kenya", "attacked", "said", "may", "not", "troops", "to", "sent", "and", ",", "the", "threatened",
         "on", "Monday", "rejected", "talks", "with", "reportedly", "protests", "against", "."]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
def test_any_word_salad_gives_well_formed_events(pipeline, words: list[str]) -> None:
    text = " ".join(words)
    for found, _ in pipeline(text):
        assert found.type in PLOVER_TYPES
        assert 0 <= found.trigger.start < found.trigger.end <= len(text)
        assert found.evidence.contains(found.trigger)


def test_every_event_rule_example_passes() -> None:
    from converter.rules import load_rules
    from converter.ruletest import FAIL, run_rule_examples

    results = run_rule_examples(load_rules(), EVENT_RULE_FILES)
    failures = [f"{r.rule} [{r.group}] {r.text!r}: expected {dict(r.expected)}, got {r.got}"
                for r in results if r.status == FAIL]
    assert results, "no event rule examples were run"
    assert not failures, "\n".join(failures)


def test_there_is_one_rule_file_per_plover_type() -> None:
    assert {Path(f).stem.upper() for f in EVENT_RULE_FILES} == PLOVER_TYPES


# --------------------------------------------------------------------------- governing clause, control frames, budget


@pytest.mark.parametrize(
    ("text", "kind", "modality"),
    [
        ("Seoul said Pyongyang sent 300 troops to Russia.", "AID", "reported"),
        ("The Pentagon revealed that Iran has delivered missiles to Russia.", "AID", "reported"),
        ("According to Ukrainian officials, Russia shelled Kharkiv on Monday.", "ASSAULT", "reported"),
        ("Russia shelled Kharkiv on Monday, Ukrainian officials said.", "ASSAULT", "reported"),
        ("Russia shelled Kharkiv overnight, said Volodymyr Zelenskyy.", "ASSAULT", "reported"),
        ("Moscow denied that Russia shelled Kharkiv.", "ASSAULT", "denied"),
        ("Kenya dismissed reports that Somalia attacked Ethiopia.", "ASSAULT", "denied"),
        ("Serbia is accused of attacking Kosovo.", "ASSAULT", "alleged"),
        ("Officials said Brazil may send troops to Haiti.", "AID", "possible"),
        ("Russia shelled Kharkiv on Monday.", "ASSAULT", "asserted"),
        ("According to the plan, Russia shelled Kharkiv.", "ASSAULT", "asserted"),
        ("Russia shelled Kharkiv, and Ukraine said it would respond.", "ASSAULT", "asserted"),
    ],
)
def test_the_governing_clause_sets_reported_or_denied(pipeline, text: str, kind: str, modality: str) -> None:
    found = [e for e, _ in pipeline(text) if e.type == kind]
    assert found and found[0].modality == modality, pipeline(text)


@pytest.mark.parametrize(
    ("text", "kind", "source", "target"),
    [
        ("North Korea stands accused of supplying millions of artillery shells to Russia.", "AID", "North Korea",
         "Russia"),
        ("Iran has been accused of attacking Israel.", "ASSAULT", "Iran", "Israel"),
        ("Belarus is believed to be sending weapons to Russia.", "AID", "Belarus", "Russia"),
        ("Hamas is preparing to attack Israel.", "ASSAULT", "Hamas", "Israel"),
        ("Russia denied sending troops to Belarus.", "AID", "Russia", "Belarus"),
    ],
)
def test_the_subject_of_a_control_frame_is_the_embedded_events_source(pipeline, text: str, kind: str,
                                                                      source: str, target: str) -> None:
    found = pipeline(text)
    assert any(e.type == kind and roles.get("source") == source and roles.get("target") == target
               for e, roles in found), found


def test_a_rule_out_of_budget_is_stopped_with_a_warning(monkeypatch) -> None:
    from converter.events import match_events_with_warnings
    from converter.mentions import find_mentions
    from converter.rules import load_rules
    from converter.segment import segment

    monkeypatch.setenv("AEC_STEP_BUDGET", "5")
    rules = load_rules()
    segments = segment("Ghana sent 300 troops to Liberia last year. Mali expelled the French ambassador.")
    result = match_events_with_warnings(segments, find_mentions(segments, rules.lexicon, None), rules)
    assert result.events == ()
    assert result.warnings and all("step budget of 5 exceeded" in w for w in result.warnings)
    monkeypatch.delenv("AEC_STEP_BUDGET")
    assert match_events_with_warnings(segments, find_mentions(segments, rules.lexicon, None), rules).warnings == []


def test_the_rule_index_changes_nothing_but_speed() -> None:
    from types import SimpleNamespace

    from converter.mentions import find_mentions
    from converter.rules import load_rules
    from converter.segment import segment

    rules = load_rules()
    unindexed = SimpleNamespace(events=rules.events, lexicon=rules.lexicon)
    text = (ROOT / "seeds" / "ap-north-korea-russia-troops.txt").read_text("utf-8")
    segments = segment(text)
    mentions = find_mentions(segments, rules.lexicon, None)
    assert match_events(segments, mentions, rules) == match_events(segments, mentions, unindexed)


@pytest.mark.parametrize(
    ("rule_type", "commitment", "expected"),
    [("RETREAT", True, "AGREE"), ("CONCEDE", True, "AGREE"), ("AID", True, "AGREE"), ("ASSAULT", True, "ASSAULT"),
     ("RETREAT", False, "CONCEDE")],
)
def test_a_commitment_cue_makes_cooperation_and_concessions_agree(rule_type: str, commitment: bool,
                                                                   expected: str) -> None:
    assert plover_type(rule_type, "planned", commitment=commitment) == expected


def test_commitment_cues_are_read_from_the_word_list(pipeline) -> None:
    found = pipeline("Syria is willing to withdraw its troops from Lebanon.")
    assert [e.type for e, _ in found] == ["AGREE"]
    assert [e.type for e, _ in pipeline("Syria plans to withdraw its troops from Lebanon.")] == ["CONCEDE"]


def test_an_announced_act_with_an_ultimatum_is_a_threat(pipeline) -> None:
    found = pipeline("Nigeria will withdraw its troops from Chad unless the rebels disarm.")
    assert "THREATEN" in [e.type for e, _ in found]
    assert "THREATEN" not in [e.type for e, _ in pipeline("Nigeria will withdraw its troops from Chad.")]


def test_a_place_target_stands_for_its_state_when_the_article_names_it() -> None:
    from converter import convert

    document = convert("Egypt and Jordan condemned the plan. The Turkish foreign minister arrived in Cairo on Monday.")
    names = {a["id"]: a["name"] for a in document["actors"]}
    visits = [e for e in document["events"] if e["type"] == "CONSULT"]
    assert visits, document["events"]
    roles = {(p["role"], names[p["actor_ref"]]) for p in visits[0]["participants"]}
    assert ("target", "Egypt") in roles and ("location", "Cairo") in roles


def test_a_possessive_pronoun_before_a_noun_is_no_target() -> None:
    toks = tokens_of(("Ghana", actor("GHA")), "demanded", ("their", ActorMention(Span(0, 5), "GHA", 0, pronoun=True)),
                     "release", ".")
    possessives = frozenset({"their"})
    assert [p.role for p in match_participants(toks, {"source": (0, 1), "target": (2, 4)}, frozenset(),
                                               possessives)] == ["source"]
    toks = tokens_of(("Ghana", actor("GHA")), "urged", ("them", ActorMention(Span(0, 4), "TOG", 0, pronoun=True)),
                     "to", "leave")
    assert [p.role for p in match_participants(toks, {"source": (0, 1), "target": (2, 3)}, frozenset(),
                                               possessives)] == ["source", "target"]


@pytest.mark.parametrize(
    "text",
    [
        "Opposition leader Cellou Dalein Diallo called on his supporters to stay calm.",
        "Amnesty International demanded their immediate release.",
    ],
)
def test_round_five_an_owner_pronoun_is_not_the_one_asked(pipeline, text: str) -> None:
    found = pipeline(text)
    assert any(e.type == "REQUEST" for e, _ in found), found
    assert all("target" not in roles for e, roles in found if e.type == "REQUEST"), found


@pytest.mark.parametrize(
    ("text", "kind", "source"),
    [
        ("Opposition leader Cellou Dalein Diallo rejected the results and called on his supporters to stay calm.",
         "REQUEST", "Cellou Dalein Diallo"),
        ("Amnesty International accused the authorities of detaining journalists and demanded their release.",
         "REQUEST", "Amnesty International"),
    ],
)
def test_round_five_a_second_past_verb_shares_the_sentence_subject(pipeline, text: str, kind: str,
                                                                   source: str) -> None:
    found = pipeline(text)
    assert any(e.type == kind and roles.get("source") == source for e, roles in found), found


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Police arrested protesters who blocked roads and called on residents to stay home.", "Police"),
        ("The army said the gunmen attacked the village and called on residents to leave.", "army"),
    ],
)
def test_round_five_a_verb_after_an_embedded_clause_keeps_no_guessed_source(pipeline, text: str,
                                                                             wrong: str) -> None:
    found = pipeline(text)
    requests = [roles for e, roles in found if e.type == "REQUEST"]
    assert requests, found
    assert not any(wrong in roles.get("source", "") for roles in requests), found


def test_governors_without_their_lookup_indexes_give_the_same_modalities():
    """The by-word indexes of reporting phrases are only speed-ups: a Governors built without them
    (as a caller may) reads the same modality for every trigger position."""
    from dataclasses import replace as replaced

    from converter.events import governing_modality, load_governors, word_texts
    from converter.pipeline import analyse
    from converter.rules import load_rules
    from converter.tokens import sentence_tokens

    rules = load_rules()
    governors = load_governors(rules.lexicon.wordlists)
    bare = replaced(governors, according_by_first={}, speech_sizes={})
    text = ("According to officials, Russia sent troops. Seoul said Pyongyang had sent troops, "
            "denying that it attacked. The ministry denied that China fired missiles, officials said.")
    found = analyse(text, ruleset=rules)
    for sentence in found.segments.sentences:
        tokens = sentence_tokens(sentence, found.mentions)
        assert word_texts(tokens) == [t.lower if t.kind == "word" else "" for t in tokens]
        for index in range(len(tokens)):
            trigger = (index, index + 1)
            assert governing_modality(tokens, trigger, governors) == governing_modality(tokens, trigger, bare)
