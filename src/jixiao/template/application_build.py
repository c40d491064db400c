"""Build the locked 申报表 template (openpyxl) from :mod:`jixiao.template.application`.

The same mechanisms as the first template (:mod:`jixiao.template.build`, whose helpers are
reused, not copied): only the light-yellow input cells are unlocked, every sheet and the
workbook structure are protected, 一级/二级 are dropdowns fed by the profile's lists (二级
cascades from the row's 一级 in effect), 指标性质, 指标方向 and 定性/定量 are dropdowns, amounts
and weights are validated numbers, and the red status column beside the form holds live
formulas (:mod:`jixiao.template.native_checks`) that Excel, WPS and LibreOffice evaluate without
Python.  The sheet prints landscape on A4, one page wide, the indicator header repeated.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.a1 import absolute
from jixiao.profiles import load_profile
from jixiao.template import native_checks as checks
from jixiao.template.application import (
    APPLICATION,
    DEFAULT_PROFILE,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    application_fingerprint,
)
from jixiao.template.book_sheets_build import lists_sheet, meta_sheet, unit_sheet
from jixiao.template.build import TEMPLATE_DATE, copy_of_first
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
    list_validation,
    protect_sheet,
    set_widths,
    style_input,
    write_formulas,
    write_label,
)
from jixiao.template.department_spending import DEPARTMENT_SPENDING
from jixiao.template.layout import (
    END_MARKER,
    LAYOUT,
    MAX_PROJECTS,
    PASSWORD,
)
from jixiao.template.positions import row_of
from jixiao.template.printing import fit_sheet, page_setup
from jixiao.template.project_sheet import IndicatorGrid

DEFAULT_SHEETS = 10
"""申报表 sheets in a blank template (a unit rarely files more forms in one workbook)."""
DIRECTIONS = ("正向", "反向")
NATURES = ("定量", "定性")
SYMBOL_CHOICES = checks.SYMBOLS[:5]
"""The dropdown of 指标性质: ≥ ≤ = > <."""

INSTRUCTIONS = (
    "填报说明（项目支出绩效目标申报表）",
    "1. 先在下方填写单位编码、单位名称、预算年度和金额单位（万元或元，整套表统一）。",
    "2. 每个项目填一张“申报表N”：浅黄色单元格可填写，其余单元格已锁定。",
    "3. 资金情况：年度资金总额 = 其中：财政拨款 + 其他资金；上年结转是年度资金总额中"
    "上年结转的部分；跨年度项目另填实施期资金总额。",
    "4. 绩效指标：一级、二级从下拉列表选择（后续行可留空一级，视为与上一行相同）；"
    "指标性质选 ≥、≤、=、>、<，指标值只填数值，度量单位单独填写（如 %、个、万元）；"
    "也可把完整的指标值（如 ≥95%）写在指标值一栏、指标性质留空。",
    "5. 填写了权重（分值）的，各指标合计应为 100；定性指标也要写明指标值。",
    "6. 其他信息：左格写名称（如 项目负责人及电话、立项依据、项目概况），右格写内容。",
    "7. 部门整体支出绩效目标表填在“部门整体支出”表：资金总额 = 项目支出 + 基本支出；"
    "年度履职目标各行的预算金额（基本支出行和合计行除外）合计应等于项目支出。",
    "8. 表格右侧红字为实时校验结果（不打印）；安装 jixiao 加载项后可用“一键校验”做完整校验。",
)


def build_application(
    profile_name: str = DEFAULT_PROFILE, projects: int = DEFAULT_SHEETS
) -> Workbook:
    """The 申报表 template for a profile, with ``projects`` empty forms."""
    if not 1 <= projects <= MAX_PROJECTS:
        raise ValueError(f"申报表张数应在 1～{MAX_PROJECTS} 之间：{projects}")
    profile = load_profile(profile_name)
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    unit_sheet(first, profile, "项目支出绩效目标申报表（jixiao）", INSTRUCTIONS)
    # imported here: that module builds its grid with this one's level_dropdowns
    from jixiao.template.department_spending_build import department_spending_sheet

    department_spending_sheet(wb.create_sheet(DEPARTMENT_SPENDING.name))
    for number in range(1, projects + 1):
        add_application_sheet(wb, number)
    lists_sheet(wb.create_sheet(LAYOUT.lists.name))
    identity = (TEMPLATE_ID, TEMPLATE_VERSION, application_fingerprint())
    meta_sheet(wb.create_sheet(LAYOUT.meta.name), profile, projects, identity)
    wb.security = WorkbookProtection(workbookPassword=PASSWORD, lockStructure=True)
    wb.properties.creator = "jixiao"
    wb.properties.created = TEMPLATE_DATE  # fixed, so that one layout gives one template
    wb.active = 0
    return wb


def add_application_sheet(wb: Workbook, number: int) -> Worksheet:
    """Append one empty, protected 申报表 (the first one's cells are copied when it exists)."""
    p = APPLICATION.project
    ws = copy_of_first(wb, p, number, application_input_cells())
    if ws is None:
        ws = wb.create_sheet(p.sheet_name(number))
        _cells(ws)
    else:
        for row in p.extra_rows_range():  # a filled form hides its unused 其他信息 rows
            ws.row_dimensions[row].hidden = False
    _features(ws, number)
    return ws


def application_input_cells() -> list[str]:
    """Every cell a clerk may type into on a 申报表."""
    p = APPLICATION.project
    cells = [ref for _, ref in p.text_fields]
    cells += [ref for _, ref, _ in p.amount_cells]
    for row in p.extra_rows_range():
        cells += [p.extra_label(row), p.extra_text(row)]
    cells += [p.row_cell(f, r) for r in p.indicator_rows() for f, _, _ in p.indicator_columns]
    return cells


def application_title(number: int) -> str:
    """The title formula of 申报表 ``number``."""
    name = APPLICATION.project.name
    form = "项目支出绩效目标申报表"
    return f'=IF({name}="","{number}.{form}","{number}."&{name}&"{form}")'


def _cells(ws: Worksheet) -> None:
    p, u = APPLICATION.project, LAYOUT.unit
    for ref in p.merges:
        ws.merge_cells(ref)
    ws[p.title].font = TITLE
    ws[p.title].alignment = CENTER
    year = u.defined_name("year")
    ws[p.year_line] = f'=IF({year}="","（    年度）","（"&{year}&"年度）")'
    ws[p.year_line].alignment = CENTER
    ws[p.unit_line] = f'={u.defined_name("code")}&" "&{u.defined_name("name")}'
    ws[p.money_line] = f'="单位："&{u.defined_name("money_unit")}'
    ws[p.money_line].alignment = Alignment(horizontal="right")
    for ref, text in p.labels:
        write_label(ws, ref, text, fill=ref != p.department_label)
    ws[p.total_note] = "跨年度项目填写实施期内的资金总额；上年结转为年度资金总额中上年结转的部分"
    ws[p.total_note].font = NOTE
    ws[p.total_note].alignment = Alignment(vertical="center", wrap_text=True)
    _inputs(ws)
    _checks(ws)
    ws[p.end_marker] = END_MARKER
    ws[p.end_marker].font = NOTE


def _inputs(ws: Worksheet) -> None:
    p = APPLICATION.project
    for _, ref in p.text_fields:
        style_input(ws, ref, TEXT_FORMAT)
    for _, ref, _ in p.amount_cells:
        style_input(ws, ref, AMOUNT_FORMAT)
    for row in p.extra_rows_range():
        ws.merge_cells(p.extra_merge(row))
        style_input(ws, p.extra_label(row), TEXT_FORMAT)
        style_input(ws, p.extra_text(row), TEXT_FORMAT)
    box_cells(ws, p.table_range)
    for row in p.indicator_rows():
        for field_name, _, _ in p.indicator_columns:
            number_format = None if field_name == "weight" else TEXT_FORMAT
            style_input(ws, p.row_cell(field_name, row), number_format)
        write_formulas(ws, checks.row_helpers(row, checks.application_value(row, p), p))
        weight, text = p.row_cell("weight", row), p.weight_text(row)
        ws[p.weight_helper(row)] = checks.weight_reading(weight, text)
        ws[text] = checks.weight_text(weight)
    for ref, helper in zip(p.money_cells, p.money_helpers, strict=True):
        write_formulas(ws, checks.money_helpers(ref, helper, p))


def _checks(ws: Worksheet) -> None:
    p = APPLICATION.project
    ws[p.count_label] = "本表问题数（不打印）"
    ws[p.count_label].font = BOLD
    ws[p.count] = checks.problem_count(p)
    ws[p.count].font = BOLD
    status = {
        p.status(p.code): checks.code_status(p),
        p.status(p.budget): checks.money_status(p),
        p.weight_status: checks.weight_status(p),
    }
    status |= {
        p.row_status(row): checks.application_indicator_status(row, p) for row in p.indicator_rows()
    }
    for ref, formula in status.items():
        ws[ref] = formula
        ws[ref].font = STATUS
        ws[ref].alignment = Alignment(vertical="center", wrap_text=False)


def _features(ws: Worksheet, number: int) -> None:
    """What copy_worksheet does not carry: title, validations, highlights, print set-up."""
    p = APPLICATION.project
    ws[p.title] = application_title(number)
    amounts = " ".join(ref for _, ref, _ in p.amount_cells)
    decimal_validation(ws, amounts, "0", "1000000000000", "金额应为不小于 0 的数字（单位见表头）")
    weights = p.indicator_range("weight")
    decimal_validation(ws, weights, "0", "100", "权重（分值）应为 0～100 之间的数字")
    level_dropdowns(ws, p)
    for field_name, choices, prompt in (
        ("symbol", SYMBOL_CHOICES, "指标性质（≥ ≤ = > <）"),
        ("direction", DIRECTIONS, "指标方向"),
        ("nature", NATURES, "定性或定量"),
    ):
        list_validation(ws, f'"{",".join(choices)}"', p.indicator_range(field_name), prompt)
    for column in p.helper_columns:
        ws.column_dimensions[column].hidden = True
    _highlights(ws)
    _print_setup(ws)
    protect_sheet(ws)


def level_dropdowns(ws: Worksheet, p: IndicatorGrid) -> None:
    """一级 from the profile's list, 二级 from the list under each row's 一级 in effect (its
    hidden helper), on an indicator grid of the 申报表 workbook."""
    lists, key = LAYOUT.lists, LAYOUT.unit.profile_key_name
    level1s = f'INDIRECT("{lists.level1_prefix}"&{key})'
    list_validation(ws, level1s, p.indicator_range("level1"), "一级指标")
    level1 = f"${p.helper(p.first_row)}"  # relative: each row follows its own 一级 in effect
    level2s = f'INDIRECT("{lists.level2_prefix}"&{key}&"_"&{level1})'
    list_validation(ws, level2s, p.indicator_range("level2"), "二级指标")


def _highlights(ws: Worksheet) -> None:
    p = APPLICATION.project
    for ref, status_cell in (
        (p.merged(p.code), p.status(p.code)),
        (f"{p.budget}:{p.other}", p.status(p.budget)),
    ):
        highlight(ws, ref, f"LEN({absolute(status_cell)})>0")
    highlight(ws, p.grid_range, f"LEN(${p.row_status(p.first_row)})>0")


ROOM: dict[str, float] = {"title": 30.0, "long_term_goal": 40.0, "goal": 48.0}
"""Heights of a blank form's rows that hold long text: room to type in."""


def _print_setup(ws: Worksheet) -> None:
    p = APPLICATION.project
    set_widths(ws, p.widths)
    room = {row_of(getattr(p, name)): height for name, height in ROOM.items()}
    fit_sheet(ws, p.printing, minimum=room, rows=range(1, p.header_row + 1))
    page_setup(ws, p.printing)
    ws.page_setup.blackAndWhite = True
    ws.freeze_panes = p.freeze


__all__ = [
    "DEFAULT_SHEETS",
    "add_application_sheet",
    "application_input_cells",
    "application_title",
    "build_application",
    "level_dropdowns",
]
