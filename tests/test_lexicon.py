"""Tests for converter/lexicon.py and the language data in rules/lexicon/."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.errors import RuleError
from converter.lexicon import (
    Lexicon,
    default_lexicon_dir,
    load_lexicon,
    load_yaml_with_lines,
    phrase_tokens,
    run_example,
)

FILES = Path(__file__).parent / "files"
GAZETTEERS = ("countries", "organizations", "government_bodies", "people")
WORDLIST_FILES = ("titles", "groups", "pronouns")
NON_ISO_CODES = {"XKX"}  # Kosovo: user-assigned code, documented in countries.yaml


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


def sentence_tokens(text: str) -> tuple[str, ...]:
    """Tokens as the segmenter gives them: phrase tokens with a sentence-final period split off
    unless the last word is a known abbreviation ("Inc.") or dotted acronym ("U.S.")."""
    tokens = phrase_tokens(text)
    last = tokens[-1] if tokens else ""
    abbreviations = {
        entry.text
        for name, words in load_lexicon().wordlists.items()
        if name.startswith("abbreviations")
        for entry in words.entries
    }
    if last.endswith(".") and last.count(".") == 1 and len(last) > 1 and last[:-1] not in abbreviations:
        return (*tokens[:-1], last[:-1], ".")
    return tokens


def hits_for(lex: Lexicon, text: str, **kwargs):
    tokens = sentence_tokens(text)
    return tokens, lex.gazetteer.find_all(tokens, **kwargs)


def names_found(lex: Lexicon, text: str, **kwargs) -> list[str]:
    return [hit.entry.name for hit in hits_for(lex, text, **kwargs)[1]]


# --------------------------------------------------------------------------- loading


def test_loading_twice_returns_the_cached_lexicon():
    assert load_lexicon() is load_lexicon()


def test_every_wordlists_file_is_picked_up(lex):
    for name in (
        "titles",
        "title_modifiers",
        "name_particles",
        "group_nouns",
        "org_head_nouns",
        "pronouns",
        "definite_descriptions",
    ):
        assert lex.wordlists[name].entries, name
    shipped = [p for p in default_lexicon_dir().glob("*.yaml") if "kind: wordlists" in p.read_text()]
    assert len(shipped) >= len(WORDLIST_FILES)


def test_global_ids_are_file_id_dot_entry_id(lex):
    assert lex.entries_by_id["lexicon.countries.prk"].country == "PRK"
    assert lex.entries_by_id["lexicon.government_bodies.kor_nis"].sector == "intelligence"


def test_unknown_word_list_error_names_the_known_lists(lex):
    with pytest.raises(RuleError, match="unknown word list @nope; expected one of: .*titles"):
        lex.wordlist("nope")


# --------------------------------------------------------------------------- countries


def _un_members() -> list[str]:
    lines = (FILES / "un_member_states.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_un_member_list_is_complete_and_real():
    members = _un_members()
    assert len(members) == len(set(members)) == 193
    assert all(pycountry.countries.get(alpha_3=code) for code in members)


@pytest.mark.parametrize("code", _un_members() + ["PSE", "VAT", "TWN", "XKX"])
def test_every_un_member_and_observer_is_a_country_entry(lex, code):
    entry = lex.entries_by_id[f"lexicon.countries.{code.lower()}"]
    assert (entry.type, entry.country) == ("country", code)


def test_every_country_code_in_the_gazetteers_is_a_real_alpha3(lex):
    bad = {
        (entry.id, entry.country)
        for entry in lex.entries_by_id.values()
        if entry.country
        and entry.country not in NON_ISO_CODES
        and pycountry.countries.get(alpha_3=entry.country) is None
    }
    assert not bad


def test_affiliations_point_at_existing_entries(lex):
    dangling = {
        e.id: e.affiliation
        for e in lex.entries_by_id.values()
        if e.affiliation and e.affiliation not in lex.entries_by_id
    }
    assert not dangling


def test_no_surface_form_is_shared_by_two_entries_unless_marked_ambiguous(lex):
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for entry in lex.entries_by_id.values():
        for text, _form in entry.forms():
            owners[phrase_tokens(text.replace("’", "'"))].add(entry.id)
    unmarked = {
        " ".join(form): sorted(ids)
        for form, ids in owners.items()
        if len(ids) > 1
        and not all(any(phrase_tokens(a) == form for a in lex.entries_by_id[i].ambiguous) for i in ids)
    }
    assert not unmarked


@pytest.mark.parametrize(
    ("text", "name", "form"),
    [
        ("Pyongyang fired a missile.", "North Korea", "metonym"),
        ("the DPRK said", "North Korea", "alias"),
        ("U.S. officials", "United States", "alias"),
        ("Britain decided", "United Kingdom", "alias"),
        ("the U.K. decided", "United Kingdom", "alias"),
        ("talks in Côte d'Ivoire", "Ivory Coast", "alias"),
        ("talks in Côte d’Ivoire", "Ivory Coast", "alias"),
        ("Ukrainian advances", "Ukraine", "demonym"),
        ("how the Russians will employ", "Russia", "people"),
        ("officials in Kiev", "Ukraine", "metonym"),
    ],
)
def test_country_forms_are_found(lex, text, name, form):
    hits = hits_for(lex, text)[1]
    assert [(h.entry.name, h.form) for h in hits if h.entry.type == "country"] == [(name, form)]


def test_proper_names_match_case_sensitively(lex):
    assert names_found(lex, "Let us know, said the chad") == []
    assert names_found(lex, "US troops and Chad") == ["United States", "Chad"]


def test_elliptic_forms_need_the_full_name_first(lex):
    text = "officials from the South said The North fired"
    assert names_found(lex, text) == []
    allowed = {"lexicon.countries.kor", "lexicon.countries.prk"}
    assert names_found(lex, text, elliptic_ok=allowed) == ["South Korea", "North Korea"]


def test_shared_forms_list_their_alternatives(lex):
    (hit,) = hits_for(lex, "fighting in Congo")[1]
    assert {hit.entry.id, *(alt.id for alt, _ in hit.alternatives)} == {
        "lexicon.countries.cod",
        "lexicon.countries.cog",
    }


# --------------------------------------------------------------------------- longest match


def test_longest_match_wins_at_each_position(lex):
    tokens, hits = hits_for(lex, "South Korea's National Intelligence Service said")
    assert [(h.start_tok, h.end_tok, h.entry.name) for h in hits] == [
        (0, 2, "South Korea"),
        (3, 6, "National Intelligence Service"),
    ]
    assert tokens[2] == "'s"


def test_longest_match_prefers_an_institution_over_its_demonym(lex):
    assert names_found(lex, "the Russian Defense Ministry said") == ["Russian Defense Ministry"]
    assert names_found(lex, "North Korea's state-run Korean Central News Agency") == [
        "North Korea",
        "Korean Central News Agency",
    ]


def test_a_name_after_the_article_beats_an_article_led_form_it_overlaps(lex):
    assert names_found(lex, "settlers in the West Bank") == ["West Bank"]
    assert names_found(lex, "the West imposed sanctions") == ["the West"]
    korea = {"lexicon.countries.kor"}
    assert names_found(lex, "patrols in the South China Sea", elliptic_ok=korea) == ["South China Sea"]
    assert names_found(lex, "officials in the South said", elliptic_ok=korea) == ["South Korea"]


def test_curly_apostrophe_tokens_match_straight_apostrophe_names(lex):
    tokens = ["China", "’s", "People", "’s", "Liberation", "Army"]
    hits = lex.gazetteer.find_all(tokens)
    assert [(h.start_tok, h.end_tok, h.entry.name) for h in hits] == [
        (0, 1, "China"),
        (2, 6, "People's Liberation Army"),
    ]


def test_match_at_returns_none_where_nothing_starts(lex):
    assert lex.gazetteer.match_at(["the", "Pentagon"], 0) is None
    hit = lex.gazetteer.match_at(["the", "Pentagon"], 1)
    assert hit is not None and hit.entry.sector == "military"


WORDS = st.sampled_from(
    [
        "South",
        "Korea",
        "North",
        "Korean",
        "'s",
        "National",
        "Intelligence",
        "Service",
        "the",
        "U.S.",
        "Army",
        "said",
        "troops",
        "Russian",
        "Defense",
        "Ministry",
        "People",
        "Liberation",
        ",",
        "Kremlin",
        "Gaza",
        "Strip",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, max_size=30))
def test_hits_are_ordered_disjoint_and_spell_a_form_of_their_entry(tokens):
    lex = load_lexicon()
    hits = lex.gazetteer.find_all(tokens)
    end = 0
    for hit in hits:
        assert end <= hit.start_tok < hit.end_tok <= len(tokens)
        end = hit.end_tok
        forms = {phrase_tokens(text) for text, _ in hit.entry.forms()}
        assert tuple(tokens[hit.start_tok : hit.end_tok]) in forms


# --------------------------------------------------------------------------- word lists


def test_word_lists_match_case_insensitively_and_longest_first(lex):
    titles = lex.wordlists["titles"]
    entry = titles.match_at(["Maj.", "Gen.", "Pat", "Ryder"], 0)
    assert entry is not None and (entry.text, entry.attrs["sector"]) == ("Maj. Gen.", "military")
    assert titles.match_at(["Deputy", "Foreign", "Minister"], 0).text == "Deputy Foreign Minister"
    assert titles.contains_phrase(["PRESS", "SECRETARY"])
    assert not titles.contains_phrase(["press"])


def test_group_and_pronoun_attributes(lex):
    assert lex.wordlists["group_nouns"].lookup(["troops"]).attrs["sector"] == "military"
    assert lex.wordlists["group_nouns"].lookup(["government"]).attrs["actor_type"] == "organization"
    assert lex.wordlists["org_head_nouns"].lookup(["Agency"]).attrs["subtype"] == "agency"
    he = lex.wordlists["pronouns"].lookup(["He"]).attrs
    assert (he["number"], he["gender"], he["refers_to"]) == ("singular", "male", ["person"])
    two = lex.wordlists["definite_descriptions"].lookup(["the", "two", "nations"]).attrs
    assert (two["refers_to"], two["count"]) == (["country"], 2)


def test_words_yaml_would_read_as_booleans_stay_words(tmp_path):
    (tmp_path / "w.yaml").write_text(
        "kind: wordlists\nid: t.w\ndescription: d\nlists:\n  yn: {entries: [no, yes, on, off]}\n"
    )
    lex = load_lexicon([tmp_path])
    assert [e.text for e in lex.wordlists["yn"].entries] == ["no", "yes", "on", "off"]


# --------------------------------------------------------------------------- override directories and errors


def test_extra_directory_overrides_entries_and_adds_new_ones(tmp_path):
    (tmp_path / "extra.yaml").write_text(
        "kind: gazetteer\nid: lexicon.countries\ndescription: override\nentries:\n"
        "  - {id: prk, name: DPRK, type: country, country: PRK, aliases: [North Korea]}\n"
        "  - {id: atlantis, name: Atlantis, type: location}\n",
        encoding="utf-8",
    )
    (tmp_path / "words.yaml").write_text(
        "kind: wordlists\nid: extra.words\ndescription: d\nlists:\n"
        "  titles: {entries: [{text: Grand Vizier, sector: government}]}\n  brand_new: {entries: [foo bar]}\n",
        encoding="utf-8",
    )
    lex = load_lexicon([tmp_path])
    assert names_found(lex, "North Korea and Atlantis") == ["DPRK", "Atlantis"]
    assert names_found(lex, "Pyongyang") == []  # the override replaced the whole entry
    assert lex.wordlists["titles"].contains_phrase(["grand", "vizier"])
    assert lex.wordlists["titles"].contains_phrase(["president"])  # merged, not replaced
    assert lex.wordlists["brand_new"].contains_phrase(["Foo", "Bar"])
    assert names_found(load_lexicon(), "North Korea") == ["North Korea"]  # shipped lexicon untouched


def test_duplicate_id_in_one_directory_is_a_located_error(tmp_path):
    body = "kind: gazetteer\nid: x\ndescription: d\nentries:\n  - {id: a, name: A, type: location}\n"
    (tmp_path / "one.yaml").write_text(body)
    (tmp_path / "two.yaml").write_text(body)
    with pytest.raises(RuleError, match="duplicate gazetteer id 'x.a'") as info:
        load_lexicon([tmp_path])
    assert info.value.location.path.endswith("two.yaml") and info.value.location.line == 5


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("kind: gazetteer\nid: x\nentries:\n  - {id: a, name: A, type: planet}\n", "not one of", 4),
        (
            "kind: gazetteer\nid: x\nentries:\n  - id: a\n    name: A\n    type: location\n    colour: red\n",
            "unknown entry field",
            4,
        ),
        (
            (
                "kind: gazetteer\nid: x\nentries:\n  - {id: a, name: A, type: location, aliases: A}\n"
                "  - {id: b, type: location}\n"
            ),
            "needs a string `name`",
            5,
        ),
        ("kind: wordlists\nid: x\nlists:\n  w:\n    entries: [a, [b]]\n", "must be a string or a mapping", 5),
        ("kind: gazetteer\nid: x\nentries: [\n", "invalid YAML", 4),
    ],
)
def test_malformed_files_raise_rule_errors_with_path_and_line(tmp_path, body, message, line):
    (tmp_path / "bad.yaml").write_text(body)
    with pytest.raises(RuleError, match=message) as info:
        load_lexicon([tmp_path])
    assert info.value.location.path.endswith("bad.yaml")
    assert info.value.location.line == line


def test_load_yaml_with_lines_reports_mapping_lines(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\nitems:\n  - {x: 1}\n  - y: 2\n")
    doc = load_yaml_with_lines(path)
    assert [item.line for item in doc["items"]] == [3, 4]


# --------------------------------------------------------------------------- file examples


def _examples(stem: str, key: str) -> list:
    doc = load_yaml_with_lines(default_lexicon_dir() / f"{stem}.yaml")
    return doc["examples"][key]


@pytest.mark.parametrize(
    "example", [(s, e) for s in GAZETTEERS for e in _examples(s, "match")], ids=lambda p: p[0]
)
def test_gazetteer_match_examples(lex, example):
    _stem, case = example
    hits = hits_for(lex, case["text"])[1]
    expect = case["expect"]
    matching = [h for h in hits if h.entry.name == expect["actor"]]
    assert matching, f"{expect['actor']!r} not found in {case['text']!r}"
    hit = matching[0]
    for key in ("type", "country", "sector", "form"):
        if key in expect:
            assert getattr(hit if key == "form" else hit.entry, key) == expect[key], key


@pytest.mark.parametrize(
    "example", [(s, e) for s in GAZETTEERS for e in _examples(s, "no_match")], ids=lambda p: p[0]
)
def test_gazetteer_no_match_examples(lex, example):
    stem, text = example
    assert [h for h in hits_for(lex, text)[1] if h.entry.id.startswith(f"lexicon.{stem}.")] == []


@pytest.mark.parametrize(
    "example", [(s, e) for s in WORDLIST_FILES for e in _examples(s, "match")], ids=lambda p: p[0]
)
def test_word_list_match_examples_contain_a_listed_phrase(lex, example):
    stem, case = example
    doc = load_yaml_with_lines(default_lexicon_dir() / f"{stem}.yaml")
    tokens = sentence_tokens(case["text"])
    found = [
        entry
        for name in doc["lists"]
        for i in range(len(tokens))
        if (entry := lex.wordlists[name].match_at(tokens, i)) is not None
    ]
    assert found, case["text"]
    expect = case["expect"]
    if "sector" in expect:
        assert expect["sector"] in {e.attrs.get("sector") for e in found}
    for title in expect.get("titles", ()):
        assert lex.wordlists["titles"].contains_phrase(phrase_tokens(title))


# --------------------------------------------------------------------------- run_example (aec rules test)


def test_run_example_checks_list_entry_and_attributes(lex):
    data = {"lists": {"titles": {}}}
    ok, found = run_example(
        data, {"text": "Maj. Gen. Pat Ryder spoke.", "expect": {"sector": "military"}}, lex
    )
    assert ok and "@titles: Maj. Gen." in found
    assert not run_example(data, {"text": "Maj. Gen. Pat Ryder spoke.", "expect": {"sector": "media"}}, lex)[
        0
    ]
    assert (
        run_example({}, {"text": "The convoy was hit.", "expect": {"list": "group_nouns"}}, lex)[0] is False
    )
    ok, _ = run_example(
        {}, {"text": "He left.", "expect": {"list": "pronouns", "entry": "he", "gender": "male"}}, lex
    )
    assert ok


def test_run_example_finds_the_file_of_the_examples(lex):
    _path, names, examples = next(f for f in lex.wordlist_files if f[0].endswith("pronouns.yaml"))
    ok, found = run_example({"examples": examples}, {"text": "Rain fell on the capital."}, lex)
    assert (ok, found) == (False, "no word-list entry found")
    assert names == ("pronouns", "definite_descriptions")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("U.S.-led", ("United States", "alias", "led")),
        ("Iran-backed", ("Iran", "name", "backed")),
        ("Russian-made", ("Russia", "demonym", "made")),
        ("Kremlin-controlled", ("Kremlin", "name", "controlled")),
        ("Guinea-Bissau", None),
        ("well-known", None),
        ("state-run", None),
    ],
)
def test_compound_head_reads_the_name_before_the_hyphen(lex, token, expected):
    got = lex.gazetteer.compound_head(token)
    assert (None if got is None else (got[0].name, got[1], got[2])) == expected


# --------------------------------------------------------------------------- people


def _people(lex):
    return [e for e in lex.entries_by_id.values() if e.id.startswith("lexicon.people.")]


def test_the_people_gazetteer_lists_hundreds_of_persons_with_a_country_and_sector(lex):
    people = _people(lex)
    assert len(people) >= 300
    assert all(e.type == "person" and e.country and e.sector for e in people)


def test_a_one_word_alias_matches_alone_but_a_shared_surname_only_after_the_full_name(lex):
    entry = lex.entries_by_id["lexicon.people.vladimir_putin"]
    hits = lex.gazetteer.find_all(["Putin", "said"])
    assert [(h.entry, h.form) for h in hits] == [(entry, "alias")]
    harris = lex.entries_by_id["lexicon.people.kamala_harris"]
    assert lex.gazetteer.find_all(["Harris", "said"]) == []
    assert lex.gazetteer.find_all(["Harris", "said"], elliptic_ok={harris.id})[0].entry is harris


def test_match_keys_agrees_with_match_at_on_every_position(lex):
    tokens = [
        "The",
        "South",
        "China",
        "Sea",
        "and",
        "the",
        "West",
        "Bank",
        ",",
        "said",
        "Putin",
        "in",
        "Kyiv",
        ".",
    ]
    keys = lex.gazetteer.keys(tokens)
    for i in range(len(tokens)):
        assert lex.gazetteer.match_keys(keys, i) == lex.gazetteer.match_at(tokens, i)


# --------------------------------------------------------------------------- fast paths (speed work)

_TRICKY_YAML = """\
base: &base
  sector: government
  count: 3
