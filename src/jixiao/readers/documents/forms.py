"""Labelled forms with space-joined cells: the 绩效目标申报表 / 项目支出绩效目标表 / 项目绩效目标表
of one project (Hunan, Chongqing, Inner Mongolia); the 部门整体支出绩效目标表 (Fujian), read with
the same labels, is :mod:`jixiao.readers.documents.department_form`.

Cells are joined by spaces and an empty cell leaves no token, so a line is read as labels and
the values that follow them (``主管部门 南岳镇政府 实施单位 [610001]…``), whatever the order;
a label alone on its line takes the next unlabelled line (``总体目标 年度目标 …`` over the goal).
Block labels split one word per line (``年度`` / ``预算`` / ``安排`` / ``(万元)``) are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from itertools import islice

from jixiao.findings import Finding
from jixiao.model import Indicator, Location, Project
from jixiao.readers.documents import labels as lb
from jixiao.readers.documents.indicator_rows import (
    Levels,
    header_columns,
    merge_wrapped_levels,
    read_row,
)
from jixiao.rules.imports import split_cells, unparsed

Line = tuple[int, str]

_HEAD: dict[str, str] = {
    "项目名称": "name",
    "项目编码": "code",
    "项目编号": "code",
    "资金用途": "purpose",
    "主管部门": "supervisor",
    "实施单位": "implementer",
    "开始日期": "start",
    "结束日期": "end",
    "项目起止时间": "period",
    "年度资金总额": "budget",
    "资金总额": "budget",
    "其中:财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "其中:财政拨款数": "fiscal",
    "财政拨款数": "fiscal",
    "其他资金": "other",
    "上年结转": "carryover",
    "其中:上年结转": "carryover",
    "项目总额": "total",
    "项目资金总额": "total",
    "当年绩效目标": "goal",
    "年度目标": "goal",
    "年度绩效目标": "goal",
    "长期目标": "long_term_goal",
    "绩效编制单位": "unit",
    "部门(单位)名称": "unit",
    "单位名称": "unit",
    "部门名称": "supervisor",
    "部门预算编码": "unit_code",
}
_ATTRIBUTES = frozenset(
    {
        "项目负责人及电话",
        "归口业务科室",
        "归口科室",
        "是否政府采购",
        "项目口径",
        "项目属性",
        "项目分类",
        "项目类别",
        "项目概况",
        "立项依据",
        "项目支出明细",
        "资金来源",
        "经办人及联系电话",
    }
)
_BLOCKS = frozenset(
    {
        "资金情况",
        "投入目标",
        "年初安排金额",
        "总体目标",
        "年度总体目标完成情况",
        "绩效指标",
        "项目绩效目标",
        "资金总额及构成",
        "项目资金",
        "",
    }
)
_MONEY_SUFFIX = re.compile(r"\((?:单位:)?(?:万元|元)\)$")
_AMOUNT_FIELDS = frozenset({"budget", "fiscal", "other", "carryover", "total"})
_TEXT_FIELDS = frozenset({"goal", "long_term_goal", "purpose"})
_FURNITURE = re.compile(r"意见|盖章|^上报时间|^填报日期|^经办人|^审核人|^联系电话")
_WEIGHT_NOTE = re.compile(r"^绩效指标\((.+)\)$")
_GLUED = re.compile(r"^([^:：]{2,12}[:：])(.+)$")
_MONEY_LABEL = re.compile(r"\(?(?:金额)?单位:(?:万元|元)\)?")


@lru_cache(maxsize=65536)
def label_kind(token: str) -> str | None:
    """The field a label token names (``attr:<label>`` for the kept attributes, ``block`` for
    block labels), else None for a value."""
    key = _MONEY_SUFFIX.sub("", lb.norm(token))
    if key in _HEAD:
        return _HEAD[key]
    if key in _ATTRIBUTES:
        return f"attr:{key}"
    if key in _BLOCKS or _WEIGHT_NOTE.match(key) or _MONEY_LABEL.fullmatch(key):
        return "block"
    return None


def tokens_of(text: str) -> list[str]:
    """Space-separated cells, ``其中:`` joined to the label it opens, a label glued to its value
    split from it (``年度资金总额：10`` → ``年度资金总额：`` ``10``)."""
    raw = text.replace("\u3000", " ").split()
    out: list[str] = []
    for token in raw:
        if out and lb.norm(out[-1]) == "其中":
            token = out.pop() + token
        glued = _GLUED.match(token)
        if glued and label_kind(glued.group(1)) not in (None, "block"):
            out += [glued.group(1), glued.group(2)]
        else:
            out.append(token)
    return out


@dataclass(slots=True)
class Fields:
    """Labelled values as read, each with its line."""

    values: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def open(self, kind: str, line: int) -> None:
        if kind not in self.values:
            self.values[kind] = []
            self.lines[kind] = line
        self.order.append(kind)

    def add(self, kind: str, token: str) -> None:
        self.values.setdefault(kind, []).append(token)

    def text(self, kind: str) -> str | None:
        joined = " ".join(self.values.get(kind, ())).strip()
        return joined or None


def read_labelled_line(text: str, line: int, fields: Fields, pending: list[str]) -> bool:
    """Read one line of labels and values into ``fields``; False when it holds no label.
    Labels left without a value are put in ``pending`` for the next unlabelled line."""
    tokens = tokens_of(text)
    kinds = [label_kind(t) for t in tokens]
    if not tokens or kinds[0] is None:
        return False
    pending.clear()
    current: str | None = None
    for token, kind in zip(tokens, kinds, strict=True):
        if kind is not None:
            if current is not None and not fields.values.get(current):
                pending.append(current)
            current = None if kind == "block" else kind
            if kind == "block" and (note := _WEIGHT_NOTE.match(lb.norm(token))):
                fields.open("attr:绩效指标", line)
                fields.add("attr:绩效指标", note.group(1))
            elif current is not None:
                fields.open(current, line)
        elif current is not None:
            fields.add(current, token)
    if current is not None and not fields.values.get(current):
        pending.append(current)
    return True


def _amount(fields: Fields, kind: str) -> Decimal | None:
    text = fields.text(kind)
    return lb.amount(text) if text else None


def project_from(fields: Fields, file: str, layout: str, indicators: list[Indicator]) -> Project:
    """The project a form's fields describe."""
    start, end = fields.text("start"), fields.text("end")
    if (period := fields.text("period")) and start is None:
        parts = re.split(r"\s*(?:至|到|[-—~－])\s*", period, maxsplit=1)
        start, end = parts[0], (parts[1] if len(parts) > 1 else None)
    attributes = {
        k[5:]: text for k in fields.values if k.startswith("attr:") if (text := fields.text(k))
    }
    sources = {
        name: Location(file=file, line=fields.lines[kind])
        for kind, name in (
            ("name", "name"),
            ("code", "code"),
            ("purpose", "purpose"),
            ("budget", "budget"),
            ("fiscal", "fiscal"),
            ("other", "other"),
            ("goal", "goal"),
            ("supervisor", "supervisor"),
            ("implementer", "implementer"),
        )
        if kind in fields.lines
    }
    return Project(
        name=fields.text("name"),
        code=fields.text("code"),
        purpose=fields.text("purpose"),
        budget=_amount(fields, "budget"),
        fiscal=_amount(fields, "fiscal"),
        other=_amount(fields, "other"),
        goal=fields.text("goal"),
        indicators=tuple(indicators),
        source=Location(file=file, line=fields.lines.get("name")),
        sources=sources,
        carryover=_amount(fields, "carryover"),
        total=_amount(fields, "total"),
        long_term_goal=fields.text("long_term_goal"),
        start=start,
        end=end,
        supervisor=fields.text("supervisor"),
        implementer=fields.text("implementer"),
        attributes=attributes,
        layout=layout,
    )


