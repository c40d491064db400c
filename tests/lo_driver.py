"""JSON-lines driver for a running headless LibreOffice (run it under Debian's /usr/bin/python3).

Only the system Python can ``import uno``, so the test suite (Python 3.11 in the project venv)
starts this script as a subprocess and talks to it through stdin/stdout, one JSON object per
line.  See ``tests/libreoffice.py`` for the caller side; the caller enforces a wall-clock
timeout on every command and kills this process and soffice when one is exceeded.

Usage::

    /usr/bin/python3 tests/lo_driver.py --pipe NAME [--connect-timeout S] [--watch-pgid PGID]
        [--cleanup-dir DIR] [--profile-url URL]

The driver starts nothing itself: it connects to the soffice listening on
``--accept=pipe,name=NAME;urp;`` (retrying until ``--connect-timeout``), prints one "ready"
answer (id 0), then serves requests ``{"id": n, "cmd": "...", ...args}`` and answers each with
``{"id": n, "ok": true, "result": ...}`` or ``{"id": n, "ok": false, "error": "..."}``.

Commands (every one but ping/quit takes "doc", the id "open" returned; "sheet" is a name or
a 0-based index; cells and ranges are A1 style):

    open {path, filter?}            -> doc id (Hidden=True, macros never run, links not updated)
    close {doc}                     sheets {doc} -> [{name, visibility}]
    set {doc, sheet, cell, value}   number -> value, string -> text (never a formula), null -> clear
    setformula {doc, sheet, cell, formula}       calc {doc} (calculateAll)
    get {doc, sheet, cell}          -> {value, string, formula, type, error, result_type}
    get_range {doc, sheet, range}   -> rows of display strings
    protection {doc, sheet, cell}   -> {locked, hidden, hidden_all, print_hidden}
    sheet_protected {doc, sheet}    -> bool
    invalid_cells {doc, sheet}      -> ["B3", ...] (showInvalid() detective circles)
    validation {doc, sheet, cell}   -> {type, operator, formula1, formula2, ignore_blank, ...}
    export_pdf {doc, path, filter_data?}         print_areas {doc, sheet} -> ["A1:D10"]
    conditional_format_active {doc, sheet, cell} -> {active, applied, back_color, ...}
    conditional_format_range {doc, sheet, range} -> rows of the same
    basic_modules {doc}             -> {library: {module: {type, source}}} (imported VBA too)
    run_basic {doc, module, source, function, args?} -> what the function returns (the source
                                    is added to the document's library JxTest, then called)
    ping, quit, _sleep {seconds} (test hook for timeouts)

If stdin reaches EOF (the test process died or closed us) the driver SIGKILLs every process
group it was told to watch (``--watch-pgid`` and ``_watch_pgid`` requests), removes the
soffice pipes and ``--cleanup-dir``, then exits: even a SIGKILLed test run leaves no soffice
orphans, sockets or temp dirs behind.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import queue
import re
import secrets
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.table import CellAddress  # type: ignore[import-not-found]

# --- constants from the LibreOffice IDL ---------------------------------------------------
# com.sun.star.sheet.CellFlags: VALUE | DATETIME | STRING | FORMULA (keeps formatting/notes)
CLEAR_CONTENT_FLAGS = 1 | 2 | 4 | 16
# com.sun.star.sheet.FormulaResult
FORMULA_RESULT_VALUE, FORMULA_RESULT_STRING, FORMULA_RESULT_ERROR = 1, 2, 4
# com.sun.star.sheet.ReferenceFlags
COLUMN_RELATIVE, ROW_RELATIVE, SHEET_RELATIVE = 1, 4, 16
# Layer of detective objects (arrows, validation circles) in Calc's draw layer: SC_LAYER_INTERN
DETECTIVE_LAYER = 2
# ScDetectiveFunc stops drawing validation circles after this many (SC_DET_MAXCIRCLE)
MAX_DETECTIVE_CIRCLES = 1000
# com.sun.star.sheet.ConditionEntryType / ConditionFormatOperator, by value (read from the IDL)
CONDITION_ENTRY_TYPES = {
    uno.getConstantByName(f"com.sun.star.sheet.ConditionEntryType.{name}"): name
    for name in ("CONDITION", "COLORSCALE", "DATABAR", "ICONSET", "DATE")
}
CONDITION_OPERATORS = {
    uno.getConstantByName(f"com.sun.star.sheet.ConditionFormatOperator.{name}"): name
    for name in [
        "EQUAL",
        "LESS",
        "GREATER",
        "LESS_EQUAL",
        "GREATER_EQUAL",
        "NOT_EQUAL",
        "BETWEEN",
        "NOT_BETWEEN",
        "DUPLICATE",
        "UNIQUE",
        "ERROR",
        "NO_ERROR",
        "BEGINS_WITH",
        "ENDS_WITH",
        "CONTAINS",
        "NOT_CONTAINS",
        "TOP_N_ELEMENTS",
        "BOTTOM_N_ELEMENTS",
        "TOP_N_PERCENT",
        "BOTTOM_N_PERCENT",
        "ABOVE_AVERAGE",
        "BELOW_AVERAGE",
        "ABOVE_EQUAL_AVERAGE",
        "BELOW_EQUAL_AVERAGE",
        "EXPRESSION",
    ]
}
SCRATCH_SHEET = "__lo_driver_scratch__"
MAX_RANGE_CELLS = 200_000

Doc = Any  # a com.sun.star.sheet.SpreadsheetDocument proxy
Json = Any


class CommandError(Exception):
    """A request that cannot be served (bad arguments, unknown document, ...)."""


# --- small helpers --------------------------------------------------------------------------


def prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(col: int, row: int) -> str:
    return f"{column_letters(col)}{row + 1}"


def range_a1(addr: Any) -> str:
    start = a1(addr.StartColumn, addr.StartRow)
    end = a1(addr.EndColumn, addr.EndRow)
    return start if start == end else f"{start}:{end}"


def approx_equal(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-300)


# --- the driver -----------------------------------------------------------------------------


class Driver:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.smgr = ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.docs: dict[str, Doc] = {}
        self.prefix = secrets.token_hex(4)
        self.counter = 0
        self.handlers: dict[str, Callable[[dict[str, Any]], Json]] = {
            "ping": lambda a: "pong",
            "open": self.cmd_open,
            "close": self.cmd_close,
            "sheets": self.cmd_sheets,
            "set": self.cmd_set,
            "setformula": self.cmd_setformula,
            "calc": self.cmd_calc,
            "get": self.cmd_get,
            "get_range": self.cmd_get_range,
            "protection": self.cmd_protection,
            "sheet_protected": self.cmd_sheet_protected,
            "invalid_cells": self.cmd_invalid_cells,
            "validation": self.cmd_validation,
            "export_pdf": self.cmd_export_pdf,
            "print_areas": self.cmd_print_areas,
            "conditional_format_active": self.cmd_conditional_format_active,
            "conditional_format_range": self.cmd_conditional_format_range,
            "basic_modules": self.cmd_basic_modules,
            "run_basic": self.cmd_run_basic,
            "_sleep": self.cmd_sleep,
        }

    # -- configuration ---------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """Re-assert the profile settings the harness relies on and report what is in force."""
        provider = self.smgr.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx
        )
        wanted: dict[str, dict[str, bool | int]] = {
            "/org.openoffice.Office.Common/Misc": {
                "UseLocking": False,
                "UseDocumentOOoLockFile": False,
                "UseDocumentSystemFileLocking": False,
            },
            "/org.openoffice.Office.Calc/Formula/Load": {
                "OOXMLRecalcMode": 0,
                "ODFRecalcMode": 0,
            },
        }
        report: dict[str, Any] = {}
        for path, values in wanted.items():
            access = provider.createInstanceWithArguments(
                "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", path),)
            )
            for key, value in values.items():
                if access.getByName(key) != value:
                    access.replaceByName(key, value)
            access.commitChanges()
            report.update({key: access.getByName(key) for key in values})
        readonly: tuple[tuple[str, tuple[str, ...]], ...] = (
            ("/org.openoffice.Setup/L10N", ("ooLocale", "ooSetupSystemLocale")),
            ("/org.openoffice.Setup/Product", ("ooName", "ooSetupVersionAboutBox")),
        )
        for path, keys in readonly:
            access = provider.createInstanceWithArguments(
                "com.sun.star.configuration.ConfigurationAccess", (prop("nodepath", path),)
            )
            report.update({key: access.getByName(key) for key in keys})
        return report

    # -- lookup helpers --------------------------------------------------------------------

    def doc(self, args: dict[str, Any]) -> Doc:
        doc_id = args.get("doc")
        if not isinstance(doc_id, str) or doc_id not in self.docs:
            raise CommandError(f"unknown document id {doc_id!r}")
        return self.docs[doc_id]

    def sheet(self, args: dict[str, Any]) -> Any:
        doc = self.doc(args)
        key = args.get("sheet")
        sheets = doc.Sheets
        if isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < sheets.Count:
                raise CommandError(f"sheet index {key} out of range (0..{sheets.Count - 1})")
            return sheets.getByIndex(key)
        if isinstance(key, str) and sheets.hasByName(key):
            return sheets.getByName(key)
        raise CommandError(f"no sheet {key!r}; sheets are {list(sheets.ElementNames)!r}")

    def cell(self, args: dict[str, Any]) -> Any:
        sheet = self.sheet(args)
        ref = args.get("cell")
        if not isinstance(ref, str) or not re.fullmatch(r"\$?[A-Za-z]{1,3}\$?[0-9]{1,7}", ref):
            raise CommandError(f"cell must be an A1-style address, got {ref!r}")
        return sheet.getCellRangeByName(ref.replace("$", ""))

    # -- commands --------------------------------------------------------------------------

    def cmd_open(self, args: dict[str, Any]) -> str:
        path = args.get("path")
        if not isinstance(path, str) or not os.path.isfile(path):
            raise CommandError(f"no such file: {path!r}")
        props = [
            prop("Hidden", True),  # the -nogui build crashes on visible loads
            prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
            prop("UpdateDocMode", 0),  # NO_UPDATE: never ask about links
            prop("ReadOnly", False),
        ]
        if args.get("filter"):
            props.append(prop("FilterName", args["filter"]))
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        doc = self.desktop.loadComponentFromURL(url, "_blank", 0, tuple(props))
        if doc is None or not hasattr(doc, "Sheets"):
            if doc is not None:
                doc.close(True)
            raise CommandError(f"LibreOffice could not load {path!r} as a spreadsheet")
        self.counter += 1
        doc_id = f"{self.prefix}-{self.counter}"
        self.docs[doc_id] = doc
        return doc_id

    def cmd_close(self, args: dict[str, Any]) -> None:
        doc = self.doc(args)
        del self.docs[args["doc"]]
        try:
            doc.close(True)
        except Exception:  # noqa: BLE001 - CloseVetoException etc.: fall back to dispose
            doc.dispose()

    def cmd_sheets(self, args: dict[str, Any]) -> list[dict[str, str]]:
        sheets = self.doc(args).Sheets
        out = []
        for i in range(sheets.Count):
            sheet = sheets.getByIndex(i)
            # LibreOffice 7.4 has no "very hidden": xlsx veryHidden loads as hidden.
            out.append(
                {"name": sheet.Name, "visibility": "visible" if sheet.IsVisible else "hidden"}
            )
        return out

    def cmd_set(self, args: dict[str, Any]) -> None:
        cell = self.cell(args)
        value = args.get("value")
        if value is None:
            cell.clearContents(CLEAR_CONTENT_FLAGS)
        elif isinstance(value, bool):
            raise CommandError("booleans are ambiguous in a sheet; send 1/0 or a string")
        elif isinstance(value, int | float):
            cell.setValue(float(value))
        elif isinstance(value, str):
            cell.setString(value)  # always text, even "=A1"
        else:
            raise CommandError(f"value must be a number, a string or null, got {value!r}")

    def cmd_setformula(self, args: dict[str, Any]) -> None:
        formula = args.get("formula")
        if not isinstance(formula, str) or not formula:
            raise CommandError("formula must be a non-empty string")
        self.cell(args).setFormula(formula if formula.startswith("=") else "=" + formula)

    def cmd_calc(self, args: dict[str, Any]) -> None:
        self.doc(args).calculateAll()

    def cmd_get(self, args: dict[str, Any]) -> dict[str, Any]:
        cell = self.cell(args)
        kind = cell.Type.value  # EMPTY, VALUE, TEXT, FORMULA
        value: float | None = None
        result_type: str | None = None
        if kind == "VALUE":
            value = cell.getValue()
        elif kind == "FORMULA":
            rt = cell.FormulaResultType2
            result_type = {1: "VALUE", 2: "STRING", 4: "ERROR"}.get(rt, str(rt))
            if rt == FORMULA_RESULT_VALUE and cell.getError() == 0:
                value = cell.getValue()
        return {
            "value": value,
            "string": cell.getString(),
            "formula": cell.getFormula(),
            "type": kind,
            "error": cell.getError(),
            "result_type": result_type,
        }

    def cmd_get_range(self, args: dict[str, Any]) -> list[list[str]]:
        sheet = self.sheet(args)
        ref = args.get("range")
        if not isinstance(ref, str):
            raise CommandError("range must be an A1-style range such as 'A1:C3'")
        rng = sheet.getCellRangeByName(ref.replace("$", ""))
        addr = rng.RangeAddress
        rows = addr.EndRow - addr.StartRow + 1
        cols = addr.EndColumn - addr.StartColumn + 1
        if rows * cols > MAX_RANGE_CELLS:
            raise CommandError(f"range {ref} has {rows * cols} cells (> {MAX_RANGE_CELLS})")
        return [[rng.getCellByPosition(c, r).getString() for c in range(cols)] for r in range(rows)]

    def cmd_protection(self, args: dict[str, Any]) -> dict[str, bool]:
        p = self.cell(args).CellProtection
        return {
            "locked": bool(p.IsLocked),
            "hidden": bool(p.IsFormulaHidden),  # Excel's "Hidden" = hide the formula
            "hidden_all": bool(p.IsHidden),
            "print_hidden": bool(p.IsPrintHidden),
        }

    def cmd_sheet_protected(self, args: dict[str, Any]) -> bool:
        return bool(self.sheet(args).isProtected())

    def cmd_invalid_cells(self, args: dict[str, Any]) -> list[str]:
        """Cells violating their data validation, as Calc's Tools > Detective > Mark Invalid
        Data sees them: sheet.showInvalid() draws an ellipse (on the internal detective layer,
        anchored to the cell) around each invalid cell; we read the anchors, then remove all
        detective objects again so later exports are not polluted."""
        sheet = self.sheet(args)
        sheet.clearArrows()
        try:
            sheet.showInvalid()
            page = sheet.DrawPage
            found: set[tuple[int, int]] = set()
            circles = 0
            for i in range(page.Count):
                shape = page.getByIndex(i)
                if shape.ShapeType != "com.sun.star.drawing.EllipseShape":
                    continue
                if getattr(shape, "LayerID", None) != DETECTIVE_LAYER:
                    continue  # a user's own ellipse
                circles += 1
                found.add(self.shape_cell(sheet, shape))
        finally:
            sheet.clearArrows()
        if circles >= MAX_DETECTIVE_CIRCLES:
            raise CommandError(
                f"LibreOffice stops marking invalid cells at {MAX_DETECTIVE_CIRCLES}; "
                "the list would be incomplete"
            )
        return [a1(col, row) for row, col in sorted(found)]

    @staticmethod
    def shape_cell(sheet: Any, shape: Any) -> tuple[int, int]:
        """(row, col) of the cell a detective circle marks: its anchor, else its centre."""
        anchor = getattr(shape, "Anchor", None)
        if anchor is not None and hasattr(anchor, "CellAddress"):
            return anchor.CellAddress.Row, anchor.CellAddress.Column
        x = shape.Position.X + shape.Size.Width // 2
        y = shape.Position.Y + shape.Size.Height // 2

        def search(limit: int, coord: Callable[[int], Any], target: int) -> int:
            lo, hi = 0, limit - 1
            while lo < hi:  # last index whose start <= target
                mid = (lo + hi + 1) // 2
                if coord(mid) <= target:
                    lo = mid
                else:
                    hi = mid - 1
            return lo

        cols = sheet.Columns.Count
        rows = sheet.Rows.Count
        col = search(cols, lambda c: sheet.getCellByPosition(c, 0).Position.X, x)
        row = search(rows, lambda r: sheet.getCellByPosition(0, r).Position.Y, y)
        return row, col

    def cmd_validation(self, args: dict[str, Any]) -> dict[str, Any]:
        v = self.cell(args).Validation
        return {
            # ANY (= no validation), WHOLE, DECIMAL, DATE, TIME, TEXT_LEN, LIST, CUSTOM
            "type": v.Type.value,
            "operator": v.getOperator().value,
            "formula1": v.getFormula1(),
            "formula2": v.getFormula2(),
            "ignore_blank": bool(v.IgnoreBlankCells),
            "show_list": int(v.ShowList),
            "show_error": bool(v.ShowErrorMessage),
            "error_title": v.ErrorTitle,
            "error_message": v.ErrorMessage,
        }

    def cmd_export_pdf(self, args: dict[str, Any]) -> str:
        doc = self.doc(args)
        path = args.get("path")
        if not isinstance(path, str) or not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise CommandError(f"bad PDF path {path!r} (its directory must exist)")
        filter_data = tuple(prop(k, v) for k, v in (args.get("filter_data") or {}).items())
        props = [prop("FilterName", "calc_pdf_Export")]
        if filter_data:
            props.append(
                prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", filter_data))
            )
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(path)), tuple(props))
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            raise CommandError(f"PDF export produced no file at {path!r}")
        return path

    def cmd_print_areas(self, args: dict[str, Any]) -> list[str]:
        return [range_a1(addr) for addr in self.sheet(args).getPrintAreas()]

    def cmd_basic_modules(self, args: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
        """Every Basic module of the document: its type and source text.

        Loading an Excel file with a VBA project imports that project (vbaProject.bin: dir
        stream, module streams) into a Basic library named after the VBA project; its module
        types come from the library's XVBAModuleInfo (com.sun.star.script.ModuleType:
        1 NORMAL, 2 CLASS, 3 FORM, 4 DOCUMENT, 0 UNKNOWN).
        """
        libraries = self.doc(args).BasicLibraries
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for name in libraries.ElementNames:
            libraries.loadLibrary(name)
            library = libraries.getByName(name)
            out[name] = {
                module: {
                    "type": (
                        library.getModuleInfo(module).ModuleType
                        if library.hasModuleInfo(module)
                        else 0
                    ),
                    "source": library.getByName(module),
                }
                for module in library.ElementNames
            }
        return out

    def cmd_run_basic(self, args: dict[str, Any]) -> Any:
        """Add a Basic module (``Option VBASupport 1`` at its top runs it in VBA mode, where
        ThisWorkbook, Worksheets and PageSetup mean what they mean in Excel) to the document's
        library ``JxTest`` and call one of its functions with ``args`` (numbers, texts,
        booleans); returns the function's result.  How the tests run generated VBA."""
        doc = self.doc(args)
        libraries = doc.BasicLibraries
        if not libraries.hasByName("JxTest"):
            libraries.createLibrary("JxTest")
        library = libraries.getByName("JxTest")
        module = str(args["module"])
        if library.hasByName(module):
            library.removeByName(module)
        library.insertByName(module, str(args["source"]))
        url = (
            f"vnd.sun.star.script:JxTest.{module}.{args['function']}"
            "?language=Basic&location=document"
        )
        script = doc.getScriptProvider().getScript(url)
        result = script.invoke(tuple(args.get("args") or ()), (), ())[0]
        plain = result is None or isinstance(result, (str, int, float, bool))
        return result if plain else str(result)

    def cmd_sleep(self, args: dict[str, Any]) -> None:
        """Test hook: block for `seconds` so the caller's timeout can be exercised."""
        time.sleep(float(args.get("seconds", 1)))

    # -- conditional formats ---------------------------------------------------------------

    def cmd_conditional_format_active(self, args: dict[str, Any]) -> dict[str, Any]:
        """Does a conditional format currently apply a style to the cell?

        LibreOffice's API cannot say (CellBackColor and CellStyle ignore conditional formats),
        so we evaluate the sheet's conditional formats (sheet.ConditionalFormats) ourselves,
        letting Calc compute every formula: each entry's Formula1/Formula2 is re-parsed with
        the document's FormulaParser at the format's base cell (top-left corner of its range,
        where LibreOffice anchors its relative references), shifted to the target cell and
        evaluated in a scratch cell on a temporary sheet.  The comparison operators then follow
        ScConditionEntry (blanks and error results compare as 0, text compares
        case-insensitively, a number never equals a text condition).  Within one format the
        first matching entry wins, as in Calc.  Date conditions, colour scales, data bars and
        icon sets are listed under "unsupported" rather than evaluated.
        """
        doc = self.doc(args)
        sheet = self.sheet(args)
        cell = self.cell(args)
        formats = read_conditional_formats(sheet)
        evaluator = ScratchEvaluator(doc, sheet)
        try:
            return evaluator.cell_state(cell, formats)
        finally:
            evaluator.close()

    def cmd_conditional_format_range(self, args: dict[str, Any]) -> list[list[dict[str, Any]]]:
        """conditional_format_active for every cell of a range, row by row (reads the
        sheet's formats once: much faster than asking cell by cell)."""
        doc = self.doc(args)
        sheet = self.sheet(args)
        ref = args.get("range")
        if not isinstance(ref, str):
            raise CommandError("range must be an A1-style range such as 'A1:C3'")
        rng = sheet.getCellRangeByName(ref.replace("$", ""))
        addr = rng.RangeAddress
        rows = addr.EndRow - addr.StartRow + 1
        cols = addr.EndColumn - addr.StartColumn + 1
        if rows * cols > MAX_RANGE_CELLS:
            raise CommandError(f"range {ref} has {rows * cols} cells (> {MAX_RANGE_CELLS})")
        formats = read_conditional_formats(sheet)
        evaluator = ScratchEvaluator(doc, sheet)
        try:
            return [
                [evaluator.cell_state(rng.getCellByPosition(c, r), formats) for c in range(cols)]
                for r in range(rows)
            ]
        finally:
            evaluator.close()


