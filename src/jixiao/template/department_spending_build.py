"""Build the 部门整体支出 sheet of the 申报表 template (:mod:`template.department_spending`).

The same mechanisms as the forms (:mod:`template.application_build`, :mod:`template.build`,
whose helpers are reused): only the light-yellow inputs are unlocked, 一级/二级 are dropdowns
fed by the profile's lists, amounts are validated numbers, and the red status column holds live
formulas that Excel, WPS and LibreOffice evaluate without Python, in the rules' own words
(:func:`template.native_checks.short_message`):

* 资金总额 = 项目支出 + 基本支出 (``department-split-mismatch``), on the amounts as read (hidden
  helpers, :func:`template.native_checks.money_helpers`);
* the 履职目标 amounts total 项目支出, decided by meaning as the engine decides
  (:func:`jixiao.rules.layouts.split_rollups`, ``department_split``): a row whose name
  (:func:`jixiao.rules.layouts.row_name`: 支出项目名称 without spaces, else 部门职能; a trailing
  colon allowed) is 合计/小计/总计/资金总额, or whose amount is the 资金总额 while other rows carry
  amounts, is a roll-up and is not added; a 基本支出 row is not a project and is compared with
  基本支出 instead; a roll-up row named as a part (106's ``基本支出 171.41``) is reported on its
  row;
* each indicator row: ``level-invalid``, ``value-missing``, ``symbol-missing``, ``unit-missing``
  (a bare number whose 三级 states no unit such as ``(%)``) and ``value-format-lost`` (目标值
  ``1`` where 指标解释 gives a percent) — the 目标值 is one cell, as the engine reads it.

What a formula cannot read it leaves to the engine: a 目标值 typed as a number in a cell whose
text format was removed is read as its shown text, a stated unit written with spaces inside
the brackets counts as stated.  Engine-only, with no live check: ``rollup-mismatch``, a
roll-up 履职目标 row (``合计``) that is neither the sum of the amounts above it nor the
资金总额 (:func:`jixiao.rules.layouts.rollups`) — the sheet does not add its rows up to each
roll-up row; the status column shows it only after ``jixiao validate`` / the summary.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.a1 import absolute
from jixiao.rules.layouts import DEPARTMENT_PARTS, TOTAL_NAMES
from jixiao.template import native_checks as checks
from jixiao.template.application_build import level_dropdowns
from jixiao.template.cell_styles import (
    AMOUNT_FORMAT,
    BOLD,
    CENTER,
    NOTE,
    STATUS,
    TEXT_FORMAT,
    TITLE,
    box_cells,
    decimal_validation,
    highlight,
    protect_sheet,
    set_widths,
    style_input,
    write_formulas,
    write_label,
)
from jixiao.template.department_spending import DEPARTMENT_SPENDING as D
from jixiao.template.department_spending import TITLE as TITLE_TEXT
from jixiao.template.layout import END_MARKER, LAYOUT
from jixiao.template.positions import row_of
from jixiao.template.printing import fit_sheet, page_setup
from jixiao.values import COUNT_UNITS

DEPARTMENT_CODES = (
    "department-split-mismatch",
    "level-invalid",
    "value-missing",
    "symbol-missing",
    "unit-missing",
    "value-format-lost",
)
"""The rules the 部门整体支出 sheet checks by formulas."""
STATED_UNITS = ("%", "％", "百分比", "百分点", *COUNT_UNITS, "元", "万元")
"""A unit a 三级 name states in brackets (``覆盖率(%)``): its value may leave it out
(rules.meaning.stated_unit; tests hold the two together)."""
PERCENT_TOLERANCE = "0.005"
ROOM: dict[str, float] = {"title": 30.0, "overall_goal": 90.0}
"""Heights of a blank sheet's rows that hold long text: room to type in."""