def is_furniture(text: str) -> bool:
    """Lines around a table that carry no data: sign-offs, titles, the year under a title."""
    key = lb.norm(text)
    return (
        not key
        or bool(_FURNITURE.search(key))
        or bool(lb.TABLE_TITLE.search(key))
        or bool(re.fullmatch(r"\(?(?:19|20)\d\d年度?\)?", key))
    )


@dataclass(slots=True)
class FormRead:
    """A project form read from its lines."""

    project: Project
    fields: Fields
    findings: list[Finding]


_TERMS = {"长期绩效指标": "长期", "年度绩效指标": "年度"}
"""Block labels that split a table's indicators into long-term and annual ones."""


def read_indicator_lines(
    lines: list[Line],
    kinds: list[str],
    file: str,
    findings: list[Finding],
    term: str | None = None,
    start: int = 0,
) -> tuple[list[Indicator], int]:
    """Indicator rows until a line that ends the table; the indicators and lines consumed.
    A row that cannot be read is reported (``import-unparsed``), never guessed.  A
    ``长期绩效指标`` / ``年度绩效指标`` label marks the term of the rows after it."""
    rows: list[tuple[int, list[str]]] = []
    glued: list[tuple[int, str, list[str]]] = []
    raw: dict[int, str] = {}
    used = 0
    for line, text in islice(lines, start, None):  # no copy: a table may have many headers
        key = lb.norm(text)
        if key and (is_furniture(text) or label_kind(tokens_of(text)[0]) == "name"):
            break
        used += 1
        if key:
            tokens = tokens_of(text)
            rows.append((line, lb.unglue_row(tokens)))
            raw[line] = text
            glued += [(line, t, p) for t in tokens if len(p := lb.unglue_level(t)) > 1]
    if glued:
        findings.append(split_cells(file, glued))
    levels, indicators = Levels(), []
    for line, tokens in merge_wrapped_levels(rows):
        if (marked := _TERMS.get(lb.norm(tokens[0]))) is not None:
            term, tokens = marked, tokens[1:]
            if not tokens or header_columns(tokens) is not None:
                continue
        read = read_row(tokens, line, kinds, levels, file)
        if isinstance(read, Indicator):
            indicators.append(replace(read, term=term) if term else read)
        elif isinstance(read, str):
            fragment = raw.get(line, " ".join(tokens))  # as written, glued cells and all
            findings.append(unparsed(file, line, fragment, f"{read}，文档可能在此中断"))
    return indicators, used


