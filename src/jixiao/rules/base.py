"""What a rule is, where checks are registered, and the scope a check runs in.

A :class:`Rule` is declared once with its stable code, severity, Chinese title, message template
and hint template; checks are plain generator functions that ``yield rule.at(...)`` findings.
Keeping the wording on the rule means the CLI, the workbook status cells and the UDFs all say
the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from jixiao.findings import Finding, Severity
from jixiao.model import Indicator, Location, Project, Submission
from jixiao.money import MoneyUnit
from jixiao.profiles import Profile
from jixiao.values import format_number

RULES: dict[str, Rule] = {}


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's contract: stable code, default severity, and its Chinese wording."""

    code: str
    severity: Severity
    title: str
    message: str
    hint: str
    description: str = ""
    also: tuple[Severity, ...] = ()
    """Other severities this rule uses for some cases (e.g. category-missing: E or W)."""
    once: tuple[Severity, ...] = ()
    """Severities at which the same finding is reported once per file, listing its places
    (an alias or a notation written the same way on many rows is one remark, not many)."""
    once_by: str = "message"
    """What makes two findings "the same" for :attr:`once`: their ``message`` or ``hint``."""

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity the rule can report with, most severe first."""
        return tuple(sorted({self.severity, *self.also}, key=lambda s: s.rank))

    def render(self, **params: object) -> tuple[str, str]:
        """The message and hint with their placeholders filled in."""
        text = {k: _show(v) for k, v in params.items()}
        return self.message.format(**text), self.hint.format(**text)

    def at(
        self,
        scope: Scope,
        where: Location,
        *,
        severity: Severity | None = None,
        **params: object,
    ) -> Finding | None:
        """A finding of this rule at ``where``; None when the profile turns the rule off."""
        effective = scope.profile.severity_of(self.code, severity or self.severity)
        if effective is None:
            return None
        message, hint = self.render(**params)
        project = scope.project
        return Finding(
            code=self.code,
            severity=effective,
            file=where.file or scope.file,
            sheet=where.sheet,
            cell=where.cell,
            project_code=project.code if project else None,
            project_name=project.name if project else None,
            message=message,
            hint=hint,
            line=where.line,
            path=where.path,
            project_number=project.number if project else None,
        )


MAX_QUOTED = 60
"""Quoted cell text is cut to this many characters so a message stays one readable line."""


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return format_number(value) if abs(value.adjusted()) < 30 else f"{value:.6E}"
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…"


def define(code: str, severity: str, title: str, message: str, hint: str, **extra: Any) -> Rule:
    """Declare a rule and add it to the registry; a code may be declared only once."""
    if code in RULES:
        raise ValueError(f"rule code declared twice: {code}")
    also = tuple(Severity(s) for s in extra.pop("also", ()))
    once = tuple(Severity(s) for s in extra.pop("once", ()))
    rule = Rule(code, Severity(severity), title, message, hint, also=also, once=once, **extra)
    RULES[code] = rule
    return rule


@dataclass(frozen=True, slots=True)
class Scope:
    """What a check needs besides the row itself: profile, money unit, year, owning project."""

    profile: Profile
    money_unit: MoneyUnit = MoneyUnit.WAN
    year: int | None = None
    file: str = ""
    project: Project | None = None
    probing: bool = False
    """True while a hint's proposed value is checked: the checks then propose nothing."""
    layout: str | None = None
    """The layout of the workbook the submission was filled in (``Submission.template``'s
    ``layout``: ``申报表``), None for the 绩效目标表 and for documents."""

    @property
    def table_layout(self) -> str | None:
        """The layout of the table the owning project is written in: the published layout it
        was read from, else the workbook's (None: the 绩效目标表)."""
        return (self.project.layout if self.project else None) or self.layout

    @property
    def budget(self) -> Decimal | None:
        """The owning project's 预算数, if any."""
        return self.project.budget if self.project else None

    @property
    def other_layout(self) -> bool:
        """The owning project was read from one of the other provinces' layouts (申报表, 批复表…:
        ``Project.layout`` set).  None of them has a 资金支出计划 or 指标值确定依据 column, nor
        the 绩效目标表 provinces' 21-character 项目编码; a document holding both layouts is
        validated with the 绩效目标表's profile, so its forms are held only to what they have."""
        return self.project is not None and bool(self.project.layout)

    def requires(self, what: str) -> bool:
        """Whether the row's project must carry ``what`` (``project_code``, ``spending_plan``
        or ``basis``): the profile's requirement, never for a project of another layout, and
        never what the 申报表 workbook has no cell for (资金支出计划, 依据: the national form
        has neither, whichever profile its 单位信息 names; its 项目编码 cell is held to the
        profile as the sheet's own check holds it)."""
        if self.other_layout:
            return False
        if self.layout is not None and what in _NO_CELL_IN_FORMS:
            return False
        return bool(getattr(self.profile, f"requires_{what}"))

    def for_project(self, project: Project | None) -> Scope:
        """The same scope, owned by another project (None: department level)."""
        return replace(self, project=project)

    def probe(self) -> Scope:
        """The same scope for checking a proposed value (no proposals of its own)."""
        return replace(self, probing=True)


