"""What a fetched file is, from its bytes: an image, a stylesheet or a font (or nothing to store).

The offline kit (offline.py) stores a remote file only as what its bytes show, not what its URL or
its server says: images by their signatures (as the link check knows them), SVG by its opening
tag, fonts by their first four bytes, stylesheets when served as CSS and not looking like HTML.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Mapping

FONTS: tuple[tuple[bytes, str, str], ...] = (
    (b"wOF2", "woff2", "font/woff2"), (b"wOFF", "woff", "font/woff"), (b"OTTO", "otf", "font/otf"),
    (b"\x00\x01\x00\x00", "ttf", "font/ttf"), (b"true", "ttf", "font/ttf"), (b"ttcf", "ttc", "font/collection"),
)
"""Font formats by their first four bytes: (signature, extension, media type)."""
IMAGES: Mapping[str, tuple[str, str]] = {
    "PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "GIF": ("gif", "image/gif"),
    "WebP": ("webp", "image/webp"), "ICO": ("ico", "image/x-icon"), "CUR": ("cur", "image/x-icon"),
    "BMP": ("bmp", "image/bmp"), "TIFF": ("tiff", "image/tiff"), "JPEG XL": ("jxl", "image/jxl"),
}
"""Image formats (as checks/linkcache.py recognises them) -> (extension, media type)."""


def sniff(data: bytes, content_type: str) -> tuple[str, str] | str:
    """(extension, media type) of what `data` is, or why it is nothing the kit stores."""
    from .checks.linkcache import HTML_STARTS, image_format

    media = content_type.split(";", 1)[0].strip().lower()
    text = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if media in ("text/html", "application/xhtml+xml") or text.startswith(HTML_STARTS):
        return f"an HTML page ({media or 'no content type'}), not an image, stylesheet or font"
    name = image_format(data)
    if name == "AVIF/HEIF":
        brand = data[8:12]
        return ("avif", "image/avif") if brand in (b"avif", b"avis") else ("heic", "image/heic")
    if name is not None:
        return IMAGES.get(name, (name.lower().replace(" ", ""), f"image/{name.lower()}"))
    if text.startswith(b"<svg") or text.startswith((b"<?xml", b"<!doctype svg", b"<!--")) and b"<svg" in data[:4096]:
        return "svg", "image/svg+xml"
    for signature, extension, font in FONTS:
        if data.startswith(signature):
            return extension, font
    if media == "text/css" and b"\x00" not in data[:4096] and not text.startswith(b"<"):
        return "css", "text/css"
    return f"not an image, stylesheet or font ({media or 'no content type'})"


def accepts(kind: str, media: str) -> bool:
    """True when a use of `kind` may load a copy of type `media`."""
    if kind == "stylesheet":
        return media == "text/css"
    if kind == "image":
        return media.startswith("image/")
    return media.startswith(("image/", "font/"))


def decoded(body: bytes, encoding: str) -> bytes | str:
    """The body without its content encoding, or why it cannot be decoded."""
    encoding = encoding.strip().lower()
    try:
        if encoding in ("", "identity"):
            return body
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, EOFError, zlib.error) as error:
        return f"its {encoding} body cannot be read ({error})"
    return f"it came compressed as {encoding}"
