"""``jixiao excel …``: install, remove, inspect and bundle the Excel add-in (Windows; the
installer is imported only by these commands, so every other command starts without it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jixiao.cli_support import Failure, Group, emit
from jixiao.excel import WINDOWS_PYTHONS

if TYPE_CHECKING:
    from jixiao.excel.install_paths import Paths


@click.group(cls=Group)
def excel() -> None:
    """Excel 加载项：安装、卸载、查看状态（Windows，无需管理员权限）。"""


@contextmanager
def _installing() -> Iterator[None]:
    """The add-in's install errors as Chinese exit-2 errors (the installer is imported only by
    the ``excel`` commands: every other command starts without it)."""
    from jixiao.excel.install_paths import InstallError
    from jixiao.excel.oserrors import os_error_message

    try:
        yield
    except InstallError as exc:
        raise Failure(str(exc)) from exc
    except OSError as exc:  # what install/uninstall do not turn into InstallError themselves
        raise Failure(os_error_message(exc)) from exc


def _paths(profile_dir: Path | None) -> Paths:
    from jixiao.excel.install_paths import Paths
    from jixiao.excel.winpaths import this_desk

    if profile_dir:
        return Paths.under(profile_dir)
    return Paths.from_environment(desk=this_desk())


_PROFILE_DIR = click.option(
    "--profile-dir",
    metavar="文件夹",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="用户目录（默认 %USERPROFILE%；测试或为他人安装时指定）",
)


@excel.command("install")
@_PROFILE_DIR
@click.option(
    "--interpreter",
    metavar="文件",
    type=click.Path(path_type=Path),
    default=None,
    help="加载项使用的 Python（默认当前环境的 pythonw.exe）",
)
def excel_install(profile_dir: Path | None, interpreter: Path | None) -> None:
    """安装加载项到 XLSTART、写配置文件、复制模板；重复运行即更新。"""
    from jixiao.excel.install import install

    chosen = interpreter or Path(sys.executable).with_name("pythonw.exe")
    with _installing():
        done = install(_paths(profile_dir), chosen)
    for path in done.written:
        emit(f"已写入：{path}")
    for path in done.kept:
        emit(f"保留（安装后被修改过或不是 jixiao 写的，未覆盖）：{path}")
    for note in done.notes:
        emit(note)
    emit(f"模板在：{done.templates}")
    if done.excel is False:
        emit(_without_excel(done.templates))
    else:
        emit("完成。请重新打开 Excel：功能区会出现“绩效目标”选项卡。")


def _without_excel(templates: Path | None) -> str:
    """The end of an install on a desk without Microsoft Excel (only WPS, say): what works."""
    program = Path(sys.executable).with_name("jixiao.exe" if os.name == "nt" else "jixiao")
    return (
        "完成。注意：本机没有找到 Microsoft Excel。“绩效目标”选项卡、一键校验等按钮和 JX_ 函数"
        "只能在 Microsoft Excel 中使用，WPS 表格不会显示它们。"
        f"在 WPS 中照常可用的是模板自带的检查：打开“{templates}”中的模板填写，"
        "每行右侧直接显示问题。完整校验与汇总请用命令行，例如：\n"
        f'  "{program}" validate <文件或文件夹>\n'
        f'  "{program}" consolidate <文件夹>\n'
        "以后装上 Excel，重新打开它即可看到选项卡，无需重新安装。"
    )


@excel.command("uninstall")
@_PROFILE_DIR
def excel_uninstall(profile_dir: Path | None) -> None:
    """卸载：只删除安装时创建、且之后没有改动过的文件。"""
    from jixiao.excel.install import uninstall

    with _installing():
        done = uninstall(_paths(profile_dir))
    for path in done.removed:
        emit(f"已删除：{path}")
    for path in done.kept:
        emit(f"保留（安装后被修改过）：{path}")
    emit("已卸载 jixiao 加载项。")


@excel.command("status")
@_PROFILE_DIR
def excel_status(profile_dir: Path | None) -> None:
    """查看加载项安装状态。"""
    from jixiao.excel.install import status
    from jixiao.excel.winpaths import this_desk

    with _installing():
        found = status(_paths(profile_dir), this_desk())
    for key, value in found.items():
        emit(f"{key}：{value}")


@excel.command("bundle")
@click.option(
    "-o",
    "--output",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("jixiao-offline-win64.zip"),
    show_default=True,
    help="离线安装包（zip）",
)
@click.option(
    "--python",
    "python",
    type=click.Choice(WINDOWS_PYTHONS),
    default=WINDOWS_PYTHONS[0],
    show_default=True,
    help="目标电脑上 64 位 Python 的版本",
)
@click.option(
    "--source",
    metavar="文件夹",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="jixiao 源码文件夹（默认：本安装所在的源码）",
)
@click.option("--force", is_flag=True, help="覆盖已存在的离线安装包")
def excel_bundle(output: Path, python: str, source: Path | None, force: bool) -> None:
    """制作离线安装包：在联网电脑（Linux 也可）上收集 jixiao 及全部依赖的 Windows wheel。"""
    from jixiao.excel.bundle import BundleError, build_bundle
    from jixiao.service.refusals import check_outputs

    check_outputs([output], force=force)
    emit("正在构建 jixiao 并下载依赖（需要联网）……")
    try:
        wheels = build_bundle(output, python, source)
    except BundleError as exc:
        raise Failure(str(exc)) from exc
    emit(f"离线安装包：{output.resolve()}（{len(wheels)} 个 wheel，Python {python}，64 位）")
    emit(
        f"在没有网络的电脑上：解压，关闭 Excel，双击 install.cmd。需要 64 位 Python {python}"
        f"（可把 python.org 的 python-{python}.x-amd64.exe 放进解压后的文件夹，由安装程序装上）。"
    )
