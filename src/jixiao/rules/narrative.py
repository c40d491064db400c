"""Goals as texts: the year they speak of, and 分项 that set no measurable target.

A budget-year goal that opens with last year's results (``2024年办理各类法律援助案件887件`` in
a 2025 document) reports history instead of a target; a 分项绩效目标 whose indicators are all
words cannot be checked at the end of the year.  Unmeasurable comparisons (``中等以上``,
``进一步…``) in indicator values are ``value-vague`` (the profile's vague words).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from jixiao.findings import Finding
from jixiao.model import Location, Submission
from jixiao.rules.base import Scope, define, submission_check
from jixiao.rules.department import is_spending_table
from jixiao.values import ValueKind, parse_value

GOAL_YEAR_MISMATCH = define(
    "goal-year-mismatch",
    "warning",
    "绩效目标写的不是预算年度",
    "{part}有以 {years} 年开头的表述（{count} 处），如“{excerpt}”，而预算年度为 {year} 年",
    "绩效目标写 {year} 年要达到的目标；往年完成的情况可写入依据或说明，不作为本年目标",
)
BLOCK_UNQUANTIFIED = define(
    "block-unquantified",
    "warning",
    "分项绩效目标没有量化指标",
    "分项绩效目标“{block}”没有一项量化的绩效指标",
    "每个分项至少设一项可衡量的指标（符号+数值+单位，如 ≥95%、≥200件）",
)

_OPENING_YEAR = re.compile(
    r"(?:^|(?<=[。；;！!？?\n：:]))\s*(?:\d{1,2}\s*[.、．]\s*)?(?:在|于)?"
    r"(?P<year>(?:19|20)\d{2})\s*年(?!以来|起|至今)"
)
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
EXCERPT_CHARS = 30


def opening_years(text: str | None, year: int) -> list[tuple[int, str]]:
    """Sentences of a goal that open with a year other than the budget year, with an excerpt."""
    plain = unicodedata.normalize("NFKC", text or "")
    found = []
    for match in _OPENING_YEAR.finditer(plain):
        named = int(match.group("year"))
        if named == year:
            continue
        start = match.start("year")
        end = _CLAUSE_END.search(plain, start)
        sentence = plain[start : end.start() if end else len(plain)]
        cut = sentence[:EXCERPT_CHARS] + ("…" if len(sentence) > EXCERPT_CHARS else "")
        found.append((named, cut))
    return found


@submission_check
def goals_in_budget_year(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """总体绩效目标, every 分项 goal and every project goal speak of the budget year."""
    year = submission.unit.year
    if year is None:
        return
    department = submission.department
    if department is not None:
        if found := opening_years(department.overall_goal, year):
            where = department.at("overall_goal")
            yield _year_mismatch(scope, where, "总体绩效目标", found, year)
        for block in department.blocks:
            if found := opening_years(block.goal, year):
                part = f"分项绩效目标“{block.title}”" if block.title else "分项绩效目标"
                where = block.sources.get("goal") or block.source
                yield _year_mismatch(scope, where, part, found, year)
    for project in submission.projects:
        if found := opening_years(project.goal, year):
            owner = scope.for_project(project)  # only for a finding: 30 projects, few findings
            yield _year_mismatch(owner, project.at("goal"), "绩效目标", found, year)


def _year_mismatch(
    scope: Scope, where: Location, part: str, found: list[tuple[int, str]], year: int
) -> Finding | None:
    years = "、".join(dict.fromkeys(str(y) for y, _ in found))
    return GOAL_YEAR_MISMATCH.at(
        scope, where, part=part, years=years, count=len(found), excerpt=found[0][1], year=year
    )


@submission_check
def blocks_quantified(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """Each 分项绩效目标 sets at least one measurable (quantitative) indicator.  The 年度履职目标
    rows of a 部门整体支出绩效目标表 are not 分项 with indicators of their own: that table sets
    its indicators for the whole department (:func:`is_spending_table`)."""
    department = submission.department
    if department is None or is_spending_table(department):
        return
    for block in department.blocks:
        values = [parse_value(i.value) for i in block.indicators]
        if any(v.kind is ValueKind.QUANTITATIVE for v in values):
            continue
        where = block.sources.get("indicators") or block.source
        yield BLOCK_UNQUANTIFIED.at(scope, where, block=block.title or "（未命名分项）")
