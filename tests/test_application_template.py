"""Issue 14 item 4: the locked 项目支出绩效目标申报表 template (the second layout).

* the template built from its layout spec (template/application.py) with the first template's
  mechanisms: only input cells unlocked, every sheet and the structure protected, dropdowns,
  number checks, live status formulas in the rules' own words, _meta with its own id and
  fingerprint, landscape A4 print set-up;
* the other provinces' documents that are 申报表-like (tests/fixtures/documents/other/101–105),
  imported, filled into the template and read back, give the same submission; what the form
  has no cell for is refused, not dropped; a changed layout is reported;
* LibreOffice (headless) recalculates a filled workbook with one mistake per native check:
  each status cell shows the rules the engine finds on that row, a clean form shows none;
* the command line: ``jixiao template --layout 申报表``, ``validate`` and ``consolidate`` with
  a workbook of each layout in one run.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from conftest import FIXTURES, without_locations
from jixiao.a1 import a1
from jixiao.findings import Finding
from jixiao.model import Department, Indicator, Measure, PlanEntry, Project, Submission, Unit
from jixiao.money import MoneyUnit
from jixiao.readers.documents import import_document
from jixiao.readers.documents import labels as lb
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.readers.xlsx_application import compose_value, weight
from jixiao.rules import RULES
from jixiao.template import layout
from jixiao.template.application import (
    APPLICATION,
    TEMPLATE_ID,
    application_fingerprint,
)
from jixiao.template.application_build import (
    SYMBOL_CHOICES,
    application_input_cells,
    build_application,
)
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook
from jixiao.template.fill import FillError
from jixiao.template.native_checks import APPLICATION_CODES, SYMBOLS, short_message
from jixiao.validate import validate_submission

A = APPLICATION.project
U = layout.LAYOUT.unit
DOCUMENTS = FIXTURES / "documents" / "other"
FORMS = ("101", "102", "103", "104", "105")
"""The documents whose projects a 申报表 holds (106 is a 部门整体支出 table: no project)."""


def document(number: str) -> Path:
    (path,) = DOCUMENTS.glob(f"{number}-*.txt")
    return path


def imported(number: str) -> Submission:
    submission, findings = import_document(document(number))
    assert submission is not None, findings
    return submission


def saved(tmp_path: Path, submission: Submission, name: str = "form.xlsx") -> Path:
    path = tmp_path / name
    save_workbook(fill_application(submission, min_projects=1), path)
    return path


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("application") / "申报表.xlsx"
    save_workbook(build_application("tianjin", 3), path)
    return path


# ---------------------------------------------------------------- the template


def test_sheets_and_meta(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames == [
        U.name,
        "部门整体支出",
        "申报表1",
        "申报表2",
        "申报表3",
        "列表",
        "_meta",
    ]
    assert wb["列表"].sheet_state == "hidden" and wb["_meta"].sheet_state == "veryHidden"
    meta = {wb["_meta"].cell(r, 1).value: wb["_meta"].cell(r, 2).value for r in range(1, 7)}
    assert meta["template_id"] == TEMPLATE_ID == "jixiao-sbb"
    assert meta["fingerprint"] == application_fingerprint() != layout.fingerprint()
    assert meta["profile"] == "tianjin" and meta["projects"] == 3
    assert {"JX_YEAR", "JX_MONEY_UNIT", "JX_PROFILE_KEY", "L1_tianjin"} <= set(wb.defined_names)


def _covered(ws: openpyxl.worksheet.worksheet.Worksheet) -> set[str]:
    """Cells inside merged ranges, their anchors excepted."""
    covered: set[str] = set()
    for merged in ws.merged_cells.ranges:
        min_col, min_row, max_col, max_row = range_boundaries(merged.coord)
        cells = [a1(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
        covered |= set(cells[1:])
    return covered


@pytest.mark.parametrize("sheet", ["申报表1", "申报表3"])  # built, and copied from the first
def test_only_input_cells_are_unlocked_and_everything_is_protected(
    template_path: Path, sheet: str
) -> None:
    wb = openpyxl.load_workbook(template_path)
    assert all(ws.protection.sheet for ws in wb.worksheets)
    with zipfile.ZipFile(template_path) as archive:
        assert 'lockStructure="1"' in archive.read("xl/workbook.xml").decode()
    ws = wb[sheet]
    covered = _covered(ws)
    unlocked = {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.protection.locked is False and c.coordinate not in covered
    }
    assert unlocked == set(application_input_cells())
    assert len(unlocked) == 9 + 5 + 2 * A.extra_rows + 10 * A.rows
    for ref, text in A.labels:
        assert ws[ref].value == text and ws[ref].protection.locked is not False
    assert ws[A.status(A.budget)].protection.locked is not False


def test_dropdowns_and_number_checks(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)["申报表2"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range[A.indicator_range("symbol")].formula1 == '"≥,≤,=,>,<"'
    assert by_range[A.indicator_range("direction")].formula1 == '"正向,反向"'
    assert by_range[A.indicator_range("nature")].formula1 == '"定量,定性"'
    assert by_range[A.indicator_range("level1")].formula1 == 'INDIRECT("L1_"&JX_PROFILE_KEY)'
    assert by_range[A.indicator_range("level2")].formula1.startswith('INDIRECT("L2_"')
    weights = by_range[A.indicator_range("weight")]
    assert (weights.type, weights.formula1, weights.formula2) == ("decimal", "0", "100")
    assert all(dv.allow_blank for dv in by_range.values())  # blank cells are never "invalid"


def test_status_formulas_speak_the_rules_words(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)["申报表1"]
    assert set(APPLICATION_CODES) <= set(RULES)
    formulas = " ".join(
        str(ws[ref].value) for ref in (A.status(A.code), A.status(A.budget), A.weight_status)
    )
    formulas += str(ws[A.row_status(A.first_row)].value)
    for code in APPLICATION_CODES:
        assert short_message(code) in formulas, code
    assert short_message("weight-sum") in ws[A.weight_status].value
    assert short_message("basis-missing") not in formulas  # the form has no 依据 column
    assert ws[A.count].value == f"=SUMPRODUCT(--(LEN({A.status_range})>0))"


def test_print_setup(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)["申报表1"]
    assert ws.print_area == f"'申报表1'!$A$1:$J${A.last_row}"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${A.header_row}:${A.header_row}"
    assert all(ws.column_dimensions[c].hidden for c in A.helper_columns)


def test_the_symbols_the_formulas_accept_are_the_readers() -> None:
    assert SYMBOL_CHOICES == ("≥", "≤", "=", ">", "<")
    for symbol in SYMBOLS:
        assert lb.symbol(symbol) is not None, symbol
        assert compose_value(symbol, "95", "%")[0] == f"{lb.symbol(symbol)}95%"


@pytest.mark.parametrize(
    ("symbol", "number", "unit", "value", "written"),
    [
        ("≥", "95", "%", "≥95%", None),
        (">=", "20", "平方米", "≥20平方米", None),
        (None, ">=20平方米", None, "≥20平方米", ">=20平方米"),
        (None, "≥95%", None, "≥95%", None),
        ("=", "44,561", "44,561", "2021年12月31日", "44,561"),
        ("=", "8", None, "=8", None),
        (None, "95", "%", "95%", None),
        ("≥", None, "%", None, None),
        (None, None, None, None, None),
    ],
)
def test_symbol_number_and_unit_join_as_the_importer_joins_them(
    symbol: str | None, number: str | None, unit: str | None, value: str | None, written: str | None
) -> None:
    assert compose_value(symbol, number, unit)[:2] == (value, written)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (10, (Decimal(10), None)),
        (4.0, (Decimal(4), None)),
        (2.5, (Decimal("2.5"), None)),
        ("10分", (Decimal(10), None)),
        ("２０", (Decimal(20), None)),
        # issue 15's grammar gaps: blanks around, full-width forms and one sign are what the
        # sheet's formula strips too; a second sign or a blank inside leaves no number
        ("20\n", (Decimal(20), None)),
        ("\u300020\u3000", (Decimal(20), None)),
        ("２０％", (Decimal(20), None)),
        ("20 分", (Decimal(20), None)),
        ("20分%", (None, "不是数字")),
        ("20%%", (None, "不是数字")),
        ("2 0", (None, "不是数字")),
        ("2_0", (None, "不是数字")),  # review16: Decimal takes these, a spreadsheet does not
        ("٢٠", (None, "不是数字")),
        ("", (None, None)),
        (None, (None, None)),
        ("x", (None, "不是数字")),
        ("十", (None, "不是数字")),
        ("NaN", (None, "不是有限的数字")),
        ("Infinity", (None, "不是有限的数字")),
        ("1e999999", (None, "不在 0～100 之间")),
        (float("nan"), (None, "不是有限的数字")),
        (-5, (None, "不在 0～100 之间")),
        (True, (None, "不是数字")),
    ],
)
def test_weights(raw: object, expected: tuple[Decimal | None, str | None]) -> None:
    assert weight(raw) == expected


# ---------------------------------------------------------------- fill and read back


def comparable(submission: Submission) -> Submission:
    """What a 申报表 workbook carries: no locations, no cut-off mark or source layout, no
    roll-up rows; a project without a published number is numbered by its sheet."""
    plain = without_locations(submission)
    projects = tuple(
        dataclasses.replace(p, cut_off=None, layout=None, number=p.number or n)
        for n, p in enumerate(plain.projects, start=1)
    )
    return dataclasses.replace(plain, projects=projects, rollups=())


@pytest.mark.parametrize("number", FORMS)
def test_imported_forms_round_trip(tmp_path: Path, number: str) -> None:
    submission = imported(number)
    back, findings = read_workbook(saved(tmp_path, submission))
    assert findings == []
    assert back is not None and back.template["id"] == TEMPLATE_ID
    assert comparable(back) == comparable(submission)


def test_the_parts_are_kept_in_their_own_cells(tmp_path: Path) -> None:
    """104 gives symbol, number, unit and weight apart; 101 one value cell (>=20平方米)."""
    path = saved(tmp_path, imported("104"))
    ws = openpyxl.load_workbook(path)["申报表1"]
    row = A.first_row
    cells = [ws[A.row_cell(f, row)].value for f, _, _ in A.indicator_columns]
    assert cells == [
        "效益指标",
        "社会效益指标",
        "维护社会稳定",
        "≥",
        "95",
        "%",
        10,
        "正向指标",
        None,
        None,
    ]
    ws = openpyxl.load_workbook(saved(tmp_path, imported("101"), "101.xlsx"))["申报表1"]
    assert ws[A.row_cell("number", row)].value == ">=20平方米"
    assert ws[A.row_cell("symbol", row)].value is None
    assert ws[A.implementer].value == "[610001]湖南省润山润水生态农业发展有限公司"


def _said(findings: list[Finding]) -> list[tuple[str, str | None, str]]:
    return sorted((f.code, f.project_name, f.message) for f in findings)


def test_a_round_tripped_form_validates_as_its_document(tmp_path: Path) -> None:
    """101 is complete and a 申报表 already (102, a 批复表, has no 财政拨款/其他资金 to compare;
    on the form it has those cells, and blank they are a budget-sum-mismatch)."""
    submission = imported("101")
    back, _ = read_workbook(saved(tmp_path, submission))
    assert back is not None
    found = _said(validate_submission(back))
    assert found == _said(validate_submission(submission))
    assert "name-placeholder" in {code for code, _, _ in found}  # 101's ( ≥**个 ) hints


def test_a_cut_off_form_is_judged_in_full_once_in_a_workbook(tmp_path: Path) -> None:
    """105 breaks off in its indicators: the import does not total its weights, the workbook
    (which a clerk completes) does, against the 90 its 绩效指标 header states."""
    submission = imported("105")
    assert "weight-sum" not in {f.code for f in validate_submission(submission)}
    back, _ = read_workbook(saved(tmp_path, submission))
    assert back is not None
    weights = [f for f in validate_submission(back) if f.code == "weight-sum"]
    assert [f.message for f in weights][:1] == ["全部指标的权重（分值）合计 50，应为 90"]
    assert weights[0].cell == a1(A.first_row, 1) and weights[0].sheet == "申报表1"


def seed_submission(number: str) -> Submission:
    submission, findings = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None, findings
    return submission


def test_what_the_form_has_no_cell_for_is_refused() -> None:
    with pytest.raises(FillError, match="资金支出计划"):
        fill_application(seed_submission("000"))
    hebei = Department(overall_goal="目标", measures=(Measure(title="业务保障"),))
    with pytest.raises(FillError, match="部门整体绩效目标"):  # a Hebei department part
        fill_application(Submission(Unit("某单位", year=2024), department=hebei))
    department = imported("106").department
    assert department is not None
    planned = (dataclasses.replace(department.blocks[0], plan=(PlanEntry("3月底", None),)),)
    with pytest.raises(FillError, match="支出计划"):  # 106 with what its table does not have
        fill_application(
            Submission(Unit("某单位"), department=dataclasses.replace(department, blocks=planned))
        )
    unit = Unit("某单位", year=2024)
    row = Indicator("产出指标", "数量指标", "x", basis="计划")
    described = Project(name="甲", indicators=(row,))
    with pytest.raises(FillError, match="指标值确定依据"):
        fill_application(Submission(unit, (described,)))


def test_purpose_travels_in_the_other_rows(tmp_path: Path) -> None:
    project = Project(name="甲", purpose="用于培训", attributes={"立项依据": "某文件"})
    back, _ = read_workbook(saved(tmp_path, Submission(Unit("某单位", year=2024), (project,))))
    assert back is not None
    (read,) = back.projects
    assert (read.purpose, dict(read.attributes)) == ("用于培训", {"立项依据": "某文件"})


def test_a_row_inserted_is_reported(tmp_path: Path) -> None:
    path = saved(tmp_path, imported("101"))
    wb = openpyxl.load_workbook(path)
    wb["申报表1"].insert_rows(A.header_row)
    wb.save(path)
    back, findings = read_workbook(path)
    assert [f.code for f in findings] == ["template-tampered"]
    assert findings[0].sheet == "申报表1"
    assert back is not None and back.projects == ()


def test_another_layout_version_is_reported(tmp_path: Path) -> None:
    path = saved(tmp_path, imported("101"))
    wb = openpyxl.load_workbook(path)
    meta = wb["_meta"]
    row = next(r for r in range(1, 7) if meta.cell(r, 1).value == "fingerprint")
    meta.cell(row, 2).value = "0123456789abcdef"
    wb.save(path)
    back, findings = read_workbook(path)
    assert back is None
    assert [f.code for f in findings] == ["template-tampered"]
    assert "申报表模板版本" in findings[0].message


def test_money_is_read_in_the_forms_unit(tmp_path: Path) -> None:
    """104 is in 元: the amounts come back in 元 with their cells."""
    back, _ = read_workbook(saved(tmp_path, imported("104")))
    assert back is not None and back.unit.money_unit is MoneyUnit.YUAN
    first = back.projects[0]
    assert first.budget == Decimal("3309840.00")
    assert first.at("budget").cell == A.budget
    assert first.indicators[0].at("value").cell == A.row_cell("number", A.first_row)


def test_the_interchange_export_of_a_form_is_schema_valid(tmp_path: Path) -> None:
    from jixiao.readers.interchange import submission_to_json

    back, _ = read_workbook(saved(tmp_path, imported("105")))
    assert back is not None
    data = submission_to_json(back)
    indicator = data["projects"][0]["indicators"][3]
    assert (indicator["value"], indicator["written"]) == ("2021年12月31日", "44,561")
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# ---------------------------------------------------------------- LibreOffice

Row = tuple[str, str, str, str | None, str | None, str | None, int | None, str | None]
CLEAN_ROWS: list[Row] = [
    # 一级, 二级, 三级, 指标性质, 指标值, 度量单位, 权重, 定性/定量
    ("产出指标", "数量指标", "村组干部人数", "=", "230", "人", 20, "定量"),
    ("产出指标", "质量指标", "补贴按时发放率", "≥", "95", "%", 20, "定量"),
    ("产出指标", "时效指标", "补贴发放完成时间", None, "2024年12月底前", None, 10, "定量"),
    ("产出指标", "成本指标", "人均补贴标准", "≤", "1.2", "万元/人", 10, "定量"),
    ("效益指标", "社会效益指标", "基层组织运转保障率", "≥", "95", "%", 20, "定量"),
    ("满意度指标", "服务对象满意度指标", "村组干部满意度", "≥", "90", "%", 20, "定量"),
]
FIELDS = ("level1", "level2", "level3", "symbol", "number", "unit", "weight", "nature")


@dataclasses.dataclass(frozen=True)
class Planted:
    """One mistake planted in an otherwise clean form, and the codes the form must show."""

    name: str
    changes: dict[str, object]
    expected: frozenset[str]


def _at(offset: int, field: str) -> str:
    return A.row_cell(field, A.first_row + offset)


class TypedText(str):
    """A cell's text typed as text even where it spells an error value (``#N/A`` typed)."""

    __slots__ = ()


