"""The offline bundle (``jixiao excel bundle``): made here for 64-bit Windows, then pip's own
resolver, told the target is win_amd64 and the chosen Python, installs jixiao from the bundle
alone with no index.  The bundle's own check (markers evaluated for Windows: pip's --platform
does not do that) is unit-tested on small fake wheels.

Building needs a package index (here a mirror configured in pip); the test is skipped only when
none answers, and says so.  It takes about 10-15 s a Python version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import main
from jixiao.excel import bundle

ROOT = Path(__file__).resolve().parents[1]


def make_wheel(folder: Path, name: str, version: str, tag: str, *requires: str) -> Path:
    """A minimal wheel: just the METADATA pip and the bundle check read."""
    path = folder / f"{name}-{version}-{tag}.whl"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(lines) + "\n")
    return path


def test_the_check_evaluates_markers_for_windows(tmp_path: Path) -> None:
    make_wheel(
        tmp_path,
        "jixiao",
        "1.0",
        "py3-none-any",
        "xlw==2",
        'pywin32>=224; platform_system == "Windows"',
        'psutil; platform_system == "Darwin"',
        "docx[extra]>=1",
    )
    make_wheel(tmp_path, "xlw", "2", "cp311-cp311-win_amd64", 'colorama; sys_platform == "win32"')
    make_wheel(tmp_path, "docx", "1.5", "py3-none-any", 'lxml; extra == "extra"')
    missing, wrong = bundle.problems(tmp_path, "3.11")
    assert missing == ["colorama", "lxml", "pywin32>=224"] and wrong == []
    make_wheel(tmp_path, "pywin32", "311", "cp311-cp311-win_amd64")
    make_wheel(tmp_path, "colorama", "0.4.6", "py2.py3-none-any")
    make_wheel(tmp_path, "lxml", "6", "cp311-cp311-manylinux_2_17_x86_64")  # not for Windows
    missing, wrong = bundle.problems(tmp_path, "3.11")
    assert missing == ["lxml"]  # downloaded for Windows next round
    assert len(wrong) == 1 and "lxml-6-cp311-cp311-manylinux_2_17_x86_64.whl：不是" in wrong[0]
    missing, wrong = bundle.problems(tmp_path, "3.12")  # cp311 wheels do not fit 3.12
    assert any("xlw-2-cp311" in w for w in wrong)


def test_the_check_reads_versions_and_requires_python(tmp_path: Path) -> None:
    make_wheel(tmp_path, "jixiao", "1.0", "py3-none-any", "click>=9")
    make_wheel(tmp_path, "click", "8.1", "py3-none-any")
    _, wrong = bundle.problems(tmp_path, "3.11")
    assert wrong == ["jixiao 需要 click>=9，离线包中是 8.1"]
    old = tmp_path / "old"
    old.mkdir()
    path = make_wheel(old, "jixiao", "1.0", "py3-none-any")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("x.dist-info/METADATA", "")  # ignored: not the wheel's own
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 2
    assert bundle.problems(old, "3.11") == ([], [])


def test_refusals_are_chinese(tmp_path: Path) -> None:
    with pytest.raises(bundle.BundleError, match="Python 版本只能是"):
        bundle.build_bundle(tmp_path / "x.zip", "3.10")
    with pytest.raises(bundle.BundleError, match=r"缺少 install\.cmd"):
        bundle.build_bundle(tmp_path / "x.zip", "3.11", source=tmp_path)
    existing = tmp_path / "有了.zip"
    existing.write_bytes(b"")
    result = CliRunner().invoke(main, ["excel", "bundle", "-o", str(existing)])
    assert result.exit_code == 2 and "已存在" in result.output


# ---------------------------------------------------------------- built here, for real


def isolated_pip_env() -> dict[str, str]:
    """pip with no configuration: no index, no mirror, no local find-links of this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def index_reachable(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip the module's real builds when no package index answers (pip's own configuration:
    this machine reaches PyPI through a mirror)."""
    probe = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            *bundle.target_options("3.11"),
            "-d",
            str(tmp_path_factory.mktemp("probe")),
            "defusedxml==0.7.1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        pytest.skip(f"no package index reachable (pip download defusedxml failed: {last})")


@pytest.mark.parametrize("python", [bundle.PYTHONS[0], bundle.PYTHONS[-1]])
def test_the_bundle_installs_with_no_index(
    python: str, tmp_path: Path, index_reachable: None
) -> None:
    output = tmp_path / "jixiao-offline-win64.zip"
    result = CliRunner().invoke(main, ["excel", "bundle", "-o", str(output), "--python", python])
    assert result.exit_code == 0, result.output
    assert f"Python {python}" in result.output
    with zipfile.ZipFile(output) as archive:
        archive.extractall(tmp_path / "unpacked")
        names = archive.namelist()
    assert all(name.isascii() for name in names)  # Explorer's unzip ignores the UTF-8 flag
    folder = tmp_path / "unpacked" / bundle.FOLDER
    for script in bundle.SCRIPTS:
        assert (folder / script).read_bytes() == (ROOT / script).read_bytes()
    readme = (folder / "README-jixiao.txt").read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf") and "install.cmd" in readme.decode("utf-8-sig")
    wheels = folder / "wheels"
    manifest = json.loads((wheels / "bundle.json").read_text("utf-8"))
    assert manifest["python"] == python and manifest["platform"] == "win_amd64"
    found = {path.name.split("-")[0].lower() for path in wheels.glob("*.whl")}
    assert {"jixiao", "xlwings", "pywin32", "openpyxl", "python_calamine", "lxml"} <= found
    assert bundle.problems(wheels, python) == ([], [])  # markers for Windows: pywin32 is in
    xlwings = next(wheels.glob("xlwings-*.whl"))
    with zipfile.ZipFile(xlwings) as archive:  # both bitnesses of Excel load the add-in
        dlls = {Path(n).name for n in archive.namelist() if n.endswith(".dll")}
    assert {"xlwings32-0.37.8.dll", "xlwings64-0.37.8.dll"} <= dlls
    with zipfile.ZipFile(next(wheels.glob("jixiao-*.whl"))) as archive:
        shipped = set(archive.namelist())
    assert {"jixiao_addin/jixiao.xlam", "jixiao_udfs/__init__.py", "jixiao/cli.py"} <= shipped
    resolved = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--report",
            str(tmp_path / "report.json"),
            "--target",
            str(tmp_path / "target"),
            *bundle.target_options(python),
            "--no-index",
            "--find-links",
            str(wheels),
            "jixiao",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=isolated_pip_env(),
        check=False,
    )
    assert resolved.returncode == 0, resolved.stderr
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    installed = {item["metadata"]["name"].lower() for item in report["install"]}
    assert {"jixiao", "xlwings", "openpyxl", "python-calamine", "python-docx"} <= installed
    assert all(item["download_info"]["url"].startswith("file:") for item in report["install"])
