"""Templates and the workbook reader in Python (real-engine checks: test_template_lo.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import msoffcrypto
import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils.cell import range_boundaries

from conftest import FIXTURES, without_locations
from jixiao.a1 import a1, column_letter, column_number, parse_a1
from jixiao.cli import TEMPLATE_NAME, main
from jixiao.model import Submission
from jixiao.profiles import builtin_names
from jixiao.readers.interchange import load_submission, submission_schema
from jixiao.readers.xlsx import read_workbook
from jixiao.rules.identity import PROJECT_CODE
from jixiao.template.build import build_template, save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import (
    COMPATIBLE_FINGERPRINTS,
    END_MARKER,
    LAYOUT,
    PASSWORD,
    RESULT,
    fingerprint,
)
from jixiao.template.native_checks import (
    CODE_FORM,
    DEADLINE_YEARS,
    MONTH_DEADLINES,
    PERIODS,
    SUFFIX_SYMBOLS,
    money_reading,
    plain_label,
    plain_money,
    plan_reading,
)
from jixiao.template.positions import column_of
from jixiao.values import ValueKind, parse_value

ROOT = Path(__file__).resolve().parents[1]
P = LAYOUT.project


def seed(number: str) -> Submission:
    submission, findings = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None, findings
    return submission


def filled(tmp_path: Path, number: str) -> Path:
    path = tmp_path / f"seed-{number}.xlsx"
    save_workbook(fill_workbook(seed(number), min_projects=1), path)
    return path


def codes_at(path: Path) -> set[tuple[str, str | None, str | None]]:
    from jixiao.service.collect import validate_path

    return {(f.code, f.sheet, f.cell) for f in validate_path(path).findings}


# ---------------------------------------------------------------- A1 references


@pytest.mark.parametrize(
    ("ref", "row", "column"),
    [
        ("A1", 1, 1),
        ("Z9", 9, 26),
        ("AA10", 10, 27),
        ("XFD1048576", 1048576, 16384),
        ("$C$5", 5, 3),
    ],
)
def test_a1_conversions(ref: str, row: int, column: int) -> None:
    assert parse_a1(ref) == (row, column)
    assert a1(row, column) == ref.replace("$", "")
    assert column_number(column_letter(column)) == column


@pytest.mark.parametrize("bad", ["", "A0", "1A", "A", "XFE1", "项目1"])
def test_a1_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_a1(bad)


# ---------------------------------------------------------------- the template


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "t.xlsx"
    save_workbook(build_template("hebei", 30), path)
    return path


def test_template_sheets_and_meta(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    names = wb.sheetnames
    assert names[:4] == ["单位信息", "总览", "部门整体绩效目标", "整体绩效目标表"]
    assert [n for n in names if n.startswith("项目")] == [f"项目{i}" for i in range(1, 31)]
    assert wb["列表"].sheet_state == "hidden" and wb["_meta"].sheet_state == "veryHidden"
    meta = {wb["_meta"].cell(r, 1).value: wb["_meta"].cell(r, 2).value for r in range(1, 7)}
    assert meta["template_id"] == "jixiao-ysjx" and meta["fingerprint"] == fingerprint()
    assert meta["profile"] == "hebei" and meta["projects"] == 30


def test_only_input_cells_are_unlocked_and_every_sheet_protected(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    ws = wb["项目1"]
    covered = {c for r in ws.merged_cells.ranges for c in _cells(r.coord)[1:]}  # not the anchor
    unlocked = {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.protection.locked is False and c.coordinate not in covered
    }
    expected = {
        P.code,
        P.name,
        P.budget,
        P.fiscal,
        P.other,
        P.purpose,
        P.goal,
        P.department,
        *P.plan,
    }
    expected |= {P.row_cell(f, r) for f, _ in P.indicator_columns for r in P.indicator_rows()}
    assert unlocked == expected
    for ref, _ in P.labels:
        assert ws[ref].protection.locked is not False
    assert ws[P.status(P.budget)].protection.locked is not False


def _cells(ref: str) -> list[str]:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return [a1(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def test_workbook_structure_is_protected_in_the_xml(template_path: Path) -> None:
    with zipfile.ZipFile(template_path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert "<workbookProtection" in workbook_xml and 'lockStructure="1"' in workbook_xml


def test_names_and_dropdowns(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    names = set(wb.defined_names)
    assert {
        "JX_UNIT_CODE",
        "JX_MONEY_UNIT",
        "JX_PROFILE_KEY",
        "L1_hebei",
        "L1_central_2021",
        "L2_hebei_产出指标",
        "L2_central_2021_成本指标",
        "JX_REQ_BASIS",
    } <= names
    formulas = {dv.formula1 for dv in wb["项目1"].data_validations.dataValidation}
    assert 'INDIRECT("L1_"&JX_PROFILE_KEY)' in formulas
    assert any(f.startswith('INDIRECT("L2_"&JX_PROFILE_KEY') for f in formulas)


def test_status_formulas_use_the_rule_wording(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)["项目1"]
    assert "预算数与资金来源合计不符（budget-sum-mismatch）" in ws[P.status(P.budget)].value
    row_status = ws[f"{P.status_column}{P.first_row}"].value
    for code in ("level-invalid", "value-missing", "basis-missing", "symbol-missing"):
        assert f"（{code}）" in row_status
    assert ws.print_area == f"'项目1'!$A$1:$G${P.last_row}"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_the_native_deadline_and_suffix_words_are_the_engines() -> None:
    """The status formulas spell out what values.py calls a deadline or an implied symbol;
    each spelling must mean that to the engine too."""
    for word in MONTH_DEADLINES:
        example = f"12{word}" if word.startswith("月") else f"6月30{word}"
        assert parse_value(example).kind is ValueKind.DEADLINE, example
    for year in DEADLINE_YEARS:
        for example in (f"{year}24年底前", f"{year}24年", f"{year}24-12-31", f"{year}24.12"):
            assert parse_value(example).kind is ValueKind.DEADLINE, example
    for word in SUFFIX_SYMBOLS:
        value = parse_value(f"90%{word}")
        assert value.symbol is not None and value.symbol_implied, word
    for separator in PERIODS:  # a period of months (1-12月) is a time target, not a quantity
        assert parse_value(f"1{separator}12月").kind is ValueKind.DEADLINE, separator


def test_the_native_code_form_is_the_engines() -> None:
    """CODE_FORM spells rules.identity.PROJECT_CODE position by position: every code it
    accepts the pattern accepts, and one wrong character anywhere fails both."""
    good = "13010023P00005810001E"
    assert PROJECT_CODE.match(good) and all(ch in a for ch, a in zip(good, CODE_FORM, strict=True))
    for position, allowed in enumerate(CODE_FORM):
        for wrong in ("X", "p", "-", "一", "Ｐ", "０", "9"):
            code = good[:position] + wrong + good[position + 1 :]
            native = all(ch in a for ch, a in zip(code, CODE_FORM, strict=True))
            assert native == bool(PROJECT_CODE.match(code)), (code, allowed)
    assert len(CODE_FORM) == 21


def test_helpers_stand_beside_what_they_read_and_are_hidden(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)["项目2"]  # a copied sheet
    pairs = [
        *zip(P.money_cells, P.money_helpers, strict=True),
        *zip(P.plan, P.plan_helpers, strict=True),
    ]
    for cell, helper in pairs:
        assert parse_a1(cell)[0] == parse_a1(helper)[0]
        if cell in P.money_cells:  # the reading, and beside it the plain text it reads
            text = P.text_helper(helper)
            assert ws[text].value == plain_money(cell), text
            assert ws[helper].value == money_reading(cell, text)
            assert "SUBSTITUTE" not in ws[helper].value  # the text is cleaned once, beside it
        else:
            assert ws[helper].value == plan_reading(cell)
    for row in P.indicator_rows():  # each 一级/二级 lookup reads its label's plain text
        for field_name, helper in (("level1", P.helper(row)), ("level2", P.level2_helper(row))):
            text = P.text_helper(helper)
            assert ws[text].value == plain_label(P.row_cell(field_name, row)), text
            assert text in ws[helper].value and "SUBSTITUTE" not in ws[helper].value
    texts = {column_of(P.text_helper(h)) for h in (*P.money_helpers, P.helper(P.first_row))}
    assert texts <= set(P.helper_columns)
    for column in P.helper_columns:  # right of the status column, never printed or seen
        assert column_number(column) > column_number(P.status_column)
        assert ws.column_dimensions[column].hidden, column


def test_the_result_sheet_is_no_part_of_the_template_fingerprint() -> None:
    assert "校验结果" not in json.dumps(dataclasses.asdict(LAYOUT), ensure_ascii=False)
    assert RESULT.name == "校验结果" and {"sheet", "cell"} <= set(RESULT.keys)


def test_committed_templates_are_current(tmp_path: Path) -> None:
    """Fails when workbook_templates/ is stale: run jixiao template --all -o workbook_templates."""
    for profile in builtin_names():
        committed = ROOT / "workbook_templates" / TEMPLATE_NAME.format(profile=profile)
        fresh = tmp_path / committed.name
        save_workbook(build_template(profile), fresh)
        assert xlsx_parts(committed) == xlsx_parts(fresh), committed.name


def xlsx_parts(path: Path) -> dict[str, str]:
    """Each part's canonical XML (C14N): openpyxl serialises differently with and without lxml,
    the content is what must match."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: hashlib.sha256(
                ElementTree.canonicalize(archive.read(name).decode("utf-8")).encode()
            ).hexdigest()
            for name in archive.namelist()
            if name != "docProps/core.xml"
        }


