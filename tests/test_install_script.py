"""What install.ps1 decides before jixiao exists: which Python it finds, what it refuses, which
processes stop it, and how it uninstalls when jixiao's Python no longer runs.

No PowerShell here (Linux): the script is read as text (test_windows_scripts.py parses it with a
PowerShell grammar and checks its Chinese lines).  What can run here runs: the Python code the
script hands to each candidate interpreter, its folder patterns on the folder names Python's
installers make, and the install record the fallback uninstall reads, as install.py writes it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import ntpath
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

import pytest

from jixiao.excel import WINDOWS_PYTHONS, bundle, install_paths
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


def python_check() -> str:
    """The Python code Test-Python hands to each candidate interpreter."""
    body = function("Test-Python")
    return "".join(
        powershell_strings(body[body.index("$check =") : body.index("if (-not (Get-Command")])
    )


def run_check(base_prefix: str, encoding: str = "utf-8") -> subprocess.CompletedProcess[bytes]:
    """Test-Python's code run by a real Python whose base prefix is ``base_prefix`` and whose
    stdout encodes as a Windows Python's does into PowerShell's pipe (the ANSI code page,
    errors strict: PYTHONIOENCODING stands in for it here)."""
    pretend = "import sys; sys.base_prefix = sys.argv[2]; exec(sys.argv[1])"
    return subprocess.run(
        [sys.executable, "-c", pretend, python_check(), base_prefix],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
    )


def test_the_check_each_candidate_runs_is_python_without_quotes(tmp_path: Path) -> None:
    """Test-Python's code, run here by a real Python: one line "major minor bits prefix" that
    the script splits in four (the prefix, as ascii() writes it, may hold spaces); no quote
    character in it (Windows PowerShell 5.1 mangles quotes in a native command's arguments)."""
    body = function("Test-Python")
    code = python_check()
    assert '"' not in code and "'" not in code
    assert "ascii(sys.base_prefix)" in code and "calcsize(chr(80))" in code
    spaced = tmp_path / "Program Files" / "Python 3"
    done = run_check(str(spaced))
    assert done.returncode == 0, done.stderr
    fields = done.stdout.decode("ascii").strip().split(" ", 3)  # PowerShell: -split ' ', 4
    assert fields[:2] == [str(sys.version_info[0]), str(sys.version_info[1])]
    assert fields[2] == str(8 * __import__("struct").calcsize("P"))
    assert ast.literal_eval(fields[3]) == str(spaced)
    assert "$fields = @(([string]$out[-1]) -split ' ', 4)" in body
    assert "$fields[2] -ne '64'" in body  # 32-bit Pythons are refused
    assert "$Supported -notcontains $version" in body  # so is 3.10, and 3.15 until tried


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "ascii"])
@pytest.mark.parametrize("user", ["Zhang San", "张三", "刘䶮", "김민준"])
def test_the_check_survives_a_user_name_the_code_page_cannot_spell(
    encoding: str, user: str
) -> None:
    """python.org's per-user Python lives under %LOCALAPPDATA%: its base prefix holds the user
    name.  Printed as it is, a name the ANSI code page cannot spell (any Chinese under cp1252;
    the Ext-A 䶮 or Hangul under cp936, which GBK stands in for) made print() raise: every
    candidate was refused and the clerk told no Python was found.  ascii() keeps the line ASCII
    under any code page, and still says what the prefix is (and whether it is the Store's)."""
    for prefix, verdict in [
        (rf"C:\Users\{user}\AppData\Local\Programs\Python\Python312", "ok"),
        (rf"C:\Program Files\WindowsApps\PythonSoftwareFoundation.Python.3.12_{user}", "store"),
    ]:
        done = run_check(prefix, encoding)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert done.stdout.isascii()  # what PowerShell reads the same in any code page
        fields = done.stdout.decode("ascii").strip().split(" ", 3)
        assert fields[2] == str(8 * __import__("struct").calcsize("P"))
        assert ast.literal_eval(fields[3]) == prefix
        store = re.search("WindowsApps", fields[3], re.IGNORECASE)  # PowerShell's -match
        assert ("store" if store else "ok") == verdict


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


