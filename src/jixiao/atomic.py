"""Write output files atomically: a temporary file beside the target, then one rename.

A crash or a full disk leaves the previous file intact, never a half-written one.  Temporary
files carry the writing process's id (``.~jixiao-<pid>-…``); one left by a run that was killed
is removed by the next write into that folder.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary_path)``, then move the result over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent)
    prefix = f"{TEMPORARY_PREFIX}{os.getpid()}-"
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; outputs are not
        _replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _replace(temporary: Path, path: Path) -> None:
    """Move the finished file over ``path``; a failure names ``path`` (the file the clerk has
    open in Excel and must close), not the temporary file nobody has heard of."""
    try:
        os.replace(temporary, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


TEMPORARY_PREFIX = ".~jixiao-"
STALE_AFTER = 12 * 3600
"""Where a process cannot be asked whether it lives (Windows), an older temporary file is stale."""


def remove_stale(folder: Path) -> list[Path]:
    """Delete temporary files of jixiao runs that ended without cleaning up; return them."""
    removed = []
    for candidate in folder.glob(f"{TEMPORARY_PREFIX}*"):
        if _stale(candidate):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _stale(path: Path) -> bool:
    pid_text = path.name.removeprefix(TEMPORARY_PREFIX).split("-", 1)[0]
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    if os.name == "nt" or not pid_text.isdigit():
        return age > STALE_AFTER  # os.kill would end a Windows process, not probe it
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write(path, lambda temporary: temporary.write_text(text, "utf-8"))
