"""The 部门整体支出 sheet of the 申报表 workbook (issue 14's last gap: seed 106 round-trips through
a workbook of its layout).

* the sheet is built from its spec (template/department_spending.py), protected with only its
  inputs unlocked, its 单位 facts formulas on 单位信息's names, 一级/二级 dropdowns, A4 portrait
  one page wide;
* fill → read gives the imported submission back (locations aside), the roll-up 履职目标 row
  included; ``jixiao import`` of the 106 document writes a 申报表 workbook whose findings are the
  reviewed ones (tests/fixtures/other-106.reviewed.json), on the sheet's cells;
* the publication prints the table in 106's layout and imports back as the same submission;
* 汇总's 部门整体 shows the table; a version-1 申报表 (tests/fixtures/application-v1-*, made
  before the sheet existed) reads, validates and consolidates exactly as it did;
* LibreOffice evaluates the sheet's live checks as the engine judges the same cells, and prints
  the filled sheet on one A4 page.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import FIXTURES, without_locations
from jixiao.consolidation.results import Entry
from jixiao.consolidation.rows import department_rows
from jixiao.findings import Finding
from jixiao.model import Indicator, Submission, Unit
from jixiao.readers.documents import import_document
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.rules import RULES
from jixiao.rules.meaning import stated_unit
from jixiao.service.actions import consolidate_submissions
from jixiao.service.collect import read_and_validate
from jixiao.service.import_export import import_to_template, split_layouts
from jixiao.service.publish import publish
from jixiao.template import layout
from jixiao.template.application import (
    APPLICATION,
    COMPATIBLE_VERSIONS,
    TEMPLATE_VERSION,
    application_fingerprint,
)
from jixiao.template.application_build import build_application
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook
from jixiao.template.department_spending import DEPARTMENT_SPENDING as D
from jixiao.template.department_spending_build import DEPARTMENT_CODES, STATED_UNITS
from jixiao.template.fill import FillError
from jixiao.template.native_checks import short_message
from jixiao.template.positions import row_of
from test_application_template import _covered, codes_in

U = layout.LAYOUT.unit
DOCUMENT = next((FIXTURES / "documents" / "other").glob("106-*.txt"))


def fixture_106() -> Submission:
    submission, findings = load_submission(FIXTURES / "other-106.json")
    assert submission is not None, findings
    return submission


def comparable(submission: Submission) -> Submission:
    """The model without locations and template info."""
    plain: Submission = without_locations(submission)
    return plain


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("department-spending") / "申报表.xlsx"
    save_workbook(build_application("national", 2), path)
    return path


@pytest.fixture(scope="module")
def filled_106(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("department-spending-106") / "106.xlsx"
    save_workbook(fill_application(fixture_106(), min_projects=1), path)
    return path


# ---------------------------------------------------------------- the sheet as built


def test_the_sheet_sits_after_the_unit_sheet_in_a_new_version(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames[:3] == [U.name, D.name, "申报表1"]
    meta = {wb["_meta"].cell(r, 1).value: wb["_meta"].cell(r, 2).value for r in range(1, 7)}
    assert meta["version"] == TEMPLATE_VERSION == 2
    assert meta["fingerprint"] == application_fingerprint() not in COMPATIBLE_VERSIONS.values()
    assert APPLICATION.department == D


def test_only_the_inputs_are_unlocked_and_the_labels_are_in_place(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)[D.name]
    assert ws.protection.sheet and ws.protection.password
    covered = _covered(ws)
    unlocked = {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.protection.locked is False and c.coordinate not in covered
    }
    assert unlocked == set(D.input_cells)
    assert len(unlocked) == 3 + 1 + 4 * D.duty_rows + 5 * D.rows
    for ref, text in D.labels:
        assert ws[ref].value == text and ws[ref].protection.locked is not False
    assert ws[D.end_marker].value == layout.END_MARKER


def test_the_unit_facts_have_one_owner(template_path: Path) -> None:
    """部门(单位)名称, 部门预算编码, the year and the money unit are formulas on 单位信息's
    defined names, not second inputs."""
    ws = openpyxl.load_workbook(template_path)[D.name]
    for ref, name in (
        (D.unit_name, U.defined_name("name")),
        (D.unit_code, U.defined_name("code")),
        (D.year_line, U.defined_name("year")),
        (D.money_label, U.defined_name("money_unit")),
        (D.amount_header, U.defined_name("money_unit")),
    ):
        assert str(ws[ref].value).startswith("=") and name in ws[ref].value, ref
        assert ws[ref].protection.locked is not False


def test_dropdowns_number_checks_and_status_formulas(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)[D.name]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range[D.indicator_range("level1")].formula1 == 'INDIRECT("L1_"&JX_PROFILE_KEY)'
    assert by_range[D.indicator_range("level2")].formula1.startswith('INDIRECT("L2_"')
    amounts = next(dv for dv in by_range.values() if dv.type == "decimal")
    assert {D.total, D.project_spending, D.basic_spending} <= set(str(amounts.sqref).split())
    assert D.amount_range in str(amounts.sqref)
    assert set(DEPARTMENT_CODES) <= set(RULES)
    formulas = " ".join(
        str(ws[ref].value)
        for ref in (D.split_status, D.duty_status, D.row_status(D.duty_first_row))
    )
    formulas += str(ws[D.row_status(D.first_row)].value)
    for code in DEPARTMENT_CODES:
        assert short_message(code) in formulas, code
    assert ws[D.count].value == f"=SUMPRODUCT(--(LEN({D.status_range})>0))"
    assert all(ws.column_dimensions[c].hidden for c in D.helper_columns)


def test_print_setup(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)[D.name]
    assert ws.print_area == f"'{D.name}'!$A$1:$E${D.last_row}"
    assert ws.page_setup.orientation == "portrait"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${D.header_row}:${D.header_row}"


@pytest.mark.parametrize("unit", STATED_UNITS)
def test_the_units_a_name_may_state_are_the_engines(unit: str) -> None:
    """The live unit-missing check leaves a value alone when its 三级 states the unit in
    brackets: the same units the engine reads there (rules.meaning.stated_unit)."""
    assert stated_unit(Indicator(level3=f"覆盖面({unit})")) is not None


# ---------------------------------------------------------------- fill and read back


def test_the_106_table_round_trips_through_the_sheet(filled_106: Path) -> None:
    back, findings = read_workbook(filled_106)
    assert findings == [] and back is not None
    assert back.template["version"] == TEMPLATE_VERSION
    assert comparable(back) == comparable(fixture_106())
    (rollup,) = back.rollups  # 基本支出 171.41 = 资金总额: a roll-up again, not an amount
    assert rollup.amount == Decimal("171.41") and rollup.source.sheet == D.name
    assert back.department is not None and back.department.blocks[2].amount is None


def test_the_filled_sheet_shows_the_table_as_published(filled_106: Path) -> None:
    wb = openpyxl.load_workbook(filled_106)
    ws = wb[D.name]
    assert ws.sheet_state == "visible"
    assert all(wb[f"申报表{n}"].sheet_state == "hidden" for n in (1,))  # no project
    assert ws[D.total].value == 171.41 and ws[D.basic_spending].value == 110.61
    third = D.duty_first_row + 2
    assert ws[D.duty_cell("project", third)].value == "基本支出"
    assert ws[D.duty_cell("amount", third)].value == 171.41  # as the table shows it
    assert ws.row_dimensions[D.duty_first_row + 3].hidden  # unused 履职目标 rows
    # the whole table prints: an indicator the clerk adds below the imported ones too
    assert ws.print_area == f"'{D.name}'!$A$1:$E${D.last_row}"
    assert ws[D.row_cell("value", D.first_row + 3)].value == "1"


def test_what_the_sheet_has_no_cell_for_is_refused() -> None:
    department = fixture_106().department
    assert department is not None
    weighted = dataclasses.replace(department.indicators[0], weight=Decimal(10))
    changed = dataclasses.replace(department, indicators=(weighted,))
    with pytest.raises(FillError, match="权重"):
        fill_application(Submission(Unit("某单位"), department=changed))
    many = dataclasses.replace(department, blocks=department.blocks * 5)
    with pytest.raises(FillError, match="最多 12 行"):
        fill_application(Submission(Unit("某单位"), department=many))


def test_a_department_table_beside_hebei_projects_goes_to_the_application(tmp_path: Path) -> None:
    """A document with Hebei project tables and a 部门整体支出 table: the projects go into the
    绩效目标表, the department table (and its roll-up row) into the 申报表."""
    seed, findings = load_submission(FIXTURES / "seed-001.json")
    assert seed is not None, findings
    spending = fixture_106()
    both = dataclasses.replace(seed, department=spending.department, rollups=spending.rollups)
    parts = split_layouts(both)
    assert parts is not None
    tables, forms = parts
    assert tables.projects == seed.projects and tables.department is None and not tables.rollups
    assert forms.projects == () and forms.department == spending.department
    assert forms.rollups == spending.rollups


def _reviewed() -> list[tuple[str, int]]:
    reviewed = json.loads((FIXTURES / "other-106.reviewed.json").read_text(encoding="utf-8"))
    return sorted((f["code"], f["line"]) for f in reviewed["findings"])


def test_import_writes_the_application_workbook_with_the_reviewed_findings(
    tmp_path: Path,
) -> None:
    """The imported document's findings are the reviewed ones; the workbook it writes has the
    same ones on its cells — all but import-unparsed, which is about the cut-off document."""
    imported = import_to_template(DOCUMENT, tmp_path / "106.xlsx")
    assert imported.layout == "申报表"
    assert sorted((f.code, f.line) for f in imported.report.findings) == _reviewed()
    assert all(f.code != "import-not-carried" for f in imported.report.findings)
    submission, findings = read_and_validate(tmp_path / "106.xlsx")
    assert submission is not None
    expected = sorted(code for code, _ in _reviewed() if code != "import-unparsed")
    assert sorted(f.code for f in findings) == expected
    assert all(f.sheet == D.name and f.cell and f.line is None for f in findings)
    by_line = _cells_by_line(submission)
    for f in imported.report.findings:
        if f.code != "import-unparsed":
            assert any(g.code == f.code and g.cell == by_line[f.line] for g in findings), f


def _cells_by_line(submission: Submission) -> dict[int | None, str | None]:
    """The document line each workbook row came from: the 106 fixture's rows in order."""
    fixture = fixture_106()
    assert fixture.department is not None and submission.department is not None
    cells: dict[int | None, str | None] = {}
    pairs = [
        *zip(fixture.department.blocks, submission.department.blocks, strict=True),
        *zip(fixture.department.indicators, submission.department.indicators, strict=True),
    ]
    for there, here in pairs:
        # a duty row's findings are on its 预算金额 (the amount they are about)
        cell = here.at("value").cell if isinstance(here, Indicator) else here.sources["amount"].cell
        cells[there.source.line] = cell
    return cells


