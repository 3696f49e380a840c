"""`python build.py build`: the site it writes, its exit codes, and what bad input gets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from slide_dom import read_slides


def write(course: Path, name: str, text: str | bytes) -> Path:
    path = course / "slides" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def build(course: Path, *extra: str):
    return run_build("build", "--slides", str(course / "slides"), "--out", str(course / "site"), *extra, cwd=course)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.urls.append((tag, value))


def page_urls(html: str) -> list[tuple[str, str]]:
    parser = _Urls()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def bundled(bundled_site: Path) -> Path:
    """The bundled course, built once for the whole test run."""
    return bundled_site


def test_bundled_course_layout(bundled: Path) -> None:
    sessions = sorted(p.stem for p in (ROOT / "slides").glob("*.md"))
    assert sessions[:2] == ["00-guide", "06-docker-compose"]
    for stem in sessions:
        assert (bundled / stem / "index.html").is_file()
    assert (bundled / "index.html").is_file()
    assert (bundled / "static" / "podium.js").is_file() and (bundled / "static" / "podium.css").is_file()
    assert (bundled / "00-guide" / "img" / "stack.svg").read_bytes() == (ROOT / "slides/img/stack.svg").read_bytes()


def test_index_lists_sessions_in_order_with_number_title_and_count(bundled: Path) -> None:
    html = (bundled / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<li value="(\d+)"><a href="([^"]+)">.*?podium-session-title">([^<]*)</span></a> '
                      r'<span class="podium-session-count">(\d+) slides?</span>', html)
    assert [r[1] for r in rows] == ["00-guide/", "06-docker-compose/"]
    assert rows[1] == ("6", "06-docker-compose/", "Docker+Kubernetes Training", "27")
    assert rows[0][0] == "0" and rows[0][2] == "Writing slides for this course"
    guide = (bundled / "00-guide" / "index.html").read_text(encoding="utf-8")
    # remark's %total%, the number on the last slide: the guide's uncounted slide shares a number
    assert len(read_slides(guide)) == 15
    assert int(rows[0][3]) == 14 and guide.count('<div class="remark-slide-number">13 / 14</div>') == 2


def test_pages_use_relative_urls_inside_the_site(bundled: Path) -> None:
    slide_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "slides").glob("*.md"))
    for page in bundled.rglob("*.html"):
        for tag, url in page_urls(page.read_text(encoding="utf-8")):
            if url.startswith("#"):
                continue
            if re.match(r"[a-z]+:", url) or url.startswith("//"):
                assert url in slide_text, f"{page}: {url} does not come from the slides"
                continue
            assert not url.startswith("/"), f"{page}: absolute path {url}"
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_relative_to(bundled.resolve()), f"{page}: {url} leaves the site"
            assert target.exists(), f"{page}: {url} is missing"
    for css in (bundled / "static").glob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_deck_markup_uses_remark_classes_and_layout_backgrounds(bundled: Path) -> None:
    html = (bundled / "06-docker-compose" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="remark-slide-container"') == 27
    first = html[html.index('<div class="remark-slide-content'):]
    assert first.startswith('<div class="remark-slide-content middle hljs-default" style="background-image: '
                            'url(https://raw.githubusercontent.com/propel-ventures/docker-kubernetes-training/main/'
                            'img/propel-background.png); background-size: contain">')
    assert '<div class="remark-slide-number">27 / 27</div>' in html
    assert '<pre><code class="python remark-code hljs"><div class="remark-code-line">' in html
    assert 'class="compose remark-code hljs"' in html and 'class="dockerfile remark-code hljs"' in html


def test_output_is_deterministic(course: Path) -> None:
    for name in ("00-guide.md", "06-docker-compose.md"):
        write(course, name, (ROOT / "slides" / name).read_text(encoding="utf-8"))
    (course / "slides" / "img").mkdir(exist_ok=True)
    for image in (ROOT / "slides" / "img").iterdir():
        (course / "slides" / "img" / image.name).write_bytes(image.read_bytes())
    assert build(course).returncode == 0
    first = tree(course / "site")
    assert build(course).returncode == 0
    assert tree(course / "site") == first


def test_no_notes_removes_notes_from_the_html(course: Path) -> None:
    write(course, "01-a.md", "# Slide\n\n???\nSECRET-NOTE text\n---\n# Two\n???\nOTHER-NOTE")
    assert build(course).returncode == 0
    assert "SECRET-NOTE" in (course / "site/01-a/index.html").read_text(encoding="utf-8")
    result = build(course, "--no-notes")
    assert result.returncode == 0, result.stderr
    html = (course / "site/01-a/index.html").read_text(encoding="utf-8")
    assert "SECRET-NOTE" not in html and "OTHER-NOTE" not in html and 'class="remark-slide-notes"' not in html


BAD_INPUTS = [
    ("latin-1.md", b"# Caf\xe9\n", "slides/latin-1.md:1:6: error: not UTF-8: byte 0xe9 cannot be decoded; "
                                    "save the file as UTF-8 [encoding]"),
    ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00", "slides/binary.md:1:1: error: this is a binary file, not a "
                                                  "Markdown session (it contains NUL bytes) [binary-file]"),
    ("fence.md", "# A\n\n---\n\n```python\nx = 1\n---\n", "slides/fence.md:5:1: error: code fence opened with ``` "
                                                        "is never closed; close it with a line of ``` [unclosed-fence]"),
    ("template.md", "name: base\n\nA\n---\ntemplate: bsae\n\nB", "slides/template.md:5:1: error: no slide is "
                                                                  "named 'bsae'; did you mean 'base'? [unknown-template]"),
    ("cycle.md", "name: a\ntemplate: b\n\nA\n---\nname: b\ntemplate: a\n\nB", "slides/cycle.md:2:1: error: "
     "template cycle: slide 'a' ends up inheriting from itself [template-cycle]"),
    ("macro.md", "# A\n---\n\nSee ![:scael 50%](x.png)", "slides/macro.md:4:5: error: unknown macro 'scael'; "
                                                         "did you mean 'scale'? [unknown-macro] (slide 2)"),
    ("big.md", "# Big\n\n" + "word " * 1_100_000, "slides/big.md:1:1: error: session is 5.2 MB, over the 2 MB "
     "limit (raise max_session_mb in course.toml if this is intended) [too-large]"),
]


@pytest.mark.parametrize("name, content, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_fails_with_a_located_message_and_keeps_the_old_site(course: Path, name: str, content, message: str) -> None:
    write(course, "01-good.md", "# Good\n\ntext")
    assert build(course).returncode == 0
    before = tree(course / "site")
    write(course, name, content)
    result = build(course)
    assert result.returncode == 1
    assert message in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert tree(course / "site") == before
    assert sorted(p.name for p in course.iterdir()) == ["site", "slides"]


def test_empty_session_is_a_warning_and_left_out(course: Path) -> None:
    write(course, "01-good.md", "# Good")
    write(course, "02-empty.md", "\n  \n")
    result = build(course)
    assert result.returncode == 0
    assert "slides/02-empty.md:1:1: warning: the session file is empty; it is left out of the site [empty-file]" \
        in result.stderr.splitlines()
    assert not (course / "site" / "02-empty").exists()
    assert "02-empty" not in (course / "site" / "index.html").read_text(encoding="utf-8")


def test_usage_errors_exit_2(course: Path) -> None:
    assert run_build("build", "--slides", str(course / "missing"), cwd=course).returncode == 2
    assert run_build("build", "--bogus", cwd=course).returncode == 2
    write(course, "01-a.md", "# A")
    (course / "keep.txt").write_text("precious", encoding="utf-8")
    result = run_build("build", "--slides", "slides", "--out", ".", cwd=course)
    assert result.returncode == 2 and "contains" in result.stderr
    (course / "other").mkdir()
    (course / "other" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build("build", "--slides", "slides", "--out", "other", cwd=course)
    assert result.returncode == 2 and "not a site built by Podium" in result.stderr
    assert (course / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert (course / "other" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_local_files_are_copied_and_missing_ones_warned(course: Path) -> None:
    write(course, "01-a.md", "background-image: url(img/bg.png)\n\n![pic](img/pic.png) ![gone](img/gone.png)")
    (course / "slides" / "img").mkdir()
    (course / "slides" / "img" / "bg.png").write_bytes(b"bg")
    (course / "slides" / "img" / "pic.png").write_bytes(b"pic")
    result = build(course)
    assert result.returncode == 0
    assert (course / "site/01-a/img/bg.png").read_bytes() == b"bg"
    assert (course / "site/01-a/img/pic.png").read_bytes() == b"pic"
    assert "slides/01-a.md:3:29: warning: 'img/gone.png' does not exist [missing-file] (slide 1)" \
        in result.stderr.splitlines()


CONFIGS = [
    ('title = "T"\nratoi = "16:9"\n', "course.toml:2:1: error: unknown setting 'ratoi'; did you mean 'ratio'? [config-key]"),
    ('ratio = "wide"\n', "course.toml:1:1: error: ratio: expected a ratio such as '4:3', '16:9' or '16:10' "
                         "[config-value]"),
    ('sessions = ["1", 2]\n', "course.toml:1:1: error: sessions: expected a list of strings [config-value]"),
    ('[navigation]\nscrol = false\n', "course.toml:2:1: error: unknown setting 'navigation.scrol'; did you mean "
                                      "'scroll'? [config-key]"),
    ('highlight_style = "monokaj"\n', "course.toml:1:1: error: highlight_style: unknown highlight style 'monokaj'; "
                                      "did you mean 'monokai'? [config-value]"),
    ('theme = "remarc"\n', "course.toml:1:1: error: theme: unknown theme 'remarc'; did you mean 'remark'? "
                           "(themes: podium, remark) [config-value]"),
    ('highlight_language = "pyhton"\n', "course.toml:1:1: error: highlight_language: unknown language 'pyhton'; "
                                        "did you mean 'python'? [config-value]"),
    ('title = \n', "course.toml:1:9: error: Invalid value [config-syntax]"),
    ('title = "T"\nstylesheets = ["gone.css"]\n', "course.toml:2:1: error: stylesheet 'gone.css' does not exist "
                                                  "[config-value]"),
]


@pytest.mark.parametrize("text, message", CONFIGS)
def test_course_toml_is_validated_with_lines(course: Path, text: str, message: str) -> None:
    write(course, "01-a.md", "# A")
    (course / "course.toml").write_text(text, encoding="utf-8")
    result = build(course)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [message]
    assert not (course / "site").exists()


def test_the_theme_is_the_look_of_the_slides(course: Path) -> None:
    write(course, "01-a.md", "# A")
    assert build(course).returncode == 0
    remark = (ROOT / "podium" / "static" / "themes" / "remark.css").read_text(encoding="utf-8")
    podium = (ROOT / "podium" / "static" / "themes" / "podium.css").read_text(encoding="utf-8")
    page = (course / "site" / "01-a" / "index.html").read_text(encoding="utf-8")
    assert remark in page and podium not in page
    (course / "course.toml").write_text('theme = "podium"\n', encoding="utf-8")
    assert build(course).returncode == 0
    page = (course / "site" / "01-a" / "index.html").read_text(encoding="utf-8")
    assert podium in page and remark not in page
    assert (course / "site" / "static" / "themes" / "podium.css").read_text(encoding="utf-8") == podium


def test_course_toml_settings_reach_the_site(course: Path) -> None:
    (course / "course.toml").write_text(
        'title = "My Course"\nratio = "16:9"\nhighlight_lines = true\nslide_number_format = "%current% of %total%"\n'
        'count_incremental_slides = false\nexclude_classes = ["draft"]\nhighlight_style = "monokai"\n'
        'stylesheets = ["theme/look.css"]\n', encoding="utf-8")
    (course / "theme").mkdir()
    (course / "theme" / "look.css").write_text(".x { color: red }", encoding="utf-8")
    write(course, "01-a.md", "# A\n\n```\n* hot\ncold\n```\n--\nmore\n---\nclass: draft\n\n# Draft\n---\n# Last")
    result = build(course)
    assert result.returncode == 0, result.stderr
    html = (course / "site/01-a/index.html").read_text(encoding="utf-8")
    assert 'data-ratio="16:9"' in html
    assert '<div class="remark-code-line remark-code-line-highlighted">  hot</div>' in html
    assert [s["text"].strip().splitlines()[0] for s in read_slides(html)] == ["A", "A", "Last"]
    assert re.findall(r'remark-slide-number">([^<]*)<', html) == ["1 of 2", "1 of 2", "2 of 2"]
    assert "hljs-monokai" in html and ".hljs-monokai .remark-code" in html
    assert "<h1>My Course</h1>" in (course / "site/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/course/look.css">' in html
    assert '<link rel="stylesheet" href="static/course/look.css">' in (course / "site/index.html").read_text()
    assert (course / "site/static/course/look.css").read_text() == ".x { color: red }"


def test_slide_properties_reach_the_markup(course: Path) -> None:
    write(course, "01-a.md", "name: intro\nclass: center, dark\nhighlight-style: monokai\nbackground-color: #123\n"
                             "background-position: top\nbackground-size: 50%\nbackground-image: url(bg.png)\n\n# A\n"
                             "---\n\n# B")
    (course / "slides" / "bg.png").write_bytes(b"png")
    result = build(course)
    assert result.returncode == 0, result.stderr
    html = (course / "site/01-a/index.html").read_text(encoding="utf-8")
    assert ('<div class="remark-slide-content center dark hljs-monokai" id="slide-intro" style="background-image: '
            'url(bg.png); background-size: 50%; background-position: top; background-color: #123">') in html
    assert '<div class="remark-slide-content hljs-default">' in html
    css = html[html.index("<style>"):html.index("</style>")]
    assert ".hljs-monokai .remark-code" in css and ".hljs-default .remark-code" in css
    assert (ROOT / "podium" / "static" / "podium.css").read_text(encoding="utf-8") in css
    assert (ROOT / "podium" / "static" / "themes" / "remark.css").read_text(encoding="utf-8") in css


def test_an_unknown_highlight_style_is_a_located_error(course: Path) -> None:
    write(course, "01-a.md", "# A\n---\nhighlight-style: monokaj\n\n# B")
    result = build(course)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "slides/01-a.md:3:1: error: unknown highlight style 'monokaj'; did you mean 'monokai'? [highlight-style] "
        "(slide 2)")
    assert not (course / "site").exists()
