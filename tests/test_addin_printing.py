"""The add-in's print-area events (Excel): ThisWorkbook listens to the application's
WorkbookBeforePrint and WorkbookBeforeSave and calls JixiaoSupport.FitPrintAreas, whose table of
grids is generated from the same layouts the Python handlers use.  Excel cannot run here: these
tests hold the generated VBA to the layouts; test_addin_printing_lo.py runs it in LibreOffice's
VBA mode."""

from __future__ import annotations

import re

from jixiao_addin import build, vba

from jixiao.excel.sheets import layouts
from jixiao.template.positions import column_of

GRID = re.compile(
    r'    kind = U\("(?P<name>[0-9A-F]+)"\)\r\n'
    r'    If layout = "(?P<layout>[^"]+)" And '
    r"(?P<test>Numbered\(sheetName, kind\)|sheetName = kind) Then\r\n"
    r'        topLeft = "(?P<top>\w+)": firstColumn = "(?P<first_column>[A-Z]+)"\r\n'
    r'        lastColumn = "(?P<last_column>[A-Z]+)"\r\n'
    r"        firstRow = (?P<first>\d+): lastRow = (?P<last>\d+)\r\n"
)


def module(name: str) -> str:
    return next(m.source for m in build.vba_project().modules if m.name == name)


def test_the_vba_knows_every_grid_of_every_layout_as_the_layout_says() -> None:
    support = module(vba.SUPPORT_MODULE)
    found = {
        (m["layout"], vba.decode_units(m["name"]), m["test"].startswith("Numbered")): (
            f"{m['top']}:{m['last_column']}{m['last']}",
            m["first_column"],
            (int(m["first"]), int(m["last"])),
        )
        for m in GRID.finditer(support)
    }
    expected = {}
    for sheets in layouts():
        named = [(sheets.prefix, True, sheets.printing)]
        named += [(name, False, how) for name, how in sheets.other_grids]
        for name, numbered, how in named:
            top_left = how.area.split(":")[0]
            expected[(sheets.template_id, name, numbered)] = (
                how.area,
                column_of(top_left),
                how.grid,
            )
    assert found == expected
    assert len(found) == 5  # 项目N, 部门整体绩效目标, 整体绩效目标表, 申报表N, 部门整体支出


def test_thisworkbook_cuts_before_printing_and_restores_before_saving() -> None:
    code = module("ThisWorkbook")
    assert "Private WithEvents App As Application" in code
    opened = code.split("Private Sub Workbook_Open()", 1)[1].split("End Sub", 1)[0]
    assert "Set App = Application" in opened
    printing = code.split("Private Sub App_WorkbookBeforePrint(", 1)[1].split("End Sub", 1)[0]
    assert printing.startswith("ByVal Wb As Workbook, Cancel As Boolean)")
    assert "JixiaoSupport.FitPrintAreas Wb, False" in printing and "Cancel =" not in printing
    saving = code.split("Private Sub App_WorkbookBeforeSave(", 1)[1].split("End Sub", 1)[0]
    assert "ByVal SaveAsUI As Boolean" in saving and "Cancel As Boolean)" in saving
    assert "JixiaoSupport.FitPrintAreas Wb, True" in saving and "Cancel =" not in saving


def test_fit_print_areas_never_stops_a_print_and_keeps_the_saved_flag() -> None:
    support = module(vba.SUPPORT_MODULE)
    body = support.split("Public Sub FitPrintAreas(", 1)[1].split("End Sub", 1)[0]
    assert "On Error GoTo done" in body and "done:" in body
    assert "wasSaved = book.Saved" in body and "book.Saved = wasSaved" in body
    assert "HasSheet(book, TEMPLATE_MARK)" in body  # other workbooks are never touched
