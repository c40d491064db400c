"""Build the locked template workbook of a profile from the layout (openpyxl).

Only input cells are unlocked; every sheet is protected and so is the workbook structure
(password :data:`jixiao.template.layout.PASSWORD`: protection prevents accidents, it is not
security).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao import __version__
from jixiao.a1 import absolute, column_letter, parse_a1, quote_sheet
from jixiao.atomic import atomic_write
from jixiao.model import CHECKPOINTS
from jixiao.profiles import Profile, builtin_names, load_profile
from jixiao.template import native_checks as checks
from jixiao.template.layout import (
    DEFAULT_PROJECTS,
    END_MARKER,
    LAYOUT,
    MAX_PROJECTS,
    PASSWORD,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    fingerprint,
    profile_key,
)

FONT = "宋体"
TITLE = Font(name="黑体", size=16, bold=True)
BOLD = Font(name=FONT, size=11, bold=True)
NORMAL = Font(name=FONT, size=11)
STATUS = Font(name=FONT, size=10, color="C00000")
NOTE = Font(name=FONT, size=10, color="595959")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
TEMPLATE_DATE = dt.datetime(2024, 1, 1)
AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0%"
TEXT_FORMAT = "@"

INSTRUCTIONS = (
    "填报说明",
    "1. 先在下方填写单位编码、单位名称、预算年度和金额单位（万元或元，整套表统一）。",
    "2. 每个项目填一张“项目N”表：浅黄色单元格可填写，其余单元格已锁定。",
    "3. 一级、二级指标从下拉列表选择；同一一级指标下的后续行可留空一级（视为与上一行相同）。",
    "4. 指标值写成“符号+数值+单位”，如 ≥90%、≤500万元、=100%；定性指标写明完成标准。",
    "5. 资金支出计划填累计百分比，12月底应为 100%。",
    "6. 表格右侧红字为实时校验结果（不打印）；“总览”表汇总各项目的问题数。",
    "7. 安装 jixiao 加载项后可用“一键校验”做完整校验；未安装时本表的公式校验同样有效。",
)


def build_template(profile_name: str = "hebei", projects: int = DEFAULT_PROJECTS) -> Workbook:
    """The template workbook for a profile, with ``projects`` empty project sheets."""
    if not 1 <= projects <= MAX_PROJECTS:
        raise ValueError(f"项目表数量应在 1～{MAX_PROJECTS} 之间：{projects}")
    profile = load_profile(profile_name)
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    _unit_sheet(first, profile)
    _summary_sheet(wb.create_sheet(LAYOUT.summary.name), projects)
    _department_sheet(wb.create_sheet(LAYOUT.department.name))
    _overall_sheet(wb.create_sheet(LAYOUT.overall.name))
    for number in range(1, projects + 1):
        add_project_sheet(wb, number)
    _lists_sheet(wb.create_sheet(LAYOUT.lists.name))
    _meta_sheet(wb.create_sheet(LAYOUT.meta.name), profile, projects)
    wb.security = WorkbookProtection(workbookPassword=PASSWORD, lockStructure=True)
    wb.properties.creator = "jixiao"
    wb.properties.created = TEMPLATE_DATE  # fixed, so that one layout gives one template
    wb.active = 0
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Write a workbook atomically (never a half-written file)."""
    atomic_write(Path(path), lambda temporary: wb.save(temporary))


# ---------------------------------------------------------------- helpers


def _name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(sheet)}!{ref}")


def _book(ws: Worksheet) -> Workbook:
    book = ws.parent
    assert isinstance(book, Workbook)
    return book


def _input(ws: Worksheet, ref: str, number_format: str | None = None) -> None:
    cell = ws[ref]
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.font = NORMAL
    cell.alignment = WRAP
    if number_format:
        cell.number_format = number_format


def _label(ws: Worksheet, ref: str, text: str, fill: bool = True) -> None:
    cell = ws[ref]
    cell.value = text
    cell.font = BOLD
    cell.alignment = CENTER
    cell.border = BOX
    if fill:
        cell.fill = HEADER_FILL


def _box(ws: Worksheet, ref: str) -> None:
    for row in ws[ref]:
        for cell in row:
            cell.border = BOX


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.password = PASSWORD
    ws.protection.formatColumns = False  # clerks may widen columns and rows to read long text
    ws.protection.formatRows = False