# ---------------------------------------------------------------- reading back


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_fill_read_round_trip(tmp_path: Path, number: str) -> None:
    submission, findings = read_workbook(filled(tmp_path, number))
    assert findings == []
    assert submission is not None
    assert without_locations(submission) == without_locations(seed(number))


def test_values_point_at_real_cells(tmp_path: Path) -> None:
    submission, _ = read_workbook(filled(tmp_path, "004"))
    assert submission is not None
    project = next(p for p in submission.projects if p.name == "人民调解")
    assert project.number == 14
    assert project.at("budget").sheet == "项目14" and project.at("budget").cell == P.budget
    assert project.indicators[3].at("value").cell == f"F{P.first_row + 3}"


def test_validate_finds_the_planted_problems_at_the_right_cells(tmp_path: Path) -> None:
    path = filled(tmp_path, "004")
    wb = openpyxl.load_workbook(path)
    ws = wb["项目2"]
    ws[P.fiscal] = 70000  # 预算数 77000 ≠ 70000 + 0
    ws[P.plan[2]] = 0.4  # 20/50/40/100
    ws[P.row_cell("level2", P.first_row + 4)] = "数量指标"  # under 效益指标
    ws[P.row_cell("value", P.first_row)] = None  # 指标值 missing
    wb.save(path)
    found = codes_at(path)
    assert ("budget-sum-mismatch", "项目2", P.budget) in found
    assert ("plan-not-cumulative", "项目2", P.plan[2]) in found
    assert ("level-invalid", "项目2", P.row_cell("level2", P.first_row + 4)) in found
    assert ("value-missing", "项目2", P.row_cell("value", P.first_row)) in found
    assert ("cost-exceeds-budget", "项目14", f"F{P.first_row + 3}") in found


