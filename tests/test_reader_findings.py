"""What the workbook reader says about odd cells and sheets instead of passing them silently
(issue 10): renamed project sheets, unknown money units, years and profiles, and money cells
holding what is no amount."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXTURES, SEEDS
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.service.collect import read_and_validate
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import LAYOUT

P, U = LAYOUT.project, LAYOUT.unit


def filled(tmp_path: Path, seed: str) -> Path:
    submission, findings = load_submission(FIXTURES / f"seed-{seed}.json")
    assert submission is not None and not findings
    path = tmp_path / f"seed-{seed}.xlsx"
    save_workbook(fill_workbook(submission, min_projects=1), path)
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Seed 000 (a 万元 table, one project) filled into a template."""
    return filled(tmp_path, "000")


def edited(path: Path, sheet: str, ref: str, value: object) -> Path:
    book = openpyxl.load_workbook(path)
    book[sheet][ref] = value
    book.save(path)
    return path


def test_a_renamed_project_sheet_is_read_and_reported(tmp_path: Path) -> None:
    workbook = filled(tmp_path, "001")  # eight projects
    before, _ = read_workbook(workbook)
    assert before is not None
    assert len(before.projects) >= 2
    book = openpyxl.load_workbook(workbook)
    book["项目2"].title = "审判业务经费"
    book.save(workbook)
    after, findings = read_workbook(workbook)
    assert after is not None
    assert len(after.projects) == len(before.projects)
    renamed = [f for f in findings if f.code == "sheet-renamed"]
    assert [(f.sheet, f.severity.value) for f in renamed] == [("审判业务经费", "warning")]
    moved = next(p for p in after.projects if p.source.sheet == "审判业务经费")
    assert moved.name == before.projects[1].name
    last = max(p.number or 0 for p in after.projects if p is not moved)
    assert moved.number == last + 1  # numbered after the 项目N sheets


@pytest.mark.parametrize(
    ("written", "unit", "codes"),
    [
        ("元（人民币）", "元", []),
        ("万元", "万元", []),
        ("亿元", "万元", ["money-unit-invalid"]),
        ("美元", "万元", ["money-unit-invalid"]),
    ],
)
def test_money_unit_cells(workbook: Path, written: str, unit: str, codes: list[str]) -> None:
    submission, findings = read_workbook(edited(workbook, U.name, U.cell("money_unit"), written))
    assert submission is not None and submission.unit.money_unit.value == unit
    assert [f.code for f in findings if f.code.startswith("money-unit")] == codes


@pytest.mark.parametrize(
    ("written", "year", "codes"),
    [
        (2024, 2024, []),
        ("2024年", 2024, []),
        ("２０２４", 2024, []),  # full-width, as a Chinese input method types it (review15)
        ("2024 年", 2024, []),  # review16
        ("²⁰²⁴", None, ["year-invalid"]),
        (1e308, None, ["year-invalid"]),
        ("明年", None, ["year-invalid"]),
    ],
)
def test_year_cells(workbook: Path, written: object, year: int | None, codes: list[str]) -> None:
    submission, findings = read_workbook(edited(workbook, U.name, U.cell("year"), written))
    assert submission is not None and submission.unit.year == year
    assert [f.code for f in findings if f.code == "year-invalid"] == codes
    if codes:
        assert findings[0].cell == U.cell("year") and findings[0].sheet == U.name


def test_a_blank_year_is_reported_where_the_clerk_fills_it(workbook: Path) -> None:
    """review14: with 预算年度 left blank the deadline checks fell silent and nothing said so;
    a published document that names no year (seed 000) is not the clerk's form."""
    submission, findings = read_and_validate(edited(workbook, U.name, U.cell("year"), None))
    assert submission is not None and submission.unit.year is None
    (missing,) = [f for f in findings if f.code == "year-missing"]
    assert (missing.sheet, missing.cell) == (U.name, U.cell("year"))
    assert missing.severity.value == "warning"
    document, findings = read_and_validate(SEEDS / "000-shijiazhuang-gaoxin-court.txt")
    assert document is not None and document.unit.year is None
    assert "year-missing" not in {f.code for f in findings}
    # a year written but unreadable is year-invalid alone (review15: it was both)
    _, findings = read_and_validate(edited(workbook, U.name, U.cell("year"), "明年"))
    assert [f.code for f in findings if f.code.startswith("year-")] == ["year-invalid"]


