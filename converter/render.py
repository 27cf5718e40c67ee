"""Render a converted document for people: one self-contained HTML page, or an SVG actor–event graph.

Both outputs are pure functions of the document dict, so the same document gives the same bytes.
Offsets in the document are code points (Python ``str`` indices) while JavaScript strings are
UTF-16, so the text is cut into highlighted pieces here, in Python, and the page's script never
slices text. Everything that comes from the document is escaped for the context it lands in
(element text, attribute value, or JSON inside a ``<script>`` block).

The page's words (headings, filter labels) live in ``render_assets/page.html``, its looks in
``view.css`` and its behaviour in ``view.js``; this module only fills the template.
"""

from __future__ import annotations

import html
import json
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from converter.resources import data_path

_ASSETS = Path(__file__).resolve().parent / "render_assets"

# Nesting order when two highlights cover the same range: lower rank is the outer span.
KIND_RANK: dict[str, int] = {
    "content": 0, "speaker": 1, "actor": 2, "time": 3, "quantity": 4, "event": 5, "cue": 6,
}
# Highlight kind → the filter group (checkbox) that shows or hides it.
KIND_GROUP: dict[str, str] = {
    "actor": "actor", "event": "event", "time": "time", "quantity": "quantity",
    "content": "claim", "cue": "claim", "speaker": "claim",
}

Fields = tuple[tuple[str, str], ...]
Point = tuple[float, float]


@dataclass(frozen=True)
class Highlight:
    """One highlighted range of the article text and what the reader is told about it.

    ``owners`` are the ids of the actors/events/claims the range belongs to; clicking one of
    them in the side panel marks every highlight it owns.
    """

    start: int
    end: int
    kind: str
    owners: tuple[str, ...]
    fields: Fields
    css: str = ""

    @property
    def order_key(self) -> tuple[int, int, int]:
        """Sort key: earlier start first, then the longer (outer) span, then by kind rank."""
        return (self.start, -self.end, KIND_RANK.get(self.kind, 99))


# --------------------------------------------------------------------------- reading the document


