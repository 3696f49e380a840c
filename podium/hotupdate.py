"""Hot update: the slides an edit changed, sent to the open pages instead of reloading them.

After an incremental rebuild the dev server compares each rebuilt deck with what its pages show:
the `Shape` of the page it last wrote. When only slides changed (their HTML, notes, classes,
backgrounds, names, steps, numbers; the page title too), its pages get a `podium-update` message:
for each slide of the new deck either the index of the slide the page keeps (the same DOM node
stays) or the slide's new HTML (templates/slide.html, as the page has it), every slide's number,
the deck's names and total, and where each old slide went (so the trainer stays on the slide
they were on). Slides are matched the way difflib matches lines: unchanged runs stay, what lies
between them is replaced, inserted or removed. When anything else of the page changed (its
settings, its stylesheets, the runtime's CSS), the page reloads.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import RenderedDeck
from .project import Project
from .site import deck_context, slide_contexts, slide_fragment

if TYPE_CHECKING:
    from .offline import Kit

PLACED = frozenset({"slides", "title", "total"})
"""What of a deck page's context the update message carries itself (the rest is its shell)."""
PLACED_CONFIG = frozenset({"names", "total", "title"})
"""The same, of its runtime config."""


@dataclass(frozen=True, slots=True)
class Shape:
    """What a deck page shows, as far as a hot update needs to know."""

    shell: str
    """A digest of everything on the page besides its slides, title and numbers."""
    keys: tuple[str, ...]
    """Per slide: a digest of what its HTML holds apart from its place (index, number)."""


def _digest(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def shape(project: Project, rendered: RenderedDeck) -> Shape:
    """The shape of the page `rendered` is published as."""
    context = deck_context(project, rendered)
    shell = {key: value for key, value in context.items() if key not in PLACED}
    shell["config"] = {key: value for key, value in context["config"].items() if key not in PLACED_CONFIG}
    slides = context["slides"]
    keys = tuple(_digest(s["html"], s["notes"], s["classes"], s["style"], s["name"], s["continued"],
                         index + 1 < len(slides) and slides[index + 1]["continued"])
                 for index, s in enumerate(slides))
    return Shape(_digest(json.dumps(shell, sort_keys=True, default=str)), keys)


def update_message(project: Project, rendered: RenderedDeck, old: Shape, new: Shape, path: str,
                   versions: tuple[int, int], errors: list[str], kit: Kit | None = None) -> dict:
    """The `podium-update` message that turns a page of shape `old` into one of shape `new`.

    `path` is the page's URL path; `versions` (the page's, the new one's) let a page that did not
    show `old` reload instead."""
    contexts = slide_contexts(project, rendered)
    slides: list[int | str] = []
    moved = [0] * len(old.keys)
    last = max(len(new.keys) - 1, 0)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old.keys, new.keys, autojunk=False).get_opcodes():
        if tag == "equal":
            slides += range(i1, i2)
        else:
            slides += [slide_fragment(project, rendered, contexts, j, kit) for j in range(j1, j2)]
        for i in range(i1, i2):  # an edited slide is where its replacement is; a removed one, next to it
            moved[i] = min(j1 + (i - i1 if tag == "equal" else min(i - i1, max(j2 - j1 - 1, 0))), last)
    return {
        "command": "podium-update", "path": path, "base": versions[0], "version": versions[1],
        "slides": slides, "moved": moved, "numbers": [s["number"] for s in contexts],
        "texts": [s["number_text"] for s in contexts], "total": rendered.deck.total,
        "names": dict(rendered.deck.names), "title": f"{rendered.title} · {project.title}", "errors": errors,
    }