WEIGHT_REFUSED = ("weight-invalid", "weight-sum")
"""A weight refused on its cell is left out of the total (the others make 80)."""
PLANTED = [
    Planted("clean", {}, frozenset()),
    Planted("weights-total-90", {_at(0, "weight"): 10}, frozenset({"weight-sum"})),
    # review14: a weight pasted as text counts, as the reader counts it
    Planted("weight-as-text", {_at(0, "weight"): "20"}, frozenset()),
    Planted("weight-with-分", {_at(0, "weight"): "10分"}, frozenset({"weight-sum"})),
    # review15: text the reader refuses (weight-invalid) is left out of both totals
    Planted("weight-分-inside", {_at(0, "weight"): "2分0"}, frozenset(WEIGHT_REFUSED)),
    Planted(  # with -20 the weights make 100; the reader leaves -20 out (120)
        "weight-negative-text",
        {_at(0, "weight"): "-20", _at(1, "weight"): 60},
        frozenset(WEIGHT_REFUSED),
    ),
    # issue 15's grammar gaps: what the reader strips and makes ASCII, the sheet does too; a
    # weight it refuses the sheet shows as weight-invalid (an error value is cell-error)
    Planted("weight-full-width", {_at(0, "weight"): "２０"}, frozenset()),
    Planted("weight-full-width-分", {_at(0, "weight"): "２０分"}, frozenset()),
    Planted("weight-line-break", {_at(0, "weight"): "20\n"}, frozenset()),
    Planted("weight-ideographic-space", {_at(0, "weight"): "\u300020\u3000"}, frozenset()),
    Planted("weight-full-width-％", {_at(0, "weight"): "20％"}, frozenset()),
    Planted("weight-two-signs", {_at(0, "weight"): "20分%"}, frozenset(WEIGHT_REFUSED)),
    Planted(
        "weight-space-inside",
        {_at(0, "weight"): "2 0"},
        frozenset(WEIGHT_REFUSED),
    ),
    Planted("weight-minus-after", {_at(0, "weight"): "20-"}, frozenset(WEIGHT_REFUSED)),
    Planted("weight-#N/A", {_at(0, "weight"): "#N/A"}, frozenset({"weight-sum"})),  # (cell-error)
    Planted(
        "weight-#N/A-as-text", {_at(0, "weight"): TypedText("#N/A")}, frozenset(WEIGHT_REFUSED)
    ),
    Planted(
        "qualitative-value-#N/A",
        {_at(4, "nature"): "定性", _at(4, "number"): "#N/A", _at(4, "symbol"): None},
        frozenset({"qualitative-value-missing", "value-missing"}),
    ),
    Planted("symbol-blank", {_at(1, "symbol"): None}, frozenset({"symbol-missing"})),
    Planted("symbol-full-width-pair", {_at(1, "symbol"): "＞＝"}, frozenset()),  # review15
    Planted(
        "whole-value-in-one-cell",
        {_at(1, "symbol"): None, _at(1, "number"): ">=95", _at(1, "unit"): None},
        frozenset(),
    ),
    Planted(
        "qualitative-without-value",
        {_at(4, "nature"): "定性", _at(4, "number"): None, _at(4, "symbol"): None},
        frozenset({"qualitative-value-missing", "value-missing"}),
    ),
    Planted("name-blank", {_at(2, "level3"): None}, frozenset({"value-missing"})),
    Planted(
        "level2-not-under-level1", {_at(4, "level2"): "数量指标"}, frozenset({"level-invalid"})
    ),
    Planted("split-does-not-add-up", {A.fiscal: 300}, frozenset({"budget-sum-mismatch"})),
    # review17: a form that states no split (批复表 102, 104) is not refused for it
    Planted("no-split-stated", {A.fiscal: None, A.other: None}, frozenset()),
    Planted("one-source-short", {A.fiscal: None, A.other: 30}, frozenset({"budget-sum-mismatch"})),
    # an unreadable source is blank to both (the engine says amount-invalid, not natively)
    Planted("sources-unreadable", {A.fiscal: "三百", A.other: None}, frozenset()),
    Planted("code-malformed", {A.code: "12345"}, frozenset({"project-code-invalid"})),
]