# ---------------------------------------------------------------- publish, consolidate


def test_the_publication_prints_the_table_and_imports_back(
    filled_106: Path, tmp_path: Path
) -> None:
    document = tmp_path / "公开.docx"
    result = publish([filled_106], document, allow_errors=True)
    assert result.publication is not None and result.publication.department
    import docx

    text = "\n".join(p.text for p in docx.Document(str(document)).paragraphs)
    assert "部门整体支出绩效目标表" in text and "（2019年度）" in text
    back, findings = import_document(document)
    assert back is not None
    assert [f.code for f in findings if f.code.startswith("import")] == []
    workbook, _ = read_workbook(filled_106)
    assert comparable(back) == comparable(workbook)


def test_the_summary_shows_the_department_table(filled_106: Path) -> None:
    back, _ = read_workbook(filled_106)
    rows = department_rows(Entry(str(filled_106), back))
    by_part: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_part.setdefault(row[1], []).append(row)
    assert [(r[2], r[3]) for r in by_part["年度预算安排"]] == [
        ("资金总额", "171.41万元"),
        ("项目支出", "60.80万元"),
        ("基本支出", "110.61万元"),
    ]
    duties = by_part["年度履职目标"]
    assert len(duties) == 3 and "支出项目：地情、市志编纂与年鉴出版经费 49.80万元" in duties[0][3]
    # the roll-up keeps the amount it was filed with, marked as such (never added)
    assert duties[2][3].endswith("支出项目：基本支出 171.41万元（汇总行，不计入合计）")
    indicators = by_part["部门整体绩效指标"]
    assert len(indicators) == 6
    assert indicators[3][3] == "产出指标/质量指标：1（指标解释：90%(计划标准)）"