def read_conditional_formats(sheet: Any) -> list[dict[str, Any]]:
    """The sheet's conditional formats as plain data (each UNO property read is a round
    trip, so read them once per request)."""
    out: list[dict[str, Any]] = []
    for fmt in sheet.ConditionalFormats.getConditionalFormats():
        ranges = list(fmt.Range.RangeAddresses)
        entries = []
        for index in range(fmt.Count):
            entry = fmt.getByIndex(index)
            kind = CONDITION_ENTRY_TYPES.get(entry.Type, str(entry.Type))
            info: dict[str, Any] = {"entry": index, "kind": kind}
            if kind == "CONDITION":
                info.update(
                    operator=CONDITION_OPERATORS.get(entry.Operator, str(entry.Operator)),
                    formula1=entry.Formula1,
                    formula2=entry.Formula2,
                    style=entry.StyleName,
                )
            entries.append(info)
        out.append(
            {
                "id": fmt.ID,
                "ranges": ranges,
                # Calc anchors relative references at ScRangeList::GetTopLeftCorner()
                # (smallest column, then row)
                "base": min(ranges, key=lambda r: (r.StartColumn, r.StartRow)),
                "entries": entries,
            }
        )
    return out


def style_colors(styles: Any, name: str) -> dict[str, Any]:
    if not name or not styles.hasByName(name):
        return {"back_color": None, "char_color": None}
    style = styles.getByName(name)
    back = None if style.IsCellBackgroundTransparent else style.CellBackColor
    return {"back_color": back, "char_color": style.CharColor}


