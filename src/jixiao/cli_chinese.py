"""click in Chinese: every message click sends through gettext, the help layout measured in
display columns (a Chinese character takes two), headings with a full-width colon.

Imported by :mod:`jixiao.cli`; patching happens at import, before any parameter type is built.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from unicodedata import east_asian_width

import click

CANCELLED = "已取消。"
"""What a clerk reads when a command is cancelled (Ctrl-C)."""

CLICK_ZH: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已停用",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "选项({choices})",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项“{name}”。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "Did you mean {possibility}?": "是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "“{value}”不是有效的是/否值，可用：{states}"
    ),
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合 {formats} 中的任何格式。",
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，实际给了 {len_value} 个。"
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "需要 {len_type} 个值，实际给了 {len_value} 个。"
    ),
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，实际给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，实际给了 {len} 个。",
    "Value must be an iterable.": "值必须是一组值。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，这里需要文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹，这里需要文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”没有读取权限。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”没有写入权限。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "Option {name!r} does not take a value.": "选项“{name}”不带值。",
    "Option {name!r} requires an argument.": "选项“{name}”后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Aborted!": CANCELLED,
    # prompts, editor, terminal (jixiao asks nothing today; kept for completeness)
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不经询问直接确认。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Unknown color {colour!r}": "未知的颜色“{colour}”",
    "Unknown standard stream '{name}'": "未知的标准流“{name}”",
    "Windows error: {error}": "Windows 错误：{error}",
    "d": "天",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "无法确定 Bash 版本，不支持命令补全。"
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Bash 4.4 以下版本不支持命令补全。"
    ),
    # mistakes in a program's declarations (never reach a clerk; translated all the same)
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "提示：命令“{name}”已停用。{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "提示：{param_type}“{name}”已停用。{extra_message}"
    ),
    "Name '{name}' defined twice": "名称“{name}”定义了两次",
    "Could not determine name for option with declarations {decls!r}": (
        "无法确定选项的名称：{decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": (
        "没有定义选项却给出了名称（{name}）：是要声明参数，还是要写成“--{name}”？"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "参数只能有一个声明，实际有 {length} 个：{decls}。"
    ),
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "是/否选项“{decl}”的两个取值不能用同一个开关。"
    ),
}
"""Every message click passes through gettext, in Chinese (a test compares this table with the
installed click's source, so an upgrade that adds a message fails the tests)."""

CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "types",
    "termui",
    "utils",
    "shell_completion",
    "_termui_impl",
    "_winconsole",
)


def gettext(message: str) -> str:
    return CLICK_ZH.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return gettext(singular if count == 1 else plural)


def speak_chinese() -> None:
    """Route click's gettext calls through :data:`CLICK_ZH` (at import, before any parameter
    type is built: ``click.Path`` names itself 文件/文件夹/路径 when it is created)."""
    for name in CLICK_MODULES:
        if name == "_winconsole" and sys.platform != "win32":
            continue  # importable only on Windows
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            setattr(module, "_", gettext)  # noqa: B010  (a module's global, by name)
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010


speak_chinese()


def display_width(text: str) -> int:
    """Terminal columns of ``text``: a Chinese character takes two."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in click.unstyle(text))


@contextmanager
def _wide_characters() -> Iterator[None]:
    """Let click's help layout measure display width instead of characters."""
    measure = getattr(click.formatting, "term_len")  # noqa: B009  (not exported by click)
    setattr(click.formatting, "term_len", display_width)  # noqa: B010
    try:
        yield
    finally:
        setattr(click.formatting, "term_len", measure)  # noqa: B010


class Formatter(click.HelpFormatter):
    """Headings with a full-width colon; option columns aligned under Chinese metavars."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        with _wide_characters():
            super().write_usage(prog, args, gettext("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        with _wide_characters():
            super().write_dl(rows, col_max, col_spacing)


class Context(click.Context):
    formatter_class = Formatter
