"""Render a Report or a Consolidation for people (Chinese text grouped by project) and for
programs (JSON).

Console text never carries a control character from the data: a project name with an escape
sequence (ESC ``[2K`` erases a line, ``[31m`` colours the rest red) or a BEL is shown with
``�`` in its place, so what a clerk reads is what the files say."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.consolidation.results import FileResult
from jixiao.consolidation.table import Kind, Table, Value
from jixiao.consolidation.unit import Consolidation
from jixiao.findings import Finding, Report, Severity
from jixiao.textfiles import printable, readable_path

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
    return printable("\n".join(lines))


MONEY_PLACES = Decimal("0.01")
PERCENT_PLACES = Decimal("0.1")


def _rounded(value: Decimal, kind: Kind) -> Decimal:
    """Money to 0.01 of its unit, percentages to 0.1 (half up, as a clerk rounds)."""
    places = PERCENT_PLACES if kind is Kind.PERCENT else MONEY_PLACES
    try:
        return value.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits to round: beyond any budget, left as it is
        return value


OUT_OF_RANGE = "（数额超出可计算的范围）"
"""Shown for a total no spreadsheet cell can hold (the summary workbook says the same)."""


def _money_text(amount: Value) -> str:
    if not isinstance(amount, Decimal):
        return "—"
    if not math.isfinite(float(amount)):
        return OUT_OF_RANGE
    return f"{_rounded(amount, Kind.MONEY):,.2f}"


def _percent_text(percent: Value) -> str:
    return f"{_rounded(percent, Kind.PERCENT):.1f}%" if isinstance(percent, Decimal) else "—"


def _unreadable_line(entry: FileResult) -> str:
    """``坏.xlsx：无法读取：工作簿已损坏…`` — the file and why, from its first error."""
    errors = [f for f in entry.findings if f.severity is Severity.ERROR] or entry.findings
    if not errors:
        return f"{entry.file}：无法读取"
    more = f"（另有 {len(errors) - 1} 个错误，见汇总工作簿的问题清单）" if len(errors) > 1 else ""
    return f"{entry.file}：{errors[0].message}{more}"


def consolidation_text(result: Consolidation, output: Path) -> str:
    """The console summary: one line per sub-unit (naming its file), each file that could not
    be read with its reason, the unit's plan, totals, the workbook."""
    unit = result.money_unit.value
    lines = []
    for entry, row in zip(result.entries, result.sub_units.records(), strict=True):
        if entry.submission is None:
            lines.append(_unreadable_line(entry))
            continue
        budget = f"预算 {_money_text(row['budget'])}{unit}，" if row["projects"] else ""
        lines.append(
            f"{row['sub_unit']}：{row['projects']} 个项目，{budget}"
            f"错误 {row['errors']}，警告 {row['warnings']}（{row['status']}），文件 {entry.file}"
        )
    if result.projects:
        points = []
        for row in result.plan.records():
            point = f"{row['checkpoint']} {_percent_text(row['percent'])}"
            if row["minimum_percent"] is not None:
                verdict = "" if row["met"] is None else ("，达标" if row["met"] else "，未达标")
                point += f"（最低 {_percent_text(row['minimum_percent'])}{verdict}）"
            points.append(point)
        lines.append("支出计划（按预算加权）：" + "；".join(points))
    tally = result.tally
    lines.append(
        f"合计：{len(result.entries)} 份，{len(result.projects)} 个项目，"
        f"预算 {_money_text(result.budget)}{unit}；{tally.text()}"
    )
    lines.append(f"汇总工作簿：{readable_path(output.resolve())}")
    return printable("\n".join(lines))


def _json_value(value: Value, kind: Kind) -> object:
    if isinstance(value, Decimal):
        number = float(_rounded(value, kind) if kind in (Kind.MONEY, Kind.PERCENT) else value)
        return number if math.isfinite(number) else None  # JSON has no Infinity
    return value


def table_json(table: Table) -> list[dict[str, object]]:
    """A consolidation table as ``[{key: value}]``: snake_case keys, money rounded to 0.01,
    percentages to 0.1, 达标 as true/false."""
    kinds = [c.kind for c in table.columns]
    keys = table.keys
    return [
        {key: _json_value(value, kind) for key, kind, value in zip(keys, kinds, row, strict=True)}
        for row in table.rows
    ]


def consolidation_json(result: Consolidation, output: Path) -> dict[str, Any]:
    """The machine-readable consolidation (the ``consolidate --format json`` contract):
    sub-units, the unit's plan, the summary and every finding."""
    return _consolidation_head(result, output) | {
        "findings": [finding.to_json() for finding in result.findings]
    }


def consolidation_json_text(result: Consolidation, output: Path) -> Iterator[str]:
    """:func:`consolidation_json` as indented JSON text, in pieces: the findings one at a time
    as the consolidation reads them back (at province scale they wait on disk and do not all
    fit in memory as dictionaries); the text is the same as ``json.dumps(…, indent=2)``."""
    head = json.dumps(
        _consolidation_head(result, output) | {"findings": []}, ensure_ascii=False, indent=2
    )
    before, after = head.rsplit('"findings": []', 1)
    yield before + '"findings": ['
    for number, finding in enumerate(result.findings):
        text = json.dumps(finding.to_json(), ensure_ascii=False, indent=2)
        yield ("," if number else "") + "\n" + textwrap.indent(text, " " * 4)
    yield ("\n  ]" if result.findings else "]") + after


def _consolidation_head(result: Consolidation, output: Path) -> dict[str, Any]:
    return {
        "output": str(output),
        "money_unit": result.money_unit.value,
        "sub_units": table_json(result.sub_units),
        "plan": table_json(result.plan),
        "summary": {
            "files": len(result.entries),
            "projects": len(result.projects),
            "budget": _json_value(result.budget, Kind.MONEY),
            **result.tally.to_json(),
        },
    }
