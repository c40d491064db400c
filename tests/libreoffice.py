"""Drive a real LibreOffice Calc (headless) from the tests.

``LibreOffice`` starts its own ``soffice`` (private profile, private pipe, own process group)
plus ``tests/lo_driver.py`` under Debian's ``/usr/bin/python3`` (the only Python that can
``import uno``), and talks JSON lines to the driver.  Every call has a wall-clock timeout; when
one is exceeded, or the driver or soffice dies, the whole process group is killed and a
``LibreOfficeTimeout`` / ``LibreOfficeDied`` is raised.  The next call starts a fresh instance
(``auto_restart``), so one hung test does not take the rest of the session with it; document
ids from the dead instance are rejected.

Usage::

    with LibreOffice() as office:
        doc = office.open("book.xlsx")          # loads a private copy
        office.set(doc, "Sheet1", "A1", 21)
        office.calc(doc)
        assert office.get(doc, "Sheet1", "B1")["value"] == 42

or the session fixture ``lo`` (``from libreoffice import lo  # noqa: F401``).  The pitfalls this
module handles are listed in the team's LibreOffice testing notes.

How the harder questions are answered (details in lo_driver.py):

* ``invalid_cells``: Calc's own "Mark Invalid Data" -- ``sheet.showInvalid()`` draws an
  ellipse on the internal detective layer, anchored to each invalid cell; the anchors are read
  and the circles removed again.  Formula results are checked too.  A validation with
  IgnoreBlankCells off flags every *blank* cell in its range (openpyxl's DataValidation
  defaults to ``allow_blank=False``!).  Calc stops at 1000 circles; the driver then errors
  instead of returning a truncated list.  API writes (``set``) bypass validation, so write
  the bad value and then ask.
* ``conditional_format_active`` / ``conditional_format_range``: the API has no "effective
  style" (CellBackColor ignores conditional formats), so each condition entry covering the
  cell is evaluated with Calc computing the formulas (parsed at the format's base cell,
  shifted to the cell, evaluated in a scratch cell of a temporary sheet) and Calc's comparison
  rules.  A test cross-checks the result against Calc's HTML export, which paints cells with
  their conditional backgrounds.  Date conditions, colour scales, data bars and icon sets are
  reported as "unsupported".
* Formula strings: ``set_formula`` and ``get()["formula"]`` use English names and ";";
  a validation's formula1 is relative to the validation range's top-left cell, not the cell
  asked about; condition-entry formulas come in Calc's UI grammar (en-US, ",").

Beyond the shared notes: a killed soffice leaves sockets ``/tmp/OSL_PIPE_<uid>_*`` (not
under $TMPDIR) and ``lu*.tmp`` dirs in $TMPDIR; in a container whose PID 1 does not reap,
killed soffice.bin processes linger as zombies (so "group gone" means "no live member").
Both are handled here.  LibreOffice 7.4 loads xlsx ``veryHidden`` sheets as plain hidden.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypedDict, cast

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).with_name("lo_driver.py")
DEFAULT_TIMEOUT = 60.0
START_TIMEOUT = 90.0
# soffice.bin exits with this code on the first start of a fresh profile and must be restarted
# (oosplash normally does that itself; we handle it too in case the wrapper exits with it).
EXIT_RESTART = 81
MAX_START_ATTEMPTS = 3

# Written into every fresh profile: no .~lock files (a stale one from a killed run makes loads
# fail with a misleading "type detection failed"), recalculate xlsx/ods on load (Calc
# otherwise trusts the cached values, and openpyxl writes none), and a fixed en-US locale so
# formula strings (function names, "," vs ";", decimal point) do not depend on $LANG.
PROFILE_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Misc", "UseLocking", "false"),
    ("/org.openoffice.Office.Common/Misc", "UseDocumentOOoLockFile", "false"),
    ("/org.openoffice.Office.Common/Misc", "UseDocumentSystemFileLocking", "false"),
    ("/org.openoffice.Office.Calc/Formula/Load", "OOXMLRecalcMode", "0"),
    ("/org.openoffice.Office.Calc/Formula/Load", "ODFRecalcMode", "0"),
    ("/org.openoffice.Setup/L10N", "ooLocale", "en-US"),
    ("/org.openoffice.Setup/L10N", "ooSetupSystemLocale", "en-US"),
)


# --- errors ---------------------------------------------------------------------------------


class LibreOfficeError(RuntimeError):
    """Base class: LibreOffice could not do what was asked."""


class LibreOfficeUnavailable(LibreOfficeError):
    """soffice or the uno module for /usr/bin/python3 is missing."""


class LibreOfficeStartError(LibreOfficeError):
    """soffice or the driver did not come up."""


class LibreOfficeCommandError(LibreOfficeError):
    """The driver answered ok=false (bad sheet, bad address, UNO exception, ...).

    The instance is still usable after this one."""


class LibreOfficeTimeout(LibreOfficeError):
    """A call exceeded its wall-clock limit; the instance was killed."""


class LibreOfficeDied(LibreOfficeError):
    """The driver or soffice exited unexpectedly; the instance was killed."""


# --- result types ---------------------------------------------------------------------------


class SheetInfo(TypedDict):
    name: str
    visibility: str  # "visible" | "hidden" (LibreOffice 7.4 loads veryHidden as hidden)


class CellInfo(TypedDict):
    value: float | None  # number, or None for empty/text/error/string-result cells
    string: str  # what the cell displays
    formula: str  # English function names, ";" separators ("=A1*2"); the text for text cells
    type: str  # "EMPTY" | "VALUE" | "TEXT" | "FORMULA"
    error: int  # 0, or Calc's error code (e.g. 503 for #NUM!, 522 circular reference)
    result_type: str | None  # for formulas: "VALUE" | "STRING" | "ERROR"


class ProtectionInfo(TypedDict):
    locked: bool
    hidden: bool  # formula hidden (Excel's "Hidden")
    hidden_all: bool
    print_hidden: bool


class ValidationInfo(TypedDict):
    type: str  # "ANY" means no validation; "LIST", "WHOLE", "DECIMAL", "CUSTOM", ...
    operator: str
    formula1: str  # e.g. '"x";"y";"z"' or 'INDIRECT($A2)' (relative to the asked cell)
    formula2: str
    ignore_blank: bool
    show_list: int
    show_error: bool
    error_title: str
    error_message: str


class AppliedCondition(TypedDict, total=False):
    format_id: int
    entry: int
    kind: str
    operator: str
    formula1: str
    formula2: str
    style: str
    back_color: int | None
    char_color: int | None


class ConditionalFormatInfo(TypedDict):
    active: bool  # some condition entry matches, i.e. its cell style is applied
    applied: list[AppliedCondition]  # one per matching conditional format, in sheet order
    back_color: int | None  # 0xRRGGBB of the first applied style with a background
    cell_back_color: int  # the cell's own CellBackColor (-1 = none), unaffected by formats
    conditions_considered: int
    unsupported: list[AppliedCondition]  # date conditions, colour scales, data bars, icons
    method: str


# --- helpers --------------------------------------------------------------------------------


@functools.cache
def libreoffice_available() -> bool:
    """True when soffice is on PATH and /usr/bin/python3 can import uno."""
    if shutil.which("soffice") is None or not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    try:
        probe = subprocess.run(
            [SYSTEM_PYTHON, "-I", "-c", "import uno"],
            capture_output=True,
            timeout=30,
            check=False,
            env=_clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def _clean_env(tmpdir: Path | None = None) -> dict[str, str]:
    """Environment for soffice and the system Python: no venv or PYTHON* leakage; with
    `tmpdir`, soffice's own temp files (lu*.tmp) go there and vanish with it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.pop("VIRTUAL_ENV", None)
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    return env


