"""Which files a run reads: the paths given, folders searched recursively, each file once.

Files are taken as given; folders are walked in a stable order, keeping what a folder scan
reads (:func:`jixiao.filekinds.in_folder_scan`) and reporting folders that cannot be opened
rather than passing over them.  A file reached twice (named and inside a named folder, or
through a link) is read once.  :func:`not_a_regular_file` says why a path cannot be opened as a
file, without opening it (a pipe would block).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from jixiao.filekinds import in_folder_scan
from jixiao.textfiles import read_error_reason


def find_submissions(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively, in a stable order.  A file reached twice
    (named and inside a named folder, or through a link) is read once."""
    seen: set[str] = set()
    for path in paths:
        found = sorted(_scan(path)) if _is_folder(path) else [path]
        for file in found:
            key = identity(file)
            if key not in seen:
                seen.add(key)
                yield file


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _scan(folder: Path) -> Iterator[Path]:
    """Every file a folder scan reads under ``folder`` (links to folders are not followed), and
    every folder under it that cannot be opened: reported as unreadable, never passed over in
    silence (``Path.rglob`` skips them: a sub-unit's workbooks would vanish from the summary)."""
    unreadable: list[OSError] = []
    for root, _, files in os.walk(folder, onerror=unreadable.append):
        for name in files:
            path = Path(root, name)
            if in_folder_scan(path):
                yield path  # links that lead nowhere and pipes too: they are reported, not skipped
    for error in unreadable:
        if error.filename and not _system_folder(Path(error.filename).name):
            yield Path(error.filename)


def _system_folder(name: str) -> bool:
    """A folder the system keeps on a drive (``System Volume Information``, ``$RECYCLE.BIN``,
    ``.Trash-1000``): no account may open it, and no clerk puts submissions there."""
    return name.startswith((".", "$")) or name == "System Volume Information"


def identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a link loop
        return str(path.absolute())


def not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be opened as a file (without opening it: a pipe would block)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "链接指向的文件不存在" if path.is_symlink() else "文件不存在"
    except OSError as exc:
        return read_error_reason(exc)
    if stat.S_ISDIR(mode):
        try:
            os.scandir(path).close()
        except OSError as exc:
            return f"无法打开这个文件夹，其中的文件都没有读取：{read_error_reason(exc)}"
        return "这是一个文件夹"
    if not stat.S_ISREG(mode):
        return "不是普通文件（管道、设备或套接字），不会打开"
    return None
