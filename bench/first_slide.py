"""How fast a big deck opens: build a 1,000-slide session, open it in headless Chromium, print figures.

    python bench/first_slide.py [--slides 1000] [--runs 15]

Prints, for file:// and for a loopback HTTP server, the median time from navigation start until
the first slide is painted (first contentful paint: the deck hides every slide until the runtime
reveals one, so the first paint is that slide) and until the runtime is ready (the slide marked
.remark-visible, every input wired), opening at slide 1 and at a slide in the middle. Two
baselines are measured the same way: a plain HTML page (the browser's own floor on this machine)
and a one-slide deck; and the big deck's page stripped of styles and scripts, so every slide shows
as plain HTML (what the browser itself takes to first paint that much HTML). Then the size of the runtime (static/: its CSS is also inlined into each deck page).
Targets: first slide within 150 ms, runtime under 40 KB unminified.
"""

from __future__ import annotations

import argparse
import functools
import re
import http.server
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from podium.builder import build  # noqa: E402
from podium.pdf import CHROMIUM_FLAGS, find_chromium  # noqa: E402
from podium.project import load_project  # noqa: E402

TARGET_MS = 150
TARGET_BYTES = 40 * 1024

PLAIN_PAGE = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>plain</title></head><body><p>plain</p></body></html>"

WATCH = """
window.__shown = null;
new MutationObserver(function (records, observer) {
  for (const r of records) {
    if (r.target.classList && r.target.classList.contains('remark-visible')) {
      window.__shown = performance.now(); observer.disconnect(); return;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['class']});
"""

READ = """() => new Promise(done => {
  const paint = () => performance.getEntriesByName('first-contentful-paint')[0];
  const plain = !document.getElementById('podium-config');
  const wait = () => paint() && (plain || window.__shown !== null)
    ? done([plain ? paint().startTime : window.__shown, paint().startTime]) : requestAnimationFrame(wait);
  wait();
})"""


def slide(number: int) -> str:
    """One slide of the big deck: heading, text, a list, code on every other slide, notes."""
    code = ("\n```python\ndef step_%d(items):\n    return [x * %d for x in items if x]\n```\n" % (number, number)
            if number % 2 else "")
    steps = "\n--\n\n- and one more point, shown on a second step\n" if number % 10 == 0 else ""
    return (f"# Slide {number}\n\nSome text for slide {number}, with *emphasis* and `inline code`.\n\n"
            f"- first point of {number}\n- second point\n- third point\n{code}{steps}\n???\n\n"
            f"Notes for slide {number}: say something useful.\n")


def make_course(folder: Path, count: int) -> None:
    """Write and build the course: `01-big` with `count` slides and `02-one` with one."""
    (folder / "slides").mkdir()
    (folder / "slides" / "01-big.md").write_text("\n---\n\n".join(slide(n) for n in range(1, count + 1)),
                                                 encoding="utf-8")
    (folder / "slides" / "02-one.md").write_text(slide(1), encoding="utf-8")
    project, problems = load_project(folder / "slides", folder / "site")
    result = build(project)
    if problems or not result.ok:
        raise SystemExit(f"the benchmark course did not build: {[str(d) for d in (*problems, *result.diagnostics)]}")


def bare_page(deck: Path) -> str:
    """The big deck's page without its styles and scripts: the browser's own time for that much HTML."""
    html = deck.read_text(encoding="utf-8")
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure(browser, url: str, runs: int) -> tuple[float, float, int]:
    """Median ms until painted and until ready, and the slide (1-based) that was shown."""
    painted, ready, shown = [], [], 0
    for _ in range(runs + 1):                   # the first run warms the caches and is dropped
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(url, wait_until="load")
        marked, paint = page.evaluate(READ)
        shown = page.evaluate("window.podium ? podium.current() : -1") + 1
        painted.append(paint)
        ready.append(marked)
        context.close()
    return statistics.median(painted[1:]), statistics.median(ready[1:]), shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=1000, help="slides in the deck (default: 1000)")
    parser.add_argument("--runs", type=int, default=15, help="page loads per case (default: 15)")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("first_slide: no Chromium (set PODIUM_CHROMIUM or apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    runtime = sorted(p for p in (ROOT / "podium" / "static").iterdir() if p.is_file())
    runtime_bytes = sum(p.stat().st_size for p in runtime)
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as folder:
        make_course(Path(folder), args.slides)
        site = Path(folder) / "site"
        (site / "plain.html").write_text(PLAIN_PAGE, encoding="utf-8")
        (site / "01-big" / "bare.html").write_text(bare_page(site / "01-big" / "index.html"), encoding="utf-8")
        server, base = serve(site)
        big, one, middle = (site / "01-big" / "index.html").as_uri(), (site / "02-one" / "index.html").as_uri(), args.slides // 2
        plain = (site / "plain.html").as_uri()
        bare = (site / "01-big" / "bare.html").as_uri()
        cases = [("file:// plain HTML", plain, ""), ("file:// bare big page", bare, ""),
                 ("file:// 1 slide", one, "one"), ("file://", big, "big"),
                 (f"file:// #{middle}", f"{big}#{middle}", ""),
                 ("http plain HTML", f"{base}plain.html", ""), ("http 1 slide", f"{base}02-one/", "one"),
                 ("http", f"{base}01-big/", "big"), (f"http #{middle}", f"{base}01-big/#{middle}", "")]
        size = (site / "01-big" / "index.html").stat().st_size
        print(f"deck: {args.slides} slides, page {size / 1024:.0f} KB; median of {args.runs} loads in headless "
              f"Chromium ({chromium}), ms from navigation start")
        print(f"{'case':<20}{'painted':>9}{'ready':>9}  slide")
        worst, over = 0.0, 0.0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=list(CHROMIUM_FLAGS))
            try:
                baseline = 0.0
                for name, url, role in cases:
                    paint, ready, shown = measure(browser, url, args.runs)
                    if role == "one":
                        baseline = paint
                    if role == "big":
                        worst, over = max(worst, paint), max(over, paint - baseline)
                    print(f"{name:<20}{paint:>9.1f}{ready:>9.1f}  " + (f"#{shown}" if shown else "-"))
            finally:
                browser.close()
                server.shutdown()
    print(f"runtime: {runtime_bytes} bytes ({runtime_bytes / 1024:.1f} KB) unminified in "
          + ", ".join(p.name for p in runtime))
    ok = worst <= TARGET_MS and runtime_bytes < TARGET_BYTES
    print(f"the big deck's first slide is painted at most {over:.0f} ms after a one-slide deck's")
    print(f"targets: first slide of the big deck painted within {TARGET_MS} ms (worst of file:// and http: "
          f"{worst:.0f} ms), runtime under {TARGET_BYTES // 1024} KB: "
          + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