def _list_validation(ws: Worksheet, formula: str, ref: str, prompt: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = f"请从下拉列表中选择{prompt}"
    validation.errorTitle = "输入无效"
    validation.prompt = f"从下拉列表选择{prompt}"
    validation.showErrorMessage = True
    validation.showInputMessage = True
    ws.add_data_validation(validation)
    validation.add(ref)


def _decimal_validation(ws: Worksheet, refs: str, low: str, high: str, message: str) -> None:
    validation = DataValidation(
        type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True
    )
    validation.error = message
    validation.errorTitle = "输入无效"
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    for ref in refs.split():
        validation.add(ref)


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[column].width = width


# ---------------------------------------------------------------- sheets


def _unit_sheet(ws: Worksheet, profile: Profile) -> None:
    u = LAYOUT.unit
    ws.title = u.name
    ws[u.title] = "预算绩效目标填报模板（jixiao）"
    ws[u.title].font = TITLE
    for offset, line in enumerate(INSTRUCTIONS):
        cell = ws.cell(u.instructions_first_row + offset, 1, line)
        cell.font = BOLD if offset == 0 else NOTE
    wb = _book(ws)
    for name, label, defined in u.fields:
        ref = u.cell(name)
        _label(ws, u.label_cell(name), label)
        _input(ws, ref, TEXT_FORMAT if name in ("code", "name") else None)
        _name(wb, defined, u.name, absolute(ref))
    ws[u.cell("money_unit")] = "万元"
    ws[u.cell("profile")] = profile.name
    _list_validation(ws, LAYOUT.lists.money_units_name, u.cell("money_unit"), "金额单位")
    _list_validation(ws, LAYOUT.lists.profiles_name, u.cell("profile"), "规则配置")
    year = DataValidation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        allow_blank=True,
        error="预算年度应为 2000～2100 之间的整数",
        errorTitle="输入无效",
        showErrorMessage=True,
    )
    ws.add_data_validation(year)
    year.add(u.cell("year"))
    key = ws[u.profile_key_cell]
    key.value = f'=SUBSTITUTE({u.fields[4][2]},"-","_")'
    key.font = NOTE
    _name(wb, u.profile_key_name, u.name, absolute(u.profile_key_cell))
    ws.column_dimensions[u.profile_key_cell[0]].hidden = True
    _widths(ws, {"A": 16, "B": 48, "C": 4})
    _protect(ws)


def summary_row(number: int) -> dict[str, str | int]:
    """The 总览 cells of one project sheet (the template and 新建项目表 both write these)."""
    p = LAYOUT.project
    name = p.sheet_name(number)
    sheet = quote_sheet(name)
    return {
        "A": number,
        "B": f'=HYPERLINK("#{sheet}!A1","{name}")',
        "C": f'=IF({sheet}!{p.department}="","",{sheet}!{p.department})',
        "D": f'=IF({sheet}!{p.name}="","",{sheet}!{p.name})',
        "E": f'=IF(COUNT({sheet}!{p.budget})=0,"",{sheet}!{p.budget})',
        "F": f"={sheet}!{p.count}",
    }


def _summary_sheet(ws: Worksheet, projects: int) -> None:
    s = LAYOUT.summary
    ws["A1"] = "项目总览"
    ws["A1"].font = TITLE
    ws["A2"] = "各项目表的名称、预算数和实时问题数（公式自动更新）。点击工作表名可跳转。"
    ws["A2"].font = NOTE
    last = s.first_row + MAX_PROJECTS  # totals cover rows added later by 新建项目表
    ws.cell(s.total_row, 1, "合计").font = BOLD
    ws.cell(s.total_row, 5, f"=SUM(E{s.first_row}:E{last})").number_format = AMOUNT_FORMAT
    ws.cell(s.total_row, 6, f"=SUM(F{s.first_row}:F{last})")
    for column, header in enumerate(s.headers, start=1):
        _label(ws, f"{column_letter(column)}{s.header_row}", header)
    for number in range(1, projects + 1):
        for letter, value in summary_row(number).items():
            ws[f"{letter}{s.first_row + number - 1}"] = value
        ws[f"E{s.first_row + number - 1}"].number_format = AMOUNT_FORMAT
    _box(ws, f"A{s.total_row}:F{s.first_row + projects - 1}")
    ws.freeze_panes = f"A{s.first_row}"
    _widths(ws, {"A": 6, "B": 10, "C": 16, "D": 40, "E": 16, "F": 8})
    _protect(ws)


