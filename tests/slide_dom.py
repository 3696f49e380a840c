"""Read the slides back out of a built deck page, in the shape of the remark conformance files."""

from __future__ import annotations

import re
from html.parser import HTMLParser

CSS_URL = re.compile(r"background-image:\s*url\(\s*(['\"]?)(.*?)\1\s*\)")
VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param", "track"}


class _Slides(HTMLParser):
    """Collects, per slide: text, notes, classes, links, images, background."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.slides: list[dict] = []
        self.stack: list[str] = []  # role of each open element: content, number, notes, or ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        role = ""
        if "remark-slide-container" in classes:
            self.slides.append({"text": "", "notes": "", "classes": [], "links": [], "images": [], "background": ""})
        elif "remark-slide-content" in classes:
            role = "content"
            slide = self.slides[-1]
            slide["classes"] = [c for c in classes if c != "remark-slide-content" and not c.startswith("hljs-")]
            found = CSS_URL.search(values.get("style") or "")
            slide["background"] = f'url("{found.group(2)}")' if found else ""
        elif "remark-slide-number" in classes:
            role = "number"
        elif "remark-slide-notes" in classes:
            role = "notes"
        elif "podium-code-tools" in classes:
            role = "tools"                      # a code block's Copy and Download: not slide content
        if self._inside("content") and not self._inside("number") and not self._inside("tools") and role != "tools":
            if tag == "a" and "href" in values:
                self.slides[-1]["links"].append(values["href"])
            if tag == "img" and "src" in values:
                self.slides[-1]["images"].append(values["src"])
        if tag not in VOID:
            self.stack.append(role)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def _inside(self, role: str) -> bool:
        return role in self.stack

    def handle_data(self, data: str) -> None:
        if not self.slides:
            return
        if self._inside("notes") and not self._inside("tools"):
            self.slides[-1]["notes"] += data
        elif self._inside("content") and not self._inside("number") and not self._inside("tools"):
            self.slides[-1]["text"] += data


def read_slides(html: str) -> list[dict]:
    """The slides of a deck page."""
    parser = _Slides()
    parser.feed(html)
    parser.close()
    return parser.slides


def squash(text: str) -> str:
    """Text compared without whitespace, as the conformance README says."""
    return re.sub(r"\s+", "", text)
