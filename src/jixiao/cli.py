"""The ``jixiao`` command: a thin layer over the engine."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from jixiao.atomic import atomic_write_text
from jixiao.consolidate import Consolidation
from jixiao.excel.install import InstallError, Paths, install, status, uninstall
from jixiao.findings import FileReport, Report, Severity
from jixiao.money import MoneyUnit
from jixiao.outputs.catalogue import render_rules
from jixiao.outputs.report import consolidation_json, consolidation_text, report_json, report_text
from jixiao.profiles import ProfileError, builtin_names, load_profile
from jixiao.readers.interchange import submission_schema, submission_to_json
from jixiao.service.collect import (
    collect,
    consolidate_paths,
    find_submissions,
    read_and_validate,
    read_submission,
)
from jixiao.service.demo import UNIT_NAME, make_submissions
from jixiao.template.build import build_template, save_workbook
from jixiao.template.fill import FillError, fill_workbook
from jixiao.template.layout import DEFAULT_PROJECTS, MAX_PROJECTS
from jixiao.validate import profile_for

F = TypeVar("F", bound=Callable[..., Any])
_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _emit(text: str) -> None:
    click.echo(text)


def _format_option(func: F) -> F:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="输出格式",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jixiao")
def main() -> None:
    """jixiao（绩效）：预算绩效目标表的填报模板、校验与汇总工具。"""


def _style_for_terminal() -> Callable[[str, Severity], str]:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return lambda text, severity: text
    return lambda text, severity: click.style(text, fg=_COLORS[severity], bold=True)


def _print_report(report: Report, output_format: str) -> None:
    if output_format == "json":
        _emit(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        _emit(report_text(report, _style_for_terminal()))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--profile",
    "profile_name",
    default=None,
    help=f"规则配置：{'、'.join(builtin_names())}，或配置文件路径（默认取提交中的设置）",
)
@_format_option
def validate(paths: tuple[Path, ...], profile_name: str | None, output_format: str) -> None:
    """校验提交文件：.xlsx 模板、.json、公开的 .docx/.txt/.md（文件夹递归查找 .xlsx/.json/.docx）。

    退出码：0 无错误，1 有错误，2 用法或程序错误。
    """
    if profile_name:
        _load_profile_or_fail(profile_name)
    files = list(find_submissions(paths))
    if not files:
        raise click.UsageError("没有找到可校验的文件（支持 .xlsx、.xlsm、.json、.docx、.txt、.md）")
    if len(files) == 1:
        entries = collect(files, profile_name)
    else:  # several files: both cores, with progress on stderr (stdout stays the report)
        with click.progressbar(
            length=len(files), label="校验", file=sys.stderr, show_pos=True
        ) as bar:
            entries = collect(files, profile_name, progress=lambda _: bar.update(1))
    report = Report([entry.file_report() for entry in entries])
    _print_report(report, output_format)
    sys.exit(1 if report.has_errors else 0)


def _load_profile_or_fail(name: str) -> None:
    try:
        load_profile(name)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="输出格式",
)
def rules(output_format: str) -> None:
    """列出全部校验规则：编码、级别、名称和修改提示。"""
    _emit(render_rules(output_format))


@main.command()
def schema() -> None:
    """输出提交数据交换格式的 JSON Schema（draft 2020-12）。"""
    _emit(json.dumps(submission_schema(), ensure_ascii=False, indent=2))


TEMPLATE_NAME = "绩效目标模板-{profile}.xlsx"


@main.command("import")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出的填好的模板（.xlsx）",
)
@click.option(
    "--profile",
    "profile_name",
    type=click.Choice(builtin_names()),
    default=None,
    help="规则配置（默认按文档版式自动判断：无项目编码和支出计划的为天津版式）",
)
@_format_option
def import_command(
    document: Path, output: Path, profile_name: str | None, output_format: str
) -> None:
    """导入已公开的绩效目标文件（.docx 或文本 .txt/.md），生成填好的模板并校验。"""
    submission, findings = read_and_validate(document, profile_name)
    report = Report(
        [FileReport(str(document), len(submission.projects) if submission else 0, findings)]
    )
    if submission is None:
        _print_report(report, output_format)
        sys.exit(1)
    if profile_name:
        submission = dataclasses.replace(
            submission, unit=dataclasses.replace(submission.unit, profile=profile_name)
        )
    try:
        save_workbook(fill_workbook(submission, profile_name), output)
    except FillError as exc:
        raise click.ClickException(str(exc)) from exc
    profile = profile_for(submission, profile_name)
    _print_report(report, output_format)
    if output_format == "text":
        projects = len(submission.projects)
        _emit(f"已生成填好的模板：{output}（{projects} 个项目，规则配置 {profile.name}）")
    sys.exit(1 if report.has_errors else 0)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="输出的 .xlsx 文件（加 --all 时为文件夹）",
)
@click.option(
    "--profile",
    "profile_name",
    type=click.Choice(builtin_names()),
    default="hebei",
    show_default=True,
    help="规则配置（决定指标下拉列表和必填项）",
)
@click.option(
    "--projects",
    type=click.IntRange(1, MAX_PROJECTS),
    default=DEFAULT_PROJECTS,
    show_default=True,
    help="项目表张数",
)
@click.option("--all", "all_profiles", is_flag=True, help="为每个内置配置各生成一个模板")
def template(output: Path, profile_name: str, projects: int, all_profiles: bool) -> None:
    """生成锁定的填报模板（.xlsx）：只有浅黄色单元格可填写，右侧实时显示校验结果。"""
    targets = (
        [(name, output / TEMPLATE_NAME.format(profile=name)) for name in builtin_names()]
        if all_profiles
        else [(profile_name, output)]
    )
    for name, path in targets:
        save_workbook(build_template(name, projects), path)
        _emit(f"已生成模板：{path}（{name}，{projects} 张项目表）")


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 JSON 文件"
)
def export(source: Path, output: Path) -> None:
    """把填好的模板（或提交 JSON）导出为交换格式 JSON（符合 jixiao schema）。"""
    submission, findings = read_submission(source)
    for finding in findings:
        _emit(f"[{finding.severity.label}] {finding.where} {finding.message}（{finding.code}）")
    if submission is None:
        _emit("无法导出：文件不能读取。")
        sys.exit(1)
    text = json.dumps(submission_to_json(submission), ensure_ascii=False, indent=1)
    atomic_write_text(output, text + "\n")
    _emit(f"已导出：{output}（{len(submission.projects)} 个项目）")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="汇总工作簿（.xlsx）",
)
@click.option(
    "--money-unit",
    type=click.Choice(["万元", "元"]),
    default="万元",
    show_default=True,
    help="汇总使用的金额单位（各文件的金额按此换算）",
)
@click.option("--unit-name", default="本单位", show_default=True, help="汇总单位名称（标题用）")
@click.option("--profile", "profile_name", default=None, help="规则配置（默认取各文件自己的设置）")
@click.option(
    "--by-department", is_flag=True, help="只给一个工作簿时：按各项目表的“填报部门”分组汇总"
)
@_format_option
def consolidate(
    paths: tuple[Path, ...],
    output: Path,
    money_unit: str,
    unit_name: str,
    profile_name: str | None,
    by_department: bool,
    output_format: str,
) -> None:
    """汇总下属单位报送的工作簿（文件夹递归查找），生成带图表和问题清单的汇总工作簿。

    退出码：0 无错误，1 有错误（含无法读取的文件），2 用法或程序错误。
    """
    if profile_name:
        _load_profile_or_fail(profile_name)
    result = run_consolidation(
        paths, output, MoneyUnit(money_unit), unit_name, profile_name, by_department
    )
    if output_format == "json":
        _emit(json.dumps(consolidation_json(result, output), ensure_ascii=False, indent=2))
    else:
        _emit(consolidation_text(result, output))
    sys.exit(1 if result.has_errors else 0)


def run_consolidation(
    paths: tuple[Path, ...] | list[Path],
    output: Path,
    money_unit: MoneyUnit,
    unit_name: str,
    profile_name: str | None = None,
    by_department: bool = False,
) -> Consolidation:
    """consolidate_paths with a progress bar on stderr."""
    files = [p for p in find_submissions(paths) if p.resolve() != output.resolve()]
    if not files:
        raise click.UsageError("没有找到可汇总的文件（支持 .xlsx、.xlsm、.json）")
    with click.progressbar(
        length=len(files), label="读取与校验", file=sys.stderr, show_pos=True
    ) as bar:
        return consolidate_paths(
            files,
            output,
            money_unit,
            unit_name,
            profile_name,
            by_department,
            progress=lambda _: bar.update(1),
        )


@main.command()
@click.argument(
    "directory", required=False, type=click.Path(path_type=Path), default=Path("jixiao-demo")
)
def demo(directory: Path) -> None:
    """演示主流程：用内置的真实公开样例生成几家下属单位的报送工作簿（含预置错误），校验并汇总。"""
    inbox = directory / "报送"
    _emit(f"生成下属单位报送文件：{inbox.resolve()}")
    make_submissions(inbox)
    output = directory / "汇总.xlsx"
    result = run_consolidation([inbox], output, MoneyUnit.WAN, UNIT_NAME)
    report = Report([entry.file_report() for entry in result.entries])
    report_file = directory / "校验报告.txt"
    atomic_write_text(report_file, report_text(report) + "\n")
    _emit(consolidation_text(result, output))
    _emit(f"逐条校验报告：{report_file.resolve()}")
    _emit("打开汇总工作簿的“问题清单”，点击位置即可跳到报送文件中的单元格。")


@main.group()
def excel() -> None:
    """Excel 加载项：安装、卸载、查看状态（Windows，无需管理员权限）。"""


def _paths(profile_dir: Path | None) -> Paths:
    try:
        return Paths.under(profile_dir) if profile_dir else Paths.from_environment()
    except InstallError as exc:
        raise click.ClickException(str(exc)) from exc


_PROFILE_DIR = click.option(
    "--profile-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="用户目录（默认 %USERPROFILE%；测试或为他人安装时指定）",
)


@excel.command("install")
@_PROFILE_DIR
@click.option(
    "--interpreter",
    type=click.Path(path_type=Path),
    default=None,
    help="加载项使用的 Python（默认当前环境的 pythonw.exe）",
)
def excel_install(profile_dir: Path | None, interpreter: Path | None) -> None:
    """安装加载项到 XLSTART、写配置文件、复制模板；重复运行即更新。"""
    paths = _paths(profile_dir)
    chosen = interpreter or Path(sys.executable).with_name("pythonw.exe")
    try:
        written = install(paths, chosen)
    except InstallError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        _emit(f"已写入：{path}")
    _emit("完成。请重新打开 Excel：功能区会出现“绩效目标”选项卡。")


@excel.command("uninstall")
@_PROFILE_DIR
def excel_uninstall(profile_dir: Path | None) -> None:
    """卸载：只删除安装时创建的文件。"""
    for path in uninstall(_paths(profile_dir)):
        _emit(f"已删除：{path}")
    _emit("已卸载 jixiao 加载项。")


@excel.command("status")
@_PROFILE_DIR
def excel_status(profile_dir: Path | None) -> None:
    """查看加载项安装状态。"""
    for key, value in status(_paths(profile_dir)).items():
        _emit(f"{key}：{value}")


def run() -> None:
    """Console entry point: no traceback reaches a clerk; program errors exit 2."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        click.echo(
            f"程序错误：{type(exc).__name__}: {exc}\n设置环境变量 JIXIAO_DEBUG=1 可查看详细信息。",
            err=True,
        )
        sys.exit(2)
