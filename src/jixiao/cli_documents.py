"""``jixiao import``, ``export`` and ``publish``: the commands that turn one format into
another (a published document into a filled template, a workbook into interchange JSON,
workbooks into the 公开文本 document), where :mod:`jixiao.cli` holds the daily flow (validate,
consolidate, templates, the demo) and adds these to the ``jixiao`` group.  As there, the engine
is imported inside each command, so ``jixiao --help`` loads none of it.  Each is made with
the group's own command class (:class:`jixiao.cli_support.Command`: Chinese usage and help), as
``@main.command`` made them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from jixiao.cli_support import (
    EXIT_CODES,
    PROFILE_HELP,
    Command,
    emit,
    emit_json,
    exit_for,
    force_option,
    format_option,
    output_option,
    paths_argument,
    print_report,
    progress_bar,
)
from jixiao.filekinds import describe
from jixiao.findings import Report, Tally
from jixiao.profiles import builtin_names
from jixiao.template.names import TEMPLATE_LAYOUTS
from jixiao.textfiles import printable, readable_path


@click.command(
    "import",
    cls=Command,
    help=f"导入已公开的绩效目标文件（{describe('docx', 'text')}），生成填好的模板并校验。"
    "\n\n" + EXIT_CODES,
    short_help="导入已公开的绩效目标文件，生成填好的模板。",
)
@click.argument(
    "document", metavar="文件", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@output_option("输出的填好的模板（.xlsx）")
@click.option(
    "--profile",
    "profile_name",
    type=click.Choice(builtin_names()),
    default=None,
    help="规则配置（默认按文档版式自动判断：无项目编码和支出计划的为天津版式）",
)
@click.option(
    "--layout",
    "layout_name",
    type=click.Choice(TEMPLATE_LAYOUTS),
    default=None,
    help="写入哪种模板（默认按文档判断：其他省份的申报表、批复表写入申报表，其余写入绩效目标表）",
)
@force_option
@format_option
def import_command(
    document: Path,
    output: Path,
    profile_name: str | None,
    layout_name: str | None,
    force: bool,
    output_format: str,
) -> None:
    from jixiao.outputs.report import report_json
    from jixiao.service.import_export import import_to_template

    imported = import_to_template(document, output, profile_name, force, layout_name)
    report = Report([imported.report])
    if output_format == "json":  # the report, and every workbook written (two for a mixed one)
        written = [
            {"path": str(b.path), "layout": b.layout, "projects": b.projects, "profile": b.profile}
            for b in imported.written
        ]
        data = report_json(report) | {"written": written}
        emit_json(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print_report(report, output_format)
    if imported.submission is None:
        sys.exit(1)
    if output_format == "text":
        for book in imported.written:
            what = f"{book.projects} 个项目，规则配置 {book.profile}"
            if book.layout != TEMPLATE_LAYOUTS[0] or len(imported.written) > 1:
                what = f"{book.layout}，{what}"
            emit(f"已生成填好的模板：{readable_path(book.path)}（{what}）")
        if len(imported.written) > 1:
            emit("文档含两种版式：绩效目标表和申报表各写入一个工作簿（两者可一起汇总）")
    exit_for(report.tally())


@click.command(cls=Command)
@click.argument(
    "source", metavar="文件", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@output_option("输出的 JSON 文件")
@force_option
def export(source: Path, output: Path, force: bool) -> None:
    """把填好的模板（或提交 JSON）导出为交换格式 JSON（符合 jixiao schema）。"""
    from jixiao.service.import_export import export_submission

    exported = export_submission(source, output, force)
    shown = readable_path(source)
    for finding in exported.findings:
        where = f" {finding.where}" if finding.where else ""
        line = f"[{finding.severity.label}] {shown}{where} {finding.message}（{finding.code}）"
        emit(printable(line))
    if exported.refused is not None:
        emit(printable(f"无法导出“{shown}”：{exported.refused}，没有写出任何文件。"))
        sys.exit(1)
    assert exported.submission is not None
    projects = len(exported.submission.projects)
    emit(f"已导出：{readable_path(output)}（{projects} 个项目）")
    exit_for(Tally.of(exported.findings))


@click.command(
    "publish",
    cls=Command,
    help="把填好的工作簿生成公开文本：Word 文档（.docx），版式与各单位公开的绩效目标文本一致"
    "（项目绩效目标表、部门整体绩效目标、整体绩效目标表），可再导入（jixiao import）。"
    "有错误的工作簿不生成，除非加 --allow-errors；加 --pdf 同时经 LibreOffice 生成 PDF。"
    "\n\n" + EXIT_CODES,
    short_help="把填好的工作簿生成公开文本（.docx，可加 PDF）。",
)
@paths_argument("工作簿...")
@output_option("公开文本（.docx）", dir_okay=False)
@click.option("--pdf", is_flag=True, help="同时生成同名 PDF（需要安装 LibreOffice）")
@click.option(
    "--allow-errors", is_flag=True, help="工作簿有错误也生成（照常报告错误数，退出码为 1）"
)
@click.option("--profile", "profile_name", metavar="配置", default=None, help=PROFILE_HELP)
@force_option
def publish_command(
    paths: tuple[Path, ...],
    output: Path,
    pdf: bool,
    allow_errors: bool,
    profile_name: str | None,
    force: bool,
) -> None:
    from jixiao.service.publish import publish, published_text

    with progress_bar("读取与校验") as progress:
        result = publish(paths, output, pdf, allow_errors, force, profile_name, progress)
    emit(published_text(result))
    sys.exit(1 if result.errors or result.unreadable or result.refused else 0)
