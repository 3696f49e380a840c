"""`check` lays the slides out: session 6 as remark lays it out, planted overflows, no browser.

The planted defects of the layout rules are cases of fixtures/checks/layout.md (test_check.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_build
from podium.checks.layout import RULES, SKIPPED

SESSION_6 = (FIXTURES / "session-06-docker-compose.md").read_text(encoding="utf-8")
FREEZER = "- **Freezer** cgroup for freezing a group."
RETURN = "    return 'Hello World! I have been seen {} times.\\n'.format(count)\n"


def layout_lines(course: Path, *flags: str) -> list[str]:
    result = run_build("check", "--slides", str(course / "slides"), *flags, cwd=course)
    assert result.returncode in (0, 1), result.stderr
    return [line for line in result.stdout.splitlines() if any(f"[{rule}]" in line for rule in (*RULES, SKIPPED))]


@pytest.mark.browser
def test_session_6_fits_on_its_slides_as_in_remark(browser, course: Path) -> None:
    (course / "slides" / "06-docker-compose.md").write_text(SESSION_6, encoding="utf-8")
    assert layout_lines(course) == []


@pytest.mark.browser
def test_session_6_with_a_bullet_too_many_and_a_code_line_too_long(browser, course: Path) -> None:
    assert SESSION_6.count(FREEZER) == SESSION_6.count(RETURN) == 1
    text = SESSION_6.replace(RETURN, RETURN.rstrip("\n") + "  # and a comment that makes the line too long\n")
    lines = text.split("\n")
    extra = next(i for i, line in enumerate(lines) if line.startswith(FREEZER)) + 1
    lines.insert(extra, "- **Extra** one bullet more than the slide holds.")
    (course / "slides" / "06-docker-compose.md").write_text("\n".join(lines), encoding="utf-8")
    found = layout_lines(course)
    code = next(i for i, line in enumerate(lines) if "makes the line too long" in line) + 1
    assert [line.split(": warning: ")[0] + " " + line.rsplit(" ", 3)[-3] for line in found] == [
        f"slides/06-docker-compose.md:{code}:1 [overflow-x]", f"slides/06-docker-compose.md:{extra + 1}:1 [overflow]"]
    assert "the code line \"return 'Hello World! I have been seen {…\" reaches" in found[0]
    assert 'the list item "Extra one bullet more than the slide ho…" is the first that does not fit' in found[1]
    assert found[1].endswith("(slide 20)") and found[0].endswith("(slide 5)")


@pytest.mark.browser
def test_the_bundled_course_fits_and_reads_well(browser, monkeypatch: pytest.MonkeyPatch) -> None:
    from podium.checks.run import run_checks
    from podium.project import load_project

    monkeypatch.chdir(ROOT)
    project, _ = load_project("slides", "site")
    assert [str(d) for d in run_checks(project, kinds=["layout"])] == []


def test_without_a_browser_the_layout_checks_are_skipped_once(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("01-a.md", "02-b.md"):
        (course / "slides" / name).write_text("# A\n\ntext\n", encoding="utf-8")
    monkeypatch.setenv("PODIUM_CHROMIUM", str(course / "no-such-chromium"))
    found = layout_lines(course)
    assert len(found) == 1 and found[0].startswith("slides:1:1: warning: layout checks skipped: PODIUM_CHROMIUM")
    strict = run_build("check", "--slides", str(course / "slides"), "--strict", cwd=course)
    assert strict.returncode == 1
    assert "error: layout checks skipped" in strict.stdout
    assert layout_lines(course, "--no-layout") == []
    assert run_build("check", "--slides", str(course / "slides"), "--no-layout", "--strict", cwd=course).returncode == 0


@pytest.mark.browser
def test_laying_out_fetches_nothing(browser, course: Path, http_root) -> None:
    """A remote image is laid out as a missing one: not even a server on this machine is asked."""
    served = course / "served"
    served.mkdir()
    (served / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="2000"/>',
                                  encoding="utf-8")
    base = http_root(served)
    import http.server

    asked: list[str] = []
    original = http.server.SimpleHTTPRequestHandler.send_head
    http.server.SimpleHTTPRequestHandler.send_head = lambda self: (asked.append(self.path), original(self))[1]
    try:
        (course / "slides" / "01-a.md").write_text(f"# Remote\n\n![big]({base}x.svg)\n", encoding="utf-8")
        assert layout_lines(course) == []          # 2000 px tall if it were fetched
        assert urlopen_ok(f"{base}x.svg") and asked == ["/x.svg"]   # the server answers when asked
    finally:
        http.server.SimpleHTTPRequestHandler.send_head = original


def urlopen_ok(url: str) -> bool:
    from urllib.request import urlopen

    with urlopen(url, timeout=5) as answer:
        return answer.status == 200
