"""``jixiao excel bundle``: everything a PC without network needs, in one zip.

Run on any connected machine (Linux included)::

    jixiao excel bundle -o jixiao-offline-win64.zip [--python 3.11|3.12|3.13|3.14]

The zip holds one folder ``jixiao-offline-win64/`` with ``install.cmd``, ``uninstall.cmd``,
``install.ps1``, a Chinese ``README-jixiao.txt`` and ``wheels/``: a wheel of jixiao built here
from its source folder, and the win_amd64 wheels of every dependency for that Python.  On the PC,
install.ps1 sees its ``wheels`` folder and installs with ``pip --no-index --find-links``.

pip cannot do all of this alone: ``pip download --platform win_amd64`` picks Windows wheels but
evaluates environment markers for the machine it runs on, so ``pywin32; platform_system ==
"Windows"`` (xlwings' COM layer) would be left out on Linux.  The bundle is therefore completed
and checked here: every requirement of every wheel, its markers evaluated for 64-bit Windows and
the chosen Python, must be met by a wheel in the bundle whose tags that Python accepts.
"""

from __future__ import annotations

import email.parser
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.excel import WINDOWS_PYTHONS

_PACKAGING = "packaging" if importlib.util.find_spec("packaging") else "pip._vendor.packaging"
"""PyPA's packaging (pip always carries a copy): markers, requirements and wheel tags."""
_requirements = importlib.import_module(f"{_PACKAGING}.requirements")
_specifiers = importlib.import_module(f"{_PACKAGING}.specifiers")
_tags = importlib.import_module(f"{_PACKAGING}.tags")
_utils = importlib.import_module(f"{_PACKAGING}.utils")
Requirement = _requirements.Requirement
SpecifierSet = _specifiers.SpecifierSet
canonicalize_name = _utils.canonicalize_name
Tag = Any

PYTHONS = WINDOWS_PYTHONS
PLATFORM = "win_amd64"
FOLDER = "jixiao-offline-win64"
SCRIPTS = ("install.cmd", "uninstall.cmd", "install.ps1")
SOURCE_PARTS = ("pyproject.toml", "README.md", "src", "udfs", "addin")
"""What building jixiao's wheel reads from the source folder (copied, so the build leaves
nothing in the source tree)."""
ROUNDS = 6

Run = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


class BundleError(Exception):
    """The bundle cannot be made (Chinese, for whoever makes it)."""


@dataclass(frozen=True, slots=True)
class Wheel:
    """A wheel file of the bundle and what it asks for."""

    path: Path
    name: str
    version: str
    tags: frozenset[Tag]
    requires: tuple[str, ...]
    requires_python: str | None

    @classmethod
    def read(cls, path: Path) -> Wheel:
        name, version, _, tags = _utils.parse_wheel_filename(path.name)
        with zipfile.ZipFile(path) as archive:
            metadata_name = next(
                n
                for n in archive.namelist()
                if n.endswith(".dist-info/METADATA") and n.count("/") == 1
            )
            metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
        return cls(
            path,
            str(name),
            str(version),
            frozenset(tags),
            tuple(metadata.get_all("Requires-Dist") or ()),
            metadata.get("Requires-Python"),
        )


def windows_environment(python: str) -> dict[str, str]:
    """Marker variables of 64-bit CPython ``python`` on Windows 10/11."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "os_name": "nt",
        "platform_machine": PLATFORM.removeprefix("win_").upper(),  # AMD64
        "platform_python_implementation": "CPython",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "10.0.19045",
        "python_full_version": f"{python}.0",
        "python_version": python,
        "sys_platform": "win32",
        "extra": "",
    }


def supported_tags(python: str) -> frozenset[Tag]:
    """The wheel tags 64-bit CPython ``python`` on Windows installs."""
    version = tuple(int(part) for part in python.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    return frozenset(_tags.cpython_tags(version, platforms=[PLATFORM])) | frozenset(
        _tags.compatible_tags(version, interpreter, platforms=[PLATFORM])
    )


def _applies(marker: Any, environment: dict[str, str], extras: frozenset[str]) -> bool:
    if marker is None:
        return True
    return any(marker.evaluate({**environment, "extra": extra}) for extra in {"", *extras})


def unusable(wheel: Wheel, python: str) -> str:
    return f"{wheel.path.name}：不是 Python {python} 64 位 Windows 能用的 wheel"


def problems(folder: Path, python: str, root: str = "jixiao") -> tuple[list[str], list[str]]:
    """(missing requirements, other problems) of the wheels in ``folder`` for ``python`` on
    64-bit Windows, walking the requirements from ``root``."""
    wheels = [Wheel.read(path) for path in sorted(folder.glob("*.whl"))]
    by_name: dict[str, list[Wheel]] = {}
    for wheel in wheels:
        by_name.setdefault(canonicalize_name(wheel.name), []).append(wheel)
    environment = windows_environment(python)
    tags = supported_tags(python)
    missing: list[str] = []
    wrong: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [(canonicalize_name(root), frozenset[str]())]
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        candidates = [w for w in by_name.get(name, []) if w.tags & tags]
        if not candidates:
            wrong += [unusable(w, python) for w in by_name.get(name, [])]
            if name not in by_name:
                missing.append(name)
            continue
        wheel = max(candidates, key=lambda w: w.version)
        if wheel.requires_python and not SpecifierSet(wheel.requires_python).contains(
            f"{python}.0", prereleases=True
        ):
            wrong.append(f"{wheel.path.name}：要求 Python {wheel.requires_python}")
        for text in wheel.requires:
            requirement = Requirement(text)
            if not _applies(requirement.marker, environment, extras):
                continue
            required = canonicalize_name(requirement.name)
            found = [w for w in by_name.get(required, []) if w.tags & tags]
            if found and not any(
                requirement.specifier.contains(w.version, prereleases=True) for w in found
            ):
                wrong.append(f"{wheel.name} 需要 {requirement}，离线包中是 {found[0].version}")
                continue
            if not found:
                missing.append(str(Requirement(text.split(";", 1)[0])))
                for unusable in by_name.get(required, []):
                    wrong.append(
                        f"{unusable.path.name}：不是 Python {python} 64 位 Windows 能用的 wheel"
                    )
                continue
            queue.append((required, frozenset(requirement.extras)))
    return sorted(set(missing)), wrong


def source_root() -> Path | None:
    """The jixiao source folder this installation runs from (an editable install), if any."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        project = folder / "pyproject.toml"
        if project.is_file() and 'name = "jixiao"' in project.read_text("utf-8"):
            return folder
    return None