def read_form(lines: list[Line], file: str, layout: str) -> FormRead:
    """One project form: labelled head lines, then its indicator table."""
    fields, pending = Fields(), list[str]()
    findings: list[Finding] = []
    failed = 0
    indicators: list[Indicator] = []
    at, seen_indicators = 0, False
    while at < len(lines):
        line, text = lines[at]
        at += 1
        if not text.strip():
            continue
        tokens = tokens_of(text)
        kinds = header_columns(tokens)
        if kinds is not None:
            if lb.norm(tokens[0]) != "一级指标":
                read_labelled_line(tokens[0], line, fields, [])
            before = len(findings)
            term = _TERMS.get(lb.norm(tokens[0]))
            read, used = read_indicator_lines(lines, kinds, file, findings, term, at)
            failed += len(findings) - before
            indicators += read
            at += used
            seen_indicators = True
            continue
        if read_labelled_line(text, line, fields, pending):
            continue
        if is_furniture(text):
            continue
        goals = [k for k in pending if k in _TEXT_FIELDS]
        cells = tokens_of(text)
        if len(goals) > 1 and len(cells) == len(goals):  # 长期目标 | 年度目标 side by side
            for kind, cell in zip(goals, cells, strict=True):
                fields.open(kind, line)
                fields.add(kind, cell)
            pending.clear()
            continue
        target = next(iter(goals), None)
        if target is None and fields.order and fields.order[-1] in _TEXT_FIELDS:
            target = fields.order[-1]
        if target is not None:
            fields.open(target, line)
            fields.add(target, text.strip())
            pending.clear()
            continue
        findings.append(unparsed(file, line, text, "项目表中无法识别的内容"))
    if not seen_indicators:
        last = next((t for _, t in reversed(lines) if t.strip()), "")
        where = next((n for n, t in reversed(lines) if t.strip()), None)
        findings.append(unparsed(file, where, last, "表格在此中断，没有绩效指标（只导入了表头）"))
    project = project_from(fields, file, layout, indicators)
    if failed or not seen_indicators:
        last = next((t.strip() for _, t in reversed(lines) if t.strip()), "")
        project = replace(project, cut_off=last)
    return FormRead(project, fields, findings)