def clean_cells() -> dict[str, object]:
    cells: dict[str, object] = {
        A.name: "村组干部报酬",
        A.supervisor: "某镇人民政府",
        A.implementer: "某镇人民政府",
        A.budget: 330,
        A.fiscal: 330,
        A.other: 0,
        A.goal: "按时足额发放村组干部报酬，保障基层组织运转。",
    }
    for offset, row in enumerate(CLEAN_ROWS):
        cells |= {_at(offset, f): v for f, v in zip(FIELDS, row, strict=True)}
    return cells


def planted_workbook(path: Path) -> None:
    """The blank template, typed into cell by cell (one form per planted case)."""
    wb = build_application("tianjin", len(PLANTED))
    unit = wb[U.name]
    for field_name, value in (("name", "某镇人民政府"), ("year", 2024), ("money_unit", "万元")):
        unit[U.cell(field_name)] = value
    for number, case in enumerate(PLANTED, 1):
        ws = wb[A.sheet_name(number)]
        for ref, value in (clean_cells() | case.changes).items():
            ws[ref] = value
            if type(value) is TypedText:
                ws[ref].data_type = "s"  # (openpyxl takes the text "#N/A" for an error value)
    save_workbook(wb, path)


def codes_in(text: object) -> set[str]:
    return {part.split("（")[-1].rstrip("）") for part in str(text or "").split("；") if part}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The planted workbook recalculated and saved by LibreOffice; its status texts as cached
    and the engine's findings on the saved file."""
    from jixiao.service.collect import read_and_validate
    from libreoffice import convert, require_libreoffice

    require_libreoffice()
    folder = tmp_path_factory.mktemp("application-lo")
    planted_workbook(folder / "planted.xlsx")
    saved_file = convert(folder / "planted.xlsx", "xlsx", folder / "recalculated")
    book = openpyxl.load_workbook(saved_file, data_only=True)
    submission, findings = read_and_validate(saved_file)
    assert submission is not None and len(submission.projects) == len(PLANTED), findings
    return {"book": book, "findings": findings}


