"""One JavaScript value read as data (object and array literals, strings, numbers, ...), never run.

`read_value(text, offset)` reads the value that starts at `offset`. Code in it (a function, a
variable, a call, a regular expression, `new ...`, `1 + 2`) does not stop the reading: it becomes a
`NotData` marker and the reader goes on after it, at the next `,` or closing bracket of its depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Union

KEYWORDS: dict[str, object] = {"true": True, "false": False, "null": None, "undefined": None,
                               "NaN": float("nan"), "Infinity": float("inf")}
"""Words that are plain values (`undefined` reads as None, like `null`)."""
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
KINDS: dict[str, str] = {
    "function": "a function", "arrow function": "an arrow function", "call": "a function call",
    "identifier": "a variable", "regexp": "a regular expression", "new": "a `new` expression",
    "template": "a template literal with ${...}", "expression": "an expression", "missing": "missing",
}
"""NotData kind -> how messages name it."""
CODE_KINDS = ((re.compile(r"(?:async\s+)?function\b"), "function"), (re.compile(r"new\b"), "new"),
              (re.compile(r"(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>"), "arrow function"),
              (re.compile(r"[\w$]+(?:\s*\.\s*[\w$]+)*\Z"), "identifier"),
              (re.compile(r"[\w$]+(?:\s*\.\s*[\w$]+)*\s*\((?:[^()]|\([^()]*\))*\)\Z"), "call"))
"""How the text of some code starts -> its NotData kind (else `expression`)."""
NUMBER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|"
                    r"(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?")
WORD = re.compile(r"(?:[^\W\d]|\$)[\w$]*")
SPACE = re.compile(r"(?:\s+|//[^\n\r]*|/\*.*?(?:\*/|\Z))*", re.S)
REGEXP = re.compile(r"/(?![*/])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n\[])+/[A-Za-z]*")
ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|([0-7]{1,3})|(\r\n|.))", re.S)
METHOD = re.compile(r"[\w$]+\s*\(|(?:get|set|async)\s")
ACCESSOR = re.compile(r"(?:get|set|async)\s+([\w$]+)\s*\(")
CLOSERS = ",;)]}"
MAX_DEPTH = 100
REGEX_AFTER = "(,=:[!&|?{};+-*%<>~^"
"""After one of these (or at the start) a `/` starts a regular expression, not a division."""
REGEX_WORDS = {"return", "typeof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else"}

Path = tuple[Union[str, int], ...]


@dataclass(frozen=True, slots=True)
class NotData:
    """A value that is code, not plain data: it stands where the code was."""

    kind: str
    """What it is: a key of KINDS (`function`, `identifier`, `regexp`, ...)."""
    offset: int
    """Where it starts in the text."""
    text: str
    """Its source text, as written."""

    @property
    def what(self) -> str:
        """How a message names it: `a function`, `a regular expression`, ..."""
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the text that is not valid JavaScript data."""

    offset: int
    """Where it is in the text."""
    message: str
    """One sentence, no trailing period."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A value read from a text, and where its parts are."""

    value: object
    """dict, list, str, int, float, bool, None or NotData (also inside dicts and lists)."""
    end: int
    """The offset just after the value."""
    problems: tuple[Problem, ...]
    """What was not valid, in text order."""
    keys: Mapping[Path, int]
    """Path of an object member (`("navigation", "scroll")`) -> offset of its key."""
    starts: Mapping[Path, int]
    """Path of any value (`()` the whole, `("excludedClasses", 1)` an item) -> offset where it starts."""


