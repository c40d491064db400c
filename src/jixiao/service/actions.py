"""What each command does, once, as library calls: the command line and the ribbon handlers
call these and only print or show the results.  Here: validate, consolidate, the blank
templates and the demo; 导入/导出 are :mod:`jixiao.service.import_export`'s, 生成公开文本
:mod:`jixiao.service.publish`'s.

Every flow checks its request before doing any work (:mod:`jixiao.service.refusals`): an
output that already exists is never overwritten unless ``force`` is given, and an output that
is one of the inputs is always refused.  A refused request raises
:class:`~jixiao.service.refusals.ActionError` (a Chinese message for the clerk; the command
line exits 2).  Problems in the data are findings in the results, never exceptions.

The template builder (openpyxl) is imported by the flows that write templates, so validating
and consolidating start without it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.atomic import atomic_write_text
from jixiao.consolidation.cross_files import cross_checks, with_cross_findings
from jixiao.consolidation.results import Entry, FileResult
from jixiao.consolidation.unit import Consolidation
from jixiao.findings import Report
from jixiao.money import MoneyUnit
from jixiao.outputs.report import report_text
from jixiao.profiles import DEFAULT_PROFILE, Profile, builtin_names, load_profile
from jixiao.service.cache import RunOptions
from jixiao.service.collect import collect_results, consolidate_paths
from jixiao.service.refusals import ActionError, check_outputs, nothing_found, require_suffix
from jixiao.service.scan import find_submissions
from jixiao.template.application import DEFAULT_PROFILE as APPLICATION_PROFILE
from jixiao.template.application import LAYOUT_NAME as APPLICATION_LAYOUT
from jixiao.template.names import DEFAULT_PROJECTS, TEMPLATE_LAYOUTS
from jixiao.textfiles import readable_path

if TYPE_CHECKING:
    from openpyxl import Workbook

Progress = Callable[[int, int], None]
"""Called after each file is read: ``(done, total)``."""

TEMPLATE_NAME = "绩效目标模板-{profile}.xlsx"
"""A template's file name when one is written per built-in profile (``template --all``)."""
APPLICATION_TEMPLATE_NAME = "申报表模板-{profile}.xlsx"
"""The 申报表 template's file name (issue 14); one is shipped, for its default profile."""

DEMO_INBOX, DEMO_SUMMARY, DEMO_REPORT = "报送", "汇总.xlsx", "校验报告.txt"


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
