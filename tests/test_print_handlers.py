"""What the ribbon's handlers do about print areas, through the file backend (FileBook):
一键校验 gives back its whole area to a sheet whose print area leaves a filled row off paper
(a workbook imported before the areas were kept whole), never cuts one; 新建项目表 makes 总览
print the row of the sheet it adds or shows."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl

from jixiao.excel.book import FileBook
from jixiao.excel.handlers import (
    PrintFixes,
    new_project_sheet,
    print_filled_rows,
    validate_book,
)
from jixiao.excel.sheets import layouts
from jixiao.service.demo import sample
from jixiao.template.application import APPLICATION
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import LAYOUT

P, S = LAYOUT.project, LAYOUT.summary
ADDED = "补填的指标"


def two_projects(tmp_path: Path) -> Path:
    """Seed 001's first two projects, filled as an import fills them."""
    seed = sample("seed-001.json")
    path = tmp_path / "两个项目.xlsx"
    save_workbook(fill_workbook(dataclasses.replace(seed, projects=seed.projects[:2])), path)
    return path


def cut_as_before(path: Path, sheet: str, last_row: int, last_column: str) -> None:
    """The print area an import wrote before: down to the last imported row."""
    wb = openpyxl.load_workbook(path)
    wb[sheet].print_area = f"A1:{last_column}{last_row}"
    wb.save(path)


def indicators(path: Path, sheet: str) -> int:
    ws = openpyxl.load_workbook(path)[sheet]
    return sum(1 for row in P.indicator_rows() if ws[P.row_cell("level3", row)].value)


def area_of(path: Path, sheet: str) -> str:
    return str(openpyxl.load_workbook(path)[sheet].print_area).split("!")[-1].replace("$", "")


def test_validate_widens_a_cut_print_area_that_leaves_an_added_row_off_paper(
    tmp_path: Path,
) -> None:
    path = two_projects(tmp_path)
    count = indicators(path, "项目1")
    last = P.first_row + count - 1
    cut_as_before(path, "项目1", last, P.last_column)
    cut_as_before(path, "项目2", P.first_row + indicators(path, "项目2") - 1, P.last_column)
    wb = openpyxl.load_workbook(path)
    wb["项目1"][P.row_cell("level3", last + 1)] = ADDED  # typed below the imported rows
    wb.save(path)
    book = FileBook(path)
    validate_book(book)
    book.save()
    assert area_of(path, "项目1") == P.printing.area  # the whole form again
    assert area_of(path, "项目2") == f"A1:G{P.first_row + indicators(path, '项目2') - 1}"
    assert "已把“项目1”的打印区域恢复为整张表" in book.messages[-1]


def test_validate_leaves_whole_and_covering_areas_alone(tmp_path: Path) -> None:
    path = two_projects(tmp_path)
    cut_as_before(path, "项目2", P.first_row + indicators(path, "项目2") + 3, P.last_column)
    book = FileBook(path)
    assert print_filled_rows(book) == PrintFixes()
    validate_book(book)
    book.save()
    assert area_of(path, "项目1") == P.printing.area
    assert area_of(path, "项目2") == f"A1:G{P.first_row + indicators(path, '项目2') + 3}"
    assert "打印区域" not in book.messages[-1]


def test_validate_widens_the_department_grids_too(tmp_path: Path) -> None:
    path = tmp_path / "004.xlsx"
    save_workbook(fill_workbook(sample("seed-004.json")), path)
    d = LAYOUT.department
    cut_as_before(path, d.name, d.measures_first_row, d.last_column)  # 12 measures imported
    book = FileBook(path)
    assert print_filled_rows(book).widened == [d.name]
    assert book.print_area(d.name) == d.printing.area


def test_validate_shows_a_hidden_row_that_holds_something(tmp_path: Path) -> None:
    """An import hides the unused 分项 rows; one filled while hidden (pasted over it) would
    print never: 一键校验 shows it and says so."""
    path = tmp_path / "004.xlsx"
    save_workbook(fill_workbook(sample("seed-004.json")), path)
    d = LAYOUT.department
    wb = openpyxl.load_workbook(path)
    ws = wb[d.name]
    blocks = range(d.blocks_first_row, d.blocks_last_row + 1)
    hidden = [r for r in blocks if ws.row_dimensions[r].hidden]
    assert len(hidden) == 15  # 45 of the 60 分项 rows used
    ws[d.block_cell("level3", hidden[2])] = ADDED
    wb.save(path)
    book = FileBook(path)
    validate_book(book)
    book.save()
    ws = openpyxl.load_workbook(path)[d.name]
    assert ws.row_dimensions[hidden[2]].hidden is False
    assert [r for r in hidden if ws.row_dimensions[r].hidden] == hidden[:2] + hidden[3:]
    assert f"已取消隐藏“{d.name}”第 {hidden[2]} 行" in book.messages[-1]
    book = FileBook(path)
    assert print_filled_rows(book) == PrintFixes()  # nothing more to do


def test_validate_widens_an_application_form(tmp_path: Path) -> None:
    a = APPLICATION.project
    path = tmp_path / "申报表.xlsx"
    save_workbook(fill_application(sample("other-104.json"), min_projects=1), path)
    cut_as_before(path, "申报表1", a.first_row, a.last_column)
    book = FileBook(path)
    assert print_filled_rows(book).widened == ["申报表1"]
    assert book.print_area("申报表1") == a.printing.area