# ---------------------------------------------------------------- a version-1 workbook


V1_FILLED = FIXTURES / "application-v1-filled-101.xlsx"
V1_TEMPLATE = FIXTURES / "application-v1-template.xlsx"


def _frozen() -> dict[str, Any]:
    text = (FIXTURES / "application-v1-filled-101.expected.json").read_text(encoding="utf-8")
    frozen: dict[str, Any] = json.loads(text)
    return frozen


def _said(findings: list[Finding]) -> list[list[str | None]]:
    return [[f.code, f.sheet, f.cell, f.message] for f in findings]


def test_a_version_1_workbook_reads_and_validates_as_before(tmp_path: Path) -> None:
    """Made before the sheet existed: read (no department part, counted as this version with
    its own fingerprint kept), its export
    and findings exactly those frozen with the code of that time."""
    copy = tmp_path / V1_FILLED.name
    shutil.copy(V1_FILLED, copy)
    back, findings = read_workbook(copy)
    assert findings == [] and back is not None
    assert back.department is None and back.template["version"] == TEMPLATE_VERSION
    assert back.template["fingerprint"] == COMPATIBLE_VERSIONS["1"]
    frozen, _ = load_submission(FIXTURES / "application-v1-filled-101.json")
    assert comparable(back) == comparable(frozen)
    _, validated = read_and_validate(copy)
    assert _said(validated) == _frozen()["findings"]
    _, blank = read_and_validate(V1_TEMPLATE)
    assert _said(blank) == _frozen()["template_findings"]


