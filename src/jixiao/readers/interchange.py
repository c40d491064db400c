"""The interchange JSON of a submission: read (schema-checked) into the model, and written back.

Reading never raises on bad data: an unreadable file, invalid JSON or the wrong shape become
findings (``file-unreadable``, ``schema-invalid`` with the JSON path) and no submission.  Every
reason is Chinese: the JSON parser's and the schema validator's English messages are translated
(by what went wrong, never passed through).  Text is read as UTF-8 (a BOM of UTF-8 or UTF-16,
as Notepad writes, is honoured); characters no spreadsheet can hold (control characters other
than tab and line breaks, U+FFFE/U+FFFF, unpaired surrogates) are dropped from every string.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.findings import Finding
from jixiao.model import (
    OVERALL_COLUMNS,
    Department,
    DutyBlock,
    Indicator,
    Location,
    Measure,
    OverallRow,
    PlanEntry,
    Project,
    Rollup,
    Submission,
    Unit,
)
from jixiao.money import MoneyUnit
from jixiao.rules.files import FILE_UNREADABLE, SCHEMA_INVALID, file_finding
from jixiao.textfiles import (
    JsonTextError,
    decode_text,
    holdable_strings,
    json_path,
    parse_json,
    read_error_reason,
    schema_problem,
)

if TYPE_CHECKING:
    import jsonschema

FORMAT = "jixiao-submission"
VERSION = 2
"""Version 2 adds, all optional: an indicator's weight, direction, separate symbol/number/unit,
value as written, term and remark; a project's 上年结转, multi-year total, long-term goal,
implementation period, 主管部门/实施单位, other labelled cells and layout; a duty row's project and
amount; the department's 资金总额/项目支出/基本支出 and indicator table; roll-up rows.  A version
1 file is read unchanged: every new field takes its default."""
READABLE_VERSIONS = (1, 2)
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_SCHEMA_FINDINGS = 50
_INDICATOR_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")
_INDICATOR_TEXTS_V2 = (
    "direction",
    "symbol",
    "number",
    "unit",
    "written",
    "term",
    "remark",
    "nature",
)
_PROJECT_TEXTS_V2 = ("long_term_goal", "start", "end", "supervisor", "implementer", "layout")
_PROJECT_AMOUNTS_V2 = ("carryover", "total")


@cache
def submission_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the interchange format."""
    text = resources.files("jixiao.schema").joinpath("submission.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # when a JSON file is read: not for every command's start-up (issue #15)

    return jsonschema.Draft202012Validator(submission_schema())


def load_submission(path: Path) -> tuple[Submission | None, list[Finding]]:
    """Read one interchange JSON file; on bad input return no submission and the findings."""
    file = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [file_finding(FILE_UNREADABLE, file, reason="文件超过 256 MB")]
        text = decode_text(path.read_bytes())
    except OSError as exc:
        return None, [file_finding(FILE_UNREADABLE, file, reason=read_error_reason(exc))]
    except UnicodeDecodeError:
        reason = "不是 UTF-8 编码的文本文件（请以 UTF-8 保存）"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    return parse_submission(text, file)


def parse_submission(text: str, file: str) -> tuple[Submission | None, list[Finding]]:
    """Parse interchange JSON text; see :func:`load_submission`."""
    if not text.strip():
        return None, [file_finding(FILE_UNREADABLE, file, reason="文件是空的")]
    try:
        data = parse_json(text)
    except JsonTextError as exc:
        where = Location(line=exc.line) if exc.line else None
        return None, [file_finding(FILE_UNREADABLE, file, where, reason=exc.reason)]
    data = holdable_strings(data)
    findings = list(schema_findings(data, file))
    if findings:
        return None, findings
    return submission_from_json(data, file), []


def schema_findings(data: object, file: str) -> Iterator[Finding]:
    """Structural problems as findings with the JSON path of each (the first 50 found, in
    path order): a small hostile file (``"projects": [1, 1, …]`` 300,000 times) would otherwise
    build every error, gigabytes of them, before any is shown."""
    first = itertools.islice(_validator().iter_errors(data), MAX_SCHEMA_FINDINGS)
    errors = sorted(first, key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path = json_path(error.absolute_path)
        yield file_finding(
            SCHEMA_INVALID,
            file,
            Location(path=path),
            path=path or "（根）",
            reason=schema_problem(error),
        )


# ---------------------------------------------------------------- JSON → model


def _location(raw: Mapping[str, Any] | None, file: str, path: str) -> Location:
    if not raw:
        return Location(file=file, path=path)
    return Location(raw.get("file") or file, raw.get("sheet"), raw.get("cell"), raw.get("line"))


def _sources(
    obj: Mapping[str, Any], fields: tuple[str, ...], file: str, path: str
) -> dict[str, Location]:
    given = obj.get("sources") or {}
    sources = {k: _location(v, file, f"{path}.{k}") for k, v in given.items()}
    if not obj.get("source"):  # no better place known: point at the JSON field itself
        for name in fields:
            sources.setdefault(name, Location(file=file, path=f"{path}.{name}"))
    return sources


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _plan(items: list[Mapping[str, Any]], file: str, path: str) -> tuple[PlanEntry, ...]:
    return tuple(
        PlanEntry(
            item["checkpoint"],
            _decimal(item.get("percent")),
            item.get("text"),
            _location(item.get("source"), file, f"{path}[{i}]"),
        )
        for i, item in enumerate(items)
    )


def _indicator(obj: Mapping[str, Any], file: str, path: str) -> Indicator:
    return Indicator(
        **{k: obj.get(k) for k in _INDICATOR_FIELDS},
        source=_location(obj.get("source"), file, path),
        sources=_sources(obj, _INDICATOR_FIELDS, file, path),
        weight=_decimal(obj.get("weight")),
        **{k: obj.get(k) for k in _INDICATOR_TEXTS_V2},
    )


def _indicators(items: list[Mapping[str, Any]], file: str, path: str) -> tuple[Indicator, ...]:
    return tuple(_indicator(obj, file, f"{path}[{i}]") for i, obj in enumerate(items))


_PROJECT_FIELDS = (
    "code",
    "name",
    "budget",
    "fiscal",
    "other",
    "purpose",
    "plan",
    "goal",
    "indicators",
    "department",
)


def _project(obj: Mapping[str, Any], file: str, path: str) -> Project:
    return Project(
        name=obj.get("name"),
        code=obj.get("code"),
        number=obj.get("number"),
        department=obj.get("department"),
        budget=_decimal(obj.get("budget")),
        fiscal=_decimal(obj.get("fiscal")),
        other=_decimal(obj.get("other")),
        purpose=obj.get("purpose"),
        plan=_plan(obj.get("plan") or [], file, f"{path}.plan"),
        goal=obj.get("goal"),
        indicators=_indicators(obj.get("indicators") or [], file, f"{path}.indicators"),
        source=_location(obj.get("source"), file, path),
        sources=_sources(obj, _PROJECT_FIELDS, file, path),
        carryover=_decimal(obj.get("carryover")),
        total=_decimal(obj.get("total")),
        attributes=dict(obj.get("attributes") or {}),
        cut_off=obj.get("cut_off"),
        **{k: obj.get(k) for k in _PROJECT_TEXTS_V2},
    )


def _department(obj: Mapping[str, Any], file: str) -> Department:
    path = "department"
    blocks = tuple(
        DutyBlock(
            title=b.get("title"),
            goal=b.get("goal"),
            plan=_plan(b.get("plan") or [], file, f"{path}.blocks[{i}].plan"),
            indicators=_indicators(
                b.get("indicators") or [], file, f"{path}.blocks[{i}].indicators"
            ),
            source=_location(b.get("source"), file, f"{path}.blocks[{i}]"),
            sources=_sources(b, ("title", "goal"), file, f"{path}.blocks[{i}]"),
            project=b.get("project"),
            amount=_decimal(b.get("amount")),
        )
        for i, b in enumerate(obj.get("blocks") or [])
    )
    measures = tuple(
        Measure(
            m.get("title"),
            m.get("text"),
            m.get("group"),
            _location(m.get("source"), file, f"{path}.measures[{i}]"),
        )
        for i, m in enumerate(obj.get("measures") or [])
    )
    columns = tuple(name for name, _ in OVERALL_COLUMNS)
    rows = tuple(
        OverallRow(
            **{k: r.get(k) for k in columns},
            source=_location(r.get("source"), file, f"{path}.overall_table[{i}]"),
            sources=_sources(r, columns, file, f"{path}.overall_table[{i}]"),
        )
        for i, r in enumerate(obj.get("overall_table") or [])
    )
    return Department(
        overall_goal=obj.get("overall_goal"),
        blocks=blocks,
        measures=measures,
        overall_table=rows,
        source=_location(obj.get("source"), file, path),
        sources=_sources(obj, ("overall_goal", "blocks", "measures"), file, path),
        total=_decimal(obj.get("total")),
        project_spending=_decimal(obj.get("project_spending")),
        basic_spending=_decimal(obj.get("basic_spending")),
        indicators=_indicators(obj.get("indicators") or [], file, f"{path}.indicators"),
    )


def _rollups(items: list[Mapping[str, Any]], file: str) -> tuple[Rollup, ...]:
    return tuple(
        Rollup(
            name=r["name"],
            code=r.get("code"),
            amount=_decimal(r.get("amount")),
            parts=tuple(r.get("parts") or ()),
            complete=bool(r.get("complete", True)),
            source=_location(r.get("source"), file, f"rollups[{i}]"),
        )
        for i, r in enumerate(items)
    )


def submission_from_json(data: Mapping[str, Any], file: str) -> Submission:
    """Build the model from schema-valid interchange data."""
    raw_unit = data["unit"]
    unit = Unit(
        name=raw_unit["name"],
        code=raw_unit.get("code"),
        year=raw_unit.get("year"),
        money_unit=MoneyUnit(raw_unit.get("money_unit", MoneyUnit.WAN.value)),
        profile=raw_unit.get("profile"),
        source=_location(raw_unit.get("source"), file, "unit"),
        sources=_sources(raw_unit, ("code", "name", "year", "money_unit"), file, "unit"),
    )
    projects = tuple(
        _project(obj, file, f"projects[{i}]") for i, obj in enumerate(data["projects"])
    )
    department = _department(data["department"], file) if data.get("department") else None
    return Submission(
        unit,
        projects,
        department,
        dict(data.get("template") or {}),
        Location(file=file),
        rollups=_rollups(data.get("rollups") or [], file),
    )


# ---------------------------------------------------------------- model → JSON


def _location_json(where: Location) -> dict[str, Any] | None:
    out = {k: getattr(where, k) for k in ("file", "sheet", "cell", "line")}
    out = {k: v for k, v in out.items() if v is not None}
    return out or None


def _with_sources(
    out: dict[str, Any], source: Location, sources: Mapping[str, Location]
) -> dict[str, Any]:
    located = _location_json(source) if source.path is None else None  # paths are re-derived
    if located:
        out["source"] = located
    field_sources = {
        k: j for k, v in sources.items() if (j := _location_json(v)) and v.path is None
    }
    if field_sources:
        out["sources"] = field_sources
    return out


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _plan_json(plan: tuple[PlanEntry, ...]) -> list[dict[str, Any]]:
    out = []
    for entry in plan:
        item: dict[str, Any] = {"checkpoint": entry.checkpoint, "percent": _number(entry.percent)}
        if entry.text is not None:
            item["text"] = entry.text
        out.append(_with_sources(item, entry.source, {}))
    return out


def _set(out: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Add the version 2 fields that carry something (a version 1 model writes as before)."""
    out.update({k: v for k, v in values.items() if v is not None and v != {}})
    return out


def _indicator_json(indicator: Indicator) -> dict[str, Any]:
    out = {k: getattr(indicator, k) for k in _INDICATOR_FIELDS}
    _set(out, {"weight": _number(indicator.weight)})
    _set(out, {k: getattr(indicator, k) for k in _INDICATOR_TEXTS_V2})
    return _with_sources(out, indicator.source, indicator.sources)


def _project_json(project: Project) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": project.number,
        "department": project.department,
        "code": project.code,
        "name": project.name,
        "budget": _number(project.budget),
        "fiscal": _number(project.fiscal),
        "other": _number(project.other),
        "purpose": project.purpose,
        "plan": _plan_json(project.plan),
        "goal": project.goal,
        "indicators": [_indicator_json(i) for i in project.indicators],
    }
    _set(out, {k: _number(getattr(project, k)) for k in _PROJECT_AMOUNTS_V2})
    _set(out, {k: getattr(project, k) for k in _PROJECT_TEXTS_V2})
    _set(out, {"attributes": dict(project.attributes)})
    _set(out, {"cut_off": project.cut_off})
    return _with_sources(out, project.source, project.sources)


def _department_json(department: Department) -> dict[str, Any]:
    out: dict[str, Any] = {
        "overall_goal": department.overall_goal,
        "blocks": [
            _with_sources(
                _set(
                    {
                        "title": b.title,
                        "goal": b.goal,
                        "plan": _plan_json(b.plan),
                        "indicators": [_indicator_json(i) for i in b.indicators],
                    },
                    {"project": b.project, "amount": _number(b.amount)},
                ),
                b.source,
                b.sources,
            )
            for b in department.blocks
        ],
        "measures": [
            _with_sources({"group": m.group, "title": m.title, "text": m.text}, m.source, {})
            for m in department.measures
        ],
        "overall_table": [
            _with_sources({k: getattr(r, k) for k, _ in OVERALL_COLUMNS}, r.source, r.sources)
            for r in department.overall_table
        ],
    }
    amounts = ("total", "project_spending", "basic_spending")
    _set(out, {k: _number(getattr(department, k)) for k in amounts})
    if department.indicators:
        out["indicators"] = [_indicator_json(i) for i in department.indicators]
    return _with_sources(out, department.source, department.sources)


def _rollup_json(rollup: Rollup) -> dict[str, Any]:
    out: dict[str, Any] = {"name": rollup.name}
    _set(out, {"code": rollup.code, "amount": _number(rollup.amount)})
    if rollup.parts:
        out["parts"] = list(rollup.parts)
    if not rollup.complete:
        out["complete"] = False
    return _with_sources(out, rollup.source, {})


def submission_to_json(submission: Submission) -> dict[str, Any]:
    """The interchange JSON of a submission (valid against :func:`submission_schema`)."""
    unit = submission.unit
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "unit": _with_sources(
            {
                "code": unit.code,
                "name": unit.name,
                "year": unit.year,
                "money_unit": unit.money_unit.value,
                "profile": unit.profile,
            },
            unit.source,
            unit.sources,
        ),
        "projects": [_project_json(p) for p in submission.projects],
    }
    if submission.department is not None:
        out["department"] = _department_json(submission.department)
    if submission.rollups:
        out["rollups"] = [_rollup_json(r) for r in submission.rollups]
    if submission.template:
        out["template"] = dict(submission.template)
    return out
