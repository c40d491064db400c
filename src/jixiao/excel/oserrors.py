"""Operating-system errors of the Excel side (installing, a ribbon button) in Chinese.

Windows reports a file that Excel holds open as ``PermissionError`` with ``winerror`` 32
(sharing violation) or 33 (lock violation) when it is opened, but replacing or renaming it gives
``winerror`` 5 (access denied), as do a read-only file and a folder the user may not write.  The
clerk needs to know what to do: close Excel, or clear the read-only mark / pick another place
(the installer probes a target by opening it first, so a lock is named as such).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

WINERROR_ACCESS_DENIED = 5
WINERROR_SHARING_VIOLATION = 32
WINERROR_LOCK_VIOLATION = 33
WINERROR_DISK_FULL = 112

LOCKED = "正被其他程序使用（多半是 Excel 或 WPS 打开了它）：请保存工作、关闭 Excel/WPS 后重试"
READ_ONLY = "是只读的：请在文件属性中去掉“只读”，或换一个位置后重试"
DENIED = (
    "没有写入权限，或正被 Excel/WPS 使用：请关闭 Excel/WPS 后重试；"
    "仍不行时请换一个位置，或请管理员开放该文件夹的权限"
)

_REASONS = {
    errno.ENOSPC: "所在磁盘空间不足：请清理磁盘后重试",
    errno.EROFS: "所在磁盘是只读的：请换一个位置",
    errno.ENOENT: "不存在（可能已被移动或删除）",
    errno.EISDIR: "是一个文件夹，不是文件",
    errno.ENOTDIR: "的路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "的路径太长：请换一个较短的位置",
    errno.EEXIST: "已经存在",
}


def is_read_only(path: Path) -> bool:
    """The file (or, when it does not exist, its folder) carries no write permission/bit."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not mode & stat.S_IWRITE


def os_error_message(exc: OSError, path: Path | str | None = None) -> str:
    """``文件“C:\\…\\jixiao.xlam”正被其他程序使用……`` for any OSError."""
    target = path or exc.filename
    named = f"“{target}”" if target else ""
    what = "文件" if not target or not Path(target).is_dir() else "文件夹"
    winerror = getattr(exc, "winerror", None)
    if winerror in (WINERROR_SHARING_VIOLATION, WINERROR_LOCK_VIOLATION):
        reason = LOCKED
    elif isinstance(exc, PermissionError) or winerror == WINERROR_ACCESS_DENIED:
        reason = READ_ONLY if target and is_read_only(Path(target)) else DENIED
    elif winerror == WINERROR_DISK_FULL:
        reason = _REASONS[errno.ENOSPC]
    else:
        detail = exc.strerror or type(exc).__name__
        reason = _REASONS.get(exc.errno or 0, f"无法读写（{detail}）")
    return f"{what}{named}{reason}"
