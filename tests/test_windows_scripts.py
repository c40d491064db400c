"""The files a clerk's Windows runs directly: install.cmd, uninstall.cmd, install.ps1, the VBA
modules.  Each must read the same under code page 936 as it was written: cmd.exe reads batch
files in the OEM code page (and would run a UTF-8 BOM as part of the first command), Windows
PowerShell 5.1 reads a script without a BOM in the ANSI code page, VBA modules are stored in
the project's code page.  Nothing here can run Windows; what can be read is checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "build", "dist", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
BOM = b"\xef\xbb\xbf"


def shipped(*suffixes: str) -> list[Path]:
    """Files of the repository with these suffixes (outside caches and environments)."""
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.suffix.lower() in suffixes
        and path.is_file()
        and not SKIP & set(path.relative_to(ROOT).parts)
    )


def as_powershell_reads(data: bytes) -> str:
    """What Windows PowerShell 5.1 makes of a script on Chinese Windows: UTF-8 after a BOM,
    otherwise the ANSI code page 936."""
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8")
    return data.decode("cp936", errors="replace")


def test_the_scripts_a_clerk_runs_exist() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in shipped(".cmd", ".bat", ".ps1")}
    assert {"install.cmd", "uninstall.cmd", "install.ps1"} <= names
    assert {p.name for p in shipped(".bas")} >= {"JixiaoRibbon.bas", "JixiaoSupport.bas"}


@pytest.mark.parametrize("path", shipped(".cmd", ".bat", ".bas"), ids=lambda p: p.name)
def test_batch_files_and_vba_modules_are_pure_ascii_with_crlf(path: Path) -> None:
    data = path.read_bytes()
    assert not data.startswith(BOM), f"{path.name}: cmd.exe would run the BOM as a command"
    assert data.isascii(), f"{path.name}: non-ASCII bytes read differently under code page 936"
    assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name}: LF without CR"


@pytest.mark.parametrize("path", shipped(".ps1"), ids=lambda p: p.name)
def test_powershell_scripts_read_the_same_under_code_page_936(path: Path) -> None:
    data = path.read_bytes()
    assert data.isascii() or data.startswith(BOM), f"{path.name}: neither ASCII nor UTF-8 + BOM"
    written = data.removeprefix(BOM).decode("utf-8")
    assert as_powershell_reads(data) == written


def test_install_cmd_runs_install_ps1_past_the_execution_policy_and_waits() -> None:
    text = (ROOT / "install.cmd").read_text("ascii")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0].lower() == "@echo off"
    run = [line for line in lines if 'install.ps1" %*' in line]
    assert run == ['"%JX_PS%" -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*']
    assert (
        r"set JX_PS=%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe".replace(
            "set ", 'set "'
        )
        + '"'
        in lines
    )
    after = lines[lines.index(run[0]) :]
    assert after[1] == 'set "JX_EXIT=%ERRORLEVEL%"' and "pause" in after
    assert after[-1] == "exit /b %JX_EXIT%"
    uninstall = (ROOT / "uninstall.cmd").read_text("ascii")
    assert 'call "%~dp0install.cmd" -Uninstall' in uninstall


SAID = {
    "busy": "请先关闭以下程序，再安装、升级或卸载 jixiao（它们占用着要替换的文件）：",
    "busy_next": "保存工作后关闭所有 Excel 窗口，然后重新运行。什么都还没有改动。",
    "no_python": "未找到可用的 64 位 Python（jixiao 支持 Python ",
    "no_python_next": "）。请用 python.org 的 64 位安装程序安装（保持默认选项即可），"
    "或把安装程序 python-3.x.y-amd64.exe 放在本文件夹中，然后重新运行。",
    "store_python": "找到的 Python 来自 Microsoft Store，jixiao 不能使用它"
    "（它在 %LOCALAPPDATA% 中建立的文件只有它自己看得见）："
    "请用 python.org 的 64 位安装程序安装 Python，然后重新运行。",
    "bundle_python": "本离线包需要 Python ",
    "installing_python": "正在为当前用户安装 Python（约一分钟）……",
    "python_setup_failed": "Python 安装程序没有完成（退出码 ",
    "python_setup_failed_next": "）。1602 表示安装被取消，"
    "1618 表示另一个程序正在安装：请稍后重新运行；"
    "其他情况请直接双击该安装程序手动安装，看它给出的原因：",
    "venv_missing": "Python 环境建立后却找不到（这通常是 Microsoft Store 版的 Python："
    "它在 %LOCALAPPDATA% 中建立的文件只有它自己看得见）。"
    "请用 python.org 的 64 位安装程序安装 Python，然后重新运行。应当出现的文件：",
    "installing": "正在安装 jixiao 及其依赖（首次约需几分钟）……",
    "offline_failed": "从离线包安装失败：离线包与本机的 Python 版本不符，或文件不完整。",
    "online_failed": "安装 jixiao 失败：请检查网络或 pip 镜像设置；无网络的电脑请使用离线安装包。",
    "python_gone": "jixiao 的 Python 环境已无法运行（多半是 Python 先被卸载了），"
    "改为直接删除安装记录中的文件：",
    "removed": "已删除：",
    "kept": "保留（安装后被修改过）：",
    "not_removed": "未能删除（可能正被使用）：",
    "nothing_removed": "什么都没有删除：请关闭打开着这些文件的程序（如 WPS），然后重新运行。",
    "refused": "未删除（不是 jixiao 安装的位置）：",
    "venv_left": "加载项已卸载；Python 环境未能删除（可能仍被使用）：",
    "uninstalled": "已卸载 jixiao。",
    "no_offline_folder": "找不到离线安装包的文件夹：",
}


def escaped(text: str) -> str:
    """``[regex]::Unescape`` input for ``text``: non-ASCII as \\uXXXX."""
    return "".join(c if c.isascii() else f"\\u{ord(c):04x}" for c in text)


def test_every_chinese_line_of_install_ps1_is_an_escape_of_these_texts() -> None:
    """The few lines printed before jixiao exists; everything else jixiao prints itself."""
    script = (ROOT / "install.ps1").read_text("ascii")
    for key, text in SAID.items():
        assert escaped(text) in script, key
    said = re.findall(r"Say \(?'([^']*)'", script)
    decoded = [s.encode("ascii").decode("unicode_escape") for s in said]
    assert all(any(d.startswith(t) for t in SAID.values()) for d in decoded), decoded
    assert "& $Jixiao excel install" in script and "& $Jixiao excel uninstall" in script
    cmd = (ROOT / "install.cmd").read_text("ascii")
    unzip = re.search(r"Unescape\('([^']*)'\)", cmd)
    assert unzip is not None
    assert unzip[1].encode().decode("unicode_escape") == (
        "请先把整个压缩包解压到一个文件夹，再双击其中的 install.cmd。"
    )


def test_install_ps1_installs_offline_from_wheels_alone() -> None:
    script = (ROOT / "install.ps1").read_text("ascii")
    assert re.search(r"\[string\]\$Offline = ''", script)
    offline = [line for line in script.splitlines() if "--find-links $Offline" in line]
    assert offline and all("--no-index" in line for line in offline)
    assert "Join-Path $PSScriptRoot 'wheels'" in script  # a bundle finds its own wheels
    assert "bundle.json" in script  # and the Python version it was made for
    assert "Stop-IfBusy" in script.split("if ($Uninstall)", 1)[1].split("\n", 3)[1]


def test_install_ps1_parses() -> None:
    """A PowerShell grammar (tree-sitter) reads install.ps1 as PowerShell 5.1 would decode it,
    without a syntax error (the grammar is a test dependency: never skipped)."""
    import tree_sitter as ts
    import tree_sitter_powershell as grammar

    parser = ts.Parser(ts.Language(grammar.language()))
    for path in shipped(".ps1"):
        tree = parser.parse(as_powershell_reads(path.read_bytes()).encode("utf-8"))
        errors: list[str] = []
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "ERROR" or node.is_missing:
                errors.append(f"{path.name}:{node.start_point[0] + 1}: {node.text!r:.60}")
            stack.extend(node.children)
        assert errors == []
    broken = parser.parse(b"if ($x) { Write-Host 'a }\n").root_node
    assert broken.has_error  # the check can fail
