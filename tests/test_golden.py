"""Golden test: the seed article's output, compared by meaning with the reviewed expected file.

What is compared is what a reader checks — actors (name, type, country, titles, mentions), events (type,
trigger, participants, modality, time) and claims (kind, speaker, cue, content) — not ids or bytes, so a
change shows up as a readable list of what appeared and what disappeared.

Regenerate after a reviewed change with ``python tests/test_golden.py --update``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "ap-north-korea-russia-troops.txt"
EXPECTED = ROOT / "seeds" / "ap-north-korea-russia-troops.expected.json"
PUBLISHED = "2024-10-29"


def convert_seed() -> dict[str, Any]:
    from converter import convert

    return convert(SEED.read_text("utf-8"), published=PUBLISHED, article_id=SEED.stem, source=f"seeds/{SEED.name}")


def summarize(doc: dict[str, Any]) -> set[str]:
    """One readable line per fact the document states."""
    names = {actor["id"]: actor["name"] for actor in doc["actors"]}
    lines = {_actor_line(actor, names) for actor in doc["actors"]}
    lines |= {_event_line(event, names) for event in doc["events"]}
    lines |= {_claim_line(claim, names) for claim in doc["claims"]}
    return lines


def _actor_line(actor: dict[str, Any], names: dict[str, str]) -> str:
    mentions = sorted({m["text"] for m in actor["mentions"]})
    affiliation = names.get(actor.get("affiliation_ref") or "", "-")
    return (f"actor {actor['type']} {actor['name']!r} country={actor['country']} sector={actor['sector']} "
            f"titles={actor['titles']} affiliation={affiliation!r} mentions={mentions}")


def _event_line(event: dict[str, Any], names: dict[str, str]) -> str:
    roles = sorted(f"{p['role']}={names.get(p['actor_ref'])}" for p in event["participants"])
    time = (event["time"] or {}).get("value")
    return (f"event {event['type']}/{event['mode']} {event['trigger']['text']!r}@{event['trigger']['start']} "
            f"{roles} {event['modality']} time={time}")


def _claim_line(claim: dict[str, Any], names: dict[str, str]) -> str:
    speaker = names.get(claim["speaker_ref"] or "", None)
    cue = (claim["cue"] or {}).get("text")
    return f"claim {claim['kind']} speaker={speaker!r} cue={cue!r} content={claim['content']['text']!r}"


def test_the_seed_output_matches_the_reviewed_golden_file() -> None:
    expected = summarize(json.loads(EXPECTED.read_text("utf-8")))
    got = summarize(convert_seed())
    missing, extra = sorted(expected - got), sorted(got - expected)
    report = "\n".join(["missing (in the golden file, not produced):", *missing, "new (produced, not in the golden file):",
                        *extra, "review, then: python tests/test_golden.py --update"])
    assert not missing and not extra, report


def test_the_golden_file_is_a_valid_document() -> None:
    from converter import validate

    assert validate(json.loads(EXPECTED.read_text("utf-8"))) == []


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: python tests/test_golden.py --update")
    EXPECTED.write_text(json.dumps(convert_seed(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {EXPECTED.relative_to(ROOT)}")
