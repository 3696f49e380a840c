"""Publishing a folder whole (the site, the PDFs): swapped in at once, never over what is not ours.

`publish(out, fill)` fills a fresh folder and swaps it in for `out` once everything is written. It
replaces only what Podium made: a folder holding the marker file SITE_MARKER (every folder it
publishes gets one), an empty folder, or nothing; another folder only with `force` (`--force`), and
never a file, the course or a folder around it (`unsafe_output`). An `out` that is a symbolic link
stays one: the folder it points to is the one replaced.

The work happens in one place beside the real output folder, on its file system: `.NAME.podium/`
holds a lock (one publisher at a time), `new/` (the folder being filled) and `old/`. On Linux the
swap is one renameat2(RENAME_EXCHANGE) of `new/` and the output folder, so a reader finds the old
folder or the new one at every instant; elsewhere it is two renames, and a publisher killed between
them leaves the old folder in `old/`, which the next one puts back first. The next publisher also
removes whatever a killed one left, and the place itself once it is done.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .project import Project

log = logging.getLogger(__name__)

SITE_MARKER = ".podium-site"
"""Empty file in the root of every folder Podium publishes: the next publish may replace that folder."""
WORK = ".{name}.podium"
"""The folder beside the output (named after it) where publishing works."""
LOCK, NEW, OLD = "lock", "new", "old"
"""In the work folder: the lock file, the folder being filled, the folder on its way out."""
LOCK_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
NO_EXCHANGE = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP})
"""renameat2 errors that mean "no exchange on this system or file system": two renames instead."""

MOVE_HINT = (" (the folder is swapped whole, so it cannot be a mount point: publish into a folder inside it"
             " instead)")
"""What a swap that the system refuses (EBUSY, EXDEV) most likely means."""

Guard = tuple[str, Path]
"""A folder the output must keep clear of, with the words messages name it by."""


class OutputError(Exception):
    """The output cannot be published to. `refused`: it is the wrong place (a usage error; nothing
    was tried); else writing failed and nothing was changed there."""

    def __init__(self, path: Path | str, reason: str, refused: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.refused = refused


def guards(project: Project) -> tuple[tuple[Guard, ...], tuple[Guard, ...]]:
    """The folders a project's output may not be or contain (`keep`), and those it may not lie in
    (`within`): the slides folder (unless it is the course's folder itself, as for a remark course
    kept in its own folder, or the working folder: `--slides .`), and Podium's templates and static files."""
    slides, root, here = project.slides_dir.resolve(), project.root.resolve(), Path.cwd().resolve()
    package = (("Podium's templates", project.templates_dir.resolve()),
               ("Podium's static files", project.static_dir.resolve()))
    keep = (("the slides folder", slides), ("the course folder", root), ("the working folder", here), *package)
    within = ((("the slides folder", slides),) if slides not in (root, here) else ()) + package
    return keep, within


def refusal(out: Path, force: bool = False, keep: Sequence[Guard] = (),
            within: Sequence[Guard] = ()) -> OutputError | None:
    """Why publishing to `out` could destroy or mix up something, or None when it may go ahead.

    Refused whatever `force` says: a file, a path through a file, a symbolic link to a place whose
    folder does not exist, one of `keep` or a folder around one, a folder inside one of `within`.
    A non-empty folder without SITE_MARKER is refused unless `force`."""
    try:
        return _refusal(out, force, keep, within)
    except OSError as error:  # a name too long, a folder that cannot be looked into
        return OutputError(out, f"cannot be used: {error.strerror or error}; choose another --out", refused=True)


def _refusal(out: Path, force: bool, keep: Sequence[Guard], within: Sequence[Guard]) -> OutputError | None:
    def refused(reason: str) -> OutputError:
        return OutputError(out, reason, refused=True)

    try:
        real = out.resolve()
    except (OSError, RuntimeError):
        return refused("a loop of symbolic links; choose another --out")
    link = f"(a symbolic link to {real}) " if out.is_symlink() else ""
    for name, folder in keep:
        if real == folder or folder.is_relative_to(real):
            return refused(f"{link}{'is' if real == folder else 'contains'} {name} ({folder}); choose another --out")
    for name, folder in within:
        if real.is_relative_to(folder):
            return refused(f"{link}is inside {name} ({folder}); choose another --out")
    first = next(part for part in (out, *out.parents) if os.path.lexists(part))
    if first != out and first.is_symlink() and not first.exists():
        return refused(f"{first} is a symbolic link to {first.resolve()}, which does not exist; "
                       "make it, or choose another --out")
    if out.is_symlink() and not real.parent.is_dir():
        return refused(f"is a symbolic link to {real}, whose folder {real.parent} does not exist; "
                       "make it, or choose another --out")
    for part in (real, *real.parents):
        if not os.path.lexists(part):
            continue
        if part.is_dir():
            break
        if part == real:
            return refused(f"{link}is a file, not a folder; Podium replaces only a folder it made: "
                           "choose another --out")
        return refused(f"{part} is a file, not a folder; choose another --out")
    if not real.is_dir() or force:
        return None
    try:
        empty = not _holds(real)
    except OSError as error:
        return OutputError(out, f"cannot be read: {error.strerror or error}")
    if not empty and not (real / SITE_MARKER).is_file():
        return refused(f"{link}is not a site built by Podium (no {SITE_MARKER} in it) and it is not empty; "
                       "choose another --out, or add --force to replace it and everything in it")
    return None


def unsafe_output(project: Project, out: Path | None = None) -> OutputError | None:
    """Why publishing the project to its output folder (or to `out`) is refused, or None."""
    keep, within = guards(project)
    return refusal(project.out_dir if out is None else out, project.force, keep, within)


