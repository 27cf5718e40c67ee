"""Check that a change to the converter leaves its output unchanged, byte for byte.

Usage::

    python benchmarks/same_output.py record OUT.jsonl   # before the change
    python benchmarks/same_output.py check OUT.jsonl    # after: lists every article whose JSON differs

Why: speed work must not change what the converter finds. The corpus is every text the repository holds
(benchmarks/data/re3d-us.jsonl, the seed, tests/files/articles, the PLOVER and claims sentences), converted
with a fixed publication date so the comparison is exact.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = "2024-11-05"


def corpus() -> Iterator[tuple[str, str]]:
    """(name, text) for every article and sentence the repository ships."""
    for line_no, line in enumerate((ROOT / "benchmarks" / "data" / "re3d-us.jsonl").open(encoding="utf-8"), 1):
        yield f"re3d:{line_no}", json.loads(line)["text"]
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        yield f"seed:{path.name}", path.read_text("utf-8")
    for path in sorted((ROOT / "tests" / "files" / "articles").glob("*.txt")):
        yield f"article:{path.name}", path.read_text("utf-8")
    for path in [ROOT / "tests" / "files" / "claims_eval.jsonl", *sorted((ROOT / "tests" / "files" / "plover").glob("*.jsonl"))]:
        for line_no, line in enumerate(path.open(encoding="utf-8"), 1):
            record = json.loads(line)
            text = record.get("text") or record.get("sentence")
            if isinstance(text, str) and text.strip():
                yield f"{path.relative_to(ROOT)}:{line_no}", text


def outputs() -> Iterator[tuple[str, str]]:
    from converter.pipeline import convert

    for name, text in corpus():
        yield name, json.dumps(convert(text, article_id="same-output", published=PUBLISHED), sort_keys=True)


def comparable(document: str) -> str:
    """The document without ``producer.rules_version``: a hash of the rule files' text, which moving data
    between files (or editing a description) changes although nothing found changes."""
    data = json.loads(document)
    data["producer"].pop("rules_version", None)
    return json.dumps(data, sort_keys=True)


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("record", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    target = Path(sys.argv[2])
    if sys.argv[1] == "record":
        with target.open("w", encoding="utf-8") as out:
            for name, doc in outputs():
                out.write(json.dumps({"name": name, "doc": doc}) + "\n")
        return 0
    before = {r["name"]: comparable(r["doc"]) for r in map(json.loads, target.open(encoding="utf-8"))}
    changed = [name for name, doc in outputs() if before.pop(name, None) != comparable(doc)]
    for name in changed + sorted(before):
        print(f"differs: {name}")
    print(f"{len(changed) + len(before)} differ" if changed or before else "same output")
    return 1 if changed or before else 0


if __name__ == "__main__":
    sys.exit(main())
