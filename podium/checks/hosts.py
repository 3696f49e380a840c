"""Politeness towards each host of the online check: a gate, a start schedule and a wait budget.

Each host has a gate (requests in flight) and a start schedule (one request start per
`min_interval`). A `429 Too Many Requests` moves the host's schedule back by what the server asks
for (its Retry-After, else the backoff). What one host makes the run wait this way is bounded: once
a host has asked for more than `max_wait` seconds in all, it is held, and every request to it that
has not started yet raises `HostHeld` instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import AsyncIterator


def seconds_text(seconds: float) -> str:
    """`100000 s`, `12 s`, `2.5 s`: a wait as messages show it."""
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.2g} s"


@dataclass(frozen=True, slots=True)
class Hold:
    """Why a host is asked nothing more in this run."""

    host: str
    """The host's name."""
    asked: float
    """Seconds of waiting the host asked for in all."""
    cap: float
    """Seconds one host may make the run wait."""

    def text(self) -> str:
        """`HOST asks to wait N s, more than the C s the check waits for a host`."""
        return (f"{self.host} asks to wait {seconds_text(self.asked)}, more than the "
                f"{seconds_text(self.cap)} the check waits for one host")


class HostHeld(Exception):
    """A request to a held host was not sent."""

    def __init__(self, hold: Hold) -> None:
        super().__init__(hold.text())
        self.hold = hold


class Hosts:
    """Gates, start schedules and wait budgets of the hosts of one run (on one event loop)."""

    def __init__(self, per_host: int, min_interval: float, max_wait: float) -> None:
        self.per_host = max(1, per_host)
        self.min_interval = min_interval
        self.max_wait = max_wait
        self.gates: dict[str, asyncio.Semaphore] = {}
        self.next_start: dict[str, float] = {}
        """Per host: the loop time before which no request may start."""
        self.asked: dict[str, float] = {}
        """Per host: the seconds of waiting it asked for so far."""
        self.held: dict[str, Hold] = {}

    @contextlib.asynccontextmanager
    async def gate(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's places for requests in flight."""
        self.check(host)
        async with self.gates.setdefault(host, asyncio.Semaphore(self.per_host)):
            yield

    async def start(self, host: str) -> None:
        """Wait for the host's next start (inside its gate); raise HostHeld when it is held."""
        self.check(host)
        now = asyncio.get_running_loop().time()
        start = max(now, self.next_start.get(host, 0.0))
        self.next_start[host] = start + self.min_interval
        if start > now:
            await asyncio.sleep(start - now)
            self.check(host)

    def check(self, host: str) -> None:
        """Raise HostHeld when `host` is held."""
        hold = self.held.get(host)
        if hold is not None:
            raise HostHeld(hold)

    def slow_down(self, host: str, wait: float) -> Hold | None:
        """The host asked to wait `wait` seconds before its next request: move its schedule back,
        or hold it (and return why) when that makes it ask for more than `max_wait` in all."""
        now = asyncio.get_running_loop().time()
        scheduled = max(now, self.next_start.get(host, 0.0))
        later = now + wait
        asked = self.asked.get(host, 0.0) + max(0.0, later - scheduled)
        self.asked[host] = asked
        if asked > self.max_wait:
            hold = self.held.setdefault(host, Hold(host, asked, self.max_wait))
            return hold
        self.next_start[host] = max(scheduled, later)
        return None
