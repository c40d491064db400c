"""导入 and 导出: a published document into a filled template, a workbook into interchange JSON.

An import reads any readable submission (a published .docx or text, a workbook, JSON),
validates it and writes the template its layout belongs in (:func:`import_layout`); a
document holding both layouts is written as two workbooks (:func:`split_layouts`), and what
the chosen template has no cell for is reported (``import-not-carried``), never dropped in
silence.  An export writes interchange JSON, and nothing when part of the file could not be
read.  Requests are checked first (:mod:`jixiao.service.refusals`); the template fillers
(openpyxl) are imported when an import writes, so exporting starts without them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from jixiao.atomic import atomic_write_text
from jixiao.findings import FileReport, Finding, Severity
from jixiao.model import Project, Submission
from jixiao.readers.interchange import submission_to_json
from jixiao.rules.files import FILE_UNREADABLE, TEMPLATE_TAMPERED
from jixiao.service.collect import read_and_validate, read_submission
from jixiao.service.refusals import ActionError, check_outputs, require_suffix
from jixiao.template.application import DEFAULT_PROFILE as APPLICATION_PROFILE
from jixiao.template.application import LAYOUT_NAME as APPLICATION_LAYOUT
from jixiao.template.names import TEMPLATE_LAYOUTS
from jixiao.textfiles import holdable, readable_path
from jixiao.validate import profile_for


@dataclass(frozen=True, slots=True)
class Written:
    """One workbook an import wrote."""

    layout: str
    path: Path
    projects: int
    profile: str
    """The profile its 单位信息 names."""


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import found and wrote."""

    report: FileReport
    submission: Submission | None
    """None when the document could not be read (then nothing was written)."""
    profile: str | None
    """The profile the filled template uses."""
    layout: str = TEMPLATE_LAYOUTS[0]
    """The template layout written (``绩效目标表`` or ``申报表``)."""
    written: list[Written] = dataclasses.field(default_factory=list)
    """Every workbook written: two when the document holds both layouts
    (:func:`split_layouts`), the first at the output asked for."""


def import_to_template(
    document: Path,
    output: Path,
    profile_name: str | None = None,
    force: bool = False,
    layout: str | None = None,
) -> Imported:
    """A published document (or any readable submission) → a filled template at ``output``,
    with every finding of reading and validating it.  A submission that does not fit the template
    (too many projects) is refused with :class:`ActionError`.

    ``layout`` None chooses the template by the document (:func:`import_layout`): the other
    provinces' project tables go into the 申报表 when it holds all they carry."""
    check_outputs([output], [document], force)
    require_suffix(output, "导入")
    submission, findings = read_and_validate(document, profile_name)
    projects = len(submission.projects) if submission else 0
    report = FileReport(readable_path(document), projects, findings)
    if submission is None:
        return Imported(report, None, None)
    if profile_name:
        unit = dataclasses.replace(submission.unit, profile=profile_name)
        submission = dataclasses.replace(submission, unit=unit)
    from jixiao.rules.imports import not_carried
    from jixiao.template.application_fill import application_left_out, fill_application
    from jixiao.template.build import save_workbook
    from jixiao.template.fill import FillError, fill_workbook, left_out

    parts = None if layout else split_layouts(submission)
    if parts is not None:
        second = forms_output(output)
        check_outputs([second], [document], force)
        targets = [(TEMPLATE_LAYOUTS[0], parts[0], output), (APPLICATION_LAYOUT, parts[1], second)]
    else:
        targets = [(layout or import_layout(submission), submission, output)]
    workbooks = []
    for chosen, part, path in targets:
        fill = fill_application if chosen == APPLICATION_LAYOUT else fill_workbook
        try:
            workbooks.append((fill(holdable_copy(part), profile_name), path))
        except FillError as exc:
            raise ActionError(str(exc)) from exc
    for chosen, part, _ in targets:
        what = left_out(part) if chosen == TEMPLATE_LAYOUTS[0] else application_left_out(part)
        if what:  # said, never silently dropped (the document itself keeps them)
            instead = _why_not_the_form(part) if chosen == TEMPLATE_LAYOUTS[0] else None
            report.findings.append(not_carried(report.path, what, chosen, instead))
    for workbook, path in workbooks:  # nothing is written unless every part fills
        save_workbook(workbook, path)
    profile = profile_for(submission, profile_name).name
    written = [
        Written(chosen, path, len(part.projects), _filled_profile(chosen, part, profile_name))
        for chosen, part, path in targets
    ]
    return Imported(report, submission, profile, targets[0][0], written)


def _filled_profile(layout: str, part: Submission, profile_name: str | None) -> str:
    """The profile a filled template names (as the fillers choose it)."""
    if layout == APPLICATION_LAYOUT:
        return profile_name or part.unit.profile or APPLICATION_PROFILE
    return profile_for(part, profile_name).name


FORMS_SUFFIX = "-申报表"


def forms_output(output: Path) -> Path:
    """Where the 申报表 part of a document holding both layouts goes: beside ``output``."""
    return output.with_name(f"{output.stem}{FORMS_SUFFIX}{output.suffix}")