def _department_sheet(ws: Worksheet) -> None:
    d = LAYOUT.department
    ws["A1"] = "部门整体绩效目标"
    ws["A1"].font = TITLE
    last = d.block_columns[-1][1]
    ws[d.overall_label] = "一、总体绩效目标"
    ws[d.overall_label].font = BOLD
    ws.merge_cells(f"{d.overall_goal}:{last}{parse_a1(d.overall_goal)[0]}")
    _input(ws, d.overall_goal)
    ws.row_dimensions[parse_a1(d.overall_goal)[0]].height = 90
    ws[d.blocks_label] = (
        "二、分项绩效目标（每行一个指标；分项名称、绩效目标和支出进度只在该分项第一行填写）"
    )
    ws[d.blocks_label].font = BOLD
    for field_name, column, header in d.block_columns:
        _label(ws, f"{column}{d.blocks_header_row}", header)
        for row in range(d.blocks_first_row, d.blocks_last_row + 1):
            plan = field_name.startswith("plan_")
            _input(ws, f"{column}{row}", PERCENT_FORMAT if plan else TEXT_FORMAT)
    first, last_row = d.blocks_first_row, d.blocks_last_row
    _decimal_validation(ws, f"C{first}:F{last_row}", "0", "1", "请输入 0%～100% 的累计百分比")
    ws[f"A{d.measures_label_row}"] = "三、工作保障措施"
    ws[f"A{d.measures_label_row}"].font = BOLD
    for _, column, header in d.measure_columns:
        _label(ws, f"{column}{d.measures_header_row}", header)
    ws.merge_cells(f"C{d.measures_header_row}:{last}{d.measures_header_row}")
    for row in range(d.measures_first_row, d.measures_last_row + 1):
        for _, column, _ in d.measure_columns:
            _input(ws, f"{column}{row}", TEXT_FORMAT)
        ws.merge_cells(f"C{row}:{last}{row}")
    _list_validation(
        ws,
        '"业务保障措施,财务保障措施,工作保障措施"',
        f"A{d.measures_first_row}:A{d.measures_last_row}",
        "类别",
    )
    ws[d.end_marker] = END_MARKER
    ws[d.end_marker].font = NOTE
    _widths(
        ws,
        {
            "A": 16,
            "B": 36,
            "C": 8,
            "D": 8,
            "E": 8,
            "F": 8,
            "G": 12,
            "H": 16,
            "I": 28,
            "J": 24,
            "K": 14,
        },
    )
    ws.freeze_panes = f"A{d.blocks_first_row}"
    _protect(ws)


def _overall_sheet(ws: Worksheet) -> None:
    o = LAYOUT.overall
    ws["A1"] = '=IF(JX_YEAR="","整体绩效目标表",JX_YEAR&"年度整体绩效目标表")'
    ws["A1"].font = TITLE
    ws.merge_cells("A1:R1")
    top, bottom = o.header_rows
    for ref, text in o.header:
        first, last = ref.split(":")
        if first != last:
            ws.merge_cells(ref)
        _label(ws, first, text)
    for row in range(o.first_row, o.last_row + 1):
        for _, column, _ in o.columns:
            _input(ws, f"{column}{row}", TEXT_FORMAT)
    _box(ws, f"A{top}:R{bottom}")
    _list_validation(ws, '"≥,≤,=,>,<"', f"E{o.first_row}:E{o.last_row}", "符号")
    ws[o.end_marker] = END_MARKER
    ws[o.end_marker].font = NOTE
    ws.freeze_panes = f"E{o.first_row}"
    _widths(
        ws,
        {
            "A": 6,
            "B": 14,
            "C": 24,
            "D": 28,
            "E": 6,
            "F": 8,
            "G": 18,
            "H": 10,
            "I": 10,
            "J": 10,
            "K": 12,
            "L": 10,
            "M": 10,
            "N": 14,
            "O": 18,
            "P": 20,
            "Q": 20,
            "R": 12,
        },
    )
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    _protect(ws)


def add_project_sheet(wb: Workbook, number: int) -> Worksheet:
    """Append one empty, protected 项目支出绩效目标表 (also what 新建项目表 does).

    The cells of the first project sheet are copied when it exists (styles by reference: ten
    times faster than styling every cell again); sheet features are then set per sheet.
    """
    p = LAYOUT.project
    prototype = p.sheet_name(1)
    if number != 1 and prototype in wb.sheetnames:
        ws: Worksheet = wb.copy_worksheet(wb[prototype])
        ws.title = p.sheet_name(number)
        for ref in project_input_cells():
            ws[ref].value = None
            ws[ref].fill = INPUT_FILL  # a copied sheet may carry 一键校验's red marks
    else:
        ws = wb.create_sheet(p.sheet_name(number))
        _project_cells(ws)
    _project_features(ws, number)
    return ws


