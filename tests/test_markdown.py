"""The Markdown parser's own shortcuts give exactly what markdown-it gives without them."""

from __future__ import annotations

import random
import string

import pytest
from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText

from podium.markdown import PLAIN_URL, markdown_parser, normalize_link, normalize_link_text

PIECES = ["http://", "https://", "HTTP://", "mailto:", "//", "ftp://", "javascript:", "data:", "", "", "", "xn--p1ai", "XN--",
          "[::1]", "localhost", "Docs.Docker.com", "a@b", "user:pw@host", ":8080", ":", "/", "?", "#", "..",
          "./", "img/", "x.png", "(", ")", "'", "@", "~", "-", ".", "127.0.0.1", "%41", "%zz", "%", " ", "ü",
          "\\", "&amp;", "a", "Z", "9", "&", "=", "+", ",", ";", "!", "*", "$"]


def _urls(count: int) -> list[str]:
    """URL-like strings: made of typical pieces, and of random URL characters."""
    rnd = random.Random(6)
    alphabet = string.ascii_letters + string.digits + "-._~:/?#@!$&'()*+,;=%"
    urls = []
    for n in range(count):
        if n % 2:
            urls.append("".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 8))))
        else:
            urls.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30))))
    return urls


def test_link_normalisation_is_markdown_its() -> None:
    urls = _urls(20_000)
    plain = [url for url in urls if PLAIN_URL.fullmatch(url)]
    assert len(plain) > 2_500 and len(urls) - len(plain) > 2_500          # both paths are exercised
    assert [normalize_link(url) for url in urls] == [normalizeLink(url) for url in urls]
    assert [normalize_link_text(url) for url in urls] == [normalizeLinkText(url) for url in urls]


@pytest.mark.parametrize("url,expected", [
    ("img/compose.svg", "img/compose.svg"),
    ("https://docs.docker.com/compose/?a=1#top", "https://docs.docker.com/compose/?a=1#top"),
    ("img/ü.png", "img/%C3%BC.png"),
    ("a b", "a%20b"),
    ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"),
    ("https://bücher.example/", "https://xn--bcher-kva.example/"),
])
def test_links_in_slides_are_normalised(url: str, expected: str) -> None:
    tokens = markdown_parser().parseInline(f"[x](<{url}>)")[0].children
    assert tokens[0].attrs["href"] == expected


@pytest.mark.parametrize("url,shown", [
    ("https://docs.docker.com/compose/", "https://docs.docker.com/compose/"),
    ("https://xn--bcher-kva.example/", "https://bücher.example/"),
    ("https://example.com/a%20b", "https://example.com/a b"),
])
def test_bare_urls_show_as_markdown_it_shows_them(url: str, shown: str) -> None:
    tokens = markdown_parser().parseInline(f"see {url} now")[0].children
    assert [t.content for t in tokens if t.type == "text"][1] == shown
