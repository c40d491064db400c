"""A row a clerk adds to an imported workbook is printed (LibreOffice, the desk without the
add-in): import a published document as ``jixiao import`` does, type a new row below the last
imported one -- with openpyxl as a clerk's spreadsheet saves it, and in a running LibreOffice --
print to PDF and find the new row's text on paper with pdftotext.

Before the fix the import set each print area down to its last imported row, and none of
these texts reached the PDF."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from conftest import OTHER_DOCUMENTS, seed_document
from jixiao.a1 import column_number
from jixiao.service.import_export import import_to_template
from jixiao.service.publish import find_soffice, pdf_via_libreoffice
from jixiao.template.application import APPLICATION
from jixiao.template.layout import LAYOUT
from libreoffice import LibreOffice, lo, require_libreoffice  # noqa: F401
from pdfcheck import pages

pytestmark = pytest.mark.libreoffice

P, D, T = LAYOUT.project, LAYOUT.department, LAYOUT.overall
A = APPLICATION.project

ADDED_INDICATOR = "补填指标甲一"
ADDED_MEASURE = "补填措施乙二"
ADDED_OVERALL = "补填整体指标丙三"
ADDED_FORM = "补填申报指标丁四"
TYPED_IN_CALC = "在表格软件里补填戊五"


def imported(document: Path, folder: Path) -> Path:
    """The workbook ``jixiao import`` writes for ``document``."""
    target = folder / f"{document.stem}.xlsx"
    result = import_to_template(document, target)
    assert result.submission is not None, result.report.findings
    assert result.written[0].path == target
    return target


def next_empty(ws: Worksheet, first: int, last: int, last_column: str) -> int:
    """The row below the last filled one of a grid (column A to the last printed column: the
    status formulas beside it are on every row)."""
    width = column_number(last_column)
    filled = [
        row
        for row in range(first, last + 1)
        if any(c.value not in (None, "") for c in ws[row][:width])
    ]
    assert filled, "the import filled this grid"
    assert max(filled) < last, "room for one more row"
    return max(filled) + 1


def add_rows(path: Path) -> None:
    """What a clerk types after the import: one more row in every grid that has room."""
    wb = openpyxl.load_workbook(path)
    shown = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    if P.sheet_name(1) in shown:
        ws = wb[P.sheet_name(1)]
        row = next_empty(ws, P.first_row, P.last_row, P.last_column)
        ws[P.row_cell("level3", row)] = ADDED_INDICATOR
        ws[P.row_cell("value", row)] = "≥1次"
    if D.name in shown:
        ws = wb[D.name]
        row = next_empty(ws, D.measures_first_row, D.measures_last_row, D.last_column)
        ws[D.measure_cell("title", row)] = ADDED_MEASURE
    if T.name in shown:
        ws = wb[T.name]
        row = next_empty(ws, T.first_row, T.last_row, T.last_column)
        ws[f"{next(c for f, c, _ in T.columns if f == 'indicator')}{row}"] = ADDED_OVERALL
    if A.sheet_name(1) in shown:
        ws = wb[A.sheet_name(1)]
        row = next_empty(ws, A.first_row, A.last_row, A.last_column)
        ws[A.row_cell("level3", row)] = ADDED_FORM
    wb.save(path)


def printed_text(pdf: Path) -> str:
    """Every page's words, without spaces (a wrapped cell reads as one run)."""
    return "".join("".join(page.text.split()) for page in pages(pdf))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_libreoffice()
    soffice = find_soffice()
    assert soffice is not None
    folder = tmp_path_factory.mktemp("added")
    books = {
        "000": imported(seed_document("000"), folder),  # 项目表 + 部门整体绩效目标
        "002": imported(seed_document("002"), folder),  # 整体绩效目标表
        "101": imported(next(OTHER_DOCUMENTS.glob("101-*.txt")), folder),  # 申报表
    }
    for book in books.values():
        add_rows(book)
    pdfs = pdf_via_libreoffice(
        list(books.values()), folder / "pdf", soffice, folder / "profile", timeout=120
    )
    return dict(zip(books, pdfs, strict=True))


def test_an_indicator_added_after_an_import_is_printed(printed: dict[str, Path]) -> None:
    assert ADDED_INDICATOR in printed_text(printed["000"])


def test_a_measure_added_after_an_import_is_printed(printed: dict[str, Path]) -> None:
    assert ADDED_MEASURE in printed_text(printed["000"])


def test_an_overall_row_added_after_an_import_is_printed(printed: dict[str, Path]) -> None:
    assert ADDED_OVERALL in printed_text(printed["002"])


def test_an_application_indicator_added_after_an_import_is_printed(
    printed: dict[str, Path],
) -> None:
    assert ADDED_FORM in printed_text(printed["101"])


def test_a_row_typed_in_libreoffice_is_printed(lo: LibreOffice, tmp_path: Path) -> None:  # noqa: F811
    """The same on the 信创 desk itself: the workbook open in Calc, a row typed, printed."""
    book = imported(seed_document("000"), tmp_path)
    ws = openpyxl.load_workbook(book)[P.sheet_name(1)]
    row = next_empty(ws, P.first_row, P.last_row, P.last_column)
    doc = lo.open(book)
    try:
        lo.set(doc, P.sheet_name(1), P.row_cell("level3", row), TYPED_IN_CALC)
        pdf = Path(lo.export_pdf(doc, str(tmp_path / "typed.pdf")))
    finally:
        lo.close_doc(doc)
    assert TYPED_IN_CALC in printed_text(pdf)
