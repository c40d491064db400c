"""Issue 14, the reviewer's findings on the 部门整体支出 sheet: a publication's cells read back
where they were written, the live checks judged as the engine judges, roll-ups compared with
the rows they add, findings on the amount's cell."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES, without_locations
from jixiao.model import Department, DutyBlock, Indicator, Submission
from jixiao.readers.documents import import_document
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.service.publish import publish
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook


def fixture_106() -> Submission:
    submission, findings = load_submission(FIXTURES / "other-106.json")
    assert submission is not None, findings
    return submission


def _with(department: Department, **changes: object) -> Submission:
    submission = fixture_106()
    return dataclasses.replace(
        submission, department=dataclasses.replace(department, **changes), rollups=()
    )


def _hostile() -> Submission:
    """106 with the cells a space-joined reading moved: spaces inside a cell, blank cells,
    a value and a remark with spaces, a blank 目标值."""
    department = fixture_106().department
    assert department is not None
    duties = (
        DutyBlock(
            title="组织 指导 编纂", goal="按时 出版", project="年鉴 经费", amount=Decimal("49.8")
        ),
        DutyBlock(title="发放福利", goal=None, project=None, amount=Decimal("11")),
        DutyBlock(title="运行", goal="工资", project="基本支出", amount=None),
        DutyBlock(title=None, goal="保障运行", project="", amount=Decimal("110.61")),
    )
    indicators = (
        Indicator(
            level1="产出指标",
            level2="数量指标",
            level3="审稿 数量",
            value="≥ 60 %",
            remark="100% (历史标准)",
        ),
        Indicator(
            level1="产出指标", level2="质量指标", level3="合格率", value=None, remark="计划 标准"
        ),
        Indicator(
            level1="效益指标", level2="社会效益指标", level3="覆盖率", value="≥90%", remark=None
        ),
    )
    return _with(department, blocks=duties, indicators=indicators)


def _round_trip(submission: Submission, tmp_path: Path) -> tuple[Submission, Submission, list[str]]:
    workbook_path = tmp_path / "h.xlsx"
    save_workbook(fill_application(submission, min_projects=1), workbook_path)
    document = tmp_path / "公开.docx"
    result = publish([workbook_path], document, allow_errors=True)
    assert result.publication is not None and result.publication.department
    back, findings = import_document(document)
    assert back is not None
    workbook, _ = read_workbook(workbook_path)
    return back, workbook, [f.code for f in findings if f.code.startswith("import")]


def _plain(text: str | None) -> str | None:
    """A space between Chinese characters is published as an en space (publish_application
    EN_SPACE: a plain one would be taken for a line-wrap artefact) and read back as one."""
    return text.replace("\u2002", " ") if text is not None else None


def _cells(submission: Submission) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    department = submission.department
    assert department is not None
    duties = [
        (_plain(d.title), _plain(d.goal), _plain(d.project), d.amount) for d in department.blocks
    ]
    rows = [
        (i.level1, i.level2, _plain(i.level3), _plain(i.remark), i.written or i.value)
        for i in department.indicators
    ]
    return duties, rows


def test_a_publication_reads_back_cell_for_cell(tmp_path: Path) -> None:
    back, workbook, imports = _round_trip(_hostile(), tmp_path)
    assert imports == []
    duties, rows = _cells(back)
    assert duties == [
        ("组织 指导 编纂", "按时 出版", "年鉴 经费", Decimal("49.8")),
        ("发放福利", None, None, Decimal("11")),
        ("运行", "工资", "基本支出", None),
        (None, "保障运行", None, Decimal("110.61")),
    ]
    assert rows == [
        ("产出指标", "数量指标", "审稿 数量", "100% (历史标准)", "≥ 60 %"),
        ("产出指标", "质量指标", "合格率", "计划 标准", None),
        ("效益指标", "社会效益指标", "覆盖率", None, "≥90%"),
    ]
    assert _cells(back) == _cells(workbook)


def test_the_106_publication_still_round_trips(tmp_path: Path) -> None:
    back, workbook, imports = _round_trip(fixture_106(), tmp_path)
    assert imports == []
    assert without_locations(back) == without_locations(workbook)


def test_the_rows_a_clerk_types_into_have_no_fixed_height(tmp_path: Path) -> None:
    import openpyxl

    from jixiao.template.application_build import build_application
    from jixiao.template.department_spending import DEPARTMENT_SPENDING as D
    from jixiao.template.positions import row_of

    path = tmp_path / "申报表.xlsx"
    save_workbook(build_application("national", 2), path)
    ws = openpyxl.load_workbook(path)[D.name]
    typed = [*D.duty_rows_range(), *D.indicator_rows()]
    assert [r for r in typed if ws.row_dimensions[r].height is not None] == []
    assert (ws.row_dimensions[row_of(D.overall_goal)].height or 0) >= 48  # as the 申报表's goal
    assert ws.row_dimensions[D.duty_header_row].height is not None  # labels still fitted


def _table(path: Path, amounts: tuple[object, ...], duties: list[tuple[object, ...]]) -> Path:
    from test_department_spending_template import department_table

    indicator = ("产出指标", "数量指标", "志鉴工作开展数量", None, "≥5个")
    return department_table(path, amounts, duties, [indicator])


PROJECT_ROWS = [("编纂", "按时出版", "年鉴经费", 49.8), ("发放", "按时发放", "福利经费", 11)]


def _said(path: Path, code: str) -> list[tuple[str | None, str]]:
    from jixiao.service.collect import read_and_validate

    _, findings = read_and_validate(path)
    return [(f.cell, f.message) for f in findings if f.code == code]


def test_a_total_of_the_project_rows_is_compared_with_them(tmp_path: Path) -> None:
    amounts = (171.41, 60.8, 110.61)
    rows = [*PROJECT_ROWS, (None, None, "合计", 60.8)]
    assert _said(_table(tmp_path / "a.xlsx", amounts, rows), "rollup-mismatch") == []
    everything = [*PROJECT_ROWS, ("运行", "工资", "基本支出", 110.61), (None, None, "合计", 171.41)]
    assert _said(_table(tmp_path / "b.xlsx", amounts, everything), "rollup-mismatch") == []
    wrong = [*PROJECT_ROWS, (None, None, "合计", 70)]
    said = _said(_table(tmp_path / "c.xlsx", amounts, wrong), "rollup-mismatch")
    assert len(said) == 1 and said[0][0] == "E11"
    assert "60.8" in said[0][1] and "70" in said[0][1]


def test_amount_findings_point_at_the_amount(tmp_path: Path) -> None:
    amounts = (171.41, 60.8, 110.61)
    rows = [("编纂", "按时出版", "年鉴经费", 40), ("运行", "工资", "基本支出", 100)]
    said = _said(_table(tmp_path / "a.xlsx", amounts, rows), "department-split-mismatch")
    assert sorted(cell for cell, _ in said) == ["E10", "E9"]


def test_the_summary_calls_every_row_of_the_table_a_duty_row(tmp_path: Path) -> None:
    from jixiao.consolidation.results import Entry
    from jixiao.consolidation.rows import department_rows

    path = _table(
        tmp_path / "a.xlsx",
        (171.41, 60.8, 110.61),
        [*PROJECT_ROWS, ("完成其他工作", "按时完成", None, None), (None, None, "合计", 60.8)],
    )
    back, _ = read_workbook(path)
    rows = department_rows(Entry(str(path), back))
    duties = [(r[2], r[3]) for r in rows if r[1] in ("年度履职目标", "分项绩效目标")]
    assert [r[1] for r in rows if r[1] in ("年度履职目标", "分项绩效目标")] == ["年度履职目标"] * 4
    assert duties[2] == ("完成其他工作", "按时完成")
    assert duties[3] == (None, "支出项目：合计 60.80万元（汇总行，不计入合计）")
