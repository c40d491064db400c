"""``jixiao excel install | uninstall | status``: put the add-in where Excel loads it.

What install does, without admin rights and idempotently:
1. copy ``jixiao.xlam`` into the user's XLSTART folder (Excel opens it at every start) and
   remove the "downloaded from the internet" mark (Zone.Identifier) so Excel runs its macros;
2. write the add-in's config file ``%USERPROFILE%\\.jixiao\\jixiao.conf`` (read by the xlwings
   runtime inside the add-in): the interpreter and the UDF module.  Paths are written with
   environment variables (``%LOCALAPPDATA%\\…``) which the runtime expands: VBA reads this file
   in the ANSI code page, so a Chinese user name must not appear in it literally;
3. write fresh templates of every profile into ``文档\\jixiao模板``;
4. record what it created in ``.jixiao\\install.json``: uninstall removes exactly that.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PureWindowsPath

from jixiao import __version__
from jixiao.atomic import atomic_write
from jixiao.profiles import builtin_names
from jixiao.service.actions import TEMPLATE_NAME

ADDIN_NAME = "jixiao.xlam"
CONFIG_NAME = "jixiao.conf"
MANIFEST_NAME = "install.json"
TEMPLATE_FOLDER = "jixiao模板"
UDF_MODULE = "jixiao_udfs"
_EXPANDABLE = ("LOCALAPPDATA", "APPDATA", "USERPROFILE")


class InstallError(Exception):
    """Installation cannot proceed (message in Chinese, for the clerk)."""


@dataclass(frozen=True, slots=True)
class Paths:
    """Where things go for one Windows user (or under a fake profile folder in tests)."""

    profile: Path
    appdata: Path
    local_appdata: Path
    documents: Path

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> Paths:
        """The current Windows user's folders."""
        try:
            profile = Path(env["USERPROFILE"])
        except KeyError as exc:
            raise InstallError(
                "找不到用户目录（环境变量 USERPROFILE）：请在 Windows 上运行"
            ) from exc
        return cls(
            profile,
            Path(env.get("APPDATA", profile / "AppData" / "Roaming")),
            Path(env.get("LOCALAPPDATA", profile / "AppData" / "Local")),
            profile / "Documents",
        )

    @classmethod
    def under(cls, profile: Path) -> Paths:
        """The standard layout below one profile folder (used by tests and --profile-dir)."""
        return cls(
            profile,
            profile / "AppData" / "Roaming",
            profile / "AppData" / "Local",
            profile / "Documents",
        )

    @property
    def xlstart(self) -> Path:
        """Excel's per-user startup folder."""
        return self.appdata / "Microsoft" / "Excel" / "XLSTART"

    @property
    def addin(self) -> Path:
        """The installed add-in."""
        return self.xlstart / ADDIN_NAME

    @property
    def config_dir(self) -> Path:
        """``%USERPROFILE%\\.jixiao`` (PROJECT_NAME of the add-in's xlwings runtime)."""
        return self.profile / ".jixiao"

    @property
    def config(self) -> Path:
        """The add-in's config file."""
        return self.config_dir / CONFIG_NAME

    @property
    def manifest(self) -> Path:
        """What install created."""
        return self.config_dir / MANIFEST_NAME

    @property
    def templates(self) -> Path:
        """Fresh templates for the clerk."""
        return self.documents / TEMPLATE_FOLDER

    def variables(self) -> dict[str, Path]:
        """Environment variables the add-in runtime expands, and what they stand for."""
        return {
            "LOCALAPPDATA": self.local_appdata,
            "APPDATA": self.appdata,
            "USERPROFILE": self.profile,
        }


def bundled_addin() -> Path:
    """The add-in shipped with this installation of jixiao."""
    item = resources.files("jixiao_addin").joinpath(ADDIN_NAME)
    path = Path(str(item))
    if not path.is_file():
        raise InstallError(
            f"安装包中缺少 {ADDIN_NAME}：请重新安装 jixiao，或先运行 python addin/build.py"
        )
    return path