class ScratchEvaluator:
    """Evaluates formula strings as if they sat in a given cell, using a temporary sheet."""

    def __init__(self, doc: Doc, sheet: Any) -> None:
        self.doc = doc
        self.sheet = sheet
        self.parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
        self.scratch: Any = None
        self.scratch_index = -1
        self.styles = doc.StyleFamilies.getByName("CellStyles")
        self.contents: dict[int, list[Any]] = {}  # format id -> range_contents

    def cell_state(self, cell: Any, formats: list[dict[str, Any]]) -> dict[str, Any]:
        target = cell.CellAddress
        applied: list[dict[str, Any]] = []
        unsupported: list[dict[str, Any]] = []
        considered = 0
        for fmt in formats:
            if not any(
                r.StartColumn <= target.Column <= r.EndColumn
                and r.StartRow <= target.Row <= r.EndRow
                for r in fmt["ranges"]
            ):
                continue
            for entry in fmt["entries"]:
                desc = {"format_id": fmt["id"], **entry}
                if entry["kind"] != "CONDITION":
                    unsupported.append(desc)
                    continue
                considered += 1
                matched = self.condition_matches(cell, target, fmt, entry)
                if matched is None:
                    unsupported.append(desc)
                elif matched:
                    desc.update(style_colors(self.styles, entry["style"]))
                    applied.append(desc)
                    break  # the first matching entry of a format wins
        back = next((a["back_color"] for a in applied if a.get("back_color") is not None), None)
        return {
            "active": bool(applied),
            "applied": applied,
            "back_color": back,
            "cell_back_color": cell.CellBackColor,
            "conditions_considered": considered,
            "unsupported": unsupported,
            "method": "evaluated",
        }

    def range_contents(self, fmt: dict[str, Any]) -> list[Any]:
        if fmt["id"] not in self.contents:
            self.contents[fmt["id"]] = range_contents(self.sheet, fmt["ranges"])
        return self.contents[fmt["id"]]

    def close(self) -> None:
        if self.scratch is not None:
            self.doc.Sheets.removeByName(SCRATCH_SHEET)
            self.scratch = None

    def evaluate(self, formula: str, base: Any, target: Any) -> tuple[str, Any]:
        """("value", float) / ("string", str) / ("error", code) of `formula`, whose relative
        references are written as seen from `base` (a CellRangeAddress start), at `target`."""
        sheets = self.doc.Sheets
        if self.scratch is None:
            if sheets.hasByName(SCRATCH_SHEET):
                sheets.removeByName(SCRATCH_SHEET)
            sheets.insertNewByName(SCRATCH_SHEET, sheets.Count)
            self.scratch = sheets.getByName(SCRATCH_SHEET)
            self.scratch_index = sheets.Count - 1
        pos = CellAddress()
        pos.Sheet = target.Sheet
        pos.Column = base.StartColumn
        pos.Row = base.StartRow
        tokens = list(self.parser.parseFormula(formula, pos))
        # Parsed relative references are offsets from `pos`; the scratch cell is A1 of the
        # scratch sheet, so add (target - scratch) to keep them pointing where Calc would.
        shift = (target.Column, target.Row, target.Sheet - self.scratch_index)
        for token in tokens:
            data = token.Data
            type_name = getattr(data, "typeName", None)
            # pyuno hands out copies of nested structs: assign every level back
            if type_name == "com.sun.star.sheet.SingleReference":
                token.Data = shift_ref(data, shift)
            elif type_name == "com.sun.star.sheet.ComplexReference":
                data.Reference1 = shift_ref(data.Reference1, shift)
                data.Reference2 = shift_ref(data.Reference2, shift)
                token.Data = data
        scratch_cell = self.scratch.getCellByPosition(0, 0)
        scratch_cell.setTokens(tuple(tokens))
        error = scratch_cell.getError()
        if error:
            result: tuple[str, Any] = ("error", error)
        elif scratch_cell.FormulaResultType2 == FORMULA_RESULT_STRING:
            result = ("string", scratch_cell.getString())
        else:
            result = ("value", scratch_cell.getValue())
        scratch_cell.clearContents(CLEAR_CONTENT_FLAGS)
        return result

    def condition_matches(
        self, cell: Any, target: Any, fmt: dict[str, Any], entry: dict[str, Any]
    ) -> bool | None:
        base = fmt["base"]
        op: str = entry["operator"]
        formula1: str = entry["formula1"]
        formula2: str = entry["formula2"]
        if op == "EXPRESSION":
            kind, val = self.evaluate(formula1, base, target)
            return bool(kind == "value" and val != 0.0)
        if op in ("ERROR", "NO_ERROR"):
            return bool((cell.getError() != 0) == (op == "ERROR"))
        is_num, num, text = cell_content(cell)
        if op in ("DUPLICATE", "UNIQUE"):
            # Blanks are not counted, but a blank cell itself is looked up as 0.
            key = num if is_num else text.casefold()
            same = sum(1 for v in self.range_contents(fmt) if v == key)
            return bool((same > 1) == (op == "DUPLICATE"))
        if op.endswith("AVERAGE") or op.startswith(("TOP_", "BOTTOM_")):
            if not is_num:  # text; a blank counts as 0 (but is not among the numbers)
                return False
            numbers = [v for v in self.range_contents(fmt) if isinstance(v, float)]
            return rank_condition(op, num, numbers, lambda: self.number(formula1, base, target))
        kind1, val1 = self.evaluate(formula1, base, target)
        if kind1 == "error":
            return False
        if op in ("BEGINS_WITH", "ENDS_WITH", "CONTAINS", "NOT_CONTAINS"):
            hay = (fmt_number(num) if is_num else text).casefold()  # errors count as "0"
            needle = str(val1 if kind1 == "string" else fmt_number(val1)).casefold()
            return {
                "BEGINS_WITH": hay.startswith(needle),
                "ENDS_WITH": hay.endswith(needle),
                "CONTAINS": needle in hay,
                "NOT_CONTAINS": needle not in hay,
            }[op]
        val2: Any = None
        kind2 = "value"
        if op in ("BETWEEN", "NOT_BETWEEN"):
            kind2, val2 = self.evaluate(formula2, base, target)
            if kind2 == "error":
                return False
        cond_is_str = kind1 == "string"
        if cell.Type.value == "EMPTY":
            is_num, num, text = not cond_is_str, 0.0, ""
        if is_num:
            if cond_is_str:  # a number never equals a string condition
                return op == "NOT_EQUAL"
            if op in ("BETWEEN", "NOT_BETWEEN") and kind2 == "string":
                return op == "NOT_BETWEEN"
            return compare(op, num, val1, val2, approx_equal)
        if not cond_is_str:  # a string cell against a numeric condition
            return op == "NOT_EQUAL"
        if op in ("BETWEEN", "NOT_BETWEEN") and kind2 != "string":
            return op == "NOT_BETWEEN"
        return compare(
            op,
            text.casefold(),
            val1.casefold(),
            val2.casefold() if val2 else val2,
            lambda x, y: x == y,
        )

    def number(self, formula: str, base: Any, target: Any) -> float | None:
        kind, val = self.evaluate(formula, base, target)
        return val if kind == "value" else None


