"""A headless Chromium that runs a script on local pages, kept on an event loop of its own.

`LayoutBrowser(chromium).run(pages, script, arguments, viewport)` opens each page (from file://;
every request for the network fails at once on this machine) and returns what the script gave
for each. The browser starts on
first use and is kept for the next call (the dev server lays decks out after every save); a
browser that went away is started again. The loop runs in a thread of its own, so callers may
already run an event loop (the dev server, a synchronous Playwright).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

WORKERS = 1
"""Pages open at once: on two cores one tab is fastest (Chromium's own processes take the other)."""
PAGE_TIMEOUT_MS = 60_000
OFFLINE = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
"""Every request for the network goes to a closed port of this machine: nothing leaves it, and a
remote image fails at once (faster than refusing each request from the driver)."""


class LayoutBrowser:
    """One Chromium for many runs; `close()` ends it."""

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="podium-browser", daemon=True)
        self._thread.start()
        self._playwright = None
        self._browser = None

    def run(self, pages: list[Path], script: str, arguments: dict, viewport: dict) -> list:
        """The script's result on each page, in order."""
        return asyncio.run_coroutine_threadsafe(self._run(pages, script, arguments, viewport), self._loop).result()

    def close(self) -> None:
        """Close the browser and end the loop's thread."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result()
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()

    def __enter__(self) -> LayoutBrowser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _start(self):
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        from playwright.async_api import async_playwright

        from ..pdf import CHROMIUM_FLAGS

        await self._close()
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(executable_path=self.chromium, headless=True,
                                                               args=[*CHROMIUM_FLAGS, *OFFLINE])
        return self._browser

    async def _close(self) -> None:
        browser, playwright, self._browser, self._playwright = self._browser, self._playwright, None, None
        if browser is not None:
            try:
                await browser.close()
            except Exception:  # already gone: nothing to close
                pass
        if playwright is not None:
            await playwright.stop()

    async def _run(self, pages: list[Path], script: str, arguments: dict, viewport: dict) -> list:
        browser = await self._start()
        results: list = [None] * len(pages)
        queue = list(enumerate(pages))

        async def work() -> None:
            context = await browser.new_context(viewport=viewport)
            try:
                page = await context.new_page()
                while queue:
                    number, path = queue.pop(0)
                    await page.goto(path.resolve().as_uri(), wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
                    results[number] = await page.evaluate(script, arguments)
            finally:
                await context.close()

        await asyncio.gather(*(work() for _ in range(min(WORKERS, len(pages)))))
        return results
