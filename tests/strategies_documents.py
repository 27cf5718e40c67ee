"""Hypothesis strategies for schema-v1 documents, built to follow the schema by construction.

Enumerations are read from the shipped schema (never copied here), so these strategies keep
up with the schema; text mixes ASCII with multi-byte characters so offsets are tested as code
points, and mutations (drop a required field, break a reference, shift a span) each break
exactly one rule.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import strategies as st

from converter.validation import schema_parts

PARTS = schema_parts()


def enum(stem: str, *path: str) -> list[Any]:
    node: Any = PARTS[stem]
    for part in path:
        node = node[part]
    return node["enum"]


ACTOR_TYPES = enum("actor", "properties", "type")
EVENT_TYPES = enum("event", "properties", "type")
MODALITIES = enum("event", "properties", "modality")
ROLES = enum("event", "$defs", "participant", "properties", "role")
CLAIM_KINDS = enum("claim", "properties", "kind")
CERTAINTIES = enum("claim", "properties", "certainty")

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789éü—中😀", min_size=1, max_size=8)
identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,6}(\.[a-z][a-z0-9_]{0,6}){0,2}", fullmatch=True)
dates = st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10)
time_values = st.one_of(
    st.none(),
    dates,
    dates.map(lambda d: d[:7]),
    st.tuples(dates, dates).map(lambda pair: f"{min(pair)}/{max(pair)}"),
)


def item_id(kind: str) -> st.SearchStrategy[str]:
    return st.uuids().map(lambda u: f"{kind}--{u}")


def rules() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"id": identifiers, "version": st.integers(1, 20)})


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A text of words separated by spaces, and each word's [start, end) in code points."""
    tokens = draw(st.lists(words, min_size=3, max_size=40))
    text, offsets = "", []
    for token in tokens:
        offsets.append((len(text), len(text) + len(token)))
        text += token + " "
    return text, offsets


def _span(text: str, offsets: list[tuple[int, int]], draw: st.DrawFn) -> dict[str, Any]:
    first = draw(st.integers(0, len(offsets) - 1))
    last = draw(st.integers(first, min(first + 3, len(offsets) - 1)))
    start, end = offsets[first][0], offsets[last][1]
    return {"start": start, "end": end, "text": text[start:end]}


def _actor(
    draw: st.DrawFn, text: str, offsets: list[tuple[int, int]], actor_id: str, others: list[str]
) -> dict[str, Any]:
    actor = {
        "id": actor_id,
        "name": draw(words),
        "type": draw(st.sampled_from(ACTOR_TYPES)),
        "mentions": [_span(text, offsets, draw) for _ in range(draw(st.integers(0, 3)))],
        "country": draw(st.none() | st.from_regex(r"[A-Z]{3}", fullmatch=True)),
        "sector": draw(st.none() | words),
        "titles": draw(st.lists(words, max_size=2)),
        "affiliation_ref": draw(st.none() | st.sampled_from(others)) if others else None,
        "rule": draw(rules()),
    }
    return actor


def _event(
    draw: st.DrawFn, text: str, offsets: list[tuple[int, int]], event_id: str, actor_ids: list[str]
) -> dict[str, Any]:
    participants = [
        {
            "role": draw(st.sampled_from(ROLES)),
            "actor_ref": draw(st.sampled_from(actor_ids)),
            "mention": _span(text, offsets, draw),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    time = draw(
        st.none() | st.just(None).map(lambda _: {**_span(text, offsets, draw), "value": draw(time_values)})
    )
    quantity = draw(
        st.none()
        | st.just(None).map(
            lambda _: {
                **_span(text, offsets, draw),
                "value": draw(st.none() | st.integers(0, 10**9)),
                "approximate": draw(st.booleans()),
                "unit": draw(st.none() | words),
            }
        )
    )
    return {
        "id": event_id,
        "type": draw(st.sampled_from(EVENT_TYPES)),
        "mode": draw(st.none() | words),
        "trigger": _span(text, offsets, draw),
        "participants": participants,
        "time": time,
        "quantity": quantity,
        "modality": draw(st.sampled_from(MODALITIES)),
        "negated": draw(st.booleans()),
        "evidence": _span(text, offsets, draw),
        "rule": draw(rules()),
    }


def _claim(
    draw: st.DrawFn,
    text: str,
    offsets: list[tuple[int, int]],
    claim_id: str,
    actor_ids: list[str],
    event_ids: list[str],
) -> dict[str, Any]:
    attributed = draw(st.booleans())
    return {
        "id": claim_id,
        "kind": draw(st.sampled_from(CLAIM_KINDS)),
        "speaker_ref": draw(st.sampled_from(actor_ids)) if attributed else None,
        "speaker": _span(text, offsets, draw) if attributed else None,
        "cue": draw(st.none() | st.just(None).map(lambda _: _span(text, offsets, draw))),
        "content": _span(text, offsets, draw),
        "hedges": [
            {**_span(text, offsets, draw), "kind": draw(words)} for _ in range(draw(st.integers(0, 2)))
        ],
        "certainty": draw(st.sampled_from(CERTAINTIES)),
        "about_refs": draw(st.lists(st.sampled_from(event_ids), unique=True, max_size=2))
        if event_ids
        else [],
        "rule": draw(rules()),
    }


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document: every id unique, every reference resolvable, every span exact."""
    text, offsets = draw(articles())
    ids = draw(st.lists(st.uuids(), min_size=9, max_size=9, unique=True))
    n_actors, n_events, n_claims = draw(st.integers(1, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 3))
    actor_ids = [f"actor--{u}" for u in ids[:n_actors]]
    event_ids = [f"event--{u}" for u in ids[3 : 3 + n_events]]
    claim_ids = [f"claim--{u}" for u in ids[6 : 6 + n_claims]]
    return {
        "schema_version": enum("document", "properties", "schema_version")[0],
        "producer": {"name": draw(words), "version": draw(words), "rules_version": draw(st.none() | words)},
        "article": {
            "id": draw(words),
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "source": draw(st.none() | words),
            "dateline": None,
            "published": draw(st.none() | dates),
            "language": "en",
            "title": draw(st.none() | words),
            "metadata": {},
        },
        "text": text,
        "actors": [_actor(draw, text, offsets, a, [o for o in actor_ids if o != a]) for a in actor_ids],
        "events": [_event(draw, text, offsets, e, actor_ids) for e in event_ids],
        "claims": [_claim(draw, text, offsets, c, actor_ids, event_ids) for c in claim_ids],
    }


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
