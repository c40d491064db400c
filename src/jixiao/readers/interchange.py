"""The interchange JSON of a submission: read (schema-checked) into the model, and written back.

Reading never raises on bad data: an unreadable file, invalid JSON or the wrong shape become
findings (``file-unreadable``, ``schema-invalid`` with the JSON path) and no submission.  Every
reason is Chinese: the JSON parser's and the schema validator's English messages are translated
(by what went wrong, never passed through).  Text is read as UTF-8 (a BOM of UTF-8 or UTF-16,
as Notepad writes, is honoured); characters no spreadsheet can hold (control characters other
than tab and line breaks, U+FFFE/U+FFFF, unpaired surrogates) are dropped from every string.
"""

from __future__ import annotations

import codecs
import errno
import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

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
    Submission,
    Unit,
)
from jixiao.money import MoneyUnit
from jixiao.rules.files import FILE_UNREADABLE, SCHEMA_INVALID, file_finding

FORMAT = "jixiao-submission"
VERSION = 1
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_SCHEMA_FINDINGS = 50
_INDICATOR_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")


@cache
def submission_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the interchange format."""
    text = resources.files("jixiao.schema").joinpath("submission.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(submission_schema())


class _Constant(ValueError):
    """``NaN``/``Infinity`` in the JSON text (Python reads them; JSON has no such numbers)."""


def _reject_constant(name: str) -> None:
    raise _Constant(name)


_READ_ERRORS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENOENT: "文件不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ELOOP: "链接成环，指向不到文件",
    errno.EIO: "磁盘读取出错",
    errno.ENAMETOOLONG: "路径太长",
}


def read_error_reason(exc: OSError) -> str:
    """Why a file could not be read, in Chinese (the system's English words are left out)."""
    reason = _READ_ERRORS.get(exc.errno or 0)
    return reason or f"无法读取文件（系统错误 {exc.errno}）"


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Text bytes as UTF-8, or as the UTF-8/UTF-16 their BOM names (Notepad's "Unicode" is
    UTF-16 with a BOM).  Raises UnicodeDecodeError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    return data.decode("utf-8")


_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
"""Characters no cell can hold (XML 1.0 forbids them) and no terminal should be sent."""


def holdable(text: str) -> str:
    """``text`` without the characters of :data:`_UNHOLDABLE`."""
    return _UNHOLDABLE.sub("", text) if _UNHOLDABLE.search(text) else text


def _holdable_strings(value: Any) -> Any:
    if isinstance(value, str):
        return holdable(value)
    if isinstance(value, list):
        return [_holdable_strings(v) for v in value]
    if isinstance(value, dict):
        return {holdable(k): _holdable_strings(v) for k, v in value.items()}
    return value


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


_JSON_PROBLEMS = (
    ("Expecting value", "这里缺少一个值"),
    ("Expecting property name enclosed in double quotes", "字段名要用英文双引号括起来"),
    ("Expecting ':' delimiter", "缺少冒号“:”"),
    ("Expecting ',' delimiter", "缺少逗号“,”"),
    ("Unterminated string", "字符串没有结束的引号"),
    ("Invalid control character", "字符串里有控制字符（换行要写成 \\n）"),
    ("Invalid \\escape", "无效的转义“\\”"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Extra data", "JSON 结束后还有多余的内容"),
)


def _json_problem(message: str) -> str:
    """The JSON parser's English message in Chinese."""
    for english, chinese in _JSON_PROBLEMS:
        if message.startswith(english):
            return chinese
    return "语法错误"


def parse_submission(text: str, file: str) -> tuple[Submission | None, list[Finding]]:
    """Parse interchange JSON text; see :func:`load_submission`."""
    if not text.strip():
        return None, [file_finding(FILE_UNREADABLE, file, reason="文件是空的")]
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        problem = _json_problem(exc.msg)
        reason = f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{problem}）"
        return None, [file_finding(FILE_UNREADABLE, file, Location(line=exc.lineno), reason=reason)]
    except _Constant as exc:
        reason = f"不是有效的 JSON（{exc} 不是 JSON 允许的数值，请写数字或 null）"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    except RecursionError:
        reason = "不是有效的 JSON（括号嵌套层数过深，不像提交数据）"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    except ValueError:  # an integer of thousands of digits (Python's conversion limit)
        reason = "不是有效的 JSON（有位数过多的数字，不像提交数据）"
        return None, [file_finding(FILE_UNREADABLE, file, reason=reason)]
    data = _holdable_strings(data)
    findings = list(schema_findings(data, file))
    if findings:
        return None, findings
    return submission_from_json(data, file), []


def schema_findings(data: object, file: str) -> Iterator[Finding]:
    """Structural problems as findings with the JSON path of each (at most 50)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:MAX_SCHEMA_FINDINGS]:
        path = json_path(error.absolute_path)
        yield file_finding(
            SCHEMA_INVALID,
            file,
            Location(path=path),
            path=path or "（根）",
            reason=schema_problem(error),
        )


_TYPES = {
    "string": "文本",
    "number": "数字",
    "integer": "整数",
    "null": "null（空）",
    "array": "列表 [...]",
    "object": "对象 {...}",
    "boolean": "true/false",
}


def _kind(value: object) -> str:
    if value is None:
        return _TYPES["null"]
    if isinstance(value, bool):
        return _TYPES["boolean"]
    if isinstance(value, int):
        return _TYPES["integer"]
    if isinstance(value, float | Decimal):
        return _TYPES["number"]
    if isinstance(value, str):
        return _TYPES["string"]
    if isinstance(value, list):
        return _TYPES["array"]
    return _TYPES["object"]


def _shown(value: object, limit: int = 40) -> str:
    if isinstance(value, str):
        return f"“{_short(value, limit)}”"
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = str(value)
        return text if len(text) <= limit else f"{text[:limit]}…（{len(text)} 位）"
    return _kind(value)


def schema_problem(error: jsonschema.ValidationError) -> str:
    """What a schema error means, in Chinese (jsonschema's own message is English)."""
    keyword, value = error.validator, error.instance
    expected: Any = error.validator_value
    if keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        names = "或".join(_TYPES.get(str(t), str(t)) for t in wanted)
        return f"应为{names}，实际是{_kind(value)}"
    if keyword == "required" and isinstance(value, dict):
        missing = [str(name) for name in expected if name not in value]
        return "缺少必填字段：" + "、".join(f"“{name}”" for name in missing)
    if keyword == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = [str(name) for name in value if name not in known]
        listed = "、".join(f"“{_short(name, 30)}”" for name in extra[:5])
        return f"有规范中没有的字段：{listed}" + ("等" if len(extra) > 5 else "")
    if keyword in ("enum", "const"):
        allowed = expected if keyword == "enum" else [expected]
        listed = "、".join(_shown(a) if a is not None else "null" for a in allowed)
        return f"{_shown(value)} 不是允许的值（应为 {listed}）"
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"数值 {_shown(value)} 小于下限 {expected}"
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"数值 {_shown(value)} 超过上限 {expected}"
    if keyword == "maxLength" and isinstance(value, str):
        return f"文本长 {len(value)} 个字符，超过上限 {expected}"
    if keyword == "minLength":
        return f"文本短于下限 {expected} 个字符"
    if keyword == "maxItems" and isinstance(value, list):
        return f"有 {len(value)} 项，超过上限 {expected} 项"
    if keyword == "minItems":
        return f"至少要有 {expected} 项"
    if keyword in ("pattern", "format"):
        return f"{_shown(value)} 的格式不符合规范"
    return "不符合规范"


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def json_path(parts: Iterator[object] | Any) -> str:
    """``projects[2].indicators[4].value`` from a sequence of keys and indexes."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
        unit, projects, department, dict(data.get("template") or {}), Location(file=file)
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


def _indicator_json(indicator: Indicator) -> dict[str, Any]:
    out = {k: getattr(indicator, k) for k in _INDICATOR_FIELDS}
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
    return _with_sources(out, project.source, project.sources)


def _department_json(department: Department) -> dict[str, Any]:
    out: dict[str, Any] = {
        "overall_goal": department.overall_goal,
        "blocks": [
            _with_sources(
                {
                    "title": b.title,
                    "goal": b.goal,
                    "plan": _plan_json(b.plan),
                    "indicators": [_indicator_json(i) for i in b.indicators],
                },
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
    return _with_sources(out, department.source, department.sources)


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
    if submission.template:
        out["template"] = dict(submission.template)
    return out
