"""Render a Report or a Consolidation for people (Chinese text grouped by project) and for
programs (JSON)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.consolidate import Consolidation
from jixiao.findings import Finding, Report, Severity

Style = Callable[[str, Severity], str]


def _plain(text: str, severity: Severity) -> str:
    return text


def summary_json(report: Report) -> dict[str, int]:
    """``{"errors", "warnings", "infos"}`` over all files."""
    return report.tally().to_json()


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
    return f"项目 {finding.project}" if finding.project else "单位 / 部门整体 / 文件"


def report_text(report: Report, style: Style = _plain) -> str:
    """Chinese text for a terminal: per file, per project, one finding per line with its hint."""
    lines: list[str] = []
    for file_report in report.files:
        tally = file_report.tally().text()
        lines.append(f"文件：{file_report.path}（{file_report.projects} 个项目；{tally}）")
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


def consolidation_text(result: Consolidation, output: Path) -> str:
    """The console summary: one line per sub-unit, totals, where the workbook is."""
    lines = []
    for row in result.sub_units.itertuples(index=False):
        lines.append(
            f"{row.下属单位}：{row.项目数} 个项目，预算 {row.预算数:,.2f}{result.money_unit}，"
            f"错误 {row.错误}，警告 {row.警告}（{row.状态}）"
        )
    total = float(result.projects["预算数"].fillna(0).sum()) if not result.projects.empty else 0
    counts = Counter(f.severity for f in result.findings)
    lines.append(
        f"合计：{len(result.entries)} 份，{len(result.projects)} 个项目，预算 {total:,.2f}"
        f"{result.money_unit}；错误 {counts[Severity.ERROR]}，警告 "
        f"{counts[Severity.WARNING]}，提示 {counts[Severity.INFO]}"
    )
    lines.append(f"汇总工作簿：{output.resolve()}")
    return "\n".join(lines)


def consolidation_json(result: Consolidation, output: Path) -> dict[str, Any]:
    """The machine-readable consolidation summary."""
    return {
        "output": str(output),
        "money_unit": result.money_unit.value,
        "sub_units": json.loads(result.sub_units.to_json(orient="records", force_ascii=False)),
        "plan": json.loads(result.plan.to_json(orient="records", force_ascii=False)),
        "summary": {
            "files": len(result.entries),
            "projects": len(result.projects),
            "errors": sum(f.severity is Severity.ERROR for f in result.findings),
            "warnings": sum(f.severity is Severity.WARNING for f in result.findings),
            "infos": sum(f.severity is Severity.INFO for f in result.findings),
        },
    }
