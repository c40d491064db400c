"""What the installer asks Windows: the real Documents folder, 8.3 short paths, the ANSI code
page, running processes, whether Microsoft Excel is installed.  Each call goes through ctypes
(or winreg) on an object that provides the Win32 functions (``ctypes.WinDLL`` on Windows, fakes
in the tests), and each has a fallback.

* **Documents**: ``SHGetKnownFolderPath(FOLDERID_Documents)`` follows 我的文档 wherever the clerk
  (or OneDrive, or the unit's IT) moved it: D:\\, a OneDrive folder, a network share.  Fallbacks:
  the ``Personal`` value under ``User Shell Folders``, then ``%USERPROFILE%\\Documents``.
* **Short paths**: the add-in's VBA runtime reads its config and starts Python with ANSI
  functions, which lose characters outside the system code page (a Chinese user name on a PC
  whose "language for non-Unicode programs" is English, a rare character outside GBK).
  ``GetShortPathNameW`` gives the 8.3 form (``C:\\Users\\6B4F~1``), which is ASCII.
* **Processes**: Excel locks the installed add-in and a running UDF server locks the virtual
  environment's files; the installer names them before touching anything.  Only the processes
  of this Windows session count: on a shared PC (Remote Desktop, fast user switching) another
  user's Excel holds nothing of this user's.  A process whose session cannot be read
  (``ProcessIdToSessionId`` needs a handle, which Windows refuses for another user's process)
  is counted as another session's; should it hold one of this user's files after all, the
  install's own open-for-writing probe meets the sharing violation and puts everything back.
* **Excel**: its ``App Paths`` entry (HKLM or HKCU, either registry view, naming an EXCEL.EXE
  that exists).  A desk with only WPS gets the templates and the command line, and is told
  that the ribbon needs Microsoft Excel.
"""

from __future__ import annotations

import ctypes
import os
import uuid
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any, Protocol

FOLDERID_DOCUMENTS = "{fdd39ad0-238f-46af-adb4-6c85480369c7}"
SHELL_FOLDERS = r"Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders"
EXCEL_APP_PATH = r"Software\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
TH32CS_SNAPPROCESS = 0x00000002
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
INVALID_HANDLE_VALUE = ctypes.c_void_p(-1).value
MAX_PATH = 260
EXCEL_IMAGES = frozenset({"excel.exe"})


class GUID(ctypes.Structure):
    """Win32 GUID."""

    _fields_ = (
        ("Data1", ctypes.c_uint32),
        ("Data2", ctypes.c_uint16),
        ("Data3", ctypes.c_uint16),
        ("Data4", ctypes.c_ubyte * 8),
    )


def guid(text: str) -> GUID:
    """``{fdd39ad0-…}`` → the GUID structure (little-endian fields, as Windows lays it out)."""
    return GUID.from_buffer_copy(uuid.UUID(text).bytes_le)


class PROCESSENTRY32W(ctypes.Structure):
    """One row of a Toolhelp32 process snapshot."""

    _fields_ = (
        ("dwSize", ctypes.c_uint32),
        ("cntUsage", ctypes.c_uint32),
        ("th32ProcessID", ctypes.c_uint32),
        ("th32DefaultHeapID", ctypes.c_size_t),
        ("th32ModuleID", ctypes.c_uint32),
        ("cntThreads", ctypes.c_uint32),
        ("th32ParentProcessID", ctypes.c_uint32),
        ("pcPriClassBase", ctypes.c_long),
        ("dwFlags", ctypes.c_uint32),
        ("szExeFile", ctypes.c_wchar * MAX_PATH),
    )


@dataclass(frozen=True, slots=True)
class Process:
    """A running process: id, parent id, image name, full image path (None when hidden), Windows
    session (None when it cannot be read)."""

    pid: int
    parent: int
    name: str
    path: str | None
    session: int | None = None


class Desk(Protocol):
    """What the installer asks of Windows (:class:`Windows`, or a fake in the tests)."""

    def known_folder(self, folder_id: str) -> Path | None: ...

    def shell_folder(self, name: str) -> Path | None: ...

    def short_path(self, path: Path) -> str | None: ...

    def ansi_encoding(self) -> str: ...

    def processes(self) -> list[Process]: ...

    def excel_installed(self) -> bool | None: ...


