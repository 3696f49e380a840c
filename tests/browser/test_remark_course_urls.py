"""The remark course repository of fixtures/remark-course/, built and opened as students open the
old site: every old URL shows the slide remark showed there, in the page's own styles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, http_root) -> str:
    folder = tmp_path_factory.mktemp("remark-urls") / "training"
    shutil.copytree(FIXTURES / "remark-course", folder)
    result = run_build("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    return http_root(folder / "site")


@pytest.mark.parametrize("path, index, presenter, heading", [
    ("", 0, False, "Docker and Kubernetes"),
    ("#2", 1, False, "The sessions"),
    ("6/#1", 0, False, "Docker Compose"),
    ("6/#3", 2, False, "The Compose file"),
    ("6/#p3", 2, True, "The Compose file"),
    ("6/#compose", 2, False, "The Compose file"),
    ("6/index.html#2", 1, False, "The app"),
    ("study-hall/", 0, False, "Study hall"),
    ("12/#1", 0, False, "Wrap-up"),
])
def test_an_old_url_opens_the_same_slide(page, base: str, path: str, index: int, presenter: bool,
                                         heading: str) -> None:
    page.goto(base + path)
    page.wait_for_function(f"window.podium && podium.current() === {index}")
    assert page.evaluate("podium.presenter()") is presenter
    assert page.locator(".remark-slides-area > .remark-visible h1").inner_text() == heading


def test_the_course_page_lists_the_sessions(page, base: str) -> None:
    page.goto(base + "sessions/")
    links = page.locator(".podium-sessions a:not(.podium-session-lab)")
    assert links.count() == 13
    assert page.locator(".podium-sessions a.podium-session-lab").count() >= 1   # sessions with a lab
    links.nth(5).click()                                   # the root session, then 2 to 6
    page.wait_for_function("window.podium && podium.current() === 0")
    assert page.url == base + "6/#1"


def test_the_pages_styles_apply(page, base: str) -> None:
    def style(selector: str, name: str) -> str:
        return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).{name}")

    page.goto(base + "2/#1")
    page.wait_for_function("window.podium && podium.current() === 0")
    heading, text = ".remark-visible h1", ".remark-visible p"
    assert style(heading, "fontFamily").startswith('"DejaVu Sans"') and style(heading, "fontWeight") == "400"
    assert style(heading, "color") == "rgb(11, 79, 108)"
    assert style(text, "fontFamily").startswith('"DejaVu Serif"') and style(text, "fontSize") == "22px"
    page.goto(base + "3/#2")
    page.wait_for_function("window.podium && podium.current() === 1")
    assert style(heading, "color") == "rgb(108, 11, 79)"
    page.goto(base)
    page.wait_for_function("window.podium && podium.current() === 0")
    content = ".remark-visible .remark-slide-content"
    assert style(content, "backgroundColor") == "rgb(39, 40, 34)"
    assert style(content, "backgroundImage").endswith('/common/logo.svg")')
    assert page.evaluate("""fetch(getComputedStyle(document.querySelector('.remark-visible .remark-slide-content'))
        .backgroundImage.slice(5, -2)).then(r => r.status)""") == 200


def test_a_wide_session_keeps_its_ratio(page, base: str) -> None:
    page.set_viewport_size({"width": 1210, "height": 681})
    page.goto(base + "5/#2")
    page.wait_for_function("window.podium && podium.current() === 1")
    box = page.locator(".remark-slides-area > .remark-visible .remark-slide-scaler").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1210, 681)
    assert page.locator(".remark-visible .remark-slide-number").inner_text() == "Slide 2 of 3"
