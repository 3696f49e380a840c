"""`sync`: make the code on the slides and the lab's files equal again.

`--to slides` (the default) rewrites each block that differs from the lab file it names (or the
part it shows) with that file's text, changing nothing else of the session file: every other byte,
and the line endings, stay as they were; a `*` marker or span backticks stay on the lines that
keep their text. `--to files` writes the blocks into the files (only their part, for a part),
and writes the files the blocks name that do not exist yet, in the session's lab folder. Blocks
whose text the slide does not hold as it is shown (from a layout with `{{variables}}`, a named
file that several files fit) are left as they are, and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .lab import CodeBlock, comparable, deck_blocks, lab_folder, part_of, part_start, resolve
from .project import Project, shown
from .sessions import Session

LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


@dataclass(frozen=True, slots=True)
class Change:
    """One file that sync changed (or would change, with --dry-run)."""

    path: Path
    """The file."""
    what: str
    """What changed, in one line."""


def _lines(text: str) -> list[tuple[str, str]]:
    """(text, line ending) of each line; the last one's ending may be empty."""
    found = [(m.group(1), m.group(2)) for m in LINE.finditer(text)]
    return found[:-1] if len(found) > 1 and found[-1] == ("", "") else found


def _escaped(text: str) -> str:
    """Text as it sits in a remark page's textarea (remark unescapes these)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _new_block_lines(block: CodeBlock, old: list[str], new_text: str) -> list[str] | None:
    """The session file's new lines for a block, or None when its old lines are not the block's text."""
    content = block.raw.split("\n")
    if content and content[-1] == "" and block.raw.endswith("\n"):
        content.pop()
    if len(content) != len(old):
        return None
    prefix = None
    for raw, line in zip(old, content):
        if not raw.endswith(line):
            return None
        if line.strip() and prefix is None:
            prefix = raw[:len(raw) - len(line)]
        if line.strip() and raw[:len(raw) - len(line)] != prefix:
            return None
    prefix = prefix or ""
    typed = block.text.split("\n")
    as_written = dict(zip(typed, content))  # a line that keeps its text keeps its `*` and backticks
    lines = comparable(new_text)
    return [(prefix + as_written.get(line, line)) if line else "" for line in lines]


def _rewrite_block(session: Session, block: CodeBlock, new_text: str) -> tuple[Path, str] | None:
    """The session file's new text with the block showing `new_text`, or None when it cannot be done."""
    paths = {w.path for w in block.where} | {block.opening.path}
    source = session.source
    if len(paths) != 1 or shown(source) not in paths:
        return None
    numbers = [w.line for w in block.where]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    text = source.read_bytes().decode("utf-8")  # as it is: read_text would turn CRLF into LF
    lines = _lines(text)
    start = numbers[0] - 1 if numbers else block.opening.line
    old = [line for line, _ in lines[start:start + len(numbers)]]
    if session.inline is not None:
        old = [line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for line in old]
    new = _new_block_lines(block, old, new_text)
    if new is None:
        return None
    if session.inline is not None:
        new = [_escaped(line) for line in new]
    ending = (lines[start][1] if start < len(lines) else "") or next((e for _, e in lines if e), "\n")
    replaced = [(line, ending) for line in new]
    if start + len(numbers) >= len(lines) and replaced:
        replaced[-1] = (replaced[-1][0], lines[-1][1] if numbers else ending)
    result = lines[:start] + replaced + lines[start + len(numbers):]
    return source, "".join(line + end for line, end in result)


def _file_text(old: str | None, block: CodeBlock) -> str:
    """A lab file's new text: the block, or the file with the block's part replaced."""
    new = "\n".join(comparable(block.text)) + "\n"
    if old is None or (block.lines is None and block.region is None):
        return new
    lines = old.split("\n")
    start = part_start(old, block.lines, block.region)
    length = len((part_of(old, block.lines, block.region) or "").split("\n"))
    return "\n".join(lines[:start] + new.rstrip("\n").split("\n") + lines[start + length:])


def sync(project: Project, to: str = "slides", dry_run: bool = False) -> tuple[list[Change], list[Diagnostic]]:
    """Make blocks and lab files equal; returns what changed and what was left alone, and why."""
    changes: list[Change] = []
    while True:  # a rewritten block moves the lines of those after it: read the session again
        done, notes, again = _pass(project, to, dry_run)
        changes += done
        if not again:
            return changes, notes


def _pass(project: Project, to: str, dry_run: bool) -> tuple[list[Change], list[Diagnostic], bool]:
    """One pass over the course; writing `--to slides`, it stops after the first block it rewrites."""
    from .loader import load_deck
    from .markdown import MarkdownOptions, parse_deck
    from .sessions import find_sessions

    changes: list[Change] = []
    notes: list[Diagnostic] = []
    sessions, _ = find_sessions(project)
    course = [project.slides_dir, project.root]
    for session in sessions:
        deck, _ = load_deck(session, project)
        if deck is None:
            continue
        options = MarkdownOptions(session.options.highlight_lines, highlight_spans=session.options.highlight_spans)
        lab = lab_folder(session)
        for block in deck_blocks(parse_deck(deck, options, lambda d: None)):
            if not block.name:
                continue
            path, choices = resolve(block.name, lab, course)
            where = block.named_at or block.opening
            if choices:
                notes.append(Diagnostic(where, "warning", "lab-ambiguous", f"'{block.name}' fits several files: "
                                        "left as it is", block.slide + 1))
                continue
            old = path.read_bytes().decode("utf-8") if path is not None else None
            part = part_of(old, block.lines, block.region) if old is not None else None
            if part is not None and comparable(part) == comparable(block.text):
                continue
            if to == "slides":
                rewritten = _rewrite_block(session, block, part) if part is not None else None
                if rewritten is None:
                    if part is not None:
                        notes.append(Diagnostic(where, "warning", "lab-sync", "this block's text is not written as "
                                                "it is shown (a layout, {{variables}}): left as it is", block.slide + 1))
                    continue
                target, text = rewritten
                change = Change(target, f"{shown(target)}:{block.opening.line}: the block now shows {shown(path)}")
            else:
                if path is None and (block.lines or block.region):
                    continue
                target = path or lab / block.name
                text = _file_text(old, block)
                change = Change(target, f"{shown(target)}: {'rewritten' if old is not None else 'written'} from "
                                        f"{shown(session.source)}:{block.opening.line}")
            if dry_run:
                changes.append(change)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_file() and target.read_bytes() == text.encode("utf-8"):
                notes.append(Diagnostic(where, "warning", "lab-sync", "could not make this block equal to its file",
                                        block.slide + 1))
                continue
            target.write_bytes(text.encode("utf-8"))
            changes.append(change)
            if to == "slides":
                return changes, notes, True
    return changes, notes, False