def with_variables(path: Path, paths: Paths) -> str:
    """``C:\\Users\\张三\\AppData\\Local\\jixiao\\…`` → ``%LOCALAPPDATA%\\jixiao\\…``."""
    text = str(PureWindowsPath(str(path)))  # str first: a PosixPath would lose the root
    for name in _EXPANDABLE:
        base = str(PureWindowsPath(str(paths.variables()[name])))
        if text.lower().startswith(base.lower() + "\\"):
            return f"%{name}%" + text[len(base) :]
    return text


def config_text(interpreter: Path, paths: Paths) -> str:
    """The config file: one ``"KEY","value"`` line per setting, as VBA's ``Input #`` reads it."""
    settings = {
        # A full path: the UDF server's DLL is only found beside this interpreter.
        "INTERPRETER_WIN": with_variables(interpreter, paths),
        "UDF MODULES": UDF_MODULE,
        # A stray .py file in a clerk's folder must not shadow jixiao's modules.
        "ADD_WORKBOOK_TO_PYTHONPATH": "false",
        "USE UDF SERVER": "True",
        "SHOW CONSOLE": "False",
    }
    return "".join(f'"{key}","{value}"\r\n' for key, value in settings.items())


def _write_config(text: str, target: Path, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise InstallError(
            "Python 安装路径含有系统编码无法表示的字符：请把 jixiao 安装到只含英文或中文字符的路径"
        ) from exc
    atomic_write(target, lambda temporary: temporary.write_bytes(data))


def _unblock(path: Path) -> None:
    if os.name == "nt":  # the Zone.Identifier stream exists only on NTFS
        Path(f"{path}:Zone.Identifier").unlink(missing_ok=True)


def install(paths: Paths, interpreter: Path, encoding: str | None = None) -> list[Path]:
    """Install (or refresh) everything; returns the files written."""
    encoding = encoding or ("mbcs" if os.name == "nt" else "utf-8")
    source = bundled_addin()
    paths.xlstart.mkdir(parents=True, exist_ok=True)
    atomic_write(paths.addin, lambda temporary: shutil.copyfile(source, temporary))
    _unblock(paths.addin)
    _write_config(config_text(interpreter, paths), paths.config, encoding)
    written = [paths.addin, paths.config]
    from jixiao.template.build import build_template, save_workbook  # openpyxl: only here

    for profile in builtin_names():
        target = paths.templates / TEMPLATE_NAME.format(profile=profile)
        save_workbook(build_template(profile), target)
        written.append(target)
    manifest = {"version": __version__, "files": [str(p) for p in written]}
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    atomic_write(paths.manifest, lambda temporary: temporary.write_text(text, "utf-8"))
    return written


def uninstall(paths: Paths) -> list[Path]:
    """Remove exactly what install created (never a clerk's own files); returns what went."""
    removed = []
    recorded = _recorded(paths) or [paths.addin, paths.config]
    for path in [*recorded, paths.manifest]:
        if path.is_file():
            path.unlink()
            removed.append(path)
    for folder in (paths.templates, paths.config_dir):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _recorded(paths: Paths) -> list[Path]:
    try:
        data = json.loads(paths.manifest.read_text("utf-8"))
        return [Path(p) for p in data["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def status(paths: Paths) -> dict[str, str]:
    """What is installed where, for ``jixiao excel status``."""
    try:
        manifest = json.loads(paths.manifest.read_text("utf-8"))
        version = str(manifest.get("version", "?"))
    except (OSError, ValueError):
        version = "未安装"
    return {
        "加载项": f"{paths.addin}（{'已安装' if paths.addin.is_file() else '未安装'}）",
        "配置文件": f"{paths.config}（{'存在' if paths.config.is_file() else '不存在'}）",
        "模板文件夹": str(paths.templates),
        "安装版本": version,
        "当前版本": __version__,
    }
