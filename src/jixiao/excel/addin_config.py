"""The add-in's config file (``%USERPROFILE%\\.jixiao\\jixiao.conf``), written for its VBA
runtime, which reads it in the ANSI code page: a path in it is written with environment
variables where it lies under the profile, and as its 8.3 short form where it is not ASCII
(:mod:`jixiao.excel.winpaths`); a profile the runtime may not find is warned about."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

from jixiao.excel.install_paths import InstallError, Paths
from jixiao.excel.winpaths import Desk

UDF_MODULE = "jixiao_udfs"
_EXPANDABLE = ("LOCALAPPDATA", "APPDATA", "USERPROFILE")


def windows_text(path: Path) -> str:
    """A path as Windows writes it (str first: a PosixPath would lose the root)."""
    return str(PureWindowsPath(str(path)))


def with_variables(path: Path, paths: Paths) -> str:
    """``C:\\Users\\张三\\AppData\\Local\\jixiao\\…`` → ``%LOCALAPPDATA%\\jixiao\\…``."""
    text = windows_text(path)
    for name in _EXPANDABLE:
        base = windows_text(paths.variables()[name])
        if text.lower().startswith(base.lower() + "\\"):
            return f"%{name}%" + text[len(base) :]
    return text


def config_path(path: Path, paths: Paths, desk: Desk | None, encoding: str) -> str:
    """How a path is written into the config so that the ANSI runtime finds it: with variables
    where it is ASCII (``%LOCALAPPDATA%\\…``); else its 8.3 short form; else, where this PC's
    code page can spell it, with variables again; else refused."""
    written = with_variables(path, paths)
    full = windows_text(path)
    if full.isascii():
        return written
    short = desk.short_path(path) if desk else None
    if short and short.isascii():
        return short
    try:
        full.encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise InstallError(
            f"路径“{full}”含有本机系统编码（{encoding}）无法表示的字符，"
            "且所在磁盘没有 8.3 短文件名，Excel 加载项找不到它："
            "请把 Python 装到只含英文字母和数字的文件夹（如 C:\\Python311），"
            "然后重新运行 install.cmd"
        ) from exc
    return written


def config_text(
    interpreter: Path, paths: Paths, desk: Desk | None = None, encoding: str = "utf-8"
) -> str:
    """The config file: one ``"KEY","value"`` line per setting, as VBA's ``Input #`` reads it."""
    settings = {
        # A full path: the UDF server's DLL is only found beside this interpreter.
        "INTERPRETER_WIN": config_path(interpreter, paths, desk, encoding),
        "UDF MODULES": UDF_MODULE,
        # A stray .py file in a clerk's folder must not shadow jixiao's modules.
        "ADD_WORKBOOK_TO_PYTHONPATH": "false",
        "USE UDF SERVER": "True",
        "SHOW CONSOLE": "False",
    }
    return "".join(f'"{key}","{value}"\r\n' for key, value in settings.items())


def profile_note(paths: Paths, desk: Desk | None, encoding: str) -> str | None:
    """A warning when the add-in may not find its own config folder on this PC: the profile
    path is neither ASCII nor has a short form nor fits the code page (VBA file calls are ANSI)."""
    full = windows_text(paths.profile)
    short = desk.short_path(paths.profile) if desk else None
    if full.isascii() or (short and short.isascii()):
        return None
    try:
        full.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return (
            f"注意：用户文件夹“{full}”的名称超出本机系统编码（{encoding}），且没有 8.3 短文件名，"
            "加载项可能读不到配置。若“绩效目标”按钮提示 Python 无法启动，请在“区域 › 管理 › "
            "非 Unicode 程序的语言”中选择“中文(简体，中国)”，或请管理员开启该磁盘的 8.3 短文件名。"
        )
    return None
