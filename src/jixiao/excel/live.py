"""The Book interface on the workbook open in Excel (xlwings, Windows).

Deliberately thin: each method is a few COM calls that the file backend mirrors and that the
manual Windows acceptance run (docs/windows-acceptance.md) exercises.  All logic lives in the
handlers, tested on Linux through :class:`jixiao.excel.book.FileBook`.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jixiao.a1 import quote_sheet
from jixiao.excel.sheets import ProjectSheets
from jixiao.service.refusals import ActionError
from jixiao.template.cell_styles import INPUT_COLOR
from jixiao.template.layout import PASSWORD

_TEXT_PREFIXES = ("=", "+", "-", "@")

XL_OPEN_XML_WORKBOOK = 51
READABLE_FORMATS = {XL_OPEN_XML_WORKBOOK: ".xlsx", 52: ".xlsm"}
"""Excel's XlFileFormat values the reader takes as they are: xlOpenXMLWorkbook (also what a new,
never saved workbook reports) and xlOpenXMLWorkbookMacroEnabled."""
XL_SHEET_VISIBLE = -1
"""XlSheetVisibility.xlSheetVisible."""
FORCE_DISABLE = 3
"""msoAutomationSecurityForceDisable: no macro of the copy runs while it is converted."""
NO_PASSWORD = "jixiao-no-password"
"""Given to Open so that a password-protected copy fails instead of prompting the clerk."""


def as_text_for_excel(value: object) -> object:
    """Excel parses '=…' (and +, -, @) written through COM as formulas: make them text."""
    if isinstance(value, str) and value.startswith(_TEXT_PREFIXES):
        return "'" + value
    return value


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


class XlwingsBook:
    """An xlwings ``Book`` behind the handlers' Book interface."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._folder = tempfile.TemporaryDirectory(prefix="jixiao-")

    @contextmanager
    def _unprotected(self, sheet: str | None = None) -> Iterator[Any]:
        target = self.book.sheets[sheet].api if sheet else self.book.api
        target.Unprotect(PASSWORD)
        try:
            yield target
        finally:
            if sheet:
                target.Protect(
                    Password=PASSWORD, AllowFormattingColumns=True, AllowFormattingRows=True
                )
            else:
                target.Protect(Password=PASSWORD, Structure=True)

    def snapshot(self) -> Path:
        """A copy of what is on screen, in a format the reader takes; the clerk's file is
        untouched.  ``SaveCopyAs`` writes the workbook's own format whatever the name says, so
        a .xlsx or .xlsm book is copied as such and any other (.xls, .xlsb, .csv, an .et from
        WPS…) is copied under its own suffix, opened hidden with macros and events off, and saved
        as .xlsx."""
        folder = Path(self._folder.name)
        file_format = int(self.book.api.FileFormat)
        suffix = READABLE_FORMATS.get(file_format)
        if suffix:
            copy = folder / f"snapshot{suffix}"
            self.book.api.SaveCopyAs(str(copy))
            return copy
        original = Path(str(self.book.name)).suffix or ".xls"
        copy = folder / f"jixiao-{uuid.uuid4().hex[:8]}{original}"  # Excel opens one name once
        self.book.api.SaveCopyAs(str(copy))
        target = folder / "snapshot.xlsx"
        try:
            self._convert(copy, target)
        except Exception as exc:  # COM errors (pywintypes.com_error) have no common base
            raise ActionError(
                f"无法读取本工作簿（{original} 格式）：请先“另存为”Excel 工作簿（.xlsx）再试"
            ) from exc
        return target

    def _convert(self, copy: Path, target: Path) -> None:
        """Open ``copy`` hidden (no macros, events, links or prompts) and save it as .xlsx."""
        app = self.book.app.api
        saved = (app.EnableEvents, app.AutomationSecurity, app.ScreenUpdating)
        app.EnableEvents, app.AutomationSecurity, app.ScreenUpdating = False, FORCE_DISABLE, False
        self.book.app.display_alerts = False
        try:
            opened = app.Workbooks.Open(
                str(copy),
                UpdateLinks=0,
                ReadOnly=True,
                IgnoreReadOnlyRecommended=True,
                Password=NO_PASSWORD,
                AddToMru=False,
            )
            try:
                opened.SaveAs(str(target), FileFormat=XL_OPEN_XML_WORKBOOK)
            finally:
                opened.Close(SaveChanges=False)
        finally:
            app.EnableEvents, app.AutomationSecurity, app.ScreenUpdating = saved
            self.book.app.display_alerts = True
            self.book.activate()

    def sheet_names(self) -> list[str]:
        """Sheet names in order."""
        return [sheet.name for sheet in self.book.sheets]

    def values(self, name: str) -> list[list[object]]:
        """The used range's values from A1."""
        used = self.book.sheets[name].used_range
        values = self.book.sheets[name].range((1, 1), used.last_cell).options(ndim=2).value
        return [list(row) for row in values]

    def replace_sheet(
        self, name: str, rows: list[list[object]], widths: list[float], heading_rows: int = 1
    ) -> None:
        """Delete and recreate a result sheet at the end."""
        with self._unprotected():
            self.delete_sheet(name)
            sheet = self.book.sheets.add(name, after=self.book.sheets[-1])
            width = max(len(row) for row in rows)
            padded = [
                [as_text_for_excel(v) for v in row] + [None] * (width - len(row)) for row in rows
            ]
            sheet.range((1, 1)).value = padded  # rows from A1, as the handlers write them
            for column, size in enumerate(widths, start=1):
                sheet.range((1, column)).column_width = size
            sheet.range(f"1:{heading_rows}").font.bold = True

    def delete_sheet(self, name: str) -> None:
        """Delete a sheet if present (the caller holds structure unprotected when needed)."""
        if name in self.sheet_names():
            self.book.app.display_alerts = False
            try:
                self.book.sheets[name].delete()
            finally:
                self.book.app.display_alerts = True

    def link(self, sheet: str, ref: str, target_sheet: str, target_ref: str) -> None:
        """An in-workbook hyperlink."""
        anchor = self.book.sheets[sheet].range(ref)
        self.book.sheets[sheet].api.Hyperlinks.Add(
            Anchor=anchor.api,
            Address="",
            SubAddress=f"{quote_sheet(target_sheet)}!{target_ref}",
            TextToDisplay=str(anchor.value or target_ref),
        )

    def mark(self, sheet: str, ref: str, color: str | None) -> None:
        """Fill or restore a cell through the sheet's protection."""
        with self._unprotected(sheet):
            cell = self.book.sheets[sheet].range(ref)
            if color is None:
                unlocked = not cell.api.Locked
                cell.color = _rgb(INPUT_COLOR) if unlocked else None
            else:
                cell.color = _rgb(color)

    def is_hidden(self, name: str) -> bool:
        """Worksheet.Visible is xlSheetVisible (-1) for a shown sheet."""
        return bool(self.book.sheets[name].api.Visible != XL_SHEET_VISIBLE)

    def show_sheet(self, name: str, print_area: str) -> None:
        """Unhide through the structure protection; the print area is the sheet's own."""
        with self._unprotected():
            sheet = self.book.sheets[name].api
            sheet.Visible = XL_SHEET_VISIBLE
            sheet.PageSetup.PrintArea = print_area

    def print_area(self, name: str) -> str | None:
        """``PageSetup.PrintArea`` (``$A$1:$G$35``, "" when none) without the dollars."""
        area = str(self.book.sheets[name].api.PageSetup.PrintArea or "")
        return area.replace("$", "") or None

    def set_print_area(self, name: str, area: str) -> None:
        """``PageSetup.PrintArea``, the sheet unprotected meanwhile."""
        with self._unprotected(name) as sheet:
            sheet.PageSetup.PrintArea = area

    def hidden_rows(self, name: str, rows: list[int]) -> list[int]:
        """``Rows(n).Hidden``, one row at a time (only rows that hold something are asked)."""
        sheet = self.book.sheets[name].api
        return [row for row in rows if bool(sheet.Rows(row).Hidden)]

    def show_rows(self, name: str, rows: list[int]) -> None:
        """``Rows(n).Hidden = False``, the sheet unprotected meanwhile."""
        with self._unprotected(name) as sheet:
            for row in rows:
                sheet.Rows(row).Hidden = False

    def add_project_sheet(self, sheets: ProjectSheets, number: int) -> None:
        """Copy the layout's first project sheet after its last one, clear the inputs, renumber
        its title, show it and let it print the whole blank form."""
        projects = [s for s in self.book.sheets if sheets.number(s.name) is not None]
        with self._unprotected():
            projects[0].api.Copy(After=projects[-1].api)
            sheet = self.book.sheets[projects[-1].index]  # the copy sits right after it
            sheet.name = sheets.sheet_name(number)
            sheet.api.Visible = XL_SHEET_VISIBLE  # a copy of a hidden prototype is hidden
            with self._unprotected(sheet.name):
                for ref in sheets.input_cells():
                    sheet.range(ref).clear_contents()
                    sheet.range(ref).color = _rgb(INPUT_COLOR)
                sheet.range(sheets.title_cell).formula = sheets.title(number)
                sheet.api.PageSetup.PrintArea = sheets.print_area  # not the prototype's used rows

    def write_cell(self, sheet: str, ref: str, value: str | int | float | None) -> None:
        """Write one cell through the sheet's protection."""
        with self._unprotected(sheet):
            self.book.sheets[sheet].range(ref).value = value

    def pick_folder(self) -> Path | None:
        """Excel's folder picker (msoFileDialogFolderPicker = 4); None when cancelled."""
        dialog = self.book.app.api.FileDialog(4)
        dialog.Title = "选择存放下属单位报送文件的文件夹（取消则汇总本工作簿的各部门）"
        if dialog.Show() != -1:
            return None
        return Path(dialog.SelectedItems(1))

    def pick_file(self) -> Path | None:
        """Excel's open dialog for a published document; None when cancelled."""
        chosen = self.book.app.api.GetOpenFilename(
            "绩效目标文件 (*.docx;*.txt;*.md),*.docx;*.txt;*.md", 1, "选择要导入的绩效目标文件"
        )
        return None if chosen is False else Path(str(chosen))

    def notify(self, text: str) -> None:
        """A message box."""
        self.book.app.alert(text, title="jixiao 绩效目标")

    def status(self, text: str | None) -> None:
        """Excel's status bar (False hands it back to Excel).  Never an error: a status line
        is not worth stopping the work for (a busy or closing Excel may refuse the call)."""
        with suppress(Exception):  # any COM failure: the work goes on without it
            self.book.app.status_bar = text if text is not None else False

    def confirm(self, text: str) -> bool:
        """A 是/否 message box (xlwings answers "yes" or "no")."""
        return bool(self.book.app.alert(text, title="jixiao 绩效目标", buttons="yes_no") == "yes")

    def location(self) -> Path | None:
        """Where the workbook lives on this computer, a folder to write beside: ``FullName``,
        or for a book OneDrive/SharePoint keeps in sync (Excel then reports its https address)
        the synced file on this PC, as xlwings maps it.  None for a never-saved book (its
        FullName is its bare name, 工作簿1), a web book with no synced copy, and a book opened
        straight from a mail attachment or a zip (:func:`temporary`): what is written there
        is lost when Outlook or Windows clears the folder."""
        try:  # the COM FullName: xlwings' own fullname reads a config sheet first
            full = str(self.book.api.FullName)
        except Exception:  # noqa: BLE001 - COM errors (pywintypes.com_error) have no common base
            return None
        if "://" in full:
            synced = _synced_copy(full)
            if synced is None:
                return None
            full = synced
        path = Path(full)
        if not (path.is_absolute() and path.parent.is_dir()) or temporary(path):
            return None
        return path

    def save(self) -> None:
        """Never called by the ribbon: the clerk decides when to save."""
        self.book.save()


