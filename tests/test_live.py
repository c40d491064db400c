"""The live backend's choices, on fakes of xlwings/COM (Excel cannot run here): the calling book,
and a snapshot the reader can take whatever the workbook's format."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from jixiao.excel import live
from jixiao.service.refusals import ActionError


class FakeWorkbookApi:
    """The COM Workbook: SaveCopyAs writes a real .xlsx (whatever the name: as Excel does, the
    bytes keep the book's own format, here marked by a text file for non-OOXML formats)."""

    def __init__(self, file_format: int, log: list[Any]) -> None:
        self.FileFormat = file_format
        self.log = log

    def SaveCopyAs(self, path: str) -> None:
        self.log.append(("SaveCopyAs", Path(path).name))
        if self.FileFormat in live.READABLE_FORMATS:
            openpyxl.Workbook().save(path)
        else:
            Path(path).write_text(f"format {self.FileFormat}")


class FakeOpened:
    def __init__(self, path: str, log: list[Any]) -> None:
        self.path, self.log = path, log

    def SaveAs(self, path: str, FileFormat: int) -> None:
        self.log.append(("SaveAs", Path(path).name, FileFormat))
        openpyxl.Workbook().save(path)

    def Close(self, SaveChanges: bool) -> None:
        self.log.append(("Close", SaveChanges))


class FakeAppApi:
    def __init__(self, log: list[Any], fail: bool = False) -> None:
        self.log, self.fail = log, fail
        self.EnableEvents, self.AutomationSecurity, self.ScreenUpdating = True, 1, True
        self.Workbooks = SimpleNamespace(Open=self.open)

    def open(self, path: str, **options: Any) -> FakeOpened:
        self.log.append(("Open", Path(path).suffix, options["ReadOnly"], options["UpdateLinks"]))
        self.log.append(("while open", self.EnableEvents, self.AutomationSecurity))
        if self.fail:
            raise OSError("com_error: the file format is not valid")
        return FakeOpened(path, self.log)


def fake_book(name: str, file_format: int, fail: bool = False) -> tuple[Any, list[Any]]:
    log: list[Any] = []
    app = SimpleNamespace(api=FakeAppApi(log, fail), display_alerts=True)
    book = SimpleNamespace(
        name=name,
        api=FakeWorkbookApi(file_format, log),
        app=app,
        activate=lambda: log.append(("activate",)),
    )
    return book, log


@pytest.mark.parametrize(
    ("name", "file_format", "suffix"),
    [("报表.xlsx", 51, ".xlsx"), ("工作簿1", 51, ".xlsx"), ("宏.xlsm", 52, ".xlsm")],
)
def test_readable_formats_are_copied_as_they_are(name: str, file_format: int, suffix: str) -> None:
    book, log = fake_book(name, file_format)
    live_book = live.XlwingsBook(book)  # its temporary folder lives as long as it does
    copy = live_book.snapshot()
    assert copy.suffix == suffix and copy.is_file()
    assert log == [("SaveCopyAs", f"snapshot{suffix}")]
    openpyxl.load_workbook(copy)  # what the reader gets is a workbook it can open


@pytest.mark.parametrize(
    ("name", "file_format"), [("旧表.xls", 56), ("二进制.xlsb", 50), ("导出.csv", 6), ("无名", 56)]
)
def test_other_formats_are_converted_to_xlsx(name: str, file_format: int) -> None:
    book, log = fake_book(name, file_format)
    live_book = live.XlwingsBook(book)  # its temporary folder lives as long as it does
    copy = live_book.snapshot()
    assert copy.name == "snapshot.xlsx"
    openpyxl.load_workbook(copy)
    original = Path(name).suffix or ".xls"
    assert log[0][0] == "SaveCopyAs" and log[0][1].endswith(original)
    assert log[1] == ("Open", original, True, 0)
    assert log[2] == ("while open", False, live.FORCE_DISABLE)  # no macro or event of the copy
    assert log[3:] == [("SaveAs", "snapshot.xlsx", 51), ("Close", False), ("activate",)]
    app = book.app.api
    assert (app.EnableEvents, app.AutomationSecurity, app.ScreenUpdating) == (True, 1, True)
    assert book.app.display_alerts is True


def test_a_workbook_excel_cannot_convert_gets_a_clear_message() -> None:
    book, _ = fake_book("奇怪.et", 56, fail=True)
    with pytest.raises(ActionError, match=r"无法读取本工作簿（\.et 格式）：请先“另存为”"):
        live.XlwingsBook(book).snapshot()
    assert book.api is not None and book.app.api.EnableEvents is True


def test_the_ribbon_works_on_the_calling_book(monkeypatch: pytest.MonkeyPatch) -> None:
    import xlwings as xw

    book, _ = fake_book("报表.xlsx", 51)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book), raising=False)
    monkeypatch.setattr(xw, "books", None, raising=False)  # the active book is never asked
    with live.caller_book() as live_book:
        assert live_book.book is book
        folder = Path(live_book._folder.name)
        assert folder.is_dir()
    assert not folder.exists()


def test_the_status_bar_shows_progress_and_is_given_back() -> None:
    book, _ = fake_book("报表.xlsx", 51)
    live_book = live.XlwingsBook(book)
    live_book.status("jixiao 汇总：读取与校验 3/10")
    assert book.app.status_bar == "jixiao 汇总：读取与校验 3/10"
    live_book.status(None)
    assert book.app.status_bar is False  # xlwings: False hands the bar back to Excel


