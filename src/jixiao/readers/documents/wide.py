"""Two layouts without labelled head lines (issue 14).

* The wide table of all a department's projects (Sichuan ``部门预算项目绩效目标申报表``): ``|`` rows
  whose merged cells (单位名称, 项目名称, 预算数, 年度目标) appear on a project's first row
  only, the rest of the row shifted left.  A row is placed by its content: the first 一级
  label starts the indicator cells, an amount marks the project cells before it; a row of a
  name and an amount only is a roll-up (a department subtotal), kept apart and never added.
* The 批复表 tree (Ningxia): one cell per line, the leading spaces giving the level (unit,
  project with its 绩效金额 on the next line, 一级, 二级, 三级 with its value on the next line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.model import Indicator, Location, Project, Rollup
from jixiao.readers.documents import labels as lb
from jixiao.readers.documents.indicator_rows import COLUMN_KINDS
from jixiao.rules.imports import unparsed

Line = tuple[int, str]


def pipe_cells(text: str) -> list[str]:
    """The cells of a ``| a | b |`` row; the empty cells at its end dropped."""
    body = text.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    cells = [c.strip() for c in body.split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def is_wide(lines: list[Line]) -> bool:
    rows = [pipe_cells(t) for _, t in lines if t.lstrip().startswith("|")]
    return len(rows) >= 3 and any(
        {"一级指标", "项目名称"} <= {lb.norm(c) for c in cells} for cells in rows
    )


@dataclass(slots=True)
class WideRead:
    projects: list[Project] = field(default_factory=list)
    rollups: list[Rollup] = field(default_factory=list)
    units: list[tuple[str, int]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    name: str
    unit: str | None
    budget: Decimal | None
    goal: str | None
    line: int
    indicators: list[Indicator] = field(default_factory=list)
    cut_off: str | None = None


def _column_kinds(header: list[str], rows: list[list[str]]) -> list[str]:
    """Each column from 一级指标 on: level1/level2/level3, value, symbol, direction, unit,
    weight, remark; 指标性质 and 指标方向(性) decided by what their cells hold."""
    keys = [lb.norm(c) for c in header]
    start = keys.index("一级指标")
    kinds = []
    for offset, key in enumerate(keys[start:]):
        kind = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3"}.get(key)
        kind = kind or COLUMN_KINDS.get(key, "remark")
        if kind == "symdir":
            cells = [r[offset] for r in rows if offset < len(r) and r[offset]]
            symbols = sum(lb.symbol(c) is not None for c in cells)
            directions = sum(c in lb.DIRECTIONS for c in cells)
            natures = sum(c in lb.NATURES for c in cells)
            best = max(symbols, directions, natures)
            kind = "symbol" if best == symbols else "direction" if best == directions else "nature"
        kinds.append(kind)
    return kinds


def _indicator_cells(cells: list[str]) -> int | None:
    return next((i for i, c in enumerate(cells) if lb.is_level1(c)), None)


def read_wide(lines: list[Line], file: str) -> WideRead:
    """Read the wide table; see the module docstring."""
    out = WideRead()
    rows = [(n, pipe_cells(t), t) for n, t in lines if t.lstrip().startswith("|")]
    header_at = next(
        i for i, (_, c, _) in enumerate(rows) if {"一级指标", "项目名称"} <= {lb.norm(x) for x in c}
    )
    header = rows[header_at][1]
    body = rows[header_at + 1 :]
    indicator_rows = [c[k:] for _, c, _ in body if (k := _indicator_cells(c)) is not None]
    kinds = _column_kinds(header, indicator_rows)
    draft: _Draft | None = None
    unit: str | None = None
    for line, cells, raw in body:
        k = _indicator_cells(cells)
        head = cells if k is None else cells[:k]
        money_at = next((i for i, c in enumerate(head) if lb.amount(c) is not None), None)
        if k is None:
            if money_at is not None and money_at >= 1:
                name = head[money_at - 1]
                coded = lb.split_code(name)
                out.rollups.append(
                    Rollup(
                        name=name,
                        code=coded.code,
                        amount=lb.amount(head[money_at]),
                        source=Location(file=file, line=line),
                    )
                )
            elif any(cells):
                out.findings.append(unparsed(file, line, " | ".join(cells), "宽表中无法识别的行"))
            continue
        if money_at is not None and money_at >= 1:
            if money_at >= 2:
                unit = head[money_at - 2]
                out.units.append((unit, line))
            if draft is not None:
                out.projects.append(_project(draft, file))
            draft = _Draft(
                name=head[money_at - 1],
                unit=unit,
                budget=lb.amount(head[money_at]),
                goal=" ".join(head[money_at + 1 :]) or None,
                line=line,
            )
        elif head:
            out.findings.append(unparsed(file, line, " | ".join(head), "宽表中无法识别的项目列"))
        if draft is None:
            out.findings.append(unparsed(file, line, " | ".join(cells), "指标行之前没有项目"))
            continue
        cut_off = not raw.rstrip().endswith("|")
        draft.indicators.append(_indicator(cells[k:], kinds, Location(file=file, line=line)))
        if cut_off:
            draft.cut_off = raw.strip()
            out.findings.append(
                unparsed(file, line, raw.strip(), "表格在此行中断，后面的列与行没有导入")
            )
    if draft is not None:
        out.projects.append(_project(draft, file))
    _close_rollups(out, cut=any(f.code == "import-unparsed" for f in out.findings))
    return out


def _close_rollups(out: WideRead, cut: bool) -> None:
    """Name each roll-up's parts: the units whose code begins with its code."""
    closed = []
    for rollup in out.rollups:
        parts = tuple(
            dict.fromkeys(
                u
                for u, _ in out.units
                if rollup.code and (lb.split_code(u).code or "").startswith(rollup.code)
            )
        )
        closed.append(
            Rollup(rollup.name, rollup.code, rollup.amount, parts, not cut, rollup.source)
        )
    out.rollups = closed


