"""`jixiao excel install / status / uninstall` on a fake Windows profile (Chinese user name), and
the Windows calls behind it (known folder, short paths, processes) on fakes of the DLLs."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import stat
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from jixiao.cli import main
from jixiao.excel import install as installer
from jixiao.excel import swap, winpaths
from jixiao.excel.addin_config import config_path, config_text
from jixiao.excel.install import bundled_addin, install, uninstall
from jixiao.excel.install_paths import InstallError, Paths
from jixiao.excel.winpaths import FOLDERID_DOCUMENTS, Process, Windows, blockers


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    home = tmp_path / "Users" / "张三"
    home.mkdir(parents=True)
    return home


def files_under(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class FakeDesk:
    """A Windows desk: known folders, short names, code page and processes, all given."""

    def __init__(
        self,
        documents: Path | None = None,
        short: dict[str, str] | None = None,
        encoding: str = "cp936",
        processes: list[Process] | None = None,
        registry_documents: Path | None = None,
        excel: bool | None = True,
    ) -> None:
        self.documents, self.short = documents, short or {}
        self.encoding, self.running = encoding, processes or []
        self.registry_documents = registry_documents
        self.excel = excel

    def known_folder(self, folder_id: str) -> Path | None:
        assert folder_id == FOLDERID_DOCUMENTS
        return self.documents

    def shell_folder(self, name: str) -> Path | None:
        assert name == "Personal"
        return self.registry_documents

    def short_path(self, path: Path) -> str | None:
        return self.short.get(str(path))

    def ansi_encoding(self) -> str:
        return self.encoding

    def processes(self) -> list[Process]:
        return self.running

    def excel_installed(self) -> bool | None:
        return self.excel


def test_install_status_uninstall_leaves_nothing_behind(profile: Path) -> None:
    paths = Paths.under(profile)
    interpreter = paths.local_appdata / "jixiao" / "venv" / "Scripts" / "pythonw.exe"
    done = install(paths, interpreter, encoding="gbk", desk=FakeDesk())
    assert paths.addin.read_bytes() == bundled_addin().read_bytes()
    assert {p.name for p in done.written} >= {
        "jixiao.xlam",
        "jixiao.conf",
        "绩效目标模板-hebei.xlsx",
        "申报表模板-national.xlsx",
    }
    assert done.templates == paths.templates and done.kept == []
    config = paths.config.read_bytes().decode("gbk")
    assert '"INTERPRETER_WIN","%LOCALAPPDATA%\\jixiao\\venv\\Scripts\\pythonw.exe"' in config
    assert '"UDF MODULES","jixiao_udfs"' in config and "张三" not in config
    first = files_under(profile)
    install(paths, interpreter, encoding="gbk", desk=FakeDesk())  # idempotent
    assert files_under(profile).keys() == first.keys()
    assert not list(profile.rglob(".~jixiao-*"))  # no staged file or backup left
    own = paths.templates / "我的2025年填报.xlsx"
    own.write_bytes(b"clerk's own work")
    removed = uninstall(paths, desk=FakeDesk())
    assert paths.addin in removed.removed and paths.config in removed.removed
    assert files_under(profile) == {
        str(own.relative_to(profile)): hashlib.sha256(b"clerk's own work").hexdigest()
    }
    assert not paths.config_dir.exists()


def test_a_template_the_clerk_changed_survives_upgrade_and_uninstall(profile: Path) -> None:
    paths = Paths.under(profile)
    interpreter = paths.venv / "Scripts" / "pythonw.exe"
    install(paths, interpreter, desk=FakeDesk())
    changed = paths.templates / "绩效目标模板-hebei.xlsx"
    changed.write_bytes(b"filled in by the clerk")
    again = install(paths, interpreter, desk=FakeDesk())
    assert again.kept == [changed] and changed.read_bytes() == b"filled in by the clerk"
    gone = uninstall(paths, desk=FakeDesk())
    assert changed not in gone.removed and changed.read_bytes() == b"filled in by the clerk"
    assert not paths.addin.exists()


def test_cli_round_trip(profile: Path) -> None:
    runner = CliRunner()
    args = ["--profile-dir", str(profile)]
    result = runner.invoke(
        main, ["excel", "install", *args, "--interpreter", str(profile / "py" / "pythonw.exe")]
    )
    assert result.exit_code == 0, result.output
    assert "绩效目标" in result.output
    assert f"模板在：{Paths.under(profile).templates}" in result.output
    status = runner.invoke(main, ["excel", "status", *args]).output
    assert "已安装" in status and "jixiao.xlam" in status
    assert runner.invoke(main, ["excel", "uninstall", *args]).exit_code == 0
    assert "未安装" in runner.invoke(main, ["excel", "status", *args]).output
    assert not [p for p in profile.rglob("*") if p.is_file()]


def test_paths_outside_known_folders_are_kept_literally(profile: Path) -> None:
    paths = Paths.under(profile)
    text = config_text(Path("D:/Python311/pythonw.exe"), paths)
    assert '"INTERPRETER_WIN","D:\\Python311\\pythonw.exe"' in text


def test_missing_userprofile_is_a_clear_error() -> None:
    with pytest.raises(InstallError, match="USERPROFILE"):
        Paths.from_environment({})


# ---------------------------------------------------------------- locked, read-only, broken


class SharingViolation(PermissionError):
    """What Windows raises opening a file Excel holds open (winerror 32)."""

    winerror = 32


@pytest.fixture
def installed(profile: Path) -> tuple[Paths, Path, dict[str, str], bytes]:
    """An existing install whose add-in is "older" than the bundled one."""
    paths = Paths.under(profile)
    interpreter = paths.venv / "Scripts" / "pythonw.exe"
    install(paths, interpreter, desk=FakeDesk())
    paths.addin.write_bytes(b"the add-in of an older version")
    return paths, interpreter, files_under(profile), paths.manifest.read_bytes()


def assert_unchanged(paths: Paths, before: dict[str, str], manifest: bytes) -> None:
    assert files_under(paths.profile) == before
    assert paths.manifest.read_bytes() == manifest
    assert paths.addin.read_bytes() == b"the add-in of an older version"


def test_an_addin_excel_holds_open_stops_the_install_with_nothing_changed(
    installed: tuple[Paths, Path, dict[str, str], bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths, interpreter, before, manifest = installed
    real_probe = swap.probe

    def probe(target: Path) -> None:
        if target == paths.addin:  # Excel opened it without sharing write access
            raise SharingViolation(13, "The process cannot access the file", str(target))
        real_probe(target)

    monkeypatch.setattr(swap, "probe", probe)
    result = CliRunner().invoke(
        main,
        [
            "excel",
            "install",
            "--profile-dir",
            str(paths.profile),
            "--interpreter",
            f"{interpreter}",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "错误：安装未完成，已恢复原状：文件“" in result.output
    assert "正被其他程序使用（多半是 Excel 或 WPS 打开了它）" in result.output
    assert "Traceback" not in result.output
    assert_unchanged(paths, before, manifest)


def test_a_read_only_target_stops_the_install_with_nothing_changed(
    installed: tuple[Paths, Path, dict[str, str], bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The config file is read-only; Windows refuses to replace it (root here would not be
    refused, so the refusal is simulated at the one call that swaps files in)."""
    paths, interpreter, before, manifest = installed
    os.chmod(paths.config, stat.S_IREAD)
    real_replace = swap._replace

    def replace(source: Path, target: Path) -> None:
        if Path(source) == paths.config and not os.stat(source).st_mode & stat.S_IWRITE:
            raise PermissionError(13, "Access is denied", str(source))
        real_replace(source, target)

    monkeypatch.setattr(swap, "_replace", replace)
    arguments = ["--profile-dir", str(paths.profile), "--interpreter", f"{interpreter}"]
    try:
        result = CliRunner().invoke(main, ["excel", "install", *arguments])
    finally:
        os.chmod(paths.config, stat.S_IREAD | stat.S_IWRITE)
    assert result.exit_code == 2, result.output
    assert f"文件“{paths.config}”是只读的：请在文件属性中去掉“只读”" in result.output
    assert "Traceback" not in result.output
    assert_unchanged(paths, before, manifest)