def _engine_rows(findings: list[Finding], sheet: str) -> dict[int, set[str]]:
    """The engine's native-checked codes by the status row that shows them."""
    rows: dict[int, set[str]] = {}
    for f in findings:
        if f.sheet != sheet or f.code not in APPLICATION_CODES or f.cell is None:
            continue
        row = A.header_row if f.code == "weight-sum" else int("".join(filter(str.isdigit, f.cell)))
        rows.setdefault(row, set()).add(f.code)
    return rows


@pytest.mark.libreoffice
@pytest.mark.parametrize(("number", "case"), list(enumerate(PLANTED, 1)), ids=lambda x: str(x))
def test_libreoffice_shows_what_the_engine_finds(
    recalculated: dict[str, object], number: int, case: Planted
) -> None:
    sheet = A.sheet_name(number)
    book = recalculated["book"]
    assert isinstance(book, openpyxl.Workbook)
    ws = book[sheet]
    findings = recalculated["findings"]
    assert isinstance(findings, list)
    status_rows = [
        int("".join(filter(str.isdigit, ref)))
        for ref in (A.status(A.code), A.status(A.budget), A.weight_status)
    ] + list(A.indicator_rows())
    native = {row: codes_in(ws[A.row_status(row)].value) for row in status_rows}
    native = {row: codes for row, codes in native.items() if codes}
    assert native == _engine_rows(findings, sheet)
    assert set().union(*native.values()) == case.expected
    assert ws[A.count].value == len(native)
    assert ws[A.title].value == f"{number}.村组干部报酬项目支出绩效目标申报表"
    assert ws[A.year_line].value == "（2024年度）"
    assert ws[A.money_line].value == "单位：万元"