def test_a_version_1_workbook_consolidates_as_before(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(V1_FILLED, inbox / V1_FILLED.name)
    tables = tmp_path / "tables"
    consolidate_submissions([inbox], tmp_path / "汇总.xlsx", tables_dir=tables, use_cache=False)
    for name, rows in _frozen()["tables"].items():
        with (tables / f"{name}.csv").open(encoding="utf-8-sig") as handle:
            found = list(csv.reader(handle))
        keep = [i for i, head in enumerate(found[0]) if head != "文件"]
        shown = [[row[i] for i in keep] for row in found]
        if name == "问题清单":  # 位置 is sheet!cell, the same; the 文件 column differs by path
            assert len(shown) == len(rows)
        assert shown == rows, name


def test_version_1_and_2_workbooks_consolidate_without_a_version_warning(
    filled_106: Path, tmp_path: Path
) -> None:
    """A unit still filing the version-1 workbook has nothing the new sheet holds: no
    template-version-mixed asks it to file again."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(V1_FILLED, inbox / V1_FILLED.name)
    shutil.copy(filled_106, inbox / "106.xlsx")
    result = consolidate_submissions([inbox], tmp_path / "汇总.xlsx", use_cache=False)
    codes = [f.code for f in result.findings]
    assert "template-version-mixed" not in codes and len(result.entries) == 2


def test_the_version_1_fingerprint_is_that_workbooks() -> None:
    meta = openpyxl.load_workbook(V1_TEMPLATE)["_meta"]
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 7)}
    assert values["version"] == 1 and values["fingerprint"] == COMPATIBLE_VERSIONS["1"]
    with zipfile.ZipFile(V1_TEMPLATE) as archive:  # made before the sheet existed
        assert D.name.encode() not in archive.read("xl/workbook.xml")


# ---------------------------------------------------------------- LibreOffice


CLEAN_INDICATORS: list[tuple[str | None, ...]] = [
    # 一级, 二级, 三级, 指标解释, 目标值
    ("产出指标", "数量指标", "志鉴工作开展数量", None, "≥5个"),
    (None, None, "审稿率(%)", "90%(计划标准)", "≥90"),
    ("产出指标", "时效指标", "项目完成时间", "2019年12月(计划标准)", "2019年12月底前"),
    ("满意度指标", "服务对象满意度指标", "读者满意度", None, "≥90%"),
]
PLANTED_INDICATORS: list[tuple[tuple[str | None, ...], set[str]]] = [
    (CLEAN_INDICATORS[0], set()),
    ((None, None, "确保日常工作正常运行", "100%", "100%"), {"symbol-missing"}),
    (
        ("产出指标", "质量指标", "覆盖率", "90%(计划标准)", "1"),
        {"symbol-missing", "unit-missing", "value-format-lost"},
    ),
    (CLEAN_INDICATORS[1], set()),
    ((None, None, "印刷册数", None, "≥60"), {"unit-missing"}),
    (CLEAN_INDICATORS[2], set()),
    (("效益指标", "数量指标", "志书出版", None, "≥1项"), {"level-invalid"}),
    (("满意度指标", "服务对象满意度指标", None, None, "≥90%"), {"value-missing"}),
    ((None, None, "读者满意度", None, None), {"value-missing"}),
]
GOOD_DUTIES = [
    ("组织编纂地方志", "完成年度任务", "地情、市志编纂与年鉴出版经费", 49.8),
    ("保障人员福利", "按时发放福利", "地情、市志编纂与年鉴出版经费", 11),
    ("确保日常工作正常运行", "按时发放工资", "基本支出", 110.61),
    ("部门整体", "合计", "合计", 171.41),
]
BAD_DUTIES = [
    ("组织编纂地方志", "完成年度任务", "地情、市志编纂与年鉴出版经费", 49.8),
    ("保障人员福利", "按时发放福利", "地情、市志编纂与年鉴出版经费", 5),
    ("确保日常工作正常运行", "按时发放工资", "基本支出", 171.41),
]


VALUES: list[tuple[str, str | None, str]] = [
    # 三级, 指标解释, 目标值: the live checks and the engine must agree on each
    ("资金到位率", None, "100"),
    ("资金到位率", None, "≥100"),
    ("覆盖率", "90%", "=1"),
    ("覆盖率", "90%", "1.0"),
    ("办结时限", None, "≤5天"),
    ("完成率", None, "90%以上"),
    ("完成时间", None, "2019年12月"),
    ("完成时间", None, "12月底前"),
    ("印刷册数", None, "≥1,000"),
    ("社会效益", None, "达到预期"),
    ("满意率", None, "＞90%"),
    ("满意率", None, ">=90"),
    ("增长率", None, "1%"),
    ("册数", None, "１００"),
    ("是否完成", None, "是"),
    ("覆盖面（%）", None, "≥95"),
    ("受益人数（人）", None, "≥300"),
    ("提高百分点", None, "≥2"),
    ("审稿率", "100%", "1.00"),
    ("审稿率", "100%", " 1 "),
    ("数量", None, "0"),
    ("数量", None, "≥ 60"),
    ("完成时间", None, "2019-12-31"),
    ("出版", None, "≥1项"),
    ("比例", None, "100%"),
    ("成本", None, "≤49.8万元"),
    ("时间", None, "2019年底前"),
    ("次数", None, "≥4次/年"),
    # issue 15's grammar gaps: （含） in a period, an error value, a repeated year
    ("完成时间", None, "1-12月（含）"),
    ("完成时间", None, "#N/A"),  # (openpyxl writes it as an error value)
    ("完成时间", None, "2019年1月-2019年12月"),
]


def values_workbook(path: Path) -> None:
    """One indicator row a value of :data:`VALUES`, under a valid 一级/二级."""
    wb = build_application("national", 1)
    wb[U.name][U.cell("name")] = "某研究室"
    ws = wb[D.name]
    for row, (name, remark, value) in zip(D.indicator_rows(), VALUES, strict=False):
        row_values = ("产出指标", "数量指标", name, remark, value)
        for (field_name, _, _), text in zip(D.indicator_columns, row_values, strict=True):
            ws[D.row_cell(field_name, row)] = text
    save_workbook(wb, path)


def typed_workbook(path: Path, bad: bool) -> None:
    """A blank template typed into cell by cell: the good table, or one with mistakes."""
    wb = build_application("national", 1)
    unit = wb[U.name]
    for field_name, value in (("name", "某研究室"), ("code", "901001033"), ("year", 2019)):
        unit[U.cell(field_name)] = value
    ws = wb[D.name]
    amounts = (171.41, 60.8, 100 if bad else 110.61)
    for (_, ref, _), amount in zip(D.split_cells, amounts, strict=True):
        ws[ref] = amount
    ws[D.overall_goal] = "目标1:保障工作开展。"
    for row, duty in zip(D.duty_rows_range(), BAD_DUTIES if bad else GOOD_DUTIES, strict=False):
        for (field_name, _, _), value in zip(D.duty_columns, duty, strict=True):
            ws[D.duty_cell(field_name, row)] = value
    rows = [r for r, _ in PLANTED_INDICATORS] if bad else CLEAN_INDICATORS
    for row, values in zip(D.indicator_rows(), rows, strict=False):
        for (field_name, _, _), value in zip(D.indicator_columns, values, strict=True):
            ws[D.row_cell(field_name, row)] = value
    save_workbook(wb, path)


ROLLUP_CASES: dict[str, tuple[tuple[object, ...], list[tuple[object, ...]]]] = {
    # The reviewer's disagreements between the live checks and the engine (issue #14):
    # (资金总额, 项目支出, 基本支出), 履职目标 rows (部门职能, 年度目标任务, 支出项目名称, 预算金额)
    "colon_total": ((171.41, 60.8, 110.61), [*GOOD_DUTIES[:2], (None, None, "合计：", 60.8)]),
    "spaced_basic": (
        (171.41, 60.8, 110.61),
        [*GOOD_DUTIES[:2], ("运行", "工资", "基本支出\u3000", 110.61)],
    ),
    "titled_rollup": (
        (171.41, 60.8, 110.61),
        [*GOOD_DUTIES[:2], ("基本支出", "工资", None, 171.41)],
    ),
    "full_width": (
        ("１７１.４１", 60.8, 100),
        [*GOOD_DUTIES[:2], ("运行", "工资", "基本支出", 100)],
    ),
}


def rollup_workbook(path: Path, name: str) -> None:
    """A :data:`ROLLUP_CASES` table with the clean indicators."""
    amounts, duties = ROLLUP_CASES[name]
    department_table(path, amounts, duties)


def department_table(
    path: Path,
    amounts: tuple[object, ...],
    duties: list[tuple[object, ...]],
    indicators: Sequence[tuple[object, ...]] = CLEAN_INDICATORS,
) -> Path:
    """A 申报表 workbook whose 部门整体支出 sheet is filled cell by cell: (资金总额, 项目支出,
    基本支出), 履职目标 rows and indicator rows, as a clerk would type them."""
    wb = build_application("national", 1)
    wb[U.name][U.cell("name")] = "某研究室"
    ws = wb[D.name]
    for (_, ref, _), amount in zip(D.split_cells, amounts, strict=True):
        ws[ref] = amount
    for row, duty in zip(D.duty_rows_range(), duties, strict=False):
        for (field_name, _, _), value in zip(D.duty_columns, duty, strict=True):
            ws[D.duty_cell(field_name, row)] = value
    for row, values in zip(D.indicator_rows(), indicators, strict=False):
        for (field_name, _, _), value in zip(D.indicator_columns, values, strict=True):
            ws[D.row_cell(field_name, row)] = value
    save_workbook(wb, path)
    return path


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The good and the bad workbook recalculated by LibreOffice: its status texts as cached,
    and the engine's findings on the saved files."""
    from libreoffice import convert, require_libreoffice

    require_libreoffice()
    folder = tmp_path_factory.mktemp("department-spending-lo")
    out: dict[str, Any] = {}
    for name in ("good", "bad", "values", *ROLLUP_CASES):
        if name == "values":
            values_workbook(folder / f"{name}.xlsx")
        elif name in ROLLUP_CASES:
            rollup_workbook(folder / f"{name}.xlsx", name)
        else:
            typed_workbook(folder / f"{name}.xlsx", name == "bad")
        saved = convert(folder / f"{name}.xlsx", "xlsx", folder / "recalculated")
        submission, findings = read_and_validate(saved)
        assert submission is not None and submission.department is not None, findings
        out[name] = (openpyxl.load_workbook(saved, data_only=True)[D.name], findings)
    return out


DUTY_TOTAL = "年度履职目标各项目的预算金额合计"


def _engine_rows(findings: list[Finding]) -> dict[int, set[str]]:
    """The engine's live-checked codes by the status row that shows them (the 履职目标 total
    beside its header row)."""
    rows: dict[int, set[str]] = {}
    for f in findings:
        if f.sheet != D.name or f.code not in DEPARTMENT_CODES or f.cell is None:
            continue
        row = int("".join(filter(str.isdigit, f.cell)))
        if f.message.startswith(DUTY_TOTAL):
            row = D.duty_header_row
        rows.setdefault(row, set()).add(f.code)
    return rows


def _native_rows(ws: Any) -> dict[int, set[str]]:
    status_rows = [
        row_of(D.split_status),
        D.duty_header_row,
        *D.duty_rows_range(),
        *D.indicator_rows(),
    ]
    native = {row: codes_in(ws[D.row_status(row)].value) for row in status_rows}
    return {row: codes for row, codes in native.items() if codes}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["good", "bad"])