def department_spending_sheet(ws: Worksheet) -> None:
    """The empty, protected 部门整体支出 sheet."""
    for ref in D.merges:
        ws.merge_cells(ref)
    _heading(ws)
    for ref, text in D.labels:
        write_label(ws, ref, text)
    _inputs(ws)
    _checks(ws)
    ws[D.end_marker] = END_MARKER
    ws[D.end_marker].font = NOTE
    decimal_validation(
        ws,
        " ".join([*(ref for _, ref, _ in D.split_cells), D.amount_range]),
        "0",
        "1000000000000",
        "金额应为不小于 0 的数字（单位见表头）",
    )
    level_dropdowns(ws, D)
    for column in D.helper_columns:
        ws.column_dimensions[column].hidden = True
    _highlights(ws)
    set_widths(ws, D.widths)
    room = {row_of(getattr(D, name)): height for name, height in ROOM.items()}
    # The 履职目标 rows a clerk types into keep no fixed height (as the indicator rows): a
    # fixed 15pt cut the text typed there, on screen and in print; Excel and LibreOffice
    # grow a row without a custom height to its wrapped text.
    for rows in (range(1, D.duty_header_row + 1), range(D.header_row, D.header_row + 1)):
        fit_sheet(ws, D.printing, minimum=room, rows=rows)
    page_setup(ws, D.printing)
    ws.page_setup.blackAndWhite = True
    ws.freeze_panes = D.freeze
    protect_sheet(ws)


def _heading(ws: Worksheet) -> None:
    """Title, year line, and the cells that show 单位信息's facts (formulas on its names)."""
    u = LAYOUT.unit
    year, money = u.defined_name("year"), u.defined_name("money_unit")
    ws[D.title] = TITLE_TEXT
    ws[D.title].font = TITLE
    ws[D.year_line] = f'=IF({year}="","（    年度）","（"&{year}&"年度）")'
    amount = {f: h for f, _, h in D.duty_columns}["amount"]
    shown = {
        D.unit_name: _shown(u.defined_name("name")),
        D.unit_code: _shown(u.defined_name("code")),
        D.money_label: f'="年度预算安排（"&{money}&"）"',
        D.amount_header: f'="{amount}（"&{money}&"）"',
    }
    for ref, formula in shown.items():
        ws[ref] = formula
    for ref in (D.money_label, D.amount_header):
        write_label(ws, ref, str(ws[ref].value))
    for ref in (D.title, D.year_line, D.unit_name, D.unit_code):
        ws[ref].alignment = CENTER


def _shown(name: str) -> str:
    """A formula showing a defined name's cell, blank while it is blank."""
    return f'=IF({name}="","",{name})'


def _inputs(ws: Worksheet) -> None:
    for _, ref, _ in D.split_cells:
        style_input(ws, ref, AMOUNT_FORMAT)
        write_formulas(ws, checks.money_helpers(ref, D.amount_helper(ref), D))
    for ref in D.text_cells:
        style_input(ws, ref, TEXT_FORMAT)
    for row in D.duty_rows_range():
        ref = D.duty_cell("amount", row)
        style_input(ws, ref, AMOUNT_FORMAT)
        write_formulas(ws, checks.money_helpers(ref, D.amount_helper(ref), D))
        ws[D.level2_helper(row)] = counted_amount(row)
    for row in D.indicator_rows():
        for field_name, _, _ in D.indicator_columns:
            style_input(ws, D.row_cell(field_name, row), TEXT_FORMAT)
        write_formulas(ws, checks.row_helpers(row, D.row_cell("value", row), D))
    box_cells(ws, D.table_range)
    ws[D.overall_goal].alignment = Alignment(vertical="top", wrap_text=True)


def _checks(ws: Worksheet) -> None:
    ws[D.count_label] = "本表问题数（不打印）"
    ws[D.count_label].font = BOLD
    ws[D.count] = checks.problem_count(D)
    ws[D.count].font = BOLD
    status = {D.split_status: split_status(), D.duty_status: duty_total_status()}
    status |= {D.row_status(row): duty_row_status(row) for row in D.duty_rows_range()}
    status |= {D.row_status(row): indicator_status(row) for row in D.indicator_rows()}
    for ref, formula in status.items():
        ws[ref] = formula
        ws[ref].font = STATUS
        ws[ref].alignment = Alignment(vertical="center", wrap_text=False)


