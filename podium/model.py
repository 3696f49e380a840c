"""Data only: the values that flow from the lexer to the site.

Every stage returns new values of these types; nothing is filled in later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .sessions import Session


@dataclass(frozen=True, slots=True, order=True)
class SourceLocation:
    """A place in an input file, as shown to the user."""

    path: str
    """The file as the user names it: relative to the working folder when it lies below it."""
    line: int
    """1-based line number."""
    column: int = 1
    """1-based column number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def at(self, line_offset: int = 0, column: int = 1) -> SourceLocation:
        """The location `line_offset` lines further down, at `column`."""
        return SourceLocation(self.path, self.line + line_offset, column)


@dataclass(frozen=True, slots=True)
class SourceText:
    """Markdown source together with where each of its lines came from.

    Slides inherit text from layouts and templates, so one slide's source can mix lines of
    several places; `origins[i]` is the file location of line `i` (0-based) of `text`.
    """

    text: str
    """The Markdown source."""
    origins: tuple[SourceLocation, ...]
    """One location per line of `text` (a text of n newlines has n + 1 lines)."""

    @staticmethod
    def at(text: str, start: SourceLocation) -> SourceText:
        """Text whose lines follow each other in one file, the first at `start`."""
        count = text.count("\n") + 1
        return SourceText(text, tuple(start.at(i) for i in range(count)))

    def location(self, line: int, column: int = 1) -> SourceLocation:
        """The file location of 0-based `line` of the text (clamped to the text)."""
        if not self.origins:
            return SourceLocation("<none>", 1, column)
        origin = self.origins[max(0, min(line, len(self.origins) - 1))]
        return SourceLocation(origin.path, origin.line, column)

    def __add__(self, other: SourceText) -> SourceText:
        """Concatenate; the last line of self and the first of other join into one line."""
        if not self.origins:
            return other
        if not other.origins:
            return self
        tail = self.text.rsplit("\n", 1)[-1]
        joint = self.origins[-1] if tail.strip() else other.origins[0]
        return SourceText(self.text + other.text, self.origins[:-1] + (joint,) + other.origins[1:])




@dataclass(frozen=True, slots=True)
class RawSlide:
    """One slide as the lexer cut it from a file, before properties are read."""

    content: SourceText
    """The slide text before any `???`."""
    notes: SourceText | None
    """The text after the last `???` of the slide, or None when there is none."""
    continued: bool
    """True when the slide was started by an incremental `--` separator."""
    location: SourceLocation
    """Where the slide starts (its first line)."""


@dataclass(frozen=True, slots=True)
class LexResult:
    """The raw slides of a file and the problems found while splitting it."""

    slides: tuple[RawSlide, ...]
    """Slides in file order, layouts and excluded ones included."""
    head_ends: tuple[int, ...]
    """For each slide, the offset in its content where the first content class starts."""
    code_lines: tuple[frozenset[int], ...]
    """For each slide, the 0-based lines of its content inside fenced or indented code."""
    diagnostics: tuple[Diagnostic, ...]
    """Problems found while splitting (unclosed fences and the like)."""


@dataclass(frozen=True, slots=True)
class Slide:
    """A displayed slide: properties resolved, layout/template content merged, {{vars}} expanded."""

    index: int
    """0-based position among the displayed slides (`#N` in a URL is index N-1)."""
    number: int
    """The slide number shown on the slide (uncounted slides share the previous number)."""
    name: str | None
    """The slide's `name:` property (its id and `#name` target)."""
    classes: tuple[str, ...]
    """Classes for the slide content, from `class:` of the slide and what it inherits."""
    properties: Mapping[str, str]
    """All properties after inheritance (strings, as in remark)."""
    where: Mapping[str, SourceLocation]
    """Where each property was set (in this slide or in the layout/template it came from)."""
    content: SourceText
    """The Markdown to render, with the file location of every line."""
    notes: SourceText
    """Presenter notes as Markdown (accumulated down a `--` build and from templates)."""
    continued: bool
    """True for a `--` step that continues the previous slide."""
    location: SourceLocation
    """Where the slide's own text starts in its file."""


@dataclass(frozen=True, slots=True)
class Deck:
    """One session file, split and resolved into slides."""

    source: Path
    """The session file."""
    path: str
    """The session file as shown in messages (e.g. `slides/06-docker-compose.md`)."""
    stem: str
    """The session's key: the file name without `.md`, or the session folder's name (`.` for the
    session at the site's root); its folder in the site."""
    slides: tuple[Slide, ...]
    """The displayed slides in order (layouts and excluded slides are not here)."""
    names: Mapping[str, int]
    """Slide name -> index of the displayed slide carrying it (first one wins)."""
    all_names: Mapping[str, tuple[SourceLocation, ...]]
    """Every `name:` in the file (layouts and excluded slides too) -> every place it is set."""
    total: int
    """The number shown on the last slide (`%total%`)."""
    lexed: LexResult
    """The file as the lexer split it (what checks of the raw text look at)."""
    session: Session | None = None
    """The session it is (its key, folder, page and settings); None for a deck parsed on its own."""


@dataclass(frozen=True, slots=True)
class RenderedSlide:
    """A slide as HTML, ready for the deck template."""

    slide: Slide
    """The slide it renders."""
    classes: tuple[str, ...]
    """Classes for `.remark-slide-content`: the slide's own plus its highlight style class."""
    style: str
    """Inline CSS from the background properties (empty when none)."""
    html: str
    """The slide content as HTML (markupsafe.Markup)."""
    notes: str
    """The presenter notes as HTML (markupsafe.Markup); empty when there are none."""


@dataclass(frozen=True, slots=True)
class RenderedDeck:
    """A deck rendered to HTML, with what the site needs to publish it."""

    deck: Deck
    """The deck it renders."""
    title: str
    """The first heading of the deck (or its first slide's `title:` property, or the file stem)."""
    slides: tuple[RenderedSlide, ...]
    """One per displayed slide."""
    styles: frozenset[str]
    """Highlight styles the deck uses."""
    assets: Mapping[str, Path]
    """Local files the deck references: URL as written (relative) -> file to copy."""
    lab: Mapping[str, Path | str] = field(default_factory=dict)
    """The session's lab for students, by name in the deck's folder: a file to copy, or a block's text."""
    remote: tuple[RemoteUse, ...] = ()
    """The images and stylesheets its slides and remark page load from other hosts, in order."""


@dataclass(frozen=True, slots=True)
class RemoteUse:
    """A URL on another host that a page loads: what the offline kit stores."""

    url: str
    """As written (absolute, or protocol-relative `//host/...`)."""
    kind: str
    """What it must be: `image` (an image), `stylesheet` (CSS) or `css` (a CSS `url()`: an image
    or a font)."""
    location: SourceLocation
    """Where it is written."""
    slide: int | None = None
    """The 1-based number of the slide it is on, None outside slides."""