entries:
  - id: a
    <<: *base
    names: [one, "two", 'three']
    flag: true
    word: no
    nothing: null
    when: 2024-11-05
  - id: b
    nested: {x: 1.5, y: [1, 2, {z: on}]}
"""


def _same_with_lines(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return (
            a.keys() == b.keys()
            and getattr(a, "line", None) == getattr(b, "line", None)
            and all(_same_with_lines(a[k], b[k]) for k in a)
        )
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(_same_with_lines(x, y) for x, y in zip(a, b))
    return a == b


def _reference_load(path: Path) -> object:
    """What the loader built before the fast path: PyYAML's own constructor with the same loader."""
    import yaml

    from converter.lexicon import _LineLoader

    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # _LineLoader is a SafeLoader


def test_fast_yaml_construction_matches_pyyaml(tmp_path: Path) -> None:
    tricky = tmp_path / "tricky.yaml"
    tricky.write_text(_TRICKY_YAML, encoding="utf-8")
    paths = [tricky, *sorted(default_lexicon_dir().glob("*.yaml"))]
    for path in paths:
        assert _same_with_lines(load_yaml_with_lines(path), _reference_load(path)), path
    data = load_yaml_with_lines(tricky)
    assert data["entries"][0]["sector"] == "government" and data["entries"][0]["word"] == "no"
    assert data["entries"][0]["flag"] is True and data["entries"][0]["when"] == "2024-11-05"
    assert data["entries"][1].line == 12