def _highlights(ws: Worksheet) -> None:
    total, basic = D.total, D.basic_spending
    highlight(ws, f"{total}:{basic}", f"LEN({absolute(D.split_status)})>0")
    highlight(ws, D.amount_range, f"LEN({absolute(D.duty_status)})>0")
    duty_first = D.duty_cell("title", D.duty_first_row)
    duty_last = D.duty_cell("amount", D.duty_last_row)
    highlight(ws, f"{duty_first}:{duty_last}", f"LEN(${D.row_status(D.duty_first_row)})>0")
    highlight(ws, D.grid_range, f"LEN(${D.row_status(D.first_row)})>0")


# ---------------------------------------------------------------- the status formulas


def _fixed(ref: str) -> str:
    """``G9:G20`` → ``$G$9:$G$20``."""
    return ":".join(absolute(part) for part in ref.split(":"))


def _amount(ref: str) -> str:
    """The hidden helper holding an amount input as read (a number, "" or ``?``)."""
    return D.amount_helper(ref)


def _is_rollup(row: int) -> str:
    """The 履职目标 row is a roll-up (rules.layouts.split_rollups): named 合计/小计/总计/资金总额,
    or its amount is the 资金总额 while another row carries an amount too."""
    amount = _amount(D.duty_cell("amount", row))
    total = absolute(_amount(D.total))
    others = f"COUNT({_fixed(D.amount_helpers)})>1"
    named = _row_name_is(row, TOTAL_NAMES)
    whole = f"AND(ISNUMBER({total}),{amount}={total},{others})"
    return f"AND(ISNUMBER({amount}),OR({named},{whole}))"


def _row_name(row: int) -> str:
    """The row's name as rules.layouts.row_name reads it: 支出项目名称 without spaces, or
    部门职能 when that is blank."""
    project = checks._without_spaces(D.duty_cell("project", row))
    title = checks._without_spaces(D.duty_cell("title", row))
    return f"IF(LEN({project})>0,{project},{title})"


def _row_name_is(row: int, words: tuple[str, ...]) -> str:
    """The row's name is one of ``words``, a trailing colon allowed (``合计：``)."""
    return checks._one_of(_row_name(row), tuple(w + c for w in words for c in ("", ":", "：")))


def _project_is(row: int, part: str) -> str:
    return _row_name_is(row, (part,))


def counted_amount(row: int) -> str:
    """Helper beside a 履职目标 amount: the amount when it counts toward 项目支出 (no roll-up,
    no 基本支出 row), else blank."""
    amount = _amount(D.duty_cell("amount", row))
    basic = _project_is(row, DEPARTMENT_PARTS[1])
    return f'=IF(AND(ISNUMBER({amount}),NOT({_is_rollup(row)}),NOT({basic})),{amount},"")'


def split_status() -> str:
    """资金总额 ≠ 项目支出 + 基本支出 (all three stated and readable).  Every spreadsheet
    evaluates all of AND's arguments: arithmetic reads the helpers through N() so that a blank
    ("") or unreadable (?) one is 0 there instead of #VALUE! (the guards decide)."""
    total, projects, basic = (_amount(ref) for _, ref, _ in D.split_cells)
    cond = (
        f"AND(COUNT({total},{projects},{basic})=3,"
        f"ABS(N({total})-N({projects})-N({basic}))>{PERCENT_TOLERANCE})"
    )
    return "=" + checks._join([(cond, "department-split-mismatch")])


def duty_total_status() -> str:
    """The project rows' amounts (helpers, :func:`counted_amount`) do not total 项目支出."""
    counted = _fixed(D.counted_helpers)
    projects = _amount(D.project_spending)
    cond = (
        f"AND(ISNUMBER({projects}),COUNT({counted})>0,"
        f"ABS(SUM({counted})-N({projects}))>{PERCENT_TOLERANCE})"
    )
    return "=" + checks._join([(cond, "department-split-mismatch")])