def _remove_pipes(profile_url: str, pipe: str | None = None) -> None:
    """Remove the sockets a killed soffice leaves behind: its --accept pipe and the
    single-instance pipe, named after an unpadded-hex MD5 of the profile URL (UTF-16)."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    names = ["SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)]
    if pipe:
        names.append(pipe)
    for folder in ("/tmp", "/var/tmp"):  # osl's pipe directories, TMPDIR does not apply
        for name in names:
            path = Path(folder) / f"OSL_PIPE_{os.getuid()}_{name}"
            with contextlib.suppress(OSError):
                if path.is_socket():
                    path.unlink()


def _write_profile(profile: Path) -> str:
    """Create a fresh profile directory with PROFILE_SETTINGS; return its file URL."""
    user = profile / "user"
    user.mkdir(parents=True)
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, value in PROFILE_SETTINGS
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n</oor:items>\n",
        encoding="utf-8",
    )
    return profile.resolve().as_uri()


def _group_alive(pgid: int) -> bool:
    """Does process group `pgid` still have a live (non-zombie) member?  Zombies count as
    gone: in a container whose PID 1 does not reap, orphaned soffice.bin zombies linger."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def _wait_group_gone(proc: subprocess.Popen[Any], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        proc.poll()  # reap the leader so it does not linger as a zombie
        if not _group_alive(proc.pid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _kill_group(proc: subprocess.Popen[Any] | None, grace: float = 2.0) -> None:
    """Stop the process group led by `proc` (soffice -> oosplash -> soffice.bin): SIGTERM,
    then SIGKILL after `grace` seconds; reap `proc`."""
    if proc is None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if not _group_alive(proc.pid):
            break
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        if _wait_group_gone(proc, wait):
            break
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        data = path.read_bytes()[-limit:]
    except OSError:
        return ""
    return data.decode("utf-8", "replace").strip()


# --- the instance ---------------------------------------------------------------------------


class LibreOffice:
    """One headless soffice + driver.  Use as a context manager (or call start()/close())."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
        auto_restart: bool = True,
        soffice: str | None = None,
    ) -> None:
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.auto_restart = auto_restart
        self.soffice = soffice or shutil.which("soffice") or "soffice"
        self.config: dict[str, Any] = {}
        self.start_seconds: float | None = None
        self.restarts = 0
        self._lock = threading.RLock()
        self._tmp: Path | None = None
        self._pipes: tuple[str, str] | None = None
        self._office: subprocess.Popen[bytes] | None = None
        self._driver: subprocess.Popen[bytes] | None = None
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._next_id = 1
        self._copies = 0
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> LibreOffice:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return (
            self._driver is not None
            and self._driver.poll() is None
            and self._office is not None
            and self._office.poll() is None
        )

    @property
    def pids(self) -> dict[str, int]:
        """Process ids (soffice process group leader, driver), for diagnostics."""
        out = {}
        if self._office is not None:
            out["soffice_pgid"] = self._office.pid
        if self._driver is not None:
            out["driver"] = self._driver.pid
        return out

    @property
    def workdir(self) -> Path | None:
        """Private temp dir (profile, document copies, logs); removed by close()."""
        return self._tmp

    def start(self) -> LibreOffice:
        with self._lock:
            if self.alive:
                return self
            if not libreoffice_available():
                raise LibreOfficeUnavailable(
                    "LibreOffice is not usable: need `soffice` on PATH and python3-uno for "
                    f"{SYSTEM_PYTHON} (apt-get install libreoffice-calc-nogui python3-uno)"
                )
            self._closed = False
            began = time.monotonic()
            try:
                self._start()
            except BaseException:
                self._teardown()
                raise
            self.start_seconds = time.monotonic() - began
            return self

    def _start(self) -> None:
        self._tmp = workdir = Path(tempfile.mkdtemp(prefix="lo-harness-"))
        profile_url = _write_profile(workdir / "profile")
        pipe = f"lo_harness_{os.getpid()}_{secrets.token_hex(6)}"
        self._pipes = (profile_url, pipe)
        deadline = time.monotonic() + self.start_timeout
        office_log = self._tmp / "soffice.log"
        driver_log = self._tmp / "driver.log"
        command = [
            self.soffice,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={profile_url}",
            f"--accept=pipe,name={pipe};urp;",
        ]

        def launch_office() -> subprocess.Popen[bytes]:
            with office_log.open("ab") as log:
                return subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: killpg gets oosplash + .bin
                    env=_clean_env(workdir / "tmp"),
                )

        self._office = launch_office()
        with driver_log.open("ab") as log:
            self._driver = subprocess.Popen(
                [
                    SYSTEM_PYTHON,
                    "-I",
                    str(DRIVER),
                    "--pipe",
                    pipe,
                    "--connect-timeout",
                    str(self.start_timeout),
                    "--watch-pgid",
                    str(self._office.pid),
                    "--cleanup-dir",
                    str(self._tmp),
                    "--profile-url",
                    profile_url,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=_clean_env(),
            )
        self._answers = queue.Queue()
        threading.Thread(
            target=self._read_answers,
            args=(self._driver.stdout, self._answers),
            name="lo-driver-reader",
            daemon=True,
        ).start()

        attempts = 1
        while True:
            try:
                ready = self._answers.get(timeout=0.1)
            except queue.Empty:
                ready = None
            else:
                if ready is None:
                    raise LibreOfficeStartError(f"driver exited during start-up\n{self._logs()}")
                if not ready.get("ok"):
                    raise LibreOfficeStartError(f"driver: {ready.get('error')}\n{self._logs()}")
                self.config = dict(ready["result"].get("config", {}))
                return
            rc = self._office.poll()
            if rc is not None:
                if rc == EXIT_RESTART and attempts < MAX_START_ATTEMPTS:
                    attempts += 1  # first start of a fresh profile: start it again
                    self._office = launch_office()
                    self._send({"cmd": "_watch_pgid", "pgid": self._office.pid})
                    continue
                raise LibreOfficeStartError(f"soffice exited with code {rc}\n{self._logs()}")
            if time.monotonic() > deadline:
                raise LibreOfficeStartError(
                    f"no connection to soffice within {self.start_timeout:.0f} s\n{self._logs()}"
                )

    def restart(self) -> None:
        with self._lock:
            self._teardown()
            self.restarts += 1
            self.start()

    def close(self) -> None:
        """Quit the driver, kill soffice's whole process group, remove the temp dir."""
        with self._lock:
            self._closed = True
            if self.alive:
                office = self._office
                with contextlib.suppress(LibreOfficeError):  # _call tears down on failure
                    self._call("quit", {}, timeout=10)
                if office is not None:  # the driver asked soffice to terminate: let it
                    _wait_group_gone(office, 5.0)
            self._teardown()

    quit = close

    def _teardown(self) -> None:
        driver, office = self._driver, self._office
        self._driver = self._office = None
        if driver is not None:
            if driver.stdin is not None:
                with contextlib.suppress(OSError):
                    driver.stdin.close()  # EOF: the driver kills its watched groups and exits
            try:
                driver.wait(timeout=2)
            except subprocess.TimeoutExpired:
                driver.kill()
                driver.wait(timeout=5)
            if driver.stdout is not None:
                driver.stdout.close()
        _kill_group(office)
        if self._pipes is not None:
            _remove_pipes(*self._pipes)
            self._pipes = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _logs(self) -> str:
        if self._tmp is None:
            return ""
        parts = []
        for name in ("soffice.log", "driver.log"):
            text = _tail(self._tmp / name)
            if text:
                parts.append(f"--- {name} ---\n{text}")
        return "\n".join(parts)

    # -- protocol --------------------------------------------------------------------------

    @staticmethod
    def _read_answers(stream: IO[bytes], answers: queue.Queue[dict[str, Any] | None]) -> None:
        try:
            for raw in stream:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("{"):
                    continue
                try:
                    answers.put(json.loads(line))
                except ValueError:
                    continue
        except (OSError, ValueError):
            pass  # stream closed by _teardown
        answers.put(None)

    def _send(self, request: dict[str, Any]) -> None:
        assert self._driver is not None and self._driver.stdin is not None
        self._driver.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode())
        self._driver.stdin.flush()

    def call(self, cmd: str, timeout: float | None = None, **args: Any) -> Any:
        """Send one command to the driver and return its result (see lo_driver.py)."""
        with self._lock:
            if self._closed:
                raise LibreOfficeError("this LibreOffice instance was closed")
            if not self.alive:
                if not self.auto_restart:
                    raise LibreOfficeDied("LibreOffice is not running (auto_restart is off)")
                self.restart()
            return self._call(cmd, args, timeout=timeout)

    def _call(self, cmd: str, args: dict[str, Any], timeout: float | None) -> Any:
        limit = self.timeout if timeout is None else timeout
        request_id = self._next_id
        self._next_id += 1
        try:
            self._send({**args, "id": request_id, "cmd": cmd})
        except (OSError, ValueError) as exc:
            logs = self._logs()
            self._teardown()
            raise LibreOfficeDied(f"{cmd}: driver is gone ({exc})\n{logs}") from exc
        deadline = time.monotonic() + limit
        while True:
            remaining = deadline - time.monotonic()
            try:
                answer = self._answers.get(timeout=max(0.0, min(remaining, 0.5)))
            except queue.Empty:
                answer = {}
            if answer is None or (answer == {} and not self.alive):
                logs = self._logs()
                self._teardown()
                raise LibreOfficeDied(f"{cmd}: LibreOffice or the driver died\n{logs}")
            if answer.get("id") == request_id:
                break
            if remaining <= 0:
                logs = self._logs()
                self._teardown()
                raise LibreOfficeTimeout(
                    f"{cmd} {args!r} took more than {limit:g} s; LibreOffice was killed\n{logs}"
                )
        if not answer.get("ok"):
            raise LibreOfficeCommandError(f"{cmd}: {answer.get('error')}")
        return answer.get("result")

    # -- commands --------------------------------------------------------------------------

    def open(self, path: str | os.PathLike[str], *, timeout: float | None = None) -> str:
        """Load a private copy of `path` (hidden); return its document id."""
        source = Path(path)
        if not source.is_file():
            raise FileNotFoundError(source)
        with self._lock:
            if not self.alive and not self._closed and self.auto_restart:
                self.restart()
            if self._tmp is None:
                raise LibreOfficeError("LibreOffice is not running")
            self._copies += 1
            folder = self._tmp / "docs" / str(self._copies)
            folder.mkdir(parents=True)
            copy = folder / source.name
            shutil.copyfile(source, copy)
            return cast(str, self.call("open", timeout=timeout, path=str(copy)))

    def close_doc(self, doc: str, *, timeout: float | None = None) -> None:
        self.call("close", timeout=timeout, doc=doc)

    def sheets(self, doc: str) -> list[SheetInfo]:
        return cast(list[SheetInfo], self.call("sheets", doc=doc))

    def set(self, doc: str, sheet: str | int, cell: str, value: float | str | None) -> None:
        """Numbers become values, strings always text (even "=A1"), None clears the cell."""
        self.call("set", doc=doc, sheet=sheet, cell=cell, value=value)

    def set_formula(self, doc: str, sheet: str | int, cell: str, formula: str) -> None:
        """English function names, ";" between arguments, e.g. "=SUM(A1;B1)"."""
        self.call("setformula", doc=doc, sheet=sheet, cell=cell, formula=formula)

    def calc(self, doc: str, *, timeout: float | None = None) -> None:
        """calculateAll(): recompute every formula."""
        self.call("calc", timeout=timeout, doc=doc)

    def get(self, doc: str, sheet: str | int, cell: str) -> CellInfo:
        return cast(CellInfo, self.call("get", doc=doc, sheet=sheet, cell=cell))

    def get_range(self, doc: str, sheet: str | int, rng: str) -> list[list[str]]:
        """Display strings, row by row."""
        return cast(list[list[str]], self.call("get_range", doc=doc, sheet=sheet, range=rng))

    def protection(self, doc: str, sheet: str | int, cell: str) -> ProtectionInfo:
        return cast(ProtectionInfo, self.call("protection", doc=doc, sheet=sheet, cell=cell))

    def sheet_protected(self, doc: str, sheet: str | int) -> bool:
        return bool(self.call("sheet_protected", doc=doc, sheet=sheet))

    def invalid_cells(self, doc: str, sheet: str | int) -> list[str]:
        """Cells violating their data validation, row by row (Calc's "Mark Invalid Data":
        detective circles, see the module docstring; blanks count when IgnoreBlankCells is
        off)."""
        return cast(list[str], self.call("invalid_cells", doc=doc, sheet=sheet))

    def validation(self, doc: str, sheet: str | int, cell: str) -> ValidationInfo:
        return cast(ValidationInfo, self.call("validation", doc=doc, sheet=sheet, cell=cell))

    def export_pdf(
        self,
        doc: str,
        path: str | os.PathLike[str],
        *,
        filter_data: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Path:
        target = Path(path).resolve()
        self.call("export_pdf", timeout=timeout, doc=doc, path=str(target), filter_data=filter_data)
        return target

    def run_basic(self, doc: str, module: str, source: str, function: str, *args: object) -> Any:
        """Add a Basic module to the document and call ``function(*args)`` in it (see
        lo_driver.cmd_run_basic: ``Option VBASupport 1`` runs VBA)."""
        return self.call(
            "run_basic", doc=doc, module=module, source=source, function=function, args=list(args)
        )

    def print_areas(self, doc: str, sheet: str | int) -> list[str]:
        return cast(list[str], self.call("print_areas", doc=doc, sheet=sheet))

    def conditional_format_active(
        self, doc: str, sheet: str | int, cell: str
    ) -> ConditionalFormatInfo:
        """Whether a conditional format currently applies a style to the cell (evaluated
        condition by condition in Calc; see lo_driver.Driver.cmd_conditional_format_active)."""
        return cast(
            ConditionalFormatInfo,
            self.call("conditional_format_active", doc=doc, sheet=sheet, cell=cell),
        )

    def conditional_format_range(
        self, doc: str, sheet: str | int, rng: str, *, timeout: float | None = None
    ) -> list[list[ConditionalFormatInfo]]:
        """conditional_format_active for every cell of `rng`, row by row, in one round trip
        (reads the sheet's formats once: use it for more than a handful of cells)."""
        return cast(
            list[list[ConditionalFormatInfo]],
            self.call("conditional_format_range", timeout=timeout, doc=doc, sheet=sheet, range=rng),
        )


# --- one-shot conversion --------------------------------------------------------------------


def convert(
    path: str | os.PathLike[str],
    fmt: str,
    outdir: str | os.PathLike[str],
    *,
    timeout: float = 120.0,
) -> Path:
    """``soffice --headless --convert-to fmt`` with a private profile; return the output path.

    `fmt` is what --convert-to takes ("pdf", "xlsx", 'csv:Text - txt - csv (StarCalc):44,34,76').
    The profile recalculates on load, so xlsx -> xlsx gives fresh cached values for
    ``openpyxl.load_workbook(..., data_only=True)``.  --convert-to exits 0 even when it fails,
    so the output file is checked.
    """
    if not libreoffice_available():
        raise LibreOfficeUnavailable("LibreOffice is not usable (soffice / python3-uno)")
    source = Path(path).resolve()
    if not source.is_file():
        raise FileNotFoundError(source)
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{source.stem}.{fmt.split(':', 1)[0]}"
    if target == source:
        raise LibreOfficeError(f"converting {source} would overwrite it; use another outdir")
    target.unlink(missing_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lo-convert-"))
    try:
        profile_url = _write_profile(work / "profile")
        command = [
            shutil.which("soffice") or "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            f"-env:UserInstallation={profile_url}",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ]
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=_clean_env(work / "tmp"),
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc, grace=0.5)
            raise LibreOfficeTimeout(
                f"soffice --convert-to {fmt} {source.name} took more than {timeout:g} s"
            ) from None
        finally:
            _kill_group(proc, grace=0.5)  # nothing of this conversion may outlive it
            _remove_pipes(profile_url)
        text = output.decode("utf-8", "replace").strip()
        if not target.is_file() or target.stat().st_size == 0:
            raise LibreOfficeError(
                f"soffice --convert-to {fmt} produced no {target.name} "
                f"(exit code {proc.returncode}): {text}"
            )
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- pytest fixture -------------------------------------------------------------------------


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


_shared: LibreOffice | None = None
_shared_users = 0


def require_libreoffice() -> None:
    """pytest.skip when LibreOffice is missing -- or pytest.fail under CI (env CI set and not
    "0"/"false"/"no"): CI must never silently skip the real-engine tests."""
    if libreoffice_available():
        return
    reason = (
        "LibreOffice not available (need soffice on PATH and python3-uno for "
        f"{SYSTEM_PYTHON}; see scripts/test.sh)"
    )
    if _ci():
        pytest.fail(f"{reason}, and CI is set: refusing to skip", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lo() -> Iterator[LibreOffice]:
    """A started LibreOffice for the whole session (see require_libreoffice for when it
    skips or fails).  Test modules that each import this fixture share one instance."""
    global _shared, _shared_users
    require_libreoffice()
    if _shared is None:
        _shared = LibreOffice().start()
    _shared_users += 1
    try:
        yield _shared
    finally:
        _shared_users -= 1
        if _shared_users == 0:
            _shared.close()
            _shared = None