class Windows:
    """The Win32 calls through ctypes, on DLL objects that provide them."""

    def __init__(self, shell32: Any, ole32: Any, kernel32: Any, registry: Any = None) -> None:
        self.shell32, self.ole32, self.kernel32, self.registry = shell32, ole32, kernel32, registry

    @classmethod
    def system(cls) -> Windows:
        """This PC's DLLs, with the prototypes 64-bit handles need."""
        import winreg

        windll = ctypes.WinDLL  # type: ignore[attr-defined,unused-ignore]
        kernel32 = windll("kernel32", use_last_error=True)
        kernel32.CreateToolhelp32Snapshot.restype = ctypes.c_void_p
        kernel32.CreateToolhelp32Snapshot.argtypes = (ctypes.c_uint32, ctypes.c_uint32)
        kernel32.Process32FirstW.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
        kernel32.Process32NextW.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
        kernel32.OpenProcess.restype = ctypes.c_void_p
        kernel32.OpenProcess.argtypes = (ctypes.c_uint32, ctypes.c_int, ctypes.c_uint32)
        kernel32.QueryFullProcessImageNameW.argtypes = (
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.c_wchar_p,
            ctypes.POINTER(ctypes.c_uint32),
        )
        kernel32.CloseHandle.argtypes = (ctypes.c_void_p,)
        kernel32.ProcessIdToSessionId.argtypes = (ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32))
        kernel32.ProcessIdToSessionId.restype = ctypes.c_int
        kernel32.GetShortPathNameW.argtypes = (ctypes.c_wchar_p, ctypes.c_wchar_p, ctypes.c_uint32)
        kernel32.GetShortPathNameW.restype = ctypes.c_uint32
        shell32 = windll("shell32")
        shell32.SHGetKnownFolderPath.argtypes = (
            ctypes.POINTER(GUID),
            ctypes.c_uint32,
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_wchar_p),
        )
        shell32.SHGetKnownFolderPath.restype = ctypes.c_long
        ole32 = windll("ole32")
        ole32.CoTaskMemFree.argtypes = (ctypes.c_void_p,)
        return cls(shell32, ole32, kernel32, winreg)

    def known_folder(self, folder_id: str) -> Path | None:
        """``SHGetKnownFolderPath``; None when the shell has no answer."""
        found = ctypes.c_wchar_p()
        try:
            result = self.shell32.SHGetKnownFolderPath(
                ctypes.byref(guid(folder_id)), 0, None, ctypes.byref(found)
            )
            return Path(found.value) if result == 0 and found.value else None
        except (OSError, AttributeError, ctypes.ArgumentError):
            return None
        finally:
            if found.value is not None:
                self.ole32.CoTaskMemFree(found)

    def shell_folder(self, name: str) -> Path | None:
        """A ``User Shell Folders`` value of the current user, expanded (``Personal``)."""
        if self.registry is None:
            return None
        try:
            with self.registry.OpenKey(self.registry.HKEY_CURRENT_USER, SHELL_FOLDERS) as key:
                value, _ = self.registry.QueryValueEx(key, name)
            return Path(self.registry.ExpandEnvironmentStrings(str(value))) if value else None
        except OSError:
            return None

    def short_path(self, path: Path) -> str | None:
        """``GetShortPathNameW``: the 8.3 form of an existing path; None when the volume has
        no short names or the path does not exist."""
        text = str(PureWindowsPath(str(path)))
        try:
            size = int(self.kernel32.GetShortPathNameW(text, None, 0))
            if size <= 0:
                return None
            buffer = ctypes.create_unicode_buffer(size)
            written = int(self.kernel32.GetShortPathNameW(text, buffer, size))
        except (OSError, AttributeError, ctypes.ArgumentError):
            return None
        if written <= 0 or written >= size:
            return None
        return buffer.value

    def ansi_encoding(self) -> str:
        """The code page of "language for non-Unicode programs" as a Python codec (``cp936``)."""
        try:
            return f"cp{int(self.kernel32.GetACP())}"
        except (OSError, AttributeError):
            return "mbcs"

    def processes(self) -> list[Process]:
        """Every running process (Toolhelp32 snapshot), with its session; [] when Windows does
        not answer."""
        snapshot = self.kernel32.CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0)
        if not snapshot or snapshot == INVALID_HANDLE_VALUE:
            return []
        found = []
        try:
            entry = PROCESSENTRY32W()
            entry.dwSize = ctypes.sizeof(PROCESSENTRY32W)
            more = self.kernel32.Process32FirstW(snapshot, ctypes.byref(entry))
            while more:
                pid = int(entry.th32ProcessID)
                parent, name = int(entry.th32ParentProcessID), entry.szExeFile
                found.append(Process(pid, parent, name, self._image(pid), self._session(pid)))
                more = self.kernel32.Process32NextW(snapshot, ctypes.byref(entry))
        finally:
            self.kernel32.CloseHandle(snapshot)
        return found

    def _session(self, pid: int) -> int | None:
        """``ProcessIdToSessionId``; None when Windows refuses (another user's process)."""
        session = ctypes.c_uint32()
        try:
            if self.kernel32.ProcessIdToSessionId(pid, ctypes.byref(session)):
                return int(session.value)
        except (OSError, AttributeError, ctypes.ArgumentError):
            pass
        return None

    def excel_installed(self) -> bool | None:
        """Whether Microsoft Excel is installed: an ``App Paths\\excel.exe`` entry of the machine
        or the user, in the 64- or the 32-bit registry view (32-bit Office on 64-bit Windows),
        naming an ``EXCEL.EXE`` that exists (not a leftover of a removed Office, not another
        program); None when there is no registry to ask."""
        if self.registry is None:
            return None
        for root in ("HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER"):
            for view in ("KEY_WOW64_64KEY", "KEY_WOW64_32KEY"):
                access = self.registry.KEY_READ | getattr(self.registry, view)
                try:
                    hive = getattr(self.registry, root)
                    with self.registry.OpenKey(hive, EXCEL_APP_PATH, 0, access) as key:
                        value, _ = self.registry.QueryValueEx(key, "")
                    program = self.registry.ExpandEnvironmentStrings(str(value)).strip().strip('"')
                except OSError:
                    continue
                excel = PureWindowsPath(program).name.lower() in EXCEL_IMAGES
                if excel and Path(program).is_file():
                    return True
        return False

    def _image(self, pid: int) -> str | None:
        handle = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid)
        if not handle:
            return None  # another user's or a protected process
        try:
            buffer = ctypes.create_unicode_buffer(32768)
            size = ctypes.c_uint32(len(buffer))
            if not self.kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                return None
            return buffer.value
        finally:
            self.kernel32.CloseHandle(handle)


