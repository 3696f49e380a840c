"""Project: where the course is, where the site goes, and the course's settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import CourseOptions, key_line, load_options
from .diagnostics import Diagnostic
from .inside import may_publish, project_folders, refusal
from .model import SourceLocation

PACKAGE_ROOT = Path(__file__).resolve().parent
"""The package folder: it holds templates/ and static/, so an installed Podium has them too."""


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it lies below it."""
    try:
        full, here = path.resolve(), Path(os.getcwd())
        return full.relative_to(here).as_posix() if full.is_relative_to(here) else str(path)
    except (OSError, ValueError):
        return str(path)


@dataclass(frozen=True, slots=True)
class Project:
    """Paths and options of one course build."""

    slides_dir: Path
    """The session files (`*.md`, in file-name order) and the files they use."""
    out_dir: Path
    """Where the site is published."""
    config_path: Path | None = None
    """course.toml, when the course has one."""
    templates_dir: Path = PACKAGE_ROOT / "templates"
    """jinja2 templates of the pages."""
    static_dir: Path = PACKAGE_ROOT / "static"
    """The browser runtime and styles copied to `OUT/static/`."""
    options: CourseOptions = field(default_factory=CourseOptions)
    """Settings from course.toml."""
    notes: bool = True
    """False publishes the site without presenter notes (students' copy)."""
    force: bool = False
    """True replaces an output folder Podium did not make (`--force`); never a file or the course."""
    offline: bool = False
    """True stores the remote images, stylesheets and fonts the pages load in the site (offline.py)."""
    offline_fetch: bool = True
    """With `offline`: fetch what the cache does not hold yet (False: use only the cache's copies)."""

    @property
    def root(self) -> Path:
        """The course's folder: course.toml's, else the slides folder itself when it is a remark
        course's own folder (a root index.html), else the folder around the slides folder."""
        if self.config_path is not None:
            return self.config_path.parent.resolve()
        slides = self.slides_dir.resolve()
        return slides if (slides / "index.html").is_file() else slides.parent

    @property
    def title(self) -> str:
        """The course title: course.toml's, else the course folder's name."""
        return self.options.title or self.root.name

    @property
    def stylesheet_files(self) -> tuple[Path, ...]:
        """The course's own CSS files (named in course.toml, relative to it), those the course may
        publish (inside its folders, not hidden: see inside.py)."""
        base = self.config_path.parent if self.config_path else Path.cwd()
        course = project_folders(self)
        return tuple(base / name for name in self.options.stylesheets if may_publish(base / name, course, name))

    @property
    def cache_dir(self) -> Path:
        """`.podium-cache/` beside the slides folder: what the online check and the offline kit keep."""
        return self.slides_dir.resolve().parent / ".podium-cache"

    def with_options(self, **changes: object) -> Project:
        """A copy with some fields changed."""
        return replace(self, **changes)


DEFAULT_SLIDES = "slides"


def load_project(slides: str | Path = DEFAULT_SLIDES, out: str | Path = "site", config: str | Path | None = None,
                 notes: bool = True) -> tuple[Project, list[Diagnostic]]:
    """The project for these flags. course.toml is looked for in the slides folder, then beside it.
    Without a `slides/` folder, a folder that is a remark course itself (an index.html, or a
    course.toml, in it) is its own slides folder."""
    slides_dir = Path(slides)
    if str(slides) == DEFAULT_SLIDES and not slides_dir.is_dir() and any(
            Path(name).is_file() for name in ("index.html", "course.toml")):
        slides_dir = Path(".")
    inside = slides_dir / "course.toml"
    config_path = Path(config) if config else inside if inside.is_file() else slides_dir.resolve().parent / "course.toml"
    options, problems = load_options(config_path, shown(config_path))
    project = Project(slides_dir=slides_dir, out_dir=Path(out),
                      config_path=config_path if config_path.is_file() else None, options=options, notes=notes)
    return project, problems + _refused_stylesheets(project)


def _refused_stylesheets(project: Project) -> list[Diagnostic]:
    """An error at course.toml's `stylesheets` for each one the course may not publish."""
    if project.config_path is None or not project.options.stylesheets:
        return []
    course = project_folders(project)
    refused = [why for name in project.options.stylesheets
               if (why := refusal(project.config_path.parent / name, course, name)) is not None]
    if not refused:
        return []
    text = project.config_path.read_text(encoding="utf-8")
    where = SourceLocation(shown(project.config_path), key_line(text, "", "stylesheets"), 1)
    return [Diagnostic(where, "error", rule, f"stylesheets: {message}") for rule, message in refused]