def _list(doc: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A list of objects from the document; a missing or malformed list reads as empty."""
    value = doc.get(key)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _span(value: Any, length: int) -> tuple[int, int] | None:
    """``(start, end)`` of a span object when it is a non-empty range inside the text, else None."""
    if not isinstance(value, Mapping):
        return None
    start, end = value.get("start"), value.get("end")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        return None
    return (start, end) if 0 <= start < end <= length else None


def _rule(item: Mapping[str, Any]) -> str:
    rule = item.get("rule")
    if not isinstance(rule, Mapping):
        return ""
    return f"{rule.get('id', '')}@{rule.get('version', '')}"


def _clean(fields: Iterable[tuple[str, Any]]) -> Fields:
    """Drop empty values and stringify the rest, so hover text shows only what is known."""
    return tuple((key, str(value)) for key, value in fields if value not in (None, "", [], ()))


def actor_names(doc: Mapping[str, Any]) -> dict[str, str]:
    """Actor id → display name."""
    return {str(a.get("id")): str(a.get("name") or a.get("id")) for a in _list(doc, "actors")}


def _participants(event: Mapping[str, Any], role: str, names: Mapping[str, str]) -> str:
    refs = [p.get("actor_ref") for p in _list(event, "participants") if p.get("role") == role]
    return ", ".join(names.get(str(ref), str(ref)) for ref in refs)


def event_roles(doc: Mapping[str, Any]) -> dict[tuple[str, int, int], list[tuple[str, str]]]:
    """(actor id, mention start, end) → [("source (CONSULT)", event id), ...]: the roles a mention fills."""
    roles: dict[tuple[str, int, int], list[tuple[str, str]]] = {}
    length = len(str(doc.get("text", "")))
    for event in _list(doc, "events"):
        for part in _list(event, "participants"):
            where = _span(part.get("mention"), length)
            if where is not None:
                key = (str(part.get("actor_ref")), *where)
                label = f"{part.get('role')} ({event.get('type')})"
                roles.setdefault(key, []).append((label, str(event.get("id"))))
    return roles


def event_label(event: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """``source → TYPE → target`` with the parts that are missing left out."""
    parts = [_participants(event, "source", names), str(event.get("type", "")),
             _participants(event, "target", names)]
    return " → ".join(part for part in parts if part)


# --------------------------------------------------------------------------- collecting highlights


def _actor_highlights(doc: Mapping[str, Any], length: int) -> Iterator[Highlight]:
    roles = event_roles(doc)
    for actor in _list(doc, "actors"):
        actor_id = str(actor.get("id"))
        for mention in _list(actor, "mentions"):
            where = _span(mention, length)
            if where is None:
                continue
            filled = roles.get((actor_id, *where), [])
            fields = _clean([
                ("actor", actor.get("name")), ("type", actor.get("type")), ("country", actor.get("country")),
                ("titles", ", ".join(map(str, actor.get("titles") or []))),
                ("role", "; ".join(label for label, _ in filled)), ("rule", _rule(actor)),
            ])
            # The events this mention takes part in own it too: picking an event marks its participants.
            owners = (actor_id, *dict.fromkeys(event_id for _, event_id in filled))
            yield Highlight(*where, "actor", owners, fields, css_token(actor.get("type")))


def _event_highlights(doc: Mapping[str, Any], length: int, names: Mapping[str, str]) -> Iterator[Highlight]:
    for event in _list(doc, "events"):
        event_id, label = str(event.get("id")), event_label(event, names)
        base = [("event", label), ("type", event.get("type")), ("mode", event.get("mode")),
                ("modality", event.get("modality")), ("negated", "true" if event.get("negated") else None)]
        where = _span(event.get("trigger"), length)
        if where is not None:
            yield Highlight(*where, "event", (event_id,), _clean([*base, ("rule", _rule(event))]))
        for kind in ("time", "quantity"):
            part = event.get(kind)
            where = _span(part, length)
            if where is not None and isinstance(part, Mapping):
                extra = [("value", part.get("value")), ("unit", part.get("unit"))]
                yield Highlight(*where, kind, (event_id,), _clean([(kind, part.get("text")), *extra, *base]))


def _claim_highlights(doc: Mapping[str, Any], length: int, names: Mapping[str, str]) -> Iterator[Highlight]:
    for claim in _list(doc, "claims"):
        claim_id = str(claim.get("id"))
        speaker = names.get(str(claim.get("speaker_ref")), "") if claim.get("speaker_ref") else ""
        hedges = ", ".join(f"{h.get('text')} ({h.get('kind')})" for h in _list(claim, "hedges"))
        fields = _clean([("claim", claim.get("kind")), ("speaker", speaker),
                         ("certainty", claim.get("certainty")), ("hedges", hedges), ("rule", _rule(claim))])
        for kind in ("content", "cue", "speaker"):
            where = _span(claim.get(kind), length)
            if where is not None:
                yield Highlight(*where, kind, (claim_id,), fields)


def css_token(value: Any) -> str:
    """A value made safe to use as a CSS class name (lower-case letters, digits, ``-``)."""
    return re.sub(r"[^a-z0-9-]+", "-", str(value or "").lower()).strip("-")


def merge_duplicates(highlights: Iterable[Highlight]) -> list[Highlight]:
    """One highlight per (kind, start, end): e.g. a time shared by two events lists both as owners."""
    merged: dict[tuple[str, int, int], Highlight] = {}
    for item in highlights:
        key = (item.kind, item.start, item.end)
        if key in merged:
            old = merged[key]
            owners = old.owners + tuple(o for o in item.owners if o not in old.owners)
            fields = old.fields + tuple(f for f in item.fields if f not in old.fields)
            item = Highlight(old.start, old.end, old.kind, owners, fields, old.css)
        merged[key] = item
    return sorted(merged.values(), key=lambda h: h.order_key)


def collect_highlights(doc: Mapping[str, Any]) -> list[Highlight]:
    """Every highlight of the document, deduplicated and in nesting order (outer first).

    Spans outside the text, empty spans and malformed objects are skipped rather than raised on:
    the page is a viewing aid, and ``aec validate`` is where such documents get reported.
    """
    length, names = len(str(doc.get("text", ""))), actor_names(doc)
    found = [*_actor_highlights(doc, length), *_event_highlights(doc, length, names),
             *_claim_highlights(doc, length, names)]
    return merge_duplicates(found)


# --------------------------------------------------------------------------- cutting the text


def _open_tag(index: int, item: Highlight, continued: bool) -> str:
    classes = " ".join(c for c in ("h", f"k-{item.kind}", f"g-{KIND_GROUP.get(item.kind, item.kind)}",
                                   f"t-{item.css}" if item.css else "", "cont" if continued else "") if c)
    title = "\n".join(f"{key}: {value}" for key, value in item.fields)
    owners = _esc(" ".join(item.owners))
    return f'<span class="{classes}" data-h="{index}" data-items="{owners}" title="{_esc(title)}">'


def _boundaries(highlights: Sequence[Highlight], length: int) -> list[int]:
    points = {0, length}
    for item in highlights:
        points.update((item.start, item.end))
    return sorted(points)


def segment_html(text: str, highlights: Sequence[Highlight]) -> str:
    """The text as HTML with properly nested ``<span>``s, one sweep over the span boundaries.

    A highlight that crosses the end of an inner one is closed and reopened (the reopened piece
    gets class ``cont`` and the same ``data-h``), so overlapping spans still give valid HTML and
    every piece of text sits inside all highlights that cover it.
    """
    starts: dict[int, list[int]] = {}
    for index, item in enumerate(highlights):
        starts.setdefault(item.start, []).append(index)
    out: list[str] = []
    stack: list[int] = []
    points = _boundaries(highlights, len(text))
    for here, nxt in zip(points, [*points[1:], len(text)], strict=True):
        _close_at(here, highlights, stack, out)
        for index in starts.get(here, []):
            stack.append(index)
            out.append(_open_tag(index, highlights[index], continued=False))
        out.append(_esc(text[here:nxt]))
    _close_at(len(text) + 1, highlights, stack, out)
    return "".join(out)


def _close_at(here: int, highlights: Sequence[Highlight], stack: list[int], out: list[str]) -> None:
    """Close every open highlight ending at ``here``; reopen those closed only to keep nesting."""
    deepest = next((depth for depth, index in enumerate(stack) if highlights[index].end <= here), None)
    if deepest is None:
        return
    closing = stack[deepest:]
    out.append("</span>" * len(closing))
    del stack[deepest:]
    for index in closing:
        if highlights[index].end > here:
            stack.append(index)
            out.append(_open_tag(index, highlights[index], continued=True))


# --------------------------------------------------------------------------- the page


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _esc(value: Any) -> str:
    """Escape for element text and quoted attributes alike; a lone surrogate (possible in JSON input,
    unencodable in UTF-8) becomes U+FFFD, one code point for one, so nothing shifts."""
    text = str(value if value is not None else "")
    return html.escape(LONE_SURROGATE.sub("\ufffd", text))


def _pick(item_id: str, label: str, note: str, kind: str) -> str:
    return (f'<li><button type="button" class="pick pick-{kind}" data-pick="{_esc(item_id)}">'
            f'{_esc(label)}<small>{_esc(note)}</small></button></li>')


def _unique_mentions(actor: Mapping[str, Any], length: int) -> int:
    return len({where for m in _list(actor, "mentions") if (where := _span(m, length)) is not None})


def actor_list_html(doc: Mapping[str, Any]) -> str:
    length = len(str(doc.get("text", "")))
    items = []
    for actor in _list(doc, "actors"):
        note = f"{actor.get('type')} · {_unique_mentions(actor, length)}"
        items.append(_pick(str(actor.get("id")), str(actor.get("name")), note, "actor"))
    return "".join(items)


def event_list_html(doc: Mapping[str, Any]) -> str:
    names = actor_names(doc)
    return "".join(_pick(str(e.get("id")), event_label(e, names), str(e.get("modality") or ""), "event")
                   for e in _list(doc, "events"))


def claim_list_html(doc: Mapping[str, Any]) -> str:
    names, text = actor_names(doc), str(doc.get("text", ""))
    items = []
    for claim in _list(doc, "claims"):
        where = _span(claim.get("content"), len(text))
        content = text[where[0]:where[1]] if where else ""
        speaker = names.get(str(claim.get("speaker_ref")), "—") if claim.get("speaker_ref") else "—"
        note = str(claim.get("kind") or "")
        items.append(_pick(str(claim.get("id")), f"{speaker}: {content}", note, "claim"))
    return "".join(items)


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` survive,
    so neither ``</script>`` nor ``<!--`` can end or confuse the block."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = LONE_SURROGATE.sub("\ufffd", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(doc: Mapping[str, Any], highlights: Sequence[Highlight]) -> dict[str, Any]:
    """What the page's script needs: details per highlight and, for the self-test, expected counts."""
    length = len(str(doc.get("text", "")))
    return {
        "highlights": len(highlights),
        "details": [[h.kind, [list(f) for f in h.fields]] for h in highlights],
        "actorMentions": {str(a.get("id")): _unique_mentions(a, length) for a in _list(doc, "actors")},
    }


@cache
def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _heading(doc: Mapping[str, Any]) -> str:
    article = doc.get("article")
    if not isinstance(article, Mapping):
        return ""
    parts = [article.get("title") or article.get("id"), article.get("published"), article.get("source")]
    return " · ".join(str(p) for p in parts if p)


def render_html(doc: Mapping[str, Any]) -> str:
    """One self-contained HTML page (inline CSS and JS, no network) showing the document.

    Args:
        doc: a schema-v1 document (``converter.convert`` output or a loaded JSON file).
    Returns:
        The page; the article text with actors, event triggers, times, quantities and claims
        highlighted, a side panel listing them, and per-type filters.
    """
    text = str(doc.get("text", ""))
    highlights = collect_highlights(doc)
    return Template(_asset("page.html")).substitute(
        title=_esc(_heading(doc) or "aec"),
        css=_asset("view.css"),
        js=_asset("view.js"),
        body=segment_html(text, highlights),
        actors=actor_list_html(doc),
        events=event_list_html(doc),
        claims=claim_list_html(doc),
        data=script_json(page_data(doc, highlights)),
        n_actors=len(_list(doc, "actors")),
        n_events=len(_list(doc, "events")),
        n_claims=len(_list(doc, "claims")),
    )


# --------------------------------------------------------------------------- the SVG graph

NODE_R = 7.0
LABEL_GAP = 12.0
BEND = 44.0  # control-point offset between parallel edges; label midpoints end up BEND/2 apart


@dataclass(frozen=True)
class Edge:
    """All events of one type from one source actor to one target actor, drawn as one arrow."""

    source: str
    target: str
    type: str
    event_ids: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.type if len(self.event_ids) == 1 else f"{self.type} ×{len(self.event_ids)}"


def _event_pairs(event: Mapping[str, Any], names: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    parts = _list(event, "participants")
    sources = dict.fromkeys(str(p.get("actor_ref")) for p in parts if p.get("role") == "source")
    targets = dict.fromkeys(str(p.get("actor_ref")) for p in parts if p.get("role") == "target")
    yield from ((s, t) for s in sources for t in targets if s in names and t in names)


def graph_edges(doc: Mapping[str, Any]) -> list[Edge]:
    """One edge per (source, target, type), in order of first event; events without both ends are left out."""
    names = actor_names(doc)
    grouped: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for event in _list(doc, "events"):
        for source, target in _event_pairs(event, names):
            key = (source, target, str(event.get("type", "")))
            grouped.setdefault(key, []).append((str(event.get("id")), event_label(event, names)))
    return [Edge(*key, tuple(i for i, _ in found), tuple(dict.fromkeys(label for _, label in found)))
            for key, found in grouped.items()]


def graph_nodes(doc: Mapping[str, Any], edges: Sequence[Edge]) -> list[Mapping[str, Any]]:
    """Actors that take part in an edge, in document order (all actors when there is no edge)."""
    used = {e.source for e in edges} | {e.target for e in edges}
    actors = _list(doc, "actors")
    return [a for a in actors if str(a.get("id")) in used] if used else actors


@cache
def event_types() -> tuple[str, ...]:
    """The PLOVER event types in the order the published schema lists them (empty if it cannot be read)."""
    try:
        schema = json.loads((data_path("schema") / "v1" / "event.schema.json").read_text(encoding="utf-8"))
        return tuple(schema["properties"]["type"]["enum"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def type_colour(name: str) -> str:
    """A stable colour per event type, the same in every document.

    Schema types get 16 hues 22.5° apart, stepped by 7 so types listed next to each other (which are
    often drawn together) differ most; any other type falls back to a hash of its name.
    """
    known = event_types()
    if name in known:
        hue = (known.index(name) * 7 % len(known)) * 360 / len(known)
        return f"hsl({hue:.0f},70%,{36 if known.index(name) % 2 else 44}%)"
    return f"hsl({zlib.crc32(name.encode('utf-8')) % 360},65%,38%)"


def circle_layout(count: int, radius: float, centre: float) -> list[Point]:
    """Points evenly spaced on a circle, the first at the top, going clockwise."""
    step = 2 * math.pi / max(count, 1)
    return [(round(centre + radius * math.sin(i * step), 1), round(centre - radius * math.cos(i * step), 1))
            for i in range(count)]


def _edge_path(a: Point, b: Point, bend: float) -> tuple[str, Point, str]:
    """A quadratic curve from ``a`` to ``b`` bent sideways by ``bend``.

    Returns the path, the label position (the curve's midpoint) and the label's text-anchor,
    chosen so a label grows away from the straight line and never across a neighbouring edge.
    """
    (x1, y1), (x2, y2) = a, b
    dist = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / dist, (y2 - y1) / dist
    sx, sy, ex, ey = x1 + ux * NODE_R, y1 + uy * NODE_R, x2 - ux * (NODE_R + 3), y2 - uy * (NODE_R + 3)
    cx, cy = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
    mid = (round(0.25 * sx + 0.5 * cx + 0.25 * ex, 1), round(0.25 * sy + 0.5 * cy + 0.25 * ey, 1))
    side = -uy * bend
    anchor = "middle" if abs(side) < 0.5 * abs(bend) or bend == 0 else "start" if side > 0 else "end"
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", mid, anchor


def _loop_path(p: Point, centre: float) -> tuple[str, Point, str]:
    """A small loop on the outer side of a node, for an event whose source is also its target."""
    x, y = p
    dx, dy = x - centre, y - centre
    dist = math.hypot(dx, dy) or 1.0
    ux, uy = dx / dist, dy / dist
    tip = (x + ux * 38, y + uy * 38)
    a = (x - uy * NODE_R, y + ux * NODE_R)
    b = (x + uy * NODE_R, y - ux * NODE_R)
    path = (f"M{a[0]:.1f},{a[1]:.1f} C{a[0] + ux * 45:.1f},{a[1] + uy * 45:.1f} "
            f"{b[0] + ux * 45:.1f},{b[1] + uy * 45:.1f} {b[0]:.1f},{b[1]:.1f}")
    return path, (round(tip[0], 1), round(tip[1], 1)), "middle"


def _edge_svg(edge: Edge, shape: tuple[str, Point, str], markers: Mapping[str, str]) -> str:
    path, mid, anchor = shape
    colour = type_colour(edge.type)
    return (f'<g class="edge" data-events="{_esc(" ".join(edge.event_ids))}">'
            f'<title>{_esc(chr(10).join(edge.labels))}</title>'
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6" '
            f'marker-end="url(#{markers[edge.type]})"/>'
            f'<text x="{mid[0]}" y="{mid[1]}" fill="{colour}" text-anchor="{anchor}" class="etype">'
            f'{_esc(edge.text)}</text></g>')


def _node_svg(actor: Mapping[str, Any], p: Point, centre: float) -> str:
    x, y = p
    anchor = "start" if x > centre + 1 else "end" if x < centre - 1 else "middle"
    dx = LABEL_GAP if anchor == "start" else -LABEL_GAP if anchor == "end" else 0
    dy = 4 if anchor != "middle" else (-LABEL_GAP if y < centre else LABEL_GAP + 8)
    kind = css_token(actor.get("type"))
    return (f'<g class="node t-{kind}" data-actor="{_esc(actor.get("id"))}">'
            f'<title>{_esc(actor.get("name"))} ({_esc(actor.get("type"))})</title>'
            f'<circle cx="{x}" cy="{y}" r="{NODE_R}"/>'
            f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">'
            f'{_esc(actor.get("name"))}</text></g>')


def _markers(types: Sequence[str]) -> tuple[dict[str, str], str]:
    ids = {name: f"arrow-{i}" for i, name in enumerate(types)}
    defs = "".join(f'<marker id="{ids[name]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{type_colour(name)}"/></marker>' for name in types)
    return ids, defs


def _bends(edges: Sequence[Edge]) -> list[float]:
    """Sideways bend per edge: edges between the same two actors (either direction) fan out
    0, +b, -b, +2b, ... around the straight line, so neither arrows nor labels sit on each other."""
    seen: dict[tuple[str, str], int] = {}
    bends = []
    for edge in edges:
        pair = (min(edge.source, edge.target), max(edge.source, edge.target))
        k = seen.get(pair, 0)
        seen[pair] = k + 1
        offset = BEND * ((k + 1) // 2) * (1 if k % 2 else -1)
        bends.append(offset if edge.source == pair[0] else -offset)
    return bends


def render_svg(doc: Mapping[str, Any]) -> str:
    """A small actor–event graph as a self-contained, deterministic SVG.

    Actors are nodes on a circle (document order, clockwise from the top); each event is a
    directed edge source → target per participant pair, coloured and labelled by its PLOVER type.
    """
    edges = graph_edges(doc)
    nodes = graph_nodes(doc, edges)
    radius = max(120.0, 16.0 * len(nodes))
    centre = radius + 170.0
    size = round(2 * centre)
    points = circle_layout(len(nodes), radius, centre)
    where = dict(zip([str(a.get("id")) for a in nodes], points, strict=True))
    ids, defs = _markers(sorted({e.type for e in edges}))
    parts = []
    for edge, bend in zip(edges, _bends(edges), strict=True):
        a, b = where[edge.source], where[edge.target]
        shape = _loop_path(a, centre) if edge.source == edge.target else _edge_path(a, b, bend)
        parts.append(_edge_svg(edge, shape, ids))
    parts.extend(_node_svg(actor, where[str(actor.get("id"))], centre) for actor in nodes)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" font-family="sans-serif" font-size="12">'
            f'<title>{_esc(_heading(doc) or "aec")}</title><style>{_asset("graph.css")}</style>'
            f'<defs>{defs}</defs><rect width="100%" height="100%" fill="#fff"/>{"".join(parts)}</svg>\n')
