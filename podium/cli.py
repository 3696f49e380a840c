"""Command line: `podium build|serve|present|check|pdf|sync|new` (`python build.py ...` in Podium's repository).

The only module that prints or exits.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path
from typing import Callable, Sequence

from .commands import make_parser
from .diagnostics import Diagnostic, did_you_mean, sort_diagnostics

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
SESSIONS_ARE = "a session is a *.md file, or a folder with a slides.md or a remark index.html"
"""What the error about a slides folder without sessions says a session is."""


def say(args: argparse.Namespace, message: str, severity: str = "error") -> None:
    """One line on stderr: `PROG: SEVERITY: message`."""
    print(f"{args.prog}: {severity}: {message}", file=sys.stderr)


def print_diagnostics(items: Sequence[Diagnostic], quiet: bool = False) -> None:
    """Every diagnostic, sorted, one line each, on stderr."""
    for item in sort_diagnostics(items):
        if quiet and item.severity != "error":
            continue
        print(item.full_text(), file=sys.stderr)


def _load(args: argparse.Namespace, **extra: object):
    from .loader import session_files
    from .project import load_project

    if args.config and not Path(args.config).is_file():
        why = "is a folder, not a file" if Path(args.config).is_dir() else "does not exist"
        say(args, f"{args.config}: the settings file given with --config {why}")
        return None, []
    unfollowed = _loop(getattr(args, "out", None))
    if unfollowed:
        say(args, f"{args.out}: {unfollowed}")
        return None, []
    project, problems = load_project(args.slides, getattr(args, "out", "site"), args.config, **extra)
    if not project.slides_dir.is_dir():
        say(args, f"slides folder '{args.slides}' does not exist")
        return None, problems
    if not session_files(project):  # the folder names no course: the command is wrong, not a session
        say(args, f"no sessions in the slides folder '{args.slides}': {SESSIONS_ARE}")
        return None, problems
    return project, problems


def _loop(out: str | None) -> str | None:
    """Why the --out path cannot be followed (a loop of symbolic links), or None."""
    try:
        Path(out or ".").resolve()
    except (OSError, RuntimeError):
        return "a loop of symbolic links; choose another --out"
    return None


def cmd_build(args: argparse.Namespace) -> int:
    from .builder import build
    from .publish import OutputError, unsafe_output

    project, problems = _load(args, notes=not args.no_notes)
    if project is None:
        return EXIT_USAGE
    if problems:
        print_diagnostics(problems, args.quiet)
        return EXIT_ERRORS
    project = project.with_options(force=args.force, offline=args.offline)
    unsafe = unsafe_output(project)
    if unsafe:
        return _output_failed(args, unsafe)
    try:
        result = build(project)
    except OutputError as failed:
        return _output_failed(args, failed)
    except OSError as failed:
        where = f" ({failed.filename})" if failed.filename and str(failed.filename) != str(project.out_dir) else ""
        say(args, f"{project.out_dir}: the site could not be written: {failed.strerror or failed}{where}; "
                  "nothing was changed there")
        return EXIT_ERRORS
    print_diagnostics(result.diagnostics, args.quiet)
    if not result.ok:
        print(f"build failed: {sum(d.severity == 'error' for d in result.diagnostics)} error(s); "
              f"{project.out_dir} was left as it was", file=sys.stderr)
        return EXIT_ERRORS
    if not args.quiet:
        slides = sum(len(d.slides) for d in result.decks)
        print(f"built {len(result.decks)} session(s), {slides} slides, into {project.out_dir}/")
    return EXIT_OK


def _output_failed(args: argparse.Namespace, failed) -> int:
    """Say why the output folder was refused (exit 2) or could not be written (exit 1)."""
    say(args, str(failed))
    return EXIT_USAGE if failed.refused else EXIT_ERRORS


def cmd_check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .checks.layout import SKIPPED
    from .checks.report import as_json, as_junit, as_text
    from .checks.run import KINDS, run_checks
    from .loader import session_files
    from .project import shown

    if args.online_deadline is not None and not args.online:
        say(args, "--online-deadline bounds the online check: use it with --online")
        return EXIT_USAGE
    project, problems = _load(args)
    if project is None:
        return EXIT_USAGE
    if problems:
        print_diagnostics(problems)
        return EXIT_ERRORS
    cache = project.cache_dir
    kinds = [kind for kind in KINDS if kind != "layout" or not args.no_layout]
    found = run_checks(project, kinds=kinds, online=args.online, cache_dir=cache, online_deadline=args.online_deadline)
    if args.strict:  # layout checks that could not run are an error when warnings fail the run
        found = [replace(d, severity="error") if d.code == SKIPPED else d for d in found]
    if args.quiet:
        found = [d for d in found if d.severity == "error"]
    if args.format == "json":
        sys.stdout.write(as_json(found))
    elif args.format == "junit":
        sys.stdout.write(as_junit(found, [shown(p) for p in session_files(project)], args.strict))
    else:
        sys.stdout.write(as_text(found))
    errors = sum(d.severity == "error" for d in found)
    warnings = sum(d.severity == "warning" for d in found)
    if args.format == "text" and not args.quiet:
        where = "" if args.online else " (external links not fetched; use --online)"
        if any(d.code == "link-not-checked" for d in found):
            deadline = args.online_deadline or project.options.online_deadline
            where = f" (the online check stopped at its deadline of {deadline:g} s; --online-deadline sets it)"
        print(f"{errors} error(s), {warnings} warning(s){where}", file=sys.stderr)
    return EXIT_ERRORS if errors or (args.strict and warnings) else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .project import shown
    from .server import ServeError, ServeOptions, exposed, serve

    project, _ = _load(args)
    if project is None:
        return EXIT_USAGE
    present = args.command == "present"
    follow = present or getattr(args, "follow", False)
    if args.max_followers != 500 and not follow:
        say(args, "--max-followers bounds follow mode: use it with --follow")
        return EXIT_USAGE
    host = args.host or ("0.0.0.0" if follow else "127.0.0.1")
    if exposed(host) and not follow:
        say(args, f"listening on {host}: the course is visible to the network", "warning")
    options = ServeOptions(project.slides_dir, Path(args.config) if args.config else project.config_path, host,
                           args.port, args.open, layout=not (present or getattr(args, "no_layout", False)), follow=follow,
                           reload=not present, max_followers=args.max_followers, offline=args.offline,
                           poll=getattr(args, "poll", False), hot=not getattr(args, "reload", False))

    def rebuilt(outcome) -> None:
        print_diagnostics(outcome.diagnostics, args.quiet)
        if not (outcome.pages or outcome.messages) or args.quiet:
            return
        what = "the course" if outcome.full else ", ".join(sorted({shown(p) for p in outcome.changed})) or "the course"
        failing = f"; failing: {', '.join(s or 'the course' for s in outcome.failed)}" if outcome.failed else ""
        print(f"rebuilt {what} in {outcome.seconds * 1000:.0f} ms{failing}", flush=True)

    def ready(url: str, outcome) -> None:
        print_diagnostics(outcome.diagnostics, args.quiet)
        failing = f" ({len(outcome.failed)} failing)" if outcome.failed else ""
        print(f"built the course in {outcome.seconds * 1000:.0f} ms{failing}; serving {url} (Ctrl-C to stop)", flush=True)

    flagged: set[str] = set()

    def layout_found(stem: str, lines: tuple[str, ...]) -> None:
        if args.quiet or (not lines and stem not in flagged):
            return
        for line in lines:
            print(line, file=sys.stderr)
        print(f"layout of {stem}: {len(lines) or 'no'} problem(s) on its slides", flush=True)
        (flagged.add if lines else flagged.discard)(stem)

    def layout_note(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    def following(followers: str, leader: str) -> None:
        from .followsite import qr_text

        print(f"the room follows at {followers}" + ("" if exposed(host) else " (this machine only: --host ADDRESS "
              "to let other devices in)"), flush=True)
        if not args.quiet:
            print(qr_text(followers), end="", flush=True)
        print(f"lead from {leader} (keep this address to yourself: it moves the room; q in presenter mode shows "
              "the room's QR code)", flush=True)

    try:
        serve(options, ready, rebuilt, layout_found, layout_note, following)
    except ServeError as failed:
        say(args, str(failed))
        return EXIT_USAGE
    if not args.quiet:
        print("stopped")
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    from .pdf import PdfError, find_chromium, make_pdfs, no_browser_reason
    from .publish import OutputError, unsafe_output

    if args.paper and not args.handout:
        say(args, "--paper is the handout's paper: use it with --handout "
            "(the slides print one a page at the deck's ratio)")
        return EXIT_USAGE

    project, problems = _load(args)
    if project is None:
        return EXIT_USAGE
    project = project.with_options(force=args.force, offline=True, offline_fetch=args.offline)
    unsafe = unsafe_output(project, Path(args.out))
    if unsafe:
        return _output_failed(args, unsafe)
    chromium = find_chromium()
    if chromium is None:
        say(args, no_browser_reason())
        return EXIT_ERRORS
    if problems:
        print_diagnostics(problems, args.quiet)
        return EXIT_ERRORS
    try:
        result = make_pdfs(project, Path(args.out), chromium, handout=args.handout, paper=args.paper or "a4")
    except PdfError as failed:
        say(args, str(failed))
        return EXIT_ERRORS
    except OutputError as failed:
        return _output_failed(args, failed)
    except OSError as failed:
        say(args, f"{args.out}: the PDF files could not be written: {failed.strerror or failed}")
        return EXIT_ERRORS
    print_diagnostics([*result.build.diagnostics, *result.missing], args.quiet)
    if not result.build.ok:
        print(f"pdf failed: {sum(d.severity == 'error' for d in result.build.diagnostics)} error(s); "
              "nothing was printed", file=sys.stderr)
        return EXIT_ERRORS
    if not args.quiet:
        print(f"wrote {len(result.written)} PDF file(s) into {args.out}/")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    import os
    import shlex

    from .new import StarterError, write_starter

    folder = Path(args.folder)
    try:
        written = write_starter(folder)
    except StarterError as refused:
        say(args, str(refused))
        return EXIT_USAGE
    except OSError as failed:
        say(args, f"cannot write the course into '{folder}': {failed.strerror or failed}")
        return EXIT_ERRORS
    print(f"wrote a starter course into {folder}/: {', '.join(p.as_posix() for p in written)}")
    here = folder.resolve() == Path(os.getcwd()).resolve()
    print("next: " + ("" if here else f"cd {shlex.quote(str(folder))} && ") + "podium serve")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from .sync import sync

    project, problems = _load(args)
    if project is None:
        return EXIT_USAGE
    if problems:
        print_diagnostics(problems, args.quiet)
        return EXIT_ERRORS
    changes, notes = sync(project, args.to, args.dry_run)
    print_diagnostics(notes, args.quiet)
    for change in changes:
        print(("would change " if args.dry_run else "") + change.what)
    if not args.quiet:
        done = "would change" if args.dry_run else "changed"
        print(f"{done} {len(changes)} file(s)" if changes else "the slides and the lab's files are equal")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"build": cmd_build, "serve": cmd_serve, "present": cmd_serve,
                                                            "check": cmd_check, "pdf": cmd_pdf, "sync": cmd_sync,
                                                            "new": cmd_new}


def main(argv: Sequence[str] | None = None, prog: str = "podium") -> int:
    """Run one command; returns the exit status. `prog` names the program in help and messages."""
    parser = make_parser(prog)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if not argv[0].startswith("-") and argv[0] not in COMMANDS:
        hint = did_you_mean(argv[0], COMMANDS) or f" (commands: {', '.join(COMMANDS)})"
        print(f"{prog}: error: unknown command '{argv[0]}'{hint}", file=sys.stderr)
        return EXIT_USAGE
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    args.prog = prog
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return EXIT_OK


def program_name(argv0: str) -> str:
    """`build.py` when run as `python build.py`, else `podium` (the console script)."""
    return "build.py" if Path(argv0).name == "build.py" else "podium"


def run(argv: Sequence[str] | None = None) -> None:
    """Process entry (`python build.py`, the `podium` script): run one command and exit with its status."""
    status = main(argv, program_name(sys.argv[0] if sys.argv else ""))
    gc.freeze()  # the process ends here: the collector need not walk every live object once more
    sys.exit(status)
