"""What every ``jixiao`` command shares: Chinese failures and exit codes, the common options,
printing a report, the progress bar.  The commands themselves are in :mod:`jixiao.cli` (and the
format conversions' in :mod:`jixiao.cli_documents`, the add-in's in :mod:`jixiao.cli_excel`);
this module imports nothing of the engine at load time."""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jixiao.cli_chinese import CANCELLED, Context
from jixiao.findings import Report, Severity, Tally
from jixiao.profiles import ProfileError, builtin_names
from jixiao.textfiles import readable_path

if TYPE_CHECKING:
    from jixiao.service.actions import Progress


EXIT_CANCELLED = 130
EXIT_CODES = "退出码：0 无错误，1 有错误（含无法读取的文件），2 用法或程序错误，130 已取消。"
"""The exit codes as a command's help states them."""
PROFILE_HELP = f"规则配置：{'、'.join(builtin_names())}，或配置文件路径"
"""The help of a ``--profile`` that takes a built-in name or a profile file."""


class Failure(click.ClickException):
    """A refused request or a program error: ``错误：…``, exit 2."""

    exit_code = 2


class Command(click.Command):
    """A command with Chinese usage pieces whose service errors become Chinese exit-2 errors."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with failures():
            return super().invoke(ctx)


@contextmanager
def failures() -> Iterator[None]:
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # click's own (usage errors, --help): no service is involved
    except Exception as exc:
        from jixiao.service.refusals import ActionError, OutputExists

        if isinstance(exc, OutputExists):
            raise Failure(f"{exc}；如需覆盖，请加 --force") from exc
        if isinstance(exc, ActionError | ProfileError):
            raise Failure(str(exc)) from exc
        if not isinstance(exc, OSError):
            raise
        if exc.errno == errno.EPIPE:  # output piped into `head`: click handles it
            raise
        raise Failure(os_error_text(exc)) from exc


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


class Group(Command, click.Group):
    """The ``jixiao`` group: Chinese throughout; Ctrl-C ends with 已取消 and exit 130."""

    command_class = Command
    group_class = type  # subgroups are Group too

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
        tolerant_output()
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


def tolerant_output() -> None:
    """Text the console's encoding cannot show is replaced (``?``), never a crash.

    A report quotes the data: ``m²``, a no-break space, ``•``, the ``�`` that stands for a
    control character.  Redirected on Chinese Windows (``jixiao validate 报送 > 结果.txt``) or
    on a GBK locale, standard output is GBK, which has none of them; Python would stop the run
    with an encoding error after the work was done and the report half printed."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


# ---------------------------------------------------------------- options and printing

F = TypeVar("F", bound=Callable[..., Any])
_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def emit(text: str) -> None:
    click.echo(text)


def emit_json(text: str, nl: bool = True) -> None:
    """JSON on standard output, intact whatever the output's encoding: where that is not UTF-8
    (redirected on Chinese Windows, ``jixiao schema > s.json``, it is GBK) every non-ASCII
    character is written as its JSON escape (``\\u4e2d``), which any reader decodes alike,
    instead of GBK bytes a JSON reader refuses and ``?`` for what GBK lacks.  ASCII also
    survives Windows PowerShell 5.1, which decodes a program's redirected output with the
    console's code page and writes it again as UTF-16 (UTF-8 bytes would come out garbled)."""
    if not _writes_utf8(getattr(sys.stdout, "encoding", None)):
        text = _NON_ASCII.sub(_json_escape, text)
    click.echo(text, nl=nl)


def _writes_utf8(encoding: str | None) -> bool:
    """Whether an output's encoding is UTF-8, however it is spelled (``UTF-8``, ``utf_8``,
    ``u8``); a BOM-writing ``utf-8-sig`` is not (JSON must not start with one)."""
    try:
        return codecs.lookup(encoding or "").name == "utf-8"
    except LookupError:
        return False


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _json_escape(match: re.Match[str]) -> str:
    """A JSON text's non-ASCII character as its escape (two for one outside the BMP).  Such a
    character only ever stands inside a JSON string, where an escape means the same."""
    return json.dumps(match.group(0))[1:-1]


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="输出格式",
    )(func)


def paths_argument(metavar: str) -> Callable[[F], F]:
    """The files or folders a command reads (one or more, each must exist).  A file that
    exists but cannot be read is reported by the run as that file's problem (the others are
    still read), as it would be inside a folder: not refused as a usage error."""
    return click.argument(
        "paths",
        nargs=-1,
        required=True,
        metavar=metavar,
        type=click.Path(exists=True, readable=False, path_type=Path),
    )


def output_option(help_text: str, dir_okay: bool = True) -> Callable[[F], F]:
    """``-o/--output 文件``: the one file (or folder) a command writes, required."""
    return click.option(
        "-o",
        "--output",
        metavar="文件",
        type=click.Path(dir_okay=dir_okay, path_type=Path),
        required=True,
        help=help_text,
    )


def force_option(func: F) -> F:
    return click.option("--force", is_flag=True, help="输出文件已存在时覆盖它（默认拒绝覆盖）")(
        func
    )


def no_cache_option(func: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="不使用汇总缓存：每个文件都重新读取（默认只重读内容有变化的文件）",
    )(func)


def style_for_terminal() -> Callable[[str, Severity], str]:
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return lambda text, severity: text
    return lambda text, severity: click.style(text, fg=_COLORS[severity], bold=True)


def print_report(report: Report, output_format: str) -> None:
    from jixiao.outputs.report import report_json, report_text

    if output_format == "json":
        emit_json(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        emit(report_text(report, style_for_terminal()))


def exit_for(tally: Tally) -> None:
    sys.exit(1 if tally.errors else 0)


@contextmanager
def progress_bar(label: str, minimum: int = 1, percent: bool = False) -> Iterator[Progress]:
    """A progress bar on stderr (stdout stays the report), shown once the total is known and
    only when it is at least ``minimum``; it counts (``37/120``), or shows a percentage with
    ``percent`` (for work in units a clerk does not count).  Each call says how much is done of
    how much; the bar ends (its line finished) as soon as all is done, so that a bar of the next
    step starts on a line of its own even while this one's ``with`` block is still open."""
    bars: list[Any] = []
    ended = False

    def step(done: int, total: int) -> None:
        nonlocal ended
        if total < minimum or ended or sys.stderr is None:
            # (no standard error, ``2>&-`` or a parent giving none: click would draw the bar
            # on standard output, into the report or the JSON)
            return
        if not bars:
            bars.append(
                click.progressbar(
                    length=total,
                    label=label,
                    file=sys.stderr,
                    show_pos=not percent,
                    show_percent=percent,
                )
            )
            bars[0].__enter__()
        bar = bars[0]
        if done > bar.pos:
            bar.update(min(done, total) - bar.pos)
        if done >= total:
            ended = True
            bar.__exit__(None, None, None)

    try:
        yield step
    finally:
        if bars and not ended:
            bars[0].__exit__(None, None, None)
