"""A loopback HTTP server standing in for the hosts a course loads images, stylesheets and fonts
from, and a course that uses it in every way a page can (for the offline kit's tests)."""

from __future__ import annotations

import gzip
import http.server
import struct
import subprocess
import threading
import zlib
from pathlib import Path


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour."""
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


GIF = bytes.fromhex("47494638396101000100800000ff000000000021f90400000000002c00000000010001000002024401003b")
"""A 1 x 1 red GIF."""
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="64" height="32" fill="#3a7"/></svg>'
HTML = b"<!DOCTYPE html><html><head><title>Not found</title></head><body>Sorry, no such page</body></html>"


def font_file() -> bytes:
    """A real TrueType font of the machine (DejaVu Sans Mono: CI installs fonts-dejavu-core)."""
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans Mono"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        path = ""
    candidates = [Path(path)] if path else []
    candidates.append(Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"))
    for candidate in candidates:
        if candidate.suffix.lower() == ".ttf" and candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError("no DejaVu Sans Mono .ttf (apt-get install fonts-dejavu-core)")


def remote_files() -> dict[str, tuple[str, bytes]]:
    """Path on the remote host -> (Content-Type, body)."""
    return {
        "/img/background.png": ("image/png", png(400, 300, (40, 60, 200))),
        "/img/picture.png": ("image/png", png(120, 80, (200, 40, 40))),
        "/img/picture@2x.png": ("image/png", png(240, 160, (200, 40, 40))),
        "/img/pixel.gif": ("image/gif", GIF),
        "/img/badge": ("application/octet-stream", SVG),
        "/img/poster.png": ("image/png", png(160, 90, (20, 160, 20))),
        "/img/posing.png": ("image/png", HTML),
        "/theme/theme.css": ("text/css; charset=utf-8",
                             b'@import url("fonts.css");\n.fancy { font-family: "Remote Mono", serif; }\n'
                             b".tiled { background-image: url(../img/tile.png); }\n"),
        "/theme/fonts.css": ("text/css", b'@font-face { font-family: "Remote Mono"; '
                             b'src: url("fonts/mono.ttf") format("truetype"); }\n'),
        "/theme/fonts/mono.ttf": ("font/ttf", font_file()),
        "/img/tile.png": ("image/png", png(16, 16, (240, 200, 20))),
        "/theme/posing.css": ("text/html", HTML),
        "/img/zipped.png": ("image/png", png(50, 50, (90, 90, 90))),
        "/img/moved.png": ("", b""),
    }


SESSIONS = {
    "01-remote": """\
layout: true
background-image: url({base}img/background.png)
background-size: cover

---

# Remote pictures

![a picture]({base}img/picture.png)

<img src="{base}img/pixel.gif" alt="pixel" width="20"> <img src="{base}img/badge" alt="badge">

<img srcset="{base}img/picture@2x.png 2x" alt="sharp picture">

<video poster="{base}img/poster.png" width="160" height="90"></video>

<style>@import url({base}theme/theme.css);</style>

.fancy[Remote Mono text] .tiled[tiled]

---

# Compressed, moved

![zipped]({base}img/zipped.png) ![moved]({base}img/moved.png)

[a link, which is not stored]({base}img/link.png)

???

Notes with ![a note picture]({base}img/tile.png)
""",
    "02-posing": """\
# Not pictures

<img src="{base}img/posing.png" alt="posing">

<style>@import url({base}theme/posing.css);</style>
""",
}
"""Two sessions: one loads its images, background, stylesheets and font from `base` in every way a
page can; the other names an HTML page as an image and as a stylesheet."""

STORED = ("/img/background.png", "/img/picture.png", "/img/picture@2x.png", "/img/pixel.gif", "/img/badge",
          "/img/poster.png", "/theme/theme.css", "/theme/fonts.css", "/theme/fonts/mono.ttf", "/img/tile.png",
          "/img/zipped.png")
"""What the kit stores of 01-remote (`/img/moved.png` redirects to `/img/picture.png`)."""
REFUSED = ("/img/posing.png", "/theme/posing.css")
"""What it refuses in 02-posing: HTML posing as an image and as a stylesheet."""


def write_course(folder: Path, base: str) -> dict[str, Path]:
    """The course in `folder`/slides; returns its session files by name."""
    slides = folder / "slides"
    slides.mkdir(parents=True, exist_ok=True)
    found = {}
    for stem, text in SESSIONS.items():
        found[stem] = slides / f"{stem}.md"
        found[stem].write_text(text.format(base=base), encoding="utf-8")
    return found


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `path` that holds `needle`."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


class RemoteHost:
    """Serves `remote_files()` on a free loopback port in a thread; `requests` lists the paths asked."""

    def __init__(self) -> None:
        self.files = remote_files()
        self.requests: list[str] = []
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                host.requests.append(self.path)
                path = self.path.split("?", 1)[0]
                if path == "/img/moved.png":
                    self.send_response(302)
                    self.send_header("Location", "/img/picture.png")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path not in host.files:
                    self.send_error(404)
                    return
                kind, body = host.files[path]
                zipped = path == "/img/zipped.png"
                body = gzip.compress(body) if zipped else body
                self.send_response(200)
                if kind:
                    self.send_header("Content-Type", kind)
                if zipped:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        """Stop serving: from now on the host is down (connections are refused)."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
