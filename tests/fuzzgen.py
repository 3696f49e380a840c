"""Sessions made to break the build: seeded mutations of real sessions and crafted pathological ones.

`mutated(seed)` takes one real session (the bundled course's, the fixtures' remark sessions and
remark pages) and applies a few edits drawn from `EDITS`: lines deleted, duplicated, swapped or
moved, remark tokens (`---`, `???`, `template:`, `.a[`, fences, `{{x}}` ...) put on lines of their
own or inside lines, tabs, NUL bytes, bad UTF-8, CRs and BOMs inserted, the file cut short. The
same seed always gives the same bytes.

`crafted(scale)` gives the cases of `CRAFTED`, each made to hit one limit (content classes nested
260 deep, a template chain of 1,000 slides, `.a[` 4,000 times on one line, 16,000 fence lines, ...),
`scale` times their usual size. `saved(folder)` reads cases kept as files (tests/fixtures/fuzz/).

A case is the files of a slides folder, so a session can also be a remark page.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAVED = FIXTURES / "fuzz"
"""Cases kept as files: a session `NAME.md`, or a remark page `NAME.html`."""
SESSION = "01-case.md"
"""Where a case's session goes in its slides folder."""
PAGE = "01-case/index.html"
"""Where a case that is a remark page goes."""


@dataclass(frozen=True, slots=True)
class Case:
    """One input for the commands: the files of a slides folder."""

    name: str
    """What it is (`mutated-17`, `nested-classes-260`): a test id and a file name."""
    files: Mapping[str, bytes]
    """Path in the slides folder -> bytes."""
    origin: str
    """How it was made: the source file and the edits, or the crafted case's description."""

    @property
    def size(self) -> int:
        """Bytes in all its files."""
        return sum(len(data) for data in self.files.values())

    def write(self, slides: Path) -> None:
        """Write the files into the slides folder."""
        for name, data in self.files.items():
            path = slides / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


# ---- mutations of real sessions -------------------------------------------------------------------

SOURCES = (
    "slides/06-docker-compose.md", "slides/00-guide.md", "tests/fixtures/session-06-docker-compose.md",
    *sorted(p.relative_to(ROOT).as_posix() for p in (FIXTURES / "remark-conformance" / "cases").glob("*.md")),
    *sorted(p.relative_to(ROOT).as_posix() for p in (FIXTURES / "remark-course").rglob("slides.md")),
    "tests/fixtures/remark-course/3/index.html",
)
"""The real sessions mutated: Markdown sessions, and a remark page with its source inline."""

TOKENS = (
    b"---", b"--", b"???", b"layout: true", b"layout: false", b"template: ", b"name: ", b"class: ",
    b"class: center, middle",
    b"count: false", b"exclude: true", b"background-image: url(missing.png)", b"highlight-style: monokai",
    b".a[", b"]", b".a.b[", b"\\.a[", b"[", b"![:scale 50%](img/x.png)", b"![:nomacro 1, 2]", b"```", b"```python",
    b"```yaml", b"```js title", b"~~~", b"    ", b"{{x}}", b"{{content}}", b"\\{{x}}", b"{{", b"}}", b"<!-- break -->",
    b"<!-- name: x -->", b"<!-- file: app.py -->", b"<!--", b"-->", b"[ref]: #2", b"[x](#99)", b"[x](../02-y/#3)",
    b"#Title", b"# ", b"> ", b"- ", b"1. ", b"|a|b|\n|-|-|", b"*", b"`", b"<div>", b"</div>", b"&amp;", b"\\",
    b"---  ", b"-- ", b" ???", b"<textarea>", b"</textarea>", b"duration: 45x",
)
"""Remark syntax and its neighbours, put where they do not belong."""

