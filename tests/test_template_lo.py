"""The template in a real spreadsheet engine (LibreOffice headless, driven through UNO).

A clerk's workflow: open the template, type seed 000's real project, recalculate and see no
problems; then make the mistakes real tables contain and watch each status message appear,
the offending cells turn red and the problem count rise.  Also: what is locked, what the
cascading dropdown rejects, and how a filled sheet prints.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from jixiao.a1 import parse_a1
from jixiao.template.build import build_template, save_workbook
from jixiao.template.layout import LAYOUT
from jixiao.template.native_checks import NATIVE_CODES, short_message
from libreoffice import LibreOffice

pytestmark = pytest.mark.libreoffice

P = LAYOUT.project
U = LAYOUT.unit
SHEET = P.sheet_name(1)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lo") / "template.xlsx"
    save_workbook(build_template("hebei", 2), path)
    return path


def seed_000() -> dict[str, Any]:
    data = json.loads((FIXTURES / "seed-000.json").read_text("utf-8"))
    result: dict[str, Any] = data
    return result


def type_seed_000(lo: LibreOffice, doc: str) -> None:
    """Fill the unit and 项目1 the way a clerk would, cell by cell (through UNO)."""
    data = seed_000()
    unit = data["unit"]
    for field_name in ("code", "name", "year"):
        lo.set(doc, U.name, U.cell(field_name), unit[field_name])
    project = data["projects"][0]
    cells = {
        P.code: project["code"],
        P.name: project["name"],
        P.budget: project["budget"],
        P.fiscal: project["fiscal"],
        P.other: project["other"],
        P.purpose: project["purpose"],
        P.goal: project["goal"],
    }
    for entry, ref in zip(project["plan"], P.plan, strict=True):
        cells[ref] = entry["percent"] / 100  # a %-formatted cell holds the fraction
    for row, indicator in zip(P.indicator_rows(), project["indicators"], strict=False):
        for field_name, _ in P.indicator_columns:
            cells[P.row_cell(field_name, row)] = indicator.get(field_name)
    for ref, value in cells.items():
        lo.set(doc, SHEET, ref, value)
    lo.calc(doc)


@pytest.fixture
def doc(lo: LibreOffice, template: Path) -> Iterator[str]:
    handle = lo.open(template)
    type_seed_000(lo, handle)
    yield handle
    lo.close_doc(handle)


def status(lo: LibreOffice, doc: str, anchor: str) -> str:
    return lo.get(doc, SHEET, P.status(anchor))["string"]


def row_status(lo: LibreOffice, doc: str, offset: int) -> str:
    return lo.get(doc, SHEET, P.row_status(P.first_row + offset))["string"]


def count(lo: LibreOffice, doc: str) -> float | None:
    return lo.get(doc, SHEET, P.count)["value"]


def test_seed_000_typed_in_shows_no_problem(lo: LibreOffice, doc: str) -> None:
    statuses = lo.get_range(doc, SHEET, P.status_range)
    assert [s for (s,) in statuses if s] == []
    assert count(lo, doc) == 0
    assert lo.get(doc, SHEET, P.title)["string"] == "1.专项项目绩效目标表"
    assert (
        lo.get(doc, SHEET, P.unit_line)["string"] == "615001 石家庄高新技术产业开发区人民法院本级"
    )
    assert lo.get(doc, SHEET, P.money_line)["string"] == "单位：万元"
    overview = LAYOUT.summary
    assert lo.get(doc, overview.name, overview.cell("project", 1))["string"] == "专项项目"
    assert lo.get(doc, overview.name, overview.cell("budget", 1))["value"] == 1111


def test_plan_that_goes_down(lo: LibreOffice, doc: str) -> None:
    lo.set(doc, SHEET, P.plan[2], 0.40)  # 25 / 50 / 40 / 100
    lo.calc(doc)
    assert status(lo, doc, P.plan[0]) == short_message("plan-not-cumulative")
    assert count(lo, doc) == 1
    highlight = lo.conditional_format_active(doc, SHEET, P.plan[2])
    assert highlight["active"] and highlight["back_color"] == 0xFFC7CE


def test_plan_that_ends_below_100_and_misses_a_checkpoint(lo: LibreOffice, doc: str) -> None:
    lo.set(doc, SHEET, P.plan[3], 0.9)
    lo.set(doc, SHEET, P.plan[1], None)
    lo.calc(doc)
    text = status(lo, doc, P.plan[0])
    assert short_message("plan-final-not-100") in text
    assert short_message("plan-checkpoint-missing") in text
    assert "；" in text  # several messages in one cell


def test_budget_split_that_does_not_add_up(lo: LibreOffice, doc: str) -> None:
    lo.set(doc, SHEET, P.other, 30)  # 1078.34 + 30 ≠ 1111
    lo.calc(doc)
    assert status(lo, doc, P.budget) == short_message("budget-sum-mismatch")
    assert lo.conditional_format_active(doc, SHEET, P.fiscal)["active"]
    assert not lo.conditional_format_active(doc, SHEET, P.code)["active"]


def test_wrong_level2_is_flagged_by_formula_and_by_the_cascading_dropdown(
    lo: LibreOffice,
    doc: str,
) -> None:
    row = P.first_row + 4  # 效益指标 / 社会效益指标
    assert lo.invalid_cells(doc, SHEET) == []
    lo.set(doc, SHEET, P.row_cell("level2", row), "数量指标")
    lo.calc(doc)
    assert row_status(lo, doc, 4) == short_message("level-invalid")
    assert lo.invalid_cells(doc, SHEET) == [P.row_cell("level2", row)]


def test_empty_value_missing_basis_and_missing_symbol(lo: LibreOffice, doc: str) -> None:
    lo.set(doc, SHEET, P.row_cell("value", P.first_row), None)
    lo.set(doc, SHEET, P.row_cell("basis", P.first_row + 1), None)
    lo.set(doc, SHEET, P.row_cell("value", P.first_row + 2), "90%")
    lo.calc(doc)
    assert row_status(lo, doc, 0) == short_message("value-missing")
    assert row_status(lo, doc, 1) == short_message("basis-missing")
    assert row_status(lo, doc, 2) == short_message("symbol-missing")
    assert count(lo, doc) == 3
    assert lo.get(doc, LAYOUT.summary.name, LAYOUT.summary.cell("problems", 1))["value"] == 3


def test_profile_switch_changes_what_is_required(lo: LibreOffice, doc: str) -> None:
    lo.set(doc, SHEET, P.row_cell("basis", P.first_row + 1), None)
    lo.set(doc, SHEET, P.code, None)
    lo.calc(doc)
    assert count(lo, doc) == 2  # basis-missing and project-code-invalid under hebei
    lo.set(doc, U.name, U.cell("profile"), "tianjin")
    lo.calc(doc)
    assert count(lo, doc) == 0  # tianjin tables have neither


def _row(offset: int, field_name: str) -> str:
    return P.row_cell(field_name, P.first_row + offset)


READ_AS_THE_ENGINE_READS: list[tuple[str, str, str, set[str]]] = [
    # (case, cell, what the clerk types, the native codes on that row: the engine's verdict)
    ("month-led deadline", _row(2, "value"), "12月底前", set()),
    ("day-led deadline", _row(2, "value"), "6月30日前", set()),
    ("date as text", _row(2, "value"), "2024-12-31", set()),
    ("suffix implies the symbol", _row(2, "value"), "90%以上", set()),
    ("full-width quantity", _row(2, "value"), "５００件", {"symbol-missing"}),
    ("一级 without 指标", _row(4, "level1"), "效益", set()),
    ("二级 alias", _row(5, "level2"), "群众满意度", set()),
    ("二级 variant", _row(5, "level2"), "群众参与者满意度", set()),
    ("二级 variant under another 一级", _row(4, "level2"), "群众参与者满意度", {"level-invalid"}),
    ("plan full-width text", P.plan[0], "２５％", set()),
    ("plan text with spaces", P.plan[0], " 25 % ", set()),
    ("plan bare number as text", P.plan[0], "25", {"plan-value-invalid"}),
    ("budget with thousands commas", P.budget, "1,111", set()),
    ("budget in 亿元", P.budget, "0.1111亿元", set()),
    ("code with an ideographic space", P.code, "13010023P00005810001E\u3000", set()),
    (
        "code of 21 characters, wrong form",
        P.code,
        "13010023X00005810001E",
        {"project-code-invalid"},
    ),
    ("code with a lower-case letter", P.code, "13010023P00005810001e", {"project-code-invalid"}),
    ("code with full-width digits", P.code, "１３010023P00005810001E", set()),
    # text no amount: blank to the engine (amount-invalid) and to the formula, so the sum is
    # off on both sides (issue 15's grammar gaps: the formula was silent)
    ("budget in words", P.budget, "一千", {"budget-sum-mismatch"}),
    ("budget in exponent notation", P.budget, "1.111E3", {"budget-sum-mismatch"}),
    ("budget with a currency note", P.budget, "RMB 1111万元", set()),
]


@pytest.mark.parametrize(
    ("ref", "typed", "expected"),
    [
        pytest.param(ref, typed, expected, id=case)
        for case, ref, typed, expected in READ_AS_THE_ENGINE_READS
    ],
)
def test_status_formulas_read_a_cell_as_the_engine_does(
    lo: LibreOffice, doc: str, ref: str, typed: str, expected: set[str]
) -> None:
    lo.set(doc, SHEET, ref, typed)
    lo.calc(doc)
    shown = lo.get(doc, SHEET, P.status(ref))["string"]
    assert shown == "；".join(short_message(code) for code in sorted(expected))


def test_those_verdicts_are_the_engines() -> None:
    """The expectations above are what the engine says about the same cells (read from
    values, no LibreOffice needed)."""
    from test_parity import clean_project, engine_findings, on_row

    for case, ref, typed, expected in READ_AS_THE_ENGINE_READS:
        findings = engine_findings(clean_project() | {ref: typed})
        engine = on_row(findings, parse_a1(ref)[0]) & set(NATIVE_CODES)
        assert engine == expected, case


def test_input_cells_unlocked_everything_else_locked(lo: LibreOffice, doc: str) -> None:
    for sheet in lo.sheets(doc):
        assert lo.sheet_protected(doc, sheet["name"]), sheet["name"]
    for ref in (P.code, P.budget, P.plan[0], P.row_cell("value", P.first_row), P.department):
        assert not lo.protection(doc, SHEET, ref)["locked"], ref
    for ref in ("A4", "B5", P.title, P.status(P.budget), P.helper(P.first_row), *P.plan_helpers):
        assert lo.protection(doc, SHEET, ref)["locked"], ref
    assert not lo.protection(doc, U.name, U.cell("name"))["locked"]


def test_filled_sheet_prints_one_page_wide_with_an_embedded_cjk_font(
    lo: LibreOffice,
    doc: str,
    tmp_path: Path,
) -> None:
    pdf = lo.export_pdf(doc, tmp_path / "filled.pdf")
    page = project_page(pdf)
    text = pdf_text(pdf, page)
    assert "1.专项项目绩效目标表" in text
    for word in ("一级指标", "指标值确定依据", "预算数", "其他资金", "12月底", "人民群众满意度"):
        assert word in text.replace(" ", ""), word  # leftmost to rightmost column on one page
    assert "校验" not in text and "本表问题数" not in text  # status column is not printed
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    cjk = [line for line in fonts.stdout.splitlines() if "WenQuanYi" in line or "Zen" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts.stdout


def pdf_text(pdf: Path, page: int) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def project_page(pdf: Path) -> int:
    """The page that starts the 项目1 table (the other sheets print before it)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
    for page in range(1, pages + 1):
        if "1.专项项目绩效目标表" in pdf_text(pdf, page):
            return page
    raise AssertionError("the project table is on no page")
