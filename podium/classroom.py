"""Follow mode as `serve --follow` and `present` run it: the students' copy beside the trainer's,
the room, and the two URLs the terminal prints.

The students' copy is a second `LiveBuild` without notes, rebuilt after the trainer's on every
save (the followers' pages are never a build behind once the reload is announced). The followers'
URL names this machine's address on the local network when the server listens beyond loopback.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from .devhosts import WILDCARDS
from .follow import LEAD_PREFIX, Room
from .livebuild import LiveBuild, Outcome

PROBE = ("192.0.2.1", 9)
"""A documentation address (TEST-NET-1): connecting a UDP socket to it sends nothing, but tells
which of this machine's addresses faces the network."""


@dataclass(frozen=True, slots=True)
class Classroom:
    """Follow mode's parts, made once the trainer's copy is built."""

    room: Room
    """The follow state and its connections."""
    students: LiveBuild
    """The students' copy (no notes), served at `/`."""
    followers_url: str
    """What the room opens (and the QR code says)."""
    leader_url: str
    """The trainer's copy, with the token: printed in the terminal only."""


def lan_address() -> str | None:
    """This machine's address on the local network, or None when it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(PROBE)
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith(("127.", "0.")) else address


def shown_host(host: str) -> str:
    """The host name the room should use to reach a server listening on `host`."""
    if host.strip("[]") in WILDCARDS:
        return lan_address() or socket.gethostname() or "127.0.0.1"
    return host


def url(host: str, port: int, path: str = "/") -> str:
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{name}:{port}{path}"


def deck_pages(live: LiveBuild) -> frozenset[str]:
    """The page paths of the decks `live` serves (`/06-compose/`, `/` for a session at the root)."""
    builder = live.builder
    pages = set()
    for path in builder.decks:
        try:
            pages.add("/" + builder.session(path).site_folder)
        except KeyError:
            continue
    return frozenset(pages)


def open_classroom(slides: Path, config: Path | None, work: Path, host: str, port: int,
                   capacity: int, offline: bool = False) -> tuple[Classroom, Outcome]:
    """Build the students' copy into `work/students` and make the room (`offline`: see offline.py)."""
    students = LiveBuild(slides, config, work / "students", notes=False, offline=offline, hot=False)
    outcome = students.build()
    room = Room(capacity=capacity, pages=lambda: deck_pages(students))
    name = shown_host(host)
    return Classroom(room, students, url(name, port), url(name, port, LEAD_PREFIX + room.token + "/")), outcome
