"""Remembered check results, one JSON file per session in `.podium-cache/checks/`.

A session's findings are reused when nothing they depend on changed: the file's bytes, the course
settings, the list of sessions, the code of Podium and of the libraries that check samples, and
every local file its links were checked against (each is looked at again, cheaply, on reuse).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from ..diagnostics import Diagnostic
from ..lab import CodeBlock
from ..model import SourceLocation
from ..sessions import Session
from ..references import Reference
from .deck import DeckReport, DeckSummary, SessionLink

log = logging.getLogger(__name__)

FOLDER = "checks"
FORMAT = 1


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of Podium's code and of what the sample checks run (Python, bash, libraries)."""
    import markdown_it
    import pygments
    import yaml

    digest = hashlib.sha256(f"{FORMAT} {sys.version} {shutil.which('bash')}".encode())
    digest.update(f"{markdown_it.__version__} {yaml.__version__} {pygments.__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def deck_key(session: Session, data: bytes, kinds: tuple[str, ...], sessions: frozenset[str]) -> str:
    """What a session's findings depend on, besides the local files its links name: its file, its
    settings (course.toml's and its remark page's) and what its page says."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(repr((session, kinds, sorted(sessions))).encode())
    digest.update(data)
    return digest.hexdigest()


def _location(raw: list) -> SourceLocation:
    return SourceLocation(raw[0], raw[1], raw[2])


def _diagnostic(raw: dict) -> Diagnostic:
    return Diagnostic(_location(raw["at"]), raw["severity"], raw["code"], raw["message"], raw["slide"],
                      raw.get("detail", ""))


def _block(raw: dict) -> CodeBlock:
    part = raw["lines"]
    return CodeBlock(raw["text"], raw["raw"], tuple(_location(w) for w in raw["where"]), _location(raw["opening"]),
                     raw["slide"], raw["language"], raw["name"], _location(raw["named_at"]) if raw["named_at"] else None,
                     (part[0], part[1]) if part else None, raw["region"])


def _reference(raw: dict) -> Reference:
    return Reference(raw["kind"], raw["url"], _location(raw["at"]), raw["slide"], raw["text"], raw["in_notes"],
                     raw["generated"], raw["raw_html"])


def _at(location: SourceLocation) -> list:
    return [location.path, location.line, location.column]


def _encode(report) -> dict:
    refs = lambda r: {"kind": r.kind, "url": r.url, "at": _at(r.location), "slide": r.slide, "text": r.text,  # noqa: E731
                      "in_notes": r.in_notes, "generated": r.generated, "raw_html": r.raw_html}
    summary = report.summary
    return {
        "summary": None if summary is None else [summary.stem, sorted(summary.names), summary.count],
        "diagnostics": [{"at": _at(d.location), "severity": d.severity, "code": d.code, "message": d.message,
                         "slide": d.slide, "detail": d.detail} for d in report.diagnostics],
        "session_links": [[refs(s.reference), s.stem, s.fragment] for s in report.session_links],
        "external": [refs(r) for r in report.external],
        "files": [list(f) for f in report.files],
        "blocks": [{"text": b.text, "raw": b.raw, "where": [_at(w) for w in b.where], "opening": _at(b.opening),
                    "slide": b.slide, "language": b.language, "name": b.name,
                    "named_at": _at(b.named_at) if b.named_at else None, "lines": list(b.lines) if b.lines else None,
                    "region": b.region} for b in report.blocks],
    }


def _decode(raw: dict):

    summary = raw["summary"]
    return DeckReport(
        None if summary is None else DeckSummary(summary[0], frozenset(summary[1]), summary[2]),
        tuple(_diagnostic(d) for d in raw["diagnostics"]),
        tuple(SessionLink(_reference(s[0]), s[1], s[2]) for s in raw["session_links"]),
        tuple(_reference(r) for r in raw["external"]),
        tuple((f[0], f[1], f[2]) for f in raw["files"]),
        tuple(_block(b) for b in raw["blocks"]),
    )


def _entry(cache_dir: Path, path: Path) -> Path:
    """One file per session source (folder sessions' sources are all `slides.md`: the path tells them apart)."""
    where = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    return cache_dir / FOLDER / f"{path.name}.{where}.json"


def load(cache_dir: Path, path: Path, key: str, course: tuple[Path, ...] = ()):
    """The remembered report of a session, if it is still true (`course`: the course's folders,
    that the files its links name must still lie in)."""
    from .links import local_problem

    try:
        raw = json.loads(_entry(cache_dir, path).read_text(encoding="utf-8"))
        if raw.get("key") != key:
            return None
        report = _decode(raw["report"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    for base, name, problem in report.files:
        now = local_problem(Path(base), name, course)
        if (now[1] if now else None) != problem:
            return None
    return report


def store(cache_dir: Path, path: Path, key: str, report) -> None:
    """Remember a session's report (quietly gives up when the cache cannot be written)."""
    target = _entry(cache_dir, path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": key, "report": _encode(report)}), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        log.warning("cannot remember check results in %s: %s", target.parent, error)
