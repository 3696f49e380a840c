"""Command line: `python build.py build|serve|check|pdf`. The only module that prints or exits."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Sequence

from .diagnostics import Diagnostic, sort_diagnostics

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--slides", default="slides", metavar="DIR", help="folder of session files (default: slides)")
    parser.add_argument("--config", metavar="FILE", help="course settings (default: course.toml beside the slides folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build, serve and check a course of remark.js slides.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="build the course into a static site")
    _common(build)
    build.add_argument("--out", default="site", metavar="DIR", help="where to write the site (default: site)")
    build.add_argument("--no-notes", action="store_true", help="leave the presenter notes out (students' copy)")
    return parser


def print_diagnostics(items: Sequence[Diagnostic], quiet: bool = False) -> None:
    """Every diagnostic, sorted, one line each, on stderr."""
    for item in sort_diagnostics(items):
        if quiet and item.severity != "error":
            continue
        print(item, file=sys.stderr)


def _load(args: argparse.Namespace, **extra: object):
    from .project import load_project

    project, problems = load_project(args.slides, getattr(args, "out", "site"), args.config, **extra)
    if not project.slides_dir.is_dir():
        print(f"build.py: error: slides folder '{args.slides}' does not exist", file=sys.stderr)
        return None, problems
    return project, problems


def cmd_build(args: argparse.Namespace) -> int:
    from .builder import build
    from .site import unsafe_output

    project, problems = _load(args, notes=not args.no_notes)
    if project is None:
        return EXIT_USAGE
    if problems:
        print_diagnostics(problems, args.quiet)
        return EXIT_ERRORS
    unsafe = unsafe_output(project)
    if unsafe:
        print(f"build.py: error: {unsafe}", file=sys.stderr)
        return EXIT_USAGE
    result = build(project)
    print_diagnostics(result.diagnostics, args.quiet)
    if not result.ok:
        print(f"build failed: {sum(d.severity == 'error' for d in result.diagnostics)} error(s); "
              f"{project.out_dir} was left as it was", file=sys.stderr)
        return EXIT_ERRORS
    if not args.quiet:
        slides = sum(len(d.slides) for d in result.decks)
        print(f"built {len(result.decks)} session(s), {slides} slides, into {project.out_dir}/")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"build": cmd_build}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return EXIT_OK


def run() -> None:
    """Console-script entry."""
    sys.exit(main())
