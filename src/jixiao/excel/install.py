"""``jixiao excel install | uninstall | status``: put the add-in where Excel loads it.

What install does, without admin rights, idempotently, and all or nothing:
1. refuse while Excel or a Python process from jixiao's environment runs (they hold the files
   it replaces), naming them in Chinese;
2. prepare every file beside its target first: ``jixiao.xlam`` for the user's XLSTART folder
   (Excel opens it at every start; the "downloaded from the internet" mark is removed), the
   add-in's config ``%USERPROFILE%\\.jixiao\\jixiao.conf`` and fresh templates of every profile
   for ``<the real Documents folder>\\jixiao模板`` (a template the clerk changed since the last
   install is kept, not overwritten);
3. swap them in, keeping the old files until every swap worked; any OS error (a file Excel
   holds, a read-only file or folder, a full disk) puts the old files back and becomes
   :class:`InstallError` with a Chinese message: nothing half-installed, the manifest unchanged;
4. record what it created, with checksums, in ``.jixiao\\install.json``: uninstall removes
   exactly those files, and only while unchanged.  install.ps1 reads this record too, when
   jixiao's Python no longer runs (Python was uninstalled first): its ``files`` and ``sha256``
   are an interface, UTF-8 JSON, not a private detail;
5. say whether Microsoft Excel is installed at all (a desk with only WPS: the ribbon cannot
   appear there, the templates' own checks and the command line work).

The config file is read by the add-in's VBA runtime in the ANSI code page, so a path in it
(the interpreter) is written with environment variables where it lies under the profile, and
as its 8.3 short form where it is not ASCII (:mod:`jixiao.excel.winpaths`).

Its parts, one job a module: :mod:`jixiao.excel.install_paths` says where every file goes for
one Windows user (:class:`Paths`), :mod:`jixiao.excel.addin_config` writes the add-in's config
for its ANSI runtime, and :mod:`jixiao.excel.swap` swaps prepared files in all or nothing (and
cleans up after a killed install); this module decides what is installed, kept and removed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao import __version__
from jixiao.atomic import atomic_write
from jixiao.excel.addin_config import config_text, profile_note
from jixiao.excel.install_paths import ADDIN_NAME, InstallError, Paths
from jixiao.excel.oserrors import LOCKED, os_error_message
from jixiao.excel.swap import Swap, probe, recover_leftovers
from jixiao.excel.winpaths import Desk, Process, blockers, this_desk
from jixiao.service.actions import blank_template, template_targets

if TYPE_CHECKING:
    from openpyxl import Workbook


@dataclass(slots=True)
class Installed:
    """What install did."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Templates the clerk changed since the last install: left as they are."""
    templates: Path | None = None
    notes: list[str] = field(default_factory=list)
    """Warnings for the clerk (Chinese)."""
    excel: bool | None = None
    """Whether Microsoft Excel is installed (None: not asked, not on Windows)."""


def bundled_addin() -> Path:
    """The add-in shipped with this installation of jixiao."""
    item = resources.files("jixiao_addin").joinpath(ADDIN_NAME)
    path = Path(str(item))
    if not path.is_file():
        raise InstallError(
            f"安装包中缺少 {ADDIN_NAME}：请重新安装 jixiao，或先运行 python addin/build.py"
        )
    return path