@pytest.fixture(scope="module")
def real_install(tmp_path_factory: pytest.TempPathFactory) -> install_paths.Paths:
    """install.py's install into a Chinese-named profile (once: building templates takes
    seconds); the tests only read it."""
    paths = install_paths.Paths.under(tmp_path_factory.mktemp("desk") / "张三")
    installer.install(paths, paths.venv / "Scripts" / "pythonw.exe", encoding="gbk", desk=None)
    return paths


def test_the_fallback_reads_the_record_install_py_writes(real_install: install_paths.Paths) -> None:
    """Remove-Recorded reads the same record in the same place, as UTF-8, with the same keys
    (hashes compared as PowerShell does, ignoring case), and falls back to the same two files."""
    paths = real_install
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
    assert f"$config = Join-Path $folder '{config}'" in body
    assert "if ($files.Count -eq 0) { $files = @($addin, $config) }" in body  # no record
    assert "foreach ($dir in @($templates, $folder)) {  # Excel's own XLSTART stays" in body
    quiet = body.index("if ($present.Count -eq 0 -and -not $recorded) { return $true }")
    assert quiet < body.index("Say '")  # nothing installed: no talk of a broken Python


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


# ---------------------------------------------------------------- Remove-Recorded's decisions

# Each line of Remove-Recorded that decides something, in the order it runs; the model below
# decides the same things in the same order (one statement each, named in its comments), and
# this list keeps the two in step: change one of these lines and the model must be revisited.
DECISIONS = [
    "$templates = [IO.Path]::Combine($documents, [regex]::Unescape('jixiao\\u6a21\\u677f'))",
    "$places = @($xlstart, $folder, $templates)",  # where install.py writes files
    "$ours = @($addin, $config, $record)",  # removed whatever their hash
    "if ($files.Count -eq 0) { $files = @($addin, $config) }",
    "if ($file -eq $record -or $present -contains $file) { continue }",
    "try { $full = [IO.Path]::GetFullPath($file) } catch { }",
    "if ($full -ne $file -or $places -notcontains [IO.Path]::GetDirectoryName($full)) {",
    "if ($present.Count -eq 0 -and -not $recorded) { return $true }",
    "if ($ours -notcontains $file -and $want) {",
    "catch { $locked += $file; continue }  # not even readable",
    "if ($recorded) { $doomed += $record }",
    "$stream = [IO.File]::Open($file, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite,",
    "if ($locked.Count -gt 0) {",
    "return $false",
    "if ($file -eq $record -and -not $done) { continue }  # it lists what is left",
    "Remove-Item -LiteralPath $file -Force",
    "return $done",
]

PROFILE = "C:\\Users\\张三"
FOLDER = PROFILE + "\\.jixiao"
RECORD = FOLDER + "\\install.json"
CONFIG = FOLDER + "\\jixiao.conf"
XLSTART = PROFILE + "\\AppData\\Roaming\\Microsoft\\Excel\\XLSTART"
ADDIN = XLSTART + "\\jixiao.xlam"
TEMPLATES = "D:\\我的文档\\" + install_paths.TEMPLATE_FOLDER  # Documents moved (acceptance step 2)


def get_full_path(text: str) -> str:
    """``[IO.Path]::GetFullPath`` as .NET Framework answers for the paths used here: '/' is
    '\\', '.', '..' and doubled separators collapse, a name's trailing dots and spaces go; a
    path without a drive and root is resolved against the current folder (modelled as
    ``C:\\Windows\\System32``: any answer differs from the text)."""
    anchor = PureWindowsPath(text).anchor
    if not anchor.endswith("\\") or ":" not in anchor:
        return "C:\\Windows\\System32\\" + text.replace("/", "\\")
    names: list[str] = []
    for name in text[len(anchor) :].replace("/", "\\").split("\\"):
        if name in ("", "."):
            continue
        if name == "..":
            names = names[:-1]
            continue
        names.append(name.rstrip(" ."))
    return anchor + "\\".join(names)


