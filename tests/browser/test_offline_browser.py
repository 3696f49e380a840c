"""The offline kit in Chromium: with the remote host down, a session built `--offline` shows every
image, its background and its font, and asks no other origin for anything; `pdf` prints them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import run_build
from remote_host import RemoteHost, png, write_course

pytestmark = pytest.mark.browser

SHOWN = """async () => {
  const loads = (url) => new Promise((done) => {
    const image = new Image();
    image.onload = () => done(image.naturalWidth);
    image.onerror = () => done(0);
    image.src = url;
  });
  const urls = (css) => [...css.matchAll(/url\\("([^"]*)"\\)/g)].map((m) => m[1]);
  await document.fonts.ready;
  const images = [];
  for (const image of document.querySelectorAll('.remark-slide-container img')) {
    await image.decode().catch(() => null);
    images.push([image.alt, image.naturalWidth]);
  }
  const backgrounds = [];
  for (const element of document.querySelectorAll('.remark-slide-content, .tiled')) {
    for (const url of urls(getComputedStyle(element).backgroundImage)) backgrounds.push([url, await loads(url)]);
  }
  const posters = [];
  for (const video of document.querySelectorAll('video[poster]')) posters.push([video.poster, await loads(video.poster)]);
  const fancy = document.querySelector('.fancy');
  const fonts = [...document.fonts].map((face) => [face.family.replace(/"/g, ''), face.status]);
  return {images, backgrounds, posters, fonts, family: getComputedStyle(fancy).fontFamily};
}"""
"""What the page shows: each image's natural width, each background's and poster's, the fonts."""


@pytest.fixture(scope="module")
def offline_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The remote course built `--offline` while its host was up; the host is down from then on."""
    folder = tmp_path_factory.mktemp("offline")
    host = RemoteHost()
    try:
        write_course(folder, host.base)
        result = run_build("build", "--offline", "--out", "site", cwd=folder)
        assert result.returncode == 0, result.stderr
        assert len(host.requests) >= 10
    finally:
        host.stop()
    return folder


def test_the_session_shows_everything_with_the_remote_host_down(browser, offline_course: Path, http_root,
                                                                 tmp_path: Path) -> None:
    base = http_root(offline_course / "site")
    context = browser.new_context(viewport={"width": 908, "height": 681})
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    try:
        page.goto(base + "01-remote/", wait_until="load")
        shown = page.evaluate(SHOWN)
        page.screenshot(path=str(tmp_path / "offline.png"))
    finally:
        context.close()
    images = dict(shown["images"])
    assert set(images) == {"a picture", "pixel", "badge", "sharp picture", "zipped", "moved", "a note picture"}, images
    assert all(width > 0 for width in images.values()), images
    assert images["a picture"] == 120 and images["sharp picture"] == 120 and images["badge"] == 64, images
    backgrounds = shown["backgrounds"]
    assert [width for _, width in backgrounds].count(400) == 2, backgrounds   # both slides' layout background
    assert [width for _, width in backgrounds].count(16) == 1, backgrounds    # from the stored stylesheet
    assert all("/static/remote/" in url for url, _ in backgrounds), backgrounds
    assert [width for _, width in shown["posters"]] == [160], shown["posters"]
    assert ["Remote Mono", "loaded"] in shown["fonts"], shown["fonts"]
    assert shown["family"].startswith('"Remote Mono"'), shown["family"]
    origin = urlsplit(base).netloc
    strays = [url for url in asked if not url.startswith("data:") and urlsplit(url).netloc != origin]
    assert not strays, strays


def pdf_images(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image in a PDF (poppler's pdfimages)."""
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    found = []
    for line in listing.splitlines()[2:]:
        fields = line.split()
        if len(fields) > 4 and fields[2] == "image":
            found.append((int(fields[3]), int(fields[4])))
    return found


@pytest.fixture
def poppler() -> None:
    if not shutil.which("pdfimages"):
        reason = "poppler-utils (pdfimages) is not installed (apt-get install poppler-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def test_pdf_prints_the_stored_copies_and_names_what_it_could_not_include(offline_course: Path, poppler,
                                                                          browser) -> None:
    result = run_build("pdf", "--out", "pdf", cwd=offline_course)
    assert result.returncode == 0, result.stderr
    images = pdf_images(offline_course / "pdf" / "01-remote.pdf")
    for size in ((400, 300), (120, 80), (240, 160), (1, 1), (50, 50), (160, 90)):   # the SVG badge prints as vectors
        assert size in images, (size, images)
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    posing = [line for line in warnings if "img/posing.png" in line]
    assert len(posing) == 1 and posing[0].startswith("slides/02-posing.md:3:"), warnings


def test_pdf_names_an_image_the_browser_could_not_show(tmp_path: Path, poppler, browser) -> None:
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "broken.png").write_text("<html>not a picture</html>", encoding="utf-8")
    (slides / "fine.png").write_bytes(png(30, 20, (0, 0, 0)))
    (slides / "01-local.md").write_text("# Local\n\n![fine](fine.png)\n\n---\n\n# Broken\n\n![broken](broken.png)\n",
                                        encoding="utf-8")
    result = run_build("pdf", "--out", "pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "[pdf-image-missing]" in line]
    assert len(lines) == 1, result.stderr
    assert re.match(r"slides/01-local\.md:\d+:\d+: warning: image .*broken\.png could not be included", lines[0]), lines
    assert "(slide 2)" in lines[0]
    assert (30, 20) in pdf_images(tmp_path / "pdf" / "01-local.pdf")