def _unblock(path: Path) -> None:
    if os.name == "nt":  # the Zone.Identifier stream exists only on NTFS
        Path(f"{path}:Zone.Identifier").unlink(missing_ok=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- processes


def environments(paths: Paths, interpreter: Path | None = None) -> list[Path]:
    """jixiao's Python environments: install.ps1's venv, this one, the interpreter's."""
    found = [paths.venv, Path(sys.prefix)]
    if interpreter is not None:
        found.append(interpreter.parent.parent)  # <venv>\Scripts\pythonw.exe → <venv>
    return found


def running_message(found: list[Process]) -> str:
    """Which programs to close, in Chinese."""
    lines = ["请先关闭以下程序，再安装、升级或卸载 jixiao（它们占用着要替换的文件）："]
    for process in found:
        if process.name.lower() == "excel.exe":
            lines.append(f"  · Excel（{process.name}，进程号 {process.pid}）")
        else:
            lines.append(
                f"  · jixiao 的 Python（{process.name}，进程号 {process.pid}）："
                "Excel 的工作表函数服务，关闭 Excel 后会自行退出"
            )
    lines.append(
        "保存工作后关闭所有 Excel 窗口；若任务管理器中仍有上面的进程，结束它，然后重新运行。"
        "什么都还没有改动。"
    )
    return "\n".join(lines)


def check_not_running(desk: Desk | None, environments: list[Path]) -> None:
    """Refuse while Excel or a process from jixiao's environments runs."""
    if desk is None:
        return
    found = blockers(desk.processes(), environments, os.getpid())
    if found:
        raise InstallError(running_message(found))


# ---------------------------------------------------------------- install, all or nothing


def _targets(paths: Paths) -> list[Path]:
    """Every file install may write (the add-in, its configuration, the shipped templates)."""
    templates = [target for _, _, target in template_targets(paths.templates, None, True)]
    return [paths.addin, paths.config, *templates]


def install(
    paths: Paths,
    interpreter: Path,
    encoding: str | None = None,
    desk: Desk | None = None,
) -> Installed:
    """Install (or refresh) everything, all or nothing; see the module docstring."""
    desk = desk if desk is not None else this_desk()
    encoding = encoding or (desk.ansi_encoding() if desk else "utf-8")
    check_not_running(desk, environments(paths, interpreter))
    recover_leftovers(_targets(paths))
    source = bundled_addin()
    config = config_text(interpreter, paths, desk, encoding).encode(encoding)
    previous = _hashes(paths)
    result = Installed(templates=paths.templates, excel=desk.excel_installed() if desk else None)
    note = profile_note(paths, desk, encoding)
    if note:
        result.notes.append(note)
    swap = Swap()
    try:
        swap.stage(paths.addin, lambda staged: shutil.copyfile(source, staged))
        swap.stage(paths.config, lambda staged: staged.write_bytes(config))
        for layout, profile, target in template_targets(paths.templates, None, True):
            if target.is_file():
                digest = previous.get(str(target))
                if digest is None or (digest and digest != sha256(target)):
                    result.kept.append(target)  # not ours, or the clerk's work now
                    continue
            workbook = blank_template(layout, profile)  # openpyxl: only here
            swap.stage(target, functools.partial(_save_template, workbook))
        swap.commit()
        result.written = [target for target, _ in swap.staged]
        manifest = {  # read by install.ps1 too (Remove-Recorded): keep these keys
            "version": __version__,
            "files": [str(p) for p in result.written],
            "sha256": {str(p): sha256(p) for p in result.written},
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=1)
        atomic_write(paths.manifest, lambda temporary: _write_manifest(temporary, text))
    except OSError as exc:
        swap.roll_back()
        raise InstallError(f"安装未完成，已恢复原状：{os_error_message(exc)}") from exc
    except BaseException:
        swap.roll_back()
        raise
    swap.clean()
    _unblock(paths.addin)
    return result


def _save_template(workbook: Workbook, target: Path) -> None:
    from jixiao.template.build import save_workbook

    save_workbook(workbook, target)


def _write_manifest(temporary: Path, text: str) -> None:
    temporary.write_text(text, "utf-8")


def _hashes(paths: Paths) -> dict[str, str]:
    """{file: sha256} that the last install recorded (older manifests: files without hashes)."""
    try:
        data = json.loads(paths.manifest.read_text("utf-8"))
        hashes = data.get("sha256") or {}
        return {str(p): str(hashes.get(str(p), "")) or "" for p in data["files"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


# ---------------------------------------------------------------- uninstall, status


@dataclass(slots=True)
class Removed:
    """What uninstall did."""

    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Files install wrote that the clerk changed since: left in place."""


def uninstall(paths: Paths, desk: Desk | None = None) -> Removed:
    """Remove exactly what install created and nobody changed since (never a clerk's own
    files); refused while Excel runs, and checked before the first file goes."""
    desk = desk if desk is not None else this_desk()
    check_not_running(desk, environments(paths))
    recover_leftovers(_targets(paths))
    # No record: the two files every install writes (install.ps1's Remove-Recorded, which
    # uninstalls when this Python no longer runs, reads the same record and falls back alike).
    recorded = _hashes(paths) or {str(paths.addin): "", str(paths.config): ""}
    result = Removed()
    doomed = []
    for name, digest in recorded.items():
        path = Path(name)
        if not path.is_file():
            continue
        if not _installed_here(path, paths):
            result.kept.append(path)  # a record edited by hand: not a place install writes
            continue
        if digest and path != paths.addin and path != paths.config and sha256(path) != digest:
            result.kept.append(path)
            continue
        doomed.append(path)
    try:
        for path in doomed:
            probe(path)
        if paths.manifest.is_file():
            probe(paths.manifest)
        for path in [*doomed, paths.manifest]:
            if path.is_file():
                path.unlink()
                result.removed.append(path)
    except OSError as exc:
        gone = "；已删除的文件再次安装即可恢复" if result.removed else "；什么都没有删除"
        raise InstallError(f"卸载未完成：{os_error_message(exc)}{gone}") from exc
    folders = {p.parent for p in doomed} | {paths.templates, paths.config_dir}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()) and folder != paths.xlstart:
            folder.rmdir()
    return result


def _installed_here(path: Path, paths: Paths) -> bool:
    """Whether ``path`` is a file install may have written: directly in XLSTART, jixiao's own
    folder or the templates folder, and written as it is (no ``..``, nothing relative).  A
    review of install.ps1's fallback, which reads the same record, found an edited record could
    name any file (``.jixiao\\..\\Documents\\…``) and, with no hash or a matching one, have
    it deleted; both now refuse what lies elsewhere."""
    if not path.is_absolute() or Path(os.path.normpath(path)) != path or ".." in path.parts:
        return False
    return path.parent in (paths.xlstart, paths.config_dir, paths.templates)


EXCEL_STATES = {
    True: "已安装",
    False: "未找到（“绩效目标”选项卡需要 Microsoft Excel；WPS 中可用模板自带的检查和命令行）",
    None: "未检查（不是 Windows）",
}


def status(paths: Paths, desk: Desk | None = None) -> dict[str, str]:
    """What is installed where, for ``jixiao excel status`` (and whether Excel is there)."""
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
        "Microsoft Excel": EXCEL_STATES[desk.excel_installed() if desk else None],
    }


__all__ = ["LOCKED", "Installed", "Removed", "install", "uninstall"]
