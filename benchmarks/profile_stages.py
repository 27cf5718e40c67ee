"""Where conversion time goes: CPU seconds per pipeline stage, and optionally a profile of one stage.

Usage::

    python benchmarks/profile_stages.py [--repeat 5] [--profile segment|mentions|events|claims|document]

The corpus is benchmarks/data/re3d-us.jsonl plus the seed article. Times are CPU time of this process
(``time.process_time``), so other work on the machine disturbs them less than wall-clock time; compare
runs on the same machine only. ``--profile`` runs cProfile over that stage alone, inputs precomputed.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from converter import pipeline

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = pipeline.parse_published("2024-11-05")


def texts() -> list[str]:
    found = [json.loads(line)["text"] for line in (ROOT / "benchmarks" / "data" / "re3d-us.jsonl").open(encoding="utf-8")]
    found.append((ROOT / "seeds" / "ap-north-korea-russia-troops.txt").read_text("utf-8"))
    return found


def stage_calls(corpus: list[str]) -> dict[str, list[Callable[[], Any]]]:
    """For each stage, one zero-argument call per article, its inputs computed beforehand."""
    rules = pipeline.default_ruleset()
    calls: dict[str, list[Callable[[], Any]]] = {name: [] for name in ("segment", "mentions", "events", "claims", "document")}
    for text in corpus:
        segments = pipeline.segment(text)
        mentions = pipeline.find_mentions(segments, rules.lexicon, PUBLISHED)
        events = pipeline.match_events(segments, mentions, rules)
        calls["segment"].append(lambda t=text: pipeline.segment(t))
        calls["mentions"].append(lambda s=segments: pipeline.find_mentions(s, rules.lexicon, PUBLISHED))
        calls["events"].append(lambda s=segments, m=mentions: pipeline.match_events(s, m, rules))
        calls["claims"].append(lambda s=segments, m=mentions, e=events: pipeline.attribute_claims(s, m, e, rules))
        calls["document"].append(lambda t=text: json.dumps(pipeline.convert(t, published=PUBLISHED)))
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=["segment", "mentions", "events", "claims", "document"])
    parser.add_argument("--sort", default="tottime", help="pstats sort key for --profile")
    args = parser.parse_args()
    corpus = texts()
    words = sum(len(t.split()) for t in corpus) * args.repeat
    calls = stage_calls(corpus)
    # As convert() does after its first article: the long-lived rules and the precomputed stage inputs leave
    # the collector's view, so a full collection does not land on whichever stage crosses the threshold.
    gc.collect()
    gc.freeze()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            for call in calls[args.profile]:
                call()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
        return
    seconds = {}
    for name, stage in calls.items():
        start = time.process_time()
        for _ in range(args.repeat):
            for call in stage:
                call()
        seconds[name] = time.process_time() - start
    whole = seconds.pop("document")
    print(f"{'stage':<12} {'CPU s':>8} {'share':>7}")
    for name, value in seconds.items():
        print(f"{name:<12} {value:>8.3f} {value / whole:>7.0%}")
    rest = whole - sum(seconds.values())
    print(f"{'build+valid':<12} {rest:>8.3f} {rest / whole:>7.0%}")
    print(f"{'convert()':<12} {whole:>8.3f}   {words / whole:,.0f} words/s")


if __name__ == "__main__":
    main()
