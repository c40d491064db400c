"""Project identity: 项目编码 of the observed form, never twice; names repeated are noted."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.findings import Finding
from jixiao.model import Project, Submission
from jixiao.rules.base import Scope, define, project_check, submission_check

SUBMISSION_EMPTY = define(
    "submission-empty",
    "error",
    "报送内容为空",
    "没有可校验的内容：{what}",
    "填写项目表（项目名称、预算数、资金支出计划、绩效指标）或部门整体绩效目标后再校验；"
    "如果报送的是空白模板，请换成填好的文件",
)
PROJECT_CODE = re.compile(r"^\d{6}\d{2}P[0-9A-Z]{6}1\d{4}[0-9A-Z]$")
"""Region 6 digits, year 2, ``P``, 6 characters, ``1``, 4 digits, one check character (unknown)."""

PROJECT_CODE_INVALID = define(
    "project-code-invalid",
    "error",
    "项目编码缺失或格式不对",
    "项目编码“{code}”{reason}",
    "从预算管理一体化系统复制 21 位项目编码，如 13010023P00005810001E",
)
PROJECT_CODE_DUPLICATE = define(
    "project-code-duplicate",
    "error",
    "项目编码重复",
    "项目编码 {code} 重复：{others}",
    "每个项目的编码唯一；核对是否重复填报或编码抄错（不要按项目名称合并项目）",
)
PROJECT_NAME_DUPLICATE = define(
    "project-name-duplicate",
    "info",
    "项目名称重复",
    "项目名称“{name}”出现 {count} 次（{others}），按不同项目处理",
    "如确为同一项目请合并；如为不同资金来源，建议在名称中区分",
)


@project_check
def project_code(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """项目编码 present where required and 21 characters of the observed form (the 绩效目标表
    provinces' form: a project of another layout is numbered its own way and not held to it)."""
    code = "".join((project.code or "").split())
    if not code:
        if scope.requires("project_code"):
            yield PROJECT_CODE_INVALID.at(scope, project.at("code"), code="", reason="为空")
        return
    if scope.other_layout:
        return
    if not PROJECT_CODE.match(code):
        reason = f"有 {len(code)} 位，应为 21 位" if len(code) != 21 else "不符合编码规则"
        yield PROJECT_CODE_INVALID.at(scope, project.at("code"), code=code, reason=reason)


def _where(project: Project) -> str:
    where = project.at("code") if project.code else project.source
    return (where.cell and f"{where.sheet}!{where.cell}") or (
        f"第{where.line}行" if where.line else project.label
    )


@submission_check
def project_codes_unique(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """The same 项目编码 may not appear twice in one submission."""
    by_code: dict[str, list[Project]] = {}
    for project in submission.projects:
        code = "".join((project.code or "").split())
        if code:
            by_code.setdefault(code, []).append(project)
    for code, projects in by_code.items():
        for project in projects[1:]:
            others = "、".join(_where(p) for p in projects if p is not project)
            yield PROJECT_CODE_DUPLICATE.at(
                scope.for_project(project), project.at("code"), code=code, others=others
            )


@submission_check
def project_names_repeated(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """Two projects with one name (seed 001: 司法救助-2023中央 twice) are kept apart, and noted."""
    by_name: dict[str, list[Project]] = {}
    for project in submission.projects:
        if project.name and project.name.strip():
            by_name.setdefault(project.name.strip(), []).append(project)
    for name, projects in by_name.items():
        for project in projects[1:]:
            others = "、".join(p.label for p in projects)
            yield PROJECT_NAME_DUPLICATE.at(
                scope.for_project(project),
                project.at("name"),
                name=name,
                count=len(projects),
                others=others,
            )


@submission_check
def submission_not_empty(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """An unfilled template or an empty submission says so; it never passes as "no problems"."""
    department = submission.department
    if submission.projects or (department is not None and not department.is_empty):
        return
    yield SUBMISSION_EMPTY.at(
        scope,
        submission.unit.source or submission.source,
        what="没有填写任何项目表，也没有部门整体绩效目标",
    )
