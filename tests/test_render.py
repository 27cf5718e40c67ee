"""The HTML view and the SVG graph: exact text, well-nested highlights, escaping, determinism, CLI."""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.commands import render as render_command
from converter.errors import InputError
from converter.render import Highlight, collect_highlights, render_html, render_svg, script_json, segment_html

FILES = Path(__file__).parent / "files" / "render"
SEED = Path(__file__).parents[1] / "seeds" / "ap-north-korea-russia-troops.txt"
VOID = {"meta", "input", "br", "img", "link", "hr"}


def load_sample() -> dict[str, Any]:
    return json.loads((FILES / "sample.json").read_text(encoding="utf-8"))


def expected_spans(doc: dict[str, Any]) -> set[tuple[str, int, int]]:
    """The spans the page must highlight, computed straight from the document (not via render.py)."""
    spans = {("actor", m["start"], m["end"]) for a in doc["actors"] for m in a["mentions"]}
    for event in doc["events"]:
        spans.add(("event", event["trigger"]["start"], event["trigger"]["end"]))
        spans.update((k, event[k]["start"], event[k]["end"]) for k in ("time", "quantity") if event.get(k))
    for claim in doc["claims"]:
        parts = [k for k in ("content", "cue", "speaker") if claim.get(k)]
        spans.update((k, claim[k]["start"], claim[k]["end"]) for k in parts)
    return spans