def among(text: str, texts: list[str]) -> bool:
    """PowerShell's -contains (and -eq): strings compared ignoring case."""
    return text.lower() in {t.lower() for t in texts}


@dataclass
class Desk:
    """The files Remove-Recorded sees (full Windows path → bytes) and how they behave."""

    files: dict[str, bytes]
    locked: set[str] = field(default_factory=set)
    """Open in another program (WPS): opening for writing fails."""
    unreadable: set[str] = field(default_factory=set)
    """Cannot even be read (Get-FileHash fails)."""
    stuck: set[str] = field(default_factory=set)
    """Opened fine a moment ago, yet Remove-Item fails (taken in between)."""
    said: list[tuple[str, str]] = field(default_factory=list)


def remove_recorded(desk: Desk) -> bool:
    """Remove-Recorded's decisions, statement by statement (DECISIONS names the lines)."""
    places, ours = [XLSTART, FOLDER, TEMPLATES], [ADDIN, CONFIG, RECORD]
    files: list[str] = []
    hashes: dict[str, str] = {}  # a PowerShell hashtable: keys ignore case
    if RECORD in desk.files:
        try:
            data = json.loads(desk.files[RECORD].decode("utf-8"))
            files = [str(name) for name in data["files"] if name]
            hashes = {k.lower(): str(v) for k, v in (data.get("sha256") or {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            files = []
    if not files:  # if ($files.Count -eq 0) { $files = @($addin, $config) }
        files = [ADDIN, CONFIG]
    refused: list[str] = []
    present: list[str] = []
    for file in files:
        if among(file, [RECORD, *present]):  # the record: last
            continue
        full = get_full_path(file)  # GetFullPath, GetDirectoryName, -ne, -notcontains
        if full.lower() != file.lower() or not among(ntpath.dirname(full), places):
            refused.append(file)
            continue
        if file in desk.files:
            present.append(file)
    recorded = RECORD in desk.files
    if not present and not recorded:
        return True
    desk.said += [("refused", file) for file in refused]
    doomed: list[str] = []
    locked: list[str] = []
    for file in present:
        want = hashes.get(file.lower())
        changed = False
        if not among(file, ours) and want:
            if file in desk.unreadable:  # not even readable
                locked.append(file)
                continue
            changed = hashlib.sha256(desk.files[file]).hexdigest() != want.lower()
        if changed:
            desk.said.append(("kept", file))
            continue
        doomed.append(file)
    if recorded:
        doomed.append(RECORD)
    locked += [file for file in doomed if file in desk.locked]  # [IO.File]::Open, share None
    if locked:  # if ($locked.Count -gt 0) { ... return $false }
        desk.said += [("not_removed", file) for file in locked]
        desk.said.append(("nothing_removed", ""))
        return False
    done = True
    for file in doomed:
        if file == RECORD and not done:  # it lists what is left
            continue
        if file in desk.stuck:
            desk.said.append(("not_removed", file))
            done = False
            continue
        del desk.files[file]  # Remove-Item -LiteralPath $file -Force
        desk.said.append(("removed", file))
    return done


def test_the_model_decides_what_remove_recorded_decides() -> None:
    """The decisions the model makes are the script's lines, in the script's order; the prefix
    rule that made any path under .jixiao (..\\ included) skip its hash check is gone."""
    body = function("Remove-Recorded")
    at = [body.index(line) for line in DECISIONS]
    assert at == sorted(at)
    assert "StartsWith" not in body
    assert body.count("Remove-Item -LiteralPath $file -Force") == 1
    assert "$documents = [Environment]::GetFolderPath('MyDocuments')" in body
    assert "if (-not $documents) { $documents = Join-Path $env:USERPROFILE 'Documents' }" in body
    assert "$xlstart = Split-Path -Parent $addin" in body


def test_the_templates_folder_and_the_places_are_install_py_s(
    real_install: install_paths.Paths,
) -> None:
    """One owner: the folder name the script spells (escaped: it stays ASCII) is
    install_paths.py's TEMPLATE_FOLDER, and every file install.py writes lies directly in one
    of the three places the script accepts (a file in a subfolder would be refused, and so
    left behind)."""
    escaped = re.search(r"\[regex\]::Unescape\('(jixiao[^']*)'\)", function("Remove-Recorded"))
    assert escaped is not None
    assert escaped[1].encode("ascii").decode("unicode_escape") == install_paths.TEMPLATE_FOLDER
    paths = real_install
    record = json.loads(paths.manifest.read_text("utf-8"))
    written = [Path(name) for name in record["files"]] + [paths.manifest]
    places = {paths.xlstart, paths.config_dir, paths.templates}
    assert {path.parent for path in written} == places
    assert paths.templates == paths.documents / install_paths.TEMPLATE_FOLDER
    assert paths.addin.parent == paths.xlstart and paths.config.parent == paths.config_dir


@pytest.fixture(scope="module")
def installed(real_install: install_paths.Paths) -> dict[str, bytes]:
    """What install.py really writes (names, bytes, the record), moved to the Windows paths
    the model uses."""
    paths = real_install
    where = {paths.xlstart: XLSTART, paths.config_dir: FOLDER, paths.templates: TEMPLATES}
    record = json.loads(paths.manifest.read_text("utf-8"))
    moved = {name: f"{where[Path(name).parent]}\\{Path(name).name}" for name in record["files"]}
    files = {moved[name]: Path(name).read_bytes() for name in record["files"]}
    record["files"] = [moved[name] for name in record["files"]]
    record["sha256"] = {moved[name]: digest for name, digest in record["sha256"].items()}
    files[RECORD] = json.dumps(record, ensure_ascii=False).encode("utf-8")
    assert ADDIN in files and CONFIG in files
    return files


def installed_desk(installed: dict[str, bytes]) -> tuple[Desk, list[str]]:
    """A fresh desk holding the installed files, and the templates' Windows paths (sorted)."""
    templates = sorted(name for name in installed if name.startswith(TEMPLATES + "\\"))
    assert len(templates) >= 2
    return Desk(dict(installed)), templates


def test_an_untouched_install_goes_entirely_and_a_changed_template_stays(
    installed: dict[str, bytes],
) -> None:
    desk, templates = installed_desk(installed)
    changed = templates[0]
    desk.files[changed] += b"the clerk's work"
    desk.files[CONFIG] += b"edited"  # the add-in's own config goes whatever it holds
    assert remove_recorded(desk) is True
    assert set(desk.files) == {changed}
    assert ("kept", changed) in desk.said and ("removed", RECORD) in desk.said
    assert desk.said[-1] == ("removed", RECORD)  # the record last


def test_a_template_open_in_wps_stops_everything_and_the_record_stays(
    installed: dict[str, bytes],
) -> None:
    """Review finding: the record used to go even when a template could not be deleted; the
    next run then fell back to the two fixed files and the template was orphaned for good.
    Now nothing is deleted while one file is in use, and the next run finishes the job."""
    desk, templates = installed_desk(installed)
    before = dict(desk.files)
    opened = templates[-1]
    desk.locked.add(opened)
    assert remove_recorded(desk) is False
    assert desk.files == before
    assert desk.said == [("not_removed", opened), ("nothing_removed", "")]
    desk.locked.clear()
    desk.said.clear()
    assert remove_recorded(desk) is True
    assert desk.files == {}
    unreadable, _ = installed_desk(installed)
    unreadable.unreadable.add(opened)  # its hash cannot even be read: in use as well
    assert remove_recorded(unreadable) is False and RECORD in unreadable.files


def test_a_deletion_that_fails_late_keeps_the_record_listing_what_is_left(
    installed: dict[str, bytes],
) -> None:
    desk, templates = installed_desk(installed)
    late = templates[0]
    desk.stuck.add(late)
    assert remove_recorded(desk) is False
    assert set(desk.files) == {late, RECORD}
    desk.stuck.clear()
    assert remove_recorded(desk) is True
    assert desk.files == {}


def test_a_hand_edited_record_removes_nothing_outside_jixiao_s_places() -> None:
    """Review finding: "ours" (no hash check) was any path string under .jixiao\\, which
    included .jixiao\\..\\Documents\\...; now only the add-in, its config and the record are
    ours, and an entry is removed only where install.py writes, written as its full path."""
    budget = PROFILE + "\\Documents\\工作\\2026预算.xlsx"
    notes = FOLDER + "\\notes.txt"
    hostile = {
        FOLDER + "\\..\\Documents\\工作\\2026预算.xlsx": budget,  # '..' out of .jixiao
        PROFILE + "\\Documents\\工作\\台账.xlsx": PROFILE + "\\Documents\\工作\\台账.xlsx",
        TEMPLATES + "\\汇总.xlsx ": TEMPLATES + "\\汇总.xlsx",  # Windows drops the space
        TEMPLATES.replace("\\", "/") + "/汇总.xlsx": TEMPLATES + "\\汇总.xlsx",
        TEMPLATES + "\\旧\\汇总.xlsx": TEMPLATES + "\\旧\\汇总.xlsx",  # a subfolder
        "..\\Documents\\工作\\台账.xlsx": PROFILE + "\\Documents\\工作\\台账.xlsx",  # relative
        FOLDER + "\\.\\notes.txt": notes,
    }
    files = dict.fromkeys(hostile.values(), b"the clerk's")
    files[notes] = b"the clerk's notes"
    files[ADDIN] = b"add-in"
    record = {
        "files": [*hostile, notes, ADDIN],
        "sha256": {notes: "0" * 64, ADDIN: "0" * 64},  # a wrong hash: notes are no add-in
    }
    files[RECORD] = json.dumps(record, ensure_ascii=False).encode("utf-8")
    desk = Desk(dict(files))
    assert remove_recorded(desk) is True
    assert set(desk.files) == set(files) - {ADDIN, RECORD}
    assert [text for said, text in desk.said if said == "refused"] == list(hostile)
    assert ("kept", notes) in desk.said
    assert all(get_full_path(real) == real for real in hostile.values())  # the model's own check


def test_remove_recorded_deletes_nothing_before_every_file_was_opened() -> None:
    """The syntax tree (as PowerShell reads it): the only Remove-Item of a recorded file comes
    after the statement that returns $false when one was in use, and that statement returns
    before anything else happens."""
    import tree_sitter as ts
    import tree_sitter_powershell as grammar

    parser = ts.Parser(ts.Language(grammar.language()))
    tree = parser.parse(SCRIPT.encode("ascii"))
    body = next(
        node
        for node in walk(tree.root_node)
        if node.type == "function_statement"
        and any(
            c.type == "function_name" and text_of(c) == "Remove-Recorded" for c in node.children
        )
    )
    statements = next(n for n in walk(body) if n.type == "statement_list").named_children
    guard = next(
        i
        for i, s in enumerate(statements)
        if s.type == "if_statement" and text_of(s).startswith("if ($locked.Count -gt 0) {")
    )
    block = [n for n in walk(statements[guard]) if n.type == "flow_control_statement"]
    assert [text_of(n) for n in block] == ["return $false"]
    removals = [
        i
        for i, s in enumerate(statements)
        for n in walk(s)
        if n.type == "command" and text_of(n).startswith("Remove-Item -LiteralPath $file")
    ]
    assert removals and min(removals) > guard
    probes = [i for i, s in enumerate(statements) if "[IO.File]::Open($file" in text_of(s)]
    assert probes and max(probes) < guard


def walk(node: Any) -> list[Any]:
    """A node and everything below it, in source order."""
    found = [node]
    for child in node.children:
        found += walk(child)
    return found


def text_of(node: Any) -> str:
    return bytes(node.text).decode("ascii")
