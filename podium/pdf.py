"""The course as PDF: one file per session, printed by headless Chromium from a freshly built site.

The deck pages carry their own print CSS (one slide per page at the deck's ratio); a handout is
the same page opened with `?handout&paper=a4` (or `letter`): the last step of each `--` build, a
row per slide with its notes beside it, rows packed down A4 or US Letter pages. Chromium is driven
by Playwright when it is installed, else through its own `--print-to-pdf` switch. Either way it
never fetches anything beyond the local files, so printing is offline and fast: the site is built
with the offline kit's stored copies of remote images (offline.py; `pdf --offline` fetches those
the cache lacks), and every image a page could not show is named in a warning (the build's, and
with Playwright, what the browser itself could not load) instead of being left out silently.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .builder import BuildResult, build
from .diagnostics import Diagnostic
from .model import RenderedDeck
from .project import Project
from .publish import publish_site
from .sessions import ROOT
from .site import site_folder

log = logging.getLogger(__name__)

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
"""Where Debian-like systems install Chromium (after PODIUM_CHROMIUM, before Playwright's)."""
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
"""Quiet, offline-friendly switches that also work as root in a container."""
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND"
"""No host name resolves: nothing outside the machine can be fetched."""
PAGE_TIMEOUT_S = 60
PAPERS = ("a4", "letter")
"""Paper sizes of the handout (the deck page's print CSS knows them as named pages); the first is the default."""


class PdfError(Exception):
    """Printing could not be done; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class PdfResult:
    """What `make_pdfs` did."""

    build: BuildResult
    """The build of the site that was printed (its diagnostics are the course's problems)."""
    written: tuple[Path, ...]
    """The PDF files, one per session, in session order (empty when the build failed)."""
    missing: tuple[Diagnostic, ...] = ()
    """A warning for each image the printed pages could not show that the build did not name."""


MISSING_IMAGES = r"""async () => {
  const missing = [];
  const loads = (url) => new Promise((done) => {
    const image = new Image();
    image.onload = () => done(image.naturalWidth > 0);
    image.onerror = () => done(false);
    image.src = url;
  });
  const slides = [...document.querySelectorAll('.remark-slide-container')];
  for (const [index, slide] of slides.entries()) {
    for (const image of slide.querySelectorAll('img')) {
      await image.decode().catch(() => null);
      if (image.naturalWidth === 0) missing.push([index, image.currentSrc || image.src]);
    }
    const content = slide.querySelector('.remark-slide-content');
    const background = content ? getComputedStyle(content).backgroundImage : '';
    for (const found of background.matchAll(/url\("([^"]*)"\)/g)) {
      if (!(await loads(found[1]))) missing.push([index, found[1]]);
    }
  }
  return missing;
}"""
"""(slide index, URL) of every image of a deck page that did not load: `<img>` and backgrounds."""


def find_chromium() -> str | None:
    """PODIUM_CHROMIUM, else Debian's Chromium, else Playwright's own Chromium; None when none exists."""
    wanted = os.environ.get("PODIUM_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    for path in CHROMIUM_PATHS:
        if Path(path).is_file():
            return path
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # Playwright present but unusable: treat as no browser
        return None
    return path if path and Path(path).is_file() else None


def no_browser_reason() -> str:
    """Why `find_chromium` found nothing, and what to do about it, in one line."""
    wanted = os.environ.get("PODIUM_CHROMIUM")
    if wanted:
        return f"PODIUM_CHROMIUM is set to {wanted}, which is not a file; point it at a Chromium executable"
    return ("no Chromium found to print with (looked for PODIUM_CHROMIUM, " + ", ".join(CHROMIUM_PATHS) +
            " and Playwright's Chromium); install one with `apt-get install chromium`")


def pdf_name(stem: str, handout: bool) -> str:
    """`06-compose.pdf`, or `06-compose-handout.pdf` (`index.pdf` for the session at the site's root)."""
    stem = "index" if stem == ROOT else stem
    return f"{stem}-handout.pdf" if handout else f"{stem}.pdf"


Missing = dict[Path, list[tuple[int, str]]]
"""Per PDF file: (slide index, URL) of the images its page could not show."""


def _with_playwright(chromium: str, jobs: list[tuple[str, Path]]) -> Missing:
    from playwright.sync_api import sync_playwright

    def local_only(route) -> None:
        if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=[*CHROMIUM_FLAGS, OFFLINE])
        try:
            context = browser.new_context()
            context.route("**/*", local_only)
            page = context.new_page()
            missing: Missing = {}
            for url, target in jobs:
                page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_S * 1000)
                page.evaluate("document.fonts.ready.then(() => true)")
                missing[target] = [(int(index), str(src)) for index, src in page.evaluate(MISSING_IMAGES)]
                page.pdf(path=str(target), print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
    return missing


def _with_command(chromium: str, jobs: list[tuple[str, Path]]) -> None:
    profile = Path(tempfile.mkdtemp(prefix="podium-chromium-"))
    try:
        for url, target in jobs:
            command = [chromium, "--headless", *CHROMIUM_FLAGS, OFFLINE, f"--user-data-dir={profile}",
                       "--no-pdf-header-footer", f"--print-to-pdf={target}", url]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=PAGE_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise PdfError(f"{chromium} could not print {target.name}: {error}") from None
            if done.returncode != 0 or not target.is_file():
                reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
                raise PdfError(f"{chromium} could not print {target.name}: {reason}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def print_pages(chromium: str, jobs: list[tuple[str, Path]], driver: str = "auto") -> Missing:
    """Print each (page URL, PDF path); driver is 'playwright', 'command' or 'auto' (Playwright if
    installed). With Playwright, says which images each page could not show (else nothing)."""
    if driver == "auto":
        try:
            import playwright.sync_api  # noqa: F401
            driver = "playwright"
        except ImportError:
            driver = "command"
    log.info("printing %d page(s) with %s via %s", len(jobs), chromium, driver)
    if driver == "playwright":
        from playwright.sync_api import Error as PlaywrightError

        try:
            return _with_playwright(chromium, jobs)
        except PlaywrightError as error:
            raise PdfError(f"{chromium} could not print: {str(error).splitlines()[0]}") from None
    _with_command(chromium, jobs)
    return {}


def page_query(handout: bool, paper: str = PAPERS[0]) -> str:
    """What the deck page's URL gets: nothing for the slides, `?handout&paper=a4` for a handout."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; expected one of {', '.join(PAPERS)}")
    return f"?handout&paper={paper}" if handout else ""


def make_pdfs(project: Project, out: Path, chromium: str, handout: bool = False, driver: str = "auto",
              paper: str = PAPERS[0]) -> PdfResult:
    """Build the course into a temporary folder and print every session into `out` (`paper`: the handout's).

    The PDF files are published as the site is (see publish.py): printed into a fresh folder that
    is swapped in for `out` once every one is printed, keeping the files of `out` this run does not
    write (the handouts beside the slides). Raises OutputError when `out` is refused or cannot be written."""
    with tempfile.TemporaryDirectory(prefix="podium-pdf-") as folder:
        result = build(project.with_options(out_dir=Path(folder) / "site", force=False))
        if not result.ok:
            return PdfResult(result, ())
        query = page_query(handout, paper)
        site = (Path(folder) / "site").resolve()
        pages = [((site / site_folder(d) / "index.html").as_uri() + query, pdf_name(d.deck.stem, handout))
                 for d in result.decks]
        missing: Missing = {}

        def fill(staging: Path) -> None:
            found = print_pages(chromium, [(url, staging.resolve() / name) for url, name in pages], driver)
            missing.update({target.name: images for target, images in found.items()})

        publish_site(project, fill, out=out, what="the PDF files", carry=True)
        warnings = [warning for rendered, (_, name) in zip(result.decks, pages)
                    for warning in not_included(rendered, missing.get(name, []), result, site.as_uri())]
    return PdfResult(result, tuple(out / name for _, name in pages), tuple(warnings))


def not_included(rendered: RenderedDeck, images: list[tuple[int, str]], result: BuildResult,
                 site: str) -> list[Diagnostic]:
    """A warning at the slide for each image its printed page could not show, once per image,
    unless the build named it already (a remote file not stored, a missing file)."""
    from urllib.parse import unquote

    named = [d.message for d in result.diagnostics if d.code in ("remote-not-stored", "missing-file")]
    found, seen = [], set()
    for index, url in images:
        shown_url = unquote(url.removeprefix(site + "/")) if url.startswith(site) else url
        tail = shown_url.rsplit("/", 1)[-1]
        if url in seen or index >= len(rendered.slides) or any(tail and tail in message for message in named):
            continue
        seen.add(url)
        slide = rendered.slides[index].slide
        found.append(Diagnostic(slide.location, "warning", "pdf-image-missing",
                                f"image {shown_url} could not be included in the PDF", slide.index + 1))
    return found
