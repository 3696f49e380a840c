"""Every slide laid out in headless Chromium: what does not fit on the slide, and what cannot be read.

The decks are rendered as `build` renders them, with each element's source line on it
(`MarkdownOptions.annotate`), into a temporary site; each page is opened at the deck's own size
(908x681 for 4:3) and a script (`layout.js` and the parts after it, SCRIPT_PARTS) lays every slide
out at scale 1 at once and reports, per slide, content taller or wider than the slide (rules
`overflow`, `overflow-x`: by how many pixels, and which element is the first that does not fit),
text out of the flow outside the slide, text that runs into the slide number (`overlap`), and
text whose contrast is below WCAG AA (`contrast`).
The findings come back as diagnostics at the file line of the element. Nothing leaves the machine:
the pages are read from file:// and every other request is refused (a remote image is laid out as
a missing one).
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..diagnostics import Diagnostic
from ..model import Deck, RenderedDeck, SourceLocation
from ..project import Project, shown

if TYPE_CHECKING:
    from ..sessions import Session
    from .browser import LayoutBrowser

log = logging.getLogger(__name__)

RULES = ("overflow", "overflow-x", "overlap", "contrast")
SKIPPED = "layout-skipped"
"""The rule of the one note saying the layout checks could not run."""
SCRIPT_PARTS = ("layout.js", "layout-element.js", "layout-contrast.js", "layout-measure.js")
"""The files of the script that lays the slides out, in order: joined, they are one function."""
HEIGHT = 681
"""remark's reference slide height; the width follows the ratio."""


def slide_width(ratio: str) -> int:
    """The slide's width at remark's reference height (`4:3` -> 908)."""
    w, h = (int(x) for x in ratio.split(":"))
    return HEIGHT * w // h


def _render(project: Project, chosen: list[Session]) -> list[RenderedDeck]:
    from ..builder import session_settings
    from ..loader import load_deck, sessions
    from ..render import render_deck

    keys = frozenset(s.key for s in sessions(project))
    rendered = []
    for session in chosen:
        settings = session_settings(project, session, keys)
        settings = replace(settings, markdown=replace(settings.markdown, annotate=True), notes=False)
        deck, _ = load_deck(session, project)
        if deck is not None and deck.slides:
            rendered.append(render_deck(deck, settings, lambda item: None))
    return rendered


def _diagnostics(deck: Deck, found: Iterable[dict]) -> list[Diagnostic]:
    """Findings as diagnostics at the element's line, each place and rule once: where layouts and
    `--` steps repeat a slide's text, the first slide where it is worst."""
    kept: dict[tuple, tuple[int, Diagnostic]] = {}
    for item in found:
        slide = deck.slides[item["slide"]]
        line = item.get("line")
        where = slide.content.location(line) if isinstance(line, int) else slide.location
        key = (where, item["rule"])
        worse = -item["amount"] if item["rule"] == "contrast" else item["amount"]
        if key not in kept or worse > kept[key][0]:
            kept[key] = (worse, Diagnostic(where, "warning", item["rule"], item["message"], slide.index + 1))
    return [diagnostic for _, diagnostic in kept.values()]


def skipped(project: Project, reason: str) -> Diagnostic:
    """The one note that the layout checks did not run, and why."""
    place = project.config_path or project.slides_dir
    return Diagnostic(SourceLocation(shown(place), 1), "warning", SKIPPED, f"layout checks skipped: {reason}")


def open_browser(project: Project) -> LayoutBrowser | Diagnostic:
    """A browser to lay slides out with, or the note saying why there is none."""
    from ..pdf import find_chromium, no_browser_reason

    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return skipped(project, "Playwright for Python is not installed (pip install playwright)")
    chromium = find_chromium()
    if chromium is None:
        return skipped(project, no_browser_reason())
    from .browser import LayoutBrowser

    return LayoutBrowser(chromium)


def check_layout(project: Project, paths: list[Session], browser: LayoutBrowser | None = None) -> list[Diagnostic]:
    """Lay out the slides of these sessions; a note instead when no browser can do it.

    `browser` is a Chromium kept between calls (the dev server's); without one, one is started
    for this call and closed after it."""
    if not paths:
        return []
    if browser is None:
        own = open_browser(project)
        if isinstance(own, Diagnostic):
            return [own]
        with own:
            return check_layout(project, paths, own)
    from ..site import options_of, site_folder, write_site

    rendered = _render(project, paths)
    if not rendered:
        return []
    script = "".join(Path(__file__).with_name(name).read_text(encoding="utf-8") for name in SCRIPT_PARTS)
    found = []
    with tempfile.TemporaryDirectory(prefix="podium-layout-") as folder:
        site = Path(folder)
        write_site(project.with_options(notes=False), rendered, site)
        widths: dict[int, list[RenderedDeck]] = {}
        for r in rendered:
            widths.setdefault(slide_width(options_of(project, r).ratio), []).append(r)
        for width, decks in widths.items():
            size = {"width": width, "height": HEIGHT}
            try:
                results = browser.run([site / site_folder(r) / "index.html" for r in decks], script, size, size)
            except Exception as error:  # the browser could not start or crashed: say so, once
                log.debug("layout check failed", exc_info=True)
                first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                return [skipped(project, f"{browser.chromium} could not lay the slides out: {first}")]
            for r, items in zip(decks, results):
                found += _diagnostics(r.deck, items)
    return found