def publish_site(project: Project, fill: Callable[[Path], None], out: Path | None = None,
                 what: str = "the site", carry: bool = False) -> None:
    """`publish` into the project's output folder (or `out`), under the project's guards."""
    keep, within = guards(project)
    publish(project.out_dir if out is None else out, fill, what=what, force=project.force, keep=keep,
            within=within, carry=carry)


def publish(out: Path, fill: Callable[[Path], None], *, what: str = "the folder", force: bool = False,
            keep: Sequence[Guard] = (), within: Sequence[Guard] = (), carry: bool = False) -> None:
    """Fill a fresh folder, then swap it in for `out`; on any failure `out` stays as it was.

    `fill(folder)` writes everything into `folder`. Publishing is refused as `refusal` says (checked
    again under the lock, just before the swap). With `carry`, what the old folder holds that the
    new one does not is kept (the PDFs of another kind beside this run's). Raises OutputError."""
    def check() -> Path:
        problem = refusal(out, force, keep, within)
        if problem is not None:
            raise problem
        return out.resolve()

    real = check()
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        with _workplace(out, real) as work:
            check()
            staging = work / NEW
            staging.mkdir()
            staging.chmod(0o755)
            fill(staging)
            if carry and real.is_dir():
                _carry(real, staging)
            (staging / SITE_MARKER).touch()
            _swap(staging, check(), work)
    except OSError as error:
        hint = MOVE_HINT if error.errno in (errno.EBUSY, errno.EXDEV) else ""
        raise OutputError(out, f"{what} could not be written: {error.strerror or error}"
                          f"{_where(error, out, real)}{hint}; nothing was changed there") from None


def _where(error: OSError, out: Path, real: Path) -> str:
    """` (PATH)`: the file an error is about, as the output will have it; nothing when that is the
    output itself or the work folder."""
    if not error.filename:
        return ""
    path = Path(os.fsdecode(error.filename))
    work = real.parent / WORK.format(name=real.name)
    if path.is_relative_to(work / NEW):
        path = out / path.relative_to(work / NEW)
    return "" if path in (out, real) or path.is_relative_to(work) else f" ({path})"


def _carry(old: Path, new: Path) -> None:
    """Hard links (copies where linking fails) in `new` to what `old` has and `new` has not."""
    def link(source: str, target: str) -> None:
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, target, follow_symlinks=False)

    with os.scandir(old) as entries:
        for entry in entries:
            target = new / entry.name
            if entry.name == SITE_MARKER or os.path.lexists(target):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, target, symlinks=True, copy_function=link)
            else:
                link(entry.path, str(target))


@contextlib.contextmanager
def _workplace(out: Path, real: Path) -> Iterator[Path]:
    """The work folder beside `real`, locked, with what a killed publisher left put back or removed;
    removed again at the end."""
    work = real.parent / WORK.format(name=real.name)
    fd = _lock(out, work)
    try:
        _recover(work, real)
        _clear(work)
        yield work
    finally:
        try:
            _recover(work, real)
            _clear(work)
            os.unlink(work / LOCK)
            os.rmdir(work)
        except OSError:  # something else in it, or not removable: the next publisher tidies up
            log.debug("could not remove %s", work, exc_info=True)
        finally:
            os.close(fd)


def _lock(out: Path, work: Path) -> int:
    """Make `work` (or take it over from a killed publisher) and hold the lock in it: its descriptor.
    A lock file removed by the publisher before (it removes its work folder) is not the lock: retry."""
    tries = 0
    while True:
        with contextlib.suppress(FileExistsError):
            os.mkdir(work, 0o755)
        try:
            if not stat.S_ISDIR(os.lstat(work).st_mode) or (not os.path.lexists(work / LOCK) and _holds(work)):
                tries += 1
                if tries < 50 and stat.S_ISDIR(os.lstat(work).st_mode):  # another publisher may be tidying it
                    import time

                    time.sleep(0.02)
                    continue
                raise OutputError(out, f"{work} is in the way: Podium works there while it publishes; "
                                  "remove it, or choose another --out", refused=True)
            fd = os.open(work / LOCK, LOCK_FLAGS, 0o644)
        except FileNotFoundError:  # the publisher before has just removed it
            continue
        try:
            _flock(fd, out)
            if os.path.samestat(os.fstat(fd), os.stat(work / LOCK, follow_symlinks=False)):
                return fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _holds(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is not None


def _flock(fd: int, out: Path) -> None:
    try:
        import fcntl
    except ImportError:  # not a POSIX system: one publisher at a time is up to the user
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log.warning("another Podium is publishing into %s: waiting for it to finish", out)
        fcntl.flock(fd, fcntl.LOCK_EX)


def _recover(work: Path, real: Path) -> None:
    """Put the old folder back when a publisher was killed between the two renames of a swap."""
    old = work / OLD
    if not os.path.lexists(real) and old.is_dir():
        os.rename(old, real)
        log.info("put back %s, left aside by a publish that was stopped", real)


def _clear(work: Path) -> None:
    """Remove everything in the work folder but the lock."""
    with os.scandir(work) as entries:
        for entry in entries:
            if entry.name == LOCK:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _swap(staging: Path, real: Path, work: Path) -> None:
    """`staging` becomes `real`; the folder that was there ends in the work folder."""
    if not os.path.lexists(real):
        os.rename(staging, real)
        return
    try:
        exchange(staging, real)
        return
    except OSError as error:
        if error.errno not in NO_EXCHANGE:
            raise
    old = work / OLD
    os.rename(real, old)
    try:
        os.rename(staging, real)
    except BaseException:
        os.rename(old, real)
        raise


def exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); OSError ENOSYS where there is none."""
    function = _renameat2()
    if function is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        import ctypes

        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number), str(a), None, str(b))


@functools.lru_cache(maxsize=1)
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function
