"""`podium new DIR`: a small starter course, copied from the package's `starter/` folder.

The starter's files are kept as they are written (`starter/course.toml`, `starter/slides/...`);
only course.toml's `title = $title` is filled in, with a title made from the folder's name.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path
from string import Template

log = logging.getLogger(__name__)

STARTER = Path(__file__).resolve().parent / "starter"
"""The starter course, as package data."""
TEMPLATED = frozenset({"course.toml"})
"""Starter files with `$title` in them (string.Template), relative to STARTER."""


class StarterError(ValueError):
    """The folder cannot take a new course (it is a file, or not empty)."""


def course_title(folder: Path) -> str:
    """A title from a folder's name: `docker-101` -> `Docker 101`."""
    words = " ".join(re.split(r"[-_\s]+", folder.resolve().name)).strip() or "Course"
    return words[0].upper() + words[1:]


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes, kept ASCII, are TOML's)."""
    return json.dumps(text, ensure_ascii=True)


def starter_files() -> list[Path]:
    """The starter's files, relative to STARTER, in name order."""
    return sorted(p.relative_to(STARTER) for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def write_starter(folder: Path) -> list[Path]:
    """Copy the starter course into `folder` (made if missing); returns the files written, relative to it."""
    if folder.exists() and not folder.is_dir():
        raise StarterError(f"'{folder}' is a file; name a new folder for the course")
    if folder.is_dir() and any(folder.iterdir()):
        raise StarterError(f"'{folder}' exists and is not empty; name a new folder for the course")
    files = starter_files()
    title = toml_string(course_title(folder))
    for name in files:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.as_posix() in TEMPLATED:
            text = Template((STARTER / name).read_text(encoding="utf-8")).substitute(title=title)
            target.write_text(text, encoding="utf-8", newline="\n")
        else:
            shutil.copyfile(STARTER / name, target)
        log.debug("wrote %s", target)
    return files
