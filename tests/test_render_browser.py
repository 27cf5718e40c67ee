"""The HTML view in a real browser: headless Chromium runs the page's own #selftest hook.

The page, opened at ``#selftest``, clicks every actor in the side panel, counts the marked mentions,
toggles a filter and records script errors into ``<pre id="selftest">``; ``--dump-dom`` hands the
resulting DOM back. No DevTools client, no new dependency. A screenshot is kept in ``artifacts/``.

Without /usr/bin/chromium the tests skip locally and fail under CI (``$CI`` set): install it with
``.ci/install-browser.sh``.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

try:  # tests/ is on sys.path (pytest's default rootdir-less layout) ...
    from test_render import HOSTILE, convert_seed, expected_spans, hostile_document, load_sample, read_page
except ImportError:  # ... or tests is a package
    from tests.test_render import (
        HOSTILE,
        convert_seed,
        expected_spans,
        hostile_document,
        load_sample,
        read_page,
    )

from converter.render import render_html

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} not found: run .ci/install-browser.sh (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_chromium(browser: Path, tmp_path: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    result = subprocess.run([str(browser), *FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def selftest(browser: Path, tmp_path: Path, doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Open the rendered page at #selftest; return the hook's results and the dumped DOM."""
    page = tmp_path / "page.html"
    page.write_text(render_html(doc), encoding="utf-8")
    dom = run_chromium(browser, tmp_path, "--dump-dom", page.as_uri() + "#selftest")
    found = re.search(r'<pre id="selftest"[^>]*>(.*?)</pre>', dom, re.S)
    assert found and found.group(1), f"the page wrote no self-test result; DOM starts: {dom[:500]!r}"
    return json.loads(html.unescape(found.group(1))), dom


def assert_page_works(result: dict[str, Any], doc: dict[str, Any]) -> None:
    assert result["errors"] == []
    assert result["highlights"] == len(expected_spans(doc))
    mentions = {a["id"]: len({(m["start"], m["end"]) for m in a["mentions"]}) for a in doc["actors"]}
    assert {a["id"]: a["selected"] for a in result["actors"]} == mentions
    assert all(a["foreign"] == 0 for a in result["actors"])
    assert result["filter"]["hidden"] == "rgba(0, 0, 0, 0)" != result["filter"]["before"]
    assert result["filter"]["restored"] == result["filter"]["before"]


def test_sample_page_runs_without_errors_and_clicking_an_actor_marks_its_mentions(
    chromium: Path, tmp_path: Path
) -> None:
    doc = load_sample()
    result, _ = selftest(chromium, tmp_path, doc)
    assert_page_works(result, doc)


def test_markup_in_the_article_never_runs_in_the_browser(chromium: Path, tmp_path: Path) -> None:
    doc = hostile_document(HOSTILE.replace("alert(1)", "document.title='pwned'"))
    result, dom = selftest(chromium, tmp_path, doc)
    assert_page_works(result, doc)
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "".join(read_page(dom).text) == doc["text"]  # the markup is still there, as text


def test_seed_article_page_works_and_is_screenshotted(chromium: Path, tmp_path: Path) -> None:
    doc = convert_seed()
    result, _ = selftest(chromium, tmp_path, doc)
    assert_page_works(result, doc)
    screenshot(chromium, tmp_path, "render-seed.png")


def test_sample_page_screenshot(chromium: Path, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(render_html(load_sample()), encoding="utf-8")
    image = screenshot(chromium, tmp_path, "render-sample.png")
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 10_000


def screenshot(browser: Path, tmp_path: Path, name: str) -> Path:
    """Save a 1280x900 screenshot of ``tmp_path/page.html`` as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    target.unlink(missing_ok=True)
    run_chromium(browser, tmp_path, f"--screenshot={target}", "--window-size=1280,900", "--hide-scrollbars",
                 (tmp_path / "page.html").as_uri())
    assert target.is_file(), f"Chromium wrote no screenshot to {target}"
    return target

