"""The ``jixiao`` command: parse options, call :mod:`jixiao.service.actions`, print.

Everything a clerk reads is Chinese, click's own words included (usage lines, help sections,
errors).  Exit codes: 0 no errors, 1 errors found or a file unreadable, 2 usage or program
error, 130 cancelled (Ctrl-C).

This module holds the daily flow (validate, consolidate, template, demo, rules, schema) and the
entry point; the format conversions (import, export, publish) are in :mod:`jixiao.cli_documents`
and ``jixiao excel …`` in :mod:`jixiao.cli_excel`, both added to :func:`main` here.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jixiao.cli_chinese import CANCELLED, CLICK_ZH
from jixiao.cli_documents import export, import_command, publish_command
from jixiao.cli_excel import excel
from jixiao.cli_support import (
    EXIT_CANCELLED,
    EXIT_CODES,
    PROFILE_HELP,
    Group,
    emit,
    emit_json,
    exit_for,
    force_option,
    format_option,
    no_cache_option,
    output_option,
    paths_argument,
    print_report,
    progress_bar,
)
from jixiao.filekinds import describe, folder_kinds
from jixiao.money import MoneyUnit
from jixiao.profiles import builtin_names
from jixiao.template.names import DEFAULT_PROJECTS, MAX_PROJECTS, TEMPLATE_LAYOUTS
from jixiao.textfiles import readable_path

# The engine (readers, rules, the template layout, the service) is imported inside the commands
# that use it: `jixiao --help` and `jixiao validate` start in a fraction of a second (issue #15;
# tests/test_startup.py checks which modules a command loads).
if TYPE_CHECKING:
    pass

__all__ = ["CLICK_ZH", "TEMPLATE_NAME", "main", "run"]  # noqa: F822  (TEMPLATE_NAME: __getattr__)


def __getattr__(name: str) -> str:
    """``TEMPLATE_NAME`` (the service's), without importing the service when the CLI loads."""
    if name == "TEMPLATE_NAME":
        from jixiao.service.actions import TEMPLATE_NAME

        return TEMPLATE_NAME
    raise AttributeError(f"module 'jixiao.cli' has no attribute {name!r}")


WRITING_BAR_FROM = 30_000
"""The writing bar shows from this much work (list rows, the package counted in: about
20,000 rows, a second of writing); a smaller summary is written before a bar would matter."""


# ---------------------------------------------------------------- commands


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="jixiao",
    message="%(prog)s 版本 %(version)s",
    help="显示版本号并退出。",
)
def main() -> None:
    """jixiao（绩效）：预算绩效目标表的填报模板、校验与汇总工具。"""


@main.command(
    help=f"校验提交文件：{describe()}；文件夹递归查找 {folder_kinds()}。"
    "多个文件时还做跨文件检查（与汇总相同）。\n\n" + EXIT_CODES,
    short_help="校验模板、JSON 和公开文件（文件或文件夹）。",
)
@paths_argument("文件或文件夹...")
@click.option(
    "--profile",
    "profile_name",
    metavar="配置",
    default=None,
    help=f"{PROFILE_HELP}（默认取提交中的设置）",
)
@no_cache_option
@format_option
def validate(
    paths: tuple[Path, ...], profile_name: str | None, no_cache: bool, output_format: str
) -> None:
    from jixiao.service.actions import report_of, validate_paths

    with progress_bar("校验", minimum=2) as progress:
        entries = validate_paths(paths, profile_name, progress, use_cache=not no_cache)
    report = report_of(entries)
    print_report(report, output_format)
    exit_for(report.tally())


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
    from jixiao.outputs.catalogue import render_rules

    shown = render_rules(output_format)
    if output_format == "json":
        emit_json(shown)
    else:
        emit(shown)


@main.command()
def schema() -> None:
    """输出提交数据交换格式的 JSON Schema（draft 2020-12）。"""
    from jixiao.readers.interchange import submission_schema

    emit_json(json.dumps(submission_schema(), ensure_ascii=False, indent=2))


@main.command()
@output_option("输出的 .xlsx 文件（加 --all 时为文件夹）")
@click.option(
    "--profile",
    "profile_name",
    type=click.Choice(builtin_names()),
    default="hebei",
    show_default=True,
    help="规则配置（决定指标下拉列表和必填项；申报表不给出时为 national）",
)
@click.option(
    "--layout",
    "layout_name",
    type=click.Choice(TEMPLATE_LAYOUTS),
    default=TEMPLATE_LAYOUTS[0],
    show_default=True,
    help="版式：绩效目标表（河北、天津）或申报表（项目支出绩效目标申报表：指标性质、指标值、"
    "度量单位、权重分列）",
)
@click.option(
    "--projects",
    metavar="张数",
    type=click.IntRange(1, MAX_PROJECTS),
    default=DEFAULT_PROJECTS,
    show_default=True,
    help="项目表张数",
)
@click.option(
    "--all",
    "all_profiles",
    is_flag=True,
    help="生成全部内置模板：每个配置一个绩效目标表模板，另加一个申报表模板",
)
@force_option
def template(
    output: Path,
    profile_name: str,
    layout_name: str,
    projects: int,
    all_profiles: bool,
    force: bool,
) -> None:
    """生成锁定的填报模板（.xlsx）：只有浅黄色单元格可填写，右侧实时显示校验结果。"""
    from jixiao.service.actions import write_templates

    source = click.get_current_context().get_parameter_source("profile_name")
    chosen = None if source is click.core.ParameterSource.DEFAULT else profile_name
    written = write_templates(output, chosen, projects, all_profiles, force, layout_name)
    for name, path in written:
        emit(f"已生成模板：{readable_path(path)}（{name}，{projects} 张项目表）")