def _indicator(cells: list[str], kinds: list[str], where: Location) -> Indicator:
    got: dict[str, str] = {}
    for kind, cell in zip(kinds, cells, strict=False):
        if cell and kind not in got:
            got[kind] = cell
    sym, number, unit = got.get("symbol"), got.get("value"), got.get("unit")
    value: str | None
    if number is None:
        value = None
    else:
        day = lb.serial_date(number)
        value = (
            lb.chinese_date(day) if day else (lb.symbol(sym or "") or "") + number + (unit or "")
        )
    written = number if number and lb.serial_date(number) else None  # parts as written
    weight = got.get("weight")
    return Indicator(
        level1=lb.level_name(got["level1"]) if "level1" in got else None,
        level2=lb.level_name(got["level2"]) if "level2" in got else None,
        level3=got.get("level3"),
        value=value,
        source=where,
        weight=lb.amount(weight) if weight else None,
        direction=got.get("direction"),
        symbol=sym,
        number=number,
        unit=unit,
        written=written,
        remark=got.get("remark"),
        nature=got.get("nature"),
    )


def _project(draft: _Draft, file: str) -> Project:
    where = Location(file=file, line=draft.line)
    return Project(
        name=draft.name,
        budget=draft.budget,
        goal=draft.goal,
        indicators=tuple(draft.indicators),
        source=where,
        sources={"name": where, "budget": where},
        implementer=draft.unit,
        cut_off=draft.cut_off,
        layout="部门项目申报表",
    )


# ------------------------------------------------------------------ 批复表 tree


def is_tree(lines: list[Line]) -> bool:
    keys = {lb.norm(t) for _, t in lines}
    return "绩效金额" in keys and "指标值" in keys


@dataclass(slots=True)
class TreeRead:
    unit: tuple[str, int] | None = None
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \u3000\t"))


def read_tree(lines: list[Line], file: str) -> TreeRead:
    """Read the 批复表 tree; see the module docstring."""
    out = TreeRead()
    start = next(i for i, (_, t) in enumerate(lines) if lb.norm(t) == "绩效金额") + 1
    nodes: list[tuple[int, int, str]] = []  # (line, indent, text); indent 0 = a value
    for line, text in lines[start:]:
        if not text.strip():
            continue
        if _indent(text) == 0 and not lb.is_value_like(text) and lb.amount(text) is None:
            break  # the page footer (附件下载…) after the table
        nodes.append((line, _indent(text), text.strip()))
    depths = sorted({d for _, d, _ in nodes if d > 0})
    names = ["unit", "project", "level1", "level2", "level3"][-len(depths) :] if depths else []
    role = dict(zip(depths, names, strict=False))
    project: dict[str, object] | None = None
    level1 = level2 = None
    pending: tuple[int, str] | None = None  # a 三级 waiting for its value line
    indicators: list[Indicator] = []

    def close() -> None:
        if project is not None:
            where = Location(file=file, line=int(str(project["line"])))
            budget = project.get("budget")
            out.projects.append(
                Project(
                    name=str(project["name"]),
                    budget=budget if isinstance(budget, Decimal) else None,
                    indicators=tuple(indicators),
                    source=where,
                    sources={"name": where},
                    layout="批复表",
                )
            )

    for line, depth, text in nodes:
        kind = role.get(depth, "value") if depth else "value"
        if kind == "value":
            if pending is not None:
                value = lb.normalise_value(text)
                indicators.append(
                    Indicator(
                        level1=level1,
                        level2=level2,
                        level3=pending[1],
                        value=value,
                        written=text if text != value else None,
                        source=Location(file=file, line=pending[0]),
                        sources={"value": Location(file=file, line=line)},
                    )
                )
                pending = None
            elif project is not None and "budget" not in project and lb.amount(text) is not None:
                project["budget"] = lb.amount(text)
            else:
                out.findings.append(unparsed(file, line, text, "批复表中无法归属的数值"))
            continue
        if pending is not None:
            out.findings.append(unparsed(file, pending[0], pending[1], "三级指标下没有指标值"))
            pending = None
        if kind == "unit":
            out.unit = (text, line)
        elif kind == "project":
            close()
            project, indicators, level1, level2 = {"name": text, "line": line}, [], None, None
        elif kind == "level1":
            level1, level2 = lb.level_name(text), None
        elif kind == "level2":
            level2 = lb.level_name(text)
        else:
            pending = (line, text)
    if pending is not None:
        out.findings.append(unparsed(file, pending[0], pending[1], "三级指标下没有指标值"))
    close()
    return out