def read_value(text: str, offset: int = 0) -> Reading:
    """The JavaScript value that starts at `offset` (after any spaces and comments)."""
    reader = _Reader(text)
    value, end = reader.value(offset, ())
    problems = sorted({(p.offset, p.message): p for p in reader.problems}.values(), key=lambda p: p.offset)
    return Reading(value, end, tuple(problems), reader.keys, reader.starts)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`; `\\r\\n`, `\\n` and `\\r` each end a line."""
    head = text[:offset]
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    return line, offset - max(head.rfind("\n"), head.rfind("\r"))


def skip_space(text: str, offset: int) -> int:
    """The offset after the spaces and comments at `offset`."""
    return SPACE.match(text, offset).end()


def code_only(text: str) -> str:
    """`text` with its comments, and the insides of its strings and regular expressions, blanked
    (line breaks kept): a search in it finds only code, at the same offsets."""
    reader, out, pos, prev = _Reader(text), [], 0, ""
    while pos < len(text):
        end, kind = reader.token(pos, prev)
        chunk = text[pos:end]
        if kind == "space":
            chunk = re.sub(r"\S", " ", chunk)
        else:
            prev = "(" if kind == "word" and chunk in REGEX_WORDS else chunk[-1]
            if kind == "literal" and len(chunk) > 1:
                chunk = chunk[0] + re.sub(r"[^\r\n]", " ", chunk[1:-1]) + chunk[-1]
        out.append(chunk)
        pos = end
    return "".join(out)


def _number(literal: str) -> int | float:
    digits = literal.replace("_", "").rstrip("n")
    sign, digits = -1 if digits.startswith("-") else 1, digits.lstrip("+-")
    if digits[:2].lower() in ("0x", "0o", "0b"):
        return sign * int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1].lower()])
    return sign * (float(digits) if any(c in digits for c in ".eE") else int(digits))


class _Reader:
    """The reading of one text: the problems found and where each part is."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.keys: dict[Path, int] = {}
        self.starts: dict[Path, int] = {}

    def value(self, pos: int, path: Path) -> tuple[object, int]:
        text = self.text
        pos = self.starts[path] = skip_space(text, pos)
        if pos >= len(text) or text[pos] in CLOSERS:
            self.problems.append(Problem(pos, "a value is missing here"))
            return NotData("missing", pos, ""), pos
        word, number = WORD.match(text, pos), NUMBER.match(text, pos)
        if text[pos] in "{[" and len(path) >= MAX_DEPTH:
            self.problems.append(Problem(pos, f"nested deeper than {MAX_DEPTH} levels; the rest is skipped"))
            return self.code(pos)
        if text[pos] in "{[":
            value, end = self.container(pos, path)
        elif text[pos] in "'\"`":
            value, end, code = self.quoted(pos)
            value = NotData("template", pos, text[pos:end]) if code else value
        elif number:
            value, end = _number(number.group()), number.end()
        elif word and word.group() in KEYWORDS:
            value, end = KEYWORDS[word.group()], word.end()
        else:
            return self.code(pos)
        after = skip_space(text, end)
        # more follows (`1 + 2`, `x.y`), unless a line break and a new statement end the value
        if after < len(text) and text[after] not in CLOSERS and not (
                "\n" in text[end:after] and re.match(r"[\w$'\"]", text[after])):
            return self.code(pos)
        return value, end

    def code(self, pos: int) -> tuple[NotData, int]:
        source = self.text[pos:self.skip(pos)[1]]
        kind = next((k for pattern, k in CODE_KINDS if pattern.match(source)), "expression")
        if REGEXP.fullmatch(source):
            kind = "regexp"
        elif source.startswith("`") and self.token(pos, "")[0] == pos + len(source):
            kind = "template"
        return NotData(kind, pos, source), pos + len(source)

    def skip(self, pos: int) -> tuple[int, int]:
        """(offset of the `,`, `;` or closing bracket that ends the code at `pos`, end of its last token)."""
        depth, last, prev = 0, pos, ""
        while pos < len(self.text):
            c = self.text[pos]
            if depth == 0 and c in CLOSERS:
                break
            end, kind = self.token(pos, prev)
            if kind != "space":
                depth += (c in "([{") - (c in ")]}")
                prev = "(" if kind == "word" and self.text[pos:end] in REGEX_WORDS else self.text[end - 1]
                last = end
            pos = end
        return pos, last

    def token(self, pos: int, prev: str) -> tuple[int, str]:
        """(end, kind) of the token at `pos`: `space` (and comments), `literal`, `word` or `other`."""
        text, c = self.text, self.text[pos]
        if c.isspace() or text.startswith(("//", "/*"), pos):
            return max(skip_space(text, pos), pos + 1), "space"
        if c in "'\"`":
            return self.quoted(pos)[1], "literal"
        if c == "/" and (not prev or prev in REGEX_AFTER) and (regexp := REGEXP.match(text, pos)):
            return regexp.end(), "literal"
        word = WORD.match(text, pos)
        return (word.end(), "word") if word else (pos + 1, "other")

    def quoted(self, pos: int) -> tuple[str, int, bool]:
        """(text, end, whether it has `${...}`) of the string or template literal at `pos`."""
        text, quote, out, i, code = self.text, self.text[pos], [], pos + 1, False
        while i < len(text) and text[i] != quote and (quote == "`" or text[i] not in "\r\n"):
            if quote == "`" and text.startswith("${", i):  # code: skipped up to its `}`
                code, i = True, self.skip(i + 2)[0]
                while i < len(text) and text[i] != "}":
                    i = self.skip(i + 1)[0]
                i += 1
            elif text[i] == "\\":
                escape = ESCAPE.match(text, i)
                out.append(self._escaped(escape) if escape else "")
                i = escape.end() if escape else i + 1
            else:
                out.append(text[i])
                i += 1
        closed = i < len(text) and text[i] == quote
        if not closed:
            self.problems.append(Problem(pos, "this string is not closed" + (" on its line" if quote != "`" else "")))
        value = "".join(out)
        if re.search("[\ud800-\udfff]", value):  # \uD83D\uDE00 pairs: one character
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return value.replace("\r\n", "\n") if quote == "`" else value, min(i + closed, len(text)), code

    def _escaped(self, escape: re.Match) -> str:
        """The text an escape (`\\n`, `\\x41`, `\\u{1F600}`, `\\101`, a line continuation ...) stands for."""
        hexa, braced, four, octal, other = escape.groups()
        if hexa or four or octal or (braced and int(braced, 16) <= 0x10FFFF):
            return chr(int(octal, 8) if octal else int(hexa or braced or four, 16))
        if other in ("x", "u") or braced:
            self.problems.append(Problem(escape.start(), f"'\\{other or 'u'}' must be followed by hexadecimal digits"))
        return "" if other in ("\n", "\r", "\r\n", "\u2028", "\u2029") else ESCAPES.get(other, other or "")

    def container(self, start: int, path: Path) -> tuple[dict | list, int]:
        """The object or array literal at `start` (members after a missing `,` are read too)."""
        text, closer = self.text, "}" if self.text[start] == "{" else "]"
        result: dict | list = {} if closer == "}" else []
        pos = start + 1
        while (pos := skip_space(text, pos)) < len(text) and text[pos] != closer:
            if text[pos] == ",":  # a hole, as in [1,,2]; in an object, a member is missing
                if isinstance(result, list):
                    result.append(None)
                else:
                    self.problems.append(Problem(pos, "a property is missing before this ','"))
                pos += 1
                continue
            if text[pos] in CLOSERS:
                self.problems.append(Problem(pos, f"expected '{closer}' here, found '{text[pos]}'"))
                return result, pos
            if isinstance(result, list):
                value, pos = self.value(pos, path + (len(result),))
                result.append(value)
            else:
                pos = self._member(pos, path, result)
            pos = skip_space(text, pos)
            if text.startswith(",", pos):
                pos += 1
            elif pos < len(text) and text[pos] not in CLOSERS:
                self.problems.append(Problem(pos, f"expected ',' or '{closer}' here"))
        if pos >= len(text):
            self.problems.append(Problem(start, f"this '{text[start]}' is not closed"))
        return result, min(pos + 1, len(text))

    def _member(self, pos: int, path: Path, result: dict) -> int:
        """Read the `key: value` member at `pos` into `result`; the offset after it."""
        text, key_at = self.text, pos
        word, number, accessor = WORD.match(text, pos), NUMBER.match(text, pos), ACCESSOR.match(text, pos)
        if text[pos] in "'\"":
            key, pos, _ = self.quoted(pos)
        elif accessor:  # get name() {...}
            key, pos = accessor.group(1), accessor.start(1)
        elif word:
            key, pos = word.group(), word.end()
        elif number and text[pos] not in "+-":
            value = _number(number.group())
            key, pos = (str(int(value)) if value == int(value) else repr(value)), number.end()
        else:
            stop, last = self.skip(pos)
            self.problems.append(Problem(pos, f"'{text[pos:last]}' is not a plain property; it is left out"))
            return stop
        after = skip_space(text, pos)
        if text.startswith(":", after) and not accessor:
            value, end = self.value(after + 1, path + (key,))
        elif word and not accessor and text[after: after + 1] in (",", "}"):  # shorthand `{name}`
            value, end = NotData("identifier", key_at, key), pos
        else:  # a method `name() {...}`, `get name() {...}`, or no colon
            end = self.skip(key_at)[1]
            value = NotData("function" if METHOD.match(text, key_at) else "expression", key_at, text[key_at:end])
        if key in result:
            self.problems.append(Problem(key_at, f"'{key}' is given twice; the last one counts"))
        result[key] = value
        self.keys[path + (key,)] = key_at
        self.starts.setdefault(path + (key,), key_at)
        return end