def test_text_starting_with_equals_is_never_a_formula(tmp_path: Path) -> None:
    submission = seed("000")
    project = submission.projects[0]
    tricky = dataclasses.replace(
        project.indicators[0], value="=1+1", description="=cmd|' /C calc'!A0"
    )
    submission = dataclasses.replace(
        submission, projects=(dataclasses.replace(project, indicators=(tricky,)),)
    )
    path = tmp_path / "eq.xlsx"
    save_workbook(fill_workbook(submission, min_projects=1), path)
    ws = openpyxl.load_workbook(path)["项目1"]
    assert ws[f"F{P.first_row}"].data_type == "s" and ws[f"F{P.first_row}"].value == "=1+1"
    again, _ = read_workbook(path)
    assert again is not None and again.projects[0].indicators[0].value == "=1+1"


def test_blank_project_sheets_are_skipped(template_path: Path) -> None:
    submission, findings = read_workbook(template_path)
    assert findings == [] and submission is not None and submission.projects == ()


def test_export_writes_schema_valid_json(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["export", str(filled(tmp_path, "001")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    jsonschema.Draft202012Validator(submission_schema()).validate(data)
    assert len(data["projects"]) == 9
    assert data["projects"][8]["indicators"][7]["sources"]["value"]["cell"] == f"F{P.first_row + 7}"


def test_template_command(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        main, ["template", "-o", str(out), "--profile", "tianjin", "--projects", "3"]
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert [n for n in wb.sheetnames if n.startswith("项目")] == ["项目1", "项目2", "项目3"]
    assert wb["单位信息"][LAYOUT.unit.cell("profile")].value == "tianjin"


# ---------------------------------------------------------------- bad workbooks


def one_finding(path: Path) -> tuple[str, str]:
    _, findings = read_workbook(path)
    assert findings, "expected a finding"
    return findings[0].code, findings[0].message


def test_row_inserted_in_a_project_sheet(tmp_path: Path) -> None:
    path = filled(tmp_path, "001")
    wb = openpyxl.load_workbook(path)
    wb["项目3"].insert_rows(P.first_row + 2)
    wb["项目5"].insert_rows(2)
    wb.save(path)
    submission, findings = read_workbook(path)
    assert {(f.code, f.sheet) for f in findings} == {
        ("template-tampered", "项目3"),
        ("template-tampered", "项目5"),
    }
    assert submission is not None and len(submission.projects) == 7  # the other sheets still read


def test_renamed_label(tmp_path: Path) -> None:
    path = filled(tmp_path, "000")
    wb = openpyxl.load_workbook(path)
    wb["项目1"]["A4"] = "项目编号"
    wb.save(path)
    code, message = one_finding(path)
    assert code == "template-tampered" and "A4" in message and "项目编号" in message


def test_meta_sheet_deleted(tmp_path: Path) -> None:
    path = filled(tmp_path, "000")
    wb = openpyxl.load_workbook(path)
    del wb["_meta"]
    wb.save(path)
    assert one_finding(path)[0] == "template-tampered"


def _set_meta(path: Path, key: str, value: str) -> None:
    meta = LAYOUT.meta
    wb = openpyxl.load_workbook(path)
    row = meta.rows()[meta.keys.index(key)]
    wb[meta.name][meta.value_cell(row)] = value
    wb.save(path)


def test_other_layout_version(tmp_path: Path) -> None:
    path = filled(tmp_path, "000")
    _set_meta(path, "fingerprint", "0000000000000000")
    code, message = one_finding(path)
    assert code == "template-tampered" and "版本" in message


@pytest.mark.parametrize("older", COMPATIBLE_FINGERPRINTS)
def test_a_workbook_of_a_compatible_older_layout_is_read(tmp_path: Path, older: str) -> None:
    """Templates handed out before a change that moved no input (issue 9 added positions to
    the layout spec) stay readable: their fingerprint is listed as compatible."""
    assert older != fingerprint()
    path = filled(tmp_path, "000")
    _set_meta(path, "fingerprint", older)
    submission, findings = read_workbook(path)
    assert findings == [] and submission is not None
    assert without_locations(submission) == without_locations(seed("000"))


def test_foreign_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "某单位 2024 年预算表"
    wb.save(path)
    code, message = one_finding(path)
    assert code == "file-unreadable" and "不是 jixiao 模板" in message


def test_password_protected_file(tmp_path: Path) -> None:
    plain = filled(tmp_path, "000")
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        office = msoffcrypto.OfficeFile(source)
        office.encrypt("secret", target)
    code, message = one_finding(locked)
    assert code == "file-unreadable" and "密码" in message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "空"),
        (b"PK\x03\x04garbage", "损坏"),
        (b"hello, world", "不是 .xlsx"),
    ],
)
def test_corrupt_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    code, message = one_finding(path)
    assert code == "file-unreadable" and words in message


def test_cli_validates_workbooks_and_reports_bad_ones(tmp_path: Path) -> None:
    good = filled(tmp_path, "001")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04garbage")
    (tmp_path / "~$good.xlsx").write_bytes(b"lock")
    before = good.read_bytes()
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"seed-001.xlsx", "bad.xlsx"}
    assert files["bad.xlsx"]["findings"][0]["code"] == "file-unreadable"
    assert any(f["cell"] for f in files["seed-001.xlsx"]["findings"])
    assert good.read_bytes() == before


