"""What each command does, once, as library calls: the command line and the ribbon handlers
call these and only print or show the results.

Every flow checks its request before doing any work: an output that already exists is never
overwritten unless ``force`` is given, and an output that is one of the inputs is always
refused.  A refused request raises :class:`ActionError` (a Chinese message for the clerk; the
command line exits 2).  Problems in the data are findings in the results, never exceptions.

The template builder (openpyxl) is imported by the flows that write templates, so validating,
consolidating and exporting start without it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from jixiao.atomic import atomic_write_text
from jixiao.consolidation.cross_files import cross_checks, with_cross_findings
from jixiao.consolidation.results import Entry, FileResult
from jixiao.consolidation.unit import Consolidation
from jixiao.filekinds import describe, folder_kinds
from jixiao.findings import FileReport, Finding, Report, Severity
from jixiao.model import Project, Submission
from jixiao.money import MoneyUnit
from jixiao.outputs.report import report_text
from jixiao.profiles import DEFAULT_PROFILE, Profile, builtin_names, load_profile
from jixiao.readers.interchange import submission_to_json
from jixiao.rules.files import FILE_UNREADABLE, TEMPLATE_TAMPERED
from jixiao.service.cache import RunOptions
from jixiao.service.collect import (
    collect_results,
    consolidate_paths,
    find_submissions,
    read_and_validate,
    read_submission,
)
from jixiao.template.application import DEFAULT_PROFILE as APPLICATION_PROFILE
from jixiao.template.application import LAYOUT_NAME as APPLICATION_LAYOUT
from jixiao.template.names import DEFAULT_PROJECTS, TEMPLATE_LAYOUTS
from jixiao.textfiles import holdable, readable_path
from jixiao.validate import profile_for

if TYPE_CHECKING:
    from openpyxl import Workbook

Progress = Callable[[int, int], None]
"""Called after each file is read: ``(done, total)``."""

TEMPLATE_NAME = "绩效目标模板-{profile}.xlsx"
APPLICATION_TEMPLATE_NAME = "申报表模板-{profile}.xlsx"
"""The 申报表 template's file name (issue 14); one is shipped, for its default profile."""
"""A template's file name when one is written per built-in profile (``template --all``)."""

DEMO_INBOX, DEMO_SUMMARY, DEMO_REPORT = "报送", "汇总.xlsx", "校验报告.txt"


class ActionError(Exception):
    """A request refused before any work is done, or a flow that cannot go on (Chinese)."""


class OutputExists(ActionError):
    """The output files exist and ``force`` was not given."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = tuple(paths)
        listed = "、".join(f"“{readable_path(p)}”" for p in self.paths)
        super().__init__(f"输出文件已存在：{listed}，不会覆盖")


class OutputIsInput(ActionError):
    """The output is one of the files to be read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"输出文件“{readable_path(path)}”也是要读取的输入文件：请把输出写到别处，源文件从不修改"
        )


def nothing_found(verb: str) -> ActionError:
    """``没有找到可校验的文件（支持 …）``: the supported kinds come from :mod:`jixiao.filekinds`."""
    return ActionError(
        f"没有找到可{verb}的文件（支持 {describe()}；文件夹中查找 {folder_kinds()}）"
    )


def check_outputs(
    outputs: Sequence[Path], inputs: Iterable[Path] = (), force: bool = False
) -> None:
    """Refuse outputs that are inputs, folders, or (without ``force``) existing files."""
    existing = [path for path in outputs if path.exists()]
    if existing:
        stats = [os.stat(path) for path in inputs if path.is_file()]
        for path in existing:
            if any(os.path.samestat(os.stat(path), other) for other in stats):
                raise OutputIsInput(path)
            if path.is_dir():
                raise ActionError(f"输出“{readable_path(path)}”是一个文件夹：请给出输出文件的名称")
    if existing and not force:
        raise OutputExists(existing)
    for path in existing:
        _replaceable(path)
    for path in outputs:
        folder = _nearest_existing(path.absolute().parent)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ActionError(
                f"无法在“{readable_path(folder)}”中写入输出（文件夹是只读的或没有权限）："
                "请换一个输出位置"
            )


