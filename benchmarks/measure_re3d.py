"""Entity precision/recall of stage 2 (actor mentions) on the re3d US-government subset.

Usage::

    python benchmarks/measure_re3d.py [PATH/TO/re3d-us/articles.jsonl] [--errors N]

The annotated re3d file is not shipped (only its texts are, in benchmarks/data/); by default it is
looked for in the developers' shared folder beside the repository, ../shared/dev/re3d-us/.

re3d types are compared with ours through COMPATIBLE below: re3d calls a country acting as an agent
an Organisation and a country as a place a Location, so a country mention counts for either. A match
is *lenient* when the spans overlap and *strict* when they are equal. Recall is per re3d type;
precision per aec type (pronoun mentions excluded: re3d does not annotate pronouns). Nationality is
recall only: aec folds demonyms into the actor they qualify, so a Nationality counts as found when
an aec mention covers it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from converter.lexicon import load_lexicon
from converter.mentions import find_mentions
from converter.model import Mentions
from converter.segment import segment

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "dev" / "re3d-us" / "articles.jsonl"
COMPATIBLE = {
    "person": {"Person"},
    "organization": {"Organisation"},
    "group": {"Organisation", "Person"},
    "country": {"Location", "Organisation"},
    "location": {"Location"},
}
GOLD_TYPES = ("Person", "Organisation", "Location", "Nationality")


def _ours(mentions: Mentions) -> list[tuple[int, int, str]]:
    types = {a.key: a.type for a in mentions.actors}
    return [(m.span.start, m.span.end, types[m.actor]) for m in mentions.actor_mentions if not m.pronoun]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _found(gold: dict, ours: Iterable[tuple[int, int, str]], strict: bool) -> bool:
    span = (gold["start"], gold["end"])
    for start, end, kind in ours:
        fits = gold["type"] == "Nationality" or gold["type"] in COMPATIBLE[kind]
        if fits and ((start, end) == span if strict else _overlap((start, end), span)):
            return True
    return False


def _correct(ours: tuple[int, int, str], golds: list[dict], strict: bool) -> bool:
    start, end, kind = ours
    for gold in golds:
        if gold["type"] in COMPATIBLE[kind]:
            span = (gold["start"], gold["end"])
            if ((start, end) == span) if strict else _overlap((start, end), span):
                return True
    return False


def measure(path: Path, show_errors: int = 0) -> dict[str, Counter]:
    """Count hits and totals per type over every document; print up to ``show_errors`` misses and false alarms."""
    counts: dict[str, Counter] = {"recall": Counter(), "precision": Counter(), "speed": Counter()}
    lexicon = load_lexicon()
    find_mentions(
        segment("President Ann Lee said so."), lexicon
    )  # load word lists and grammars before timing
    shown = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = doc["text"]
        segments = segment(text)
        started = time.process_time()
        found = find_mentions(segments, lexicon)
        counts["speed"]["cpu_us"] += round((time.process_time() - started) * 1e6)
        counts["speed"]["words"] += len(text.split())
        ours = _ours(found)
        golds = [g for g in doc["entities"] if g["type"] in GOLD_TYPES]
        for gold in golds:
            for mode in ("strict", "lenient"):
                counts["recall"][(gold["type"], mode)] += _found(gold, ours, mode == "strict")
            counts["recall"][(gold["type"], "total")] += 1
            if shown < show_errors and gold["type"] != "Nationality" and not _found(gold, ours, False):
                print(f"MISS {gold['type']:12} {gold['text']!r}", file=sys.stderr)
                shown += 1
        for item in ours:
            for mode in ("strict", "lenient"):
                counts["precision"][(item[2], mode)] += _correct(item, golds, mode == "strict")
            counts["precision"][(item[2], "total")] += 1
            if shown < show_errors and not _correct(item, golds, False):
                print(f"FALSE {item[2]:12} {text[item[0] : item[1]]!r}", file=sys.stderr)
                shown += 1
    return counts


def _ratio(hit: int, total: int) -> str:
    return f"{hit / total:6.1%}" if total else "   n/a"


def print_table(counts: dict[str, Counter]) -> None:
    print(f"{'re3d type':14}{'gold':>6}{'R strict':>10}{'R lenient':>11}")
    for kind in GOLD_TYPES:
        r = counts["recall"]
        print(
            f"{kind:14}{r[(kind, 'total')]:6}{_ratio(r[(kind, 'strict')], r[(kind, 'total')]):>10}"
            f"{_ratio(r[(kind, 'lenient')], r[(kind, 'total')]):>11}"
        )
    print()
    print(f"{'aec type':14}{'found':>6}{'P strict':>10}{'P lenient':>11}")
    for kind in COMPATIBLE:
        p = counts["precision"]
        print(
            f"{kind:14}{p[(kind, 'total')]:6}{_ratio(p[(kind, 'strict')], p[(kind, 'total')]):>10}"
            f"{_ratio(p[(kind, 'lenient')], p[(kind, 'total')]):>11}"
        )
    speed = counts["speed"]
    if speed["words"]:
        print(
            f"\nfind_mentions: {speed['cpu_us'] / speed['words']:.1f} µs/word CPU over {speed['words']} words "
            "(stage 2 alone, loading excluded)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--errors", type=int, default=0, help="print this many misses/false alarms to stderr")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        parser.error(f"annotated re3d file not found: {args.path} (pass its path)")
    started = time.perf_counter()
    counts = measure(args.path, args.errors)
    print_table(counts)
    print(f"\n{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