def test_password_constant_is_documented() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"`{PASSWORD}`" in readme and END_MARKER


def test_amounts_typed_as_text_are_converted_or_reported(tmp_path: Path) -> None:
    path = filled(tmp_path, "000")  # a 万元 table
    wb = openpyxl.load_workbook(path)
    sheet = wb["项目1"]
    sheet[P.budget] = "11110000元"  # the clerk typed 元 into a 万元 table
    sheet[P.fiscal] = "1,078.34"
    sheet[P.other] = "约32.66"
    wb.save(path)
    submission, findings = read_workbook(path)
    assert submission is not None
    project = submission.projects[0]
    assert project.budget == 1111 and project.fiscal == Decimal("1078.34")
    assert project.other is None
    (finding,) = findings
    assert finding.code == "amount-invalid" and finding.cell == P.other
    assert "约32.66" in finding.message


def test_plan_and_rows_as_a_spreadsheet_leaves_them(tmp_path: Path) -> None:
    import datetime as dt

    path = filled(tmp_path, "000")
    wb = openpyxl.load_workbook(path)
    sheet = wb["项目1"]
    sheet[P.plan[3]] = 0.6 + 0.3 + 0.1  # 0.9999999999999999, as a SUM formula leaves it
    sheet[P.row_cell("value", P.first_row + 2)] = dt.datetime(2023, 12, 31)  # a date cell
    sheet[P.row_cell("level1", P.first_row + 10)] = "产出指标"  # a row with only 一级 typed
    sheet[P.plan[0]] = "25%"  # text with its % sign reads as 25%
    sheet[P.plan[1]] = "50"  # a bare number as text is ambiguous, as the template formula says
    wb.save(path)
    found = codes_at(path)
    assert not [c for c in found if c[0] == "plan-final-not-100"]
    assert ("deadline-outside-year", "项目1", P.row_cell("value", P.first_row + 2)) in found
    assert ("value-missing", "项目1", P.row_cell("level3", P.first_row + 10)) in found
    assert ("plan-value-invalid", "项目1", P.plan[1]) in found
    assert ("plan-value-invalid", "项目1", P.plan[0]) not in found


def test_an_unfilled_template_is_reported_not_passed(template_path: Path) -> None:
    """issue 9: a blank template used to be '未发现问题' with exit 0."""
    from jixiao.service.collect import read_and_validate

    submission, findings = read_and_validate(template_path)
    assert submission is not None and submission.projects == ()
    assert [f.code for f in findings if f.severity.value == "error"] == ["submission-empty"]