def this_desk() -> Desk | None:
    """This PC's Windows, or None elsewhere (Linux: tests, a CI, a unit's packaging machine)."""
    if os.name != "nt":
        return None
    try:
        return Windows.system()
    except (OSError, AttributeError, ImportError):
        return None


def documents_folder(profile: Path, desk: Desk | None) -> Path:
    """The clerk's real Documents folder: the known-folder API, then the registry, then
    ``%USERPROFILE%\\Documents``."""
    if desk is not None:
        for found in (desk.known_folder(FOLDERID_DOCUMENTS), desk.shell_folder("Personal")):
            if found is not None and str(found).strip():
                return found
    return profile / "Documents"


def is_under(path: str | Path, folder: str | Path) -> bool:
    """Windows path comparison: case-insensitive, either separator."""
    inner = str(PureWindowsPath(str(path))).lower()
    outer = str(PureWindowsPath(str(folder))).lower().rstrip("\\")
    return inner.startswith(outer + "\\")


def blockers(processes: list[Process], environments: list[Path], me: int) -> list[Process]:
    """The processes that would make an install half-done: Excel (it holds the add-in) and any
    process running from jixiao's Python environments (a UDF server holds its files) — except
    this process and the ones that started it (``jixiao.exe`` → its ``python.exe``), and the
    processes of other Windows sessions (see the module docstring; when this process's own
    session is unknown, none is left out)."""
    session = next((p.session for p in processes if p.pid == me), None)
    if session is not None:
        processes = [p for p in processes if p.session == session]
    parents = {p.pid: p.parent for p in processes}
    mine = {me}
    current = me
    while current in parents and parents[current] not in mine and parents[current] > 0:
        current = parents[current]
        mine.add(current)
    found = []
    for process in processes:
        if process.pid in mine:
            continue
        excel = process.name.lower() in EXCEL_IMAGES
        ours = process.path is not None and any(is_under(process.path, e) for e in environments)
        if excel or ours:
            found.append(process)
    return found
