"""`check`: planted defects in small courses give exactly these diagnostic lines (fixtures/checks/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from conftest import run_build

CHECKS = Path(__file__).resolve().parent / "fixtures" / "checks"
FILE_HEADER = re.compile(r"^==> (.+)$", re.M)


def plant(course: Path, source: str) -> None:
    """Write the files of a case (`==> name` headers) into the course: .md under slides/."""
    parts = FILE_HEADER.split(source)
    for name, text in zip(parts[1::2], parts[2::2]):
        target = course / name if name == "course.toml" else course / "slides" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text[1:] if text.startswith("\n") else text, encoding="utf-8")


def check_lines(course: Path, monkeypatch: pytest.MonkeyPatch, layout: bool = False) -> str:
    """The diagnostic lines `check` prints for the course (laid out in a browser when `layout`)."""
    from podium.checks.run import KINDS, run_checks
    from podium.project import load_project

    monkeypatch.chdir(course)
    project, problems = load_project("slides", "site")
    assert problems == []
    kinds = KINDS if layout else [k for k in KINDS if k != "layout"]
    return "".join(f"{d.full_text()}\n" for d in run_checks(project, kinds=kinds))


LAYOUT = "layout"
"""The fixture file whose cases are laid out in Chromium (the others are checked without a browser)."""


def _cases():
    for path in sorted(CHECKS.glob("*.md")):
        marks = [pytest.mark.browser] if path.stem == LAYOUT else []
        for line, title, source, expected in read_fixture_file(path):
            yield pytest.param(source, expected, path.stem == LAYOUT, id=f"{path.stem}:{line + 1}:{title}", marks=marks)


@pytest.mark.parametrize("source, expected, layout", list(_cases()))
def test_check_finds_planted_defects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, expected: str,
                                     layout: bool, request: pytest.FixtureRequest) -> None:
    if layout:
        request.getfixturevalue("browser")  # skips locally, fails in CI, without a browser
    plant(tmp_path, source.rstrip("\n"))
    assert check_lines(tmp_path, monkeypatch, layout) == expected


def test_check_exit_codes_and_formats(course: Path) -> None:
    (course / "slides" / "01-a.md").write_text("# A\n\n![](https://example.org/x.png)\n", encoding="utf-8")
    args = ("check", "--slides", str(course / "slides"))
    result = run_build(*args, cwd=course)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "slides/01-a.md:3:5: warning: image https://example.org/x.png has no alt text for screen readers and "
        "failed loads [image-alt] (slide 1)"]
    assert run_build(*args, "--strict", cwd=course).returncode == 1
    rows = json.loads(run_build(*args, "--format", "json", cwd=course).stdout)
    assert rows == [{"path": "slides/01-a.md", "line": 3, "column": 5, "severity": "warning", "rule": "image-alt",
                     "message": "image https://example.org/x.png has no alt text for screen readers and failed loads",
                     "slide": 1}]
    junit = run_build(*args, "--format", "junit", "--strict", cwd=course).stdout
    assert '<testsuite name="slides/01-a.md" tests="1" failures="1">' in junit
    (course / "slides" / "02-b.md").write_text("[x](#9)\n", encoding="utf-8")
    result = run_build(*args, cwd=course)
    assert result.returncode == 1
    assert "slides/02-b.md:1:5: error: '#9' points at slide 9, but 02-b has slides 1 to 1 [broken-anchor] (slide 1)" \
        in result.stdout.splitlines()
    assert run_build("check", "--format", "xml", cwd=course).returncode == 2
    assert run_build("check", "--slides", str(course / "nope"), cwd=course).returncode == 2


class _Site(__import__("http.server").server.BaseHTTPRequestHandler):
    """A loopback site: /ok, /missing (404), /moved (301 to /ok), /page.png (an HTML page)."""

    def _answer(self, body: bool) -> None:
        routes = {"/ok": (200, "text/html", b"<p>ok</p>"), "/missing": (404, "text/html", b"gone"),
                  "/page.png": (200, "text/html", b"<!DOCTYPE html><p>not an image</p>")}
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, kind, data = routes.get(self.path, (404, "text/html", b"?"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(True)

    def log_message(self, *args) -> None:
        pass


def test_online_check_reports_each_use_and_offline_runs_show_the_cached_outcome(course: Path, loopback) -> None:
    base = loopback.start(_Site).rstrip("/")
    try:
        dead = f"[fine]({base}/ok) [dead]({base}/missing)"
        (course / "slides" / "01-a.md").write_text(
            f"# A\n\n{dead}\n\n[old]({base}/moved)\n\n"
            f"![pic]({base}/page.png)\n---\n# B\n\n[dead again]({base}/missing)\n", encoding="utf-8")
        column = dead.index(f"{base}/missing") + 1
        args = ("check", "--slides", str(course / "slides"))
        online = run_build(*args, "--online", cwd=course)
        assert online.returncode == 1
        assert online.stdout.splitlines() == [
            f"slides/01-a.md:3:{column}: error: broken: {base}/missing (404 Not Found) [link-broken] (slide 1)",
            f"slides/01-a.md:5:7: warning: redirected: {base}/moved (moved permanently to {base}/ok); "
            f"use {base}/ok [link-redirected] (slide 1)",
            f"slides/01-a.md:7:8: error: broken: {base}/page.png (HTML page, not an image (text/html)) "
            "[link-broken] (slide 1)",
            f"slides/01-a.md:11:14: error: broken: {base}/missing (404 Not Found) [link-broken] (slide 2)",
        ]
    finally:
        loopback.stop()                                   # the offline runs below reach nothing
    offline = run_build(*args, cwd=course)
    assert offline.returncode == 0
    lines = offline.stdout.splitlines()
    assert f"slides/01-a.md:3:{column}: info: broken when last checked just now: {base}/missing (404 Not Found) " \
           "[link-broken] (slide 1)" in lines
    assert len(lines) == 4 and all(": info: " in line for line in lines)


def test_remembered_results_are_reused_only_while_true(course: Path) -> None:
    slides = course / "slides"
    (slides / "img").mkdir()
    (slides / "img" / "a.png").write_bytes(b"png")
    (slides / "01-a.md").write_text("# A\n\n![a](img/a.png) [b](02-b.md#2)\n\n```python\nx = (\n```\n", encoding="utf-8")
    (slides / "02-b.md").write_text("# B\n---\n# B2\n", encoding="utf-8")
    args = ("check", "--slides", str(slides))
    first = run_build(*args, cwd=course)
    assert first.stdout == ("slides/01-a.md:6:5: error: Python syntax error: '(' was never closed "
                            "[python-syntax] (slide 1)\n")
    entries = list((course / ".podium-cache" / "checks").glob("01-a.md.*.json"))
    assert len(entries) == 1
    entry = entries[0]
    assert run_build(*args, cwd=course).stdout == first.stdout
    (slides / "img" / "a.png").unlink()
    gone = run_build(*args, cwd=course).stdout.splitlines()
    assert "slides/01-a.md:3:6: error: 'img/a.png' does not exist [missing-file] (slide 1)" in gone
    (slides / "02-b.md").write_text("# B\n", encoding="utf-8")
    shorter = run_build(*args, cwd=course).stdout.splitlines()
    assert ("slides/01-a.md:3:21: error: '02-b.md#2' points at slide 2, but 02-b has slides 1 to 1 "
            "[broken-anchor] (slide 1)") in shorter
    entry.write_text('{"key": "forged", "report": {}}', encoding="utf-8")
    assert run_build(*args, cwd=course).stdout.splitlines() == shorter