def split_layouts(submission: Submission) -> tuple[Submission, Submission] | None:
    """A document holding both layouts (a unit may publish 绩效目标表 tables and other
    provinces' 申报表 forms together) → (its 绩效目标表 part, its 申报表 part), so that neither
    template drops what the other layout carries (主管部门, weights… have no cell in the
    绩效目标表).  The department part goes with the 申报表 when it is a 部门整体支出绩效目标表
    the 申报表's sheet holds (seed 106: its amounts and indicators have no cell in the
    绩效目标表), with its roll-up rows; a Hebei department part stays in the 绩效目标表.  None
    when one template holds it all, or when the forms carry something the 申报表 has no cell
    for (then the 绩效目标表 takes everything).  Running numbers are closed up over the other
    part's projects, so a gap left by the other layout is not taken for withheld projects (a
    real gap stays)."""
    from jixiao.template.application_fill import fits_application
    from jixiao.template.department_spending import is_department_spending

    department = submission.department
    spending = is_department_spending(department)
    forms = [p for p in submission.projects if p.layout]
    tables = [p for p in submission.projects if not p.layout]
    if not (forms or spending) or (not tables and (department is None or spending)):
        return None
    unit = dataclasses.replace(submission.unit, profile=None)  # the 申报表's own default
    form_part = dataclasses.replace(
        submission,
        unit=unit,
        projects=_closed_up(forms, tables),
        department=department if spending else None,
        rollups=submission.rollups if spending else (),
    )
    if not fits_application(form_part):
        return None
    table_part = dataclasses.replace(
        submission,
        projects=_closed_up(tables, forms),
        department=None if spending else department,
        rollups=() if spending else submission.rollups,
    )
    return table_part, form_part


def _closed_up(part: list[Project], other: list[Project]) -> tuple[Project, ...]:
    numbers = [p.number for p in other if isinstance(p.number, int)]
    return tuple(
        dataclasses.replace(p, number=p.number - sum(n < p.number for n in numbers))
        if isinstance(p.number, int)
        else p
        for p in part
    )


def import_layout(submission: Submission) -> str:
    """The template an imported submission is written into: the 申报表 when its projects were
    read from one of the other provinces' layouts (申报表, 批复表, a department's wide
    申报表: ``Project.layout`` set) and the form has a cell for all they carry (no spending
    plan, 描述, 依据 or Hebei department part), and when its department part is a
    部门整体支出绩效目标表 (seed 106) the 申报表's 部门整体支出 sheet holds, else the 绩效目标表."""
    from jixiao.template.application import TEMPLATE_ID as APPLICATION_ID
    from jixiao.template.application_fill import fits_application
    from jixiao.template.department_spending import is_department_spending

    made = submission.template.get("id") == APPLICATION_ID  # a 申报表 workbook, or its JSON
    other = made or any(project.layout for project in submission.projects)
    other = other or is_department_spending(submission.department)
    return APPLICATION_LAYOUT if other and fits_application(submission) else TEMPLATE_LAYOUTS[0]


def _why_not_the_form(submission: Submission) -> str | None:
    """Why a submission of the 申报表's kind (other provinces' forms, a 部门整体支出 table) went
    into the 绩效目标表: the 申报表's refusal (too many rows…); None for a 绩效目标表 document."""
    from jixiao.template.application_fill import application_misfit
    from jixiao.template.department_spending import is_department_spending

    forms = any(p.layout for p in submission.projects)
    if not (forms or is_department_spending(submission.department)):
        return None
    return application_misfit(submission)


T = TypeVar("T")


def holdable_copy(value: T) -> T:
    """``value`` (a submission, or any part of the model) with every text stripped of the
    characters no cell can hold — a workbook cell written ``_x0007_`` reads back as a BEL,
    and openpyxl refuses to write one."""
    if isinstance(value, str):
        return cast(T, holdable(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: holdable_copy(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return cast(T, dataclasses.replace(value, **changes))
    if isinstance(value, tuple | list):
        return cast(T, type(value)(holdable_copy(v) for v in value))
    if isinstance(value, Mapping):
        return cast(T, {holdable_copy(k): holdable_copy(v) for k, v in value.items()})
    return value


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export read and wrote."""

    findings: list[Finding]
    submission: Submission | None
    """None when the file could not be read."""
    refused: str | None = None
    """Why nothing was written (Chinese), or None when the JSON was written."""


def export_submission(source: Path, output: Path, force: bool = False) -> Exported:
    """A filled template (or submission JSON) → interchange JSON at ``output``, written
    atomically.  Nothing is written when the file cannot be read, nor when part of it could
    not be (a changed layout): the JSON would lack what was skipped, an empty model at worst,
    and nothing in it would say so."""
    check_outputs([output], [source], force)
    require_suffix(output, "导出", ".json")
    submission, findings = read_submission(source)
    if submission is None:
        return Exported(findings, None, "文件不能读取")
    damaged = [f for f in findings if f.code in DAMAGE_CODES and f.severity is Severity.ERROR]
    if damaged:
        reason = f"文件有 {len(damaged)} 处结构改动，读出的内容不完整（{_contents(submission)}）"
        return Exported(findings, submission, reason)
    text = json.dumps(submission_to_json(submission), ensure_ascii=False, indent=1)
    atomic_write_text(output, text + "\n")
    return Exported(findings, submission)


DAMAGE_CODES = frozenset({FILE_UNREADABLE.code, TEMPLATE_TAMPERED.code})
"""Reading errors that mean part of the file was not read."""


def _contents(submission: Submission) -> str:
    department = submission.department
    whole = "无部门整体目标" if department is None or department.is_empty else "有部门整体目标"
    return f"读出 {len(submission.projects)} 个项目，{whole}"
