#!/usr/bin/env python3
"""Follow mode under a full room: how long a leader's move takes to reach every follower.

    python bench/follow_latency.py [--followers 200] [--moves 40] [--interval-ms 100]

Starts `python build.py present` on 127.0.0.1 (a real server process, on a small course of 3
sessions x 6 slides made in a temporary folder), connects `--followers` websocket clients to
`/__podium__/follow` and one leader (`?lead=TOKEN`, the token read from the terminal), all in one
asyncio loop of this process, then sends `--moves` moves, one every `--interval-ms` ms, cycling
through every deck page and slide. For each move: the time from just before the leader sends it
to the moment the last follower (and the median follower) has read it, on the same clock.

Checks that every follower (and the leader, who follows the last move too) got every move exactly
once and in order: `seq` one more than the one before, `path`, `index` and `n` as sent, and that
no message holds the token. Exits 1 if any follower missed a move, saw one twice, out of order or
not as sent, or lost its connection.
Target: p95 from the move to the last follower under 250 ms. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reload_latency import ROOT, WORK, start, stop, wait_line  # noqa: E402

TARGET_P95_MS = 250.0
SESSIONS = 3
SLIDES = 6
BATCH = 50
"""Followers connecting at once."""
DRAIN_S = 10.0
"""How long to wait, after the last move, for every connection to read every move."""


@dataclass(slots=True)
class Client:
    """One websocket connection and what it read: (perf_counter seconds, message) in order."""

    name: str
    seen: list[tuple[float, dict]] = field(default_factory=list)
    closed: bool = False
    connection: object = None


@dataclass(slots=True)
class Tally:
    """How many connections have read each `seq`; `done` is set when all have read the last."""

    clients: int
    last: int = -1
    counts: dict[int, int] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def saw(self, seq: int) -> None:
        self.counts[seq] = self.counts.get(seq, 0) + 1
        if seq == self.last and self.counts[seq] >= self.clients:
            self.done.set()


def make_course(folder: Path) -> Path:
    """3 sessions of 6 slides each, with notes (the followers' copy leaves them out)."""
    slides = folder / "slides"
    slides.mkdir(parents=True)
    for deck in range(1, SESSIONS + 1):
        text = "\n\n---\n\n".join(f"# Session {deck}, slide {n}\n\n- point {n} of session {deck}\n\n???\n"
                                  f"Note {n} of session {deck}." for n in range(1, SLIDES + 1))
        (slides / f"{deck:02d}-session-{deck}.md").write_text(text + "\n", encoding="utf-8")
    return slides


def deck_pages() -> list[str]:
    return [f"/{deck:02d}-session-{deck}/" for deck in range(1, SESSIONS + 1)]


def planned_moves(count: int) -> list[dict]:
    """The moves the leader sends: every page in turn, a different slide each time."""
    pages = deck_pages()
    moves = []
    for n in range(1, count + 1):
        page, index = pages[(n - 1) % len(pages)], (n * 5) % SLIDES
        moves.append({"command": "move", "from": "bench", "n": n, "path": page, "index": index,
                      "number": index + 1, "name": None, "text": f"Session, slide {index + 1}",
                      "blackout": False})
    return moves


async def connect(client: Client, url: str, origin: str, tally: Tally, timeout: float = 30) -> None:
    """Open `client`'s connection and wait for the state the server sends first."""
    first = asyncio.get_running_loop().create_future()

    def read(message: str | bytes | None) -> None:
        now = time.perf_counter()
        if message is None:
            client.closed = True
            if not first.done():
                first.set_exception(ConnectionError(f"{client.name}: closed before the first state"))
            return
        data = json.loads(message)
        client.seen.append((now, data))
        if not first.done():
            first.set_result(data)
        elif isinstance(data.get("seq"), int):
            tally.saw(data["seq"])

    request = HTTPRequest(url, headers={"Origin": origin}, connect_timeout=timeout, request_timeout=timeout)
    client.connection = await websocket_connect(request, on_message_callback=read)
    await asyncio.wait_for(first, timeout)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 40 values: the 38th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(values: list[float]) -> str:
    if not values:
        return "no figures"
    return (f"median {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   "
            f"max {max(values):6.1f} ms   (n={len(values)})")


def problems(client: Client, base: int, moves: list[dict], token: str) -> list[str]:
    """What is wrong with what `client` read after its first state: every move once, in order,
    and never the leader's token."""
    found = []
    if any(token in json.dumps(data) for _, data in client.seen):
        found.append("read the leader's token")
    later = [data for _, data in client.seen[1:]]
    if len(later) != len(moves):
        found.append(f"read {len(later)} moves of {len(moves)}")
    for position, (data, move) in enumerate(zip(later, moves), start=1):
        wanted = {"seq": base + position, "path": move["path"], "index": move["index"], "n": move["n"]}
        got = {key: data.get(key) for key in wanted}
        if got != wanted:
            found.append(f"move {position}: read {got}, expected {wanted}")
            break
    if client.closed:
        found.append("its connection closed")
    return found


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(port: int, token: str, server_pid: int, args: argparse.Namespace) -> int:
    origin = f"http://127.0.0.1:{port}"
    socket_url = f"ws://127.0.0.1:{port}/__podium__/follow"
    moves = planned_moves(args.moves)
    followers = [Client(f"follower {k + 1}") for k in range(args.followers)]
    leader = Client("leader")
    tally = Tally(clients=args.followers + 1)

    started = time.perf_counter()
    for first in range(0, len(followers), BATCH):
        await asyncio.gather(*(connect(client, socket_url, origin, tally) for client in followers[first:first + BATCH]))
    connected_s = time.perf_counter() - started
    await connect(leader, f"{socket_url}?lead={token}", origin, tally)
    states = {client.seen[0][1].get("seq") for client in followers + [leader]}
    if len(states) != 1 or not isinstance(base := states.pop(), int):
        print(f"the connections were given different states on connecting: {sorted(map(str, states))}")
        return 1
    tally.last = base + len(moves)
    print(f"followers connected: {sum(not c.closed for c in followers)} of {args.followers} "
          f"in {connected_s:.2f} s (batches of {BATCH}), plus 1 leader; state on connecting: seq {base}")

    server_before, own_before = cpu_seconds(server_pid), own_cpu()
    sent: list[float] = []
    interval = args.interval_ms / 1000
    loop_start = time.perf_counter()
    for number, move in enumerate(moves):
        delay = loop_start + number * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        message = json.dumps({**move, "token": token})
        when = time.perf_counter()
        try:
            await leader.connection.write_message(message)
        except WebSocketClosedError:
            connection = leader.connection
            print(f"the server closed the leader's connection after {len(sent)} moves "
                  f"(code {connection.close_code}, {connection.close_reason!r})")
            break
        sent.append(when)
    with contextlib.suppress(asyncio.TimeoutError):  # what did not arrive by then is reported below
        await asyncio.wait_for(tally.done.wait(), DRAIN_S)
    elapsed = time.perf_counter() - loop_start
    server_after, own_after = cpu_seconds(server_pid), own_cpu()
    for client in followers + [leader]:
        client.connection.close()

    last, middle, missing = [], [], 0
    for position, when in enumerate(sent, start=1):
        seq = base + position
        times = sorted((t - when) * 1000 for client in followers for t, data in client.seen[1:]
                       if data.get("seq") == seq)
        if len(times) < len(followers):
            missing += 1
        if times:
            last.append(times[-1])
            middle.append(statistics.median(times))
    wrong = {client.name: found for client in followers + [leader]
             if (found := problems(client, base, moves, token))}

    print(f"moves sent: {len(sent)} of {len(moves)}, one every {args.interval_ms:g} ms "
          f"(over {SESSIONS} decks of {SLIDES} slides)")
    print(f"every follower received every move exactly once, in order: {'yes' if not wrong else 'NO'}"
          f"{'' if 'leader' in wrong else ' (the leader too)'}")
    for name, found in list(wrong.items())[:10]:
        print(f"  {name}: {'; '.join(found)}")
    if len(wrong) > 10:
        print(f"  ... and {len(wrong) - 10} more connections")
    if missing:
        print(f"  {missing} moves did not reach every follower within {DRAIN_S:g} s of the last move")
    print(f"move -> last follower:   {figures(last)}")
    print(f"move -> median follower: {figures(middle)}")
    if last:
        p95 = percentile(last, 0.95)
        print(f"target: p95 move -> last follower under {TARGET_P95_MS:g} ms: "
              f"{'met' if p95 < TARGET_P95_MS else 'NOT met'} ({p95:.1f} ms)")
    cpu = os.cpu_count() or 0
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    server_note = f"server {server_after - server_before:.2f} s" if server_before is not None and \
        server_after is not None else "server: not measured"
    print(f"CPU: {cpu} cores shared by the server process and this one (all {args.followers + 1} clients in one "
          f"asyncio loop), load average {load}; CPU time during the {elapsed:.2f} s of moves: {server_note}, "
          f"clients {own_after - own_before:.2f} s")
    return 1 if wrong or missing else 0


def count(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        return value
    return parse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=count(1), default=200, help="websocket followers (default: 200)")
    parser.add_argument("--moves", type=count(1), default=40, help="leader moves (default: 40)")
    parser.add_argument("--interval-ms", type=count(0), default=100,
                        help="ms between two moves (default: 100; the server takes 40 a second from a leader)")
    args = parser.parse_args()
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if args.followers + 64 > limit:
        print(f"follow_latency: {args.followers} followers need more open files than this process may have "
              f"({limit}; ulimit -n)", file=sys.stderr)
        return 2
    print(f"follow_latency.py --followers {args.followers} --moves {args.moves} --interval-ms {args.interval_ms}")
    WORK.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="follow-", dir=WORK))
    process = None
    try:
        slides = make_course(folder)
        command = [sys.executable, str(ROOT / "build.py"), "present", "--host", "127.0.0.1", "--port", "0",
                   "--slides", str(slides), "--max-followers", str(max(500, args.followers))]
        process, lines = start(command, cwd=folder)
        port = int(wait_line(process, r"serving http://127\.0\.0\.1:(\d+)/", lines).group(1))
        token = wait_line(process, r"lead from http://\S+/lead/([^/\s]+)/", lines).group(1)
        return asyncio.run(run(port, token, process.pid, args))
    except (RuntimeError, OSError, ConnectionError, asyncio.TimeoutError) as error:
        print(f"follow_latency: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    finally:
        if process is not None:
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
