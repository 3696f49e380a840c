"""`python build.py sync`: blocks and lab files made equal, and nothing else of a file changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import FIXTURES, run_build

SESSION = (b"# App\r\n\r\nCreate a file called `app.py`:\r\n\r\n```python\r\nimport os\r\n*print(os.getcwd())\r\n"
           b"print('old')\r\n```\r\n\r\n---\r\n\r\nCreate `requirements.txt`:\r\n\r\n```\r\nflask\r\n```\r\n")
APP = "import os\nprint(os.getcwd())\nprint('new')\nprint('more')\n"


def course(tmp_path: Path) -> Path:
    (tmp_path / "slides" / "01-app").mkdir(parents=True)
    (tmp_path / "slides" / "01-app.md").write_bytes(SESSION)
    (tmp_path / "slides" / "01-app" / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "slides" / "01-app" / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (tmp_path / "course.toml").write_text("highlight_lines = true\n", encoding="utf-8")
    return tmp_path


def lab_lines(folder: Path) -> list[str]:
    result = run_build("check", "--no-layout", cwd=folder)
    return [line for line in result.stdout.splitlines() if "[lab-" in line]


def test_sync_rewrites_only_the_block_that_differs(tmp_path: Path) -> None:
    folder = course(tmp_path)
    assert [line.split(": error:")[0] for line in lab_lines(folder)] == ["slides/01-app.md:8:1"]
    dry = run_build("sync", "--dry-run", cwd=folder)
    assert dry.returncode == 0
    assert dry.stdout.splitlines() == ["would change slides/01-app.md:5: the block now shows slides/01-app/app.py",
                                       "would change 1 file(s)"]
    assert (folder / "slides" / "01-app.md").read_bytes() == SESSION
    done = run_build("sync", cwd=folder)
    assert done.stdout.splitlines() == ["slides/01-app.md:5: the block now shows slides/01-app/app.py",
                                        "changed 1 file(s)"]
    after = (folder / "slides" / "01-app.md").read_bytes()
    start, end = SESSION.index(b"import os"), SESSION.index(b"```\r\n\r\n---")
    assert after[:start] == SESSION[:start] and after.endswith(SESSION[end:])
    assert after[start:len(after) - len(SESSION) + end] == (
        b"import os\r\n*print(os.getcwd())\r\nprint('new')\r\nprint('more')\r\n")   # CRLF kept, `*` kept
    assert lab_lines(folder) == []
    assert run_build("sync", cwd=folder).stdout.splitlines() == ["the slides and the lab's files are equal"]


def test_sync_to_files_writes_a_part_and_leaves_the_rest_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "slides" / "01-app").mkdir(parents=True)
    (tmp_path / "slides" / "01-app.md").write_text(
        "<!-- file: app.py region=routes -->\n```python\ndef hello():\n    return 'hi there'\n```\n", encoding="utf-8")
    app = tmp_path / "slides" / "01-app" / "app.py"
    app.write_text("import flask\n# region: routes\ndef hello():\n    return 'hi'\n# endregion\nrun()\n", encoding="utf-8")
    result = run_build("sync", "--to", "files", cwd=tmp_path)
    assert result.stdout.splitlines() == ["slides/01-app/app.py: rewritten from slides/01-app.md:2", "changed 1 file(s)"]
    assert app.read_text(encoding="utf-8") == (
        "import flask\n# region: routes\ndef hello():\n    return 'hi there'\n# endregion\nrun()\n")
    assert lab_lines(tmp_path) == []


def test_sync_to_files_recreates_session_6s_lab_from_its_slides(tmp_path: Path) -> None:
    (tmp_path / "slides").mkdir()
    text = (FIXTURES / "session-06-docker-compose.md").read_text(encoding="utf-8")
    (tmp_path / "slides" / "06-docker-compose.md").write_text(text, encoding="utf-8")
    result = run_build("sync", "--to", "files", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "changed 4 file(s)"
    lab = tmp_path / "slides" / "06-docker-compose"
    assert sorted(p.name for p in lab.iterdir()) == ["Dockerfile", "app.py", "docker-compose.yml", "requirements.txt"]
    blocks = [part.split("\n```", 1)[0] for part in text.split("```\n")[1::2]]   # each fence's text
    shown = {hashlib.sha256(("\n".join(b.rstrip("\n").split("\n")) + "\n").encode()).hexdigest() for b in blocks}
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in lab.iterdir()} <= shown
    assert lab_lines(tmp_path) == []
    assert (tmp_path / "slides" / "06-docker-compose.md").read_text(encoding="utf-8") == text


def test_sync_keeps_a_remark_pages_inline_source_escaped(tmp_path: Path) -> None:
    session = tmp_path / "slides" / "3"
    session.mkdir(parents=True)
    page = ('<!DOCTYPE html>\n<html><body><textarea id="source">\n# Tags\n\nCreate a file called `page.html`:\n\n'
            '```html\n&lt;p&gt;old&lt;/p&gt;\n```\n</textarea>\n'
            '<script>var slideshow = remark.create({});</script></body></html>\n')
    (session / "index.html").write_text(page, encoding="utf-8")
    (session / "page.html").write_text("<p>new &amp; better</p>\n", encoding="utf-8")
    result = run_build("sync", cwd=tmp_path)
    assert result.stdout.splitlines()[-1] == "changed 1 file(s)", result.stdout + result.stderr
    assert (session / "index.html").read_text(encoding="utf-8") == page.replace(
        "&lt;p&gt;old&lt;/p&gt;", "&lt;p&gt;new &amp;amp; better&lt;/p&gt;")
    assert lab_lines(tmp_path) == []
