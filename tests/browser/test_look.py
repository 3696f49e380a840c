"""Every remark conformance case and session 6 look as remark.js 0.15 draws them.

The built pages are measured in Chromium as `fixtures/remark-conformance/layout.json` was taken
from remark: a 908x681 viewport, each slide reached through `#N`, and for every block element its
box relative to the slide content, font, size, weight, style, colour and background. Two slides
look the same when they have the same elements, every box within 3 px and the same styles;
`layout-styled.json` is the same with the course stylesheet `course.css` over the page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_case, run_build

pytestmark = pytest.mark.browser

CONFORMANCE = FIXTURES / "remark-conformance"
WANT = {"plain": json.loads((CONFORMANCE / "layout.json").read_text(encoding="utf-8")),
        "styled": json.loads((CONFORMANCE / "layout-styled.json").read_text(encoding="utf-8"))}
SOURCES = {**{p.name: p for p in (CONFORMANCE / "cases").glob("*.md")},
           "session-06-docker-compose.md": FIXTURES / "session-06-docker-compose.md"}
TOLERANCE = 3
STYLES = ("font", "size", "weight", "style", "color", "bg")

MEASURE = """() => {
  const box = document.querySelector('.remark-slides-area > .remark-visible .remark-slide-content');
  const b = box.getBoundingClientRect();
  const bg = el => { for (let e = el; e && e !== box; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor; if (c !== 'rgba(0, 0, 0, 0)') return c; } return 'none'; };
  const items = [];
  box.querySelectorAll('h1,h2,h3,h4,h5,h6,p,li,pre,img,table,blockquote,.remark-slide-number').forEach(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    const code = e.tagName === 'PRE' ? (e.querySelector('code') || e) : e;
    items.push({tag: e.tagName.toLowerCase() + (e.classList.contains('remark-slide-number') ? '.number' : ''),
      x: Math.round(r.left - b.left), y: Math.round(r.top - b.top), w: Math.round(r.width), h: Math.round(r.height),
      font: s.fontFamily.split(',')[0].replace(/["']/g, '').trim(), size: s.fontSize, weight: s.fontWeight,
      style: s.fontStyle, color: s.color, bg: e.tagName === 'PRE' ? bg(code.firstElementChild || code) : bg(e)});
  });
  return {w: Math.round(b.width), h: Math.round(b.height),
          overflow: box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1, items};
}"""


def _build(folder: Path, styled: bool) -> Path:
    (folder / "slides").mkdir(parents=True)
    for source in SOURCES.values():
        copy_case(source, folder / "slides")
    if styled:
        copy_case(CONFORMANCE / "course.css", folder)
        (folder / "course.toml").write_text('stylesheets = ["course.css"]\n', encoding="utf-8")
    result = run_build("build", "--slides", str(folder / "slides"), "--out", str(folder / "site"), cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def measured(browser, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list]]:
    """What every slide of every case looks like in the built pages, plain and styled."""
    found: dict[str, dict[str, list]] = {}
    context = browser.new_context(viewport={"width": 908, "height": 681})
    context.route("http*://**", lambda route: route.abort())  # as when remark was measured
    page = context.new_page()
    for kind in WANT:
        site = _build(tmp_path_factory.mktemp(f"look-{kind}"), kind == "styled")
        found[kind] = {}
        for name in SOURCES:
            page.goto((site / Path(name).stem / "index.html").as_uri())
            page.wait_for_function("window.podium && podium.current() >= 0")
            slides = []
            for index in range(page.evaluate("podium.count()")):
                page.evaluate(f"location.hash = '#{index + 1}'")
                page.wait_for_function(f"podium.current() === {index}")
                slides.append(page.evaluate(MEASURE))
            found[kind][name] = slides
    context.close()
    return found


def differences(want: dict, got: dict) -> list[str]:
    """How a built slide differs from remark's, in words (empty when they look the same)."""
    problems = []
    if want["overflow"] != got["overflow"]:
        problems.append(f"overflow: remark {want['overflow']}, built {got['overflow']}")
    if [i["tag"] for i in want["items"]] != [i["tag"] for i in got["items"]]:
        problems.append(f"elements: remark {[i['tag'] for i in want['items']]}, built {[i['tag'] for i in got['items']]}")
        return problems
    for a, b in zip(want["items"], got["items"]):
        off = {k: (a[k], b[k]) for k in "xywh" if abs(a[k] - b[k]) > TOLERANCE}
        off.update({k: (a[k], b[k]) for k in STYLES if a[k] != b[k]})
        if off:
            problems.append(f"{a['tag']}: " + ", ".join(f"{k} {u} -> {v}" for k, (u, v) in off.items()))
    return problems


def _slides():
    for kind, cases in WANT.items():
        for name, slides in cases.items():
            for index in range(len(slides)):
                yield pytest.param(kind, name, index, id=f"{kind}-{name}#{index + 1}")


def test_every_case_is_measured() -> None:
    assert set(WANT["plain"]) == set(WANT["styled"]) == set(SOURCES)
    assert sum(len(v) for v in WANT["plain"].values()) == sum(len(v) for v in WANT["styled"].values()) == 60


@pytest.mark.parametrize("kind, name", [(k, n) for k in WANT for n in SOURCES])
def test_same_number_of_slides(measured, kind: str, name: str) -> None:
    assert len(measured[kind][name]) == len(WANT[kind][name])


@pytest.mark.parametrize("kind, name, index", list(_slides()))
def test_slide_looks_as_in_remark(measured, kind: str, name: str, index: int) -> None:
    got = measured[kind][name]
    assert index < len(got)
    assert not differences(WANT[kind][name][index], got[index])


CODE_DECK = """# Default style

```python
def f(x):  # a comment
    return "text"
```

```
plain, without a language
```

---
highlight-style: monokai

# Monokai

```python
def f(x):  # a comment
    return "text"
```
"""


def test_code_boxes_have_their_highlight_style_colours(browser, tmp_path: Path) -> None:
    """As remark draws highlight.js's `default` and `monokai`: the box, its text, its tokens."""
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01-code.md").write_text(CODE_DECK, encoding="utf-8")
    result = run_build("build", "--slides", str(tmp_path / "slides"), "--out", str(tmp_path / "site"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = browser.new_page(viewport={"width": 908, "height": 681})
    try:
        page.goto((tmp_path / "site" / "01-code" / "index.html").as_uri())
        page.wait_for_function("window.podium && podium.current() === 0")
        read = """(selector) => Array.from(document.querySelectorAll(selector), e => {
            const s = getComputedStyle(e);
            return [s.display, s.backgroundColor, s.color, s.paddingTop, s.overflowX]; })"""
        token = """([selector, word]) => getComputedStyle(Array.from(document.querySelectorAll(selector))
            .find(e => e.textContent.trim() === word)).color"""
        first, second = "#slide-container-1 pre code", "#slide-container-2 pre code"
        assert page.evaluate(read, first) == [
            ["block", "rgb(240, 240, 240)", "rgb(68, 68, 68)", "8.33333px", "auto"],  # 0.5em of 20 px made smaller
            ["inline", "rgba(0, 0, 0, 0)", "rgb(0, 0, 0)", "0px", "visible"]]         # plain, the slide's colour
        assert page.evaluate(token, [f"{first} span", "# a comment"]) == "rgb(136, 136, 136)"
        assert page.evaluate(token, [f"{first} span", '"text"']) == "rgb(136, 0, 0)"
        page.evaluate("podium.goto(1)")
        assert page.evaluate(read, second) == [["block", "rgb(39, 40, 34)", "rgb(221, 221, 221)", "8.33333px", "auto"]]
        assert page.evaluate(token, [f"{second} span", "def"]) == "rgb(249, 38, 114)"
        assert page.evaluate(token, [f"{second} span", "# a comment"]) == "rgb(117, 113, 94)"
        assert page.evaluate(token, [f"{second} span", '"text"']) == "rgb(166, 226, 46)"
    finally:
        page.close()
