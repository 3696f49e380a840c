"""RenderedDecks -> the site folder: pages from jinja2 templates, assets (publishing it: publish.py)."""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, TypedDict

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .config import CourseOptions
from .highlight import style_css
from .inside import may_publish, project_folders
from .model import RenderedDeck
from .project import Project
from .publish import SITE_MARKER

if TYPE_CHECKING:
    from .offline import Kit

REMOTE = "static/remote/"
"""Where the offline kit's copies go in the site (see offline.py)."""


class SlideContext(TypedDict):
    index: int
    number: int
    number_text: str
    name: str | None
    classes: tuple[str, ...]
    style: str
    html: str
    notes: str
    continued: bool


class DeckContext(TypedDict):
    lang: str
    course_title: str
    title: str
    static: str
    stylesheets: list[str]
    page_styles: list[Markup]
    runtime_css: Markup
    ratio: str
    total: int
    slides: list[SlideContext]
    config: dict


class SessionContext(TypedDict):
    number: int
    title: str
    count: int
    href: str
    lab: str


class IndexContext(TypedDict):
    lang: str
    course_title: str
    static: str
    stylesheets: list[str]
    sessions: list[SessionContext]


@functools.lru_cache(maxsize=4)
def _environment(templates: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, keep_trailing_newline=True, auto_reload=True,
                       trim_blocks=True, lstrip_blocks=True)


def slide_number(format_: str, current: int, total: int) -> str:
    """remark's slide number: the first %current% and the first %total% replaced."""
    return format_.replace("%current%", str(current), 1).replace("%total%", str(total), 1)


def options_of(project: Project, rendered: RenderedDeck) -> CourseOptions:
    """The settings a deck is published with: its session's (course.toml's, and its remark page's)."""
    session = rendered.deck.session
    return session.options if session is not None else project.options


def site_folder(rendered: RenderedDeck) -> str:
    """The deck's folder in the site as a URL path (`6/`; empty for the session at the site's root)."""
    session = rendered.deck.session
    return session.site_folder if session is not None else f"{rendered.deck.stem}/"


def to_root(folder: str) -> str:
    """The relative URL from a page in `folder` (`6/`, or empty) to the site's root."""
    return "../" * folder.count("/")


def index_folder(project: Project, decks: Iterable[RenderedDeck]) -> str:
    """Where the course page goes: the site's root, or `index` (course.toml) when a session is there."""
    return f"{project.options.index}/" if any(site_folder(r) == "" for r in decks) else ""


def deck_config(project: Project, rendered: RenderedDeck) -> dict:
    """What the browser runtime needs to know about the deck.

    `width` and `height` are the slide's size in CSS px: remark's 681 px high, as wide as the
    ratio makes it (4:3 -> 908). `duration` is the planned length in seconds (the deck's first
    slide `duration:`, else course.toml's), 0 when none is set; `names` maps slide names to indices.
    """
    from .properties import parse_duration

    options = options_of(project, rendered)
    deck = rendered.deck
    planned = (deck.slides[0].properties.get("duration") if deck.slides else None) or options.duration
    height = 681
    across, down = (int(part) for part in options.ratio.split(":"))
    return {"ratio": options.ratio, "width": height * across // down, "height": height,
            "slideNumberFormat": options.slide_number_format,
            "navigation": options.navigation, "duration": parse_duration(planned) or 0 if planned else 0,
            "title": rendered.title, "deck": deck.stem, "names": dict(deck.names), "total": deck.total,
            "lab": LAB_ZIP if rendered.lab else ""}


def slide_contexts(project: Project, rendered: RenderedDeck) -> list[SlideContext]:
    """What the template knows of each slide of a deck."""
    total = rendered.deck.total
    fmt = options_of(project, rendered).slide_number_format
    return [{
        "index": r.slide.index, "number": r.slide.number, "number_text": slide_number(fmt, r.slide.number, total),
        "name": r.slide.name, "classes": r.classes, "style": r.style, "html": r.html,
        "notes": r.notes if project.notes else "", "continued": r.slide.continued,
    } for r in rendered.slides]


