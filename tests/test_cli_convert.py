"""`aec convert` end to end: inputs, outputs, bad records, resume, exit codes."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from converter.cli import main

ARTICLE = "WASHINGTON (AP) — Ruritania's foreign minister visited Moscow on Monday, officials said."


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_one_text_file_gives_one_valid_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    code, out, _ = run(["convert", str(tmp_path / "a.txt"), "--published", "2024-11-05"], capsys)
    document = json.loads(out)
    assert code == 0 and document["article"]["id"] == "a" and document["article"]["published"] == "2024-11-05"


def test_a_jsonl_batch_converts_the_good_records_and_reports_the_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "one", "text": ARTICLE, "outlet": "AP"}) + "\n{broken\n"
        + json.dumps({"id": "two", "text": ARTICLE}) + "\n", "utf-8"
    )
    code, _, err = run(["convert", str(source), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1"], capsys)
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert code == 1
    assert [d["article"]["id"] for d in lines] == ["one", "two"]
    assert lines[0]["article"]["metadata"] == {"outlet": "AP"}
    assert "in.jsonl:2" in err and "not JSON" in err


def test_resume_skips_articles_already_converted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps({"id": f"n{i}", "text": ARTICLE}) + "\n" for i in range(3)), "utf-8")
    run(["convert", str(source), "-o", str(output), "--jobs", "1"], capsys)
    kept = output.read_text("utf-8").splitlines()[:1]
    output.write_text(kept[0] + "\n" + '{"partial', "utf-8")  # as if killed mid-write
    code, _, _ = run(["convert", str(source), "-o", str(output), "--jobs", "1", "--resume"], capsys)
    ids = [json.loads(line)["article"]["id"] for line in output.read_text("utf-8").splitlines()]
    assert code == 0 and ids == ["n0", "n1", "n2"]


def test_a_folder_converts_into_one_file_per_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    for name in ("x", "y"):
        (tmp_path / "in" / f"{name}.txt").write_text(ARTICLE, "utf-8")
    code, _, _ = run(["convert", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/", "--jobs", "1"], capsys)
    assert code == 0 and sorted(p.name for p in (tmp_path / "out").iterdir()) == ["x.json", "y.json"]


def test_stdin_text_is_converted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(ARTICLE.encode()))))
    code, out, _ = run(["convert", "-"], capsys)
    assert code == 0 and json.loads(out)["text"] == ARTICLE


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["convert", "/no/such/file.txt"], "no such file"),
        (["convert", "{seed}", "--published", "yesterday"], "not an ISO date"),
    ],
)
def test_usage_errors_exit_2_with_a_located_message(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seed.txt").write_text(ARTICLE, "utf-8")
    argv = [a.replace("{seed}", str(tmp_path / "seed.txt")) for a in argv]
    code, _, err = run(argv, capsys)
    assert code in (1, 2) and message in err and "Traceback" not in err


def test_a_text_file_that_is_not_utf8_fails_with_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    code, _, err = run(["convert", str(tmp_path / "latin.txt")], capsys)
    assert code == 1 and "latin.txt" in err and "UTF-8" in err


def test_a_user_rule_folder_replaces_a_shipped_rule_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from converter.pipeline import default_ruleset

    monkeypatch.delenv("AEC_RULES", raising=False)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "consult.yaml").write_text(
        "kind: events\nid: events.consult\ndescription: a user's version\nrules:\n"
        "  - id: visit\n    version: 7\n    status: experimental\n    description: visits, user version\n"
        "    type: CONSULT\n    mode: visit\n    pattern: \"$source ..4 ~visit $target\"\n"
        "    examples:\n      match:\n        - text: \"Ruritania's foreign minister visited Moscow.\"\n"
        "          expect: {type: CONSULT}\n      no_match: [\"The museum had few visitors.\"]\n",
        "utf-8",
    )
    (tmp_path / "a.txt").write_text("President Emmanuel Macron visited Germany on Monday.", "utf-8")
    try:
        code, out, err = run(["convert", str(tmp_path / "a.txt"), "--rules", str(tmp_path / "rules")], capsys)
    finally:
        os.environ.pop("AEC_RULES", None)  # set by the command itself, not by monkeypatch: undo it here
        default_ruleset.cache_clear()
    assert code == 0 and "events.consult.visit" in err and "replaces" in err
    versions = {(e["rule"]["id"], e["rule"]["version"]) for e in json.loads(out)["events"]}
    assert ("events.consult.visit", 7) in versions


def test_a_partial_publication_date_is_kept_in_metadata_not_rejected() -> None:
    from converter import convert

    document = convert(ARTICLE, published="2016-10")
    assert document["article"]["published"] is None
    assert document["article"]["metadata"] == {"published": "2016-10"}


def test_an_argument_too_long_to_be_a_file_name_is_a_located_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["convert", "x" * 300], capsys)
    assert code == 2 and "File name too long" in err and "Traceback" not in err and "…" in err


def test_explain_reads_a_long_argument_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Russia attacked Ukraine on Monday. " * 12  # longer than any file name may be
    code, out, _ = run(["explain", text], capsys)
    assert code == 0 and "'Russia' → country" in out