@pytest.mark.libreoffice
def test_a_clerk_typing_into_the_form(lo: object, template_path: Path) -> None:
    """Through UNO, as a clerk: labels are locked, inputs are not; a direction typed into
    指标性质 is rejected by its dropdown and shown as symbol-missing; weights that stop adding
    up turn the weight status red."""
    from libreoffice import LibreOffice

    assert isinstance(lo, LibreOffice)
    doc = lo.open(template_path)
    try:
        sheet = A.sheet_name(1)
        assert lo.sheet_protected(doc, sheet)
        assert lo.protection(doc, sheet, A.labels[0][0])["locked"]
        assert not lo.protection(doc, sheet, A.budget)["locked"]
        for ref, value in clean_cells().items():
            lo.set(doc, sheet, ref, value)  # type: ignore[arg-type]
        lo.calc(doc)
        assert [s for (s,) in lo.get_range(doc, sheet, A.status_range) if s] == []
        lo.set(doc, sheet, _at(1, "symbol"), "正向")
        lo.set(doc, sheet, _at(0, "weight"), 30)
        lo.calc(doc)
        assert lo.invalid_cells(doc, sheet) == [_at(1, "symbol")]
        row_status = lo.get(doc, sheet, A.row_status(A.first_row + 1))["string"]
        assert row_status == short_message("symbol-missing")
        assert lo.get(doc, sheet, A.weight_status)["string"] == short_message("weight-sum")
        assert lo.get(doc, sheet, A.count)["value"] == 2
        highlight = lo.conditional_format_active(doc, sheet, _at(1, "number"))
        assert highlight["active"] and highlight["back_color"] == 0xFFC7CE
    finally:
        lo.close_doc(doc)


