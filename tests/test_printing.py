"""How the workbooks jixiao writes print (set-up read back with openpyxl; what LibreOffice
actually prints: test_print_lo.py).

Every visible sheet: A4, one page wide, header rows repeated; hidden sheets have no print area
(LibreOffice prints a hidden sheet that has one); rows as high as their wrapped text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from conftest import FIXTURES
from jixiao.model import Submission
from jixiao.readers.interchange import load_submission
from jixiao.template.build import build_template, save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import END_MARKER, LAYOUT
from jixiao.template.positions import row_of
from jixiao.textwidth import column_points, line_count, lines_height, text_height, wrap

P = LAYOUT.project


def seed(number: str) -> Submission:
    submission, findings = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None, findings
    return submission


def print_problems(path: Path) -> list[str]:
    """What is wrong with how each sheet of a workbook file prints."""
    book = openpyxl.load_workbook(path)
    problems = []
    for ws in book.worksheets:
        problems += [f"{path.name}/{ws.title}: {p}" for p in sheet_print_problems(ws)]
    return problems


def sheet_print_problems(ws: Worksheet) -> list[str]:
    if ws.sheet_state != "visible":
        return [] if not ws.print_area else ["hidden, yet it has a print area"]
    problems = []
    setup = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr
    if fit is None or not fit.fitToPage:
        problems.append("not fitted to the page")
    if (setup.fitToWidth or 1) != 1:  # absent means 1 (ECMA-376)
        problems.append(f"fitToWidth {setup.fitToWidth}")
    if setup.fitToHeight not in (0, "0"):
        problems.append(f"fitToHeight {setup.fitToHeight} (should be as many pages as needed)")
    if str(setup.paperSize) != str(ws.PAPERSIZE_A4):
        problems.append(f"paper {setup.paperSize}")
    if not ws.print_title_rows:
        problems.append("no header rows repeated")
    return problems


def test_every_visible_sheet_of_every_template_prints_one_page_wide(tmp_path: Path) -> None:
    for profile in ("hebei", "tianjin", "central-2021"):
        path = tmp_path / f"{profile}.xlsx"
        save_workbook(build_template(profile, 3), path)
        assert print_problems(path) == []


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_every_visible_sheet_of_a_filled_workbook_prints_one_page_wide(
    tmp_path: Path, number: str
) -> None:
    path = tmp_path / f"{number}.xlsx"
    save_workbook(fill_workbook(seed(number)), path)
    assert print_problems(path) == []


def test_the_demo_workbooks_print_one_page_wide(tmp_path: Path) -> None:
    from jixiao.service.actions import run_demo

    demo = run_demo(tmp_path / "demo")
    files = sorted(demo.inbox.glob("*.xlsx"))
    assert len(files) == 6  # the 申报表 sub-unit's workbook prints like the others
    assert [p for f in files for p in print_problems(f)] == []


def test_filled_print_areas_are_the_whole_grid_as_on_the_blank_template(tmp_path: Path) -> None:
    """A print area does not follow what a clerk types: one cut at the last imported row left
    an indicator added after the import off paper (test_print_added_rows_lo.py prints it)."""
    book = fill_workbook(seed("004"))
    blank = build_template("hebei", 1)
    for number in (1, 14):
        ws = book[P.sheet_name(number)]
        assert ws.print_area == f"'{ws.title}'!$A$1:$G${P.last_row}"
        assert ws.print_area.split("!")[-1] == blank[P.sheet_name(1)].print_area.split("!")[-1]
    for number in range(6, 14):  # withheld: no project, hidden, nothing to print
        ws = book[P.sheet_name(number)]
        assert ws.sheet_state == "hidden" and not ws.print_area
    for number in range(16, 31):
        assert book[P.sheet_name(number)].sheet_state == "hidden"
    assert book[LAYOUT.overall.name].sheet_state == "hidden"  # 004 has no 整体绩效目标表
    department = book[LAYOUT.department.name]
    assert department.sheet_state == "visible"
    used = LAYOUT.department.blocks_first_row + 45  # five duties of nine indicators
    assert department.row_dimensions[used - 1].hidden is False
    assert department.row_dimensions[used].hidden is True  # unused 分项 rows do not print
    d = LAYOUT.department
    assert department.print_area == f"'{d.name}'!$A$1:${d.last_column}${d.measures_last_row}"
    summary = book[LAYOUT.summary.name]
    assert summary.print_area.endswith(f"$F${LAYOUT.summary.row(15)}")


def test_no_end_marker_is_printed() -> None:
    """The markers stand outside every print area, so no page holds only a marker."""
    book = build_template("hebei", 2)
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        area = ws.print_area
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == END_MARKER:
                    assert not within(area, cell.coordinate), (ws.title, cell.coordinate)


def within(area: str, ref: str) -> bool:
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    box = area.split("!")[-1].replace("$", "")
    low_col, low_row, high_col, high_row = range_boundaries(box)
    row, column = coordinate_to_tuple(ref)
    assert low_col is not None and high_col is not None
    assert low_row is not None and high_row is not None
    return low_row <= row <= high_row and low_col <= column <= high_col


def test_the_unit_sheet_prints_nothing_and_every_footer_names_the_unit() -> None:
    book = fill_workbook(seed("000"))
    unit = book[LAYOUT.unit.name]
    area = unit.print_area.split("!")[-1].replace("$", "")
    assert all(unit[ref].value is None for ref in area.split(":"))  # an empty cell: no page
    for ws in book.worksheets:
        if ws.sheet_state == "visible":
            footer = ws.oddFooter
            assert footer is not None
            assert footer.left.text == "615001 石家庄高新技术产业开发区人民法院本级"
            assert footer.center.text == "第 &P 页，共 &N 页"


def test_filled_rows_grow_with_their_text() -> None:
    base = seed("000")
    project = base.projects[0]
    long_goal = "1.通过经费的使用，促进各项案件的顺利进行，提升办案质量。" * 6
    long_row = dataclasses.replace(
        project.indicators[0],
        level3="办理案件数量（含刑事、民事、行政、执行案件）",
        value="争取在最短时间内办结，群众反映的问题当日响应",
    )
    changed = dataclasses.replace(
        project, goal=long_goal, indicators=(long_row, *project.indicators[1:])
    )
    book = fill_workbook(dataclasses.replace(base, projects=(changed,)))
    ws = book[P.sheet_name(1)]
    goal_row = row_of(P.goal)
    widths = [LAYOUT.project.widths[i] for i in range(1, 7)]  # B:G, the merged goal cell
    assert ws.row_dimensions[goal_row].height >= text_height(long_goal, widths, 11)
    assert ws.row_dimensions[goal_row].height > 60
    value_lines = line_count(long_row.value or "", column_points([P.widths[5]]), 11)
    assert value_lines >= 3
    assert ws.row_dimensions[P.first_row].height >= lines_height(value_lines, 11)
    assert ws.row_dimensions[P.first_row + 1].height < ws.row_dimensions[P.first_row].height


def test_text_width_counts_cjk_full_and_latin_half() -> None:
    assert line_count("中" * 10, 110, 11) == 1
    assert line_count("中" * 11, 110, 11) == 2
    assert line_count("0" * 17, 110, 11) == 1  # 0.58 em each
    assert line_count("0" * 18, 110, 11) == 2
    assert wrap("≥500 件 件件件件", 33, 11) == ["≥500", "件 件", "件件件"]
    assert wrap("一行\n两行", 500, 11) == ["一行", "两行"]
    assert wrap("中中，", 22, 11) == ["中", "中，"]  # punctuation never starts a line
    assert lines_height(1, 11) == 16.75
    assert lines_height(3, 11) > 3 * 14.25  # Excel's SimSun line, with room to spare


def test_a_list_sheet_prints_one_page_wide_with_its_header() -> None:
    """template.printing.print_list: what the 校验结果 sheet (and the summary sheets 汇总 writes
    into a workbook) need; the excel/ file and live backends call it when they write one."""
    from jixiao.template.layout import RESULT
    from jixiao.template.printing import print_list

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(RESULT.top_line("一键校验结果", "共 1 个问题"))
    ws.append(RESULT.headers)
    long_message = "成本指标“预算控制数”≤1111万元（折合 1111万元）超过预算数 1000万元" * 2
    ws.append(
        [1, "错误", "cost-exceeds-budget", "项目1", "F14", "1.专项项目", long_message, "核对"]
    )
    for column, width in enumerate(RESULT.widths, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    print_list(ws, RESULT.header_row, "615001 某某法院")
    assert sheet_print_problems(ws) == []
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${RESULT.header_row}:${RESULT.header_row}"
    assert ws.cell(3, RESULT.index("message") + 1).alignment.wrap_text
    assert ws.row_dimensions[3].height > 30  # the long message wraps onto more lines


def test_the_result_sheet_prints_one_page_wide(tmp_path: Path) -> None:
    from jixiao.excel.book import FileBook
    from jixiao.excel.handlers import validate_book
    from jixiao.template.layout import RESULT

    path = tmp_path / "004.xlsx"
    save_workbook(fill_workbook(seed("004")), path)
    book = FileBook(path)
    validate_book(book)
    book.save()
    assert sheet_print_problems(openpyxl.load_workbook(path)[RESULT.name]) == []


def test_the_layout_says_how_far_a_sheet_prints_at_best() -> None:
    """PrintSetup.cut: down to the last filled grid row, whatever lies beside the grid (status
    formulas), never above the grid's first row nor below its last."""
    how = P.printing
    assert how.area == f"A1:G{P.last_row}" and how.grid == (P.first_row, P.last_row)
    empty: list[list[object]] = [[None] * 10 for _ in range(P.last_row + 1)]
    for row in empty:
        row[8] = "=status"  # column I, outside the printed columns
    assert how.last_filled(empty) is None
    assert how.cut(empty) == f"A1:G{P.first_row}"
    typed = [list(row) for row in empty]
    typed[P.first_row + 3][6] = "依据"  # column G of the fifth indicator row
    typed[2][0] = "标题"  # above the grid: not a grid row
    assert how.last_filled(typed) == P.first_row + 4
    assert how.cut(typed) == f"A1:G{P.first_row + 4}"
    typed[P.last_row - 1][0] = "产出指标"
    assert how.cut(typed) == how.area
    assert how.down_to(10_000) == how.area and how.down_to(0) == f"A1:G{P.first_row}"
    assert how.cut(typed[:5]) == f"A1:G{P.first_row}"  # a short sheet: values end early
    unit = LAYOUT.unit.printing
    assert unit.grid is None and unit.cut(typed) == unit.area
    assert how.filled_rows(typed) == [3, P.first_row + 4, P.last_row]  # in the area, A to G
    assert how.filled_rows(empty) == []
