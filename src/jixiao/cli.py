"""The ``jixiao`` command: a thin layer over the engine (validate, rules, schema, demo)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from jixiao.findings import FileReport, Report, Severity
from jixiao.interchange import load_submission, submission_schema
from jixiao.profiles import ProfileError, builtin_names, load_profile
from jixiao.report import report_json, report_text, rules_markdown
from jixiao.rules import RULES
from jixiao.rules.files import FILE_UNREADABLE, file_finding
from jixiao.validate import profile_for, validate_submission

F = TypeVar("F", bound=Callable[..., Any])
SUBMISSION_SUFFIXES = (".json",)
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


def expand_paths(paths: tuple[Path, ...]) -> Iterator[Path]:
    """Files as given; folders searched recursively for submissions (temp files ``~$…`` skipped)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUBMISSION_SUFFIXES
                and not p.name.startswith(("~$", ".~lock"))
            )
        else:
            yield path


def validate_file(path: Path, profile_name: str | None) -> FileReport:
    """Read and validate one file; unreadable input is a finding, never an exception."""
    file = str(path)
    if path.suffix.lower() not in SUBMISSION_SUFFIXES:
        finding = file_finding(
            FILE_UNREADABLE,
            file,
            reason=f"不支持的文件类型“{path.suffix or '无扩展名'}”，目前支持 .json",
        )
        return FileReport(file, 0, [finding])
    submission, findings = load_submission(path)
    if submission is None:
        return FileReport(file, 0, findings)
    profile = profile_for(submission, profile_name)
    return FileReport(
        file, len(submission.projects), validate_submission(submission, profile, file)
    )


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
    """校验提交文件（JSON；文件夹会递归查找）。退出码：0 无错误，1 有错误，2 用法或程序错误。"""
    if profile_name:
        _load_profile_or_fail(profile_name)
    files = list(expand_paths(paths))
    if not files:
        raise click.UsageError("没有找到可校验的文件（支持 .json）")
    report = Report([validate_file(path, profile_name) for path in files])
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
    if output_format == "markdown":
        _emit(rules_markdown().rstrip("\n"))
        return
    if output_format == "json":
        items = [
            {
                "code": r.code,
                "severity": r.severity.value,
                "severities": [s.value for s in r.severities],
                "title": r.title,
                "message": r.message,
                "hint": r.hint,
            }
            for r in RULES.values()
        ]
        _emit(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for rule in RULES.values():
        levels = "/".join(s.label for s in rule.severities)
        _emit(f"{rule.code:<28} {levels:<6} {rule.title}\n{'':<36}→ {rule.hint}")


@main.command()
def schema() -> None:
    """输出提交数据交换格式的 JSON Schema（draft 2020-12）。"""
    _emit(json.dumps(submission_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument(
    "directory", required=False, type=click.Path(path_type=Path), default=Path("jixiao-demo")
)
def demo(directory: Path) -> None:
    """演示：把内置的真实公开样例复制到 DIRECTORY（默认 ./jixiao-demo）并逐一校验。"""
    directory.mkdir(parents=True, exist_ok=True)
    samples = resources.files("jixiao.samples")
    copied = []
    for item in sorted(samples.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".json"):
            target = directory / item.name
            with resources.as_file(item) as source:
                shutil.copyfile(source, target)
            copied.append(target)
    report = Report([validate_file(path, None) for path in copied])
    _print_report(report, "text")
    _emit(f"\n样例文件在：{directory.resolve()}")
    _emit("用 jixiao validate <文件> 校验自己的提交；jixiao rules 查看全部规则。")


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