def slide_fragment(project: Project, rendered: RenderedDeck, slides: list[SlideContext], index: int,
                   kit: Kit | None = None) -> str:
    """The HTML of one slide exactly as the deck's page has it (templates/slide.html)."""
    env = _environment(project.templates_dir)
    step = index + 1 < len(slides) and slides[index + 1]["continued"]
    html = str(env.get_template("slide.html").module.container(slides[index], rendered.deck.total, step))
    return stored_copies(html, site_folder(rendered) + "index.html", kit)[0]


def deck_context(project: Project, rendered: RenderedDeck) -> DeckContext:
    total = rendered.deck.total
    options = options_of(project, rendered)
    slides = slide_contexts(project, rendered)
    static = to_root(site_folder(rendered)) + "static/"
    session = rendered.deck.session
    return {"lang": options.lang, "course_title": project.title, "title": rendered.title,
            "static": static, "stylesheets": stylesheets(project, static) + page_stylesheets(rendered),
            "page_styles": [Markup(css) for css, _ in session.styles] if session else [],
            "runtime_css": runtime_css(project, rendered.styles),
            "ratio": options.ratio, "total": total, "slides": slides, "code_buttons": options.code_buttons,
            "config": deck_config(project, rendered)}


def page_stylesheets(rendered: RenderedDeck) -> list[str]:
    """The stylesheets a session's remark page links, as written (the site keeps their places)."""
    session = rendered.deck.session
    return [href for href, _ in session.stylesheets] if session else []


RUNTIME_CSS = ("podium.css", "print.css")
"""The runtime's style sheets in the static folder (screen, then print); deck pages carry them inline."""
THEMES = "themes"
"""The folder of the themes in the static folder: `NAME.css`, carried inline after the runtime's."""


@functools.lru_cache(maxsize=4)
def _read_css(path: Path, changed: int) -> str:
    return path.read_text(encoding="utf-8")


def runtime_css(project: Project, styles: Iterable[str]) -> Markup:
    """The runtime's CSS, the theme's and that of the highlight styles a deck uses, for the deck's page."""
    parts = []
    for path in (*(project.static_dir / name for name in RUNTIME_CSS),
                 project.static_dir / THEMES / f"{project.options.theme}.css"):
        parts.append(_read_css(path, path.stat().st_mtime_ns))
    return Markup("".join(parts) + "".join(style_css(style) for style in sorted(styles)))


def stylesheets(project: Project, static: str) -> list[str]:
    """URLs of the course's own stylesheets from a page whose static folder is at `static`."""
    return [f"{static}course/{path.name}" for path in project.stylesheet_files]


def session_number(stem: str, position: int) -> int:
    """The number in front of a session file name (`06-compose` -> 6), else its position."""
    found = re.match(r"\d+", stem)
    return int(found.group()) if found else position


def index_context(project: Project, decks: list[RenderedDeck]) -> IndexContext:
    back = to_root(index_folder(project, decks))
    sessions: list[SessionContext] = [{
        "number": session_number(r.deck.stem, i + 1), "title": r.title, "count": r.deck.total,
        "href": back + site_folder(r) if site_folder(r) or back else "./",
        "lab": (back + site_folder(r) + LAB_ZIP) if r.lab else "",
    } for i, r in enumerate(decks)]
    return {"lang": project.options.lang, "course_title": project.title, "static": back + "static/",
            "stylesheets": stylesheets(project, back + "static/"), "sessions": sessions}