class TextView(HTMLParser):
    """Reads the <article id="text"> of a page: checks the nesting and collects each highlight's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.inside = False
        self.text: list[str] = []
        self.pieces: dict[str, list[str]] = {}
        self.kinds: dict[str, str] = {}
        self.owners: dict[str, str] = {}
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "article" and attributes.get("id") == "text":
            self.inside = True
        if tag not in VOID:
            self.stack.append((tag, attributes))
        if self.inside and tag == "span":
            index = str(attributes["data-h"])
            self.kinds[index] = re.search(r"\bk-(\w+)", str(attributes["class"])).group(1)
            self.owners[index] = str(attributes["data-items"])

    def handle_endtag(self, tag: str) -> None:
        opened, _ = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"
        if tag == "article" and self.inside:
            self.inside = False

    def handle_data(self, data: str) -> None:
        if not self.inside:
            return
        self.text.append(data)
        for tag, attributes in self.stack:
            if tag == "span" and "data-h" in attributes:
                self.pieces.setdefault(str(attributes["data-h"]), []).append(data)


def read_page(page: str) -> TextView:
    view = TextView()
    view.feed(page)
    view.close()
    assert view.stack == [], "unclosed tags"
    return view


def assert_pieces_match(view: TextView, text: str, highlights: list[Highlight]) -> None:
    assert "".join(view.text) == text
    assert len(view.pieces) == len(highlights)
    for index, item in enumerate(highlights):
        assert "".join(view.pieces[str(index)]) == text[item.start : item.end]


# --------------------------------------------------------------------------- the page


def test_page_shows_the_text_exactly_and_highlights_every_span_once() -> None:
    doc = load_sample()
    view = read_page(render_html(doc))
    highlights = collect_highlights(doc)
    assert {(h.kind, h.start, h.end) for h in highlights} == expected_spans(doc)
    assert_pieces_match(view, doc["text"], highlights)


def test_spans_after_astral_characters_use_code_point_offsets() -> None:
    doc = load_sample()
    assert "🚀" in doc["text"][: doc["claims"][1]["content"]["start"]]
    view = read_page(render_html(doc))
    contents = [i for i, k in view.kinds.items() if k == "content"]
    assert "".join(view.pieces[contents[1]]) == doc["claims"][1]["content"]["text"]


def test_actor_highlights_belong_to_their_actor() -> None:
    doc = load_sample()
    view = read_page(render_html(doc))
    for actor in doc["actors"]:
        mine = [i for i, k in view.kinds.items() if k == "actor" and actor["id"] in view.owners[i].split()]
        assert sorted("".join(view.pieces[i]) for i in mine) == sorted(m["text"] for m in actor["mentions"])


def test_hover_text_names_type_role_modality_and_rule() -> None:
    page = render_html(load_sample())
    assert "role: source (CONSULT)" in page
    assert "modality: reported" in page
    assert "rule: events.consult.visit@1" in page
    assert "speaker: Choe Son Hui" in page


def test_side_panel_lists_events_as_source_type_target_and_claims_with_speaker() -> None:
    page = render_html(load_sample())
    assert "Choe Son Hui → CONSULT → Russia" in page
    assert "ASSAULT → Ukraine" in page
    assert "South Korea: the troops may already be fighting Ukraine" in page


def test_page_is_self_contained() -> None:
    page = render_html(load_sample())
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "http:" not in page and "https:" not in page
    assert "$" not in re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.S)


def test_same_document_gives_the_same_bytes() -> None:
    assert render_html(load_sample()) == render_html(load_sample())
    assert render_svg(load_sample()) == render_svg(load_sample())


HOSTILE = '<script>alert(1)</script> "quoted" & </script><!-- <img src=x onerror=alert(2)>'


def hostile_document(prefix: str = HOSTILE) -> dict[str, Any]:
    """The sample with markup put before its text (spans shifted) and into names and the title."""
    doc = load_sample()
    doc["text"] = prefix + doc["text"]
    shift = len(prefix)

    def move(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("start"), int) and isinstance(node.get("end"), int):
                node["start"] += shift
                node["end"] += shift
            for value in node.values():
                move(value)
        elif isinstance(node, list):
            for value in node:
                move(value)

    move(doc["actors"]), move(doc["events"]), move(doc["claims"])
    doc["actors"][0]["name"] = '"><img src=x onerror=alert(3)></script>'
    doc["actors"][0]["mentions"].append({"start": 0, "end": 25, "text": prefix[:25]})
    doc["article"]["title"] = "</title><script>alert(4)</script>"
    return doc


def test_markup_in_the_article_renders_as_text_everywhere() -> None:
    doc = hostile_document()
    page = render_html(doc)
    assert len(re.findall(r"<script\b", page)) == 2  # the JSON block and the page's own script
    assert "<img" not in page and "alert(1)</script>" not in page
    view = read_page(page)
    assert "".join(view.text) == doc["text"]
    assert set(view.tags) <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "fieldset",
                              "legend", "label", "input", "span", "main", "article", "aside", "section", "h2",
                              "p", "dl", "small", "ul", "li", "button", "pre", "script"}


def test_embedded_json_cannot_close_its_script_block() -> None:
    page = render_html(hostile_document())
    block = re.search(r'<script type="application/json" id="aec-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert json.loads(block)["highlights"] == len(collect_highlights(hostile_document()))
    assert "</" not in script_json({"x": "</script><!--"})


def test_malformed_or_out_of_range_spans_are_skipped_not_fatal() -> None:
    doc = load_sample()
    doc["actors"][0]["mentions"].append({"start": 5, "end": 10**6, "text": "x"})
    doc["actors"][0]["mentions"].append({"start": 7, "end": 7, "text": ""})
    doc["events"][0]["trigger"] = None
    doc["claims"].append("not an object")
    view = read_page(render_html(doc))
    assert "".join(view.text) == doc["text"]
    assert len(view.pieces) == len(expected_spans(load_sample())) - 1


# --------------------------------------------------------------------------- overlapping spans


def test_crossing_spans_are_split_and_reopened_so_html_stays_nested() -> None:
    text = "abcdefghij"
    highlights = [Highlight(0, 6, "content", ("c",), ()), Highlight(3, 9, "actor", ("a",), ()),
                  Highlight(4, 5, "event", ("e",), ())]
    html = segment_html(text, highlights)
    assert html.count('data-h="1"') == 2 and 'class="h k-actor g-actor cont"' in html
    assert_pieces_match(read_page(f'<article id="text">{html}</article>'), text, highlights)


@st.composite
def texts_and_highlights(draw: Any) -> tuple[str, list[Highlight]]:
    text = draw(st.text(alphabet="ab<&>\"' 🚀é\n", min_size=1, max_size=30))
    kinds = st.sampled_from(["actor", "event", "time", "content", "cue"])
    found = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        found.append(Highlight(start, end, draw(kinds), ("x",), ()))
    unique = {(h.kind, h.start, h.end): h for h in found}
    return text, sorted(unique.values(), key=lambda h: h.order_key)


@settings(max_examples=80, deadline=None)
@given(texts_and_highlights())
def test_any_overlap_gives_nested_html_that_reads_back_each_span(case: tuple[str, list[Highlight]]) -> None:
    text, highlights = case
    html = segment_html(text, highlights)
    assert_pieces_match(read_page(f'<article id="text">{html}</article>'), text, highlights)


# --------------------------------------------------------------------------- the graph


def test_graph_has_one_node_per_participant_and_one_typed_edge_per_pair() -> None:
    svg = ET.fromstring(render_svg(load_sample()))
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = svg.findall("s:g[@class]", ns)
    names = sorted(n.find("s:text", ns).text for n in nodes if n.get("class", "").startswith("node"))
    assert names == ["Choe Son Hui", "Russia"]
    labels = sorted(e.find("s:text", ns).text for e in svg.findall("s:g[@class='edge']", ns))
    assert labels == ["CONSULT", "MOBILIZE"]


def test_graph_merges_repeated_events_and_draws_self_loops() -> None:
    doc = load_sample()
    doc["events"].append({**doc["events"][0], "id": "event--again"})
    loop = copy.deepcopy(doc["events"][0])
    loop["id"], loop["type"] = "event--loop", "ACCUSE"
    loop["participants"][1]["actor_ref"] = loop["participants"][0]["actor_ref"]
    doc["events"].append(loop)
    svg = render_svg(doc)
    assert ">CONSULT ×2<" in svg and ">ACCUSE<" in svg
    ET.fromstring(svg)


def test_graph_escapes_names() -> None:
    doc = hostile_document()
    doc["events"] = []  # every actor becomes a node, the hostile one included
    svg = render_svg(doc)
    root = ET.fromstring(svg)
    assert "<img" not in svg and "<script" not in svg
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert '"><img src=x onerror=alert(3)></script>' in texts
    title = root.find("{http://www.w3.org/2000/svg}title").text
    assert title == "</title><script>alert(4)</script> · 2024-11-05"


def test_graph_of_a_document_without_events_shows_the_actors() -> None:
    doc = load_sample()
    doc["events"] = []
    root = ET.fromstring(render_svg(doc))
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == len(doc["actors"])


# --------------------------------------------------------------------------- aec render


def run_command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    render_command.add_parser(parser.add_subparsers(dest="command"))
    return render_command.run(parser.parse_args(["render", *argv]))


def test_render_command_writes_html_and_svg(tmp_path: Path) -> None:
    assert run_command(str(FILES / "sample.json"), "-o", str(tmp_path / "page.html")) == 0
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == render_html(load_sample())
    assert run_command(str(FILES / "sample.json"), "-o", str(tmp_path / "graph.svg")) == 0
    assert (tmp_path / "graph.svg").read_text(encoding="utf-8") == render_svg(load_sample())
    assert run_command(str(FILES / "sample.json"), "--format", "svg", "-o", str(tmp_path / "g")) == 0
    assert (tmp_path / "g").read_text(encoding="utf-8").startswith("<svg")


def test_render_command_prints_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(str(FILES / "sample.json")) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a",\n  oops}', r":2:3: not JSON"),
        ("[1, 2]", "found list"),
        ('{"actors": []}', "without a string 'text'"),
    ],
)
def test_render_command_reports_bad_input_with_its_location(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        run_command(str(bad))


def test_render_command_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        run_command(str(tmp_path / "missing.json"))


# --------------------------------------------------------------------------- the seed article


@cache
def convert_seed() -> dict[str, Any]:
    """The converted seed article; skipped locally while the pipeline is still being written (never in CI)."""
    try:
        from converter.pipeline import convert
    except ImportError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"converter.pipeline is not importable yet: {error}")
    return convert(SEED.read_text(encoding="utf-8"), published="2024-11-05", article_id=SEED.stem)


def test_seed_article_renders_every_span_exactly() -> None:
    doc = convert_seed()
    highlights = collect_highlights(doc)
    assert {(h.kind, h.start, h.end) for h in highlights} == expected_spans(doc)
    assert_pieces_match(read_page(render_html(doc)), doc["text"], highlights)
    ET.fromstring(render_svg(doc))


def test_sample_document_follows_schema_v1() -> None:
    from converter.validation import check_document

    assert check_document(load_sample()) == []


def test_each_plover_type_has_its_own_colour() -> None:
    from converter.render import event_types, type_colour

    assert len(event_types()) == 16
    assert len({type_colour(name) for name in event_types()}) == 16
    assert type_colour("SOMETHING_NEW") == type_colour("SOMETHING_NEW")


def test_an_event_owns_its_trigger_time_quantity_and_participant_mentions() -> None:
    doc = load_sample()
    view = read_page(render_html(doc))
    for event in doc["events"]:
        mine = [i for i, owners in view.owners.items() if event["id"] in owners.split()]
        spans = [event["trigger"], event["time"], event["quantity"]]
        spans += [part["mention"] for part in event["participants"]]
        assert sorted("".join(view.pieces[i]) for i in mine) == sorted(s["text"] for s in spans if s)


def test_lone_surrogates_become_replacement_characters_without_shifting_spans() -> None:
    doc = load_sample()
    doc["text"] = "\ud800" + doc["text"][1:]
    doc["actors"][0]["name"] = "\udfff"
    page, svg = render_html(doc), render_svg(doc)
    page.encode("utf-8"), svg.encode("utf-8")
    view = read_page(page)
    assert "".join(view.text) == "\ufffd" + doc["text"][1:]
    assert_pieces_match(view, "\ufffd" + doc["text"][1:], collect_highlights(doc))


@st.composite
def random_documents(draw: Any) -> dict[str, Any]:
    """Documents of the schema's shape with spans anywhere: nested, crossing, shared, at the edges."""
    text = draw(st.text(alphabet="ab <&>\"'🚀\n", min_size=2, max_size=40))

    def span() -> dict[str, Any]:
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        return {"start": start, "end": end, "text": text[start:end]}

    types = st.sampled_from(["person", "country", "x y"])
    actors = [{"id": f"actor--{i}", "name": f"<A{i}>", "type": draw(types), "rule": {"id": "r", "version": 1},
               "mentions": [span() for _ in range(draw(st.integers(1, 3)))]}
              for i in range(draw(st.integers(0, 4)))]

    def role(name: str) -> dict[str, Any]:
        actor = draw(st.sampled_from(actors))
        return {"role": name, "actor_ref": actor["id"], "mention": draw(st.sampled_from(actor["mentions"]))}

    events = [{"id": f"event--{i}", "type": "AID", "trigger": span(), "modality": "asserted",
               "participants": [role(r) for r in ("source", "target") if actors and draw(st.booleans())],
               "time": {**span(), "value": None} if draw(st.booleans()) else None, "quantity": None}
              for i in range(draw(st.integers(0, 3)))]
    claims = [{"id": f"claim--{i}", "kind": "direct", "content": span(), "speaker": None, "speaker_ref": None,
               "cue": span() if draw(st.booleans()) else None}
              for i in range(draw(st.integers(0, 2)))]
    return {"text": text, "actors": actors, "events": events, "claims": claims}


@settings(max_examples=60, deadline=None)
@given(random_documents())
def test_any_document_renders_every_span_exactly_and_a_parsable_graph(doc: dict[str, Any]) -> None:
    highlights = collect_highlights(doc)
    assert {(h.kind, h.start, h.end) for h in highlights} == expected_spans(doc)
    assert_pieces_match(read_page(render_html(doc)), doc["text"], highlights)
    ET.fromstring(render_svg(doc))