def test_an_unknown_profile_is_reported_and_the_template_profile_used(workbook: Path) -> None:
    submission, findings = read_workbook(edited(workbook, U.name, U.cell("profile"), "shanghai"))
    assert submission is not None and submission.unit.profile == "hebei"
    (finding,) = [f for f in findings if f.code == "profile-unknown"]
    assert "shanghai" in finding.message and "hebei" in finding.message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (True, "逻辑值"),
        (dt.date(2024, 1, 1), "日期"),
        ("1e308", "不是数字"),
        ("11110000元", None),
    ],
)
def test_money_cells_that_are_no_amount_are_findings_not_zero(
    workbook: Path, value: object, problem: str | None
) -> None:
    submission, findings = read_workbook(edited(workbook, "项目1", P.budget, value))
    assert submission is not None
    invalid = [f for f in findings if f.code == "amount-invalid"]
    if problem is None:
        assert not invalid and submission.projects[0].budget == Decimal(1111)
        return
    assert submission.projects[0].budget is None
    assert [f.cell for f in invalid] == [P.budget] and problem in invalid[0].message


def test_error_values_in_input_cells_are_reported_and_read_as_blank(workbook: Path) -> None:
    """python-calamine reads a #REF! cell as blank and says nothing; the reader says it."""
    value = P.row_cell("value", P.first_row)
    book = openpyxl.load_workbook(workbook)
    book["项目1"][value] = "#REF!"  # openpyxl stores it as an error cell (t="e")
    book["项目1"][P.plan[0]] = "#DIV/0!"
    book["项目1"][P.budget] = "#N/A"
    book.save(workbook)
    submission, findings = read_workbook(workbook)
    assert submission is not None
    errors = {f.cell: f.message for f in findings if f.code == "cell-error"}
    assert errors == {
        value: "单元格显示错误值 #REF!",
        P.plan[0]: "单元格显示错误值 #DIV/0!",
        P.budget: "单元格显示错误值 #N/A",
    }
    project = submission.projects[0]
    assert project.budget is None and project.indicators[0].value is None
    assert all(entry.checkpoint != "3月底" for entry in project.plan)


@pytest.mark.parametrize(
    ("ref", "formula", "kind"),
    [
        (P.budget, "='C:\\报表\\[去年.xlsx]项目1'!C5", "外部工作簿"),
        (P.fiscal, "=cmd|'/c calc'!A0", "DDE 命令"),
        (P.goal, '=WEBSERVICE("http://example.com/goal")', "网络函数"),
        (P.name, '=HYPERLINK(WEBSERVICE("http://example.com"),"项目")', "网络函数"),
        (P.row_cell("value", P.first_row), "=[1]项目1!F11", "外部工作簿"),
    ],
)
def test_formulas_reaching_outside_in_input_cells_are_reported(
    workbook: Path, ref: str, formula: str, kind: str
) -> None:
    submission, findings = read_workbook(edited(workbook, "项目1", ref, formula))
    assert submission is not None
    (finding,) = [f for f in findings if f.code == "formula-outside"]
    assert (finding.sheet, finding.cell) == ("项目1", ref) and kind in finding.message


def test_outward_formulas_outside_the_inputs_are_one_finding_for_the_workbook(
    workbook: Path,
) -> None:
    """An input may take an outward formula's result through another cell (``=Z99``, or
    INDIRECT, which no reference can be followed through): formulas reaching outside
    anywhere else are one finding, at the first of them (a review's input read silently)."""
    edited(workbook, "项目1", "Z99", '=WEBSERVICE("http://example.com/x")')
    edited(workbook, "项目1", "Z98", '=RTD("x",,"y")')
    edited(workbook, "项目1", P.goal, '=INDIRECT("Z"&99)')
    submission, findings = read_workbook(workbook)
    assert submission is not None
    (finding,) = [f for f in findings if f.code == "formula-outside"]
    assert finding.sheet == "项目1" and finding.cell in ("Z98", "Z99")
    assert "工作簿中另有 2 处公式" in finding.message


