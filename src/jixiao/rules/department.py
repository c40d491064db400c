"""部门整体绩效目标: all three parts present, and the narrative agreeing with the project tables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

from jixiao.findings import Finding
from jixiao.model import Department, DutyBlock, Indicator, PlanEntry, Project, Submission
from jixiao.rules.base import INDICATOR_CHECKS, Scope, define, submission_check
from jixiao.rules.indicator_values import VALUE_MISSING, duplicate_names
from jixiao.rules.levels import LEVEL_INVALID, named_indicator
from jixiao.rules.meaning import canonical_levels
from jixiao.rules.plan import plan_percents
from jixiao.values import ValueKind, format_number, parse_value

SIMILAR = 0.8
"""Names at least this similar (difflib ratio) are taken to mean the same project or indicator."""

OVERALL_PART_MISSING = define(
    "overall-part-missing",
    "error",
    "部门整体绩效目标缺少部分",
    "部门整体绩效目标缺少“{part}”",
    "按“一、总体绩效目标 二、分项绩效目标 三、工作保障措施”三部分填写",
)
NARRATIVE_TABLE_CONFLICT = define(
    "narrative-table-conflict",
    "warning",
    "文字说明与项目表不一致",
    "分项绩效目标“{block}”{what}为 {narrative}，项目表“{project}”为 {table}",
    "统一文字说明与项目绩效目标表中的数值",
)

_PARTS = (
    ("overall_goal", "一、总体绩效目标"),
    ("blocks", "二、分项绩效目标"),
    ("measures", "三、工作保障措施"),
)
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")
_NAME_NOISE = re.compile(r"绩效目标表|项目|经费|\d{4}年度?|[-—]\d{4}.*$")


def has_narrative(department: Department) -> bool:
    """True when any narrative part is present (a bare 整体绩效目标表 is checked on its own)."""
    return bool(department.overall_goal or department.blocks or department.measures)


def is_spending_table(department: Department) -> bool:
    """True for a 部门整体支出绩效目标表: a table whose parts are 年度预算安排 (资金总额 = 项目支出
    + 基本支出), 年度总体目标, 年度履职目标 rows (部门职能 | 年度目标任务 | 支出项目名称 |
    预算金额) and one indicator table for the whole department.

    It is told from the narrative 部门整体绩效目标 (一、总体 / 二、分项 with each block's own
    indicators / 三、工作保障措施) by what it holds — a stated budget split, a department-wide
    indicator table, duty rows that name a 支出项目 and its amount — never by province.  Its
    履职目标 rows are read into ``blocks`` but carry no indicators by design, and it has no
    工作保障措施 part: the narrative's rules do not apply to it."""
    return (
        department.total is not None
        or department.project_spending is not None
        or department.basic_spending is not None
        or bool(department.indicators)
        or any(b.project is not None or b.amount is not None for b in department.blocks)
    )


@submission_check
def parts_present(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """A narrative needs 总体绩效目标, 分项绩效目标 and 工作保障措施 (a 部门整体支出绩效目标表
    is not a narrative: :func:`is_spending_table`)."""
    department = submission.department
    if department is None or not has_narrative(department) or is_spending_table(department):
        return
    for field_name, part in _PARTS:
        if not getattr(department, field_name):
            yield OVERALL_PART_MISSING.at(scope, department.at(field_name), part=part)


@submission_check
def narrative_indicators(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """The narrative's indicators get the same value checks as the project rows, and no repeats
    within one 分项 (each 分项 is its own list: 法治宣传 and 法律援助 may both have a 满意度)."""
    department = submission.department
    if department is None:
        return
    for block in department.blocks:
        for indicator in block.indicators:
            for check in INDICATOR_CHECKS:
                yield from check(indicator, scope)
        yield from levels_left_out(block.indicators, scope)
        yield from duplicate_names(block.indicators, scope)


def levels_left_out(indicators: tuple[Indicator, ...], scope: Scope) -> Iterator[Finding | None]:
    """A 分项 whose indicators name their levels (``满意度指标-服务对象满意度指标-参与群众满意度``)
    is held to all three on every row, as a project table is: ``满意度指标-社会公众投诉率``
    lacks its 二级, ``满意度指标-群众满意度-（…）`` its 三级 (review14: seed 004, nothing said).
    A 分项 listing indicators without levels (most narratives) is left alone
    (:func:`jixiao.rules.levels.level_labels`)."""
    if not any(i.level1 and i.level2 and i.level3 for i in indicators):
        return
    framework = scope.profile.framework
    for indicator in indicators:
        level1, _ = canonical_levels(indicator, scope)
        if level1 is None or level1 not in framework:
            continue  # (no 一级, or one outside the framework: level_labels reports it)
        named = named_indicator(indicator)  # (a narrative 分项 row stands on one line)
        if not indicator.level2:
            yield LEVEL_INVALID.at(
                scope,
                indicator.at("level2"),
                level="二级指标",
                label="",
                reason=f"为空{named}",
                allowed="、".join(framework[level1]),
            )
        elif not indicator.level3:
            yield VALUE_MISSING.at(scope, indicator.at("level3"), field=f"三级指标{named}")


def _key(name: str) -> str:
    return _NAME_NOISE.sub("", _BRACKETS.sub("", "".join(name.split())))


def similar(a: str, b: str) -> bool:
    """True when two names (project or indicator) mean the same thing."""
    ka, kb = _key(a), _key(b)
    return bool(ka and kb) and (ka == kb or SequenceMatcher(None, ka, kb).ratio() >= SIMILAR)


def _plan_text(plan: Sequence[PlanEntry]) -> str:
    return "/".join(f"{format_number(p)}%" for _, p, _ in plan_percents(plan))


@submission_check
def narrative_matches_tables(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """A block's stated spending plan and indicator values equal those of its project table."""
    department = submission.department
    if department is None:
        return
    for block in department.blocks:
        for project in submission.projects:
            if block.title and project.name and similar(block.title, project.name):
                yield from _compare(block, project, scope.for_project(project))


def _compare(block: DutyBlock, project: Project, scope: Scope) -> Iterator[Finding | None]:
    narrative_plan, table_plan = _plan_text(block.plan), _plan_text(project.plan)
    if narrative_plan and table_plan and narrative_plan != table_plan:
        where = block.plan[0].source or block.source
        yield NARRATIVE_TABLE_CONFLICT.at(
            scope,
            where,
            block=block.title,
            what="支出进度",
            narrative=narrative_plan,
            project=project.label,
            table=table_plan,
        )
    for stated in block.indicators:
        match = next((i for i in project.indicators if _same_indicator(stated, i)), None)
        if match is not None:
            yield from _compare_values(block, stated, project, match, scope)


def _same_indicator(a: Indicator, b: Indicator) -> bool:
    return bool(a.name and b.name) and similar(a.name, b.name)


def _compare_values(
    block: DutyBlock, stated: Indicator, project: Project, row: Indicator, scope: Scope
) -> Iterator[Finding | None]:
    said, shown = parse_value(stated.value), parse_value(row.value)
    if said.kind is not ValueKind.QUANTITATIVE or shown.kind is not ValueKind.QUANTITATIVE:
        return
    units_agree = said.unit is None or shown.unit is None or said.unit == shown.unit
    if units_agree and said.number != shown.number:
        yield NARRATIVE_TABLE_CONFLICT.at(
            scope,
            stated.at("value"),
            block=block.title,
            what=f"指标“{stated.name}”",
            narrative=said.raw.strip(),
            project=project.label,
            table=row.value,
        )
