"""The ``jixiao`` command: parse options, call :mod:`jixiao.service.actions`, print.

Everything a clerk reads is Chinese, click's own words included (usage lines, help sections,
errors).  Exit codes: 0 no errors, 1 errors found or a file unreadable, 2 usage or program
error, 130 cancelled (Ctrl-C).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jixiao.cli_chinese import CANCELLED, CLICK_ZH, Context
from jixiao.filekinds import describe, folder_kinds
from jixiao.findings import Report, Severity, Tally
from jixiao.money import MoneyUnit
from jixiao.profiles import ProfileError, builtin_names
from jixiao.template.application import TEMPLATE_LAYOUTS
from jixiao.template.layout import DEFAULT_PROJECTS, MAX_PROJECTS
from jixiao.textfiles import printable, readable_path

# The engine (readers, rules, the template layout, the service) is imported inside the commands
# that use it: `jixiao --help` and `jixiao validate` start in a fraction of a second (issue #15;
# tests/test_startup.py checks which modules a command loads).
if TYPE_CHECKING:
    from jixiao.excel.install import Paths
    from jixiao.service.actions import Progress

__all__ = ["CLICK_ZH", "TEMPLATE_NAME", "main", "run"]  # noqa: F822  (TEMPLATE_NAME: __getattr__)


def __getattr__(name: str) -> str:
    """``TEMPLATE_NAME`` (the service's), without importing the service when the CLI loads."""
    if name == "TEMPLATE_NAME":
        from jixiao.service.actions import TEMPLATE_NAME

        return TEMPLATE_NAME
    raise AttributeError(f"module 'jixiao.cli' has no attribute {name!r}")


EXIT_CANCELLED = 130


class _Failure(click.ClickException):
    """A refused request or a program error: ``错误：…``, exit 2."""

    exit_code = 2


class _Command(click.Command):
    """A command with Chinese usage pieces whose service errors become Chinese exit-2 errors."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _failures():
            return super().invoke(ctx)


@contextmanager
def _failures() -> Iterator[None]:
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # click's own (usage errors, --help): no service is involved
    except Exception as exc:
        from jixiao.service.actions import ActionError, OutputExists

        if isinstance(exc, OutputExists):
            raise _Failure(f"{exc}；如需覆盖，请加 --force") from exc
        if isinstance(exc, ActionError | ProfileError):
            raise _Failure(str(exc)) from exc
        if not isinstance(exc, OSError):
            raise
        if exc.errno == errno.EPIPE:  # output piped into `head`: click handles it
            raise
        raise _Failure(os_error_text(exc)) from exc


_OS_REASONS = {
    errno.EACCES: "没有权限（文件可能正在 Excel/WPS 中打开，或文件夹是只读的）",
    errno.EPERM: "没有权限（文件可能正在 Excel/WPS 中打开，或文件夹是只读的）",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘是只读的",
    errno.ENOENT: "路径不存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "路径太长",
}


def os_error_text(exc: OSError) -> str:
    """An operating-system error (cannot write the output…) in Chinese."""
    reason = _OS_REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}")
    where = f"“{readable_path(exc.filename)}”" if exc.filename else ""
    return f"无法读写文件{where}：{reason}"


class _Group(_Command, click.Group):
    """The ``jixiao`` group: Chinese throughout; Ctrl-C ends with 已取消 and exit 130."""

    command_class = _Command
    group_class = type  # subgroups are _Group too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """As click's ``main``, with exit 130 when cancelled (click would exit 1)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo(CANCELLED, err=True)
            sys.exit(EXIT_CANCELLED)
        sys.exit(code if isinstance(code, int) else 0)


# ---------------------------------------------------------------- options and printing

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


def _paths_argument(metavar: str) -> Callable[[F], F]:
    """The files or folders a command reads (one or more, each must exist)."""
    return click.argument(
        "paths",
        nargs=-1,
        required=True,
        metavar=metavar,
        type=click.Path(exists=True, path_type=Path),
    )


def _force_option(func: F) -> F:
    return click.option("--force", is_flag=True, help="输出文件已存在时覆盖它（默认拒绝覆盖）")(
        func
    )


def _no_cache_option(func: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="不使用汇总缓存：每个文件都重新读取（默认只重读内容有变化的文件）",
    )(func)


def _style_for_terminal() -> Callable[[str, Severity], str]:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return lambda text, severity: text
    return lambda text, severity: click.style(text, fg=_COLORS[severity], bold=True)


def _print_report(report: Report, output_format: str) -> None:
    from jixiao.outputs.report import report_json, report_text

    if output_format == "json":
        _emit(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        _emit(report_text(report, _style_for_terminal()))


def _exit_for(tally: Tally) -> None:
    sys.exit(1 if tally.errors else 0)


@contextmanager
def _progress_bar(label: str, minimum: int = 1) -> Iterator[Progress]:
    """A progress bar on stderr (stdout stays the report), shown once the total is known."""
    bars: list[Any] = []

    def step(done: int, total: int) -> None:
        if total < minimum:
            return
        if not bars:
            bars.append(
                click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            )
            bars[0].__enter__()
        bars[0].update(1)

    try:
        yield step
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


_PROFILE_HELP = f"规则配置：{'、'.join(builtin_names())}，或配置文件路径"
EXIT_CODES = "退出码：0 无错误，1 有错误（含无法读取的文件），2 用法或程序错误，130 已取消。"

# ---------------------------------------------------------------- commands


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@_paths_argument("文件或文件夹...")
@click.option(
    "--profile",
    "profile_name",
    metavar="配置",
    default=None,
    help=f"{_PROFILE_HELP}（默认取提交中的设置）",
)
@_no_cache_option
@_format_option
def validate(
    paths: tuple[Path, ...], profile_name: str | None, no_cache: bool, output_format: str
) -> None:
    from jixiao.service.actions import report_of, validate_paths

    with _progress_bar("校验", minimum=2) as progress:
        entries = validate_paths(paths, profile_name, progress, use_cache=not no_cache)
    report = report_of(entries)
    _print_report(report, output_format)
    _exit_for(report.tally())


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

    _emit(render_rules(output_format))


@main.command()
def schema() -> None:
    """输出提交数据交换格式的 JSON Schema（draft 2020-12）。"""
    from jixiao.readers.interchange import submission_schema

    _emit(json.dumps(submission_schema(), ensure_ascii=False, indent=2))


@main.command(
    "import",
    help=f"导入已公开的绩效目标文件（{describe('docx', 'text')}），生成填好的模板并校验。"
    "\n\n" + EXIT_CODES,
    short_help="导入已公开的绩效目标文件，生成填好的模板。",
)
@click.argument(
    "document", metavar="文件", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    metavar="文件",
    type=click.Path(path_type=Path),
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
@click.option(
    "--layout",
    "layout_name",
    type=click.Choice(TEMPLATE_LAYOUTS),
    default=None,
    help="写入哪种模板（默认按文档判断：其他省份的申报表、批复表写入申报表，其余写入绩效目标表）",
)
@_force_option
@_format_option
def import_command(
    document: Path,
    output: Path,
    profile_name: str | None,
    layout_name: str | None,
    force: bool,
    output_format: str,
) -> None:
    from jixiao.outputs.report import report_json
    from jixiao.service.actions import import_to_template

    imported = import_to_template(document, output, profile_name, force, layout_name)
    report = Report([imported.report])
    if output_format == "json":  # the report, and every workbook written (two for a mixed one)
        written = [
            {"path": str(b.path), "layout": b.layout, "projects": b.projects, "profile": b.profile}
            for b in imported.written
        ]
        data = report_json(report) | {"written": written}
        _emit(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_report(report, output_format)
    if imported.submission is None:
        sys.exit(1)
    if output_format == "text":
        for book in imported.written:
            what = f"{book.projects} 个项目，规则配置 {book.profile}"
            if book.layout != TEMPLATE_LAYOUTS[0] or len(imported.written) > 1:
                what = f"{book.layout}，{what}"
            _emit(f"已生成填好的模板：{readable_path(book.path)}（{what}）")
        if len(imported.written) > 1:
            _emit("文档含两种版式：绩效目标表和申报表各写入一个工作簿（两者可一起汇总）")
    _exit_for(report.tally())


@main.command()
@click.option(
    "-o",
    "--output",
    metavar="文件",
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
@_force_option
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
        _emit(f"已生成模板：{readable_path(path)}（{name}，{projects} 张项目表）")


@main.command()
@click.argument(
    "source", metavar="文件", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    metavar="文件",
    type=click.Path(path_type=Path),
    required=True,
    help="输出的 JSON 文件",
)
@_force_option
def export(source: Path, output: Path, force: bool) -> None:
    """把填好的模板（或提交 JSON）导出为交换格式 JSON（符合 jixiao schema）。"""
    from jixiao.service.actions import export_submission

    exported = export_submission(source, output, force)
    shown = readable_path(source)
    for finding in exported.findings:
        where = f" {finding.where}" if finding.where else ""
        line = f"[{finding.severity.label}] {shown}{where} {finding.message}（{finding.code}）"
        _emit(printable(line))
    if exported.refused is not None:
        _emit(printable(f"无法导出“{shown}”：{exported.refused}，没有写出任何文件。"))
        sys.exit(1)
    assert exported.submission is not None
    projects = len(exported.submission.projects)
    _emit(f"已导出：{readable_path(output)}（{projects} 个项目）")
    _exit_for(Tally.of(exported.findings))


@main.command(
    help="汇总下属单位的报送（文件夹递归查找），生成带图表和问题清单的汇总工作簿；"
    "跨文件检查与 validate 相同。\n\n" + EXIT_CODES,
    short_help="汇总下属单位的报送，生成汇总工作簿。",
)
@_paths_argument("文件或文件夹...")
@click.option(
    "-o",
    "--output",
    metavar="文件",
    type=click.Path(path_type=Path),
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
    help=f"{_PROFILE_HELP}（默认取各文件自己的设置）",
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
@_force_option
@_no_cache_option
@_format_option
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

    with _progress_bar("读取与校验") as progress:
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
        )
    if output_format == "json":
        for piece in consolidation_json_text(result, output):
            click.echo(piece, nl=False)
        click.echo()
    else:
        _emit(consolidation_text(result, output))
        if tables_dir is not None:
            _emit(f"CSV 表格：{readable_path(tables_dir.resolve())}")
    _exit_for(result.tally)


@main.command(
    "publish",
    help="把填好的工作簿生成公开文本：Word 文档（.docx），版式与各单位公开的绩效目标文本一致"
    "（项目绩效目标表、部门整体绩效目标、整体绩效目标表），可再导入（jixiao import）。"
    "有错误的工作簿不生成，除非加 --allow-errors；加 --pdf 同时经 LibreOffice 生成 PDF。"
    "\n\n" + EXIT_CODES,
    short_help="把填好的工作簿生成公开文本（.docx，可加 PDF）。",
)
@_paths_argument("工作簿...")
@click.option(
    "-o",
    "--output",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="公开文本（.docx）",
)
@click.option("--pdf", is_flag=True, help="同时生成同名 PDF（需要安装 LibreOffice）")
@click.option(
    "--allow-errors", is_flag=True, help="工作簿有错误也生成（照常报告错误数，退出码为 1）"
)
@click.option("--profile", "profile_name", metavar="配置", default=None, help=_PROFILE_HELP)
@_force_option
def publish_command(
    paths: tuple[Path, ...],
    output: Path,
    pdf: bool,
    allow_errors: bool,
    profile_name: str | None,
    force: bool,
) -> None:
    from jixiao.service.publish import publish, published_text

    with _progress_bar("读取与校验") as progress:
        result = publish(paths, output, pdf, allow_errors, force, profile_name, progress)
    _emit(published_text(result))
    sys.exit(1 if result.errors or result.unreadable or result.refused else 0)


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

    with _progress_bar("读取与校验") as progress:
        run = run_demo(directory, progress)
    _emit(f"下属单位报送文件：{run.inbox.resolve()}")
    _emit(consolidation_text(run.result, run.output))
    _emit(f"逐条校验报告：{run.report_file.resolve()}")
    _emit("打开汇总工作簿的“问题清单”，点击位置即可跳到报送文件中的单元格。")


@main.group()
def excel() -> None:
    """Excel 加载项：安装、卸载、查看状态（Windows，无需管理员权限）。"""


@contextmanager
def _installing() -> Iterator[None]:
    """The add-in's install errors as Chinese exit-2 errors (the installer is imported only by
    the ``excel`` commands: every other command starts without it)."""
    from jixiao.excel.install import InstallError
    from jixiao.excel.oserrors import os_error_message

    try:
        yield
    except InstallError as exc:
        raise _Failure(str(exc)) from exc
    except OSError as exc:  # what install/uninstall do not turn into InstallError themselves
        raise _Failure(os_error_message(exc)) from exc


def _paths(profile_dir: Path | None) -> Paths:
    from jixiao.excel.install import Paths
    from jixiao.excel.winpaths import this_desk

    if profile_dir:
        return Paths.under(profile_dir)
    return Paths.from_environment(desk=this_desk())


_PROFILE_DIR = click.option(
    "--profile-dir",
    metavar="文件夹",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="用户目录（默认 %USERPROFILE%；测试或为他人安装时指定）",
)


@excel.command("install")
@_PROFILE_DIR
@click.option(
    "--interpreter",
    metavar="文件",
    type=click.Path(path_type=Path),
    default=None,
    help="加载项使用的 Python（默认当前环境的 pythonw.exe）",
)
def excel_install(profile_dir: Path | None, interpreter: Path | None) -> None:
    """安装加载项到 XLSTART、写配置文件、复制模板；重复运行即更新。"""
    from jixiao.excel.install import install

    chosen = interpreter or Path(sys.executable).with_name("pythonw.exe")
    with _installing():
        done = install(_paths(profile_dir), chosen)
    for path in done.written:
        _emit(f"已写入：{path}")
    for path in done.kept:
        _emit(f"保留（安装后被修改过或不是 jixiao 写的，未覆盖）：{path}")
    for note in done.notes:
        _emit(note)
    _emit(f"模板在：{done.templates}")
    _emit("完成。请重新打开 Excel：功能区会出现“绩效目标”选项卡。")


@excel.command("uninstall")
@_PROFILE_DIR
def excel_uninstall(profile_dir: Path | None) -> None:
    """卸载：只删除安装时创建、且之后没有改动过的文件。"""
    from jixiao.excel.install import uninstall

    with _installing():
        done = uninstall(_paths(profile_dir))
    for path in done.removed:
        _emit(f"已删除：{path}")
    for path in done.kept:
        _emit(f"保留（安装后被修改过）：{path}")
    _emit("已卸载 jixiao 加载项。")


@excel.command("status")
@_PROFILE_DIR
def excel_status(profile_dir: Path | None) -> None:
    """查看加载项安装状态。"""
    from jixiao.excel.install import status

    with _installing():
        found = status(_paths(profile_dir))
    for key, value in found.items():
        _emit(f"{key}：{value}")


@excel.command("bundle")
@click.option(
    "-o",
    "--output",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("jixiao-offline-win64.zip"),
    show_default=True,
    help="离线安装包（zip）",
)
@click.option(
    "--python",
    "python",
    type=click.Choice(["3.11", "3.12", "3.13"]),
    default="3.11",
    show_default=True,
    help="目标电脑上 64 位 Python 的版本",
)
@click.option(
    "--source",
    metavar="文件夹",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="jixiao 源码文件夹（默认：本安装所在的源码）",
)
@click.option("--force", is_flag=True, help="覆盖已存在的离线安装包")
def excel_bundle(output: Path, python: str, source: Path | None, force: bool) -> None:
    """制作离线安装包：在联网电脑（Linux 也可）上收集 jixiao 及全部依赖的 Windows wheel。"""
    from jixiao.excel.bundle import BundleError, build_bundle
    from jixiao.service.actions import check_outputs

    check_outputs([output], force=force)
    _emit("正在构建 jixiao 并下载依赖（需要联网）……")
    try:
        wheels = build_bundle(output, python, source)
    except BundleError as exc:
        raise _Failure(str(exc)) from exc
    _emit(f"离线安装包：{output.resolve()}（{len(wheels)} 个 wheel，Python {python}，64 位）")
    _emit(
        f"在没有网络的电脑上：解压，关闭 Excel，双击 install.cmd。需要 64 位 Python {python}"
        f"（可把 python.org 的 python-{python}.x-amd64.exe 放进解压后的文件夹，由安装程序装上）。"
    )


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