_SHAREPOINT_SITE = re.compile(r"https?://[^/]*/sites/[^/]*/[^/]*/.")
"""A SharePoint library's address (``…/sites/<site>/<library>/<file>``), as xlwings tells
them from OneDrive's."""


def _synced_copy(url: str) -> str | None:
    """The file on this PC that OneDrive keeps in sync with ``url``, or None.  A personal or
    work OneDrive: xlwings' mapping (the OneDrive folder from the environment or xlwings'
    settings, plus the address's path; it raises when no such file is there).  A SharePoint
    library: only the folder the OneDrive client registered for it (:func:`_mounted`).

    Never xlwings' last resort for a SharePoint address, a search of the synced folders for a
    file of the same name: a review found it took another library's 绩效目标表.xlsx (last
    year's, in an archive folder) for the workbook at hand, so the publication was written
    beside the wrong file, and on a large synced tree the search froze Excel."""
    try:
        from xlwings import utils

        if _SHAREPOINT_SITE.match(url):
            mounts = utils.get_url_to_mount()  # type: ignore[no-untyped-call]  # (untyped)
            return _mounted(url, mounts)
        return str(utils.fullname_url_to_local_path(url))
    except Exception:  # noqa: BLE001 - XlwingsError, a registry error, odd input
        return None


