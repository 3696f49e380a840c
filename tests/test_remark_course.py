"""A remark course repository used as trainers keep it: one folder per session, each with its
remark page (`index.html`: styles, `remark.create({...})` options, maybe the source inline), the
root page as session 1, lab files beside the slides (fixtures/remark-course/, sessions 1-12 and
`study-hall`, so natural order matters)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_build
from slide_dom import read_slides

COURSE = FIXTURES / "remark-course"
KEYS = ["2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "study-hall"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The course copied as it is and built from its own folder (no --slides, no course.toml)."""
    folder = tmp_path_factory.mktemp("remark") / "training"
    shutil.copytree(COURSE, folder)
    result = run_build("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site", result.stderr


def page(site: Path, key: str) -> str:
    return (site / key / "index.html" if key else site / "index.html").read_text(encoding="utf-8")


def test_every_session_is_published_where_its_remark_page_was(built) -> None:
    site, _ = built
    assert sorted(p.relative_to(site).as_posix() for p in site.glob("**/index.html")) == sorted(
        ["index.html", "sessions/index.html", *(f"{key}/index.html" for key in KEYS)])
    index = page(site, "sessions")
    assert re.findall(r'<a href="([^"]+)">', index) == ["../", *(f"../{key}/" for key in KEYS)]
    assert "Introduction" in index and "Study hall" in index
    assert not (site / "README").exists() and not (site / "common" / "index.html").exists()


def test_what_the_pages_say_applies_to_their_session(built) -> None:
    site, _ = built
    five, eleven = page(site, "5"), page(site, "11")
    assert 'data-ratio="16:9"' in five and "--podium-slide-width: 1210px" in five
    assert re.findall(r'remark-slide-number">([^<]*)<', five) == ["Slide 1 of 3", "Slide 2 of 3", "Slide 3 of 3"]
    assert 'data-ratio="16:10"' in eleven and "--podium-slide-width: 1089px" in eleven
    seven = page(site, "7")
    assert '<span class="remark-code-span-highlighted">--rm</span>' in seven
    assert 'class="bash remark-code hljs"' in seven                        # highlightLanguage
    eight = page(site, "8")
    assert [s["text"].split()[0] for s in read_slides(eight)] == ["Kept", "Steps", "Steps"]
    assert re.findall(r'remark-slide-number">([^<]*)<', eight) == ["1 / 2", "2 / 2", "2 / 2"]
    assert "\"navigation\": {\"click\": false, \"scroll\": false, \"touch\": true}" in page(site, "9")
    assert '<div class="remark-slide-notes">' not in page(site, "12")      # includePresenterNotes: false
    assert '<div class="remark-slide-notes">' in page(site, "")
    assert "hljs-monokai" in page(site, "4") and "hljs-github" in page(site, "3")
    assert "remark-code-line-highlighted" in page(site, "6")               # highlightLines
    assert "<title>Docker Compose · training</title>" in page(site, "6")


def test_an_inline_source_is_unescaped_as_remark_does(built) -> None:
    site, _ = built
    slides = read_slides(page(site, "3"))
    assert [s["classes"] for s in slides] == [["center", "middle"], []]
    assert "Written in the page & unescaped as remark does:" in slides[0]["text"]
    assert "A <tag> and an entity remark keeps: \xa0" in slides[1]["text"]    # &amp;nbsp; -> &nbsp;


def test_styles_and_files_are_published_beside_the_sessions(built) -> None:
    site, _ = built
    six = page(site, "6")
    assert '<link rel="stylesheet" href="../common/course.css">' in six
    assert "h1, h2, h3 { font-family: 'DejaVu Sans', sans-serif; font-weight: normal; color: #0b4f6c; }" in six
    assert '<link rel="stylesheet" href="common/course.css">' in page(site, "")
    assert (site / "common" / "course.css").read_bytes() == (COURSE / "common" / "course.css").read_bytes()
    assert (site / "common" / "logo.svg").is_file()                        # named by course.css
    assert (site / "2" / "Dockerfile").read_bytes() == (COURSE / "2" / "Dockerfile").read_bytes()
    assert re.findall(r'<a href="([^"]+)"', six) == ["#2", "../9/#1"]


def test_what_cannot_apply_is_reported_once_at_its_line(built) -> None:
    _, stderr = built
    assert stderr.splitlines() == [
        "10/index.html:17:7: warning: JavaScript macro 'upper' is left out: a Python macro can replace it: "
        "podium.plugins.macros.register('upper') [remark-macro]",
        "10/index.html:20:9: warning: remark option 'timer' is left out: Podium's presenter view has its own "
        "timer [remark-option]",
        "10/index.html:21:28: warning: remark option 'slideNumberFormat' is left out: a function is not "
        "supported; use a string such as '%current% / %total%' [remark-option]"]


def test_course_toml_wins_over_the_pages_and_orders_the_sessions(tmp_path: Path) -> None:
    folder = tmp_path / "training"
    shutil.copytree(COURSE, folder)
    (folder / "course.toml").write_text('ratio = "4:3"\nsessions = ["study-hall", "10", "2"]\n', encoding="utf-8")
    result = run_build("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    index = page(folder / "site", "")
    assert re.findall(r'<a href="([^"]+)">', index) == ["study-hall/", "10/", "2/"]
    assert not (folder / "site" / "5").exists()
    (folder / "course.toml").write_text('sessions = ["2", "studyhall"]\n', encoding="utf-8")
    result = run_build("build", cwd=folder)
    assert result.returncode == 1
    assert "course.toml:1:1: error: sessions: the course has no session 'studyhall'; did you mean " \
           "'study-hall'? [unknown-session]" in result.stderr.splitlines()


SESSION_6 = (FIXTURES / "session-06-docker-compose.md").read_text(encoding="utf-8")
REMARK_PAGE = """<!DOCTYPE html>
<html>
  <head><title>Docker Compose</title><meta charset="utf-8"></head>
  <body>
    <script src="https://remarkjs.com/downloads/remark-latest.min.js"></script>
    <script>var slideshow = remark.create({ sourceUrl: 'slides.md' });</script>
  </body>
</html>
"""


def lab_files(text: str) -> dict[str, str]:
    """The files session 6 tells students to create, as its code blocks show them."""
    from podium.languages import infer_language
    from podium.loader import load_deck
    from podium.markdown import MarkdownOptions, parse_deck
    from podium.plugins.code import text_before
    from podium.project import load_project

    project, _ = load_project(ROOT / "slides", ROOT / "site")
    source = ROOT / "tests" / "fixtures" / "session-06-docker-compose.md"
    deck, _ = load_deck(source, project)
    files = {}
    for parsed in parse_deck(deck, MarkdownOptions(), lambda d: None):
        lines = parsed.slide.content.text.split("\n")
        for index, token in enumerate(parsed.tokens):
            if token.type == "fence":
                named = infer_language(token.info, token.content, text_before(parsed.tokens, index, lines)).filename
                files[named] = token.content
    return files


def test_session_6_in_a_folder_shows_the_slides_of_the_flat_file(tmp_path: Path) -> None:
    flat, folder = tmp_path / "flat", tmp_path / "folder"
    (flat / "slides").mkdir(parents=True)
    (flat / "slides" / "06-docker-compose.md").write_text(SESSION_6, encoding="utf-8")
    session = folder / "slides" / "6"
    session.mkdir(parents=True)
    (session / "index.html").write_text(REMARK_PAGE, encoding="utf-8")
    (session / "slides.md").write_text(SESSION_6, encoding="utf-8")
    lab = lab_files(SESSION_6)
    assert sorted(lab) == ["Dockerfile", "app.py", "docker-compose.yml", "requirements.txt"]
    for name, text in lab.items():
        (session / name).write_text(text, encoding="utf-8")
    for where in (flat, folder):
        result = run_build("build", "--slides", str(where / "slides"), "--out", str(where / "site"), cwd=where)
        assert result.returncode == 0, result.stderr
    ours = read_slides(page(folder / "site", "6"))
    assert len(ours) == 27 and ours == read_slides(page(flat / "site", "06-docker-compose"))


def test_check_reads_the_course_as_remark_shows_it(built, tmp_path: Path, http_root) -> None:
    """No error in the course as it is (a `*` line of a highlightLines page is checked without its
    star); a page's missing stylesheet is an error at its line, a remote one is checked online."""
    site, _ = built
    result = run_build("check", "--no-layout", cwd=site.parent)
    assert result.returncode == 0, result.stdout
    assert "error" not in result.stdout
    served = tmp_path / "served"
    served.mkdir()
    (served / "here.css").write_text("h1 { color: red }", encoding="utf-8")
    base = http_root(served)
    folder = tmp_path / "training"
    shutil.copytree(COURSE, folder)
    page_6 = folder / "6" / "index.html"
    text = page_6.read_text(encoding="utf-8").replace(
        '<link rel="stylesheet" href="../common/course.css">',
        f'<link rel="stylesheet" href="../common/gone.css">\n    <link rel="stylesheet" href="{base}here.css">\n'
        f'    <link rel="stylesheet" href="{base}gone.css">')
    page_6.write_text(text, encoding="utf-8")
    result = run_build("check", "--no-layout", "--online", cwd=folder)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("6/index.html")]
    assert lines == [
        "6/index.html:11:1: error: '../common/gone.css' does not exist; did you mean 'course.css'? [missing-file]",
        f"6/index.html:13:1: error: broken: {base}gone.css (404 Not Found) [link-broken] (slide 1)"]
