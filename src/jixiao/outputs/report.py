"""Render a Report for people (Chinese text grouped by project) and for programs (JSON)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jixiao.findings import Finding, Report, Severity
from jixiao.rules import RULES

Style = Callable[[str, Severity], str]


def _plain(text: str, severity: Severity) -> str:
    return text


def summary_json(report: Report) -> dict[str, int]:
    """``{"errors", "warnings", "infos"}`` over all files."""
    counts = report.counts()
    return {
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }


def report_json(report: Report) -> dict[str, Any]:
    """The machine-readable report (the ``--format json`` contract)."""
    return {
        "files": [
            {"path": f.path, "projects": f.projects, "findings": [x.to_json() for x in f.findings]}
            for f in report.files
        ],
        "summary": summary_json(report),
    }


def _group_title(finding: Finding) -> str:
    if finding.project_name or finding.project_code:
        code = f"（{finding.project_code}）" if finding.project_code else ""
        number = f"{finding.project_number}." if finding.project_number is not None else ""
        return f"项目 {number}{finding.project_name or ''}{code}"
    return "单位 / 部门整体 / 文件"


def report_text(report: Report, style: Style = _plain) -> str:
    """Chinese text for a terminal: per file, per project, one finding per line with its hint."""
    lines: list[str] = []
    for file_report in report.files:
        counts = file_report.counts()
        lines.append(
            f"文件：{file_report.path}（{file_report.projects} 个项目；"
            f"错误 {counts[Severity.ERROR]}，警告 {counts[Severity.WARNING]}，"
            f"提示 {counts[Severity.INFO]}）"
        )
        if not file_report.findings:
            lines.append("  未发现问题。")
        groups: dict[str, list[Finding]] = {}
        for finding in file_report.findings:
            groups.setdefault(_group_title(finding), []).append(finding)
        for title, findings in groups.items():
            lines.append(f"  {title}")
            for f in findings:
                label = style(f"[{f.severity.label}]", f.severity)
                where = f" {f.where}" if f.where else ""
                lines.append(f"    {label}{where} {f.message}（{f.code}）")
                lines.append(f"        → {f.hint}")
        lines.append("")
    summary = summary_json(report)
    lines.append(
        f"合计：{len(report.files)} 个文件，错误 {summary['errors']}，"
        f"警告 {summary['warnings']}，提示 {summary['infos']}"
    )
    return "\n".join(lines)


def rules_markdown() -> str:
    """The rule catalogue as Markdown (``docs/rules.md`` is this output, kept true by a test)."""
    lines = [
        "# 校验规则一览（jixiao rules）",
        "",
        "由 `jixiao rules --format markdown` 生成，请勿手改。规则编码是稳定的契约：只增不改。",
        "级别：错误 = 表格有误；警告 = 审核时会被质疑；提示 = 供参考。",
        "",
        "| 编码 | 级别 | 名称 | 信息模板 | 修改提示 |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        levels = "/".join(s.label for s in rule.severities)
        cells = (f"`{rule.code}`", levels, rule.title, rule.message, rule.hint)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