OUTPUT_KINDS = {".xlsx": "Excel 工作簿", ".json": "JSON 文件", ".docx": "Word 文档"}
"""What each output suffix is called in the refusal below."""


def require_suffix(output: Path, action: str, suffix: str = ".xlsx") -> None:
    """Refuse an output whose name does not say what is written into it: an ``汇总.json`` that
    is a workbook opens nowhere, and the next scan of the folder reports it unreadable.  An
    existing folder is left to :func:`check_outputs`, which says so."""
    if Path(output).suffix.lower() != suffix and not Path(output).is_dir():
        raise ActionError(
            f"{action}写成 {OUTPUT_KINDS[suffix]}：输出文件名应以 {suffix} 结尾"
            f"（现在是“{Path(output).name}”）"
        )


def _replaceable(path: Path) -> None:
    """Refuse, before any work, an existing output that cannot be replaced: on Windows most
    often last run's 汇总.xlsx or 问题清单.csv still open in Excel/WPS (opening it for writing
    fails as replacing it would).  Opened for appending and closed: nothing is written."""
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise ActionError(
            f"无法覆盖“{readable_path(path)}”：文件可能正在 Excel/WPS 中打开，或是只读的。"
            "请先关闭它（或换一个输出位置），再运行一次"
        ) from exc