def duty_row_status(row: int) -> str:
    """A row of 基本支出 whose amount is not the 基本支出 (a roll-up row so named is reported
    only when the 资金总额 is stated), or a roll-up named 项目支出 that is not 项目支出."""
    amount = _amount(D.duty_cell("amount", row))
    total, projects, basic = (absolute(_amount(ref)) for _, ref, _ in D.split_cells)
    rollup = _is_rollup(row)

    def differs(part: str) -> str:
        return f"AND(ISNUMBER({part}),ABS(N({amount})-N({part}))>{PERCENT_TOLERANCE})"

    basic_row = (
        f"AND({_project_is(row, DEPARTMENT_PARTS[1])},{differs(basic)},"
        f"OR(NOT({rollup}),ISNUMBER({total})))"
    )
    project_row = (
        f"AND({rollup},ISNUMBER({total}),{_project_is(row, DEPARTMENT_PARTS[0])},"
        f"{differs(projects)})"
    )
    cond = f"AND(ISNUMBER({amount}),OR({basic_row},{project_row}))"
    return "=" + checks._join([(cond, "department-split-mismatch")])


def _unit_stated(name: str) -> str:
    """The 三级 name states a unit in brackets, or says 百分比/百分点 (rules.meaning)."""
    text = checks._substitute(checks._without_spaces(name), [("（", "("), ("）", ")")])
    stated = ",".join(f'"({unit})"' for unit in STATED_UNITS)
    words = ",".join(f'"{w}"' for w in ("百分比", "百分点"))
    return f"SUMPRODUCT(--ISNUMBER(FIND({{{stated},{words}}},{text})))>0"


def _bare_number(value: str) -> str:
    """The 目标值 is a number, with or without its symbol, and no unit (``1``, ``≥60``,
    ``１００``): digits, a point and thousands commas only — a date such as ``2019-12-31``,
    which a spreadsheet would take for a number, is none."""
    pairs = [(s, "") for s in (*checks.SYMBOLS, *checks.SPACES)] + list(checks.FULL_WIDTH.items())
    rest = checks._substitute(f"TRIM({value})", pairs)
    others = checks._substitute(rest, [(c, "") for c in "0123456789.,"])
    digit = f'ISNUMBER(FIND(RIGHT({rest},1),"{checks.DIGITS}"))'
    return f'AND({rest}<>"",LEN({others})=0,ISNUMBER(--{rest}),{digit})'


def indicator_status(row: int) -> str:
    """level-invalid, value-missing, symbol-missing, unit-missing and value-format-lost for one
    indicator row (目标值 is the whole value, 指标解释 the reference beside it)."""
    cell = {f: D.row_cell(f, row) for f, _, _ in D.indicator_columns}
    used = f"COUNTA({D.row_span(row)})>0"
    value = cell["value"]
    read = f'IFERROR({value},"")'  # (an error value reads as blank, as the reader reads it)
    one = checks._one_of(f"TRIM({read})", ("1", "1.0", "1.00"))
    parts = [  # (only a used row is judged: the whole status is IF(used, …))
        (checks._level_bad(row, D), "level-invalid"),
        (checks.value_missing(cell["level3"], value), "value-missing"),
        (checks._symbol_missing(D.value_text(row)), "symbol-missing"),
        (f"AND({_bare_number(read)},NOT({_unit_stated(cell['level3'])}))", "unit-missing"),
        (f'AND({one},ISNUMBER(FIND("%",{cell["remark"]})))', "value-format-lost"),
    ]
    return f'=IF({used},{checks._join(parts)},"")'


__all__ = [
    "DEPARTMENT_CODES",
    "STATED_UNITS",
    "counted_amount",
    "department_spending_sheet",
    "duty_row_status",
    "duty_total_status",
    "indicator_status",
    "split_status",
]
