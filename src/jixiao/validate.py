"""Run every rule of a profile over a submission and collect the findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from jixiao.findings import Finding, sort_findings
from jixiao.model import Indicator, Project, Submission
from jixiao.money import MoneyUnit
from jixiao.profiles import DEFAULT_PROFILE, Profile, load_profile
from jixiao.rules import INDICATOR_CHECKS, PROJECT_CHECKS, SUBMISSION_CHECKS, Scope
from jixiao.rules.base import once_per_file


def profile_for(submission: Submission, override: str | None = None) -> Profile:
    """The profile named on the command line, else the submission's own, else the default."""
    return load_profile(override or submission.unit.profile or DEFAULT_PROFILE)


def _present(findings: Iterable[Finding | None]) -> Iterator[Finding]:
    return (f for f in findings if f is not None)


def validate_project(project: Project, scope: Scope) -> Iterator[Finding]:
    """All project-level and row-level findings of one project table."""
    return iter(project_findings(project, scope))


def project_findings(project: Project, scope: Scope) -> list[Finding]:
    """:func:`validate_project` as a list, gathered in plain loops: a 30-project workbook runs
    some 10,000 checks, and a generator wrapped around each cost a tenth of the time."""
    found: list[Finding] = []
    keep = found.append
    for check in PROJECT_CHECKS:
        for finding in check(project, scope):
            if finding is not None:
                keep(finding)
    for indicator in project.indicators:
        for row_check in INDICATOR_CHECKS:
            for finding in row_check(indicator, scope):
                if finding is not None:
                    keep(finding)
    return found


def validate_submission(
    submission: Submission, profile: Profile | None = None, file: str | None = None
) -> list[Finding]:
    """Every finding of a submission, in reading order (projects in their own order); an
    alias or notation written alike on many rows is one finding listing its places."""
    profile = profile or profile_for(submission)
    unit = submission.unit
    layout = submission.template.get("layout")
    scope = Scope(
        profile,
        unit.money_unit,
        unit.year,
        file or submission.source.file or "",
        layout=layout if isinstance(layout, str) and layout else None,
    )
    findings: list[Finding] = []
    for project in submission.projects:
        findings.extend(project_findings(project, scope.for_project(project)))
    for check in SUBMISSION_CHECKS:
        findings.extend(_present(check(submission, scope)))
    # once_per_file keeps the order it is given and changes messages only, never a place:
    # what it returns is still sorted (no second sort).
    return once_per_file(sort_findings(findings))


def check_indicator(
    indicator: Indicator,
    *,
    budget: Decimal | None = None,
    money_unit: MoneyUnit = MoneyUnit.WAN,
    year: int | None = None,
    profile: Profile | None = None,
) -> list[Finding]:
    """The findings of one indicator row on its own (what a live worksheet function shows)."""
    project = Project(budget=budget)
    scope = Scope(profile or load_profile(), money_unit, year, "", project)
    return [f for check in INDICATOR_CHECKS for f in _present(check(indicator, scope))]