def test_a_status_bar_excel_refuses_does_not_stop_the_work() -> None:
    class Refusing:
        @property
        def status_bar(self) -> str:
            return ""

        @status_bar.setter
        def status_bar(self, value: object) -> None:
            raise OSError("com_error: the application is busy")

    book = SimpleNamespace(name="报表.xlsx", app=Refusing())
    live.XlwingsBook(book).status("jixiao 汇总：写入汇总工作簿 40%")  # no error


def located(full: str) -> Path | None:
    return live.XlwingsBook(SimpleNamespace(api=SimpleNamespace(FullName=full))).location()


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clerk's folders: temporary files and Outlook's cache in their own places, OneDrive
    synced to a folder of the user's own (not below either)."""
    temporary = tmp_path / "Temp"
    temporary.mkdir()
    monkeypatch.setattr(live.tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("TEMP", str(temporary))
    monkeypatch.setenv("TMP", str(temporary))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    monkeypatch.setenv("OneDrive", str(tmp_path / "OneDrive"))
    monkeypatch.delenv("OneDriveConsumer", raising=False)
    return tmp_path


def test_a_workbook_on_this_pc_is_located(desk: Path) -> None:
    book = desk / "文档" / "绩效目标.xlsx"
    book.parent.mkdir()
    book.write_bytes(b"")
    assert located(str(book)) == book
    assert located("工作簿1") is None  # never saved


def test_a_onedrive_synced_workbook_is_located_at_its_copy_on_this_pc(desk: Path) -> None:
    """Excel reports the https address of a book OneDrive keeps in sync (the templates the
    installer puts into a Documents folder OneDrive backs up): the synced file is on this PC."""
    synced = desk / "OneDrive" / "文档" / "jixiao模板" / "绩效目标模板.xlsx"
    synced.parent.mkdir(parents=True)
    synced.write_bytes(b"")
    url = "https://d.docs.live.net/0123abcd/文档/jixiao模板/绩效目标模板.xlsx"
    assert located(url) == synced
    assert located("https://d.docs.live.net/0123abcd/文档/不在本机.xlsx") is None
    assert located("https://example.com/sites/x/y/z.xlsx") is None  # no synced copy


def test_a_workbook_opened_from_a_mail_or_a_zip_is_not_a_place_to_write(desk: Path) -> None:
    """Outlook opens an attachment from its cache and a zip's workbook is unpacked into the
    temporary folder: a publication written beside them would be cleared away."""
    outlook = desk / "AppData" / "Local" / "Microsoft" / "Windows" / "INetCache"
    attachment = outlook / "Content.Outlook" / "AB12CD34" / "报送-某某法院.xlsx"
    unzipped = desk / "Temp" / "Temp1_报送.zip" / "某某法院.xlsx"
    for book in (attachment, unzipped):
        book.parent.mkdir(parents=True)
        book.write_bytes(b"")
        assert located(str(book)) is None
    assert live.temporary(Path(str(unzipped).upper())) is (os.name == "nt")  # as Windows compares


def test_a_sharepoint_workbook_is_found_only_where_its_library_is_synced(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """xlwings' last resort searched the synced folders for the bare file name and found
    another library's 绩效目标表.xlsx (a review): the publication went beside the wrong file.
    Only the folder OneDrive registered for the library counts."""
    import xlwings.utils

    synced = desk / "OneDrive - 某某法院"
    decoy = desk / "某某法院" / "办公室 - Documents" / "2025归档" / "绩效目标表.xlsx"
    decoy.parent.mkdir(parents=True)
    decoy.write_bytes(b"last year's")
    monkeypatch.setenv("OneDriveCommercial", str(synced))
    url = "https://court.sharepoint.com/sites/Finance/Shared Documents/2026/绩效目标表.xlsx"
    monkeypatch.setattr(xlwings.utils, "get_url_to_mount", dict)  # nothing registered
    assert located(url) is None
    mount = desk / "财务 - Shared Documents"
    (mount / "2026").mkdir(parents=True)
    (mount / "2026" / "绩效目标表.xlsx").write_bytes(b"")
    namespace = "https://court.sharepoint.com/sites/Finance/Shared Documents/"
    monkeypatch.setattr(xlwings.utils, "get_url_to_mount", lambda: {namespace: str(mount)})
    assert located(url) == mount / "2026" / "绩效目标表.xlsx"
    encoded = "https://court.sharepoint.com/sites/Finance/Shared Documents/2026/%E7%BB%A9%E6%95%88"
    encoded += "%E7%9B%AE%E6%A0%87%E8%A1%A8.xlsx"
    assert located(encoded) == mount / "2026" / "绩效目标表.xlsx"


@pytest.mark.parametrize("temp", ["profile", "root", "relative"])
def test_a_temporary_folder_set_too_broadly_refuses_nothing_of_the_clerks(
    desk: Path, monkeypatch: pytest.MonkeyPatch, temp: str
) -> None:
    """TEMP set to the user's own folder, a drive or a relative path (old setups, IT scripts:
    a review) would make every workbook 'temporary' and 生成公开文本 refuse them all."""
    profile = desk / "me"
    book = profile / "Documents" / "报送" / "x.xlsx"
    book.parent.mkdir(parents=True)
    book.write_bytes(b"")
    monkeypatch.setenv("HOME", str(profile))
    monkeypatch.setenv("USERPROFILE", str(profile))
    broad = {"profile": str(profile), "root": os.path.abspath(os.sep), "relative": "."}[temp]
    monkeypatch.chdir(profile / "Documents")
    monkeypatch.setenv("TEMP", broad)
    monkeypatch.setenv("TMP", broad)
    assert located(str(book)) == book