def test_showing_a_hidden_sheet_prints_its_summary_row(tmp_path: Path) -> None:
    path = two_projects(tmp_path)
    assert area_of(path, S.name).endswith(f"F{S.row(2)}")  # 总览 of the two projects
    book = FileBook(path)
    assert new_project_sheet(book) == "项目3"
    book.save()
    assert area_of(path, S.name) == S.printing(3).area


def test_validate_prints_the_summary_row_of_a_sheet_shown_by_hand(tmp_path: Path) -> None:
    path = two_projects(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["项目3"].sheet_state = "visible"  # unhidden with the password, not with 新建项目表
    wb["项目3"].print_area = P.printing.area
    wb.save(path)
    book = FileBook(path)
    assert print_filled_rows(book).widened == [S.name]
    assert book.print_area(S.name) == S.printing(3).area
    assert print_filled_rows(book) == PrintFixes()


def test_adding_a_sheet_prints_its_summary_row(tmp_path: Path) -> None:
    path = tmp_path / "004.xlsx"
    save_workbook(fill_workbook(sample("seed-004.json")), path)
    book = FileBook(path)
    assert new_project_sheet(book) == "项目16"
    book.save()
    assert area_of(path, S.name) == S.printing(16).area


def test_each_layout_names_every_sheet_that_ends_with_a_grid() -> None:
    first, application = layouts()
    assert first.printing_of("项目7") == P.printing
    assert first.printing_of(LAYOUT.overall.name) == LAYOUT.overall.printing
    assert first.printing_of(LAYOUT.department.name) == LAYOUT.department.printing
    assert first.printing_of(S.name) is None and first.printing_of("申报表1") is None
    assert application.printing_of("申报表2") == APPLICATION.project.printing
    department = APPLICATION.department
    assert application.printing_of(department.name) == department.printing
    for sheets in layouts():
        grids = [sheets.printing, *(how for _, how in sheets.other_grids)]
        assert all(how.grid is not None for how in grids)


class FakeRow:
    """A COM row: Hidden, which the protection does not let change."""

    def __init__(self, sheet: FakeSheetApi) -> None:
        self.sheet, self._hidden = sheet, False

    @property
    def Hidden(self) -> bool:
        return self._hidden

    @Hidden.setter
    def Hidden(self, hidden: bool) -> None:
        assert not self.sheet.protected, "shown through the protection"
        self._hidden = hidden


class FakeSheetApi:
    """A COM Worksheet: its PageSetup.PrintArea, and protection that refuses page set-up."""

    def __init__(self, area: str, log: list[object]) -> None:
        self.protected, self.log = True, log
        self._area = area
        self.PageSetup = self
        self.rows: dict[int, FakeRow] = {}

    def Rows(self, row: int) -> FakeRow:
        return self.rows.setdefault(row, FakeRow(self))

    @property
    def PrintArea(self) -> str:
        return self._area

    @PrintArea.setter
    def PrintArea(self, area: str) -> None:
        assert not self.protected, "set through the protection"
        self.log.append(("PrintArea", area))
        self._area = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", area)  # as Excel gives it back

    def Unprotect(self, password: str) -> None:
        self.protected = False
        self.log.append(("Unprotect", password))

    def Protect(self, **options: object) -> None:
        self.protected = True
        self.log.append(("Protect", options))


def test_the_live_book_reads_and_sets_print_areas_through_the_protection() -> None:
    from types import SimpleNamespace

    from jixiao.excel.live import XlwingsBook
    from jixiao.template.layout import PASSWORD

    log: list[object] = []
    sheets = {
        "项目1": SimpleNamespace(api=FakeSheetApi("$A$1:$G$16", log)),
        "项目2": SimpleNamespace(api=FakeSheetApi("", log)),
    }
    book = XlwingsBook(SimpleNamespace(sheets=sheets))
    try:
        assert book.print_area("项目1") == "A1:G16" and book.print_area("项目2") is None
        book.set_print_area("项目1", P.printing.area)
    finally:
        book._folder.cleanup()
    assert book.print_area("项目1") == P.printing.area
    assert log[0] == ("Unprotect", PASSWORD) and log[1] == ("PrintArea", P.printing.area)
    assert log[2][0] == "Protect" and sheets["项目1"].api.protected


def test_the_live_book_shows_hidden_rows_through_the_protection() -> None:
    from types import SimpleNamespace

    from jixiao.excel.live import XlwingsBook

    log: list[object] = []
    api = FakeSheetApi("", log)
    for row in (70, 72):
        api.protected = False
        api.Rows(row).Hidden = True
    api.protected = True
    book = XlwingsBook(SimpleNamespace(sheets={"部门整体绩效目标": SimpleNamespace(api=api)}))
    try:
        assert book.hidden_rows("部门整体绩效目标", [69, 70, 71, 72]) == [70, 72]
        book.show_rows("部门整体绩效目标", [70])
        assert book.hidden_rows("部门整体绩效目标", [69, 70, 71, 72]) == [72]
    finally:
        book._folder.cleanup()
    assert api.protected
