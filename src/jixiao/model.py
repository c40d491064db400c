"""A pure model of one budget unit's 预算绩效目标 submission.

Frozen dataclasses, no I/O and no spreadsheet imports: workbooks, documents and the interchange
JSON are all read into these objects, and every rule works on them.  Every value keeps where it
came from (``Location``) so a finding can point at the cell or line a clerk must fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.money import MoneyUnit


class Compact:
    """Pickle as (class, field values): smaller, and several times faster to load than the
    default for slotted dataclasses; it matters when worker processes send submissions back."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        cls = type(self)
        names: tuple[str, ...] = cls.__slots__
        return cls, tuple(getattr(self, name) for name in names)  # the fields, in order


CHECKPOINTS: tuple[str, ...] = ("3月底", "6月底", "10月底", "12月底")
"""The four cumulative checkpoints of 资金支出计划（%）, in order."""


@dataclass(frozen=True, slots=True)
class Location(Compact):
    """Where a value came from: a workbook cell, or a line of a document."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None
    path: str | None = None
    """Where in an interchange JSON file, e.g. ``projects[2].indicators[4]``."""

    def __bool__(self) -> bool:
        return not (
            self.file is None
            and self.sheet is None
            and self.cell is None
            and self.line is None
            and self.path is None
        )  # spelled out: the rules ask it thousands of times a workbook


NOWHERE = Location()


class CellSources(Mapping[str, Location]):
    """Where each field of a worksheet row (or a sheet's fields) is: a read-only mapping of
    field → :class:`Location`, each Location made when it is asked for.

    A workbook's tables hold some 2,000 input cells, and a rule looks at a cell's Location only
    to report a finding there: making them all up front was a third of the time spent building
    the model (issue #15).  It equals, iterates and pickles as the dict of the same Locations
    would (``refs`` keeps the fields' order); give it a ``refs`` that nobody changes afterwards
    (the readers compute them once per layout and share them between sheets)."""

    __slots__ = ("file", "refs", "sheet")

    def __init__(self, file: str | None, sheet: str, refs: Mapping[str, str]) -> None:
        self.file = file
        self.sheet = sheet
        self.refs = refs
        """field → A1 cell on ``sheet``."""

    def __getitem__(self, field_name: str) -> Location:
        return Location(self.file, self.sheet, self.refs[field_name])

    def get(self, field_name: str, default: Location | None = None) -> Location | None:  # type: ignore[override]
        ref = self.refs.get(field_name)
        return default if ref is None else Location(self.file, self.sheet, ref)

    def __iter__(self) -> Iterator[str]:
        return iter(self.refs)

    def __len__(self) -> int:
        return len(self.refs)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return CellSources, (self.file, self.sheet, self.refs)


@dataclass(frozen=True, slots=True)
class Unit(Compact):
    """The budget unit (单位) that submits: 单位编码, 单位名称, 预算年度, 金额单位, profile."""

    name: str
    code: str | None = None
    year: int | None = None
    money_unit: MoneyUnit = MoneyUnit.WAN
    profile: str | None = None
    source: Location = NOWHERE
    sources: Mapping[str, Location] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlanEntry(Compact):
    """One checkpoint of the cumulative spending plan; ``percent`` is 0–100, None if unreadable."""

    checkpoint: str
    percent: Decimal | None
    text: str | None = None
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Indicator(Compact):
    """One 三级指标 row: levels, description, the free-text 指标值 and its 依据."""

    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    description: str | None = None
    value: str | None = None
    basis: str | None = None
    source: Location = NOWHERE
    sources: Mapping[str, Location] = field(default_factory=dict)
    weight: Decimal | None = None
    """权重 / 分值 of the row, when the layout gives one (they should total 100)."""
    direction: str | None = None
    """The direction the table states (指标方向性 正向指标, 指标性质 正向/反向), as written."""
    symbol: str | None = None
    """When the layout gives symbol, number and unit in separate cells: each as written
    (``value`` then holds them joined and normalised, ``≥`` + ``95`` + ``%`` → ``≥95%``)."""
    number: str | None = None
    unit: str | None = None
    written: str | None = None
    """The 指标值 as written when ``value`` is its normalised form (``>=20平方米``, ``≧95%``,
    a serial date ``44,561``); None when the value is exactly as written."""
    term: str | None = None
    """``年度`` or ``长期`` when the table separates annual from long-term indicators."""
    remark: str | None = None
    """备注 / 指标解释 / 指标说明 beside the value, as written."""
    nature: str | None = None
    """``定性`` or ``定量`` when the table states it (a 定性 indicator still needs a value)."""

    @property
    def name(self) -> str:
        """The indicator's name as a clerk would quote it (三级, else its description)."""
        return (self.level3 or self.description or "").strip()

    def at(self, field_name: str) -> Location:
        """Where one field came from, falling back to the row itself."""
        return self.sources.get(field_name) or self.source


@dataclass(frozen=True, slots=True)
class Project(Compact):
    """One 项目支出绩效目标表."""

    name: str | None = None
    code: str | None = None
    number: int | None = None
    department: str | None = None
    budget: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    purpose: str | None = None
    plan: tuple[PlanEntry, ...] = ()
    goal: str | None = None
    indicators: tuple[Indicator, ...] = ()
    source: Location = NOWHERE
    sources: Mapping[str, Location] = field(default_factory=dict)
    carryover: Decimal | None = None
    """上年结转 (part of ``budget`` where the layout states it)."""
    total: Decimal | None = None
    """The multi-year 项目总额 when the layout separates it from the annual ``budget``."""
    long_term_goal: str | None = None
    """长期目标 / 总体目标 (``goal`` is the annual one)."""
    start: str | None = None
    """Implementation period: 开始日期 / 结束日期 (or 项目起止时间), as written."""
    end: str | None = None
    supervisor: str | None = None
    """主管部门, as written (code prefix included)."""
    implementer: str | None = None
    """实施单位, as written (code prefix included)."""
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Other labelled cells of the table as written (项目类别, 项目口径, 立项依据, 负责人…)."""
    cut_off: str | None = None
    """Set (to what the importer saw last) when the document is cut off inside this table:
    what is missing was never seen, so it is not judged as left out."""
    layout: str | None = None
    """Which published layout the table was read from (``申报表``, ``批复表``, ``部门申报表``…);
    None for the Hebei/Tianjin tables and the workbooks."""

    def at(self, field_name: str) -> Location:
        """Where one field came from, falling back to the project table itself."""
        return self.sources.get(field_name) or self.source

    @property
    def label(self) -> str:
        """A short human reference: ``3.法律援助``."""
        name = self.name or "（未命名项目）"
        return f"{self.number}.{name}" if self.number is not None else name


@dataclass(frozen=True, slots=True)
class DutyBlock(Compact):
    """One block of 二、分项绩效目标: a duty with its goal, stated plan and indicators."""

    title: str | None = None
    goal: str | None = None
    plan: tuple[PlanEntry, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    source: Location = NOWHERE
    sources: Mapping[str, Location] = field(default_factory=dict)
    project: str | None = None
    """支出项目名称 of a 年度履职目标 row (部门整体支出绩效目标表)."""
    amount: Decimal | None = None
    """预算金额 of that row."""


@dataclass(frozen=True, slots=True)
class Rollup(Compact):
    """A roll-up row (a department's subtotal above its units, a 部门 total): kept to check
    its parts against, never added to them."""

    name: str
    code: str | None = None
    amount: Decimal | None = None
    parts: tuple[str, ...] = ()
    """Names (codes) of the units or projects it adds up, where the document shows them."""
    complete: bool = True
    """False when the document is cut off, so its parts cannot all be seen."""
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Measure(Compact):
    """One 工作保障措施, optionally grouped (业务保障措施 / 财务保障措施)."""

    title: str | None = None
    text: str | None = None
    group: str | None = None
    source: Location = NOWHERE


OVERALL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("duty_no", "职责序号"),
    ("duty", "部门职责"),
    ("duty_goal", "职责目标"),
    ("indicator", "指标名称"),
    ("symbol", "符号"),
    ("unit", "单位"),
    ("explanation", "指标解释"),
    ("target", "年度指标值"),
    ("planned", "规划值"),
    ("standard", "当年标准值"),
    ("standard_source", "标准值来源"),
    ("history_avg", "前三年均值"),
    ("last_year", "上年值"),
    ("history_source", "历史值来源"),
    ("remark", "备注"),
    ("activity", "工作活动"),
    ("budget_project", "预算项目"),
    ("office", "对应科室"),
)
"""The 18 leaf columns of the 整体绩效目标表: model field name and official header."""


@dataclass(frozen=True, slots=True)
class OverallRow(Compact):
    """One row of the 18-column 整体绩效目标表, cells as written (merged cells: first row only)."""

    duty_no: str | None = None
    duty: str | None = None
    duty_goal: str | None = None
    indicator: str | None = None
    symbol: str | None = None
    unit: str | None = None
    explanation: str | None = None
    target: str | None = None
    planned: str | None = None
    standard: str | None = None
    standard_source: str | None = None
    history_avg: str | None = None
    last_year: str | None = None
    history_source: str | None = None
    remark: str | None = None
    activity: str | None = None
    budget_project: str | None = None
    office: str | None = None
    source: Location = NOWHERE
    sources: Mapping[str, Location] = field(default_factory=dict)

    def at(self, field_name: str) -> Location:
        """Where one column came from, falling back to the row itself."""
        return self.sources.get(field_name) or self.source


@dataclass(frozen=True, slots=True)
class Department(Compact):
    """The department-level parts: 部门整体绩效目标 and the 整体绩效目标表."""

    overall_goal: str | None = None
    blocks: tuple[DutyBlock, ...] = ()
    measures: tuple[Measure, ...] = ()
    overall_table: tuple[OverallRow, ...] = ()
    source: Location = NOWHERE
    sources: Mapping[str, Location] = field(default_factory=dict)
    total: Decimal | None = None
    """部门整体支出绩效目标表: 资金总额 (= ``project_spending`` + ``basic_spending``)."""
    project_spending: Decimal | None = None
    basic_spending: Decimal | None = None
    indicators: tuple[Indicator, ...] = ()
    """The department-wide indicator table of a 部门整体支出绩效目标表."""

    def at(self, field_name: str) -> Location:
        """Where one part came from, falling back to the department part itself."""
        return self.sources.get(field_name) or self.source

    @property
    def is_empty(self) -> bool:
        """Nothing written in any part."""
        return not (
            (self.overall_goal or "").strip()
            or self.blocks
            or self.measures
            or self.overall_table
            or self.indicators
            or self.total is not None
        )


@dataclass(frozen=True, slots=True)
class Submission(Compact):
    """All one budget unit submits: unit, project tables and, optionally, department parts."""

    unit: Unit
    projects: tuple[Project, ...] = ()
    department: Department | None = None
    template: Mapping[str, str | int | None] = field(default_factory=dict)
    source: Location = NOWHERE
    rollups: tuple[Rollup, ...] = ()
    """Roll-up rows the document shows (never counted as projects)."""