def test_fast_yaml_rejects_unhashable_keys(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("? [a, b]\n: 1\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_yaml_with_lines(bad)
    assert err.value.location.line == 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAtThHeE’'İıΣς.-")), max_size=6))
def test_lower_key_is_key_then_lower(token: str) -> None:
    from converter.lexicon import _key, _lower_key, case_folds

    assert _lower_key(token) == _key(token, case_folds(["the"])).lower()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["The", "the", "Prime", "prime", "Minister", "minister", "of", "Foreign", "x"]),
        max_size=6,
    )
)
def test_wordlist_match_at_is_longest_lookup(lex: Lexicon, tokens: list[str]) -> None:
    titles = lex.wordlist("titles")
    for i in range(len(tokens)):
        expected = None
        for n in range(len(tokens) - i, 0, -1):
            expected = titles.lookup(tokens[i : i + n])
            if expected is not None:
                break
        assert titles.match_at(tokens, i) == expected


def test_case_folded_words_come_from_the_matching_word_list() -> None:
    """The article folded for gazetteer look-up is data (rules/lexicon/matching.yaml), not code."""
    from converter.lexicon import CASE_FOLDED_LIST, load_lexicon

    lexicon = load_lexicon()
    assert [w.text for w in lexicon.wordlists[CASE_FOLDED_LIST].entries] == ["the"]
    assert lexicon.gazetteer.keys(["The", "THE", "the", "Them", "US"]) == ["the", "the", "the", "Them", "US"]


def test_a_user_lexicon_can_fold_another_word(tmp_path: Path) -> None:
    from converter.lexicon import load_lexicon

    (tmp_path / "fold.yaml").write_text(
        "kind: wordlists\nid: user.fold\nversion: 1\ndescription: d\n"
        "lists:\n  gazetteer_case_folded:\n    description: d\n    entries: [el]\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon([tmp_path])
    assert lexicon.gazetteer.keys(["El", "EL", "The"])[:2] == ["el", "el"]