# ---------------------------------------------------------------- the command line

ROOT = Path(__file__).resolve().parents[1]


def test_committed_application_template_is_current(tmp_path: Path) -> None:
    """Fails when workbook_templates/ is stale: jixiao template --all -o workbook_templates."""
    from jixiao.service.actions import APPLICATION_TEMPLATE_NAME
    from jixiao.template.application import DEFAULT_PROFILE
    from jixiao.template.layout import DEFAULT_PROJECTS
    from test_workbook import xlsx_parts

    name = APPLICATION_TEMPLATE_NAME.format(profile=DEFAULT_PROFILE)
    fresh = tmp_path / name
    save_workbook(build_application(DEFAULT_PROFILE, DEFAULT_PROJECTS), fresh)
    assert xlsx_parts(ROOT / "workbook_templates" / name) == xlsx_parts(fresh)


def test_template_command_writes_the_application_layout(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from jixiao.cli import main

    out = tmp_path / "申报表.xlsx"
    result = CliRunner().invoke(main, ["template", "--layout", "申报表", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "申报表，national，30 张项目表" in result.output
    wb = openpyxl.load_workbook(out)
    assert [n for n in wb.sheetnames if n.startswith("申报表")][-1] == "申报表30"
    assert wb[U.name][U.cell("profile")].value == "national"
    folder = tmp_path / "all"
    result = CliRunner().invoke(main, ["template", "--all", "--projects", "2", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert "申报表模板-national.xlsx" in {p.name for p in folder.iterdir()}
    assert len(list(folder.iterdir())) == len(layout_profiles()) + 1


def layout_profiles() -> list[str]:
    from jixiao.profiles import builtin_names

    return builtin_names()


def test_validate_and_consolidate_read_both_layouts_in_one_run(tmp_path: Path) -> None:
    """A unit receives a 申报表 (104, in 元) and a 绩效目标表 (seed 000, in 万元)."""
    from click.testing import CliRunner

    from jixiao.cli import main
    from jixiao.template.fill import fill_workbook

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    form = saved(inbox, imported("104"), "马踏镇-申报表.xlsx")
    save_workbook(fill_workbook(seed_submission("000"), min_projects=1), inbox / "高新法院.xlsx")
    result = CliRunner().invoke(main, ["validate", str(form), "--format", "json"])
    report = json.loads(result.output)
    where = {(f["code"], f["sheet"], f["cell"]) for r in report["files"] for f in r["findings"]}
    # 104 states no funding split: nothing to compare (review17: it was refused for 3309840 ≠ 0)
    assert not [w for w in where if w[0] == "budget-sum-mismatch"]
    assert ("weight-sum", "申报表1", a1(A.first_row, 1)) in where  # 90, not 100
    errors = [f for r in report["files"] for f in r["findings"] if f["severity"] == "error"]
    assert result.exit_code == (1 if errors else 0), result.output
    output = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(inbox), "-o", str(output)])
    assert result.exit_code == 1, result.output
    assert "2 份，3 个项目，预算 1,507.98万元" in result.output  # 396.98 (元 converted) + 1111
    book = openpyxl.load_workbook(output, read_only=True)
    texts = {
        str(value)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert {"村组干部报酬", "基层组织活动经费", "专项项目"} <= texts


def test_a_filled_form_prints_whole_as_the_blank_one(tmp_path: Path) -> None:
    """Its whole grid, not down to the last imported indicator: one a clerk adds is printed."""
    wb = openpyxl.load_workbook(saved(tmp_path, imported("101")))
    ws = wb["申报表1"]
    assert ws.print_area == f"'申报表1'!$A$1:$J${A.last_row}"
    last = A.first_row + 16 - 1  # 16 indicators imported
    assert ws[A.row_cell("level3", last)].value and ws[A.row_cell("level3", last + 1)].value is None
    hidden = [row for row in A.extra_rows_range() if ws.row_dimensions[row].hidden]
    assert hidden == list(A.extra_rows_range())[1:]  # one 其他信息 row used: 项目负责人及电话
    assert ws.oddFooter.left.text == "610001 湖南省润山润水生态农业发展有限公司"


@pytest.mark.parametrize(
    ("number", "layout_written"),
    [("101", "申报表"), ("104", "申报表"), ("105", "申报表"), ("106", "申报表")],
)
def test_import_writes_the_other_layouts_into_the_application_form(
    tmp_path: Path, number: str, layout_written: str
) -> None:
    """jixiao import: a 申报表-like document becomes a filled 申报表 (106, a department table,
    into its 部门整体支出 sheet); --layout overrides the choice."""
    from click.testing import CliRunner

    from jixiao.cli import main

    out = tmp_path / "imported.xlsx"
    result = CliRunner().invoke(main, ["import", str(document(number)), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    wb = openpyxl.load_workbook(out)
    assert "申报表1" in wb.sheetnames and "部门整体支出" in wb.sheetnames
    assert f"（{layout_written}，" in result.output
    back, findings = read_workbook(out)
    assert findings == [] and back is not None
    assert comparable(back) == comparable(imported(number))
    forced = tmp_path / "forced.xlsx"
    args = ["import", str(document(number)), "--layout", "绩效目标表", "-o", str(forced)]
    result = CliRunner().invoke(main, args)
    assert "项目1" in openpyxl.load_workbook(forced).sheetnames, result.output


@pytest.mark.parametrize("pasted", ["NaN", "Infinity", "1e999999", "十"])
def test_a_pasted_weight_that_is_no_number_is_reported_on_its_cell(
    tmp_path: Path, pasted: str
) -> None:
    """Text pasted past the cell's number validation: a finding on the cell, the file still
    read, exported and published (was a program error, or NaN written into the JSON)."""
    from click.testing import CliRunner

    from jixiao.cli import main
    from jixiao.service.demo import sample

    path = tmp_path / "权重.xlsx"
    save_workbook(fill_application(sample("other-104.json")), path)
    wb = openpyxl.load_workbook(path)
    cell = A.row_cell("weight", A.first_row)
    wb["申报表1"][cell] = pasted
    wb.save(path)
    submission, findings = read_workbook(path)
    assert submission is not None
    assert [(f.code, f.sheet, f.cell) for f in findings] == [("weight-invalid", "申报表1", cell)]
    assert f"“{pasted}”" in findings[0].message
    assert submission.projects[0].indicators[0].weight is None
    out = tmp_path / "权重.json"
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(out)])
    assert result.exit_code in (0, 1) and "NaN" not in out.read_text("utf-8"), result.output
    docx = tmp_path / "权重.docx"
    result = CliRunner().invoke(main, ["publish", str(path), "-o", str(docx), "--allow-errors"])
    assert result.exit_code in (0, 1) and docx.is_file(), result.output


def test_two_other_information_rows_with_one_label_are_both_kept(tmp_path: Path) -> None:
    from jixiao.service.demo import sample

    path = tmp_path / "其他信息.xlsx"
    save_workbook(fill_application(sample("other-104.json")), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["申报表1"]
    first, second = list(A.extra_rows_range())[:2]
    for row, who in ((first, "张三"), (second, "李四")):
        ws[A.extra_label(row)], ws[A.extra_text(row)] = "项目负责人", who
    wb.save(path)
    submission, _ = read_workbook(path)
    assert submission is not None
    attributes = submission.projects[0].attributes
    assert (attributes["项目负责人"], attributes["项目负责人2"]) == ("张三", "李四")


def test_a_form_under_a_profile_of_the_first_layout_is_asked_only_for_its_own_cells(
    tmp_path: Path,
) -> None:
    """单位信息 offers every profile: a 申报表 filled under hebei was asked for a 资金支出计划
    and 16 依据 it has no cells for.  Its 项目编码 cell is still held to the profile, as the
    sheet's own check holds it."""
    back, _ = read_workbook(saved(tmp_path, imported("101"), "hebei.xlsx"))
    assert back is not None and back.template["layout"] == "申报表"
    hebei = dataclasses.replace(back, unit=dataclasses.replace(back.unit, profile="hebei"))
    codes = {f.code for f in validate_submission(hebei)}
    assert not {c for c in codes if c.startswith("plan-") or c == "basis-missing"}, codes
    assert "project-code-invalid" in codes  # required by hebei, and the form has the cell
    first_layout = dataclasses.replace(hebei, template={})  # the same data in a 绩效目标表
    again = {f.code for f in validate_submission(first_layout)}
    assert {"basis-missing", "plan-checkpoint-missing"} <= again


def test_the_split_is_worded_as_the_form_words_it(tmp_path: Path) -> None:
    """104 states no split: on the form both sources blank state none (nothing compared:
    review17), one source given is compared with the other as 0, and the finding names the
    form's own labels, not the 绩效目标表's 预算数/财政资金 (where both blank count 0)."""
    back, _ = read_workbook(saved(tmp_path, imported("104")))
    assert back is not None
    assert not [f for f in validate_submission(back) if f.code == "budget-sum-mismatch"]
    first = dataclasses.replace(back.projects[0], fiscal=Decimal(1000))
    given = dataclasses.replace(back, projects=(first, *back.projects[1:]))
    (one, *_) = [f for f in validate_submission(given) if f.code == "budget-sum-mismatch"]
    assert one.message.startswith("年度资金总额 3309840 ≠ 财政拨款 1000 + 其他资金 0")
    assert "使年度资金总额等于两者之和" in one.hint
    table = dataclasses.replace(back, template={})
    (same, *_) = [f for f in validate_submission(table) if f.code == "budget-sum-mismatch"]
    assert same.message.startswith("预算数 3309840 ≠ 财政资金 0 + 其他资金 0")