def shift_ref(ref: Any, shift: tuple[int, int, int]) -> Any:
    if ref.Flags & COLUMN_RELATIVE:
        ref.RelativeColumn += shift[0]
    if ref.Flags & ROW_RELATIVE:
        ref.RelativeRow += shift[1]
    if ref.Flags & SHEET_RELATIVE:
        ref.RelativeSheet += shift[2]
    return ref


def cell_content(cell: Any) -> tuple[bool, float, str]:
    """(is_number, number, text) as ScConditionEntry sees a cell (blank and error: 0)."""
    kind = cell.Type.value
    if cell.getError():  # Calc compares an error result as the number 0
        return True, 0.0, ""
    if kind == "TEXT":
        return False, 0.0, cell.getString()
    if kind == "FORMULA" and cell.FormulaResultType2 == FORMULA_RESULT_STRING:
        return False, 0.0, cell.getString()
    if kind == "EMPTY":
        return True, 0.0, ""
    return True, cell.getValue(), ""


def range_contents(sheet: Any, ranges: list[Any]) -> list[Any]:
    """Non-blank cell contents of the ranges as Calc's condition cache sees them: floats for
    numbers and for error results (as 0), casefolded text otherwise."""
    out: list[Any] = []
    for r in ranges:
        rng = sheet.getCellRangeByPosition(r.StartColumn, r.StartRow, r.EndColumn, r.EndRow)
        errors: set[tuple[int, int]] = set()
        for err in rng.queryFormulaCells(FORMULA_RESULT_ERROR).RangeAddresses:
            errors.update(
                (c, w)
                for c in range(err.StartColumn, err.EndColumn + 1)
                for w in range(err.StartRow, err.EndRow + 1)
            )
        for dr, row in enumerate(rng.getDataArray()):
            for dc, v in enumerate(row):
                if (r.StartColumn + dc, r.StartRow + dr) in errors:
                    out.append(0.0)
                elif isinstance(v, float):
                    out.append(v)
                elif v != "":
                    out.append(str(v).casefold())
    return out


