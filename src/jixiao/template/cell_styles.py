"""How a template's cells look and are locked, for the three builders (the 绩效目标表, the
申报表 and its 部门整体支出 sheet): the fonts, fills, borders and number formats, an input cell
(unlocked, light yellow), a label, a boxed range, a protected sheet, dropdown and number
validations, column widths, defined names, and a range painted red while a condition holds.

Sheets are protected with :data:`jixiao.template.layout.PASSWORD`: protection prevents
accidents, it is not security.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.a1 import column_letter, quote_sheet
from jixiao.template.layout import PASSWORD
from jixiao.template.positions import Widths

FONT = "宋体"
TITLE = Font(name="黑体", size=16, bold=True)
BOLD = Font(name=FONT, size=11, bold=True)
NORMAL = Font(name=FONT, size=11)
DENSE = Font(name=FONT, size=10)
"""The wide department grids (eleven and eighteen columns) print scaled down: a smaller font
keeps their rows low."""
STATUS = Font(name=FONT, size=10, color="C00000")
NOTE = Font(name=FONT, size=10, color="595959")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_COLOR = "FFF9E5"
"""The light yellow of every cell a clerk may type into (一键校验's marks restore it)."""
PROBLEM_COLOR = "FFC7CE"
"""The red of a cell with a problem (the template's highlights and 一键校验's marks)."""
INPUT_FILL = PatternFill("solid", fgColor=INPUT_COLOR)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
PROBLEM_FILL = PatternFill("solid", fgColor=PROBLEM_COLOR)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0%"
TEXT_FORMAT = "@"


def define_name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    """Name ``ref`` of ``sheet`` in the workbook (``ref`` as written: absolute or relative)."""
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(sheet)}!{ref}")


def write_formulas(ws: Worksheet, formulas: dict[str, str]) -> None:
    """Write formulas into their cells (hidden helpers: no style of their own)."""
    for ref, formula in formulas.items():
        ws[ref] = formula


def book_of(ws: Worksheet) -> Workbook:
    """The workbook a sheet belongs to."""
    book = ws.parent
    assert isinstance(book, Workbook)
    return book


def style_input(
    ws: Worksheet, ref: str, number_format: str | None = None, font: Font = NORMAL
) -> None:
    """An input cell: unlocked, light yellow, boxed and wrapped."""
    cell = ws[ref]
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.font = font
    cell.alignment = WRAP
    if number_format:
        cell.number_format = number_format


def write_label(ws: Worksheet, ref: str, text: str, fill: bool = True) -> None:
    """A label: bold, centred, boxed, shaded grey unless ``fill`` is false."""
    cell = ws[ref]
    cell.value = text
    cell.font = BOLD
    cell.alignment = CENTER
    cell.border = BOX
    if fill:
        cell.fill = HEADER_FILL


def box_cells(ws: Worksheet, ref: str) -> None:
    """A thin border round every cell of ``ref``."""
    for row in ws[ref]:
        for cell in row:
            cell.border = BOX


def protect_sheet(ws: Worksheet) -> None:
    """Lock the sheet (columns and rows may still be resized)."""
    ws.protection.sheet = True
    ws.protection.password = PASSWORD
    ws.protection.formatColumns = False  # clerks may widen columns and rows to read long text
    ws.protection.formatRows = False


def list_validation(ws: Worksheet, formula: str, ref: str, prompt: str) -> None:
    """A dropdown over ``ref`` from the list ``formula`` names; ``prompt`` says what to pick."""
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = f"请从下拉列表中选择{prompt}"
    validation.errorTitle = "输入无效"
    validation.prompt = f"从下拉列表选择{prompt}"
    validation.showErrorMessage = True
    validation.showInputMessage = True
    ws.add_data_validation(validation)
    validation.add(ref)


def decimal_validation(ws: Worksheet, refs: str, low: str, high: str, message: str) -> None:
    """Numbers from ``low`` to ``high`` only, in each of the space-separated ``refs``."""
    validation = DataValidation(
        type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True
    )
    validation.error = message
    validation.errorTitle = "输入无效"
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    for ref in refs.split():
        validation.add(ref)


def set_widths(ws: Worksheet, widths: Widths) -> None:
    """Column widths from column A on."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(column)].width = width


def highlight(ws: Worksheet, ref: str, condition: str) -> None:
    """Paint ``ref`` red while ``condition`` (a formula relative to its first cell) holds."""
    ws.conditional_formatting.add(ref, FormulaRule(formula=[condition], fill=PROBLEM_FILL))
