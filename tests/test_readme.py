"""README's quick start stays true: two lines, the second is exactly what CI runs."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "README.md starts with a ```sh quick start block"
    return block.group(1).strip().splitlines()


VENV = "python3 -m venv .venv && . .venv/bin/activate && "
"""How both lines start: they make (or reuse) a virtual environment and use it, so `pip` and `python`
are the environment's own (Debian's Python refuses `pip install` outside one, and has no `python`)."""


def test_quick_start_is_two_lines_serving_and_testing() -> None:
    serve, test = quick_start()
    assert serve.endswith("python build.py serve") and "pip install" in serve
    assert test.endswith("python -m pytest") and "pip install -e '.[test]'" in test
    assert serve.startswith(VENV) and test.startswith(VENV)
    assert README.index("```sh") < README.index("## ")


def test_the_virtual_environment_is_not_committed() -> None:
    assert "/.venv/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_ci_runs_the_readme_test_line() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()
    assert "apt-get install" in ci and "chromium" in ci and "export CI=true" in ci
    assert "python3-venv" in ci, "Debian makes a virtual environment with pip only with python3-venv"


def test_layout_tree_names_existing_paths() -> None:
    tree = re.search(r"## Project layout\n\n```\n(.*?)```", README, re.S).group(1)
    parent = ""
    for line in tree.splitlines():
        name = line.split()[0]
        path = ROOT / (parent + name if line.startswith("  ") else name)
        if not line.startswith("  "):
            parent = name if name.endswith("/") else ""
        assert path.exists(), f"README names {path.relative_to(ROOT)}, which does not exist"
