"""Rules judged by what a table states, whatever its layout (issue 14, the review of 101–106).

* ``budget-sum-mismatch``: a layout that states no funding split (a 批复表 with 绩效金额, a wide
  table with 预算数) has nothing to compare; a split stated partially is compared with the
  empty source as 0; the template keeps its blank = 0 contract.
* ``cost-sum-exceeds-budget``: a row naming the whole cost (年度预算总成本) is not added to its
  parts; the parts are held to it (``cost-parts-exceed-total``).
* ``overall-part-missing`` / ``block-unquantified``: a 部门整体支出绩效目标表 is not the Hebei
  narrative; its 履职目标 rows carry no indicators of their own and it has no 工作保障措施.
* A 部门整体支出 roll-up row (a 履职目标 row holding the 资金总额) checked against its parts.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

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
from jixiao.rules.cost import is_cost_total
from jixiao.validate import validate_submission

D = Decimal


def _codes(submission: Submission) -> list[str]:
    return [f.code for f in validate_submission(submission)]


def _submission(*projects: Project, **fields: object) -> Submission:
    return Submission(Unit("某单位", profile="tianjin"), projects, **fields)  # type: ignore[arg-type]


SATISFACTION = Indicator("满意度指标", "服务对象满意度指标", "满意度", value="≥90%")


def _project(**fields: object) -> Project:
    rows = (
        Indicator("产出指标", "数量指标", "完成数", value="≥5个"),
        Indicator("效益指标", "社会效益指标", "受益率", value="≥90%"),
        SATISFACTION,
    )
    return Project(**{"name": "甲项目", "indicators": rows, **fields})  # type: ignore[arg-type]


# ---------------------------------------------------------------- budget-sum-mismatch


@pytest.mark.parametrize("layout", ["批复表", "部门项目申报表", "申报表"])
def test_no_split_stated_nothing_to_compare(layout: str) -> None:
    assert "budget-sum-mismatch" not in _codes(_submission(_project(budget=D(10), layout=layout)))


@pytest.mark.parametrize(
    ("fiscal", "other", "fires"),
    [
        (D(8), None, True),  # 其他资金 empty: taken as 0, and 8 ≠ 10
        (None, D(3), True),
        (D(10), None, False),
        (D(8), D(2), False),
    ],
)
def test_split_stated_partially_compares_the_empty_source_as_zero(
    fiscal: Decimal | None, other: Decimal | None, fires: bool
) -> None:
    project = _project(budget=D(10), fiscal=fiscal, other=other, layout="申报表")
    assert ("budget-sum-mismatch" in _codes(_submission(project))) is fires


def test_template_blank_sources_still_count_as_zero() -> None:
    """The workbook template has both cells: blank = 0, as its native check says."""
    assert "budget-sum-mismatch" in _codes(_submission(_project(budget=D(10))))


# ---------------------------------------------------------------- cost rows and their total


def _costs(*rows: tuple[str, str], budget: str = "3") -> Submission:
    costs = tuple(Indicator("产出指标", "成本指标", name, value=value) for name, value in rows)
    project = _project(budget=D(budget), fiscal=D(budget), layout="申报表")
    project = Project(
        **{f: getattr(project, f) for f in ("name", "budget", "fiscal", "layout")},
        indicators=project.indicators + costs,
    )
    return _submission(project)


WUHAI = (("出差总成本", "=1万元"), ("劳务人员总成本", "=2万元"), ("办公费总成本", "=0万元"))


def test_total_cost_row_is_not_added_to_its_parts() -> None:
    """Seed 105: 出差 1 + 劳务 2 + 办公 0 and 年度预算总成本 3 on a budget of 3."""
    found = _codes(_costs(*WUHAI, ("年度预算总成本", "=3万元")))
    assert "cost-sum-exceeds-budget" not in found
    assert "cost-parts-exceed-total" not in found


def test_parts_above_the_stated_total_are_reported() -> None:
    found = validate_submission(_costs(*WUHAI, ("年度预算总成本", "=2万元")))
    (finding,) = [f for f in found if f.code == "cost-parts-exceed-total"]
    assert finding.message == (
        "3 项分项成本合计 3万元，超过成本总额指标“年度预算总成本”=2万元（折合 2万元）"
    )


def test_parts_above_the_budget_still_are() -> None:
    rows = (("出差总成本", "=2万元"), ("劳务人员总成本", "=2万元"), ("项目总成本", "=3万元"))
    found = _codes(_costs(*rows))
    assert "cost-sum-exceeds-budget" in found and "cost-parts-exceed-total" in found


@pytest.mark.parametrize(
    ("name", "total"),
    [
        ("年度预算总成本", True),
        ("项目总成本", True),
        ("成本合计", True),
        ("预算控制数", True),
        ("出差总成本", False),
        ("办公费总成本", False),
        ("设备购置费", False),
    ],
)
def test_which_cost_names_the_whole(name: str, total: bool) -> None:
    assert is_cost_total(Indicator("产出指标", "成本指标", name, value="≤1万元")) is total


# ---------------------------------------------------------------- 部门整体支出绩效目标表


def _spending_table(**fields: object) -> Department:
    rows = (
        DutyBlock(title="组织编纂", goal="完成年度任务", project="编纂经费", amount=D("49.8")),
        DutyBlock(title="保障工资", goal="按时发放", project="编纂经费", amount=D("11")),
    )
    indicators = (Indicator("产出指标", "质量指标", "审稿率", value="≥90%"),)
    values: dict[str, object] = {
        "overall_goal": "目标1:确保完成年度任务。",
        "blocks": rows,
        "total": D("60.8"),
        "project_spending": D("60.8"),
        "basic_spending": D(0),
        "indicators": indicators,
    }
    return Department(**{**values, **fields})  # type: ignore[arg-type]


def test_spending_table_is_not_asked_for_the_narrative_parts() -> None:
    found = _codes(_submission(department=_spending_table()))
    assert "overall-part-missing" not in found
    assert "block-unquantified" not in found


def test_spending_table_told_by_its_rows_alone() -> None:
    """Without the budget split or indicator table (cut off), the duty rows with a 支出项目
    and amount still say what the table is."""
    department = _spending_table(
        total=None, project_spending=None, basic_spending=None, indicators=()
    )
    found = _codes(_submission(department=department))
    assert "overall-part-missing" not in found and "block-unquantified" not in found


def test_narrative_still_needs_its_three_parts_and_measurable_blocks() -> None:
    words = Indicator("产出指标", "质量指标", "办案质量", value="明显提高")
    narrative = Department(
        overall_goal="总体目标。", blocks=(DutyBlock(title="审判执行", indicators=(words,)),)
    )
    found = _codes(_submission(department=narrative))
    assert "overall-part-missing" in found and "block-unquantified" in found


# ---------------------------------------------------------------- a department roll-up row


def _with_rollup(amount: str) -> Submission:
    department = _spending_table(
        total=D("171.41"), project_spending=D("60.8"), basic_spending=D("110.61")
    )
    rollup = Rollup(
        name="基本支出",
        amount=D(amount),
        parts=("项目支出", "基本支出"),
        source=Location(file="x.txt", line=45),
    )
    return _submission(department=department, rollups=(rollup,))


def test_department_roll_up_named_as_a_part() -> None:
    found = validate_submission(_with_rollup("171.41"))
    assert "rollup-mismatch" not in {f.code for f in found}  # 60.8 + 110.61 = 171.41
    (split,) = [f for f in found if f.code == "department-split-mismatch"]
    assert split.message == (
        "年度履职目标“基本支出”一行为 171.41，不是基本支出 110.61，"
        "而是资金总额：按汇总行读取，不计入合计"
    )


def test_department_roll_up_that_disagrees_with_its_parts() -> None:
    assert "rollup-mismatch" in _codes(_with_rollup("180"))


# ---------------------------------------------------------------- cut-off tables, missing texts


def test_cut_off_table_not_held_to_categories_it_never_showed() -> None:
    """103's and 104's second projects, 105: the document breaks off inside the table."""
    rows = (Indicator("产出指标", "数量指标", "行政村数量", value="=11个"),)
    project = Project(name="乙项目", budget=D(10), indicators=rows, layout="申报表")
    assert "category-missing" in _codes(_submission(project))
    cut = Project(name="乙项目", budget=D(10), indicators=rows, layout="申报表", cut_off="效")
    assert "category-missing" not in _codes(_submission(cut))


HIRED = "目标1:聘用人员1人,出差8人"


def test_goal_not_called_copied_where_the_layout_has_no_purpose() -> None:
    """105: a 申报表 without 资金用途 — the name alone is no ground to call the goal copied."""
    project = _project(name="再生资源回收市场管理经费", goal=HIRED, layout="申报表")
    assert "text-copied" not in _codes(_submission(project))


def test_goal_not_called_copied_where_the_form_s_purpose_is_blank() -> None:
    """review17: 105 imported into the 申报表 workbook (its 资金用途 row left blank, the
    project read back with no layout) was told its 聘用 was copied; the published table was
    not.  In the 申报表 workbook a blank 资金用途 says as little as a form without one; a
    written one is compared; the 绩效目标表 still judges by the name (review18)."""
    form = {"template": {"layout": "申报表"}}
    blank = _project(name="再生资源回收市场管理经费", goal=HIRED)
    assert blank.layout is None and not blank.purpose
    assert "text-copied" not in _codes(_submission(blank, **form))
    written = _project(name="再生资源回收市场管理经费", goal=HIRED, purpose="用于市场租金。")
    assert "text-copied" in _codes(_submission(written, **form))
    assert "text-copied" in _codes(_submission(blank))  # the 绩效目标表


def test_template_project_without_purpose_is_still_judged() -> None:
    assert "text-copied" in _codes(_submission(_project(name="补贴", goal=HIRED)))


def test_goal_compared_with_what_the_form_says_of_its_spending() -> None:
    """103's 项目概况 / 项目支出明细 are the project's own words where 资金用途 is missing."""
    said = {"项目概况": "对村居党支部书记发放补贴"}
    project = _project(name="补贴", goal=HIRED, layout="申报表", attributes=said)
    assert "text-copied" in _codes(_submission(project))
    said = {"项目支出明细": "聘用人员1人，劳务费2万元"}
    project = _project(name="补贴", goal=HIRED, layout="申报表", attributes=said)
    assert "text-copied" not in _codes(_submission(project))


# ---------------------------------------------------------------- a document of both layouts


def test_forms_in_a_hebei_submission_are_held_to_what_they_have() -> None:
    """A publication holding both layouts is validated with the 绩效目标表's profile (hebei):
    its 申报表 forms have no 资金支出计划, 依据 or 21-character 项目编码 to ask for."""
    form = _project(name="乙项目", layout="申报表", code="XM-2024-07")
    table = _project(name="甲项目")  # the hebei project: no code, no plan, no 依据
    findings = validate_submission(Submission(Unit("某单位", profile="hebei"), (table, form)))
    by_project = {
        (f.project_name, f.code)
        for f in findings
        if f.code in ("project-code-invalid", "plan-checkpoint-missing", "basis-missing")
    }
    assert by_project == {
        ("甲项目", "project-code-invalid"),
        ("甲项目", "plan-checkpoint-missing"),
        ("甲项目", "basis-missing"),
    }


# ---------------------------------------------------------------- a time written as a share


def _time_row(name: str, value: str, description: str | None = None) -> list[tuple[str, str]]:
    row = Indicator("产出指标", "时效指标", name, value=value, description=description)
    project = _project(indicators=(*_project().indicators, row))
    found = validate_submission(_submission(project))
    return [(f.code, f.message + " → " + f.hint) for f in found if f.line is None]


def test_a_completion_time_written_as_a_percentage() -> None:
    """review17 C1: seed 106's 项目完成时间 ``100%`` (its 指标解释 ``2019年12月``) was told
    only to add a symbol, “如=100%”, which is no time either."""
    found = dict(_time_row("项目完成时间", "100%", "2019年12月"))
    assert found["unit-mismatch"].startswith("“项目完成时间”是时间，指标值却以“%”计")
    assert "完成期限" in found["unit-mismatch"]
    assert "=100%" not in found["symbol-missing"]
    fine = (
        ("按时完成率", "=100%"),
        ("办结时限", "≤3天"),
        ("完成时间", "2024年12月底前"),
        ("系统正常运行时间", "≥99%"),  # review18: availability, a share of the time
    )
    for name, value in fine:
        assert "unit-mismatch" not in dict(_time_row(name, value)), name