def test_outward_formulas_are_found_in_any_case_and_spelling(workbook: Path) -> None:
    """Excel reads function names in any case, and XML may spell a letter as a character
    reference: the package's byte pre-test lets neither pass (issue #15's one-pass notes)."""
    edited(workbook, "项目1", P.goal, '=WebService("http://example.com/goal")')
    edited(workbook, "项目1", P.name, '=HYPERLINK("http://example.com","项目")')
    with zipfile.ZipFile(workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(
        n for n, d in parts.items() if b"HYPERLINK(&quot;http" in d or b'HYPERLINK("http' in d
    )
    parts[sheet] = parts[sheet].replace(b"HYPERLINK(", b"&#72;YPERLINK(", 1)
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    submission, findings = read_workbook(workbook)
    assert submission is not None
    found = {f.cell: f.message for f in findings if f.code == "formula-outside"}
    assert list(found) == [P.goal] and "网络函数" in found[P.goal]
    links = {f.cell: f.message for f in findings if f.code == "link-outside"}  # its own rule
    assert list(links) == [P.name] and "「http://example.com」" in links[P.name]


def test_an_outward_formula_in_a_cdata_section_is_found(workbook: Path) -> None:
    """XML may wrap a formula's text in CDATA; Excel reads it as the formula."""
    edited(workbook, "项目1", P.goal, '=WEBSERVICE("http://example.com/goal")')
    with zipfile.ZipFile(workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    (sheet,) = [n for n, d in parts.items() if b"<f>WEBSERVICE(" in d]
    parts[sheet] = re.sub(rb"<f>(WEBSERVICE\([^<]*)</f>", rb"<f><![CDATA[\1]]></f>", parts[sheet])
    assert b"<![CDATA[WEBSERVICE(" in parts[sheet]
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _, findings = read_workbook(workbook)
    found = {f.cell: f.message for f in findings if f.code == "formula-outside"}
    assert list(found) == [P.goal] and "网络函数" in found[P.goal]


def test_the_same_outward_formula_on_two_sheets_is_reported_on_both(tmp_path: Path) -> None:
    """Formulas found harmless are not tested again on the next sheet; one that reaches
    outside is never among them."""
    workbook = filled(tmp_path, "001")
    book = openpyxl.load_workbook(workbook)
    for sheet in ("项目1", "项目2"):
        book[sheet][P.goal] = '=WEBSERVICE("http://example.com/goal")'
    book.save(workbook)
    _, findings = read_workbook(workbook)
    found = sorted((f.sheet, f.cell) for f in findings if f.code == "formula-outside")
    assert found == [("项目1", P.goal), ("项目2", P.goal)]


def test_a_plain_formula_in_an_input_cell_is_no_finding(workbook: Path) -> None:
    submission, findings = read_workbook(edited(workbook, "项目1", P.budget, "=E5+G5"))
    assert submission is not None
    assert not [f for f in findings if f.code == "formula-outside"]


def test_a_huge_plan_cell_is_one_finding_not_an_unreadable_workbook(workbook: Path) -> None:
    """issue 9: a plan cell of 1e308 became Decimal Infinity and the whole file 0 projects."""
    submission, findings = read_workbook(edited(workbook, "项目1", P.plan[1], 1e308))
    assert submission is not None and len(submission.projects) == 1
    assert "file-unreadable" not in {f.code for f in findings}
    from jixiao.service.collect import read_and_validate

    _, all_findings = read_and_validate(workbook)
    invalid = [f for f in all_findings if f.code == "plan-value-invalid"]
    assert [f.cell for f in invalid] == [P.plan[1]]