_NO_CELL_IN_FORMS = frozenset({"spending_plan", "basis"})
"""What the 申报表 (the other provinces' form and its workbook) has no cell for."""


IndicatorCheck = Callable[[Indicator, Scope], Iterator[Finding | None]]
ProjectCheck = Callable[[Project, Scope], Iterator[Finding | None]]
SubmissionCheck = Callable[[Submission, Scope], Iterator[Finding | None]]

ONCE_SUFFIX = "（共 {count} 处：{places}）"
"""Appended to a finding reported once per file (:attr:`Rule.once`) for all its places."""
MAX_PLACES = 8

INDICATOR_CHECKS: list[IndicatorCheck] = []
PROJECT_CHECKS: list[ProjectCheck] = []
SUBMISSION_CHECKS: list[SubmissionCheck] = []


def once_per_file(findings: list[Finding]) -> list[Finding]:
    """Findings of rules reported once per file merged: the first keeps its place, its
    message lists every place (``（共 3 处：第24行、第32行、第40行）``)."""
    groups: dict[tuple[str, Severity, str], list[Finding]] = {}
    merged: list[Finding] = []
    for finding in findings:
        rule = RULES.get(finding.code)
        if rule is None or finding.severity not in rule.once:
            merged.append(finding)
            continue
        key = (finding.code, finding.severity, getattr(finding, rule.once_by))
        if key not in groups:
            groups[key] = []
            merged.append(finding)
        groups[key].append(finding)
    return [_with_places(f, groups) for f in merged]


def _with_places(
    finding: Finding, groups: dict[tuple[str, Severity, str], list[Finding]]
) -> Finding:
    rule = RULES.get(finding.code)
    if rule is None or finding.severity not in rule.once:
        return finding
    same = groups[(finding.code, finding.severity, getattr(finding, rule.once_by))]
    if len(same) == 1:
        return finding
    places = list(dict.fromkeys(f.where or f.project for f in same if f.where or f.project))
    shown = "、".join(places[:MAX_PLACES]) + ("等" if len(places) > MAX_PLACES else "")
    suffix = ONCE_SUFFIX.format(count=len(same), places=shown)
    return replace(finding, message=finding.message + suffix)


def indicator_check(func: IndicatorCheck) -> IndicatorCheck:
    """Register a check run on every indicator row (project and department narrative)."""
    INDICATOR_CHECKS.append(func)
    return func


def project_check(func: ProjectCheck) -> ProjectCheck:
    """Register a check run once per project table."""
    PROJECT_CHECKS.append(func)
    return func


def submission_check(func: SubmissionCheck) -> SubmissionCheck:
    """Register a check run once per submission (cross-project and department level)."""
    SUBMISSION_CHECKS.append(func)
    return func
