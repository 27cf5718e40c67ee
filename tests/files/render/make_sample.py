"""Rebuild sample.json: a hand-written document for the render tests, offsets computed from the text.

Run ``python tests/files/render/make_sample.py`` after editing. The document follows the shape in
docs/ARCHITECTURE.md and validates against schema v1 (tests/test_render.py checks that). It has a
non-BMP character before most spans (code-point offsets), nested spans (claim content holding actors,
events, times and quantities) and an actor mention inside the dateline.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

TEXT = (
    "SEOUL, South Korea (AP) — North Korea’s Foreign Minister Choe Son Hui visited Russia on Monday 🚀, "
    "officials said.\n"
    "“We will send about 10,000 troops to Russia,” Choe told reporters in Moscow on Tuesday.\n"
    "According to South Korea, the troops may already be fighting Ukraine."
)
SENTENCES = TEXT.split("\n")
ACTOR = {key: f"actor--00000000-0000-5000-8000-00000000000{i}"
         for i, key in enumerate(["prk", "choe", "rus", "kor", "ukr", "mow"], 1)}
EVENT = [f"event--00000000-0000-5000-9000-00000000000{i}" for i in (1, 2, 3)]
CLAIM = [f"claim--00000000-0000-5000-a000-00000000000{i}" for i in (1, 2, 3)]


def span(words: str, nth: int = 0) -> dict[str, Any]:
    """The ``nth`` occurrence of ``words`` in the text as a span object."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return {"start": start, "end": start + len(words), "text": words}


def rule(rule_id: str) -> dict[str, Any]:
    return {"id": rule_id, "version": 1}


def actor(key: str, name: str, kind: str, mentions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": ACTOR[key], "name": name, "type": kind, "mentions": mentions, **extra}


def role(name: str, key: str, mention: dict[str, Any]) -> dict[str, Any]:
    return {"role": name, "actor_ref": ACTOR[key], "mention": mention}


def actors() -> list[dict[str, Any]]:
    country = rule("actors.gazetteer.country")
    found = [
        actor("kor", "South Korea", "country", [span("South Korea"), span("South Korea", 1)],
              country="KOR", rule=country),
        actor("prk", "North Korea", "country", [span("North Korea")], country="PRK", rule=country),
        actor("choe", "Choe Son Hui", "person", [span("Foreign Minister Choe Son Hui"), span("Choe", 1)],
              country="PRK", sector="government", titles=["Foreign Minister"], affiliation_ref=ACTOR["prk"],
              rule=rule("actors.person.titled")),
        actor("rus", "Russia", "country", [span("Russia"), span("Russia", 1)], country="RUS", rule=country),
        actor("mow", "Moscow", "location", [span("Moscow")], country="RUS",
              rule=rule("actors.gazetteer.city")),
        actor("ukr", "Ukraine", "country", [span("Ukraine")], country="UKR", rule=country),
    ]
    return sorted(found, key=lambda a: a["mentions"][0]["start"])


def event(index: int, kind: str, trigger: str, parts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    base = {"id": EVENT[index], "type": kind, "mode": None, "trigger": span(trigger), "participants": parts,
            "time": None, "quantity": None, "modality": "asserted", "negated": False,
            "evidence": span(SENTENCES[index])}
    return {**base, **extra}


def events() -> list[dict[str, Any]]:
    return [
        event(0, "CONSULT", "visited",
              [role("source", "choe", span("Foreign Minister Choe Son Hui")),
               role("target", "rus", span("Russia"))],
              mode="visit", time={**span("on Monday"), "value": "2024-11-04"}, modality="reported",
              rule=rule("events.consult.visit")),
        event(1, "MOBILIZE", "send",
              [role("source", "choe", span("Choe", 1)), role("target", "rus", span("Russia", 1))],
              quantity={**span("about 10,000 troops"), "value": 10000, "approximate": True, "unit": "troops"},
              modality="planned", rule=rule("events.mobilize.send_troops")),
        event(2, "ASSAULT", "fighting", [role("target", "ukr", span("Ukraine"))],
              modality="possible", rule=rule("events.assault.fighting")),
    ]


def claim(index: int, kind: str, content: str, **extra: Any) -> dict[str, Any]:
    base = {"id": CLAIM[index], "kind": kind, "speaker_ref": None, "speaker": None, "cue": None,
            "content": span(content), "hedges": [], "certainty": "certain", "about_refs": [EVENT[index]]}
    return {**base, **extra}


def claims() -> list[dict[str, Any]]:
    return [
        claim(0, "indirect", "North Korea’s Foreign Minister Choe Son Hui visited Russia on Monday 🚀",
              cue=span("said"), rule=rule("claims.indirect.said_after")),
        claim(1, "direct", "We will send about 10,000 troops to Russia,", speaker_ref=ACTOR["choe"],
              speaker=span("Choe", 1), cue=span("told"), rule=rule("claims.quote.before")),
        claim(2, "according_to", "the troops may already be fighting Ukraine", speaker_ref=ACTOR["kor"],
              speaker=span("South Korea", 1), cue=span("According to"), certainty="possible",
              hedges=[{**span("may"), "kind": "uncertainty"}], rule=rule("claims.according_to.leading")),
    ]


def document() -> dict[str, Any]:
    dateline = {"place": "SEOUL, South Korea", "agency": "AP", "span": span("SEOUL, South Korea (AP) —")}
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    article = {"id": "render-sample", "text_sha256": digest, "source": None,
               "dateline": dateline, "published": "2024-11-05", "language": "en",
               "title": "Render sample (hand-built)", "metadata": {}}
    producer = {"name": "aec", "version": "0.1.0", "rules_version": "2026.11.27"}
    return {"schema_version": "1.0.0", "producer": producer, "article": article, "text": TEXT,
            "actors": actors(), "events": events(), "claims": claims()}


if __name__ == "__main__":
    target = Path(__file__).with_name("sample.json")
    target.write_text(json.dumps(document(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