@main.command(
    help="汇总下属单位的报送（文件夹递归查找），生成带图表和问题清单的汇总工作簿；"
    "跨文件检查与 validate 相同。\n\n" + EXIT_CODES,
    short_help="汇总下属单位的报送，生成汇总工作簿。",
)
@paths_argument("文件或文件夹...")
@output_option("汇总工作簿（.xlsx）")
@click.option(
    "--money-unit",
    type=click.Choice(["万元", "元"]),
    default="万元",
    show_default=True,
    help="汇总使用的金额单位（各文件的金额按此换算）",
)
@click.option(
    "--unit-name",
    metavar="名称",
    default="本单位",
    show_default=True,
    help="汇总单位名称（标题用）",
)
@click.option(
    "--profile",
    "profile_name",
    metavar="配置",
    default=None,
    help=f"{PROFILE_HELP}（默认取各文件自己的设置）",
)
@click.option(
    "--by-department", is_flag=True, help="只给一个工作簿时：按各项目表的“填报部门”分组汇总"
)
@click.option(
    "--tables-dir",
    metavar="文件夹",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="同时把每张汇总表另存为 CSV 文件（UTF-8 带 BOM，Excel 和 WPS 可直接打开）到此文件夹，"
    "文件名即工作表名（如 项目汇总.csv）；超出一个工作表行数的表也只有一个 CSV",
)
@force_option
@no_cache_option
@format_option
def consolidate(
    paths: tuple[Path, ...],
    output: Path,
    money_unit: str,
    unit_name: str,
    profile_name: str | None,
    by_department: bool,
    tables_dir: Path | None,
    force: bool,
    no_cache: bool,
    output_format: str,
) -> None:
    from jixiao.outputs.report import consolidation_json_text, consolidation_text
    from jixiao.service.actions import consolidate_submissions

    reading = progress_bar("读取与校验")
    writing = progress_bar("写入汇总工作簿", minimum=WRITING_BAR_FROM, percent=True)
    with reading as progress, writing as written:
        result = consolidate_submissions(
            paths,
            output,
            MoneyUnit(money_unit),
            unit_name,
            profile_name,
            by_department,
            force,
            progress,
            use_cache=not no_cache,
            tables_dir=tables_dir,
            writing=written,
        )
    if output_format == "json":
        for piece in consolidation_json_text(result, output):
            emit_json(piece, nl=False)
        click.echo()
    else:
        emit(consolidation_text(result, output))
        if tables_dir is not None:
            emit(f"CSV 表格：{readable_path(tables_dir.resolve())}")
    exit_for(result.tally)


@main.command(
    help="演示主流程：用内置的真实公开样例生成几家下属单位的报送工作簿（含预置错误），校验并汇总。"
    "\n\n默认写到 ./jixiao-demo；演示目录归演示所有，重复运行会刷新其中的文件。",
    short_help="演示主流程：生成几家下属单位的报送，校验并汇总。",
)
@click.argument(
    "directory",
    metavar="[文件夹]",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("jixiao-demo"),
)
def demo(directory: Path) -> None:
    from jixiao.outputs.report import consolidation_text
    from jixiao.service.actions import run_demo

    with progress_bar("读取与校验") as progress:
        run = run_demo(directory, progress)
    emit(f"下属单位报送文件：{run.inbox.resolve()}")
    emit(consolidation_text(run.result, run.output))
    emit(f"逐条校验报告：{run.report_file.resolve()}")
    emit("打开汇总工作簿的“问题清单”，点击位置即可跳到报送文件中的单元格。")


main.add_command(import_command)
main.add_command(export)
main.add_command(publish_command)
main.add_command(excel)


def run() -> None:
    """Console entry point: no traceback reaches a clerk; program errors exit 2, Ctrl-C 130."""
    try:
        main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo(CANCELLED, err=True)
        sys.exit(EXIT_CANCELLED)
    except Exception as exc:
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        click.echo(f"程序错误（{type(exc).__name__}）：{exc}", err=True)
        click.echo("设置环境变量 JIXIAO_DEBUG=1 可查看详细信息。", err=True)
        sys.exit(2)
