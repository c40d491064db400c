"""The summary at province scale (issue 15): lists longer than a sheet continue on further
sheets with a note on 汇总概览, the workbook is written row by row, and ``--tables-dir`` writes
every table as a UTF-8-with-BOM CSV holding exactly what the sheets show."""

from __future__ import annotations

import csv
import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.cli import main
from jixiao.consolidation.results import Entry
from jixiao.consolidation.table import Kind
from jixiao.consolidation.unit import Consolidation, consolidate
from jixiao.outputs import sheets, summary
from jixiao.outputs.summary import write_summary
from jixiao.outputs.tables import (
    cell_text,
    overview_facts,
    summary_tables,
    table_files,
    write_tables,
)
from jixiao.service.actions import run_demo
from jixiao.service.collect import collect
from jixiao.service.demo import planted_court
from jixiao.textwidth import lines_height
from test_printing import sheet_print_problems

LIMIT = 10
LISTS = ("项目汇总", "指标明细", "问题清单", "部门整体")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Consolidation]:
    """The demo's inbox (five workbooks: findings with cells to link to) and its result."""
    folder = tmp_path_factory.mktemp("demo")
    inbox = run_demo(folder / "演示").inbox
    return folder, consolidate(collect([inbox]))


@pytest.fixture(scope="module")
def written(
    demo: tuple[Path, Consolidation], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, Path, Consolidation]:
    """The demo's summary with lists of at most 10 rows a sheet, the same without the limit,
    and its CSVs."""
    folder, result = demo
    limited, whole = folder / "汇总-续表.xlsx", folder / "汇总.xlsx"
    write_summary(result, limited, "演示单位", row_limit=LIMIT)
    write_summary(result, whole, "演示单位")
    tables = tmp_path_factory.mktemp("csv")
    write_tables(result, tables, folder)
    return limited, whole, tables, result


def list_rows(book: openpyxl.Workbook, name: str) -> tuple[tuple[Any, ...], list[list[Cell]]]:
    """A list's header and its rows over its sheet and the sheets continuing it."""
    sheets = [book[name]] + [book[n] for n in book.sheetnames if n.startswith(f"{name}(")]
    header = tuple(c.value for c in sheets[0][1])
    rows: list[list[Cell]] = []
    for sheet in sheets:
        assert tuple(c.value for c in sheet[1]) == header, sheet.title
        rows.extend(list(row) for row in sheet.iter_rows(min_row=2))
    return header, rows


