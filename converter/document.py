"""Stage 5: assemble the schema-v1 document from the stages' outputs.

Finding and writing are separate: earlier stages decide *what* is in the article, this
module only decides *how it is written*: deterministic ids, stable order, exact spans.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from converter.model import (
    Actor,
    Claim,
    Event,
    Hedge,
    Mentions,
    QuantityMention,
    RuleRef,
    Segments,
    Span,
    TimeMention,
)

SCHEMA_VERSION = "1.0.0"
# Fixed forever: changing it would change every id ever published.
AEC_NAMESPACE = uuid.UUID("6f1c3a52-8d0e-5b7a-9c41-2e5d7a0b9f13")


@dataclass(frozen=True)
class Article:
    """What the caller knows about an article besides its text."""

    id: str | None = None
    source: str | None = None
    published: date | None = None
    title: str | None = None
    language: str = "en"
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Producer:
    name: str
    version: str
    rules_version: str


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stable_id(prefix: str, digest: str, *parts: object) -> str:
    """A uuid5 id that depends only on the article text and the item's identity."""
    name = "|".join([digest, prefix, *map(str, parts)])
    return f"{prefix}--{uuid.uuid5(AEC_NAMESPACE, name)}"


def span_json(span: Span, text: str) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.slice(text)}


def rule_json(rule: RuleRef) -> dict[str, Any]:
    return {"id": rule.id, "version": rule.version}


def build_document(
    text: str,
    article: Article,
    producer: Producer,
    segments: Segments,
    mentions: Mentions,
    events: tuple[Event, ...],
    claims: tuple[Claim, ...],
) -> dict[str, Any]:
    """Return the JSON-ready document; ids are deterministic and lists sorted by position."""
    digest = text_sha256(text)
    spans = _actor_mentions(mentions)
    order = _actor_order(mentions, spans)
    actor_ids = _actor_ids(order, digest)
    event_ids = [stable_id("event", digest, e.type, e.trigger.start, e.trigger.end, e.rule.id) for e in events]
    return {
        "schema_version": SCHEMA_VERSION,
        "producer": {"name": producer.name, "version": producer.version, "rules_version": producer.rules_version},
        "article": _article_json(article, segments, text, digest),
        "text": text,
        "actors": _actors_json(order, spans, actor_ids, text),
        "events": _events_json(events, event_ids, actor_ids, text),
        "claims": _claims_json(claims, event_ids, actor_ids, text, digest),
    }


def _article_json(article: Article, segments: Segments, text: str, digest: str) -> dict[str, Any]:
    dateline = segments.dateline
    return {
        "id": article.id or f"sha256-{digest[:16]}",
        "text_sha256": digest,
        "source": article.source,
        "dateline": None
        if dateline is None
        else {"place": dateline.place, "agency": dateline.agency, "span": span_json(dateline.span, text)},
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "title": article.title,
        "metadata": dict(article.metadata),
    }


def _actor_mentions(mentions: Mentions) -> dict[str, list[Span]]:
    """Named and nominal mentions per actor key, in text order, each span once; pronouns are not listed."""
    spans: dict[str, list[Span]] = {actor.key: [] for actor in mentions.actors}
    seen: set[tuple[str, Span]] = set()
    for mention in sorted(mentions.actor_mentions, key=lambda m: (m.span.start, m.span.end)):
        key = (mention.actor, mention.span)
        if not mention.pronoun and mention.actor in spans and key not in seen:
            seen.add(key)
            spans[mention.actor].append(mention.span)
    return spans


def _actor_order(mentions: Mentions, spans: dict[str, list[Span]]) -> list[Actor]:
    """Actors with at least one listed mention, by first mention (then key, for a stable order)."""
    listed = [actor for actor in mentions.actors if spans[actor.key]]
    return sorted(listed, key=lambda a: (spans[a.key][0].start, spans[a.key][0].end, a.key))


def _actor_ids(order: list[Actor], digest: str) -> dict[str, str]:
    return {actor.key: stable_id("actor", digest, actor.type, actor.key) for actor in order}