def test_libreoffice_shows_what_the_engine_finds(recalculated: dict[str, Any], name: str) -> None:
    ws, findings = recalculated[name]
    native = _native_rows(ws)
    assert native == _engine_rows(findings)
    assert (native == {}) == (name == "good")
    assert ws[D.count].value == len(native)
    assert ws[D.unit_name].value == "某研究室" and ws[D.unit_code].value == "901001033"
    assert ws[D.year_line].value == "（2019年度）"
    assert ws[D.money_label].value == "年度预算安排（万元）"


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(ROLLUP_CASES))
def test_roll_ups_and_amounts_are_read_live_as_the_engine_reads_them(
    recalculated: dict[str, Any], name: str
) -> None:
    """``合计：`` is a roll-up, ``基本支出　`` the 基本支出 row, a roll-up named only in 部门职能
    is named so, ``１７１.４１`` is 171.41 — in the sheet as in the engine."""
    ws, findings = recalculated[name]
    native = _native_rows(ws)
    assert native == _engine_rows(findings)
    split = {"department-split-mismatch"}
    expected = {
        "colon_total": {},
        "spaced_basic": {},
        "titled_rollup": {D.duty_first_row + 2: split},
        "full_width": {row_of(D.split_status): split},
    }[name]
    assert native == expected
    assert [f.code for f in findings if f.code == "rollup-mismatch"] == []