def rank_condition(
    op: str, x: float, numbers: list[float], n: Callable[[], float | None]
) -> bool | None:
    if not numbers:
        return False
    if op.endswith("AVERAGE"):
        mean = sum(numbers) / len(numbers)
        return {
            "ABOVE_AVERAGE": x > mean,
            "BELOW_AVERAGE": x < mean,
            "ABOVE_EQUAL_AVERAGE": x >= mean,
            "BELOW_EQUAL_AVERAGE": x <= mean,
        }[op]
    limit = n()
    if limit is None:
        return None
    ordered = sorted(numbers, reverse=op.startswith("TOP_"))
    count = int(len(numbers) * limit / 100) if op.endswith("PERCENT") else int(limit)
    if count <= 0:
        return False
    edge = ordered[min(count, len(ordered)) - 1]
    return x >= edge if op.startswith("TOP_") else x <= edge


def compare(op: str, x: Any, a: Any, b: Any, eq: Callable[[Any, Any], bool]) -> bool | None:
    if op == "EQUAL":
        return eq(x, a)
    if op == "NOT_EQUAL":
        return not eq(x, a)
    if op == "LESS":
        return x < a and not eq(x, a)
    if op == "GREATER":
        return x > a and not eq(x, a)
    if op == "LESS_EQUAL":
        return x <= a or eq(x, a)
    if op == "GREATER_EQUAL":
        return x >= a or eq(x, a)
    if op in ("BETWEEN", "NOT_BETWEEN"):
        inside = (a <= x <= b) or (b <= x <= a) or eq(x, a) or eq(x, b)
        return inside == (op == "BETWEEN")
    return None


def fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


# --- plumbing -------------------------------------------------------------------------------

WATCHED_PGIDS: set[int] = set()
CLEANUP: dict[str, str] = {}  # "dir", "profile_url", "pipe": what to remove after a kill


def kill_watched() -> None:
    for pgid in list(WATCHED_PGIDS):
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and any(group_alive(p) for p in WATCHED_PGIDS):
        time.sleep(0.05)
    # A killed soffice leaves its pipes (sockets in /tmp) and our temp dir behind.
    profile_url = CLEANUP.get("profile_url")
    if profile_url:
        digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
        names = ["SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)]
        if CLEANUP.get("pipe"):
            names.append(CLEANUP["pipe"])
        for folder in ("/tmp", "/var/tmp"):
            for name in names:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, f"OSL_PIPE_{os.getuid()}_{name}"))
    if CLEANUP.get("dir"):
        shutil.rmtree(CLEANUP["dir"], ignore_errors=True)


def group_alive(pgid: int) -> bool:
    """Is any non-zombie process left in group `pgid`?"""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def read_stdin(q: queue.Queue[dict[str, Any]], stdin: Any) -> None:
    """Feed requests to the main loop; on EOF kill the watched soffice groups and exit."""
    for raw in stdin:
        line = raw.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            request = {"id": None, "cmd": "_bad", "error": f"bad JSON: {exc}"}
        if isinstance(request, dict) and request.get("cmd") == "_watch_pgid":
            WATCHED_PGIDS.add(int(request["pgid"]))
            continue
        q.put(request if isinstance(request, dict) else {"id": None, "cmd": "_bad"})
    # The caller is gone (a killed test run, or a timeout): take soffice with us.  This
    # thread must finish the job itself: were the main thread told first, its normal exit
    # would kill this daemon thread half-way.
    kill_watched()
    os._exit(0)


