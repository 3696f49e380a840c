"""Copy and Download on the code blocks of a built site, and each session's `lab.zip`.

A course whose session has a lab folder: `app.py` (named on a slide, bytes with CRLF line ends),
a manifest in a subfolder that no slide shows, a block naming `notes.txt` that has no file, and a
shell session with prompts, output, a continued command and a `*` marker.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import run_build
from helpers import http_base, open_deck, wait_shown  # noqa: F401

pytestmark = pytest.mark.browser

SESSION = "01-lab"
APP = b'from flask import Flask\r\n\r\napp = Flask(__name__)\r\nprint("caf\xc3\xa9")\r\n'
"""The lab file, as the trainer keeps it (Windows line ends, UTF-8)."""
MANIFEST = b"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
SLIDES = '''\
# The app

Create a file called `app.py`:

```python
from flask import Flask

app = Flask(__name__)
print("café")
```

---

# Run it

```
$ docker build -t lab:web \\
    .
Step 1/4 : FROM python:3.12
* $ docker run -p 8080:80 lab:web
 * Running on http://0.0.0.0:80
```

---

# Write it down

<!-- file: notes.txt -->
```
remember the port
```

???

The notes have code too:

```
secret
```
'''
TYPED = "docker build -t lab:web \\\n    .\ndocker run -p 8080:80 lab:web"
"""What the shell session copies as: prompts and output gone; the `*` marker's column stays."""