@pytest.mark.libreoffice
def test_the_live_value_checks_agree_with_the_engine(recalculated: dict[str, Any]) -> None:
    """symbol-missing, unit-missing and value-format-lost on values of every form: a bare
    number, full-width digits, thousands commas, a date, a deadline, a stated unit."""
    ws, findings = recalculated["values"]
    native, engine = _native_rows(ws), _engine_rows(findings)
    rows = dict(zip(D.indicator_rows(), VALUES, strict=False))
    disagree = {
        rows[r]: (native.get(r), engine.get(r)) for r in rows if native.get(r) != engine.get(r)
    }
    assert disagree == {}
    assert engine[D.first_row] == {"symbol-missing", "unit-missing"}  # the check is not idle


@pytest.mark.libreoffice
def test_the_planted_mistakes_show_where_they_are(recalculated: dict[str, Any]) -> None:
    ws, _ = recalculated["bad"]
    native = _native_rows(ws)
    split = {"department-split-mismatch"}
    expected = {
        row_of(D.split_status): split,
        D.duty_header_row: split,
        D.duty_first_row + 2: split,
    }
    for row, (_, codes) in zip(D.indicator_rows(), PLANTED_INDICATORS, strict=False):
        if codes:
            expected[row] = codes
    assert native == expected


@pytest.mark.libreoffice
def test_the_filled_sheet_prints_on_one_page_wide(filled_106: Path, tmp_path: Path) -> None:
    from libreoffice import convert, require_libreoffice
    from pdfcheck import pages, problems

    require_libreoffice()
    pdf = convert(filled_106, "pdf", tmp_path / "pdf")
    printed = pages(pdf)
    assert problems(pdf) == []
    # 单位信息 prints nothing, the empty forms are hidden; the whole indicator grid prints
    # (its empty rows too, still one page for 106)
    assert len(printed) == 1
    page = printed[0]
    assert page.width < page.height  # A4 portrait
    for text in (
        "部门整体支出绩效目标表",
        "年度履职目标",
        "目标值",
        "年度目标任务",
        "49.80",
    ):
        assert text in page.text.replace("\n", ""), text


