"""Lab files: which code block of a slide stands for which file of the session's lab.

A block stands for a lab file when the slide says so: an explicit `<!-- file: NAME -->` just
before the fence (`<!-- file: app.py lines=9-18 -->` or `region=NAME` for a part of it), or the
file named just before the block ("create a file called `app.py`", a heading or list item naming
it). A name is looked for in the session's lab folder (a folder session's own folder; for
`06-x.md`, the folder `06-x/` beside it), then below it (a unique match by name or trailing
path), then in the course's slides folder and the course's own folder. Ambiguous names come back
with their choices.

A part of a file is a range of its lines, or the lines between a `region: NAME` comment line
and the next `endregion` line (in any comment syntax: `# region: routes`, `// endregion`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .diagnostics import Diagnostic
from .inside import real, refusal, shown_entry
from .languages import SHELL_LIKE, filename_hint, infer_language, label_fits_file
from .markdown import ParsedSlide
from .model import SourceLocation
from .plugins.code import CODE_TOKENS, file_mark, text_before, typed_code
from .sessions import FOLDER_SOURCE, Session
from .textscan import INLINE_CODE

REGION = re.compile(r"\bregion\s*:\s*([\w.-]+)")
END_REGION = re.compile(r"\bend\s*region\b", re.IGNORECASE)
COMMAND = re.compile(r"^\s*(?:\$\s+|sudo\s+)?(?:docker|docker-compose|kubectl|pip3?|python3?|helm|podman)\s")
"""Inline code that is a command a student runs (what the lab's coherence looks at)."""
SKIPPED_FOLDERS = re.compile(r"^[._]|^(node_modules|site|__pycache__)$")


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A code block of a slide (or a command in inline code), as the lab checks see it."""

    text: str
    """Its code as typed: without `*` line markers and span backticks."""
    raw: str
    """Its code as written in the session file."""
    where: tuple[SourceLocation, ...]
    """The location of each of its lines."""
    opening: SourceLocation
    """Where the block starts (its opening fence)."""
    slide: int
    """0-based index of the first slide showing it."""
    language: str | None = None
    """Its language, labelled or inferred (`shell` for a command)."""
    name: str | None = None
    """The lab file it stands for, as the slide names it; None when it names none."""
    named_at: SourceLocation | None = None
    """Where the slide names the file (the `<!-- file: -->` comment), when it is explicit."""
    lines: tuple[int, int] | None = None
    """`lines=A-B`: the part of the file it shows (1-based, both included)."""
    region: str | None = None
    """`region=NAME`: the part of the file it shows."""


def slide_blocks(parsed: ParsedSlide) -> Iterator[CodeBlock]:
    """Every code block of a slide's content, and the commands in its inline code."""
    tokens, env, source = parsed.tokens, parsed.env, parsed.slide.content
    lines = source.text.split("\n")
    index = parsed.slide.index
    for number, token in enumerate(tokens):
        if token.type == "inline" and token.map and "`" in token.content:
            line, counted = token.map[0], 0
            for found in INLINE_CODE.finditer(token.content):
                code = found.group(2).strip()
                if COMMAND.match(code):
                    line += token.content.count("\n", counted, found.start())
                    counted = found.start()
                    at = source.location(line, 1)
                    yield CodeBlock(code, code, (at,), at, index, "shell")
        if token.type not in CODE_TOKENS or not token.map:
            continue
        first = token.map[0] + (1 if token.type == "fence" else 0)
        count = len(token.content.split("\n")) - 1 if token.content.endswith("\n") else len(token.content.split("\n"))
        where = tuple(source.location(first + i, 1) for i in range(max(count, 0)))
        info = token.info.strip().split()[0] if token.type == "fence" and token.info.strip() else ""
        before = text_before(tokens, number, lines)
        text = typed_code(token.content, env)
        language = infer_language(info, text, before).language
        found, line = file_mark(lines, token.map[0])
        name = named_at = part_lines = region = None
        if found:
            name, named_at = found.group(1), source.location(line, 1)
            part_lines = (int(found.group(2)), int(found.group(3))) if found.group(2) else None
            region = found.group(4)
        else:
            name = filename_hint(before)
            name = name if name and label_fits_file(info, name) else None
        yield CodeBlock(text, token.content, where, source.location(token.map[0], 1), index, language, name, named_at,
                        part_lines, region)


def deck_blocks(parsed: Iterable[ParsedSlide]) -> list[CodeBlock]:
    """The deck's code blocks and commands, each once (`--` steps and layouts repeat them)."""
    seen: dict[tuple, CodeBlock] = {}
    for item in parsed:
        for block in slide_blocks(item):
            seen.setdefault((block.opening, block.text), block)
    return list(seen.values())


def is_command(block: CodeBlock) -> bool:
    """A shell block or command that runs things (it may build an image the lab uses)."""
    return block.name is None and (block.language in SHELL_LIKE or block.language in ("bash", "sh", "shell"))


# ---- where the lab is ---------------------------------------------------------------------------

def lab_folder(session: Session) -> Path:
    """A session's lab folder: its own folder, or `NAME/` beside a `NAME.md` session file."""
    folder = session.folder.resolve()
    flat = session.page is None and session.source.name != FOLDER_SOURCE and session.source.parent == folder
    return session.source.parent / session.source.stem if flat else folder


Refused = tuple[Path, tuple[str, str]]
"""A lab entry the site may not publish, and (rule, message) saying why (see inside.py)."""


def walk_lab(lab: Path, skipped: Iterable[Path] = (), course: Iterable[Path] = ()) -> tuple[list[Path], list[Refused]]:
    """The files of a lab folder (hidden ones, build leftovers, other sessions' folders and the
    `skipped` ones left out), each folder walked once however symlinks lead back to it; with the
    course's folders, the entries it may not publish (leading outside it, hidden) are left out and
    returned apart, and never walked."""
    skipped, course = frozenset(skipped), tuple(course)
    if course and lab.exists() and (why := refusal(lab, course, lab.name)) is not None:
        return [], [(lab, why)]
    files: list[Path] = []
    refused: list[Refused] = []
    seen: set[Path | None] = set()
    folders = [lab]
    while folders:
        folder = folders.pop()
        if real(folder) in seen or not folder.is_dir():
            continue
        seen.add(real(folder))
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        below = []
        for path in entries:
            link = path.is_symlink()  # what is not a link lies where its folder does: inside the course
            if SKIPPED_FOLDERS.search(path.name) or path in skipped or link and real(path) in skipped:
                continue
            why = refusal(path, course, path.relative_to(lab).as_posix()) if course and link else None
            if why is not None and path.exists():
                refused.append((path, why))
            elif path.is_dir():
                if not ((path / "index.html").is_file() or (path / FOLDER_SOURCE).is_file()):
                    below.append(path)  # else another session's folder
            elif path.is_file():
                files.append(path)
        folders += below
    return sorted(files, key=lambda p: p.relative_to(lab).parts), refused


def lab_files(lab: Path, skipped: Iterable[Path] = (), course: Iterable[Path] = ()) -> list[Path]:
    """The files of a lab folder, as `walk_lab` finds them."""
    return walk_lab(lab, skipped, course)[0]


def resolve(name: str, lab: Path, course: Iterable[Path], skipped: Iterable[Path] = ()) -> tuple[Path | None, tuple[Path, ...]]:
    """The file a slide's name means: (the file or None, the choices when several fit)."""
    name = name.strip().removeprefix("./")
    if not name or name.startswith("/") or ".." in Path(name).parts:
        return None, ()
    if (lab / name).is_file():
        return lab / name, ()
    tail = "/" + name
    fits = [p for p in lab_files(lab, skipped, course) if ("/" + p.relative_to(lab).as_posix()).endswith(tail)]
    if len(fits) == 1:
        return fits[0], ()
    if fits:
        return None, tuple(fits)
    for folder in course:
        if (folder / name).is_file():
            return folder / name, ()
    return None, ()


def part_of(text: str, lines: tuple[int, int] | None, region: str | None) -> str | None:
    """The part of a file's text a block shows (the whole text without a part); None when the
    file has no such lines or region."""
    all_lines = text.split("\n")
    if lines is not None:
        start, end = lines
        if start < 1 or end < start or end > len(all_lines):
            return None
        return "\n".join(all_lines[start - 1:end])
    if region is not None:
        for number, line in enumerate(all_lines):
            found = REGION.search(line)
            if found and found.group(1) == region and "endregion" not in line.lower():
                for last in range(number + 1, len(all_lines)):
                    if END_REGION.search(all_lines[last]):
                        return "\n".join(all_lines[number + 1:last])
                return None
        return None
    return text


def part_start(text: str, lines: tuple[int, int] | None, region: str | None) -> int:
    """The 0-based line of the file where the part a block shows starts."""
    if lines is not None:
        return lines[0] - 1
    if region is not None:
        for number, line in enumerate(text.split("\n")):
            found = REGION.search(line)
            if found and found.group(1) == region:
                return number + 1
    return 0


def comparable(text: str) -> list[str]:
    """A text's lines as the drift check compares them: trailing whitespace and final newlines ignored."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def published_lab(session: Session, blocks: Iterable[CodeBlock], course: Iterable[Path],
                  used: Iterable[Path] = (),
                  report: Callable[[Diagnostic], None] | None = None) -> dict[str, Path | str]:
    """What the site offers students of a session's lab, by name in the deck's folder: the files
    of its lab folder and the files its blocks name (a file, or the block's text when there is
    none). The session's own page, source and the files its slides show (`used`) are left out, and
    so are files the course may not publish (outside the course's folders, hidden): those are
    reported, at the lab's entry or at the slide naming them."""
    course = tuple(course)
    report = report or (lambda item: None)
    lab = lab_folder(session)
    left_out = {session.source.resolve(), *(p.resolve() for p in used)}
    if session.page is not None:
        left_out.add(session.page.resolve())
    found: dict[str, Path | str] = {}
    files, refused = walk_lab(lab, (), course)
    for path, (rule, message) in refused:
        report(Diagnostic(SourceLocation(shown_entry(path), 1), "error", rule, message))
    for path in files:
        if path.resolve() not in left_out:
            found[path.relative_to(lab).as_posix()] = path
    for block in blocks:
        if not block.name or block.name in found or block.name.startswith("/") or ".." in block.name.split("/"):
            continue
        path, choices = resolve(block.name, lab, course)
        why = refusal(path, course, block.name) if path is not None else None
        if why is not None:
            report(Diagnostic(block.named_at or block.opening, "error", why[0], why[1], block.slide + 1))
        elif path is not None:
            found[block.name] = path
        elif not choices and not block.lines and not block.region:
            found[block.name] = block.text if block.text.endswith("\n") else block.text + "\n"
    return found
