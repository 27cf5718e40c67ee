"""Precision and recall of claim attribution on a small hand-made set (tests/files/claims_eval.jsonl).

Each record gives a sentence or two, the actors in it (and pronouns with the actor they stand for), and
the gold claims as ``{kind, speaker, content}``. Actors are given by hand so the score measures stage 4
alone; ``--pipeline`` uses the real mention finder instead (end-to-end score, speakers compared by the
text of the speaker mention or the actor's name).

    python benchmarks/measure_claims.py [--pipeline] [--show-misses]

Three scores: ``content`` (content text matches), ``speaker+content`` and ``full`` (kind too).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from converter.claims import attribute_claims
from converter.model import Actor, ActorMention, Claim, Mentions, RuleRef, Segments, Span
from converter.rules import RuleSet, load_rules
from converter.segment import segment

EVAL = Path(__file__).resolve().parent.parent / "tests" / "files" / "claims_eval.jsonl"
HAND = RuleRef("benchmarks.hand", 1)
LEVELS: dict[str, tuple[str, ...]] = {
    "content": ("content",),
    "speaker+content": ("speaker", "content"),
    "full": ("kind", "speaker", "content"),
}


def hand_mentions(segments: Segments, actors: Sequence[str], pronouns: Mapping[str, str]) -> Mentions:
    """Each listed actor name and pronoun, wherever it occurs, becomes an actor mention (longest first)."""
    found: list[ActorMention] = []
    pairs = [(name, name, False) for name in actors] + [(word, name, True) for word, name in pronouns.items()]
    for phrase, key, pronoun in sorted(pairs, key=lambda p: -len(p[0])):
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", segments.text):
            span = Span(m.start(), m.end())
            if not any(span.overlaps(f.span) for f in found):
                found.append(ActorMention(span, key, _sentence_of(segments, span.start), pronoun=pronoun))
    names = dict.fromkeys([*actors, *pronouns.values()])
    people = tuple(Actor(key=n, name=n, type="person", rule=HAND) for n in names)
    return Mentions(people, tuple(sorted(found, key=lambda f: f.span)), (), ())


def _sentence_of(segments: Segments, offset: int) -> int:
    return next((s.index for s in segments.sentences if s.span.start <= offset < s.span.end), 0)


def predicted(record: Mapping[str, Any], ruleset: RuleSet, pipeline: bool) -> list[dict[str, Any]]:
    """The claims the converter finds in one record, as {kind, speaker, content} (speaker: name or mention)."""
    text = record["text"]
    segments = segment(text)
    if pipeline:
        from converter.mentions import find_mentions

        mentions = find_mentions(segments, ruleset.lexicon, None)
    else:
        mentions = hand_mentions(segments, record.get("actors", ()), record.get("pronouns", {}))
    claims = attribute_claims(segments, mentions, (), ruleset)
    return [_view(text, c, mentions) for c in claims]


def _view(text: str, claim: Claim, mentions: Mentions) -> dict[str, Any]:
    speaker = None
    if claim.speaker is not None:
        speaker = {mentions.actor(claim.speaker).name, claim.speaker_span.slice(text) if claim.speaker_span else ""}
    return {"kind": claim.kind, "speaker": speaker, "content": claim.content.slice(text)}


def agrees(gold: Mapping[str, Any], guess: Mapping[str, Any], fields: Iterable[str]) -> bool:
    """Gold and guess agree on ``fields``; a guessed speaker is a set of acceptable names."""
    for name in fields:
        if name == "speaker":
            if (gold["speaker"] is None) != (guess["speaker"] is None):
                return False
            if gold["speaker"] is not None and gold["speaker"] not in guess["speaker"]:
                return False
        elif gold[name] != guess[name]:
            return False
    return True


def score(pairs: Sequence[tuple[list[dict], list[dict]]], fields: tuple[str, ...]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over all records (each gold claim matched at most once)."""
    tp = n_gold = n_guess = 0
    for gold, guess in pairs:
        n_gold, n_guess = n_gold + len(gold), n_guess + len(guess)
        left = list(guess)
        for g in gold:
            hit = next((x for x in left if agrees(g, x, fields)), None)
            if hit is not None:
                tp += 1
                left.remove(hit)
    p = tp / n_guess if n_guess else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", action="store_true", help="use the real mention finder")
    parser.add_argument("--show-misses", action="store_true", help="print records where gold and output differ")
    parser.add_argument("--file", type=Path, default=EVAL)
    parser.add_argument("--split", choices=("all", "dev", "heldout"), default="all",
                        help="dev: records the rules were tuned on; heldout: written afterwards, never tuned on")
    args = parser.parse_args(argv)
    ruleset = load_rules()
    records = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.split != "all":
        records = [r for r in records if r.get("split", "dev") == args.split]
    pairs = [(r["claims"], predicted(r, ruleset, args.pipeline)) for r in records]
    print(f"{len(records)} records, {sum(len(g) for g, _ in pairs)} gold claims, "
          f"{sum(len(p) for _, p in pairs)} found ({'pipeline' if args.pipeline else 'hand-named actors'})")
    for level, fields in LEVELS.items():
        p, r, f = score(pairs, fields)
        print(f"  {level:16} precision {p:.2f}  recall {r:.2f}  F1 {f:.2f}")
    if args.show_misses:
        for record, (gold, guess) in zip(records, pairs):
            if score([(gold, guess)], LEVELS["full"])[2] < 1.0 and (gold or guess):
                print(f"\n{record['text']}\n  gold: {gold}\n  got:  {guess}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