def _mounted(url: str, mounts: dict[str, str]) -> str | None:
    """``url`` under a synced library: its registered address (``URLNamespace``) replaced by
    the folder it is synced to (``MountPoint``), when that file exists; the rest of the path
    as Excel reports it or percent-decoded."""
    for namespace, mount in mounts.items():
        if not namespace or not url.startswith(namespace):
            continue
        rest = url[len(namespace) :].strip("/")
        for written in dict.fromkeys((rest, unquote(rest))):
            local = Path(mount, *written.split("/"))
            if local.is_file():
                return str(local)
    return None


def temporary_folders() -> list[Path]:
    """Folders whose files Windows or Outlook clear away: the temporary folder (a workbook
    opened from inside a zip is unpacked there, ``Temp1_*.zip``) and the Internet cache (an
    Outlook attachment opened and given 启用编辑 lives in its ``Content.Outlook`` folder).
    A temporary folder set to something broader (a drive, the user's own folder or one above
    it, a relative path: a review set TEMP so) is no such folder: all under it would be
    refused."""
    folders = [Path(tempfile.gettempdir())]
    folders += [Path(os.environ[name]) for name in ("TEMP", "TMP") if os.environ.get(name)]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        windows = Path(local, "Microsoft", "Windows")
        folders += [windows / "INetCache", windows / "Temporary Internet Files"]
    home = _real(Path.home())
    kept = []
    for folder in folders:
        real = _real(folder)
        if folder.is_absolute() and real.parent != real and not _inside(home, real):
            kept.append(real)
    return kept


def _real(path: Path) -> Path:
    """``path`` resolved as the system names it (links followed; on Windows also 8.3 short
    names such as ``ADMINI~1``, in which TEMP is often set, made long)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (compared as Windows does:
    case-insensitively, either slash)."""
    here, root = os.path.normcase(path), os.path.normcase(folder)
    try:
        return os.path.commonpath([here, root]) == root
    except ValueError:  # another drive (D: against C: on Windows): not inside it
        return False


def temporary(path: Path) -> bool:
    """Whether ``path`` lies in one of :func:`temporary_folders`."""
    here = _real(path)
    return any(_inside(here, folder) for folder in temporary_folders())


@contextmanager
def caller_book() -> Iterator[XlwingsBook]:
    """The workbook whose ribbon button was clicked (``xw.Book.caller()``: the add-in hands it
    over explicitly, so another Excel window or instance can never be picked by mistake)."""
    import xlwings as xw  # only here: the rest of jixiao works without Excel

    book = XlwingsBook(xw.Book.caller())
    try:
        yield book
    finally:
        book._folder.cleanup()
