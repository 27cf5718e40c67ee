"""Measure the event rules on the PLOVER gold-standard development sentences.

Prints event-type recall and precision and source-actor accuracy, overall and per type:

    python benchmarks/measure_plover.py [--data tests/files/plover/plover-gsr-dev.jsonl] [--json] [-v]

Definitions (one gold type per sentence):
- recall: share of sentences where some predicted event has the gold type;
- precision: share of predicted events whose type is the sentence's gold type
  (``sentence_precision``: share of sentences with predictions that are hits);
- source accuracy: among hit sentences whose gold-typed event has a source, the share where a
  source actor's country code, name, or one of its mention texts ("U.N." for the United Nations)
  matches a gold actor's code or text.

The data is CC BY-SA 4.0 (see tests/files/plover/NOTICE). Rules must be improved by general
patterns, never tuned to single sentences: the other half of the records is held back.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "files" / "plover" / "plover-gsr-dev.jsonl"

Convert = Callable[[str], Mapping[str, Any]]


@dataclass
class TypeScore:
    """Counts for one PLOVER type."""

    gold: int = 0
    hits: int = 0
    predicted: int = 0
    correct: int = 0


@dataclass
class Scores:
    """The benchmark's result: overall figures, per-type counts and per-sentence misses."""

    sentences: int = 0
    hits: int = 0
    predicted_events: int = 0
    correct_events: int = 0
    sentences_with_predictions: int = 0
    source_checked: int = 0
    source_correct: int = 0
    per_type: dict[str, TypeScore] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    extras: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hits / self.sentences if self.sentences else 0.0

    @property
    def precision(self) -> float:
        return self.correct_events / self.predicted_events if self.predicted_events else 0.0

    @property
    def sentence_precision(self) -> float:
        return self.hits / self.sentences_with_predictions if self.sentences_with_predictions else 0.0

    @property
    def source_accuracy(self) -> float:
        return self.source_correct / self.source_checked if self.source_checked else 0.0


def load_records(path: Path = DEFAULT_DATA) -> list[dict[str, Any]]:
    """The gold records, one JSON object per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def default_convert() -> Convert:
    """The whole pipeline when it exists; else segment → mentions → events directly."""
    try:
        from converter.pipeline import convert
    except ImportError:  # pragma: no cover - only before the pipeline lands
        return _stage_convert()
    return lambda text: convert(text, validate=False)


def _stage_convert() -> Convert:  # pragma: no cover - fallback before the pipeline lands
    from converter.events import match_events
    from converter.mentions import find_mentions
    from converter.rules import load_rules
    from converter.segment import segment

    rules = load_rules()

    def run(text: str) -> Mapping[str, Any]:
        segments = segment(text)
        mentions = find_mentions(segments, rules.lexicon, None)
        actors = {a.key: a for a in mentions.actors}
        events = [
            {
                "type": e.type,
                "participants": [{"role": p.role, "actor_ref": p.actor} for p in e.participants],
            }
            for e in match_events(segments, mentions, rules)
        ]
        return {"actors": [{"id": k, "name": a.name, "country": a.country} for k, a in actors.items()],
                "events": events}

    return run


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().replace("’", "'").split())


def source_matches(doc: Mapping[str, Any], event: Mapping[str, Any], gold_actors: Sequence[Mapping[str, Any]]) -> bool:
    """True when some source of ``event`` names a gold actor by country code or by text."""
    actors = {a["id"]: a for a in doc.get("actors", ())}
    codes = {a.get("code") for a in gold_actors if a.get("code")}
    texts = [_norm(a.get("text")) for a in gold_actors if a.get("text")]
    for participant in event.get("participants", ()):
        if participant.get("role") != "source":
            continue
        actor = actors.get(participant.get("actor_ref"), {})
        if actor.get("country") in codes:
            return True
        names = {_norm(actor.get("name")), _norm((participant.get("mention") or {}).get("text"))}
        names |= {_norm(m.get("text")) for m in actor.get("mentions", ())}
        if any(name and (name in t or t in name) for name in names for t in texts):
            return True
    return False


def has_source(event: Mapping[str, Any]) -> bool:
    return any(p.get("role") == "source" for p in event.get("participants", ()))


def score_record(scores: Scores, record: Mapping[str, Any], doc: Mapping[str, Any]) -> None:
    """Add one sentence's outcome to ``scores``."""
    gold = record["type"]
    events = list(doc.get("events", ()))
    per = scores.per_type
    per.setdefault(gold, TypeScore()).gold += 1
    scores.sentences += 1
    scores.predicted_events += len(events)
    scores.sentences_with_predictions += bool(events)
    for event in events:
        per.setdefault(event["type"], TypeScore()).predicted += 1
        if event["type"] == gold:
            per[gold].correct += 1
            scores.correct_events += 1
        else:
            scores.extras.append({"id": record["id"], "gold": gold, "got": event["type"],
                                  "trigger": event["trigger"]["text"], "rule": event["rule"]["id"],
                                  "text": record["text"]})
    matching = [e for e in events if e["type"] == gold]
    if not matching:
        scores.misses.append({"id": record["id"], "gold": gold, "got": sorted({e["type"] for e in events}),
                              "text": record["text"]})
        return
    scores.hits += 1
    per[gold].hits += 1
    with_source = [e for e in matching if has_source(e)]
    if with_source:
        scores.source_checked += 1
        scores.source_correct += any(source_matches(doc, e, record.get("actors", ())) for e in with_source)


def measure(records: Iterable[Mapping[str, Any]], convert: Convert | None = None) -> Scores:
    """Run the converter on every record and score it."""
    run = convert or default_convert()
    scores = Scores()
    for record in records:
        score_record(scores, record, run(record["text"]))
    return scores


def format_table(scores: Scores) -> str:
    """A plain-text report: overall figures, then one row per type."""
    lines = [
        (f"sentences {scores.sentences}  recall {scores.recall:.3f}  precision {scores.precision:.3f} "
         f"(sentence precision {scores.sentence_precision:.3f})  source accuracy {scores.source_accuracy:.3f} "
         f"({scores.source_correct}/{scores.source_checked})"),
        f"{'type':<10} {'gold':>5} {'hits':>5} {'recall':>7} {'pred':>5} {'correct':>7} {'prec':>6}",
    ]
    for name in sorted(scores.per_type):
        s = scores.per_type[name]
        recall = s.hits / s.gold if s.gold else 0.0
        precision = s.correct / s.predicted if s.predicted else 0.0
        lines.append(f"{name:<10} {s.gold:>5} {s.hits:>5} {recall:>7.2f} {s.predicted:>5} {s.correct:>7} {precision:>6.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the missed sentences")
    args = parser.parse_args(argv)
    scores = measure(load_records(args.data))
    if args.json:
        summary = {k: getattr(scores, k) for k in ("recall", "precision", "sentence_precision", "source_accuracy")}
        print(json.dumps({**summary, **asdict(scores)}, indent=2))
        return 0
    print(format_table(scores))
    if args.verbose:
        for miss in scores.misses:
            print(f"MISS {miss['gold']:<9} got {','.join(miss['got']) or '-':<20} {miss['text'][:110]}")
        for extra in scores.extras:
            print(f"EXTRA {extra['got']:<9} gold {extra['gold']:<9} {extra['trigger']!r:<22} {extra['rule']:<32} "
                  f"{extra['text'][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
