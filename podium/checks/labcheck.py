"""The lab checks: code on the slides equals the lab's files, and the lab's files agree.

Per session, every code block that names a lab file (see lab.py) is compared with that file (or
the part it shows), ignoring only trailing whitespace and final newlines (`lab-drift`: one error
at the block's first differing line, with a short diff); a name that fits several files is an
error (`lab-ambiguous`), a part the file does not have too (`lab-part`), and a name that fits no
file is a warning (`lab-missing`) unless the course has no lab file at all (no block names an
existing file and no lab folder holds one: its lab lives on its slides). Then the session's lab, its files and the blocks that stand for missing ones, goes
through the coherence rules (coherence.py).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable, Mapping

from ..diagnostics import Diagnostic
from ..inside import refusal, shown_entry
from ..lab import CodeBlock, comparable, is_command, lab_folder, part_of, part_start, resolve, walk_lab
from ..model import SourceLocation
from ..project import Project, shown
from ..sessions import Session

DIFF_LINES = 10
"""At most this many lines of diff under a drift error."""
NOT_LAB = frozenset({".md", ".html", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf"})
"""What a session folder holds besides its lab: its slides, page, styles and pictures."""
MAX_LAB_FILE = 512 * 1024
"""Larger files are not lab files the slides can show (images, archives)."""


def read_text(path: Path) -> str | None:
    """A lab file's text, or None when it is not text."""
    try:
        if path.stat().st_size > MAX_LAB_FILE:
            return None
        data = path.read_bytes()
        return None if b"\0" in data else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def session_folders(sessions: Iterable[Session]) -> set[Path]:
    """The folders that are sessions of their own (a root session's lab leaves them out)."""
    return {s.folder.resolve() for s in sessions if s.page is not None or s.source.name == "slides.md"}


def drift(block: CodeBlock, path: Path, text: str) -> Diagnostic | None:
    """The drift error of a block against the part of a file it shows, or None when they are equal."""
    part = part_of(text, block.lines, block.region)
    where = block.named_at or block.opening
    what = f"lines {block.lines[0]}-{block.lines[1]} of " if block.lines else (
        f"region '{block.region}' of " if block.region else "")
    if part is None:
        has = f"it has {len(text.splitlines())} lines" if block.lines else "no such region"
        return Diagnostic(where, "error", "lab-part", f"{shown(path)} has no {what.rstrip(' of')}: {has}",
                          block.slide + 1)
    want, have = comparable(part), comparable(block.text)
    if want == have:
        return None
    first = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
    at = block.where[min(first, len(block.where) - 1)] if block.where else block.opening
    line = part_start(text, block.lines, block.region) + first + 1
    diff = list(difflib.unified_diff(want, have, shown(path), "the slide", n=1, lineterm=""))[2:]
    changed = [d for d in diff if d[:1] in "+-"]
    shown_diff = diff[:DIFF_LINES]
    rest = len([d for d in diff[DIFF_LINES:] if d[:1] in "+-"])
    detail = "\n".join(shown_diff + ([f"({rest} more lines differ)"] if rest else []))
    message = (f"this block differs from {what}{shown(path)} from its line {line} on "
               f"({len(changed)} line{'s' if len(changed) != 1 else ''} of diff); "
               "`python build.py sync` copies the file onto the slide")
    return Diagnostic(at, "error", "lab-drift", message, block.slide + 1, detail)


def check_lab(project: Project, sessions: list[Session], blocks: Mapping[str, Iterable[CodeBlock]]) -> list[Diagnostic]:
    """Drift, missing and ambiguous lab files, and the lab's coherence, for the checked sessions."""
    from .coherence import LabText, check_coherence

    folders = session_folders(sessions)
    course = [project.slides_dir, project.root]
    found: list[Diagnostic] = []
    missing: list[Diagnostic] = []
    matched = False
    for session in sessions:
        if session.key not in blocks:
            continue
        lab = lab_folder(session)
        skipped = folders - {session.folder.resolve()}
        texts: dict[str, LabText] = {}
        from_blocks: dict[str, LabText] = {}
        commands = []
        for block in blocks[session.key]:
            if is_command(block):
                commands.append(LabText("", block.text, block.where))
            if not block.name:
                continue
            path, choices = resolve(block.name, lab, course, skipped)
            where = block.named_at or block.opening
            if choices:
                names = ", ".join(shown(c) for c in choices)
                found.append(Diagnostic(where, "error", "lab-ambiguous",
                                        f"'{block.name}' could be any of {names}: name it with its folder",
                                        block.slide + 1))
            elif path is None:
                missing.append(Diagnostic(where, "warning", "lab-missing",
                                          f"the slide names '{block.name}', which is not in the lab "
                                          f"({shown(lab)}/); `python build.py sync --to files` writes it",
                                          block.slide + 1))
                if not block.lines and not block.region:
                    from_blocks.setdefault(block.name, LabText(block.name, block.text, block.where))
            else:
                matched = True
                why = refusal(path, course, block.name) if session.options.code_buttons else None
                if why is not None:
                    found.append(Diagnostic(where, "error", why[0], why[1], block.slide + 1))
                text = read_text(path)
                if text is not None and (problem := drift(block, path, text)):
                    found.append(problem)
        files, refused = walk_lab(lab, skipped, course) if lab.is_dir() else ([], [])
        if session.options.code_buttons:  # the site publishes the lab: what it may not publish is an error
            found += [Diagnostic(SourceLocation(shown_entry(path), 1), "error", rule, message)
                      for path, (rule, message) in refused]
        for path in files:
            matched = matched or path.suffix.lower() not in NOT_LAB
            text = read_text(path)
            if text is not None:
                name = path.relative_to(lab).as_posix()
                texts[name] = LabText(name, text, tuple(SourceLocation(shown(path), n + 1)
                                                        for n in range(text.count("\n") + 1)))
        lab_texts = [*texts.values(), *(t for name, t in from_blocks.items() if name not in texts)]
        found += check_coherence(lab_texts, commands)
    return found + (missing if matched else [])
