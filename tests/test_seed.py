"""The seed article: what a careful human reader extracts from it must be in the output.

These assertions check meaning (who did what to whom, who said what), not the exact bytes; the
byte-for-byte regression check against the reviewed output lives in test_golden.py.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from converter import convert, validate

SEED = Path(__file__).resolve().parent.parent / "seeds" / "ap-north-korea-russia-troops.txt"


@cache
def seed_document() -> dict[str, Any]:
    return convert(SEED.read_text("utf-8"), published="2024-10-29", article_id="ap-north-korea-russia-troops")


def actor_names(doc: dict[str, Any], refs: list[str]) -> set[str]:
    names = {a["id"]: a["name"] for a in doc["actors"]}
    return {names[r] for r in refs if r in names}


def role_names(doc: dict[str, Any], event: dict[str, Any], role: str) -> set[str]:
    return actor_names(doc, [p["actor_ref"] for p in event["participants"] if p["role"] == role])


def events_of(doc: dict[str, Any], plover_type: str) -> list[dict[str, Any]]:
    return [e for e in doc["events"] if e["type"] == plover_type]


def claims_containing(doc: dict[str, Any], words: str) -> list[dict[str, Any]]:
    return [c for c in doc["claims"] if words in c["content"]["text"]]


def speaker_name(doc: dict[str, Any], claim: dict[str, Any]) -> str | None:
    names = actor_names(doc, [claim["speaker_ref"]] if claim["speaker_ref"] else [])
    return next(iter(names), None)


def test_the_seed_document_validates_and_converts_identically_twice() -> None:
    doc = seed_document()
    assert validate(doc) == []
    again = convert(SEED.read_text("utf-8"), published="2024-10-29", article_id="ap-north-korea-russia-troops")
    assert again == doc


def test_the_dateline_gives_place_and_agency() -> None:
    dateline = seed_document()["article"]["dateline"]
    assert dateline["agency"] == "AP" and dateline["place"].startswith("SEOUL")


def test_people_are_found_with_titles_and_their_short_mentions() -> None:
    actors = {a["name"]: a for a in seed_document()["actors"]}
    ryder = actors["Pat Ryder"]
    assert ryder["type"] == "person"
    assert any("press secretary" in t for t in ryder["titles"])
    assert {m["text"] for m in ryder["mentions"]} >= {"Ryder"}
    assert actors["Choe Son Hui"]["type"] == "person"
    assert actors["Yoon Suk Yeol"]["country"] == "KOR"
    assert actors["North Korea"]["country"] == "PRK" and actors["Russia"]["country"] == "RUS"


def test_ryders_direct_quote_is_attributed_to_pat_ryder() -> None:
    doc = seed_document()
    (claim,) = claims_containing(doc, "it remains to be seen")
    assert claim["kind"] == "direct" and speaker_name(doc, claim) == "Pat Ryder"
    assert not claim["content"]["text"].startswith("\u201c")


def test_yoons_direct_quote_is_attributed_to_yoon() -> None:
    doc = seed_document()
    claims = claims_containing(doc, "The illegal military collusion")
    assert claims and all(speaker_name(doc, c) == "Yoon Suk Yeol" for c in claims)
    assert claims[0]["kind"] == "direct"


def test_the_pentagon_claims_north_korea_sent_about_10000_troops() -> None:
    doc = seed_document()
    claims = claims_containing(doc, "sent around 10,000 troops")
    assert any(speaker_name(doc, c) in {"Pentagon", "the Pentagon"} for c in claims)


def test_choes_visit_to_russia_is_a_consult_event() -> None:
    doc = seed_document()
    assert any(
        role_names(doc, e, "source") & {"Choe Son Hui", "North Korea"} and "Russia" in role_names(doc, e, "target")
        for e in events_of(doc, "CONSULT")
    )


def test_north_korean_troops_and_shells_for_russia_are_aid() -> None:
    doc = seed_document()
    aid = [e for e in events_of(doc, "AID") if "Russia" in role_names(doc, e, "target")]
    assert aid and all(role_names(doc, e, "source") for e in aid)


def test_russias_veto_is_a_reject_event() -> None:
    doc = seed_document()
    assert any("Russia" in role_names(doc, e, "source") for e in events_of(doc, "REJECT"))


def test_the_yoon_zelenskyy_call_is_a_consult_event() -> None:
    doc = seed_document()
    assert any(
        {"Yoon Suk Yeol", "Volodymyr Zelenskyy"} <= role_names(doc, e, "source") | role_names(doc, e, "target")
        for e in events_of(doc, "CONSULT")
    )
