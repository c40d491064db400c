"""Interchange version 2 (issue 14): the fields the other provinces' layouts carry, and the
migration that reads every version 1 file unchanged."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest

from conftest import FIXTURES, good
from jixiao.model import (
    Department,
    DutyBlock,
    Indicator,
    Location,
    Project,
    Rollup,
    Submission,
    Unit,
)
from jixiao.money import MoneyUnit
from jixiao.readers.interchange import (
    VERSION,
    load_submission,
    parse_submission,
    submission_schema,
    submission_to_json,
)


def _round_trip(submission: Submission) -> Submission:
    exported = submission_to_json(submission)
    jsonschema.Draft202012Validator(submission_schema()).validate(exported)
    file = submission.source.file or "x.json"
    again, findings = parse_submission(json.dumps(exported, ensure_ascii=False), file)
    assert again is not None, findings
    return again


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_version_1_files_read_unchanged(number: str) -> None:
    """A version 1 file (the seeds' transcriptions) reads with every new field at its default,
    and is written back as version 2 with nothing else changed."""
    path = FIXTURES / f"seed-{number}.json"
    raw = json.loads(path.read_text("utf-8"))
    assert raw["version"] == 1
    submission, findings = load_submission(path)
    assert submission is not None and findings == []
    assert submission.rollups == ()
    for project in submission.projects:
        assert (project.carryover, project.total, project.layout, project.attributes) == (
            None,
            None,
            None,
            {},
        )
        assert all(i.weight is None and i.symbol is None for i in project.indicators)
    exported = submission_to_json(submission)
    assert exported["version"] == VERSION == 2
    assert "rollups" not in exported
    # the written projects carry no empty version 2 field
    v2_keys = {"carryover", "total", "long_term_goal", "start", "end", "supervisor"}
    v2_keys |= {"implementer", "attributes", "layout", "cut_off"}
    assert not any(set(p) & v2_keys for p in exported["projects"])
    assert _round_trip(submission) == submission


def test_unknown_version_refused() -> None:
    data = good()
    data["version"] = 3
    submission, findings = parse_submission(json.dumps(data, ensure_ascii=False), "x.json")
    assert submission is None and findings[0].code == "schema-invalid"


def test_version_2_fields_round_trip() -> None:
    indicator = Indicator(
        level1="产出指标",
        level2="数量指标",
        level3="村组干部230人",
        value="≥230个",
        weight=Decimal("10"),
        direction="正向指标",
        symbol="≥",
        number="230",
        unit="个",
        written=None,
        term="年度",
        remark="历史标准",
        nature="定量",
    )
    project = Project(
        name="村组干部报酬",
        budget=Decimal("3309840.00"),
        carryover=Decimal("12.5"),
        total=Decimal("9000000"),
        long_term_goal="长期目标",
        goal="按时发放村组干部报酬",
        start="2022年1月1日",
        end="2022年12月31日",
        supervisor="南岳镇政府",
        implementer="[610001]湖南省润山润水生态农业发展有限公司",
        attributes={"项目口径": "长期"},
        layout="部门申报表",
        cut_off="| 产出指标 | 数量指标 | 行政村数量 | = | 11 | 个 | 10",
        indicators=(indicator,),
    )
    department_block = DutyBlock(
        title="确保日常工作正常运行", project="基本支出", amount=Decimal("171.41")
    )

    department = Department(
        overall_goal="目标1",
        blocks=(department_block,),
        total=Decimal("171.41"),
        project_spending=Decimal("60.8"),
        basic_spending=Decimal("110.61"),
        indicators=(Indicator(level3="各类书籍审稿率", value="1", remark="100%(计划标准)"),),
    )
    rollup = Rollup(
        name="马踏镇部门",
        code="820",
        amount=Decimal("8827620.53"),
        parts=("820001",),
        complete=False,
        source=Location(file="x.json", line=4),
    )
    submission = Submission(
        Unit("马踏镇", money_unit=MoneyUnit.YUAN),
        (project,),
        department,
        {},
        Location(file="x.json"),
        rollups=(rollup,),
    )
    again = _round_trip(submission)
    assert again.rollups == (rollup,)
    assert again.projects[0].indicators[0].weight == Decimal("10")
    assert again.projects[0].carryover == Decimal("12.5")
    assert again.projects[0].cut_off == project.cut_off
    assert again.projects[0].attributes == {"项目口径": "长期"}
    assert again.department is not None
    assert again.department.basic_spending == Decimal("110.61")
    assert again.department.blocks[0].amount == Decimal("171.41")
    assert again.department.indicators[0].remark == "100%(计划标准)"
    exported = submission_to_json(submission)
    assert exported["projects"][0]["indicators"][0]["symbol"] == "≥"