def _nearest_existing(folder: Path) -> Path:
    """The folder itself, or the closest parent that exists (outputs create the rest)."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _counting(progress: Progress | None, total: int) -> Callable[[Path], None] | None:
    if progress is None:
        return None
    done = 0

    def step(_: Path) -> None:
        nonlocal done
        done += 1
        progress(done, total)

    return step


def _profile(profile_name: str | None) -> Profile:
    """The profile for cross-file checks; a bad name or file fails here, before any work.

    A profile file nested thousands deep or holding a number of thousands of digits is refused
    here too (the JSON reader gives up with RecursionError/ValueError), never a program error."""
    try:
        return load_profile(profile_name) if profile_name else load_profile()
    except (RecursionError, ValueError) as exc:
        shown = readable_path(profile_name or "")
        raise ActionError(
            f"规则配置“{shown}”无法读取：嵌套层数过深或数字位数过多，不像规则配置文件"
        ) from exc


# ---------------------------------------------------------------- validate


def validate_paths(
    paths: Iterable[Path],
    profile_name: str | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> list[FileResult]:
    """Read and validate every file under ``paths``, then the checks across files (the same
    as :func:`consolidate_submissions`, so both report the same errors for the same files).
    With ``use_cache`` files read before with the same bytes are not read again."""
    profile = _profile(profile_name)
    files = list(find_submissions(paths))
    if not files:
        raise nothing_found("校验")
    step = _counting(progress, len(files))
    results = collect_results(files, RunOptions(profile_name), use_cache, progress=step)
    return with_cross_findings(results, profile)


def with_cross_checks(entries: Sequence[Entry], profile: Profile) -> list[Entry]:
    """Copies of ``entries`` with the cross-file findings added to the files they concern."""
    copies = [dataclasses.replace(entry, findings=list(entry.findings)) for entry in entries]
    for entry, finding in cross_checks(copies, profile):
        entry.findings.append(finding)
    return copies


def report_of(entries: Iterable[Entry | FileResult]) -> Report:
    """The validation report of some entries."""
    return Report([entry.file_report() for entry in entries])


# ---------------------------------------------------------------- consolidate


def consolidate_submissions(
    paths: Iterable[Path],
    output: Path,
    money_unit: MoneyUnit = MoneyUnit.WAN,
    unit_name: str = "本单位",
    profile_name: str | None = None,
    by_department: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    use_cache: bool = True,
    tables_dir: Path | None = None,
    writing: Progress | None = None,
) -> Consolidation:
    """Consolidate the submissions under ``paths`` into the summary workbook ``output``
    (and, with ``tables_dir``, every table as a CSV file there: :mod:`jixiao.outputs.tables`);
    ``progress`` is told the files read, ``writing`` how far writing the workbook has got.

    A new output inside a scanned folder is simply not read; an existing file that would be
    read as a submission is refused as an output, even with ``force``.  With ``use_cache``
    files read before with the same bytes and options are not read again
    (:mod:`jixiao.service.cache`)."""
    _profile(profile_name)
    paths = list(paths)
    if tables_dir is not None:
        _outside_scanned(tables_dir, paths)
    files = list(find_submissions(paths))
    check_outputs([output, *_table_outputs(tables_dir)], files, force)
    require_suffix(output, "汇总")
    if not files:
        raise nothing_found("汇总")
    step = _counting(progress, len(files))
    result = consolidate_paths(
        files, output, money_unit, unit_name, profile_name, by_department, step, use_cache, writing
    )
    if tables_dir is not None:
        from jixiao.outputs.tables import write_tables

        write_tables(result, tables_dir, Path(output).parent)
    return result


def _outside_scanned(folder: Path, paths: Sequence[Path]) -> None:
    """CSV tables inside a folder being consolidated would be read back as (unreadable)
    submissions by every later run: refused before any work."""
    target = Path(os.path.abspath(folder))
    for scanned in paths:
        if scanned.is_dir() and target.is_relative_to(os.path.abspath(scanned)):
            raise ActionError(
                f"--tables-dir“{readable_path(folder)}”在要汇总的文件夹“{readable_path(scanned)}”"
                "之内：下次汇总会把这些 CSV 当作报送读取。请换一个文件夹（例如汇总工作簿旁边）"
            )


def _table_outputs(folder: Path | None) -> list[Path]:
    """The CSV files ``--tables-dir`` writes (checked with the workbook, before any work)."""
    if folder is None:
        return []
    if folder.exists() and not folder.is_dir():
        raise ActionError(f"“{readable_path(folder)}”不是文件夹：CSV 表格要写进一个文件夹")
    from jixiao.outputs.tables import table_files

    return table_files(folder)


# ---------------------------------------------------------------- import, export


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


# ---------------------------------------------------------------- templates, demo


def template_targets(
    output: Path, profile_name: str | None, all_profiles: bool, layout: str = TEMPLATE_LAYOUTS[0]
) -> list[tuple[str, str, Path]]:
    """Which template goes where, as (layout, profile, path): ``output`` itself, or every
    template jixiao ships in the folder ``output`` (the 绩效目标表 once per built-in profile,
    the 申报表 once: its 单位信息 offers every profile)."""
    if all_profiles:
        first = TEMPLATE_LAYOUTS[0]
        targets = [(first, n, output / TEMPLATE_NAME.format(profile=n)) for n in builtin_names()]
        form = output / APPLICATION_TEMPLATE_NAME.format(profile=APPLICATION_PROFILE)
        return [*targets, (APPLICATION_LAYOUT, APPLICATION_PROFILE, form)]
    default = APPLICATION_PROFILE if layout == APPLICATION_LAYOUT else DEFAULT_PROFILE
    return [(layout, profile_name or default, output)]


def write_templates(
    output: Path,
    profile_name: str | None = None,
    projects: int = DEFAULT_PROJECTS,
    all_profiles: bool = False,
    force: bool = False,
    layout: str = TEMPLATE_LAYOUTS[0],
) -> list[tuple[str, Path]]:
    """Write blank locked templates; none is written if any target exists (without ``force``).
    Returns what was written: (profile, or ``申报表，profile``, path)."""
    if all_profiles and output.exists() and not output.is_dir():
        raise ActionError(
            f"“{readable_path(output)}”是一个文件：为每个配置各生成模板时，请给出文件夹"
        )
    targets = template_targets(output, profile_name, all_profiles, layout)
    check_outputs([path for _, _, path in targets], force=force)
    if not all_profiles:
        require_suffix(output, "模板")
    from jixiao.template.build import save_workbook

    written = []
    for form, name, path in targets:
        save_workbook(blank_template(form, name, projects), path)
        written.append((name if form == TEMPLATE_LAYOUTS[0] else f"{form}，{name}", path))
    return written


def blank_template(layout: str, profile_name: str, projects: int = DEFAULT_PROJECTS) -> Workbook:
    """A blank locked template of ``layout`` (one of TEMPLATE_LAYOUTS) for a profile: what
    ``jixiao template`` writes and the installer puts in the clerk's template folder."""
    if layout == APPLICATION_LAYOUT:
        from jixiao.template.application_build import build_application

        return build_application(profile_name, projects)
    from jixiao.template.build import build_template

    return build_template(profile_name, projects)


