"""Benchmark ``aec validate``: generate a JSONL of realistic documents, validate it, report speed and memory.

    python benchmarks/bench_validate.py [--documents 20000] [--stdlib-json]

Each document has ~4 KB of text and ~20 items (8 actors, 7 events, 5 claims, as in a typical
wire story) with exact spans. Printed: the end-to-end run over the JSONL file (reading
included) with the growth of peak RSS during it (flat: JSONL is streamed), then the schema pass
alone (jsonschema-rs), the semantic checks (the quick pass for schema-valid documents, and the
full walk that words issues) and the full check (schema + semantic) over already-parsed documents.
``--stdlib-json`` reads with the standard library only (orjson off), to measure what orjson brings.
Times are CPU time of this process, so other load on the machine does not skew them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from converter import jsonio
from converter.jsonio import iter_records
from converter.validation import (
    Summary,
    check_document,
    fast_validator,
    schema_parts,
    semantic_issues,
    validate_records,
)

# Synthetic tokens of 3-7 letters: the checks do not care what the words are, only where they are.
WORDS = [chr(ord("a") + i) * (3 + i % 5) for i in range(16)]


def _enum(stem: str, prop: str) -> list[str]:
    return schema_parts()[stem]["properties"][prop]["enum"]


def make_document(
    seed: int, counts: tuple[int, int, int] = (8, 7, 5), text_chars: int = 4000
) -> dict[str, Any]:
    """A deterministic, valid document of realistic size (varies with the seed)."""
    words = [WORDS[(seed + i * 7) % len(WORDS)] for i in range(text_chars // 6)]
    text = " ".join(words)
    starts = [0]
    for word in words[:-1]:
        starts.append(starts[-1] + len(word) + 1)

    def span(i: int) -> dict[str, Any]:
        k = (i * 13 + seed) % len(words)
        return {"start": starts[k], "end": starts[k] + len(words[k]), "text": words[k]}

    def ident(kind: str, i: int) -> str:
        return f"{kind}--{uuid.uuid5(uuid.NAMESPACE_OID, f'{seed}|{kind}|{i}')}"

    rule = {"id": "bench.rule", "version": 1}
    n_actors, n_events, n_claims = counts
    actors = [
        {
            "id": ident("actor", i),
            "name": words[i],
            "type": _enum("actor", "type")[i % 5],
            "mentions": [span(i), span(i + 50)],
            "country": "USA",
            "sector": None,
            "titles": [],
            "affiliation_ref": ident("actor", 0) if i else None,
            "rule": rule,
        }
        for i in range(n_actors)
    ]
    events = [
        {
            "id": ident("event", i),
            "type": _enum("event", "type")[i % 16],
            "mode": None,
            "trigger": span(i),
            "participants": [
                {"role": "source", "actor_ref": ident("actor", i % n_actors), "mention": span(i)}
            ],
            "time": {**span(i + 1), "value": "2024-11-05"},
            "quantity": None,
            "modality": "asserted",
            "negated": False,
            "evidence": span(i + 2),
            "rule": rule,
        }
        for i in range(n_events)
    ]
    claims = [
        {
            "id": ident("claim", i),
            "kind": "direct",
            "speaker_ref": ident("actor", i % n_actors),
            "speaker": span(i),
            "cue": span(i + 3),
            "content": span(i + 4),
            "hedges": [],
            "certainty": "certain",
            "about_refs": [ident("event", i % n_events)],
            "rule": rule,
        }
        for i in range(n_claims)
    ]
    return {
        "schema_version": "1.0.0",
        "producer": {"name": "bench", "version": "0", "rules_version": None},
        "article": {
            "id": f"bench-{seed}",
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "source": None,
            "dateline": None,
            "published": None,
            "language": "en",
            "title": None,
            "metadata": {},
        },
        "text": text,
        "actors": actors,
        "events": events,
        "claims": claims,
    }


def _documents(count: int) -> Iterator[dict[str, Any]]:
    return (make_document(seed % 97) for seed in range(count))


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} docs/s ({seconds:.2f} s)"


def _peak_rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--stdlib-json", action="store_true", help="read JSON with the standard library only")
    args = parser.parse_args()
    count = args.documents
    if args.stdlib_json:
        jsonio.orjson = None
    print("JSON reader: " + ("json (stdlib)" if jsonio.orjson is None else f"orjson {jsonio.orjson.__version__}"))
    sample = [make_document(seed) for seed in range(97)]
    assert all(check_document(doc) == [] for doc in sample), "benchmark documents must be valid"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for doc in _documents(count):
                handle.write(json.dumps(doc) + "\n")
        size = path.stat().st_size
        print(f"{count} documents, {size / count / 1024:.1f} KiB each, {size / 2**20:.0f} MiB file")
        rss_before = _peak_rss_mib()
        started = time.process_time()
        summary = Summary()
        for result in validate_records(iter_records([str(path)])):
            summary.add(result)
        elapsed = time.process_time() - started
        assert summary.valid == count, summary
        print("end to end from JSONL (read + check): " + _rate(count, elapsed))
        print(
            f"peak RSS {_peak_rss_mib():.0f} MiB (grew {_peak_rss_mib() - rss_before:.1f} MiB during the run)"
        )

    parsed = [sample[i % 97] for i in range(min(count, 5000))]
    started = time.process_time()
    assert all(fast_validator().is_valid(doc) for doc in parsed)
    print("schema only (jsonschema-rs, parsed):  " + _rate(len(parsed), time.process_time() - started))
    started = time.process_time()
    assert all(not semantic_issues(doc, schema_valid=True) for doc in parsed)
    print("semantic quick pass (parsed):         " + _rate(len(parsed), time.process_time() - started))
    started = time.process_time()
    assert all(not semantic_issues(doc) for doc in parsed)
    print("semantic full walk (parsed):          " + _rate(len(parsed), time.process_time() - started))
    started = time.process_time()
    assert all(not check_document(doc) for doc in parsed)
    print("schema + semantic (parsed):           " + _rate(len(parsed), time.process_time() - started))


if __name__ == "__main__":
    main()
