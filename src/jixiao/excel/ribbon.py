"""The entry point of the 绩效目标 ribbon's Python buttons: ``ribbon.run("validate")``.

The VBA callback (generated from :data:`jixiao.excel.buttons.BUTTONS`) guards first (no
workbook, Protected View, not a template), then hands the calling workbook to Python through the
add-in's xlwings runtime and runs ``import jixiao.excel.ribbon as ribbon; ribbon.run("<key>")``.
:data:`HANDLERS` is keyed by the same table.  Whatever a handler raises reaches the clerk as a
Chinese message box, never a traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from jixiao.excel import handlers
from jixiao.excel.book import Book
from jixiao.excel.buttons import BY_KEY, Button, refusal
from jixiao.excel.oserrors import os_error_message
from jixiao.service.refusals import ActionError

HANDLERS: dict[str, Callable[[Book], object]] = {
    "validate": handlers.validate_book,
    "new_project": handlers.new_project_sheet,
    "clear_marks": handlers.clear_marks,
    "consolidate": handlers.consolidate_button,
    "import": handlers.import_button,
    "publish": handlers.publish_button,
}
"""The Python buttons of :data:`jixiao.excel.buttons.BUTTONS`, by key."""

LOG_NAME = "ribbon-errors.log"
LOG_LIMIT = 256 * 1024


def run(key: str) -> None:
    """Run one button on the workbook that called it (``xw.Book.caller()``)."""
    from jixiao.excel.live import caller_book  # xlwings: only in Excel

    button = BY_KEY[key]
    with caller_book() as book:
        press(button, book)


def press(button: Button, book: Book) -> None:
    """What a click does, on any Book: the guard, then the handler; every failure becomes a
    Chinese message box (a program error also goes to the log for whoever helps the clerk)."""
    handler = HANDLERS[button.key]
    refused = refusal(button, book.sheet_names())
    if refused:
        book.notify(refused)
        return
    try:
        handler(book)
    except ActionError as exc:
        book.notify(f"{button.label}未完成：{exc}")
    except OSError as exc:
        book.notify(f"{button.label}未完成：{os_error_message(exc)}")
    except Exception as exc:  # noqa: BLE001  (a clerk sees a message, never a traceback)
        logged = log_error(button)
        where = f"详细记录在 {logged}。" if logged else ""
        book.notify(
            f"{button.label}未完成：程序出错（{type(exc).__name__}）。"
            f"请保存工作簿后重试；仍不行时请把本工作簿和这条信息发给管理员。{where}"
        )


def log_error(button: Button, folder: Path | None = None) -> Path | None:
    """Append the current traceback to ``~/.jixiao/ribbon-errors.log`` (kept under 256 KB);
    None when even that fails."""
    target = (folder or Path.home() / ".jixiao") / LOG_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.stat().st_size > LOG_LIMIT:
            target.unlink()
        with target.open("a", encoding="utf-8") as log:
            log.write(f"--- {button.key}\n{traceback.format_exc()}\n")
    except OSError:
        return None
    return target
