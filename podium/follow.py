"""Follow mode: the room's devices show the slide the trainer's page is on.

One `Room` per server: the leader's token, the current state (which page, which slide by index
and identity, blackout) and the connected pages. A page connects to `FOLLOW_PATH`; the server
sends it the current state at once and after every move. Only a message carrying the token moves
anyone (compared in constant time); what a follower sends reaches nobody. The leader's pages are
served under `/lead/TOKEN/`, and only their answers hold the token.

Bounds: at most `Room.capacity` followers (leaders are not counted: they prove the token when
they connect); a message over `MAX_MESSAGE` bytes closes its connection, and so does a connection
sending faster than its `Bucket` allows. Other origins are refused before the handshake.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable

from tornado.websocket import WebSocketClosedError, WebSocketHandler

from .devhosts import same_origin
from .devsite import HostChecked

log = logging.getLogger(__name__)

FOLLOW_PATH = "/__podium__/follow"
LEAD_PREFIX = "/lead/"
MAX_FOLLOWERS = 500
"""Followers one server takes at once (`serve --follow --max-followers N` changes it)."""
MAX_MESSAGE = 8192
"""The largest message a page may send, in bytes: a move is a few hundred."""
MAX_TEXT = 600
"""The most characters of a slide's text (its identity) a move carries."""
RATES = {"follower": (2.0, 10.0), "leader": (40.0, 120.0)}
"""Messages per second a connection may send on average, and in one burst, by role."""
TOKEN_BYTES = 24
"""The leader's token: 192 random bits, URL-safe."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(slots=True)
class Bucket:
    """A token bucket: `take()` is False once a connection sends faster than `rate` per second
    on average, with bursts up to `burst`."""

    rate: float
    burst: float
    level: float = -1.0
    at: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        now = time.monotonic()
        self.level = min(self.burst, (self.burst if self.level < 0 else self.level) + (now - self.at) * self.rate)
        self.at = now
        if self.level < 1:
            return False
        self.level -= 1
        return True


@dataclass(slots=True)
class Room:
    """The follow state of one server and the pages connected to it."""

    token: str = field(default_factory=new_token)
    capacity: int = MAX_FOLLOWERS
    pages: Callable[[], frozenset[str]] = lambda: frozenset()
    """The page paths a move may name (`/06-compose/`, `/`): the decks being served."""
    state: dict = field(default_factory=lambda: {"command": "podium-follow", "seq": 0, "path": None})
    sockets: set = field(default_factory=set)
    followers: int = 0

    def is_token(self, token: object) -> bool:
        return isinstance(token, str) and hmac.compare_digest(token.encode(), self.token.encode())

    def move(self, data: dict) -> dict | None:
        """The new state a leader's message makes, or None when it is not a move (wrong token,
        a page that is not served, a slide index that is not a number)."""
        if data.get("command") != "move" or not self.is_token(data.get("token")):
            return None
        path, index, number = data.get("path"), data.get("index"), data.get("number")
        if path not in self.pages() or not _count(index) or not (number is None or _count(number)):
            return None
        name, text, sender, n = data.get("name"), data.get("text"), data.get("from"), data.get("n")
        self.state = {"command": "podium-follow", "seq": self.state["seq"] + 1, "path": path, "index": index,
                      "number": number if number is not None else index + 1,
                      "name": name if isinstance(name, str) and len(name) <= 200 else None,
                      "text": text[:MAX_TEXT] if isinstance(text, str) else "",
                      "blackout": data.get("blackout") is True,
                      "from": sender if isinstance(sender, str) and len(sender) <= 40 else None,
                      "n": n if _count(n) else 0}
        return self.state

    def broadcast(self) -> None:
        """Send the current state to every page, leaders included (they follow the last move too)."""
        message = json.dumps(self.state)
        for page in list(self.sockets):
            try:
                page.write_message(message)
            except WebSocketClosedError:
                self.sockets.discard(page)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1_000_000


class FollowSocket(HostChecked, WebSocketHandler):
    """The websocket of follow mode (see the module's docstring)."""

    room: Room
    role = "follower"
    bucket: Bucket

    def initialize(self, room: Room) -> None:
        self.room = room

    def refusal(self) -> str | None:
        origin = self.request.headers.get("Origin")
        if origin is None or not same_origin(origin, self.request.host):
            return "this socket is for the pages of this server only"
        why = super().refusal()
        if why is None and not self.room.is_token(self.get_query_argument("lead", None)) \
                and self.room.followers >= self.room.capacity:
            self.refused_status = 503
            return f"this room is full ({self.room.capacity} followers)"
        return why

    def check_origin(self, origin: str) -> bool:
        return same_origin(origin, self.request.host)

    @property
    def max_message_size(self) -> int:
        return MAX_MESSAGE

    def open(self) -> None:
        self.role = "leader" if self.room.is_token(self.get_query_argument("lead", None)) else "follower"
        self.bucket = Bucket(*RATES[self.role])
        self.room.sockets.add(self)
        if self.role == "follower":
            self.room.followers += 1
        self.write_message(json.dumps(self.room.state))

    def on_message(self, message: str | bytes) -> None:
        if not self.bucket.take():
            log.info("follow: closed a %s connection sending too fast", self.role)
            self.close(1008, "too many messages")
            return
        if self.role != "leader":
            return  # what a follower says reaches nobody
        try:
            data = json.loads(message)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or self.room.move(data) is None:
            log.debug("follow: ignored a message that is not a move")
            return
        self.room.broadcast()

    def on_close(self) -> None:
        if self in self.room.sockets:
            self.room.sockets.discard(self)
            if self.role == "follower":
                self.room.followers -= 1