def _course(folder: Path, toml: str = "") -> Path:
    slides = folder / "slides"
    (slides / SESSION / "k8s").mkdir(parents=True)
    (slides / f"{SESSION}.md").write_text(SLIDES, encoding="utf-8")
    (slides / SESSION / "app.py").write_bytes(APP)
    (slides / SESSION / "k8s" / "service.yaml").write_bytes(MANIFEST)
    (folder / "course.toml").write_text('highlight_lines = true\n' + toml, encoding="utf-8")
    result = run_build("build", "--slides", str(slides), "--out", str(folder / "site"), cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def lab_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _course(tmp_path_factory.mktemp("lab"))


@pytest.fixture
def clipboard_page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    yield context
    context.close()


def _open(page, url: str, slide: int) -> None:
    open_deck(page, f"{url}#{slide + 1}")
    wait_shown(page, slide)


def _copy_button(page):
    return page.locator(".remark-visible .remark-slide-content pre .podium-copy")


def test_copy_takes_a_shell_session_as_typed_through_the_clipboard(browser, lab_site, http_base):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    base = http_base(lab_site)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page = context.new_page()
    try:
        _open(page, f"{base}{SESSION}/", 1)
        page.hover(".remark-visible pre")
        button = _copy_button(page)
        assert button.is_visible()
        assert page.evaluate("isSecureContext && !!navigator.clipboard")
        button.click()
        page.wait_for_function("document.querySelector('.podium-status').textContent === 'Code copied'")
        assert page.evaluate("navigator.clipboard.readText()") == TYPED
        assert button.inner_text() == "Copied"
        assert page.evaluate("podium.current()") == 1     # the click did not change slides
    finally:
        context.close()


def test_copy_falls_back_to_a_selection_without_the_clipboard_api(page, lab_site, http_base):
    """As on a plain http:// LAN address: no navigator.clipboard; copied from the keyboard."""
    page.add_init_script("""
        Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});
        window.copied = [];
        document.addEventListener('copy', (event) => {
          const area = event.target;
          window.copied.push(area.value.substring(area.selectionStart, area.selectionEnd));
        }, true);
    """)
    _open(page, f"{http_base(lab_site)}{SESSION}/", 1)
    assert page.evaluate("navigator.clipboard") is None
    for _ in range(20):                                   # the button is reached with Tab
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('podium-copy')"):
            break
    assert page.evaluate("document.activeElement.closest('.remark-visible') !== null")
    page.wait_for_function("getComputedStyle(document.activeElement.parentNode).opacity === '1'")  # shown on focus
    page.keyboard.press("Space")                          # presses the button, does not go to the next slide
    page.wait_for_function("window.copied.length === 1")
    assert page.evaluate("window.copied") == [TYPED]
    assert page.evaluate("document.querySelector('.podium-status').textContent") == "Code copied"
    assert page.evaluate("document.activeElement.classList.contains('podium-copy')")  # focus given back
    assert page.evaluate("podium.current()") == 1


def test_copy_of_a_file_block_is_its_text(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 0)
    typed = page.evaluate("podiumCode.typedText(document.querySelector('.remark-visible pre'))")
    assert typed == APP.decode("utf-8").replace("\r\n", "\n").rstrip("\n")


def test_download_gives_the_lab_files_bytes(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 0)
    page.hover(".remark-visible pre")
    link = page.locator(".remark-visible .podium-download")
    assert link.inner_text() == "Download app.py"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "app.py"
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(APP).hexdigest()


def test_download_of_a_block_without_a_file_is_the_blocks_text(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 2)
    page.hover(".remark-visible pre")
    with page.expect_download() as download:
        page.locator(".remark-visible .podium-download").click()
    assert download.value.suggested_filename == "notes.txt"
    assert Path(download.value.path()).read_bytes() == b"remember the port\n"


def test_a_block_that_is_no_file_has_no_download(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 1)
    assert page.locator(".remark-visible pre .podium-copy").count() == 1
    assert page.locator(".remark-visible pre .podium-download").count() == 0


def test_lab_zip_holds_the_whole_lab(lab_site):
    with zipfile.ZipFile(lab_site / SESSION / "lab.zip") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert members == {"app.py": APP, "k8s/service.yaml": MANIFEST, "notes.txt": b"remember the port\n"}
    index = (lab_site / "index.html").read_text(encoding="utf-8")
    assert f'href="{SESSION}/lab.zip"' in index


def test_the_help_links_the_lab_zip(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 0)
    page.keyboard.press("h")
    link = page.locator(".remark-help a.podium-lab")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "app.py" in archive.namelist()


def _tools_shown(page) -> list[bool]:
    return page.eval_on_selector_all(".podium-code-tools", """els => els.map(e => {
        const box = e.getBoundingClientRect();
        return getComputedStyle(e).display !== 'none' && box.width > 0 && box.height > 0; })""")


def test_buttons_stay_out_of_print_and_pdf(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 0)
    assert any(_tools_shown(page))
    page.emulate_media(media="print")
    assert _tools_shown(page) and not any(_tools_shown(page))
    if not shutil.which("pdftotext"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdftotext (poppler-utils) is missing")
        return
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Flask(__name__)" in text                      # the code is printed
    assert "Copy" not in text and "Download" not in text


def test_buttons_stay_out_of_the_presenter_preview_notes_and_audience_window(page, lab_site, http_base):
    _open(page, f"{http_base(lab_site)}{SESSION}/", 1)
    page.keyboard.press("p")
    page.wait_for_function("podium.presenter()")
    page.hover(".remark-preview-area pre")
    preview = page.eval_on_selector_all(".remark-preview-area .podium-code-tools",
                                        "els => els.map(e => getComputedStyle(e).display)")
    assert preview and set(preview) == {"none"}            # the next slide (a file block) shows none
    page.keyboard.press("ArrowRight")
    page.wait_for_function("podium.current() === 2")
    notes = page.eval_on_selector_all(".remark-notes .podium-code-tools", "els => els.map(e => getComputedStyle(e).display)")
    assert set(notes) <= {"none"}
    with page.expect_popup() as popup:
        page.keyboard.press("c")
    clone = popup.value
    clone.wait_for_function("window.podium && podium.current() === 2")
    clone.hover(".remark-visible pre")
    assert clone.eval_on_selector_all(".remark-visible .podium-code-tools", "els => els.map(e => getComputedStyle(e).display)") == ["none"]


def test_buttons_do_not_move_the_code(page, lab_site, tmp_path, http_base):
    """The tools lie over the block: the code's box is where it is without them."""
    plain = _course(tmp_path, "code_buttons = false\n")
    boxes = []
    for site in (lab_site, plain):
        _open(page, f"{http_base(site)}{SESSION}/", 1)
        boxes.append(page.eval_on_selector(".remark-visible pre", """pre => {
            const b = pre.getBoundingClientRect(), c = pre.querySelector('code').getBoundingClientRect();
            return [b.x, b.y, b.width, b.height, c.x, c.y, c.width, c.height]; }"""))
    assert boxes[0] == boxes[1]


def test_code_buttons_false_leaves_buttons_and_lab_out(page, tmp_path, http_base):
    site = _course(tmp_path, "code_buttons = false\n")
    html = (site / SESSION / "index.html").read_text(encoding="utf-8")
    assert 'src="../static/code.js"' not in html and 'src="../static/podium.js"' in html
    assert not (site / SESSION / "lab.zip").exists()
    _open(page, f"{http_base(site)}{SESSION}/", 0)
    assert page.locator(".podium-code-tools").count() == 0
    assert page.evaluate("typeof window.podiumCode") == "undefined"