@pytest.mark.libreoffice
def test_an_indicator_added_after_the_import_is_printed(filled_106: Path, tmp_path: Path) -> None:
    """106 is cut off (the import asks for its 成本指标): a row the clerk adds below the
    imported indicators is inside the print area."""
    from libreoffice import convert, require_libreoffice
    from pdfcheck import pages

    require_libreoffice()
    wb = openpyxl.load_workbook(filled_106)
    row = D.first_row + 6  # the first row after 106's six indicators
    added = ("成本指标", "经济成本指标", "年鉴印刷成本", None, "≤8万元")
    for (field_name, _, _), value in zip(D.indicator_columns, added, strict=True):
        wb[D.name][D.row_cell(field_name, row)] = value
    wb.save(tmp_path / "added.xlsx")
    (page,) = pages(convert(tmp_path / "added.xlsx", "pdf", tmp_path / "pdf"))
    assert "年鉴印刷成本" in page.text.replace("\n", "")


@pytest.mark.libreoffice
def test_a_clerk_typing_into_the_sheet(lo: object, template_path: Path) -> None:
    """Through UNO, as a clerk: labels locked, inputs not; the good table shows nothing; a 一级
    outside the list is rejected by its dropdown and shown as level-invalid; a 基本支出 that
    no longer adds up turns 资金总额 red."""
    from libreoffice import LibreOffice

    assert isinstance(lo, LibreOffice)
    doc = lo.open(template_path)
    try:
        sheet = D.name
        assert lo.sheet_protected(doc, sheet)
        assert lo.protection(doc, sheet, D.labels[0][0])["locked"]
        assert lo.protection(doc, sheet, D.unit_name)["locked"]  # 单位信息 owns it
        assert not lo.protection(doc, sheet, D.total)["locked"]
        lo.calc(doc)
        blank = [s for (s,) in lo.get_range(doc, sheet, D.status_range) if s]
        assert blank == []  # a blank sheet shows nothing (no #VALUE! either)
        for (_, ref, _), amount in zip(D.split_cells, (171.41, 60.8, 110.61), strict=True):
            lo.set(doc, sheet, ref, amount)
        for row, duty in zip(D.duty_rows_range(), GOOD_DUTIES, strict=False):
            for (field_name, _, _), value in zip(D.duty_columns, duty, strict=True):
                lo.set(doc, sheet, D.duty_cell(field_name, row), value)  # type: ignore[arg-type]
        for row, values in zip(D.indicator_rows(), CLEAN_INDICATORS, strict=False):
            for (field_name, _, _), text in zip(D.indicator_columns, values, strict=True):
                if text is not None:
                    lo.set(doc, sheet, D.row_cell(field_name, row), text)
        lo.calc(doc)
        assert [s for (s,) in lo.get_range(doc, sheet, D.status_range) if s] == []
        lo.set(doc, sheet, D.basic_spending, 100)
        lo.set(doc, sheet, D.row_cell("level1", D.first_row), "业务指标")
        lo.calc(doc)
        level_cells = [D.row_cell(f, D.first_row) for f in ("level1", "level2")]
        assert lo.invalid_cells(doc, sheet) == level_cells  # 二级's list follows the 一级
        split = lo.get(doc, sheet, D.split_status)["string"]
        assert split == short_message("department-split-mismatch")
        row_status = lo.get(doc, sheet, D.row_status(D.first_row))["string"]
        assert row_status == short_message("level-invalid")
        highlight = lo.conditional_format_active(doc, sheet, D.total)
        assert highlight["active"] and highlight["back_color"] == 0xFFC7CE
    finally:
        lo.close_doc(doc)


@pytest.mark.libreoffice
def test_the_publication_renders_on_one_page(filled_106: Path, tmp_path: Path) -> None:
    from jixiao.service.publish import find_soffice
    from libreoffice import convert, require_libreoffice
    from pdfcheck import pages, problems
    from test_print_lo import require_writer

    require_libreoffice()
    soffice = find_soffice()
    assert soffice is not None
    require_writer(soffice)
    document = tmp_path / "公开.docx"
    assert publish([filled_106], document, allow_errors=True).publication is not None
    pdf = convert(document, "pdf", tmp_path / "pdf")
    assert problems(pdf) == []
    (page,) = pages(pdf)
    for text in ("部门整体支出绩效目标表", "年度履职目标", "指标解释", "171.41"):
        assert text in page.text.replace("\n", ""), text
