"""The add-in's generated FitPrintAreas, run for real in LibreOffice's VBA mode (Excel cannot
run here; LibreOffice's VBA support implements ThisWorkbook, Worksheets, Range, PageSetup and
WorksheetFunction as Excel does, for what this code uses).  ThisWorkbook's events are not run:
they only call FitPrintAreas (test_addin_printing.py holds them to that)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from jixiao_addin import build, vba

from conftest import seed_document
from jixiao.service.import_export import import_to_template
from jixiao.template.layout import LAYOUT
from libreoffice import LibreOffice, lo  # noqa: F401
from pdfcheck import pages

pytestmark = pytest.mark.libreoffice

P, D = LAYOUT.project, LAYOUT.department
ADDED = "补填指标己六"
WATCHED = (P.sheet_name(1), P.sheet_name(2), D.name)


def runnable() -> str:
    """JixiaoSupport as LibreOffice runs VBA (its own header instead of the Attribute lines),
    with a function that fits the areas of this workbook and says what each sheet prints."""
    source = next(m.source for m in build.vba_project().modules if m.name == vba.SUPPORT_MODULE)
    lines = [line for line in source.split("\r\n") if not line.startswith("Attribute ")]
    names = ", ".join(f'U("{vba.hex_units(name)}")' for name in WATCHED)
    return "\n".join(
        [
            "Option VBASupport 1",
            *lines,
            "Public Function JxFit(ByVal whole As Boolean) As String",
            "    Dim name As Variant, shown As String",
            "    FitPrintAreas ThisWorkbook, whole",
            f"    For Each name In Array({names})",
            '        shown = shown & ThisWorkbook.Worksheets(name).PageSetup.PrintArea & "|"',
            "    Next name",
            '    JxFit = Replace(shown, "$", "")',
            "End Function",
            "",
        ]
    )


def areas(office: LibreOffice, doc: str, whole: bool) -> list[str]:
    shown = office.run_basic(doc, "JixiaoSupport", runnable(), "JxFit", whole)
    return str(shown).split("|")[:-1]


def last_measure(path: Path) -> int:
    ws = openpyxl.load_workbook(path)[D.name]
    rows = range(D.measures_first_row, D.measures_last_row + 1)
    filled = [r for r in rows if ws[D.measure_cell("title", r)].value]
    assert 1 < len(filled) < D.measures_rows
    return max(filled)


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """Seed 000 as jixiao import writes it, an indicator typed below the imported ones."""
    path = tmp_path / "000.xlsx"
    assert import_to_template(seed_document("000"), path).submission is not None
    wb = openpyxl.load_workbook(path)
    ws = wb[P.sheet_name(1)]
    ws[P.row_cell("level3", P.first_row + 7)] = ADDED  # seven indicators imported
    wb.save(path)
    return path


def test_before_printing_each_grid_is_cut_after_its_last_filled_row_and_whole_before_saving(
    lo: LibreOffice,  # noqa: F811
    imported: Path,
    tmp_path: Path,
) -> None:
    whole = [P.printing.area, "", D.printing.area]  # 项目2 is hidden and has no area
    doc = lo.open(imported)
    try:
        assert areas(lo, doc, whole=True) == whole
        cut = [f"A1:G{P.first_row + 7}", "", f"A1:K{last_measure(imported)}"]
        assert areas(lo, doc, whole=False) == cut
        pdf = lo.export_pdf(doc, tmp_path / "cut.pdf")
        assert areas(lo, doc, whole=True) == whole  # saved so, for every desk
    finally:
        lo.close_doc(doc)
    printed = "".join("".join(page.text.split()) for page in pages(pdf))
    assert ADDED in printed


def test_an_area_the_clerk_set_and_a_workbook_of_no_layout_are_left_alone(
    lo: LibreOffice,  # noqa: F811
    imported: Path,
) -> None:
    wb = openpyxl.load_workbook(imported)
    wb[P.sheet_name(1)].print_area = "A1:C20"  # the clerk prints a part
    wb.save(imported)
    doc = lo.open(imported)
    try:
        assert areas(lo, doc, whole=False)[0] == "A1:C20"
        assert areas(lo, doc, whole=True)[0] == "A1:C20"
    finally:
        lo.close_doc(doc)
    wb = openpyxl.load_workbook(imported)
    wb[P.sheet_name(1)].print_area = P.printing.area
    del wb[LAYOUT.meta.name]  # no _meta: not a jixiao workbook
    wb.save(imported)
    doc = lo.open(imported)
    try:
        assert areas(lo, doc, whole=False)[0] == P.printing.area
    finally:
        lo.close_doc(doc)
