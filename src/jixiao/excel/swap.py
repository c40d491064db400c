"""Files prepared beside their targets and swapped in together or not at all (:class:`Swap`),
what an install killed mid-way left beside them (:func:`recover_leftovers`), and the probe that
finds a file Excel holds before anything is renamed."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.atomic import TEMPORARY_PREFIX

_replace: Callable[[Path, Path], None] = os.replace
"""The one call that swaps files in (a seam: the tests make it fail as a locked file would)."""


@dataclass(slots=True)
class Swap:
    """Files prepared beside their targets, swapped in together or not at all."""

    staged: list[tuple[Path, Path]] = field(default_factory=list)
    done: list[tuple[Path, Path | None]] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)

    def folder(self, folder: Path) -> None:
        """Create a folder (and remember the ones created, to remove them on failure)."""
        missing = []
        current = folder
        while not current.exists() and current.parent != current:
            missing.append(current)
            current = current.parent
        folder.mkdir(parents=True, exist_ok=True)
        self.created.extend(reversed(missing))

    def stage(self, target: Path, write: Callable[[Path], object]) -> None:
        self.folder(target.parent)
        staged = target.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-new-{target.name}")
        self.staged.append((target, staged))
        write(staged)

    def commit(self) -> None:
        for target, staged in self.staged:
            backup = None
            if target.exists():
                probe(target)
                backup = target.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-old-{target.name}")
                _replace(target, backup)
            try:
                _replace(staged, target)
            except OSError:
                if backup is not None:
                    _replace(backup, target)
                raise
            self.done.append((target, backup))

    def roll_back(self) -> None:
        for target, backup in reversed(self.done):
            try:
                if backup is not None:
                    _replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                pass  # cannot happen short of the disk failing; the next install repairs it
        self.done.clear()
        self.clean()
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def clean(self) -> None:
        for _, staged in self.staged:
            staged.unlink(missing_ok=True)
        for _, backup in self.done:
            if backup is not None:
                backup.unlink(missing_ok=True)


def recover_leftovers(targets: list[Path]) -> list[Path]:
    """Undo what an install killed mid-way left beside ``targets`` (console closed, power cut):
    a staged ``.~jixiao-<pid>-new-jixiao.xlam`` in XLSTART would be opened by Excel as a
    second copy of the add-in, so staged files of other runs are deleted; a ``-old-`` backup
    is put back when its target is missing (the swap stopped between the two renames: it is
    the only copy), else deleted.  Runs before install and uninstall, which Excel's absence
    already serialises; returns the files deleted or restored."""
    ours = f"{TEMPORARY_PREFIX}{os.getpid()}-"
    handled = []
    for target in targets:
        for kind in ("new", "old"):
            pattern = f"{TEMPORARY_PREFIX}*-{kind}-{target.name}"
            for left in sorted(target.parent.glob(pattern)) if target.parent.is_dir() else []:
                if left.name.startswith(ours):
                    continue
                with contextlib.suppress(OSError):
                    if kind == "old" and not target.exists():
                        _replace(left, target)
                    else:
                        left.unlink()
                    handled.append(left)
    return handled


def probe(target: Path) -> None:
    """Open an existing target for writing: a file Excel holds fails here with a sharing
    violation (renaming it would only say "access denied")."""
    with open(target, "r+b"):
        pass