def test_lists_longer_than_the_limit_continue_on_further_sheets(
    written: tuple[Path, Path, Path, Consolidation],
) -> None:
    limited, whole, _, result = written
    book, plain = openpyxl.load_workbook(limited), openpyxl.load_workbook(whole)
    sizes = {
        "项目汇总": len(result.projects),
        "指标明细": len(result.indicators),
        "问题清单": len(result.findings),
        "部门整体": len(result.department),
    }
    assert all(size > LIMIT for size in sizes.values()), sizes
    expected = ["汇总概览"]
    for name in ("项目汇总", "支出计划", "指标明细", "问题清单", "部门整体"):
        expected.append(name)
        if name in sizes:
            count = -(-sizes[name] // LIMIT)
            expected.extend(f"{name}({k})" for k in range(2, count + 1))
    assert book.sheetnames == expected
    assert plain.sheetnames == ["汇总概览", "项目汇总", "支出计划", *LISTS[1:]]
    for name in LISTS:
        _, rows = list_rows(book, name)
        values = [[c.value for c in row] for row in rows]
        assert len(values) == sizes[name]
        whole_rows = [list(r) for r in plain[name].iter_rows(min_row=2, values_only=True)]
        assert values == whole_rows, name  # nothing lost, doubled or reordered
        first = book[name]
        for sheet in [book[n] for n in book.sheetnames if n.startswith(f"{name}(")]:
            assert 1 <= sheet.max_row - 1 <= LIMIT
            assert sheet_print_problems(sheet) == []  # A4, one page wide, header repeated
            assert sheet.print_title_rows == first.print_title_rows
            assert sheet.page_setup.orientation == first.page_setup.orientation
            assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
            assert sheet.oddFooter.left.text == first.oddFooter.left.text
            widths = {k: d.width for k, d in sheet.column_dimensions.items()}
            assert widths == {k: d.width for k, d in first.column_dimensions.items()}


def test_the_overview_says_which_list_continues_where(
    written: tuple[Path, Path, Path, Consolidation],
) -> None:
    limited, whole, _, result = written
    overview = openpyxl.load_workbook(limited)["汇总概览"]
    texts = [row[1] for row in overview.iter_rows(values_only=True) if row[0] == "续表"]
    assert len(texts) == len(LISTS)  # one note for each list that continues
    indicators = next(t for t in texts if t.startswith("“指标明细”"))
    total = len(result.indicators)
    assert f"共 {total:,} 行" in indicators and "“指标明细(2)”" in indicators
    assert "第 1–10 行在“指标明细”" in indicators and "第 11–20 行在“指标明细(2)”" in indicators
    last = -(-total // LIMIT)
    assert f"第 {(last - 1) * LIMIT + 1:,}–{total:,} 行在“指标明细({last})”" in indicators
    plain = openpyxl.load_workbook(whole)["汇总概览"]
    assert not any(row[0] == "续表" for row in plain.iter_rows(values_only=True))
    # The sub-units' table moves down by the notes, and is whole.
    header_row = next(r for r in overview.iter_rows() if r[0].value == "下属单位")
    assert header_row[0].row == 5 + len(overview_facts(result)) + len(texts)
    assert overview.print_title_rows == f"${header_row[0].row}:${header_row[0].row}"


def test_links_on_continuation_sheets_point_at_their_own_finding(
    written: tuple[Path, Path, Path, Consolidation],
) -> None:
    limited, _, _, _ = written
    book = openpyxl.load_workbook(limited)
    header, rows = list_rows(book, "问题清单")
    where = header.index("位置")
    linked = [row[where] for row in rows[LIMIT:] if row[where].hyperlink is not None]
    assert len(linked) > 5  # links on 问题清单(2) and after
    for cell in linked:
        link = cell.hyperlink
        assert "\\" not in link.target and link.target.endswith(".xlsx")
        assert (limited.parent / link.target).is_file()
        assert link.location.replace("'", "") == str(cell.value).replace("'", "")


def test_the_limit_is_checked(tmp_path: Path) -> None:
    result = consolidate([Entry("a.json", planted_court())])
    with pytest.raises(ValueError):
        write_summary(result, tmp_path / "x.xlsx", row_limit=0)
    with pytest.raises(ValueError):
        write_summary(result, tmp_path / "x.xlsx", row_limit=sheets.SHEET_ROWS)
    assert not (tmp_path / "x.xlsx").exists()


def test_forgetting_written_row_heights_changes_nothing(
    demo: tuple[Path, Consolidation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result = demo
    write_summary(result, tmp_path / "a.xlsx")
    monkeypatch.setattr(sheets, "_FORGET_EVERY", 2)
    write_summary(result, tmp_path / "b.xlsx")
    a, b = openpyxl.load_workbook(tmp_path / "a.xlsx"), openpyxl.load_workbook(tmp_path / "b.xlsx")
    for name in a.sheetnames:
        heights = {r: d.height for r, d in a[name].row_dimensions.items()}
        assert heights == {r: d.height for r, d in b[name].row_dimensions.items()}, name
        assert len([h for h in heights.values() if h and h > 16]) > 0 or name == "支出计划"


def test_each_list_row_is_as_high_as_its_tallest_wrapped_text(
    demo: tuple[Path, Consolidation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list row's height is the tallest of its wrapped texts' (sheets.row_height, as
    XlsxWriter stores it: whole pixels), whether the heights of texts seen before are
    remembered or forgotten after every text."""
    _, result = demo
    tables = summary_tables(result, tmp_path)  # files named as from the summary's folder
    expected: dict[str, dict[int, float]] = {}
    single = lines_height(1, sheets.FONT_SIZE)
    for name in ("项目汇总", "指标明细", "部门整体"):
        table = tables[name]
        wrapped = [(n, c.width) for n, c in enumerate(table.columns) if c.kind is Kind.LONG_TEXT]
        expected[name] = {}
        for number, row in enumerate(table.rows(), start=2):
            texts = [sheets.row_height(str(row[n]), w) for n, w in wrapped if row[n] is not None]
            expected[name][number] = int(max([single, *texts]) * 4 / 3 + 0.5) * 0.75
    for remembered in (sheets._KNOWN_HEIGHTS, 1):
        monkeypatch.setattr(sheets, "_KNOWN_HEIGHTS", remembered)
        path = tmp_path / f"{remembered}.xlsx"
        write_summary(result, path)
        book = openpyxl.load_workbook(path)
        for name, heights in expected.items():
            got = {r: book[name].row_dimensions[r].height for r in heights}
            assert got == {r: h if h != 13.5 else got[r] for r, h in heights.items()}, name
            assert any(h > 20 for h in heights.values()) or name == "部门整体"


# ---------------------------------------------------------------- CSV


def shown(cell: Cell) -> str:
    """A cell as a clerk reads it on screen: numbers by their number format."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value))
        places = {"#,##0.00": "0.01", "0.0": "0.1", "0": "1"}.get(cell.number_format)
        if places is None:  # General
            return f"{number.normalize():f}"
        return f"{number.quantize(Decimal(places), rounding=ROUND_HALF_UP):f}"
    return str(value)


def as_csv_field(cell: Cell) -> str:
    """What the CSV must hold for this cell: its text, a formula-like text with ``'``."""
    text = shown(cell)
    if isinstance(cell.value, str) and text.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + text
    return text


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel and WPS open it as UTF-8
    text = data.decode("utf-8")  # strictly UTF-8
    assert "\r\n" in text
    return list(csv.reader(text.removeprefix("\ufeff").splitlines(keepends=True)))


def test_csv_files_equal_the_sheets_row_by_row(
    written: tuple[Path, Path, Path, Consolidation],
) -> None:
    limited, _, tables, result = written
    book = openpyxl.load_workbook(limited)
    names = sorted(p.name for p in tables.iterdir())
    assert names == sorted(p.name for p in table_files(tables))
    assert len(names) == 7
    for name in LISTS:  # every row of the sheet and its continuations
        header, rows = list_rows(book, name)
        records = read_csv(tables / f"{name}.csv")
        assert tuple(records[0]) == header
        assert records[1:] == [[as_csv_field(c) for c in row] for row in rows], name
    plan = book["支出计划"]
    records = read_csv(tables / "支出计划.csv")
    width = len(records[0])
    sheet_plan = [[as_csv_field(c) for c in row[:width]] for row in plan.iter_rows(max_row=5)]
    assert records[0] == sheet_plan[0] and records[1:] == sheet_plan[1:]
    overview = book["汇总概览"]
    start = next(r[0].row for r in overview.iter_rows() if r[0].value == "下属单位")
    sub_units = read_csv(tables / "各下属单位.csv")
    assert len(sub_units) - 1 == len(result.sub_units)
    on_sheet = [
        [as_csv_field(c) for c in row[: len(sub_units[0])]]
        for row in overview.iter_rows(min_row=start, max_row=start + len(result.sub_units))
    ]
    assert sub_units == on_sheet
    facts = read_csv(tables / "汇总概览.csv")
    assert facts[0] == ["项目", "数值", "说明（合计包括什么）"]
    figures = [
        [as_csv_field(row[0]), as_csv_field(row[1]), as_csv_field(row[2])]
        for row in overview.iter_rows(min_row=3, max_row=2 + len(overview_facts(result)))
    ]
    assert facts[1:] == figures
    (budget,) = [fact for fact in facts if fact[0] == "预算数合计"]
    assert "." in budget[1]
    (year,) = [fact for fact in facts if fact[0] == "预算年度"]
    assert year[1] == result.year_text() and year[1][:2] == "20"


def test_money_in_csv_is_a_plain_decimal(
    written: tuple[Path, Path, Path, Consolidation],
) -> None:
    _, _, tables, result = written
    records = read_csv(tables / "项目汇总.csv")
    budget = records[0].index(f"预算数（{result.money_unit.value}）")
    amounts = [row[budget] for row in records[1:] if row[budget]]
    assert amounts and all(len(a.split(".")[1]) == 2 for a in amounts)
    total = sum(Decimal(a) for a in amounts)
    assert abs(total - result.budget) < Decimal("0.01") * len(amounts)


def test_cell_text_follows_the_sheets_formats() -> None:
    assert cell_text(Decimal("1234.5"), Kind.MONEY) == "1234.50"
    assert cell_text(Decimal("0.125"), Kind.MONEY) == "0.13"  # half up, not a float's 0.12
    assert cell_text(Decimal("300.123456"), Kind.MONEY) == "300.12"
    assert cell_text(Decimal("33.35"), Kind.PERCENT) == "33.4"
    assert cell_text(7, Kind.COUNT) == "7"
    assert cell_text(Decimal("6700"), Kind.NUMBER) == "6700"
    assert cell_text(Decimal("99.50"), Kind.NUMBER) == "99.5"
    assert cell_text(True, Kind.MET) == "达标" and cell_text(False, Kind.MET) == "未达标"
    assert cell_text(True, Kind.TEXT) == "是"
    assert cell_text(None, Kind.MONEY) == ""
    assert cell_text(Decimal("1E+400"), Kind.MONEY) == ""  # the sheet leaves it blank too


def test_text_starting_like_a_formula_stays_text_in_csv(tmp_path: Path) -> None:
    court = planted_court()
    names = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    projects = tuple(
        dataclasses.replace(court.projects[0], name=name, code=f"1301002300000000000{n}")
        for n, name in enumerate(names)
    )
    result = consolidate([Entry("eq.json", dataclasses.replace(court, projects=projects))])
    write_summary(result, tmp_path / "汇总.xlsx")
    write_tables(result, tmp_path / "表", tmp_path)
    records = read_csv(tmp_path / "表" / "项目汇总.csv")
    column = records[0].index("项目名称")
    assert [row[column] for row in records[1:]] == ["'" + name for name in names]
    sheet: Worksheet = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["项目汇总"]
    on_sheet = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in on_sheet] == names and all(c.data_type == "s" for c in on_sheet)


# ---------------------------------------------------------------- the command


def test_consolidate_tables_dir_writes_the_csvs_and_never_overwrites(
    demo: tuple[Path, Consolidation], tmp_path: Path
) -> None:
    folder, _ = demo
    inbox = folder / "演示" / "报送"
    out, tables = tmp_path / "汇总.xlsx", tmp_path / "表格"
    args = ["consolidate", str(inbox), "-o", str(out), "--tables-dir", str(tables)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code in (0, 1), first.output
    assert sorted(p.name for p in tables.iterdir()) == sorted(p.name for p in table_files(tables))
    assert "项目汇总.csv" in {p.name for p in tables.iterdir()}
    out.unlink()
    again = CliRunner().invoke(main, args)  # the CSVs exist: refused before any work
    assert again.exit_code == 2 and "已存在" in again.output and "项目汇总.csv" in again.output
    assert not out.exists()
    forced = CliRunner().invoke(main, [*args, "--force"])
    assert forced.exit_code in (0, 1) and out.exists()
    assert not [p for p in tables.iterdir() if p.name.startswith(".~jixiao")]


def test_tables_dir_help_is_chinese() -> None:
    result = CliRunner().invoke(main, ["consolidate", "--help"])
    line = next(x for x in result.output.splitlines() if "--tables-dir" in x)
    assert "文件夹" in line
    assert "CSV" in result.output and "UTF-8" in result.output


def test_links_stop_at_excels_limit_a_sheet_and_the_overview_says_so(
    demo: tuple[Path, Consolidation], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result = demo
    monkeypatch.setattr(summary, "LINKS_PER_SHEET", 3)
    path = tmp_path / "汇总.xlsx"
    write_summary(result, path, row_limit=20)
    book = openpyxl.load_workbook(path)
    sheets = [n for n in book.sheetnames if n.startswith("问题清单")]
    assert len(sheets) > 2
    for name in sheets:
        links = [c for row in book[name].iter_rows(min_row=2) for c in row if c.hyperlink]
        # the first three rows with a cell to open, no more (the last sheet may hold fewer)
        assert len(links) == 3 or (name == sheets[-1] and 0 < len(links) < 3), name
    notes = [r[1] for r in book["汇总概览"].iter_rows(values_only=True) if r[0] == "链接"]
    assert len(notes) == 1 and "不再链接" in notes[0]
    plain = tmp_path / "全部.xlsx"
    monkeypatch.setattr(summary, "LINKS_PER_SHEET", 65_530)
    write_summary(result, plain)
    overview = openpyxl.load_workbook(plain)["汇总概览"]
    assert not [r for r in overview.iter_rows(values_only=True) if r[0] == "链接"]