ODD_BYTES = (
    b"\t", b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\x1b[31m", b"\x0c", b"\x7f", "\u2028".encode(),
    "\u202e".encode(), "\u200b".encode(), "\ufeff".encode(), "\U0001f600".encode(), "e\u0301".encode(),
)
"""Characters a broken paste or another editor leaves: control characters, BOMs, odd Unicode."""
BAD_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80")
"""Bytes that are not UTF-8 (a file with one is refused whole, so they are drawn less often)."""
BAD_SHARE = 0.15
"""How often an inserted byte string is not UTF-8."""

NAME = re.compile(rb"^name:[ \t]*(\S+)", re.M)


def _line(rng: random.Random, lines: list[bytes]) -> int:
    return rng.randrange(len(lines)) if lines else 0


def _token(rng: random.Random, names: list[bytes]) -> bytes:
    token = rng.choice(TOKENS)
    if token in (b"template: ", b"name: "):
        token += rng.choice(names) if names and rng.random() < 0.7 else b"n%d" % rng.randrange(5)
    return token


def delete(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Remove one to three lines."""
    at = _line(rng, lines)
    count = rng.randint(1, 3)
    del lines[at:at + count]
    return f"delete {count}@{at}"


def duplicate(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Repeat a run of lines (up to 10) after itself."""
    at = _line(rng, lines)
    count = rng.randint(1, 10)
    lines[at:at] = lines[at:at + count]
    return f"duplicate {count}@{at}"


def swap(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Exchange two lines."""
    if len(lines) < 2:
        return "swap -"
    a, b = rng.sample(range(len(lines)), 2)
    lines[a], lines[b] = lines[b], lines[a]
    return f"swap {a},{b}"


def move(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Move a run of lines elsewhere."""
    at = _line(rng, lines)
    block = lines[at:at + rng.randint(1, 20)]
    del lines[at:at + len(block)]
    to = _line(rng, lines)
    lines[to:to] = block
    return f"move {len(block)}@{at}->{to}"


def token_line(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """A remark token on a line of its own."""
    at = _line(rng, lines)
    token = _token(rng, names)
    lines.insert(at, token + b"\n")
    return f"line {token!r}@{at}"


def token_inline(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """A remark token inside a line (possibly repeated)."""
    at = _line(rng, lines)
    if not lines:
        lines.append(b"")
    line = lines[at]
    where = rng.randint(0, len(line))
    token = _token(rng, names) * (rng.choice((1, 1, 1, 2, 5, 50)))
    lines[at] = line[:where] + token + line[where:]
    return f"inline {token[:20]!r}@{at}:{where}"


def insert_bytes(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Odd bytes (NUL, tab, CR, BOM, bad UTF-8 ...) inside a line."""
    at = _line(rng, lines)
    if not lines:
        lines.append(b"")
    line = lines[at]
    where = rng.randint(0, len(line))
    data = rng.choice(BAD_UTF8 if rng.random() < BAD_SHARE else ODD_BYTES) * rng.choice((1, 1, 3))
    lines[at] = line[:where] + data + line[where:]
    return f"bytes {data!r}@{at}:{where}"


def indent(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Indent a run of lines with tabs or spaces (code blocks, lazy continuations)."""
    at = _line(rng, lines)
    prefix = rng.choice((b"\t", b"    ", b"  ", b" \t"))
    count = rng.randint(1, 8)
    lines[at:at + count] = [prefix + line for line in lines[at:at + count]]
    return f"indent {prefix!r}x{count}@{at}"


def endings(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """All line endings as CRLF or CR, or a BOM at the start."""
    kind = rng.choice((b"\r\n", b"\r", b"bom"))
    if kind == b"bom":
        if lines:
            lines[0] = b"\xef\xbb\xbf" + lines[0]
        return "bom"
    lines[:] = [line[:-1] + kind if line.endswith(b"\n") else line for line in lines]
    return f"endings {kind!r}"


def truncate(rng: random.Random, lines: list[bytes], names: list[bytes]) -> str:
    """Cut the file at some byte (inside a line, maybe inside a UTF-8 sequence)."""
    data = b"".join(lines)
    at = rng.randint(0, len(data))
    lines[:] = data[:at].splitlines(keepends=True)
    return f"truncate @{at}"


EDITS: tuple[tuple[Callable[[random.Random, list[bytes], list[bytes]], str], int], ...] = (
    (delete, 6), (duplicate, 5), (swap, 5), (move, 3), (token_line, 8), (token_inline, 6), (insert_bytes, 6),
    (indent, 3), (endings, 1), (truncate, 1),
)
"""Each edit and its weight in the draw."""


def mutated(seed: int, sources: tuple[str, ...] = SOURCES) -> Case:
    """A real session with one to eight seeded edits."""
    rng = random.Random(seed)
    source = rng.choice(sources)
    data = (ROOT / source).read_bytes()
    lines = data.splitlines(keepends=True)
    names = NAME.findall(data)
    functions = [edit for edit, _ in EDITS]
    weights = [weight for _, weight in EDITS]
    done = [edit(rng, lines, names) for edit in rng.choices(functions, weights, k=rng.randint(1, 8))]
    target = PAGE if source.endswith(".html") else SESSION
    return Case(f"mutated-{seed}", {target: b"".join(lines)}, f"{source}: " + "; ".join(done))


def mutations(count: int, first: int = 0) -> Iterator[Case]:
    """`count` mutated sessions, seeds `first` on."""
    return (mutated(seed) for seed in range(first, first + count))


# ---- crafted cases -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Crafted:
    """A pathological input made from a size."""

    name: str
    """Its name; the case is called NAME-SIZE."""
    size: int
    """Its usual size (nesting depth, slides, repeats)."""
    make: Callable[[int], str | bytes]
    """The session's text for a size."""
    page: bool = False
    """The text is a remark page (index.html of a session folder), not a Markdown session."""


def _chain(count: int, target: Callable[[int], int | None]) -> str:
    slides = []
    for number in range(count):
        parent = target(number)
        head = f"name: s{number}\n" + (f"template: s{parent}\n" if parent is not None else "")
        slides.append(f"{head}\n# Slide {number}\n\n{{{{content}}}} text {number}\n")
    return "---\n".join(slides)


def _remark_page(source: str, options: str = "{}") -> str:
    return (f"<!DOCTYPE html>\n<html>\n<head><title>Case</title></head>\n<body>\n<textarea id=\"source\">\n{source}\n"
            f"</textarea>\n<script src=\"remark.js\"></script>\n<script>remark.create({options});</script>\n"
            "</body>\n</html>\n")


CRAFTED: tuple[Crafted, ...] = (
    # content classes
    Crafted("nested-classes", 260, lambda n: ".a[\n" * n + "x\n" + "]\n" * n),
    Crafted("nested-classes-unclosed", 260, lambda n: ".a[\n" * n + "x\n"),
    Crafted("nested-classes-inline", 260, lambda n: ".a[" * n + "x" + "]" * n + "\n"),
    Crafted("unclosed-inline-classes", 4000, lambda n: ".a[" * n + "\n"),
    Crafted("unclosed-inline-classes-long", 20000, lambda n: ".a[" * n + "\n"),
    Crafted("inline-classes-run", 20000, lambda n: ".a[x]" * n + "\n"),
    Crafted("closing-brackets", 20000, lambda n: "]" * n + "\n"),
    Crafted("classes-in-lists", 200, lambda n: "".join("  " * i + f"- .a[{i}\n" for i in range(n)) + "]" * n + "\n"),
    # templates and layouts
    Crafted("template-chain-forward", 1000, lambda n: _chain(n, lambda i: i + 1 if i + 1 < n else None)),
    Crafted("template-chain-backward", 2000, lambda n: _chain(n, lambda i: i - 1 if i else None)),
    Crafted("template-cycle", 500, lambda n: _chain(n, lambda i: (i + 1) % n)),
    Crafted("layouts", 1000, lambda n: "".join(f"layout: true\nname: l{i}\n\n.l{i}[{{{{content}}}}]\n---\n"
                                               for i in range(n)) + "# Last\n"),
    Crafted("same-name", 500, lambda n: "---\n".join(f"name: a\ntemplate: a\n\n# {i}\n" for i in range(n))),
    Crafted("content-placeholders", 5000, lambda n: "name: t\n\n" + "{{content}}" * n + "\n---\ntemplate: t\n\nx\n"),
    # separators, steps, notes
    Crafted("slides", 10000, lambda n: "---\n" * n),
    Crafted("steps", 300, lambda n: "\n--\n".join(f"- step {i}" for i in range(n)) + "\n"),
    Crafted("notes", 10000, lambda n: "???\n" * n),
    Crafted("breaks", 10000, lambda n: "<!-- break -->\n" * n),
    # fences and code
    Crafted("fences", 16000, lambda n: "```\n" * n),
    Crafted("fences-unclosed", 50001, lambda n: "```\n" * n),
    Crafted("tilde-fences", 16000, lambda n: "~~~\n" * n),
    Crafted("python-lines", 10000, lambda n: "```python\n" + "x = 1\n" * n + "```\n"),
    Crafted("python-nesting", 5000, lambda n: "```python\nx = " + "(" * n + "1" + ")" * n + "\n```\n"),
    Crafted("python-unary", 50000, lambda n: "```python\nx = " + "-" * n + "1\n```\n"),
    Crafted("yaml-nesting", 5000, lambda n: "```yaml\nx: " + "[" * n + "]" * n + "\n```\n"),
    Crafted("yaml-indent", 1000, lambda n: "```yaml\n" + "".join(" " * i + f"k{i}:\n" for i in range(n)) + "```\n"),
    Crafted("json-nesting", 100000, lambda n: "```json\n" + "[" * n + "]" * n + "\n```\n"),
    Crafted("toml-nesting", 5000, lambda n: "```toml\nx = " + "[" * n + "]" * n + "\n```\n"),
    Crafted("shell-nesting", 2000, lambda n: "```bash\necho " + "$(" * n + "x" + ")" * n + "\n```\n"),
    Crafted("dockerfile-lines", 5000, lambda n: "```dockerfile\nFROM python:3.12\n" + "RUN true \\\n" * n + "\n```\n"),
    Crafted("highlighted-lines", 5000, lambda n: "```js\n" + "*x();\n" * n + "```\n"),
    Crafted("indented-code", 20000, lambda n: "    x\n" * n),
    # Markdown structure
    Crafted("blockquotes", 300, lambda n: "> " * n + "x\n"),
    Crafted("blockquote-lines", 300, lambda n: "".join(">" * i + " x\n" for i in range(1, n + 1))),
    Crafted("lists", 300, lambda n: "- " * n + "x\n"),
    Crafted("ordered-lists", 300, lambda n: "1. " * n + "x\n"),
    Crafted("list-lines", 300, lambda n: "".join("  " * i + "- x\n" for i in range(n))),
    Crafted("quoted-lists", 150, lambda n: "> - " * n + "x\n"),
    Crafted("emphasis", 10000, lambda n: "*" * n + "x" + "*" * n + "\n"),
    Crafted("emphasis-mixed", 10000, lambda n: "*_" * n + "x\n"),
    Crafted("brackets", 10000, lambda n: "[" * n + "x" + "]" * n + "\n"),
    Crafted("images", 3000, lambda n: "![" * n + "\n"),
    Crafted("links", 5000, lambda n: "[a](" * n + "\n"),
    Crafted("backticks", 10000, lambda n: "``x" * n + "\n"),
    Crafted("html-tags", 5000, lambda n: "<div>" * n + "\n"),
    Crafted("html-comments", 5000, lambda n: "<!--" * n + "\n"),
    Crafted("headings", 10000, lambda n: "#" * n + " x\n"),
    Crafted("table", 5000, lambda n: "|a" * n + "|\n" + "|-" * n + "|\n" + "|x" * n + "|\n"),
    Crafted("references", 10000, lambda n: "".join(f"[r{i}]: #{i}\n" for i in range(n)) + "[r1] [r2]\n"),
    Crafted("escapes", 100000, lambda n: "\\" * n + "\n"),
    Crafted("tabs", 100000, lambda n: "\t" * n + "x\n"),
    Crafted("long-line", 1000000, lambda n: "a" * n + "\n"),
    # properties and variables
    Crafted("properties", 10000, lambda n: "".join(f"v{i}: x\n" for i in range(n)) + "\n" + "{{v1}}" * n + "\n"),
    Crafted("variables", 20000, lambda n: "{{x}}" * n + "\n"),
    Crafted("braces", 20000, lambda n: "{{" * n + "\n"),
    Crafted("classes", 10000, lambda n: "class: " + ", ".join(f"c{i}" for i in range(n)) + "\n\nx\n"),
    Crafted("macros", 5000, lambda n: "![:scale 50%](a.png)" * n + "\n"),
    # bytes
    Crafted("empty", 0, lambda n: b""),
    Crafted("nul", 100000, lambda n: b"\x00" * n),
    Crafted("bad-utf8", 100000, lambda n: b"\xff\xfe" * (n // 2)),
    Crafted("boms", 10000, lambda n: b"\xef\xbb\xbf" * n),
    Crafted("carriage-returns", 20000, lambda n: b"x\r" * n),
    Crafted("oversized", 1500000, lambda n: "a\n" * n),
    # remark pages
    Crafted("page-options-nesting", 5000, lambda n: _remark_page("# x", "{a: " * n + "1" + "}" * n), page=True),
    Crafted("page-options-arrays", 5000, lambda n: _remark_page("# x", "[" * n), page=True),
    Crafted("page-textareas", 5000, lambda n: _remark_page("# x\n" + "<textarea>" * n), page=True),
    Crafted("page-source-classes", 260, lambda n: _remark_page(".a[\n" * n + "x\n" + "]\n" * n), page=True),
)
"""The crafted inputs; each name says what it repeats, `size` how many times (or how deep)."""


def crafted(scale: float = 1, names: tuple[str, ...] = ()) -> Iterator[Case]:
    """The crafted cases (those named, or all), each at `scale` times its usual size."""
    for item in CRAFTED:
        if names and item.name not in names:
            continue
        size = int(item.size * scale)
        data = item.make(size)
        data = data if isinstance(data, bytes) else data.encode("utf-8")
        yield Case(f"{item.name}-{size}", {PAGE if item.page else SESSION: data}, f"crafted: {item.name} x {size}")


def saved(folder: Path = SAVED) -> Iterator[Case]:
    """The cases kept as files in `folder` (NAME.md: a session, NAME.html: a remark page)."""
    for path in sorted(folder.glob("*")):
        if path.suffix in (".md", ".html"):
            target = PAGE if path.suffix == ".html" else SESSION
            yield Case(f"saved-{path.stem}", {target: path.read_bytes()}, f"saved: {path.relative_to(ROOT)}")


def keep(case: Case, folder: Path = SAVED) -> Path:
    """Save a case as a file of `folder` (for `saved`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (name, data), = case.files.items()
    path = folder / (case.name + (".html" if name.endswith(".html") else ".md"))
    path.write_bytes(data)
    return path
