"""The build: read every session, render it, and publish the site only when nothing failed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .loader import load_deck, session_files
from .markdown import MarkdownOptions
from .model import RenderedDeck
from .project import Project
from .render import RenderSettings, render_deck
from .site import publish, write_site

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did."""

    diagnostics: tuple[Diagnostic, ...]
    """Every problem found, sorted."""
    decks: tuple[RenderedDeck, ...]
    """The rendered decks (empty when the build failed)."""
    inputs: frozenset[Path]
    """Every file the build read: what a watcher should watch."""
    written: bool
    """True when the site was published."""

    @property
    def ok(self) -> bool:
        """No errors."""
        return not has_errors(self.diagnostics)


def render_settings(project: Project, sessions: frozenset[str]) -> RenderSettings:
    """Rendering settings from the course options."""
    options = project.options
    return RenderSettings(MarkdownOptions(options.highlight_lines, sessions), options.highlight_style, project.notes)


def render_course(project: Project) -> tuple[list[RenderedDeck], list[Diagnostic], set[Path]]:
    """Read and render every session (nothing is written)."""
    files = session_files(project)
    problems: list[Diagnostic] = []
    inputs: set[Path] = set(files)
    if project.config_path:
        inputs.add(project.config_path)
    settings = render_settings(project, frozenset(p.stem for p in files))
    rendered = []
    for path in files:
        deck, found = load_deck(path, project)
        problems += found
        if deck is None:
            continue
        result = render_deck(deck, settings, problems.append)
        inputs.update(result.assets.values())
        rendered.append(result)
    return rendered, problems, inputs


def build(project: Project) -> BuildResult:
    """Build the whole site; publish it only when there is no error."""
    rendered, problems, inputs = render_course(project)
    inputs.update(p for p in project.templates_dir.glob("*") if p.is_file())
    inputs.update(p for p in project.static_dir.glob("*") if p.is_file())
    written = False
    if not has_errors(problems):
        publish(project.out_dir, lambda folder: write_site(project, rendered, folder))
        written = True
        log.info("built %d sessions into %s", len(rendered), project.out_dir)
    return BuildResult(tuple(sort_diagnostics(problems)), tuple(rendered) if written else (), frozenset(inputs),
                       written)
