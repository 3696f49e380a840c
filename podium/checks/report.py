"""Check results as text, JSON or JUnit XML (for CI dashboards)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Sequence

from ..diagnostics import Diagnostic

def as_text(items: Sequence[Diagnostic]) -> str:
    return "".join(f"{item.full_text()}\n" for item in items)


def as_json(items: Sequence[Diagnostic]) -> str:
    rows = [{"path": d.location.path, "line": d.location.line, "column": d.location.column,
             "severity": d.severity, "rule": d.code, "message": d.message, "slide": d.slide,
             **({"detail": d.detail} if d.detail else {})} for d in items]
    return json.dumps(rows, indent=2) + "\n"


def as_junit(items: Sequence[Diagnostic], sessions: Sequence[str], strict: bool = False) -> str:
    """One test suite per session file, one failure per error (and per warning when strict)."""
    import xml.etree.ElementTree as ElementTree

    failing = {"error", "warning"} if strict else {"error"}
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for item in items:
        by_file[item.location.path].append(item)
    root = ElementTree.Element("testsuites", name="podium check")
    for path in sorted(set(sessions) | set(by_file)):
        found = by_file.get(path, [])
        failures = [d for d in found if d.severity in failing]
        suite = ElementTree.SubElement(root, "testsuite", name=path, tests="1", failures=str(min(1, len(failures))))
        case = ElementTree.SubElement(suite, "testcase", classname="podium.check", name=path)
        if failures:
            failure = ElementTree.SubElement(case, "failure", message=f"{len(failures)} problem(s)")
            failure.text = as_text(failures)
        others = [d for d in found if d.severity not in failing]
        if others:
            ElementTree.SubElement(case, "system-out").text = as_text(others)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
