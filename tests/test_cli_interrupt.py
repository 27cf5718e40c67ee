"""Ctrl-C during a parallel batch leaves whole lines only, and --resume finishes the job."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

ARTICLE = "Ruritania's foreign minister visited Moscow on Monday, officials said."


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_an_interrupted_batch_keeps_complete_lines_and_resume_converts_the_rest(tmp_path: Path) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    total = 3000
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": ARTICLE}) + "\n" for i in range(total)), "utf-8")
    command = [sys.executable, "-m", "converter", "convert", str(source), "-o", str(output), "--jobs", "2", "-q"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline and _size(output) < 20_000:
        time.sleep(0.05)  # wait until some documents are written, then interrupt
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    done = _lines(output)  # every line parses: no half-written record
    assert process.returncode == 130 and "interrupted" in err
    assert 0 < len(done) < total
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    ids = [doc["article"]["id"] for doc in _lines(output)]
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(ids) == sorted(f"a{i}" for i in range(total)) and len(set(ids)) == total
