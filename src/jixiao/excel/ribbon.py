"""Entry points of the 绩效目标 ribbon (called by addin/JixiaoRibbon.bas through RunPython).

Each is one line over a handler; errors become a Chinese message box, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from jixiao.excel import handlers
from jixiao.excel.book import Book


def _run(action: Callable[[Book], object]) -> None:
    from jixiao.excel.live import active_book

    with active_book() as book:
        try:
            action(book)
        except Exception as exc:  # noqa: BLE001  (a clerk sees a message, not a traceback)
            book.notify(f"操作未完成：{type(exc).__name__}: {exc}")


def on_validate() -> None:
    """一键校验."""
    _run(handlers.validate_book)


def on_new_project() -> None:
    """新建项目表."""
    _run(handlers.new_project_sheet)


def on_clear_marks() -> None:
    """清除标记."""
    _run(handlers.clear_marks)


def on_consolidate() -> None:
    """汇总: a chosen folder, or this workbook's department sheets."""
    _run(handlers.consolidate_button)


def on_import() -> None:
    """导入: a published document becomes a filled template beside it."""
    _run(handlers.import_button)


def on_help() -> None:
    """帮助."""
    _run(handlers.show_help)