def _actors_json(
    order: list[Actor], spans: dict[str, list[Span]], actor_ids: dict[str, str], text: str
) -> list[dict[str, Any]]:
    return [_actor_json(actor, spans[actor.key], actor_ids, text) for actor in order]


def _actor_json(actor: Actor, spans: list[Span], actor_ids: dict[str, str], text: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": actor_ids[actor.key],
        "name": actor.name,
        "type": actor.type,
        "mentions": [span_json(span, text) for span in spans],
        "country": actor.country,
        "sector": actor.sector,
        "titles": list(actor.titles),
        "affiliation_ref": actor_ids.get(actor.affiliation) if actor.affiliation else None,
        "rule": rule_json(actor.rule),
    }
    if actor.wikidata:
        item["external_ids"] = {"wikidata": actor.wikidata}
    return item


def _events_json(
    events: tuple[Event, ...], event_ids: list[str], actor_ids: dict[str, str], text: str
) -> list[dict[str, Any]]:
    order = sorted(range(len(events)), key=lambda i: (events[i].trigger, events[i].type, event_ids[i]))
    return [_event_json(events[i], event_ids[i], actor_ids, text) for i in order]


def _event_json(event: Event, event_id: str, actor_ids: dict[str, str], text: str) -> dict[str, Any]:
    participants = []
    for participant in event.participants:
        if participant.actor not in actor_ids:
            continue  # an actor with no named mention (pronoun only) has no record to point to
        entry: dict[str, Any] = {"role": participant.role, "actor_ref": actor_ids[participant.actor]}
        if participant.span is not None:
            entry["mention"] = span_json(participant.span, text)
        participants.append(entry)
    return {
        "id": event_id,
        "type": event.type,
        "mode": event.mode,
        "trigger": span_json(event.trigger, text),
        "participants": participants,
        "time": _time_json(event.time, text),
        "quantity": _quantity_json(event.quantity, text),
        "modality": event.modality,
        "negated": event.negated,
        "evidence": span_json(event.evidence, text),
        "rule": rule_json(event.rule),
    }


def _time_json(time: TimeMention | None, text: str) -> dict[str, Any] | None:
    if time is None:
        return None
    return {**span_json(time.span, text), "value": time.value}


def _quantity_json(quantity: QuantityMention | None, text: str) -> dict[str, Any] | None:
    if quantity is None:
        return None
    value = quantity.value
    if value is not None and float(value).is_integer():
        value = int(value)
    return {
        **span_json(quantity.span, text),
        "value": value,
        "approximate": quantity.approximate,
        "unit": quantity.unit,
    }


def _claims_json(
    claims: tuple[Claim, ...], event_ids: list[str], actor_ids: dict[str, str], text: str, digest: str
) -> list[dict[str, Any]]:
    ordered = sorted(claims, key=lambda c: (c.content, c.kind, c.rule.id))
    return [_claim_json(claim, event_ids, actor_ids, text, digest) for claim in ordered]


def _claim_json(
    claim: Claim, event_ids: list[str], actor_ids: dict[str, str], text: str, digest: str
) -> dict[str, Any]:
    speaker_ref = actor_ids.get(claim.speaker) if claim.speaker else None
    return {
        "id": stable_id("claim", digest, claim.kind, claim.content.start, claim.content.end, claim.rule.id),
        "kind": claim.kind,
        "speaker_ref": speaker_ref,
        "speaker": span_json(claim.speaker_span, text) if claim.speaker_span else None,
        "cue": span_json(claim.cue, text) if claim.cue else None,
        "content": span_json(claim.content, text),
        "hedges": [_hedge_json(hedge, text) for hedge in claim.hedges],
        "certainty": claim.certainty,
        "about_refs": sorted({event_ids[i] for i in claim.about if 0 <= i < len(event_ids)}),
        "rule": rule_json(claim.rule),
    }


def _hedge_json(hedge: Hedge, text: str) -> dict[str, Any]:
    return {**span_json(hedge.span, text), "kind": hedge.kind}
