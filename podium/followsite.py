"""Follow mode's web side: the leader's copy of the site, the follow snippet, the QR code.

The followers' copy (no notes) is the server's site at `/`; the leader's copy (with notes) is
under `/lead/TOKEN/`, where a wrong token finds nothing (404, as for any missing page). Every
page gets `follow.js` and a small JSON state: the socket's path and, in the leader's pages only,
the token and the prefix. Answers of the leader's copy carry `Referrer-Policy: same-origin`, so
a link the trainer follows out of a slide does not hand the token to another site.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable


from .devsite import DEV_PREFIX, HostChecked, SiteHandler
from .follow import FOLLOW_PATH, LEAD_PREFIX, FollowSocket, Room
from .livebuild import LiveBuild

FOLLOW_SCRIPT = DEV_PREFIX + "follow.js"
QR_PATH = DEV_PREFIX + "follow-qr.svg"
NO_REFERRER = {"Referrer-Policy": "same-origin"}


def follow_snippet(room: Room, leader: bool, followers_url: str) -> bytes:
    """The follow state and script for the start of a page's `<head>`."""
    state = {"socket": FOLLOW_PATH, "qr": QR_PATH, "url": followers_url}
    if leader:
        state.update(lead=room.token, base=LEAD_PREFIX + room.token)
    text = json.dumps(state).replace("<", "\\u003c")
    return (f'<script type="application/json" id="podium-follow">{text}</script>\n'
            f'<script src="{FOLLOW_SCRIPT}"></script>\n').encode()


class LeaderSiteHandler(SiteHandler):
    """The leader's copy of the site, under `/lead/TOKEN/`."""

    def initialize(self, room: Room, **kwargs: object) -> None:  # type: ignore[override]
        super().initialize(**kwargs)  # type: ignore[arg-type]
        self.room = room
        self.prefix = LEAD_PREFIX + room.token + "/"

    async def get(self, token: str, path: str = "", include_body: bool = True) -> None:  # type: ignore[override]
        if not self.room.is_token(token):
            return self.send_error(404)
        if path is None:  # /lead/TOKEN without its slash
            return self.redirect(self.prefix)
        await super().get(path, include_body)

    async def head(self, token: str, path: str = "") -> None:  # type: ignore[override]
        await self.get(token, path, include_body=False)


class QrHandler(HostChecked):
    """The followers' URL as a QR code (SVG), for the slide the leader opens with `q`."""

    def initialize(self, svg: bytes) -> None:
        self.svg = svg

    def get(self) -> None:
        self.set_header("Content-Type", "image/svg+xml")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.svg)


def qr_svg(url: str) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, dark="#000", light="#fff",
                                     xmldecl=False, svgclass=None, lineclass=None)
    return out.getvalue()


def qr_text(url: str) -> str:
    """The followers' URL as a QR code drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def routes(room: Room, leader: LiveBuild, followers_url: str) -> Callable[[Callable[[str], bytes] | None], tuple[list, Callable[[str], bytes]]]:
    """What `devsite.application(follow=...)` adds: given the dev snippet (None without live
    reload), the follow routes and the snippet of the followers' pages."""

    def make(dev: Callable[[str], bytes] | None) -> tuple[list, Callable[[str], bytes]]:
        from .devsite import snippet_maker

        follower_part = follow_snippet(room, False, followers_url)
        leader_part = follow_snippet(room, True, followers_url)
        leader_dev = snippet_maker(leader, lambda stem: (), LEAD_PREFIX + room.token) if dev is not None else None

        def follower_snippet(page: str) -> bytes:
            return (dev(page) if dev else b"") + follower_part

        def leader_snippet(page: str) -> bytes:
            return (leader_dev(page) if leader_dev else b"") + leader_part

        root = Path(os.path.realpath(leader.out))
        return [
            (FOLLOW_PATH, FollowSocket, {"room": room}),
            (QR_PATH, QrHandler, {"svg": qr_svg(followers_url)}),
            (r"/lead/([^/]+)(?:/(.*))?", LeaderSiteHandler,
             {"room": room, "live": leader, "root": root, "snippet": leader_snippet, "headers": NO_REFERRER}),
        ], follower_snippet

    return make

