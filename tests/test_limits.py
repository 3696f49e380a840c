"""Input built to be as deep or as long as possible: located errors at the limits, no traceback,
and work in proportion to the input (the bounds are generous: they catch runaway growth)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from podium.markdown import markdown_parser
from podium.parser import MAX_TEMPLATE_CHAIN
from podium.plugins.limits import MAX_NESTING
from tests.conftest import run_build


def _course(tmp_path: Path, text: str) -> Path:
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01-x.md").write_text(text, encoding="utf-8")
    return tmp_path


def _both(folder: Path) -> list:
    return [run_build("build", cwd=folder), run_build("check", "--no-layout", cwd=folder)]


def _no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1), result.stderr


def test_content_classes_nested_past_the_limit_are_one_located_error(tmp_path):
    depth = 260
    folder = _course(tmp_path, ".a[\n" * depth + "deepest words\n" + "]\n" * depth)
    for result in _both(folder):
        _no_traceback(result)
        assert result.returncode == 1
        found = [line for line in (result.stdout + result.stderr).splitlines() if "[nesting-too-deep]" in line]
        # the first line inside more than MAX_NESTING classes
        assert found == [f"slides/01-x.md:{MAX_NESTING + 2}:1: error: blocks nest more than {MAX_NESTING} levels "
                         f"deep (the limit); the rest is shown as plain text [nesting-too-deep] (slide 1)"]


def test_nesting_just_inside_the_limit_builds(tmp_path):
    depth = MAX_NESTING
    folder = _course(tmp_path, ".a[\n" * depth + "deepest words\n" + "]\n" * depth)
    result = run_build("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    page = (folder / "site" / "01-x" / "index.html").read_text(encoding="utf-8")
    assert page.count('<div class="a">') == depth and "deepest words" in page


@pytest.mark.parametrize("marker", ["> ", "- ", "1. "])
def test_deep_blockquotes_and_lists_keep_their_text_and_say_so(tmp_path, marker):
    folder = _course(tmp_path, "# Deep\n\n" + marker * 300 + "the words at the bottom\n")
    result = run_build("build", cwd=folder)
    _no_traceback(result)
    assert result.returncode == 1
    assert "slides/01-x.md:3:" in result.stderr and "[nesting-too-deep]" in result.stderr
    # markdown-it alone drops the text past its nesting limit without a word: here it is kept
    # markdown-it alone drops the text past its nesting limit without a word: here it is kept
    html = markdown_parser().render(marker * 300 + "the words at the bottom\n")
    assert "the words at the bottom" in html


def _chain(count: int, forward: bool) -> str:
    if forward:  # each slide names the next one as its template
        return "\n---\n".join(f"name: s{i}\ntemplate: s{i + 1}\n\n# slide {i}" for i in range(count)) + \
            f"\n---\nname: s{count}\n\n# last\n"
    return "name: s0\n\n# slide 0\n" + "".join(f"\n---\nname: s{i}\ntemplate: s{i - 1}\n\n# slide {i}\n"
                                               for i in range(1, count))


@pytest.mark.parametrize("forward, count", [(True, 1000), (False, 2000)])
def test_long_template_chains_are_cut_at_the_limit_with_located_errors(tmp_path, forward, count):
    folder = _course(tmp_path, _chain(count, forward))
    start = time.perf_counter()
    for result in _both(folder):
        _no_traceback(result)
        assert result.returncode == 1
        errors = [line for line in (result.stdout + result.stderr).splitlines() if "[template-chain-too-long]" in line]
        assert errors, result.stdout + result.stderr
        assert all(f"more than {MAX_TEMPLATE_CHAIN} templates" in line for line in errors)
        # one error each time the chain passes the limit, at that slide's `template:` line
        assert len(errors) == (count - 1) // (MAX_TEMPLATE_CHAIN + 1)
        assert all(line.startswith("slides/01-x.md:") and ":1: error:" in line for line in errors)
    assert time.perf_counter() - start < 60


def test_a_chain_at_the_limit_inherits_everything(tmp_path):
    folder = _course(tmp_path, _chain(MAX_TEMPLATE_CHAIN + 1, forward=False))
    result = run_build("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    page = (folder / "site" / "01-x" / "index.html").read_text(encoding="utf-8")
    last = page.rsplit('class="remark-slide-content', 1)[1]
    assert all(f"slide {i}<" in last for i in range(MAX_TEMPLATE_CHAIN + 1))


def test_a_template_cycle_is_still_reported(tmp_path):
    folder = _course(tmp_path, "name: a\ntemplate: b\n\nA\n---\nname: b\ntemplate: a\n\nB\n")
    result = run_build("build", cwd=folder)
    assert "slides/01-x.md:2:1: error: template cycle" in result.stderr


def _timed(folder: Path, *args: str) -> float:
    start = time.perf_counter()
    result = run_build(*args, cwd=folder)
    _no_traceback(result)
    return time.perf_counter() - start


@pytest.mark.parametrize("text, command", [
    (".a[" * 20000 + "\n", "build"),                             # unclosed inline content classes
    ("```\n" * 50001, "check"),                                  # one slide with many fences
    ("x" * 100000 + "\n\n```\ncode\n```\n", "check"),            # a long line before a block
    ("[" * 20000 + "x" + "](" * 20000 + "\n\n```\nx\n```\n", "check"),
])
def test_inputs_that_once_took_quadratic_time_finish_in_proportion(tmp_path, text, command):
    folder = _course(tmp_path, text)
    args = (command, "--no-layout") if command == "check" else (command,)
    assert _timed(folder, *args) < 30


@pytest.mark.parametrize("label, code, line", [
    ("json", "[" * 100000 + "]" * 100000, 2),
    ("toml", "x = " + "[" * 5000 + "]" * 5000, 2),
    ("python", "x = " + "-" * 50000 + "1", 2),
])
def test_code_samples_too_deep_for_their_parser_are_a_located_warning(tmp_path, label, code, line):
    folder = _course(tmp_path, f"# Deep\n```{label}\n{code}\n```\n")
    result = run_build("check", "--no-layout", cwd=folder)
    _no_traceback(result)
    assert (f"slides/01-x.md:{line + 1}:1: warning: this {label} block nests too deep for its parser; "
            "it was not checked [nesting-too-deep] (slide 1)") in result.stdout


def test_a_control_character_in_a_yaml_sample_is_a_located_error(tmp_path):
    folder = _course(tmp_path, "# YAML\n```yaml\nname: web\na: \x1b\n```\n")
    result = run_build("check", "--no-layout", cwd=folder)
    _no_traceback(result)
    assert "slides/01-x.md:4:4: error: YAML cannot contain the character U+001B [yaml-syntax]" in result.stdout


def test_settings_nested_too_deep_are_a_located_error(tmp_path):
    folder = _course(tmp_path, "# A\n")
    (folder / "course.toml").write_text("x = " + "[" * 3000 + "1" + "]" * 3000 + "\n", encoding="utf-8")
    result = run_build("build", cwd=folder)
    _no_traceback(result)
    assert "course.toml:1:1: error: the settings nest too deep to be read [config-syntax]" in result.stderr