def test_a_failure_after_some_files_were_swapped_puts_them_back(
    installed: tuple[Paths, Path, dict[str, str], bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths, interpreter, before, manifest = installed
    real_replace = swap._replace
    last = paths.templates / "绩效目标模板-tianjin.xlsx"

    def replace(source: Path, target: Path) -> None:
        if Path(target) == last and ".~jixiao-" in Path(source).name and "-new-" in str(source):
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(swap, "_replace", replace)
    with pytest.raises(InstallError, match="所在磁盘空间不足"):
        install(paths, interpreter, desk=FakeDesk())
    assert_unchanged(paths, before, manifest)  # the add-in swapped first is the old one again


def test_a_real_os_error_is_chinese_exit_2_and_changes_nothing(profile: Path) -> None:
    """No simulation: the templates folder's name is taken by a file."""
    paths = Paths.under(profile)
    paths.documents.mkdir(parents=True)
    paths.templates.write_bytes(b"a file where the folder should be")
    before = files_under(profile)
    result = CliRunner().invoke(
        main, ["excel", "install", "--profile-dir", str(profile), "--interpreter", "C:/py.exe"]
    )
    assert result.exit_code == 2, result.output
    assert "错误：安装未完成，已恢复原状：" in result.output and "Traceback" not in result.output
    assert files_under(profile) == before
    assert not paths.xlstart.exists() and not paths.config_dir.exists()  # folders it made: gone


# ---------------------------------------------------------------- running programs


def test_a_running_excel_is_named_and_nothing_is_touched(profile: Path) -> None:
    paths = Paths.under(profile)
    me = os.getpid()
    venv_python = str(paths.venv / "Scripts" / "pythonw.exe").replace("/", "\\")
    desk = FakeDesk(
        processes=[
            Process(4242, 1, "EXCEL.EXE", "C:\\Program Files\\Microsoft Office\\EXCEL.EXE"),
            Process(4343, 4242, "pythonw.exe", venv_python),  # the UDF server Excel started
            Process(77, 1, "notepad.exe", "C:\\Windows\\notepad.exe"),
        ]
    )
    with pytest.raises(InstallError) as refused:
        install(paths, paths.venv / "Scripts" / "pythonw.exe", desk=desk)
    message = str(refused.value)
    assert "请先关闭以下程序" in message and "Excel（EXCEL.EXE，进程号 4242）" in message
    assert "jixiao 的 Python（pythonw.exe，进程号 4343）" in message
    assert "notepad" not in message and "什么都还没有改动" in message
    assert not [p for p in profile.rglob("*") if p.is_file()]
    with pytest.raises(InstallError, match="请先关闭以下程序"):
        uninstall(paths, desk=desk)
    assert me  # this process is never its own blocker: see the next test


def test_the_installer_and_the_launchers_that_started_it_are_not_blockers() -> None:
    venv = Path("C:/Users/张三/AppData/Local/jixiao/venv")
    processes = [
        Process(10, 1, "powershell.exe", "C:\\Windows\\powershell.exe"),
        Process(11, 10, "jixiao.exe", f"{venv}\\Scripts\\jixiao.exe"),
        Process(12, 11, "python.exe", f"{venv}\\Scripts\\python.exe"),
        Process(13, 12, "python.exe", "C:\\Python311\\python.exe"),  # this process
        Process(20, 1, "pythonw.exe", f"{venv}\\SCRIPTS\\pythonw.exe"),  # another: a UDF server
    ]
    assert [p.pid for p in blockers(processes, [venv], me=13)] == [20]
    assert blockers(processes[:4], [venv], me=13) == []


# ---------------------------------------------------------------- the real Documents folder


def test_documents_come_from_the_known_folder_api(tmp_path: Path) -> None:
    moved = Path("D:/我的文档")
    env = {"USERPROFILE": str(tmp_path / "张三")}
    assert Paths.from_environment(env, FakeDesk(documents=moved)).documents == moved
    onedrive = Path("C:/Users/张三/OneDrive/文档")
    registry = FakeDesk(documents=None, registry_documents=onedrive)
    assert Paths.from_environment(env, registry).documents == onedrive
    fallback = Paths.from_environment(env, FakeDesk()).documents
    assert fallback == tmp_path / "张三" / "Documents"
    assert Paths.from_environment(env, None).documents == fallback


def test_the_installer_prints_where_the_templates_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile, moved = tmp_path / "张三", tmp_path / "D盘" / "我的文档"
    desk = FakeDesk(documents=moved)
    monkeypatch.setattr(winpaths, "this_desk", lambda: desk)
    monkeypatch.setattr(installer, "this_desk", lambda: desk)
    env = {
        "USERPROFILE": str(profile),
        "APPDATA": str(profile / "AppData" / "Roaming"),
        "LOCALAPPDATA": str(profile / "AppData" / "Local"),
    }
    result = CliRunner().invoke(
        main, ["excel", "install", "--interpreter", str(tmp_path / "py.exe")], env=env
    )
    assert result.exit_code == 0, result.output
    assert f"模板在：{moved / '绩效目标模板'}" not in result.output  # the folder, not a file
    assert f"模板在：{moved / 'jixiao模板'}" in result.output
    assert (moved / "jixiao模板" / "绩效目标模板-hebei.xlsx").is_file()


class FakeShell32:
    def __init__(self, answer: str | None, result: int = 0) -> None:
        self.answer, self.result = answer, result
        self.asked: bytes | None = None

    def SHGetKnownFolderPath(self, folder: Any, flags: int, token: Any, out: Any) -> int:
        self.asked = bytes(folder._obj)
        if self.answer is not None:
            out._obj.value = self.answer
        return self.result


class FakeOle32:
    def __init__(self) -> None:
        self.freed: list[Any] = []

    def CoTaskMemFree(self, pointer: Any) -> None:
        self.freed.append(pointer.value)


def test_known_folder_lookup_through_ctypes_on_fake_dlls() -> None:
    shell, ole = FakeShell32("D:\\我的文档"), FakeOle32()
    desk = Windows(shell, ole, kernel32=None)
    assert desk.known_folder(FOLDERID_DOCUMENTS) == Path("D:\\我的文档")
    assert shell.asked == uuid.UUID(FOLDERID_DOCUMENTS).bytes_le  # the GUID Windows expects
    assert ole.freed == ["D:\\我的文档"]  # the shell's string is given back
    failing = Windows(FakeShell32(None, result=-2147024894), FakeOle32(), kernel32=None)
    assert failing.known_folder(FOLDERID_DOCUMENTS) is None  # E_FILENOTFOUND: fall back
    assert winpaths.documents_folder(Path("C:/Users/x"), failing) == Path("C:/Users/x/Documents")


class FakeRegistry:
    HKEY_CURRENT_USER = "HKCU"

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def OpenKey(self, root: str, key: str, *access: int) -> Any:
        assert (root, key) == ("HKCU", winpaths.SHELL_FOLDERS)
        return self

    def __enter__(self) -> FakeRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def QueryValueEx(self, key: Any, name: str) -> tuple[str, int]:
        if name not in self.values:
            raise FileNotFoundError(name)
        return self.values[name], 2

    def ExpandEnvironmentStrings(self, text: str) -> str:
        return text.replace("%USERPROFILE%", "C:\\Users\\张三")


def test_registry_fallback_expands_the_shell_folder() -> None:
    registry = FakeRegistry({"Personal": "%USERPROFILE%\\OneDrive\\文档"})
    desk = Windows(FakeShell32(None, -1), FakeOle32(), None, registry)
    assert desk.shell_folder("Personal") == Path("C:\\Users\\张三\\OneDrive\\文档")
    assert Windows(None, None, None, FakeRegistry({})).shell_folder("Personal") is None


# ---------------------------------------------------------------- short paths


class FakeKernel32:
    """GetShortPathNameW over a mapping, with the real buffer protocol (size, then fill)."""

    def __init__(self, mapping: dict[str, str], code_page: int = 936) -> None:
        self.mapping, self.code_page = mapping, code_page

    def GetShortPathNameW(self, long: str, buffer: Any, size: int) -> int:
        short = self.mapping.get(long)
        if short is None:
            return 0
        if buffer is None or size <= len(short):
            return len(short) + 1
        buffer.value = short
        return len(short)

    def GetACP(self) -> int:
        return self.code_page


LONG = "C:\\Users\\张三\\AppData\\Local\\jixiao\\venv\\Scripts\\pythonw.exe"
SHORT = "C:\\Users\\6B4F~1\\AppData\\Local\\jixiao\\venv\\Scripts\\pythonw.exe"


def test_short_path_through_ctypes_on_a_fake_kernel32() -> None:
    desk = Windows(None, None, FakeKernel32({LONG: SHORT}))
    assert desk.short_path(Path(LONG)) == SHORT
    assert desk.short_path(Path("C:\\Users\\李四\\x")) is None  # no 8.3 name
    assert desk.ansi_encoding() == "cp936"
    assert isinstance(ctypes.create_unicode_buffer(4), ctypes.Array)


@pytest.mark.parametrize(
    ("short", "code_page", "expected"),
    [
        ({LONG: SHORT}, 1252, SHORT),  # English code page: the 8.3 form is the way
        ({LONG: SHORT}, 936, SHORT),  # always preferred: survives a change of code page
        ({}, 936, "%LOCALAPPDATA%\\jixiao\\venv\\Scripts\\pythonw.exe"),  # GBK spells 张三
        ({}, 1252, None),  # neither: refused, with what to do
    ],
)
def test_a_non_ascii_interpreter_path_is_written_as_the_runtime_can_read_it(
    short: dict[str, str], code_page: int, expected: str | None
) -> None:
    paths = Paths(
        Path("C:\\Users\\张三"),
        Path("C:\\Users\\张三\\AppData\\Roaming"),
        Path("C:\\Users\\张三\\AppData\\Local"),
        Path("D:\\我的文档"),
    )
    desk = Windows(None, None, FakeKernel32(short, code_page))
    encoding = desk.ansi_encoding()
    if expected is None:
        with pytest.raises(InstallError, match="只含英文字母和数字的文件夹"):
            config_path(Path(LONG), paths, desk, encoding)
    else:
        written = config_path(Path(LONG), paths, desk, encoding)
        assert written == expected
        config_text(Path(LONG), paths, desk, encoding).encode(encoding)  # what VBA reads
    ascii_python = Path("C:\\Python311\\pythonw.exe")
    assert config_path(ascii_python, paths, desk, encoding) == "C:\\Python311\\pythonw.exe"


def test_a_profile_the_runtime_cannot_reach_is_warned_about(profile: Path) -> None:
    paths = Paths.under(profile)
    done = install(paths, Path("C:/Python311/pythonw.exe"), desk=FakeDesk(encoding="cp1252"))
    assert any("非 Unicode 程序的语言" in note for note in done.notes)
    shortened = FakeDesk(encoding="cp1252", short={str(paths.profile): "C:\\USERS\\6B4F~1"})
    assert install(paths, Path("C:/Python311/pythonw.exe"), desk=shortened).notes == []
    manifest = json.loads(paths.manifest.read_text("utf-8"))
    assert set(manifest["sha256"]) == set(manifest["files"])


class FakeToolhelp:
    """CreateToolhelp32Snapshot / Process32FirstW / Process32NextW / OpenProcess /
    QueryFullProcessImageNameW / ProcessIdToSessionId over a list, filling the real structures
    (a row without a path is another user's process: no handle, no session either)."""

    def __init__(
        self, rows: list[tuple[int, int, str, str | None]], sessions: dict[int, int] | None = None
    ) -> None:
        self.rows, self.at = rows, 0
        self.sessions = sessions or {}
        self.closed: list[int] = []

    def CreateToolhelp32Snapshot(self, flags: int, pid: int) -> int:
        assert flags == winpaths.TH32CS_SNAPPROCESS
        return 99

    def _fill(self, entry: Any) -> int:
        if self.at >= len(self.rows):
            return 0
        pid, parent, name, _ = self.rows[self.at]
        record = entry._obj
        assert record.dwSize == ctypes.sizeof(winpaths.PROCESSENTRY32W)
        record.th32ProcessID, record.th32ParentProcessID, record.szExeFile = pid, parent, name
        self.at += 1
        return 1

    def Process32FirstW(self, snapshot: int, entry: Any) -> int:
        self.at = 0
        return self._fill(entry)

    def Process32NextW(self, snapshot: int, entry: Any) -> int:
        return self._fill(entry)

    def OpenProcess(self, access: int, inherit: int, pid: int) -> int:
        path = next(row[3] for row in self.rows if row[0] == pid)
        return pid + 1000 if path else 0  # another user's process: no handle

    def QueryFullProcessImageNameW(self, handle: int, flags: int, buffer: Any, size: Any) -> int:
        buffer.value = next(row[3] for row in self.rows if row[0] + 1000 == handle)
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.closed.append(handle)
        return 1

    def ProcessIdToSessionId(self, pid: int, session: Any) -> int:
        if pid not in self.sessions:
            return 0  # ERROR_ACCESS_DENIED: another user's process
        session._obj.value = self.sessions[pid]
        return 1


def test_the_process_list_through_ctypes_on_a_fake_kernel32() -> None:
    kernel = FakeToolhelp(
        [(4, 0, "System", None), (4242, 1, "EXCEL.EXE", "C:\\Office\\EXCEL.EXE")], {4242: 3}
    )
    found = Windows(None, None, kernel).processes()
    assert found == [
        Process(4, 0, "System", None, None),
        Process(4242, 1, "EXCEL.EXE", "C:\\Office\\EXCEL.EXE", 3),
    ]
    assert sorted(kernel.closed) == [99, 5242]  # the snapshot and the one process handle


def test_only_this_sessions_excel_stops_the_install() -> None:
    """A shared PC (Remote Desktop): another user's Excel, in session 1, holds nothing of this
    user's, whose installer runs in session 2; neither does one whose session Windows will not
    tell (another user's); this session's Excel does."""
    venv = Path("C:/Users/张三/AppData/Local/jixiao/venv")
    me = Process(13, 10, "python.exe", f"{venv}\\Scripts\\python.exe", 2)
    launcher = Process(10, 1, "powershell.exe", "C:\\Windows\\powershell.exe", 2)
    others = [
        Process(500, 1, "EXCEL.EXE", None, 1),
        Process(501, 1, "EXCEL.EXE", None, None),
        Process(502, 1, "pythonw.exe", f"{venv}\\Scripts\\pythonw.exe", 1),
    ]
    assert blockers([launcher, me, *others], [venv], me=13) == []
    mine = Process(600, 1, "EXCEL.EXE", "C:\\Office\\EXCEL.EXE", 2)
    assert blockers([launcher, me, *others, mine], [venv], me=13) == [mine]
    unknown = Process(13, 10, "python.exe", me.path, None)  # own session unknown: all count
    every = blockers([unknown, *others, mine], [venv], me=13)
    assert [p.pid for p in every] == [500, 501, 502, 600]


def test_the_session_filter_through_the_fake_kernel32(profile: Path) -> None:
    """End to end on the fake DLL: ProcessIdToSessionId of this process and of the others."""
    me = os.getpid()
    rows: list[tuple[int, int, str, str | None]] = [
        (me, 1, "python.exe", "C:\\Python311\\python.exe"),
        (500, 1, "EXCEL.EXE", None),  # another user's: no handle, no session
        (501, 1, "EXCEL.EXE", "C:\\Office\\EXCEL.EXE"),  # the same user, another session
    ]
    desk = Windows(None, None, FakeToolhelp(rows, {me: 2, 501: 3}))
    paths = Paths.under(profile)
    installer.check_not_running(desk, installer.environments(paths))  # nothing of this session
    rows.append((600, 1, "EXCEL.EXE", "C:\\Office\\EXCEL.EXE"))
    desk = Windows(None, None, FakeToolhelp(rows, {me: 2, 501: 3, 600: 2}))
    with pytest.raises(InstallError, match="进程号 600") as refused:
        installer.check_not_running(desk, installer.environments(paths))
    assert "500" not in str(refused.value) and "501" not in str(refused.value)


# ---------------------------------------------------------------- is Excel installed at all


class FakeAppPaths:
    """winreg's OpenKey / QueryValueEx / ExpandEnvironmentStrings over {(hive, view): value}."""

    HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER = "HKLM", "HKCU"
    KEY_READ, KEY_WOW64_64KEY, KEY_WOW64_32KEY = 0x20019, 0x100, 0x200

    def __init__(self, values: dict[tuple[str, int], str]) -> None:
        self.values = values
        self.asked: list[tuple[str, int]] = []

    def OpenKey(self, hive: str, key: str, reserved: int, access: int) -> Any:
        assert key == winpaths.EXCEL_APP_PATH and reserved == 0 and access & self.KEY_READ
        view = access & (self.KEY_WOW64_64KEY | self.KEY_WOW64_32KEY)
        self.asked.append((hive, view))
        if (hive, view) not in self.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return contextlib.nullcontext((hive, view))

    def QueryValueEx(self, key: tuple[str, int], name: str) -> tuple[str, int]:
        assert name == ""  # the key's default value: the program's full path
        return self.values[key], 2

    def ExpandEnvironmentStrings(self, text: str) -> str:
        return text.replace("%OFFICE%", "office")


def test_excel_is_found_through_its_app_paths_entry(tmp_path: Path) -> None:
    excel = tmp_path / "office" / "EXCEL.EXE"
    excel.parent.mkdir()
    excel.write_bytes(b"MZ")
    wps = tmp_path / "office" / "et.exe"
    wps.write_bytes(b"MZ")
    none = FakeAppPaths({})
    assert Windows(None, None, None, none).excel_installed() is False
    assert len(none.asked) == 4  # HKLM and HKCU, each in both registry views
    user_32bit = FakeAppPaths({("HKCU", 0x200): f'"{excel}"'})  # 32-bit Office, per user
    assert Windows(None, None, None, user_32bit).excel_installed() is True
    expanded = FakeAppPaths({("HKLM", 0x100): str(tmp_path / "%OFFICE%" / "EXCEL.EXE")})
    assert Windows(None, None, None, expanded).excel_installed() is True
    leftover = FakeAppPaths({("HKLM", 0x100): str(tmp_path / "removed" / "EXCEL.EXE")})
    assert Windows(None, None, None, leftover).excel_installed() is False
    not_excel = FakeAppPaths({("HKLM", 0x100): str(wps)})  # another program took the name
    assert Windows(None, None, None, not_excel).excel_installed() is False
    assert Windows(None, None, None, None).excel_installed() is None  # no registry: unknown


@pytest.mark.parametrize("excel", [True, False, None])
def test_a_desk_without_excel_is_told_what_works_there(
    excel: bool | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only WPS: the install still puts the templates and the add-in in place (Excel may come
    later), but the last line does not promise a ribbon; it names the templates' own checks
    and the command line."""
    desk = FakeDesk(excel=excel)
    monkeypatch.setattr(installer, "this_desk", lambda: desk)
    profile = tmp_path / "张三"
    done = install(Paths.under(profile), profile / "py" / "pythonw.exe")
    assert done.excel is excel
    result = CliRunner().invoke(
        main,
        ["excel", "install", "--profile-dir", str(profile), "--interpreter", str(tmp_path / "p")],
    )
    assert result.exit_code == 0, result.output
    last = result.output[result.output.index("模板在：") :]
    said = installer.status(Paths.under(profile), desk)["Microsoft Excel"]
    missing = "未找到（“绩效目标”选项卡需要 Microsoft Excel"
    expected = {True: "已安装", False: missing, None: "未检查"}
    assert said.startswith(expected[excel])  # `jixiao excel status` says it too
    if excel is False:
        assert "本机没有找到 Microsoft Excel" in last and "WPS 表格不会显示" in last
        assert "模板自带的检查" in last and " validate <文件或文件夹>" in last
        assert "请重新打开 Excel：功能区会出现" not in last
    else:
        assert "请重新打开 Excel：功能区会出现“绩效目标”选项卡" in last
        assert "Microsoft Excel" not in last


def test_the_installer_puts_every_shipped_template_in_the_folder(profile: Path) -> None:
    """The clerk's 文档\\jixiao模板 holds what `jixiao template --all` ships (both layouts)."""
    paths = Paths.under(profile)
    interpreter = paths.local_appdata / "jixiao" / "venv" / "Scripts" / "pythonw.exe"
    install(paths, interpreter, encoding="gbk", desk=FakeDesk())
    shipped = Path(__file__).parents[1] / "workbook_templates"
    assert {p.name for p in paths.templates.glob("*.xlsx")} == {
        p.name for p in shipped.glob("*.xlsx")
    }
    form = openpyxl.load_workbook(paths.templates / "申报表模板-national.xlsx")
    expected = openpyxl.load_workbook(shipped / "申报表模板-national.xlsx")
    assert form.sheetnames == expected.sheetnames


def test_what_a_killed_install_left_is_undone_by_the_next_run(profile: Path) -> None:
    """A console closed mid-install left ``.~jixiao-<pid>-new-jixiao.xlam`` in XLSTART (Excel
    opens every file there: a second add-in) and, between two renames, a backup that is the
    only copy of the configuration; the next install or uninstall deletes the one and puts the
    other back."""
    paths = Paths.under(profile)
    interpreter = paths.local_appdata / "jixiao" / "venv" / "Scripts" / "pythonw.exe"
    install(paths, interpreter, encoding="gbk", desk=FakeDesk())
    dead = 999_999_999
    staged = paths.addin.with_name(f".~jixiao-{dead}-new-{paths.addin.name}")
    staged.write_bytes(b"half a copy")
    backup = paths.config.with_name(f".~jixiao-{dead}-old-{paths.config.name}")
    config = paths.config.read_bytes()
    paths.config.rename(backup)
    removed = uninstall(paths, desk=FakeDesk())  # the restored configuration goes too
    assert not list(profile.rglob(".~jixiao-*")) and paths.config in removed.removed
    install(paths, interpreter, encoding="gbk", desk=FakeDesk())
    staged.write_bytes(b"half a copy")
    paths.config.rename(backup)
    assert swap.recover_leftovers([paths.addin, paths.config]) == [staged, backup]
    assert not staged.exists() and paths.config.read_bytes() == config
    assert sorted(p.name for p in paths.xlstart.iterdir()) == [paths.addin.name]


def test_uninstall_deletes_nothing_a_record_names_outside_the_installs_folders(
    profile: Path,
) -> None:
    """The install record is a file anyone on the account can edit: a review made install.ps1's
    fallback, which reads the same record, delete a clerk's own file listed there with no hash.
    Only files directly in XLSTART, jixiao's folder or the templates folder are removed."""
    paths = Paths.under(profile)
    install(paths, paths.venv / "Scripts" / "pythonw.exe", desk=FakeDesk())
    own = paths.documents / "我的工作.xlsx"
    nested = paths.templates / "子文件夹" / "另一个.xlsx"
    for path in (own, nested):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"the clerk's")
    record = json.loads(paths.manifest.read_text("utf-8"))
    sneaked = str(paths.config_dir / ".." / own.relative_to(profile))
    record["files"] += [str(own), str(nested), sneaked, "我的工作.xlsx"]
    paths.manifest.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    removed = uninstall(paths, desk=FakeDesk())
    assert paths.addin in removed.removed
    assert own.read_bytes() == nested.read_bytes() == b"the clerk's"
    assert {own, nested} <= set(removed.kept)
