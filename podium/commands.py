"""The commands' arguments: what `podium build|serve|present|check|pdf|sync|new` accept (argparse).

Definitions only: cli.py parses with them, runs the command, prints and exits.
"""

from __future__ import annotations

import argparse


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--slides", default="slides", metavar="DIR", help="folder of session files (default: slides)")
    parser.add_argument("--config", metavar="FILE", help="course settings (default: course.toml beside the slides folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0-65535)")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number of seconds")
    return seconds


OFFLINE_HELP = ("store the remote images, stylesheets and fonts the slides load in the site (static/remote/, "
                "kept in .podium-cache/remote/), so the course works with the network down")


def _listen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1, or 0.0.0.0 in follow mode; "
                        "0.0.0.0 makes the course visible to the network)")
    parser.add_argument("--port", default=8000, type=_port, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open the course (in follow mode, the leader's copy) "
                        "in the web browser")
    parser.add_argument("--max-followers", type=_count, default=500, metavar="N",
                        help="follow mode: the most devices following at once (default: 500)")
    _offline(parser)


def _offline(parser: argparse.ArgumentParser, help: str = OFFLINE_HELP) -> None:
    parser.add_argument("--offline", action="store_true", help=help)


def _count(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of followers (1-100000)")
    return int(text)


def make_parser(prog: str = "podium") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Build, serve and check a course of remark.js slides.",
                                     epilog="Run it in a course folder: slides/ (the sessions) and an optional "
                                     "course.toml. 'podium new DIR' starts a course.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="build the course into a static site")
    _common(build)
    build.add_argument("--out", default="site", metavar="DIR", help="where to write the site (default: site)")
    build.add_argument("--no-notes", action="store_true", help="leave the presenter notes out (students' copy)")
    build.add_argument("--force", action="store_true", help="replace the --out folder even when Podium did not "
                       "make it (it has no .podium-site file): everything in it is lost")
    _offline(build)
    serve = commands.add_parser("serve", help="serve the course and reload the browser on every save")
    _common(serve)
    _listen(serve)
    serve.add_argument("--no-layout", action="store_true",
                       help="do not lay the slides out in Chromium after each save (overflow and contrast)")
    serve.add_argument("--reload", action="store_true", help="reload the whole page on every save instead of "
                       "putting the changed slides in place (for slides whose own scripts need a fresh page)")
    serve.add_argument("--poll", action="store_true", help="poll the files for changes instead of the operating "
                       "system's file events (for a network share, or a folder the events do not reach)")
    serve.add_argument("--follow", action="store_true", help="follow mode: the room opens the students' copy and "
                       "follows your page (listens on every address unless --host says otherwise)")
    present = commands.add_parser("present", help="present to the room: follow mode, built once, no live reload")
    _common(present)
    _listen(present)
    check = commands.add_parser("check", help="check every link and code sample of the course")
    _common(check)
    check.add_argument("--online", action="store_true", help="also check external links over the network")
    check.add_argument("--online-deadline", type=_seconds, metavar="SECONDS",
                       help="with --online: the most time the external links may take in all; the rest are "
                       "reported not checked (default: course.toml's [check] online_deadline, else 120)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--no-layout", action="store_true",
                       help="do not lay the slides out in Chromium (overflow and contrast checks)")
    check.add_argument("--format", choices=("text", "json", "junit"), default="text", help="output format")
    pdf = commands.add_parser("pdf", help="print every session to PDF with headless Chromium")
    _common(pdf)
    pdf.add_argument("--out", default="pdf", metavar="DIR", help="where to write the PDF files (default: pdf)")
    pdf.add_argument("--handout", action="store_true",
                     help="a handout: the last step of each -- build, its notes beside each slide, rows packed "
                     "on paper")
    pdf.add_argument("--paper", choices=("a4", "letter"), help="the handout's paper (default: a4)")
    pdf.add_argument("--force", action="store_true", help="write into the --out folder even when Podium did not "
                     "make it (it has no .podium-site file): its PDF files of the same names are replaced")
    _offline(pdf, "fetch the remote images, stylesheets and fonts the cache does not hold yet (without it, "
             "the copies a `build --offline` stored are printed)")
    sync = commands.add_parser("sync", help="make the code on the slides and the lab's files equal again")
    _common(sync)
    sync.add_argument("--to", choices=("slides", "files"), default="slides",
                      help="rewrite the slides' blocks from the files (default), or the files from the slides")
    sync.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    new = commands.add_parser("new", help="write a starter course into a new folder")
    new.add_argument("folder", metavar="DIR", help="the course's folder (made if missing; it must be empty)")
    return parser