@dataclass(frozen=True, slots=True)
class Demo:
    """Where the demo put its files, and the consolidation it ran."""

    inbox: Path
    output: Path
    report_file: Path
    result: Consolidation


def run_demo(directory: Path, progress: Progress | None = None) -> Demo:
    """The main job on bundled data: write the sub-units' submissions, consolidate them, and
    write the validation report.  The demo folder is its own: reruns refresh it, and a folder
    holding anything else is refused (:func:`_demo_may_write`)."""
    from jixiao.service.demo import UNIT_NAME, make_submissions

    _demo_may_write(directory)
    inbox, output = directory / DEMO_INBOX, directory / DEMO_SUMMARY
    files = make_submissions(inbox)
    (directory / DEMO_MARK).write_text("jixiao demo\n", "utf-8")
    step = _counting(progress, len(files))
    result = consolidate_paths(files, output, MoneyUnit.WAN, UNIT_NAME, progress=step)
    report_file = directory / DEMO_REPORT
    atomic_write_text(report_file, report_text(report_of(result.entries)) + "\n")
    return Demo(inbox, output, report_file, result)


DEMO_MARK = ".jixiao-demo"
"""Written into a demo folder: a later ``jixiao demo`` there may refresh it."""


def _demo_may_write(directory: Path) -> None:
    """The demo writes only into a new or empty folder, its own (marked), or one holding
    nothing but what an earlier demo wrote: ``jixiao demo .`` in the clerk's working folder
    would otherwise replace a real 汇总.xlsx and put demo workbooks into the real 报送."""
    from jixiao.service.demo import file_names

    if not directory.exists() or (directory / DEMO_MARK).is_file():
        return
    if not directory.is_dir():
        raise ActionError(f"“{readable_path(directory)}”不是文件夹：演示要写进一个文件夹")
    ours = {DEMO_INBOX, DEMO_SUMMARY, DEMO_REPORT}
    inbox = directory / DEMO_INBOX
    present = [p for p in directory.iterdir() if not p.name.startswith(".")]
    foreign = [p for p in present if p.name not in ours]
    if inbox.is_dir():
        foreign += [p for p in inbox.iterdir() if p.name not in file_names()]
    elif present:  # a 汇总.xlsx without the demo's inbox beside it is the clerk's own
        foreign += [p for p in present if p not in foreign]
    if foreign:
        names = "、".join(readable_path(p.relative_to(directory)) for p in foreign[:3])
        more = f"等 {len(foreign)} 项" if len(foreign) > 3 else ""
        raise ActionError(
            f"文件夹“{readable_path(directory)}”里已有不是演示生成的文件（{names}{more}）："
            f"演示会写入其中的 {DEMO_INBOX}、{DEMO_SUMMARY} 和 {DEMO_REPORT}。"
            "请指定一个新的或空的文件夹，例如 jixiao demo jixiao-demo"
        )
