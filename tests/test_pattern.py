"""The pattern language: each construct, priorities, captures, errors, and the linear-time guarantee."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from converter.errors import Location, PatternError
from converter.model import Actor, ActorMention, Mentions, RuleRef, Span, Token
from converter.pattern import Budget, Inflections, SuffixRule, compile_pattern, shipped_inflections

WORDLISTS = {
    "say": SimpleNamespace(entries=(SimpleNamespace(tokens=("said",)), SimpleNamespace(tokens=("according", "to")))),
    "empty": SimpleNamespace(entries=()),
}
TYPES = {"lee": "person", "kim": "person", "rus": "country", "prk": "country", "chn": "country"}


def toks(text: str) -> list[Token]:
    """`A:key` is an actor token, `T:x` a time, punctuation marks are punct, everything else a word."""
    out, pos = [], 0
    for word in text.split():
        span = Span(pos, pos + len(word))
        if word.startswith("A:"):
            out.append(Token(span, word[2:], "actor", ActorMention(span, word[2:], 0)))
        elif word.startswith("T:"):
            out.append(Token(span, word[2:], "time"))
        else:
            out.append(Token(span, word, "punct" if word in {",", ".", ":"} else "word"))
        pos += len(word) + 1
    return out


MENTIONS = Mentions(tuple(Actor(k, k, t, RuleRef("t", 1)) for k, t in TYPES.items()), (), (), ())


def find(pattern: str, text: str, **kw):
    compiled = compile_pattern(pattern, WORDLISTS)
    return [(m.start, m.end, m.captures) for m in compiled.find_all(toks(text), mentions=MENTIONS, **kw)]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("met", "Lee MET Kim", [(1, 2, {})]),
        ('"," and', "a , and b", [(1, 3, {})]),
        ('"\'s"', "A:lee 's aide", [(1, 2, {})]),
        ("~visit", "he visited and visits , visiting", [(1, 2, {}), (3, 4, {}), (5, 6, {})]),
        ("~send", "troops were sent", [(2, 3, {})]),
        ("@say", "he said it", [(1, 2, {})]),
        ("@say $who", "according to A:lee", [(0, 3, {"who": (2, 3)})]),
        ("%time", "on T:Monday", [(1, 2, {})]),
        ("%start a", "a a", [(0, 1, {})]),
        ("a %end", "a a", [(1, 2, {})]),
        ("a ( b | c d ) e", "a c d e a b e", [(0, 4, {}), (4, 7, {})]),
        ("a [b] c", "a c a b c", [(0, 2, {}), (2, 5, {})]),
        ("a b? c", "a b c", [(0, 3, {})]),
        ("a b+ c", "a c a b b c", [(2, 6, {})]),
        ("a b* c", "a c", [(0, 2, {})]),
        ("<x: b+> b", "b b b", [(0, 3, {"x": (0, 2)})]),
        ("<x: b+?> b", "b b b", [(0, 2, {"x": (0, 1)})]),
        ("a ..2 b", "a x x b a x x x b", [(0, 4, {})]),
        ("a ... b", "a x b x b", [(0, 3, {})]),
        ("a <rest: ...> %end", "a x y", [(0, 3, {"rest": (1, 3)})]),
    ],
)
def test_each_construct_matches_what_the_reference_says(pattern, text, expected):
    assert find(pattern, text) == expected


def test_a_role_slot_captures_a_coordinated_actor_phrase():
    assert find("$source ~meet", "A:lee , A:kim and A:rus met") == [(0, 6, {"source": (0, 5)})]
    assert find("$source ~meet", "A:lee and A:kim met") == [(0, 4, {"source": (0, 3)})]
    assert find("$source ~meet $target", "A:lee met A:kim and A:rus .") == [(0, 5, {"source": (0, 1), "target": (2, 5)})]


def test_typed_slots_only_accept_actors_of_those_types():
    assert find("$speaker:person said", "A:rus said , A:lee said") == [(3, 5, {"speaker": (3, 4)})]
    assert find("$x:country|person said", "A:rus said") == [(0, 2, {"x": (0, 1)})]


def test_matches_are_leftmost_and_do_not_overlap():
    assert find("a a", "a a a a a") == [(0, 2, {}), (2, 4, {})]


def test_lazy_gap_prefers_the_nearest_end_and_greedy_star_the_farthest():
    assert find("<g: a ...> b", "a b b") == [(0, 2, {"g": (0, 1)})]
    assert find("<g: a %word*> b", "a b b") == [(0, 3, {"g": (0, 2)})]


def test_trigger_is_the_first_word_element_unless_captured():
    first = compile_pattern("$s ..2 ~visit $t", WORDLISTS).find_all(toks("A:lee quickly visited A:rus"))[0]
    assert first.trigger == (2, 3)
    named = compile_pattern("said <trigger: ~visit>", WORDLISTS).find_all(toks("said visit"))[0]
    assert named.trigger == (1, 2)


def test_multi_word_list_entries_match_token_sequences_longest_first():
    pattern = compile_pattern("<cue: @say>", WORDLISTS)
    assert [m.captures["cue"] for m in pattern.find_all(toks("according to him , he said"))] == [(0, 2), (5, 6)]


def test_an_empty_word_list_never_matches_and_is_recorded():
    pattern = compile_pattern("@empty", WORDLISTS)
    assert pattern.find_all(toks("anything at all")) == []
    assert pattern.empty_lists == ("empty",)


def test_inflections_come_from_data_rules_and_irregular_table():
    inflections = Inflections((SuffixRule("past", "$", "ed"),), {"go": {"past": ("went",)}}, ())
    assert inflections.forms("walk") == {"walk", "walked"}
    assert inflections.forms("go") == {"go", "went"}
    shipped = shipped_inflections()
    for lemma, form in [("meet", "met"), ("seek", "sought"), ("strike", "struck"), ("try", "tried"), ("plan", "planned")]:
        assert form in shipped.forms(lemma)


@pytest.mark.parametrize(
    ("pattern", "column", "fragment"),
    [
        ("$a ~visit )", 10, "unexpected ')'"),
        ("(a b", 4, "expected ')'"),
        ("@nolist", 0, "unknown word list @nolist; none of the 2 loaded lists is close"),
        ("@sai", 0, "unknown word list @sai; did you mean @say?"),
        ("%foo", 0, "unknown token kind %foo"),
        ("a ..99", 2, "longer than"),
        ("$x:robot", 0, "unknown actor type 'robot'"),
        ("a # b", 2, "unexpected character '#'"),
        ("", 0, "empty pattern"),
    ],
)
def test_pattern_errors_point_at_the_offending_character(pattern, column, fragment):
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern, WORDLISTS, where=Location("r.yaml", 7, 14))
    err = caught.value
    assert fragment in err.message
    assert (err.location.path, err.location.line, err.location.column) == ("r.yaml", 7, 14 + column)
    assert err.message.splitlines()[-1] == "    " + " " * column + "^"


def test_a_pathological_pattern_on_5000_tokens_stays_within_a_linear_step_budget():
    pattern = compile_pattern("(a* | a*)* (a | a)* ... b", WORDLISTS)
    budget = Budget(10**9)
    found = pattern.find_all(toks(" ".join(["a"] * 5000) + " b"), budget=budget)  # the b gets past the prefilter
    assert [(m.start, m.end) for m in found] == [(0, 5001)]
    assert budget.used < 5000 * len(pattern.program) * 4
    assert not budget.exceeded


def test_exceeding_the_budget_stops_the_rule_and_says_so():
    pattern = compile_pattern("a ... b", WORDLISTS)
    budget = Budget(1000)
    pattern.find_all(toks(" ".join(["a"] * 5000) + " b"), budget=budget)
    assert budget.exceeded
    assert budget.used <= 1000 + 5 * len(pattern.program)


# --------------------------------------------------------------------------- tokens.sentence_tokens


def test_sentence_tokens_collapse_mentions_preferring_actors_then_longer_spans():
    from converter.model import QuantityMention, Sentence, TimeMention
    from converter.tokens import sentence_tokens

    text = "Foreign Minister Choe visited Russia on Monday with 10,000 troops ."
    words, pos = [], 0
    for word in text.split():
        words.append(Token(Span(pos, pos + len(word)), word, "punct" if word == "." else "word"))
        pos += len(word) + 1
    sentence = Sentence(0, Span(0, len(text)), 0, tuple(words))
    ref = RuleRef("t", 1)
    choe, russia = ActorMention(Span(0, 21), "choe", 0), ActorMention(Span(30, 36), "rus", 0)
    monday = TimeMention(Span(37, 46), 0, "2024-11-04", ref)
    shadowed = TimeMention(Span(30, 46), 0, None, ref)  # overlaps the actor: the actor wins
    troops = QuantityMention(Span(52, 65), 0, 10000.0, False, "troops", ref)
    mentions = Mentions((Actor("choe", "Choe", "person", ref), Actor("rus", "Russia", "country", ref)),
                        (choe, russia), (monday, shadowed), (troops,))
    got = sentence_tokens(sentence, mentions)
    assert [(t.kind, t.text) for t in got] == [
        ("actor", "Foreign Minister Choe"), ("word", "visited"), ("actor", "Russia"), ("time", "on Monday"),
        ("word", "with"), ("quantity", "10,000 troops"), ("punct", "."),
    ]
    assert got[0].ref is choe and got[3].ref is monday
    found = compile_pattern("$source ~visit $target %time", WORDLISTS).find_all(got, mentions=mentions)
    assert [(m.captures["source"], m.captures["target"]) for m in found] == [((0, 1), (2, 3))]


# --------------------------------------------------------------------------- prefilter (pattern.requirements)

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.pattern import token_view

_ATOMS = ["a", "b", "c", "~send", "@say", "$x", "$y:person", "%time", "%punct", "%start", "%end", '","', "..2", "..."]


def _patterns() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(_ATOMS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        seqs = st.lists(inner, min_size=1, max_size=3).map(" ".join)
        return st.one_of(
            seqs,
            st.tuples(seqs, seqs).map(lambda p: f"( {p[0]} | {p[1]} )"),
            seqs.map(lambda p: f"[ {p} ]"),
            st.tuples(seqs, st.sampled_from(["+", "*", "?", "+?"])).map(lambda p: f"( {p[0]} ){p[1]}"),
            seqs.map(lambda p: f"<cap: {p} >"),
        )

    return st.recursive(atoms, extend, max_leaves=6)


_WORDS = st.lists(st.sampled_from(["a", "b", "c", "sent", "sends", "said", "according", "to", ",", "and",
                                   "A:lee", "A:rus", "T:Monday", "d"]), max_size=9).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns(), _WORDS)
def test_prefilters_never_change_what_matches(pattern: str, text: str) -> None:
    """The prefilter (required features, their order, first-token starts) may only skip hopeless work."""
    compiled = compile_pattern(pattern, WORDLISTS)
    tokens = tuple(toks(text))
    filtered = [(m.start, m.end, m.captures, m.trigger) for m in compiled.find_all(tokens, mentions=MENTIONS)]
    unfiltered = [(m.start, m.end, m.captures, m.trigger)
                  for m in compiled.find_all(tokens, mentions=MENTIONS, prefilter=False)]
    assert filtered == unfiltered
    if not compiled.reach.any_match(token_view(tokens), token_view(tokens).actor_types(MENTIONS)):
        assert unfiltered == []


def test_a_rule_whose_words_are_absent_is_not_run() -> None:
    compiled = compile_pattern("$source ..4 ~visit $target", WORDLISTS)
    features = token_view(tuple(toks("A:lee met A:kim"))).features
    assert not compiled.could_match(features)
    assert compiled.could_match(token_view(tuple(toks("A:lee visited A:kim"))).features)
    budget = Budget()
    assert compiled.find_all(tuple(toks("A:lee met A:kim in Seoul today")), mentions=MENTIONS, budget=budget) == []
    assert budget.used == 0  # the VM never ran


def test_required_words_in_the_wrong_order_skip_the_vm() -> None:
    compiled = compile_pattern("a ... b", WORDLISTS)
    budget = Budget()
    assert compiled.find_all(tuple(toks("b c a")), budget=budget) == []
    assert budget.used == 0
    assert [(m.start, m.end) for m in compiled.find_all(tuple(toks("b a c b")))] == [(1, 4)]


def test_alternatives_require_one_word_of_each_branch_and_phrases_their_telling_word() -> None:
    compiled = compile_pattern("( a | b c ) @say", WORDLISTS)
    clauses = set(compiled.clauses)
    assert frozenset({"a", "b"}) in clauses or frozenset({"a", "c"}) in clauses
    assert frozenset({"said", "according"}) in clauses  # "according to": the longer word
    assert compiled.first == frozenset({"a", "b"})


def test_a_coordinated_actor_may_open_with_a_determiner() -> None:
    """ "The United States and the Philippines began ..." — both actors fill the slot."""
    found = find("$who began", "The A:rus and the A:chn began drills")
    assert found == [(1, 6, {"who": (1, 5)})]
    assert find("$who began", "A:rus , the A:prk and A:chn began") == [(0, 7, {"who": (0, 6)})]


def test_without_determiners_a_determiner_ends_the_coordination() -> None:
    bare = Inflections(coordinators=("and",))
    compiled = compile_pattern("$who began", WORDLISTS, bare)
    tokens = tuple(toks("A:rus and the A:chn began"))
    assert [m.captures["who"] for m in compiled.find_all(tokens, mentions=MENTIONS)] == [(3, 4)]


def test_determiners_come_from_the_actor_files_when_the_inflections_name_none() -> None:
    from converter.pattern import with_determiners

    actor_file = {"lists": {"determiners": {"entries": ["The", {"text": "an"}]}}}
    assert with_determiners(Inflections(), [{}, actor_file]).determiners == ("the", "an")
    own = Inflections(determiners=("the",))
    assert with_determiners(own, [actor_file]) is own
    assert "the" in shipped_inflections().determiners


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25), st.sampled_from(["actor", "time", "quantity"])),
                max_size=12))
def test_each_sentence_gets_exactly_the_mentions_overlapping_it(raw) -> None:
    """The bisection index in tokens.py finds the same mentions as checking every one."""
    from converter.model import QuantityMention, Sentence, TimeMention
    from converter.tokens import _in_sentence

    ref = RuleRef("t", 1)
    made = {"actor": [], "time": [], "quantity": []}
    for start, length, kind in raw:
        span = Span(start, start + length)
        made[kind].append(ActorMention(span, "lee", 0) if kind == "actor" else
                          TimeMention(span, 0, None, ref) if kind == "time" else
                          QuantityMention(span, 0, 1.0, False, None, ref))
    mentions = Mentions((Actor("lee", "Lee", "person", ref),), tuple(made["actor"]), tuple(made["time"]),
                        tuple(made["quantity"]))
    for start, end in ((0, 20), (20, 41), (41, 90)):
        sentence = Sentence(0, Span(start, end), 0, ())
        expected = [m for group in made.values() for m in group if m.span.overlaps(sentence.span)]
        assert sorted(_in_sentence(sentence, mentions), key=id) == sorted(expected, key=id)


def test_a_sentence_stream_is_computed_once_per_mentions_and_never_shared_across_them() -> None:
    """Events and claims ask for the same streams: the second ask returns the same tuple (so token views
    are shared), while other mentions of the same sentence get their own collapsed stream."""
    from converter.model import Sentence
    from converter.segment import segment
    from converter.tokens import sentence_tokens

    sentence: Sentence = segment("Lee met Kim in Seoul.").sentences[0]
    ref = RuleRef("t", 1)
    people = (Actor("lee", "Lee", "person", ref), Actor("kim", "Kim", "person", ref))
    lee_only = Mentions(people, (ActorMention(Span(0, 3), "lee", 0),), (), ())
    both = Mentions(people, (ActorMention(Span(0, 3), "lee", 0), ActorMention(Span(8, 11), "kim", 0)), (), ())
    first = sentence_tokens(sentence, lee_only)
    assert sentence_tokens(sentence, lee_only) is first
    assert [t.kind for t in first].count("actor") == 1
    other = sentence_tokens(sentence, both)
    assert [t.kind for t in other].count("actor") == 2
    same_index = Sentence(sentence.index, sentence.span, 0, sentence.tokens[:2])  # another article's sentence 0
    assert len(sentence_tokens(same_index, both)) == 2


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns(), _WORDS)
def test_the_reach_step_table_answers_like_the_vm_at_every_start(pattern: str, text: str) -> None:
    """Reach remembers where each set of accepting pcs leads (a lazy DFA); a bound of one entry
    forces it to clear and refill constantly, which must not change any answer."""
    import converter.pattern as engine

    compiled = compile_pattern(pattern, WORDLISTS)
    tokens = tuple(toks(text))
    view = token_view(tokens)
    types = view.actor_types(MENTIONS)
    vm = engine._VM(compiled, view, types, Budget(), use_starts=False)
    found = [vm.run(start) is not None for start in range(len(tokens) + 1)]  # the VM finds a match at/after start
    saved = engine._STEPS_MAX
    answers = []
    try:
        for bound in (saved, 1):
            engine._STEPS_MAX = bound
            answers.append([compiled.reach.any_match(view, types, start) for start in range(len(tokens) + 1)])
    finally:
        engine._STEPS_MAX = saved
    assert answers[0] == answers[1]
    assert all(answer or not vm_found for answer, vm_found in zip(answers[0], found, strict=True))
