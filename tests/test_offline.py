"""The offline kit: `build --offline` stores the remote images, stylesheets and fonts in the site.

A loopback server stands in for the remote hosts (remote_host.py); it is stopped to play the
venue's network going down.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import run_build
from remote_host import REFUSED, STORED, GIF, HTML, SVG, RemoteHost, line_of, png, write_course

from podium import offline
from podium.rewrite import rewrite_css, rewrite_html
from podium.sniff import sniff

REMOTE_ATTRIBUTES = re.compile(r"""(?:src|srcset|poster)="([^"]*)"|url\(["']?([^"')]*)|@import\s+url\(([^)]*)\)""")


@pytest.fixture
def host():
    server = RemoteHost()
    yield server
    server.stop()


@pytest.fixture
def remote_course(tmp_path: Path, host: RemoteHost) -> tuple[Path, dict[str, Path]]:
    return tmp_path, write_course(tmp_path, host.base)


def build_offline(folder: Path, out: str = "site", *flags: str):
    return run_build("build", "--offline", "--out", out, *flags, cwd=folder)


def stored(site: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (site / "static" / "remote").iterdir()}


def page_urls(page: Path) -> list[str]:
    """The URLs a deck page loads from attributes and CSS (not links)."""
    text = page.read_text(encoding="utf-8")
    return [next(group for group in match.groups() if group is not None) for match in REMOTE_ATTRIBUTES.finditer(text)]


def test_build_offline_stores_every_image_stylesheet_and_font(remote_course, host: RemoteHost) -> None:
    folder, sessions = remote_course
    before = {path: path.read_bytes() for path in sessions.values()}
    result = build_offline(folder)
    assert result.returncode == 0, result.stderr
    site = folder / "site"
    copies = stored(site)
    by_hash = {hashlib.sha256(data).hexdigest(): name for name, data in copies.items()}
    for path in STORED:
        if path.endswith(".css"):
            continue  # stored pointing at its neighbours' copies: below
        kind, body = host.files[path]
        name = by_hash.get(hashlib.sha256(body).hexdigest())
        assert name is not None, f"{path} was not stored"
        assert name.startswith(hashlib.sha256(body).hexdigest()[:24]), name
    extensions = {name.rsplit(".", 1)[1] for name in copies}
    assert extensions == {"png", "gif", "svg", "css", "ttf"}, extensions   # svg sniffed: its URL has no extension
    theme = next(data.decode() for data in copies.values() if b".fancy" in data)
    fonts = next(data.decode() for data in copies.values() if b"@font-face" in data)
    assert re.search(r'@import url\("[0-9a-f]{24}\.css"\)', theme), theme
    assert re.search(r"url\([0-9a-f]{24}\.png\)", theme), theme      # ../img/tile.png, resolved and stored
    assert re.search(r'url\("[0-9a-f]{24}\.ttf"\)', fonts), fonts
    page = site / "01-remote" / "index.html"
    urls = page_urls(page)
    remote = [url for url in urls if url.startswith(host.base)]
    assert not remote, remote
    assert sum("static/remote/" in url for url in urls) >= 8, urls
    assert host.base + "img/link.png" in page.read_text(encoding="utf-8")     # a link stays a link
    assert {path: path.read_bytes() for path in sessions.values()} == before   # the Markdown is as it was


def test_html_posing_as_an_image_or_a_stylesheet_is_not_stored(remote_course, host: RemoteHost) -> None:
    folder, sessions = remote_course
    result = build_offline(folder)
    assert result.returncode == 0, result.stderr
    copies = stored(folder / "site")
    assert HTML not in copies.values()
    cached = [path.read_bytes() for path in (folder / ".podium-cache" / "remote").iterdir()]
    assert HTML not in cached
    warnings = [line for line in result.stderr.splitlines() if "[remote-not-stored]" in line]
    session = sessions["02-posing"]
    expected = [f"slides/02-posing.md:{line_of(session, path)}:" for path in REFUSED]
    assert len(warnings) == len(REFUSED), result.stderr
    for start, path, line in zip(expected, REFUSED, sorted(warnings)):
        assert line.startswith(start) and host.base + path.lstrip("/") in line and "HTML page" in line, line
    page = (folder / "site" / "02-posing" / "index.html").read_text(encoding="utf-8")
    assert f'src="{host.base}img/posing.png"' in page                 # keeps its URL


def test_a_warm_cache_needs_no_network(remote_course, host: RemoteHost) -> None:
    folder, _ = remote_course
    first = build_offline(folder, "site")
    assert first.returncode == 0, first.stderr
    asked = len(host.requests)
    assert asked >= len(STORED)
    again = build_offline(folder, "again")
    assert again.returncode == 0, again.stderr
    assert len(host.requests) == asked, host.requests[asked:]           # not one request, refusals included
    host.stop()
    down = build_offline(folder, "down")
    assert down.returncode == 0, down.stderr
    assert stored(folder / "down") == stored(folder / "site")
    for name in ("01-remote", "02-posing"):
        assert (folder / "down" / name / "index.html").read_text() == (folder / "site" / name / "index.html").read_text()
    assert sorted(down.stderr.splitlines()) == sorted(first.stderr.splitlines())


def test_without_the_network_and_the_cache_each_url_is_reported_once(remote_course, host: RemoteHost) -> None:
    folder, sessions = remote_course
    host.stop()
    result = build_offline(folder)
    assert result.returncode == 0, result.stderr                      # warnings: the site is still right online
    warnings = [line for line in result.stderr.splitlines() if "[remote-not-stored]" in line]
    urls = [re.search(r"(?:image|stylesheet|file) (\S+)", line).group(1) for line in warnings]
    assert len(urls) == len(set(urls)), warnings
    picture = host.base + "img/picture.png"
    line = next(w for w in warnings if f" {picture} " in w)
    assert line.startswith(f"slides/01-remote.md:{line_of(sessions['01-remote'], 'a picture')}:"), line
    assert "the page keeps its URL" in line
    page = (folder / "site" / "01-remote" / "index.html").read_text(encoding="utf-8")
    assert f'src="{picture}"' in page


def test_a_file_over_the_size_cap_is_not_stored(remote_course, host: RemoteHost, monkeypatch) -> None:
    folder, _ = remote_course
    monkeypatch.setattr(offline, "MAX_BYTES", 100_000)                # the font is 340 KB
    result = build_offline(folder)
    assert result.returncode == 0, result.stderr
    assert not any(name.endswith(".ttf") for name in stored(folder / "site"))
    font = host.base + "theme/fonts/mono.ttf"
    assert any(font in line and "larger than 97.6562 KB" in line for line in result.stderr.splitlines()), result.stderr


def test_pdf_uses_only_the_cache_unless_asked_to_fetch(remote_course, host: RemoteHost) -> None:
    """(The PDF itself is read in the browser tests.) Without --offline, `pdf` asks nothing."""
    from podium.builder import build
    from podium.project import load_project

    folder, _ = remote_course
    project, _ = load_project(folder / "slides", folder / "site")
    result = build(project.with_options(offline=True, offline_fetch=False))
    assert host.requests == []
    assert any("the offline cache has no copy" in d.message for d in result.diagnostics)


@pytest.mark.parametrize("command, flags", [("serve", ("--no-layout",)),
                                            ("serve", ("--no-layout", "--follow", "--host", "127.0.0.1")),
                                            ("present", ("--host", "127.0.0.1"))])
def test_serve_and_present_offline_serve_the_stored_copies(remote_course, host: RemoteHost, command: str,
                                                           flags: tuple[str, ...]) -> None:
    from test_server import DevServer

    folder, sessions = remote_course
    server = DevServer(folder, "--offline", *flags, command=command)
    try:
        page = server.text("/01-remote/")
        loaded = [next(group for group in match if group) for match in REMOTE_ATTRIBUTES.findall(page)]
        assert not [url for url in loaded if url.startswith(host.base)], loaded
        copies = [url for url in loaded if "static/remote/" in url]
        assert copies
        for url in copies:
            status, headers, body = server.get(urljoin("/01-remote/", url.split()[0]))
            assert status == 200 and body, url
    finally:
        server.stop()


@pytest.mark.parametrize("data, content_type, expected", [
    (png(2, 2, (1, 2, 3)), "image/png", ("png", "image/png")),
    (png(2, 2, (1, 2, 3)), "text/html", "HTML page"),                    # the server's word for HTML counts
    (GIF, "", ("gif", "image/gif")),
    (b"\xff\xd8\xff\xe0rest", "application/octet-stream", ("jpg", "image/jpeg")),
    (SVG, "text/plain", ("svg", "image/svg+xml")),
    (b'<?xml version="1.0"?><rss></rss>', "image/svg+xml", "not an image"),
    (b"wOF2\x00\x01", "application/octet-stream", ("woff2", "font/woff2")),
    (b"\x00\x01\x00\x00\x00\x0f", "font/ttf", ("ttf", "font/ttf")),
    (b"body { color: red }", "text/css", ("css", "text/css")),
    (b"body { color: red }", "text/plain", "not an image"),               # the browser refuses it as CSS too
    (HTML, "image/png", "HTML page"),
    (HTML, "text/css", "HTML page"),
    (b'{"a": 1}', "application/json", "not an image"),
])
def test_what_is_stored_is_what_the_bytes_are(data: bytes, content_type: str, expected) -> None:
    found = sniff(data, content_type)
    if isinstance(expected, tuple):
        assert found == expected
    else:
        assert isinstance(found, str) and expected in found, found


STORE = {"https://h/a.png": "S/a.png", "//h/b.png": "S/b.png", "https://h/c.css": "S/c.css"}


@pytest.mark.parametrize("html, expected", [
    ('<img src="https://h/a.png" alt="x">', '<img src="S/a.png" alt="x">'),
    ("<img alt='x' src=https://h/a.png>", '<img alt=\'x\' src="S/a.png">'),
    ('<img srcset="//h/b.png 1x, https://h/a.png 2x">', '<img srcset="S/b.png 1x, S/a.png 2x">'),
    ('<div style="background-image: url(https://h/a.png)">', '<div style="background-image: url(S/a.png)">'),
    ('<link rel="stylesheet" href="https://h/c.css">', '<link rel="stylesheet" href="S/c.css">'),
    ('<style>@import url("https://h/c.css");</style>', '<style>@import url("S/c.css");</style>'),
    ('<a href="https://h/a.png">https://h/a.png</a>', '<a href="https://h/a.png">https://h/a.png</a>'),
    ('<link rel="icon" href="https://h/a.png">', '<link rel="icon" href="https://h/a.png">'),
    ('<code>&lt;img src="https://h/a.png"&gt;</code>', '<code>&lt;img src="https://h/a.png"&gt;</code>'),
    ("<script>x = '<img src=\"https://h/a.png\">'</script>", "<script>x = '<img src=\"https://h/a.png\">'</script>"),
    ('<img src="https://h/other.png">', '<img src="https://h/other.png">'),
])
def test_pages_point_at_the_copies_where_the_browser_loads_them(html: str, expected: str) -> None:
    assert rewrite_html(html, STORE.get)[0] == expected


def test_stylesheets_point_at_the_copies() -> None:
    css = "@import 'https://h/c.css';\na { background: url( https://h/a.png ) } b { src: url(x.woff) }"
    assert rewrite_css(css, STORE.get)[0] == ('@import "S/c.css";\na { background: url( S/a.png) } '
                                              "b { src: url(x.woff) }")