def write_text(path: Path, text: str) -> None:
    """Write a file so readers never see half of it (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temporary, path)


def stored_copies(text: str, page: str, kit: Kit | None, css: bool = False) -> tuple[str, set[str]]:
    """A page's (or, with `css`, a stylesheet's) text pointing at the kit's copies, from where it
    is in the site (`page`: its path there); and the names of the copies it uses."""
    if kit is None:
        return text, set()
    from .rewrite import rewrite_css, rewrite_html

    prefix = posixpath.relpath(REMOTE, posixpath.dirname(page) or ".") + "/"
    text, used = (rewrite_css if css else rewrite_html)(text, kit.lookup(prefix))
    return text, {url.removeprefix(prefix).split("#", 1)[0] for url in used}


def write_deck(project: Project, rendered: RenderedDeck, out: Path, kit: Kit | None = None) -> None:
    """The deck's page and the local files it uses (only the course's own: see inside.py); with
    the offline `kit`, the copies of the remote files they load, which they point at."""
    env = _environment(project.templates_dir)
    folder = out / site_folder(rendered)
    page, used = stored_copies(env.get_template("deck.html").render(deck_context(project, rendered)),
                               site_folder(rendered) + "index.html", kit)
    course = project_folders(project)
    for url, source in sorted(rendered.assets.items()):
        target = (folder / url).resolve()
        if target.is_relative_to(out.resolve()) and target.name != "index.html" and may_publish(source, course, url):
            target.parent.mkdir(parents=True, exist_ok=True)
            if kit is not None and source.suffix.lower() == ".css":
                used |= copy_stylesheet(source, out, target.relative_to(out.resolve()).as_posix(), kit)
            else:
                shutil.copyfile(source, target)
    if kit is not None:
        kit.write(used, out / REMOTE)
    write_lab(rendered, folder, out, course)
    write_text(folder / "index.html", page)


LAB_ZIP = "lab.zip"
"""The archive of a session's lab, beside its page."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member's date: the same lab gives the same archive, byte for byte."""


def write_lab(rendered: RenderedDeck, folder: Path, out: Path, course: tuple[Path, ...] = ()) -> None:
    """The session's lab files for students (where a block's download link points) and `lab.zip`;
    a file of the lab is written only when it lies inside the course's folders `course`."""
    if not rendered.lab:
        return
    import zipfile

    members: list[tuple[str, bytes]] = []
    for name, item in sorted(rendered.lab.items()):
        target = (folder / name).resolve()
        if not target.is_relative_to(out.resolve()) or target.name in ("index.html", LAB_ZIP):
            continue
        if isinstance(item, Path) and not may_publish(item, course, name):
            continue
        data = item.read_bytes() if isinstance(item, Path) else item.encode("utf-8")
        members.append((name, data))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    with zipfile.ZipFile(folder / LAB_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)


def write_index(project: Project, decks: list[RenderedDeck], out: Path) -> None:
    """The course page."""
    env = _environment(project.templates_dir)
    page = out / index_folder(project, decks) / "index.html"
    write_text(page, env.get_template("index.html").render(index_context(project, decks)))


def write_static(project: Project, out: Path, kit: Kit | None = None) -> None:
    """The runtime and the course's stylesheets (with the offline `kit`: pointing at its copies)."""
    target = out / "static"
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(project.static_dir.iterdir()):
        if source.is_file():
            shutil.copyfile(source, target / source.name)
    themes = project.static_dir / THEMES
    if themes.is_dir():
        shutil.copytree(themes, target / THEMES, dirs_exist_ok=True)
    sheets = [path for path in project.stylesheet_files if may_publish(path, project_folders(project))]
    if sheets:
        (target / "course").mkdir(exist_ok=True)
    for path in sheets:
        used = copy_stylesheet(path, out, course_stylesheet(path), kit)
        if kit is not None:
            kit.write(used, out / REMOTE)


def course_stylesheet(path: Path) -> str:
    """Where one of the course's own stylesheets (course.toml) is in the site."""
    return f"static/course/{path.name}"


def copy_stylesheet(source: Path, out: Path, name: str, kit: Kit | None = None) -> set[str]:
    """Copy a stylesheet into the site `out` as `name` (a path in it); with the offline `kit`,
    pointing at its copies, whose names it returns."""
    target = out / name
    if kit is None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return set()
    css, used = stored_copies(source.read_text(encoding="utf-8", errors="replace"), name, kit, css=True)
    write_text(target, css)
    return used


def write_site(project: Project, decks: list[RenderedDeck], out: Path, kit: Kit | None = None) -> None:
    """Everything: decks, index, static files (with the offline `kit`, the copies they point at)."""
    for rendered in decks:
        write_deck(project, rendered, out, kit)
    write_index(project, decks, out)
    write_static(project, out, kit)
    (out / SITE_MARKER).write_text("", encoding="utf-8")