def project_input_cells() -> list[str]:
    """Every cell a clerk may type into on a project sheet."""
    p = LAYOUT.project
    cells = [p.code, p.name, p.budget, p.fiscal, p.other, p.purpose, p.goal, p.department, *p.plan]
    cells += [p.row_cell(f, r) for r in p.indicator_rows() for f, _ in p.indicator_columns]
    return cells


def _project_cells(ws: Worksheet) -> None:
    p = LAYOUT.project
    for ref in p.merges:
        ws.merge_cells(ref)
    ws[p.title].font = TITLE
    ws[p.title].alignment = CENTER
    ws[p.unit_line] = '=JX_UNIT_CODE&" "&JX_UNIT_NAME'
    ws[p.money_line] = '="单位："&JX_MONEY_UNIT'
    ws[p.money_line].alignment = Alignment(horizontal="right")
    for ref, text in p.labels:
        _label(ws, ref, text, fill=ref != p.department_label)
    _project_inputs(ws)
    _project_checks(ws)
    ws[p.end_marker] = END_MARKER
    ws[p.end_marker].font = NOTE


def _project_features(ws: Worksheet, number: int) -> None:
    """What copy_worksheet does not carry: title, validations, highlights, print set-up."""
    p = LAYOUT.project
    ws[p.title] = (
        f'=IF({p.name}="","{number}.项目支出绩效目标表","{number}."&{p.name}&"绩效目标表")'
    )
    _decimal_validation(
        ws,
        f"{p.budget} {p.fiscal} {p.other}",
        "0",
        "1000000000000",
        "金额应为不小于 0 的数字（单位见表头）",
    )
    _decimal_validation(ws, " ".join(p.plan), "0", "1", "请输入 0%～100% 的累计百分比，如 25%")
    first, last = p.first_row, p.last_row
    _list_validation(ws, 'INDIRECT("L1_"&JX_PROFILE_KEY)', f"A{first}:A{last}", "一级指标")
    _list_validation(
        ws,
        f'INDIRECT("L2_"&JX_PROFILE_KEY&"_"&${p.helper_column}{first})',
        f"B{first}:B{last}",
        "二级指标",
    )
    ws.column_dimensions[p.helper_column].hidden = True
    _project_highlights(ws)
    _project_print_setup(ws)
    _protect(ws)


def _project_inputs(ws: Worksheet) -> None:
    p = LAYOUT.project
    for ref in (p.code, p.name, p.purpose, p.goal, p.department):
        _input(ws, ref, TEXT_FORMAT)
    for ref in (p.budget, p.fiscal, p.other):
        _input(ws, ref, AMOUNT_FORMAT)
    for ref in p.plan:
        _input(ws, ref, PERCENT_FORMAT)
    _box(ws, f"A4:{p.last_column}{p.last_row}")
    for row in p.indicator_rows():
        ws.merge_cells(f"D{row}:E{row}")
        for _, column in p.indicator_columns:
            _input(ws, f"{column}{row}", TEXT_FORMAT)
        ws[f"{p.helper_column}{row}"] = checks.effective_level1(row)


def _project_checks(ws: Worksheet) -> None:
    p = LAYOUT.project
    ws[p.count_label] = "本表问题数（不打印）"
    ws[p.count_label].font = BOLD
    ws[p.count] = checks.problem_count()
    ws[p.count].font = BOLD
    status = {
        p.status(p.code): checks.code_status(),
        p.status(p.budget): checks.money_status(),
        p.status(p.plan[0]): checks.plan_status(),
    }
    status |= {
        f"{p.status_column}{row}": checks.indicator_status(row) for row in p.indicator_rows()
    }
    for ref, formula in status.items():
        ws[ref] = formula
        ws[ref].font = STATUS
        ws[ref].alignment = Alignment(vertical="center", wrap_text=False)


def _project_highlights(ws: Worksheet) -> None:
    p = LAYOUT.project
    highlights = (
        (f"{p.code}:C4", p.status(p.code)),
        (f"{p.budget}:{p.other}", p.status(p.budget)),
        (f"{p.plan[0]}:{p.plan[-1]}", p.status(p.plan[0])),
    )
    for ref, status_cell in highlights:
        ws.conditional_formatting.add(
            ref, FormulaRule(formula=[f"LEN({absolute(status_cell)})>0"], fill=PROBLEM_FILL)
        )
    ws.conditional_formatting.add(
        f"A{p.first_row}:{p.last_column}{p.last_row}",
        FormulaRule(formula=[f"LEN(${p.status_column}{p.first_row})>0"], fill=PROBLEM_FILL),
    )


