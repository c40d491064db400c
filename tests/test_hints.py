"""Hints that are right: every value a hint proposes passes every value rule when written back.

Each indicator of the seeds (and the issue's rows that are not in the seeds) is checked; every
quoted quantity in a finding's hint (``补上计量单位，如“≥6次”``) is put back as the row's 指标值
and the row is checked again: no value rule may fire on it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from conftest import FIXTURES
from jixiao.findings import Finding
from jixiao.model import Indicator, Project
from jixiao.money import MoneyUnit
from jixiao.profiles import load_profile
from jixiao.readers.interchange import load_submission
from jixiao.rules import INDICATOR_CHECKS, Scope
from jixiao.rules.meaning import VALUE_CODES
from jixiao.rules.overall_table import _as_indicator
from jixiao.values import ValueKind, parse_value

QUOTED = re.compile(r"“([^”]+)”")


def proposals(finding: Finding) -> list[str]:
    """The quantities a hint proposes as the whole 指标值 (quoted, and read as a quantity)."""
    quoted: list[str] = QUOTED.findall(finding.hint)
    return [q for q in quoted if parse_value(q).kind is ValueKind.QUANTITATIVE]


def checked(indicator: Indicator, scope: Scope) -> list[Finding]:
    return [f for check in INDICATOR_CHECKS for f in check(indicator, scope) if f is not None]


def seed_rows(number: str) -> Iterator[tuple[str, Indicator, Scope]]:
    submission, _ = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None
    unit = submission.unit
    scope = Scope(load_profile(unit.profile or "hebei"), unit.money_unit, unit.year, "")
    for project in submission.projects:
        for indicator in project.indicators:
            yield (
                f"{number} #{project.number} {indicator.name}",
                indicator,
                scope.for_project(project),
            )
    department = submission.department
    if department is None:
        return
    for block in department.blocks:
        for indicator in block.indicators:
            yield f"{number} {block.title} {indicator.name}", indicator, scope
    for row in department.overall_table:
        yield f"{number} {row.indicator}", _as_indicator(row), scope


def issue_row(
    level2: str, name: str, value: str, budget: str = "50", unit: MoneyUnit = MoneyUnit.WAN
) -> tuple[str, Indicator, Scope]:
    level1 = {"服务对象满意度指标": "满意度指标", "社会效益指标": "效益指标"}.get(
        level2, "产出指标"
    )
    indicator = Indicator(level1, level2, name, name, value, "测算")
    project = Project(name="某项目", budget=Decimal(budget), number=1)
    return f"issue {name} {value}", indicator, Scope(load_profile(), unit, 2025, "", project)


ISSUE_ROWS = [
    issue_row("成本指标", "人均培训标准", "65万元", budget="65"),  # flagged per-unit cost
    issue_row("成本指标", "设备单价", "65 万元", budget="60"),  # flagged cost above budget
    issue_row("质量指标", "符合条件申报对象覆盖率", ">=100"),  # never ≥100%
    issue_row("数量指标", "培训参加人次", "=100"),  # 人次, not 件
    issue_row("社会效益指标", "外宣品发放使用数量占购买量的比例（%）", ",=100"),
    issue_row("社会效益指标", "群众法治意识提升比例", "≤10%"),  # a benefit floor as a cap
    issue_row("服务对象满意度指标", "群众满意度", "≥0.7"),  # a fraction, below 80%
    issue_row("服务对象满意度指标", "群众满意度", "≤90"),
    issue_row("成本指标", "办公费成本", "≥400元", budget="5000", unit=MoneyUnit.YUAN),
    issue_row("成本指标", "办公费成本", "≥6000元", budget="5000", unit=MoneyUnit.YUAN),
    issue_row("时效指标", "工作按时完成率", "98%"),
    issue_row("数量指标", "购置车辆数量", "1"),
]
ROWS = [row for number in ("000", "001", "002", "004") for row in seed_rows(number)]


@pytest.mark.parametrize(("label", "indicator", "scope"), ROWS + ISSUE_ROWS, ids=lambda v: "")
def test_every_proposed_value_passes_every_value_rule(
    label: str, indicator: Indicator, scope: Scope
) -> None:
    for finding in checked(indicator, scope):
        for proposal in proposals(finding):
            again = checked(dataclasses.replace(indicator, value=proposal), scope)
            flagged = [f"{f.code}: {f.message}" for f in again if f.code in VALUE_CODES]
            assert flagged == [], f"{label}: {finding.code} proposes “{proposal}”: {flagged}"


def test_the_seeds_and_the_issue_rows_do_propose_values() -> None:
    """The round trip above is not vacuous: many hints propose a value."""
    proposed = [
        p
        for _, indicator, scope in ROWS + ISSUE_ROWS
        for f in checked(indicator, scope)
        for p in proposals(f)
    ]
    assert len(proposed) > 30


def hints_of(row: tuple[str, Indicator, Scope]) -> dict[str, str]:
    _, indicator, scope = row
    return {f.code: f.hint for f in checked(indicator, scope)}


def test_a_figure_flagged_on_the_cell_is_not_proposed_again() -> None:
    hints = hints_of(ISSUE_ROWS[0])  # 人均培训标准 65万元 on a 65万元 budget
    assert "unit-cost-exceeds-budget" in hints
    assert "65" not in hints["symbol-missing"]
    hints = hints_of(ISSUE_ROWS[1])  # 设备单价 65 万元 on a 60万元 budget
    assert "cost-exceeds-budget" in hints and "65" not in hints["symbol-missing"]


def test_hints_name_the_real_defect() -> None:
    assert hints_of(ISSUE_ROWS[2])["unit-missing"] == "补上计量单位，如“=100%”"  # not ≥100%
    assert hints_of(ISSUE_ROWS[3])["unit-missing"] == "补上计量单位，如“=100人次”"  # not 件
    punctuation = hints_of(ISSUE_ROWS[4])
    assert "unit-missing" not in punctuation  # （%） in the name states the unit
    assert punctuation["value-punctuation"] == "删去“,”，写作“=100%”"
    assert hints_of(ISSUE_ROWS[10])["symbol-missing"] == "加上计算符号，如“≥98%”"


def test_a_wrong_direction_is_turned_only_when_the_turned_value_is_right() -> None:
    assert hints_of(ISSUE_ROWS[8])["direction-suspicious"] == "改用“≤”，写作“≤400元”"
    assert hints_of(ISSUE_ROWS[9])["direction-suspicious"] == "改用“≤”"  # ≤6000元 > 5000元
