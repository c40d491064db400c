"""What install.ps1 decides before jixiao exists: which Python it finds, what it refuses, which
processes stop it, and how it uninstalls when jixiao's Python no longer runs.

No PowerShell here (Linux): the script is read as text (test_windows_scripts.py parses it with a
PowerShell grammar and checks its Chinese lines).  What can run here runs: the Python code the
script hands to each candidate interpreter, its folder patterns on the folder names Python's
installers make, and the install record the fallback uninstall reads, as install.py writes it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path, PureWindowsPath

import pytest

from jixiao.excel import WINDOWS_PYTHONS, bundle
from jixiao.excel import install as installer

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = (ROOT / "install.ps1").read_text("ascii")


def function(name: str) -> str:
    """The text of one function of install.ps1 (up to the next top-level statement)."""
    start = SCRIPT.index(f"function {name}")
    end = re.compile(r"^\S", re.MULTILINE).search(SCRIPT, SCRIPT.index("\n}", start) + 2)
    return SCRIPT[start : end.start() if end else len(SCRIPT)]


def powershell_strings(text: str) -> list[str]:
    """The single-quoted strings of a piece of PowerShell (no '' escapes are used here)."""
    return re.findall(r"'([^']*)'", text)


# ---------------------------------------------------------------- which Pythons


def test_the_supported_pythons_have_one_owner() -> None:
    """install.ps1's $Supported (newest first), the bundle's choices, pyproject's floor and the
    README all say what jixiao.excel.WINDOWS_PYTHONS says."""
    listed = re.search(r"^\$Supported = @\(([^)]*)\)$", SCRIPT, re.MULTILINE)
    assert listed is not None
    assert tuple(reversed(powershell_strings(listed[1]))) == WINDOWS_PYTHONS
    assert bundle.PYTHONS == WINDOWS_PYTHONS
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["requires-python"] == f">={WINDOWS_PYTHONS[0]}"
    readme = (ROOT / "README.md").read_text("utf-8")
    span = f"Python {WINDOWS_PYTHONS[0]}–{WINDOWS_PYTHONS[-1]}"
    install_section = readme[readme.index("## Excel 加载项（Windows）") :]
    assert span in install_section[: install_section.index("**功能区与函数**")]
    assert "3.11+" not in install_section[: install_section.index("**功能区与函数**")]


def test_the_check_each_candidate_runs_is_python_without_quotes(tmp_path: Path) -> None:
    """Test-Python's code, run here by a real Python: one line "major minor bits prefix" that
    the script splits in four (the prefix may hold spaces); no quote character in it (Windows
    PowerShell 5.1 mangles quotes in a native command's arguments)."""
    body = function("Test-Python")
    code = "".join(
        powershell_strings(body[body.index("$check =") : body.index("if (-not (Get-Command")])
    )
    assert '"' not in code and "'" not in code
    assert "sys.base_prefix" in code and "calcsize(chr(80))" in code
    spaced = tmp_path / "Program Files" / "Python 3"
    done = subprocess.run(
        [sys.executable, "-c", code.replace("sys.base_prefix", repr(str(spaced)))],
        capture_output=True,
        text=True,
        check=True,
    )
    fields = done.stdout.strip().split(" ", 3)  # PowerShell: -split ' ', 4
    assert fields[:2] == [str(sys.version_info[0]), str(sys.version_info[1])]
    assert fields[2] == str(8 * __import__("struct").calcsize("P"))
    assert fields[3] == str(spaced)
    assert "$fields = @(([string]$out[-1]) -split ' ', 4)" in body
    assert "$fields[2] -ne '64'" in body  # 32-bit Pythons are refused
    assert "$Supported -notcontains $version" in body  # so is 3.10, and 3.15 until tried


def test_a_default_python_org_install_off_path_is_found() -> None:
    """python.org's installer (3.14 included) leaves Python off PATH by default; the one this
    script runs puts it on the *user's* PATH, which this process does not see.  Found anyway:
    the py launcher by its full per-user path (`py -3` first, the newest installed), and the
    install folders by pattern, newest first."""
    body = function("Find-Python")
    assert "@('py', (Join-Path $env:LOCALAPPDATA 'Programs\\Python\\Launcher\\py.exe'))" in body
    first, by_name = body.index(",@($py, '-3')"), body.index(',@($py, "-$v")')
    assert first < by_name  # `py -3.X` only when `py -3` does not fit
    assert "foreach ($v in $Supported)" in body
    searched = re.findall(r"Get-PythonFolders (\(Join-Path [^)]*\)|\$env:\w+) '([^']+)'", body)
    folders = set(searched)  # (where, which folder names: the minor version is the group)
    expected_parents = {
        "(Join-Path $env:LOCALAPPDATA 'Programs\\Python')",  # python.org, for this user
        "$env:ProgramFiles",  # python.org, for all users
        "(Join-Path $env:LOCALAPPDATA 'Python')",  # the Python install manager (3.14+)
    }
    assert {parent for parent, _ in folders} == expected_parents
    made = {  # folder names the installers make → the minor version the pattern must yield
        "Python314": 14,
        "Python39": 9,
        "Python313-32": 13,  # 32-bit: Test-Python refuses it by its pointer size
        "pythoncore-3.14-64": 14,
        "pythoncore-3.15-64": 15,
    }
    for _, pattern in folders:
        minors = {}
        for name, minor in made.items():
            found = re.match(pattern, name, re.IGNORECASE)  # PowerShell's -match ignores case
            if found:
                minors[name] = int(found[1])
                assert minors[name] == minor
        assert minors, pattern
    assert sorted(["Python39", "Python314"], key=lambda n: -made[n]) == ["Python314", "Python39"]
    helper = function("Get-PythonFolders")
    assert "[int]$Matches[1]" in helper and "Sort-Object -Property Minor -Descending" in helper


def test_the_python_installer_s_exit_code_is_checked_and_its_path_is_seen() -> None:
    after = SCRIPT[SCRIPT.index("if ($setup) {") :]
    after = after[: after.index("\nif (-not $python) {")]
    assert "Start-Process -Wait -PassThru" in after
    assert "if ($run.ExitCode -ne 0 -and $run.ExitCode -ne 3010) {" in after
    assert (
        after.index("$run.ExitCode") < after.index("exit 1") < after.index("$python = Find-Python")
    )
    assert "[Environment]::GetEnvironmentVariable('Path', 'User')" in after


def test_a_microsoft_store_python_is_refused_with_a_reason() -> None:
    """The Store's Python (not the stub that opens the Store) redirects what it writes under
    %LOCALAPPDATA% into its package: the venv would exist for it alone.  Refused by its base
    prefix, with a reason; and a venv that does not appear where it was made stops the install
    before anything runs from it."""
    test = function("Test-Python")
    assert "if ($fields[3] -match 'WindowsApps') { return 'store' }" in test
    find = function("Find-Python")
    assert "if ($verdict -eq 'store') { $script:StorePython = $true }" in find
    said = SCRIPT[SCRIPT.index("if ($StorePython) {") :]
    assert said.index("Say '") < said.index("exit 1")
    made = SCRIPT[SCRIPT.index("-m venv $Venv") :]
    made = made[: made.index('# "Installing jixiao')]
    check = made.index("if (-not (Test-Path $py)) {")
    assert check < made.index("Say '") < made.index("exit 1")


# ---------------------------------------------------------------- what stops it


def test_only_this_sessions_processes_stop_it() -> None:
    body = function("Get-Blockers")
    assert "$session = (Get-Process -Id $PID).SessionId" in body
    skip = body.index("if ($p.SessionId -ne $session) { continue }")
    assert skip < body.index("if ($p.ProcessName -ieq 'EXCEL')")


# ---------------------------------------------------------------- uninstall without Python


def test_uninstall_runs_jixiao_only_while_its_python_runs() -> None:
    branch = SCRIPT[SCRIPT.index("if ($Uninstall) {") :]
    branch = branch[: branch.index("\n}\n")]
    runs = branch.index("(Test-Runs $VenvPython 'import jixiao.excel.install')")
    assert runs < branch.index("& $Jixiao excel uninstall") < branch.index("Remove-Recorded")
    assert branch.index("Stop-IfBusy") < runs  # Excel closed before anything is removed
    assert branch.index("Remove-Recorded") < branch.index("Remove-Item -Recurse -Force $Venv")
    probe = function("Test-Runs")
    assert "$ErrorActionPreference = 'Continue'" in probe and "$LASTEXITCODE -eq 0" in probe


def test_the_fallback_reads_the_record_install_py_writes(tmp_path: Path) -> None:
    """Remove-Recorded reads the same record in the same place, as UTF-8, with the same keys
    (hashes compared as PowerShell does, ignoring case), and falls back to the same two files."""
    paths = installer.Paths.under(tmp_path / "张三")
    interpreter = paths.venv / "Scripts" / "pythonw.exe"
    installer.install(paths, interpreter, encoding="gbk", desk=None)
    record = json.loads(paths.manifest.read_bytes().decode("utf-8"))
    assert set(record) >= {"files", "sha256"} and set(record["sha256"]) == set(record["files"])
    assert any(not name.isascii() for name in record["files"])  # why it is read as UTF-8
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in record["sha256"].values())
    body = function("Remove-Recorded")
    relative = paths.manifest.relative_to(paths.profile)
    assert f"$folder = Join-Path $env:USERPROFILE '{relative.parent}'" in body
    assert f"$record = Join-Path $folder '{relative.name}'" in body
    assert "[IO.File]::ReadAllText($record, [Text.Encoding]::UTF8) | ConvertFrom-Json" in body
    assert "$data.files" in body and "$data.sha256.PSObject.Properties" in body
    assert "Get-FileHash -LiteralPath $file -Algorithm SHA256).Hash -ne $want" in body
    addin = PureWindowsPath(*paths.addin.relative_to(paths.appdata).parts)
    assert f"$addin = Join-Path $env:APPDATA '{addin}'" in body
    config = paths.config.relative_to(paths.config_dir)
    assert f"@($addin, (Join-Path $folder '{config}'))" in body  # no record: the two files
    assert "if ($dir -ieq $xlstart" in body  # Excel's own folder stays
    quiet = body.index("if ($present.Count -eq 0) { return $true }")
    assert quiet < body.index("Say '")  # nothing installed: no talk of a broken Python
    assert "-Unique" not in body  # Sort-Object -Unique on Length would drop folders


@pytest.mark.parametrize(
    "name", ["Test-Runs", "Remove-Recorded", "Test-Python", "Get-PythonFolders", "Find-Python"]
)
def test_each_function_is_defined_before_it_is_called(name: str) -> None:
    """A script runs top to bottom: a function called above its definition does not exist yet."""
    code = re.sub(r"<#.*?#>", "", SCRIPT, flags=re.DOTALL)
    code = re.sub(r"#.*$", "", code, flags=re.MULTILINE)  # no '#' inside this script's strings
    defined = code.index(f"function {name}")
    calls = [m.start() for m in re.finditer(rf"(?<!function ){re.escape(name)}\b", code)]
    assert calls and all(at > defined for at in calls)