def _project_print_setup(ws: Worksheet) -> None:
    p = LAYOUT.project
    _widths(ws, {"A": 12, "B": 13, "C": 18, "D": 12, "E": 12, "F": 14, "G": 14, "H": 14, "I": 60})
    for ref, height in ((p.purpose, 48), (p.goal, 64), (p.title, 30)):
        ws.row_dimensions[parse_a1(ref)[0]].height = height
    ws.print_area = p.print_area
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_setup.blackAndWhite = True  # shading is for the screen; print as the official table
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.freeze_panes = f"A{p.first_row}"


def _lists_sheet(ws: Worksheet) -> None:
    lists = LAYOUT.lists
    wb = _book(ws)
    ws.sheet_state = "hidden"
    ws["A1"] = "金额单位"
    for row, unit in enumerate(lists.money_units, start=2):
        ws.cell(row, 1, unit)
    _name(wb, lists.money_units_name, lists.name, f"$A$2:$A${1 + len(lists.money_units)}")
    names = builtin_names()
    ws["B1"] = "规则配置"
    for row, name in enumerate(names, start=2):
        ws.cell(row, 2, name)
    _name(wb, lists.profiles_name, lists.name, f"$B$2:$B${1 + len(names)}")
    _profile_table(ws, names)
    column = 12
    for name in names:
        column = _level_lists(ws, load_profile(name), column)
    _protect(ws)


_PROFILE_COLUMNS = (
    "配置",
    "需项目编码",
    "需支出计划",
    "需依据",
    *(f"最低{c}" for c in CHECKPOINTS),
)


def _profile_table(ws: Worksheet, names: list[str]) -> None:
    """Per-profile flags and minimum plan, and the current profile's row looked up by name."""
    for column, header in enumerate(_PROFILE_COLUMNS, start=4):
        ws.cell(1, column, header)
    for row, name in enumerate(names, start=2):
        profile = load_profile(name)
        flags = (
            profile.requires_project_code,
            profile.requires_spending_plan,
            profile.requires_basis,
        )
        ws.cell(row, 4, name)
        for offset, flag in enumerate(flags, start=5):
            ws.cell(row, offset, int(flag))
        for offset, checkpoint in enumerate(CHECKPOINTS, start=8):
            minimum = (profile.min_plan or {}).get(checkpoint)
            ws.cell(row, offset).value = None if minimum is None else float(minimum) / 100
    table = f"$D$2:$K${1 + len(names)}"
    current = 2 + len(names) + 1
    ws.cell(current, 3, "当前")
    defined = (checks.REQUIRES_CODE, checks.REQUIRES_PLAN, checks.REQUIRES_BASIS, *checks.MIN_PLAN)
    for offset, name in enumerate(defined):
        column = 5 + offset
        lookup = f"VLOOKUP(JX_PROFILE,{table},{column - 3},FALSE)"
        default = "1" if offset < 3 else '""'
        # A blank minimum must stay blank (not 0), so ISNUMBER() in the checks can tell.
        ws.cell(current, column, f'=IFERROR(IF({lookup}="",{default},{lookup}),{default})')
        _name(_book(ws), name, LAYOUT.lists.name, f"${column_letter(column)}${current}")


def _level_lists(ws: Worksheet, profile: Profile, column: int) -> int:
    """Write a profile's 一级 list and one 二级 list per 一级; return the next free column."""
    key = profile_key(profile.name)
    lists = LAYOUT.lists
    wb = _book(ws)
    letter = column_letter(column)
    ws.cell(1, column, lists.level1_name(key))
    for row, level1 in enumerate(profile.framework, start=2):
        ws.cell(row, column, level1)
    _name(
        wb,
        lists.level1_name(key),
        lists.name,
        f"${letter}$2:${letter}${1 + len(profile.framework)}",
    )
    for offset, (level1, level2s) in enumerate(profile.framework.items(), start=1):
        sub = column_letter(column + offset)
        ws.cell(1, column + offset, lists.level2_name(key, level1))
        for row, level2 in enumerate(level2s, start=2):
            ws.cell(row, column + offset, level2)
        _name(wb, lists.level2_name(key, level1), lists.name, f"${sub}$2:${sub}${1 + len(level2s)}")
    return column + len(profile.framework) + 2


def _meta_sheet(ws: Worksheet, profile: Profile, projects: int) -> None:
    meta = LAYOUT.meta
    ws.sheet_state = "veryHidden"
    values: tuple[str | int, ...] = (
        TEMPLATE_ID,
        TEMPLATE_VERSION,
        profile.name,
        fingerprint(),
        projects,
        f"jixiao {__version__}",
    )
    for row, (key, value) in enumerate(zip(meta.keys, values, strict=True), start=1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, value)
    _protect(ws)
