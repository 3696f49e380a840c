"""Which files a site may publish: the course's own files, never hidden ones.

A file is published only when its real path (every symlink resolved) lies inside one of the
course's folders (its root, where course.toml is or the folder around the slides folder, and the
slides folder itself), and no part of its path, as written or as resolved inside the course, is
hidden (starts with `.`: `.git/config`, `.env`, `.ssh/id_rsa`). Symlinks that stay inside the
course are fine. Every stage that copies a file into the site asks `refusal` first.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable

from .diagnostics import Diagnostic
from .model import SourceLocation

if TYPE_CHECKING:
    from .model import Deck
    from .project import Project

OUTSIDE = "outside-course"
"""The rule of a file whose real path lies outside the course."""
HIDDEN = "hidden-file"
"""The rule of a hidden file (or a file in a hidden folder, `.git` among them)."""


def real(path: Path | str) -> Path | None:
    """The path with every symlink resolved (as far as it exists); None when it cannot be a path."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None


def course_folders(folders: Iterable[Path | str]) -> tuple[Path, ...]:
    """The course's folders as real paths (the ones that cannot be paths left out)."""
    return tuple(found for found in map(real, folders) if found is not None)


def shown_entry(path: Path) -> str:
    """A path as messages show it, its last name kept as it is (a symlink is not followed)."""
    from .project import shown

    folder = shown(path.parent)
    return path.name if folder == "." else f"{folder}/{path.name}"


def project_folders(project: Project) -> tuple[Path, ...]:
    """A project's course folders: its root and its slides folder, as real paths."""
    return course_folders((project.root, project.slides_dir))


def _hidden(parts: Iterable[str]) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def refusal(path: Path | str, course: Iterable[Path | str], written: str | None = None) -> tuple[str, str] | None:
    """(rule, message) saying why the file at `path` may not be published, or None when it may.

    `written` is the path as the course names it (a URL's path, a lab file's name): a hidden
    part there is refused too. With no course folders at all, nothing may be published.
    """
    shown = written if written is not None else str(path)
    target = real(path)
    if target is None:
        return None
    inside = [target.relative_to(folder) for folder in course_folders(course) if target.is_relative_to(folder)]
    if not inside:
        return OUTSIDE, (f"'{shown}' leads outside the course folder (to {target}); "
                         "only the course's own files are published")
    if _hidden(PurePosixPath(str(written or "")).parts) or all(_hidden(rest.parts) for rest in inside):
        return HIDDEN, (f"'{shown}' is a hidden file (a name in its path starts with '.'); "
                        "hidden files and .git are never published")
    return None


def may_publish(path: Path | str, course: Iterable[Path | str], written: str | None = None) -> bool:
    """True when the file at `path` may be copied into the site."""
    return refusal(path, course, written) is None


def source_refusal(deck: Deck, course: tuple[Path, ...]) -> Diagnostic | None:
    """The error of a session whose own file (its text, published as slides) the course may not
    publish: one whose real path lies outside the course (a symlink, a remark page's `sourceUrl`),
    or a hidden one; None when it may."""
    why = refusal(deck.source, course)
    if why is None:
        return None
    where = "lies outside the course folder" if why[0] == OUTSIDE else "is hidden (a name in its path starts with '.')"
    return Diagnostic(SourceLocation(deck.path, 1), "error", why[0],
                      f"the file of session '{deck.stem}' ({real(deck.source)}) {where}; "
                      "only the course's own files are published")
