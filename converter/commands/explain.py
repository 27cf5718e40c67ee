"""``aec explain``: show, sentence by sentence, what was found and which rule fired.

For people writing rules: run it on a sentence and see the actors, times, quantities, events
and claims the current rules produce, each with the id of the rule behind it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from converter.errors import InputError, Location
from converter.model import Sentence


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("explain", help="show what the rules find in a text, sentence by sentence",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar="TEXT|FILE|-", help="a text, a file holding one, or - for stdin")
    parser.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for resolving times")
    parser.add_argument("--rules", metavar="DIR", action="append", default=[], help="extra rule folder (repeatable)")


def run(args: argparse.Namespace) -> int:
    from converter.pipeline import analyse, default_ruleset, parse_published
    from converter.rules import load_rules

    text = _read_input(args.input)
    ruleset = load_rules([Path(d) for d in args.rules]) if args.rules else default_ruleset()
    found = analyse(text, published=parse_published(args.published), ruleset=ruleset)
    for sentence in found.segments.sentences:
        _print_sentence(sentence, found, text)
    return 0


def _read_input(value: str) -> str:
    if value == "-":
        return sys.stdin.read()
    path = Path(value)
    if "\n" not in value and _is_file(path):
        try:
            return path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read as UTF-8 text: {error}", Location(path=value)) from None
    return value


def _is_file(path: Path) -> bool:
    """Whether the argument names a file; a text too long to be a file name is not one (no OSError)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _print_sentence(sentence: Sentence, found: Any, text: str) -> None:
    print(f"[{sentence.index}] {sentence.span.slice(text)}")
    actors = {actor.key: actor for actor in found.mentions.actors}
    for mention in found.mentions.actor_mentions:
        if mention.sentence == sentence.index:
            actor = actors.get(mention.actor)
            label = f"{actor.type} {actor.name!r}" if actor else mention.actor
            rule = mention.rule.id if mention.rule else (actor.rule.id if actor else "?")
            kind = "pronoun" if mention.pronoun else "actor"
            print(f"    {kind:<8} {mention.span.slice(text)!r} → {label}  [{rule}]")
    for time in found.mentions.times:
        if time.sentence == sentence.index:
            print(f"    time     {time.span.slice(text)!r} → {time.value}  [{time.rule.id if time.rule else '?'}]")
    for quantity in found.mentions.quantities:
        if quantity.sentence == sentence.index:
            rule = quantity.rule.id if quantity.rule else "?"
            print(f"    quantity {quantity.span.slice(text)!r} → {quantity.value} {quantity.unit}  [{rule}]")
    for event in found.events:
        if event.sentence == sentence.index:
            roles = ", ".join(f"{p.role}={actors[p.actor].name if p.actor in actors else p.actor}" for p in event.participants)
            mode = f"/{event.mode}" if event.mode else ""
            print(f"    event    {event.type}{mode} {event.trigger.slice(text)!r} ({roles}) {event.modality}  "
                  f"[{event.rule.id}@{event.rule.version}]")
    for claim in found.claims:
        if sentence.span.start <= claim.content.start < sentence.span.end:
            speaker = actors[claim.speaker].name if claim.speaker in actors else "(unattributed)"
            print(f"    claim    {claim.kind} {speaker}: {claim.content.slice(text)[:80]!r}  "
                  f"[{claim.rule.id}@{claim.rule.version}]")