def _pip(arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )


def _checked(run: Run, arguments: Sequence[str], what: str) -> None:
    done = run(arguments)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-6:])
        raise BundleError(f"{what}失败（网络、pip 镜像，或没有 Windows 版的 wheel）：\n{tail}")


def target_options(python: str) -> list[str]:
    """pip's options for wheels of 64-bit CPython ``python`` on Windows, binaries only."""
    return [
        "--only-binary=:all:",
        "--platform",
        PLATFORM,
        "--python-version",
        python,
        "--implementation",
        "cp",
    ]


def collect_wheels(source: Path, wheels: Path, python: str, run: Run = _pip) -> list[Path]:
    """Build jixiao's wheel from ``source`` and download every dependency's Windows wheel."""
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-source-") as copy:
        for part in SOURCE_PARTS:
            origin = source / part
            if origin.is_dir():
                shutil.copytree(
                    origin,
                    Path(copy) / part,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".~jixiao-*"),
                )
            elif origin.is_file():
                shutil.copy2(origin, Path(copy) / part)
            else:
                raise BundleError(
                    f"源码文件夹“{source}”中缺少 {part}：请用 --source 指定 jixiao 源码"
                )
        _checked(
            run, ["wheel", "--no-deps", "--quiet", "-w", str(wheels), copy], "构建 jixiao 的 wheel "
        )
    (own,) = sorted(wheels.glob("jixiao-*.whl"))
    options = [*target_options(python), "--quiet", "-d", str(wheels)]
    _checked(run, ["download", *options, str(own)], "下载依赖 ")
    for _ in range(ROUNDS):
        missing, _ = problems(wheels, python)
        if not missing:
            break
        _checked(run, ["download", *options, *missing], "下载 Windows 专用的依赖 ")
    missing, wrong = problems(wheels, python)
    if missing or wrong:
        raise BundleError("离线包不完整：" + "；".join([*(f"缺少 {m}" for m in missing), *wrong]))
    return sorted(wheels.glob("*.whl"))


README = """jixiao 离线安装包（Windows 64 位，Python {python}）

1. 把整个压缩包解压到一个文件夹（不要在压缩包里直接双击）。
2. 电脑上需要 64 位的 Python {python}：若没有，把 python.org 的安装程序
   python-{python}.x-amd64.exe 放进本文件夹，install.cmd 会为当前用户自动安装（无需管理员权限）。
3. 关闭所有 Excel 窗口，双击 install.cmd。全程不联网；结果用中文显示在窗口里。
4. 重新打开 Excel：功能区出现“绩效目标”选项卡；模板在“文档\\jixiao模板”。

Excel 是 32 位还是 64 位都可以（加载项两种都带）。
卸载：双击 uninstall.cmd。也可在命令行运行 install.cmd -Offline <放 wheel 的文件夹>。
本包包含 jixiao {version} 及其全部依赖（wheels 文件夹）。
"""


def build_bundle(
    output: Path, python: str = PYTHONS[0], source: Path | None = None, run: Run = _pip
) -> list[Path]:
    """Write the offline zip to ``output``; returns the wheels it holds."""
    if python not in PYTHONS:
        raise BundleError(f"Python 版本只能是 {'、'.join(PYTHONS)}")
    source = source or source_root()
    if source is None:
        raise BundleError("找不到 jixiao 源码文件夹：请在源码中运行，或用 --source 指定")
    for script in SCRIPTS:
        if not (source / script).is_file():
            raise BundleError(f"源码文件夹“{source}”中缺少 {script}")
    with tempfile.TemporaryDirectory(prefix="jixiao-bundle-") as work:
        folder = Path(work) / FOLDER
        wheels = collect_wheels(source, folder / "wheels", python, run)
        own = Wheel.read(next(w for w in wheels if w.name.startswith("jixiao-")))
        for script in SCRIPTS:
            shutil.copyfile(source / script, folder / script)
        readme = README.format(python=python, version=own.version).replace("\n", "\r\n")
        (folder / "README-jixiao.txt").write_bytes(b"\xef\xbb\xbf" + readme.encode("utf-8"))
        manifest = {
            "python": python,
            "platform": PLATFORM,
            "jixiao": own.version,
            "wheels": [w.name for w in wheels],
        }
        (folder / "wheels" / "bundle.json").write_text(json.dumps(manifest, indent=1), "utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(f".~jixiao-{os.getpid()}-{output.name}")
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        archive.write(path, path.relative_to(work).as_posix())
            os.replace(temporary, output)
        finally:
            temporary.unlink(missing_ok=True)
    return wheels