def connect(pipe: str, deadline: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    last = "never tried"
    while time.monotonic() < deadline:
        try:
            return resolver.resolve(url)
        except Exception as exc:  # noqa: BLE001 - NoConnectException until soffice listens
            last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.1)
    raise TimeoutError(f"could not connect to soffice pipe {pipe!r}: {last}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipe", required=True)
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    parser.add_argument("--watch-pgid", type=int, action="append", default=[])
    parser.add_argument("--cleanup-dir", help="removed if the caller disappears")
    parser.add_argument("--profile-url", help="soffice's profile (to find its pipes)")
    opts = parser.parse_args(argv)
    WATCHED_PGIDS.update(opts.watch_pgid)
    CLEANUP.update(dir=opts.cleanup_dir or "", profile_url=opts.profile_url or "", pipe=opts.pipe)

    # Keep stdout for protocol lines only: anything a library prints goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    stdin = os.fdopen(os.dup(sys.stdin.fileno()), "r", encoding="utf-8")

    def answer(req_id: Any, ok: bool, payload: Any) -> None:
        key = "result" if ok else "error"
        out.write(json.dumps({"id": req_id, "ok": ok, key: payload}, ensure_ascii=False) + "\n")
        out.flush()

    requests: queue.Queue[dict[str, Any]] = queue.Queue()
    threading.Thread(target=read_stdin, args=(requests, stdin), daemon=True).start()

    try:
        ctx = connect(opts.pipe, time.monotonic() + opts.connect_timeout)
        driver = Driver(ctx)
        ready = {"ready": True, "pid": os.getpid(), "config": driver.config()}
    except Exception as exc:  # noqa: BLE001 - report any start-up failure to the caller
        answer(0, False, f"{type(exc).__name__}: {exc}")
        return 2
    answer(0, True, ready)

    while True:
        request = requests.get()
        req_id = request.get("id")
        cmd = request.get("cmd")
        if cmd == "quit":
            for doc in list(driver.docs.values()):
                with contextlib.suppress(Exception):  # best effort on the way out
                    doc.close(True)
            answer(req_id, True, None)
            # Let soffice shut down cleanly (removes its pipe); the caller kills the
            # process group anyway if this does not finish in time.
            with contextlib.suppress(Exception):
                driver.desktop.terminate()
            return 0
        handler = driver.handlers.get(cmd) if isinstance(cmd, str) else None
        if handler is None:
            answer(req_id, False, request.get("error") or f"unknown command {cmd!r}")
            continue
        try:
            answer(req_id, True, handler(request))
        except CommandError as exc:
            answer(req_id, False, str(exc))
        except Exception as exc:  # noqa: BLE001 - UNO exceptions: report, keep serving
            detail = traceback.format_exc(limit=3)
            print(detail, file=sys.stderr, flush=True)
            answer(req_id, False, f"{cmd}: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
